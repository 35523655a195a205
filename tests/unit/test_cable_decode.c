/* test_cable_decode.c — cable_decode.c, the Action Cable command decoder: the three commands as
 * Rails' JavaScript client sends them, every refusal with its code (not JSON, not an object,
 * trailing bytes, NUL raw or escaped, unknown or missing command, identifier not a string),
 * last-duplicate-wins as JSON.parse does, and identifiers (channel, signed stream name, size limit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include "cable_decode.h"

static int decode(const char *s, qr_cable_cmd_t *c) { return qr_cable_decode(s, strlen(s), c); }

static void test_subscribe(void **state)
{
    (void)state;
    qr_cable_cmd_t c;
    assert_int_equal(decode("{\"command\":\"subscribe\",\"identifier\":\"{\\\"channel\\\":\\\"ChatChannel\\\",\\\"room\\\":\\\"1\\\"}\"}", &c), 0);
    assert_int_equal(c.command, QR_CABLE_SUBSCRIBE);
    assert_string_equal(c.identifier, "{\"channel\":\"ChatChannel\",\"room\":\"1\"}");
    assert_int_equal(c.identifier_len, strlen(c.identifier));
    assert_null(c.data);
    qr_cable_cmd_free(&c);
    assert_null(c.identifier);
    qr_cable_cmd_free(&c); /* a cleared command frees again harmlessly */
}

static void test_unsubscribe_and_message(void **state)
{
    (void)state;
    qr_cable_cmd_t c;
    assert_int_equal(decode(" {\"identifier\":\"x\",\"command\":\"unsubscribe\"}\r\n", &c), 0);
    assert_int_equal(c.command, QR_CABLE_UNSUBSCRIBE);
    assert_string_equal(c.identifier, "x");
    qr_cable_cmd_free(&c);
    assert_int_equal(decode("{\"command\":\"message\",\"identifier\":\"x\",\"data\":\"{\\\"action\\\":\\\"speak\\\",\\\"\\u00e9\\\":1}\"}", &c), 0);
    assert_int_equal(c.command, QR_CABLE_MESSAGE);
    assert_string_equal(c.data, "{\"action\":\"speak\",\"\xc3\xa9\":1}");
    assert_int_equal(c.data_len, strlen(c.data));
    qr_cable_cmd_free(&c);
    /* a message whose data is not a string decodes; the caller refuses it by data == NULL */
    assert_int_equal(decode("{\"command\":\"message\",\"identifier\":\"x\",\"data\":{\"a\":1}}", &c), 0);
    assert_null(c.data);
    qr_cable_cmd_free(&c);
}

static void test_refusals(void **state)
{
    (void)state;
    static const struct { const char *in; int want; } cases[] = {
        {"", -EBADMSG},
        {"not json", -EBADMSG},
        {"[\"subscribe\"]", -EBADMSG},
        {"\"subscribe\"", -EBADMSG},
        {"{\"command\":\"subscribe\",\"identifier\":\"x\"", -EBADMSG},
        {"{\"command\":\"subscribe\",\"identifier\":\"x\"}garbage", -EBADMSG},
        {"{\"command\":\"subscribe\",\"identifier\":\"x\"}{}", -EBADMSG},
        {"{\"command\":\"subscribe\",\"identifier\":\"x\\u0000y\"}", -EILSEQ},
        {"{\"command\":\"message\",\"identifier\":\"x\",\"data\":\"\\u0000\"}", -EILSEQ},
        {"{}", -ENOTSUP},
        {"{\"command\":\"perform\",\"identifier\":\"x\"}", -ENOTSUP},
        {"{\"command\":1,\"identifier\":\"x\"}", -ENOTSUP},
        {"{\"command\":\"Subscribe\",\"identifier\":\"x\"}", -ENOTSUP},
        {"{\"command\":\"subscribe\"}", -EINVAL},
        {"{\"command\":\"subscribe\",\"identifier\":{\"channel\":\"C\"}}", -EINVAL},
        {"{\"command\":\"subscribe\",\"identifier\":null}", -EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qr_cable_cmd_t c;
        int r = decode(cases[i].in, &c);
        if (r != cases[i].want) fail_msg("case %zu (%s): got %d, want %d", i, cases[i].in, r, cases[i].want);
        assert_int_equal(c.command, 0);
        assert_null(c.identifier);
        assert_null(c.data);
    }
}

/* A raw NUL byte inside a string: the identifier would silently end at it. */
static void test_raw_nul(void **state)
{
    (void)state;
    static const char in[] = "{\"command\":\"subscribe\",\"identifier\":\"ab\0cd\"}";
    qr_cable_cmd_t c;
    assert_int_equal(qr_cable_decode(in, sizeof in - 1, &c), -EILSEQ);
    assert_null(c.identifier);
    /* the length is honoured: no NUL terminator needed, bytes after len never read */
    static const char cut[] = "{\"command\":\"unsubscribe\",\"identifier\":\"i\"}XYZ";
    assert_int_equal(qr_cable_decode(cut, sizeof cut - 4, &c), 0);
    assert_string_equal(c.identifier, "i");
    qr_cable_cmd_free(&c);
}

/* Ruby's and the browser's JSON.parse keep the last of repeated member names. */
static void test_last_duplicate_wins(void **state)
{
    (void)state;
    qr_cable_cmd_t c;
    assert_int_equal(decode("{\"command\":\"subscribe\",\"identifier\":\"a\",\"command\":\"message\",\"identifier\":\"b\",\"data\":\"1\",\"data\":\"2\"}", &c), 0);
    assert_int_equal(c.command, QR_CABLE_MESSAGE);
    assert_string_equal(c.identifier, "b");
    assert_string_equal(c.data, "2");
    qr_cable_cmd_free(&c);
    qr_cable_ident_t id;
    const char *s = "{\"channel\":\"Turbo::StreamsChannel\",\"signed_stream_name\":\"good\",\"channel\":\"Other\",\"signed_stream_name\":\"bad\"}";
    assert_int_equal(qr_cable_decode_identifier(s, strlen(s), &id), 0);
    assert_string_equal(id.channel, "Other");
    assert_string_equal(id.signed_stream_name, "bad");
    qr_cable_ident_free(&id);
}

static void test_identifier(void **state)
{
    (void)state;
    qr_cable_ident_t id;
    const char *s = "{\"channel\":\"Turbo::StreamsChannel\",\"signed_stream_name\":\"ImEi--00\"}";
    assert_int_equal(qr_cable_decode_identifier(s, strlen(s), &id), 0);
    assert_string_equal(id.channel, "Turbo::StreamsChannel");
    assert_string_equal(id.signed_stream_name, "ImEi--00");
    qr_cable_ident_free(&id);
    assert_null(id.channel);
    s = "{\"channel\":7,\"room\":\"1\"}";
    assert_int_equal(qr_cable_decode_identifier(s, strlen(s), &id), 0);
    assert_null(id.channel);
    assert_null(id.signed_stream_name);
    qr_cable_ident_free(&id);
    static const struct { const char *in; int want; } bad[] = {
        {"ChatChannel", -EBADMSG},
        {"[1]", -EBADMSG},
        {"{\"channel\":\"C\"} x", -EBADMSG},
        {"{\"channel\":\"C\\u0000D\"}", -EILSEQ},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(qr_cable_decode_identifier(bad[i].in, strlen(bad[i].in), &id), bad[i].want);
        assert_null(id.channel);
        assert_null(id.signed_stream_name);
    }
}

static void test_identifier_limit(void **state)
{
    (void)state;
    size_t n = QR_CABLE_MAX_IDENTIFIER + 1;
    char *s = malloc(n + 1);
    memset(s, ' ', n);
    memcpy(s, "{\"channel\":\"C\"}", 15);
    s[n] = 0;
    qr_cable_ident_t id;
    assert_int_equal(qr_cable_decode_identifier(s, n, &id), -E2BIG);
    assert_int_equal(qr_cable_decode_identifier(s, n - 1, &id), 0); /* exactly the limit: fine */
    assert_string_equal(id.channel, "C");
    qr_cable_ident_free(&id);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subscribe),
        cmocka_unit_test(test_unsubscribe_and_message),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_raw_nul),
        cmocka_unit_test(test_last_duplicate_wins),
        cmocka_unit_test(test_identifier),
        cmocka_unit_test(test_identifier_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
