/* signed_stream.c — Turbo's signed stream names (signed_stream.h): the PBKDF2 key derivation,
 * signing and constant-time verification exactly as turbo-rails does them through
 * ActiveSupport::MessageVerifier (digest SHA256, serializer JSON): token = strict Base64 of the
 * JSON string + "--" + lowercase hex HMAC-SHA256 over the Base64 text. Pure functions over
 * OpenSSL and cJSON, no I/O and no global state, so they run anywhere (supervisor: verify on
 * subscribe; workers: Quickrail.signStreamName). Calls only OpenSSL, cJSON, buf.c, common.c. */
#include "signed_stream.h"
#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include "buf.h"
#include "common.h"

#define SALT "turbo/signed_stream_verifier_key"
#define DIGEST_LEN 32            /* SHA-256 */
#define HEX_LEN (2 * DIGEST_LEN) /* the digest as it appears in a token */
#define SEP "--"

void qr_signed_stream_key(const char *secret_key_base, unsigned char key[QR_STREAM_KEY_LEN])
{
    int ok = PKCS5_PBKDF2_HMAC(secret_key_base, (int)strlen(secret_key_base),
                               (const unsigned char *)SALT, (int)strlen(SALT), 1000, EVP_sha256(),
                               QR_STREAM_KEY_LEN, key);
    QR_ASSERT(ok == 1);
}

/* hex(HMAC-SHA256(key, data)) into out[HEX_LEN] (not NUL-terminated). */
static void hmac_hex(const unsigned char *key, size_t key_len, const char *data, size_t len,
                     char out[HEX_LEN])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    unsigned char *r = HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data, len, md, &md_len);
    QR_ASSERT(r != NULL && md_len == DIGEST_LEN);
    for (unsigned i = 0; i < DIGEST_LEN; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
}

char *qr_signed_stream_sign(const unsigned char *key, size_t key_len, const char *name, size_t name_len)
{
    qr_buf_t json = QR_BUF_INIT;
    qr_buf_append_json_str(&json, name, name_len);
    size_t b64_len = 4 * ((json.len + 2) / 3);
    qr_buf_t out = QR_BUF_INIT;
    qr_buf_reserve(&out, b64_len + strlen(SEP) + HEX_LEN);
    int n = EVP_EncodeBlock((unsigned char *)out.data, (const unsigned char *)json.data, (int)json.len);
    QR_ASSERT(n == (int)b64_len);
    out.len = b64_len;
    qr_buf_free(&json);
    char hex[HEX_LEN];
    hmac_hex(key, key_len, out.data, out.len, hex);
    qr_buf_append(&out, SEP, strlen(SEP));
    qr_buf_append(&out, hex, HEX_LEN);
    return qr_buf_steal(&out);
}

static int b64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Strict Base64 (Ruby's strict_decode64): standard alphabet, length a multiple of 4, '=' only
 * as the last one or two characters, no whitespace. Returns the decoded length or -1. */
static long strict_b64_decode(const char *in, size_t len, unsigned char *out)
{
    if (len == 0 || len % 4 != 0) return -1;
    size_t pad = 0;
    if (in[len - 1] == '=') pad++;
    if (in[len - 2] == '=') pad++;
    for (size_t i = 0; i < len - pad; i++)
        if (!b64_char((unsigned char)in[i])) return -1;
    int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (n < 0) return -1;
    return (long)n - (long)pad;
}

char *qr_signed_stream_verify(const unsigned char *key, size_t key_len, const char *token, size_t token_len)
{
    /* The digest has a fixed length, so the separator sits at a fixed place from the end
     * (as in ActiveSupport 7.1+); the data part must be non-empty. */
    size_t sep_len = strlen(SEP);
    if (token == NULL || token_len < HEX_LEN + sep_len + 1) return NULL;
    size_t data_len = token_len - HEX_LEN - sep_len;
    if (memcmp(token + data_len, SEP, sep_len) != 0) return NULL;
    char expect[HEX_LEN];
    hmac_hex(key, key_len, token, data_len, expect);
    if (CRYPTO_memcmp(expect, token + data_len + sep_len, HEX_LEN) != 0) return NULL;

    unsigned char *raw = qr_xmalloc(data_len / 4 * 3 + 4);
    long raw_len = strict_b64_decode(token, data_len, raw);
    char *name = NULL;
    if (raw_len > 0) {
        raw[raw_len] = 0;
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts((const char *)raw, &end, 1);
        if (v && end == (const char *)raw + raw_len && cJSON_IsString(v) && v->valuestring)
            name = qr_xstrdup(v->valuestring);
        cJSON_Delete(v);
    }
    free(raw);
    return name;
}
