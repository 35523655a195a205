/* test_signed_stream.c — signed_stream.c against the test vectors of turbo-rails /
 * ActiveSupport (docs/architecture.md, "Action Cable"): raw key and PBKDF2-derived key, round trips,
 * forged, truncated, re-encoded and malformed tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "signed_stream.h"

#define RAW_KEY "s3Krit"
#define TOKEN_CHAT "ImNoYXQ6MjAyMSI=--f9ee45dbccb1da04d8ceb99cc820207804370ba0d06b46fc3b8b373af1315628"
#define TOKEN_ARTICLES "ImFydGljbGVzIg==--62670e0803311c6b3bceb3d258c952d8e8ee9ac95e3baa094e63bba6e0f7d26f"

static char *verify_raw(const char *token)
{
    return qr_signed_stream_verify((const unsigned char *)RAW_KEY, strlen(RAW_KEY), token, strlen(token));
}

static void test_sign_raw_key_vector(void **state)
{
    (void)state;
    char *t = qr_signed_stream_sign((const unsigned char *)RAW_KEY, strlen(RAW_KEY), "chat:2021", 9);
    assert_string_equal(t, TOKEN_CHAT);
    free(t);
}

static void test_verify_raw_key_vector(void **state)
{
    (void)state;
    char *n = verify_raw(TOKEN_CHAT);
    assert_non_null(n);
    assert_string_equal(n, "chat:2021");
    free(n);
}

static void test_pbkdf2_vector(void **state)
{
    (void)state;
    unsigned char key[QR_STREAM_KEY_LEN];
    qr_signed_stream_key("secret-key-base-for-tests", key);
    char *t = qr_signed_stream_sign(key, sizeof key, "articles", 8);
    assert_string_equal(t, TOKEN_ARTICLES);
    free(t);
    char *n = qr_signed_stream_verify(key, sizeof key, TOKEN_ARTICLES, strlen(TOKEN_ARTICLES));
    assert_non_null(n);
    assert_string_equal(n, "articles");
    free(n);
    /* the same token under another secret is refused */
    qr_signed_stream_key("another-secret", key);
    assert_null(qr_signed_stream_verify(key, sizeof key, TOKEN_ARTICLES, strlen(TOKEN_ARTICLES)));
}

static void test_round_trip_unicode_and_escapes(void **state)
{
    (void)state;
    const char *names[] = {"", "a", "gid://blog/Article/1:comments", "caf\xc3\xa9 \"q\" \\ / <b>&", "tab\tnl\n"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *t = qr_signed_stream_sign((const unsigned char *)RAW_KEY, 6, names[i], strlen(names[i]));
        char *n = verify_raw(t);
        assert_non_null(n);
        assert_string_equal(n, names[i]);
        free(n);
        free(t);
    }
}

static void test_forged_and_truncated(void **state)
{
    (void)state;
    char buf[256];
    /* a flipped digest character */
    strcpy(buf, TOKEN_CHAT);
    buf[strlen(buf) - 1] = buf[strlen(buf) - 1] == '8' ? '9' : '8';
    assert_null(verify_raw(buf));
    /* a changed data part with the old digest */
    strcpy(buf, TOKEN_CHAT);
    buf[1] = 'n';
    assert_null(verify_raw(buf));
    /* truncated: digest shortened, data shortened, separator only */
    strcpy(buf, TOKEN_CHAT);
    buf[strlen(buf) - 1] = 0;
    assert_null(verify_raw(buf));
    assert_null(verify_raw(TOKEN_CHAT + 1));
    assert_null(verify_raw("ImNoYXQ6MjAyMSI="));
    assert_null(verify_raw("--f9ee45dbccb1da04d8ceb99cc820207804370ba0d06b46fc3b8b373af1315628"));
    assert_null(verify_raw(""));
    assert_null(verify_raw("garbage"));
    /* uppercase hex is not what Rails generates and is refused like Rails refuses it */
    strcpy(buf, TOKEN_CHAT);
    for (char *p = strstr(buf, "--") + 2; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 32);
    assert_null(verify_raw(buf));
    assert_null(qr_signed_stream_verify((const unsigned char *)RAW_KEY, 6, NULL, 0));
}

/* data + "--" + hex(HMAC-SHA256(raw key, data)): a correctly signed token for any data. */
static char *sign_data(const char *data)
{
    unsigned char md[32];
    unsigned int md_len = 0;
    HMAC(EVP_sha256(), RAW_KEY, 6, (const unsigned char *)data, strlen(data), md, &md_len);
    char *t = malloc(strlen(data) + 2 + 65);
    strcpy(t, data);
    strcat(t, "--");
    for (unsigned i = 0; i < md_len; i++) sprintf(t + strlen(t), "%02x", md[i]);
    return t;
}

static void test_validly_signed_but_not_a_json_string(void **state)
{
    (void)state;
    /* our own signer agrees with a hand-made HMAC */
    char *t = sign_data("ImNoYXQ6MjAyMSI=");
    assert_string_equal(t, TOKEN_CHAT);
    free(t);
    const char *datas[] = {
        "MTIz",          /* 123: JSON but not a string */
        "WyJhIl0=",      /* ["a"] */
        "ImEi IA==",     /* whitespace inside: not strict Base64 */
        "ImEiCg",        /* missing padding */
        "ImE=",          /* "a  (unterminated JSON) */
        "ImEiIHg=",      /* "a" x  (trailing garbage) */
        "ImEi====",      /* too much padding */
    };
    for (size_t i = 0; i < sizeof datas / sizeof datas[0]; i++) {
        t = sign_data(datas[i]);
        assert_null(verify_raw(t));
        free(t);
    }
    /* and a hand-signed valid one is accepted: "a" */
    t = sign_data("ImEi");
    char *n = verify_raw(t);
    assert_non_null(n);
    assert_string_equal(n, "a");
    free(n);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_raw_key_vector),
        cmocka_unit_test(test_verify_raw_key_vector),
        cmocka_unit_test(test_pbkdf2_vector),
        cmocka_unit_test(test_round_trip_unicode_and_escapes),
        cmocka_unit_test(test_forged_and_truncated),
        cmocka_unit_test(test_validly_signed_but_not_a_json_string),
    };
    return cmocka_run_group_tests_name("signed_stream", tests, NULL, NULL);
}
