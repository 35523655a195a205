/* js_web.c — the byte-level and crypto halves of the Web APIs, as the native module
 * "quickrail:web" that lib/web/ files wrap into TextEncoder/TextDecoder, atob/btoa, console and
 * crypto (getRandomValues, randomUUID, subtle.digest, HMAC sign/verify). Runs wherever the JS
 * runtime runs (zygote, workers, scripts). Calls QuickJS, OpenSSL and log.c only. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "js_priv.h"
#include "log.h"

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

/* log(level, text): in a server process one logger line (tagged "w3" by log.c); in a
 * `quickrail run` script plain lines, like Node: log/info/debug on stdout, warn/error on stderr. */
static JSValue w_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t level;
    if (JS_ToInt32(ctx, &level, argv[0]) < 0) return JS_EXCEPTION;
    if (level < QR_LOG_DEBUG) level = QR_LOG_DEBUG;
    if (level > QR_LOG_ERROR) level = QR_LOG_ERROR;
    if (!qr__js_script_mode && (qr_log_level_t)level < qr_log_get_level()) return JS_UNDEFINED;
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!s) return JS_EXCEPTION;
    if (qr__js_script_mode) {
        char *line = malloc(len + 1);
        if (line) {
            memcpy(line, s, len);
            line[len] = '\n';
            write_all(level >= QR_LOG_WARN ? STDERR_FILENO : STDOUT_FILENO, line, len + 1);
            free(line);
        }
    } else {
        qr_log((qr_log_level_t)level, "%.*s", (int)len, s);
    }
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
}

/* string -> ArrayBuffer of its UTF-8 (lone surrogates become U+FFFD, as the spec says). */
static JSValue w_utf8_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    JSValue ab = JS_NewArrayBufferCopy(ctx, (const uint8_t *)s, len);
    JS_FreeCString(ctx, s);
    if (JS_IsException(ab)) return ab;
    size_t n;
    uint8_t *p = JS_GetArrayBuffer(ctx, &n, ab);
    for (size_t i = 0; p && i + 2 < n; i++) {
        if (p[i] == 0xED && p[i + 1] >= 0xA0) { /* encoded surrogate half: same length as FFFD */
            p[i] = 0xEF; p[i + 1] = 0xBF; p[i + 2] = 0xBD;
            i += 2;
        }
    }
    return ab;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const uint8_t *p, size_t left)
{
    uint8_t c = p[0];
    if (c < 0x80) return 1;
    size_t n;
    uint32_t min, cp;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n > left) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* utf8Decode(bytes, fatal, ignoreBOM) -> string. Invalid sequences: U+FFFD, or TypeError when fatal. */
static JSValue w_utf8_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *p;
    size_t len;
    const char *tmp;
    if (qr__js_bytes(ctx, argv[0], &p, &len, &tmp) < 0) return JS_EXCEPTION;
    int fatal = JS_ToBool(ctx, argv[1]), ignore_bom = JS_ToBool(ctx, argv[2]);
    if (!ignore_bom && len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) { p += 3; len -= 3; }
    size_t i = 0, k;
    while (i < len && (k = utf8_seq(p + i, len - i)) != 0) i += k;
    JSValue r;
    if (i == len) {
        r = JS_NewStringLen(ctx, (const char *)p, len);
    } else if (fatal) {
        r = JS_ThrowTypeError(ctx, "The encoded data was not valid for encoding utf-8");
    } else {
        uint8_t *out = malloc(len * 3 + 1);
        if (!out) { r = JS_ThrowOutOfMemory(ctx); goto done; }
        size_t o = 0;
        for (i = 0; i < len;) {
            k = utf8_seq(p + i, len - i);
            if (k) { memcpy(out + o, p + i, k); o += k; i += k; }
            else {
                out[o++] = 0xEF; out[o++] = 0xBF; out[o++] = 0xBD;
                /* skip the maximal invalid subpart: one lead byte plus its continuation bytes */
                i++;
                while (i < len && (p[i] & 0xC0) == 0x80 && !utf8_seq(p + i, len - i)) {
                    if (p[i - 1] < 0xC0 && p[i - 1] >= 0x80) break;
                    i++;
                }
            }
        }
        r = JS_NewStringLen(ctx, (const char *)out, o);
        free(out);
    }
done:
    if (tmp) JS_FreeCString(ctx, tmp);
    return r;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* btoa: every UTF-16 unit must be <= 0xFF ("binary string"). */
static JSValue w_btoa(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    uint8_t *bin = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x80) bin[n++] = c;
        else if ((c & 0xE0) == 0xC0 && i + 1 < len && c <= 0xC3) {
            bin[n++] = (uint8_t)(((c & 0x1F) << 6) | ((uint8_t)s[i + 1] & 0x3F));
            i++;
        } else {
            free(bin);
            JS_FreeCString(ctx, s);
            return qr__js_throw_code(ctx, "InvalidCharacterError",
                                     "btoa: the string contains characters outside of the Latin1 range");
        }
    }
    JS_FreeCString(ctx, s);
    size_t olen = (n + 2) / 3 * 4;
    char *out = malloc(olen + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)bin[i] << 16 | (i + 1 < n ? (uint32_t)bin[i + 1] << 8 : 0) |
                     (i + 2 < n ? bin[i + 2] : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < n ? B64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    JSValue r = JS_NewStringLen(ctx, out, o);
    free(out);
    free(bin);
    return r;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

/* Decodes base64 (ASCII whitespace ignored; "=" padding optional as in forgiving-base64).
 * Returns the byte count, or -1 when invalid. out must hold len bytes. */
static long b64_decode(const char *s, size_t len, uint8_t *out, int url)
{
    char *clean = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') continue;
        clean[n++] = c;
    }
    if (n % 4 == 0 && n && clean[n - 1] == '=') { n--; if (clean[n - 1] == '=') n--; }
    long o = -1;
    if (n % 4 == 1) goto out;
    uint32_t acc = 0;
    int bits = 0;
    o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)clean[i]);
        if (v < 0 || (!url && (clean[i] == '-' || clean[i] == '_')) ||
            (url && (clean[i] == '+' || clean[i] == '/'))) { o = -1; goto out; }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (uint8_t)(acc >> bits); }
    }
out:
    free(clean);
    return o;
}

static JSValue w_atob(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    uint8_t *bin = malloc(len + 1);
    long n = b64_decode(s, len, bin, 0);
    JS_FreeCString(ctx, s);
    if (n < 0) {
        free(bin);
        return qr__js_throw_code(ctx, "InvalidCharacterError", "atob: the string to be decoded is not correctly encoded");
    }
    char *out = malloc((size_t)n * 2 + 1);
    size_t o = 0;
    for (long i = 0; i < n; i++) {
        if (bin[i] < 0x80) out[o++] = (char)bin[i];
        else { out[o++] = (char)(0xC0 | bin[i] >> 6); out[o++] = (char)(0x80 | (bin[i] & 0x3F)); }
    }
    JSValue r = JS_NewStringLen(ctx, out, o);
    free(out);
    free(bin);
    return r;
}

/* bytesToBase64(bytes, urlSafe) -> string; base64ToBytes(str, urlSafe) -> ArrayBuffer */
static JSValue w_bytes_to_b64(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *p;
    size_t n;
    const char *tmp;
    if (qr__js_bytes(ctx, argv[0], &p, &n, &tmp) < 0) return JS_EXCEPTION;
    int url = JS_ToBool(ctx, argv[1]);
    char *out = malloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        if (i + 1 < n) out[o++] = B64[v >> 6 & 63]; else if (!url) out[o++] = '=';
        if (i + 2 < n) out[o++] = B64[v & 63]; else if (!url) out[o++] = '=';
    }
    if (url) for (size_t i = 0; i < o; i++) out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    if (tmp) JS_FreeCString(ctx, tmp);
    JSValue r = JS_NewStringLen(ctx, out, o);
    free(out);
    return r;
}

static JSValue w_b64_to_bytes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    uint8_t *bin = malloc(len + 1);
    long n = b64_decode(s, len, bin, JS_ToBool(ctx, argv[1]));
    JS_FreeCString(ctx, s);
    JSValue r = n < 0 ? JS_ThrowTypeError(ctx, "invalid base64") : JS_NewArrayBufferCopy(ctx, bin, (size_t)n);
    free(bin);
    return r;
}

static JSValue w_get_random_values(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t off, len, bpe;
    JSValue ab = JS_GetTypedArrayBuffer(ctx, argv[0], &off, &len, &bpe);
    if (JS_IsException(ab)) return ab;
    size_t n;
    uint8_t *buf = JS_GetArrayBuffer(ctx, &n, ab);
    JS_FreeValue(ctx, ab);
    if (!buf) return JS_EXCEPTION;
    if (len > 65536)
        return qr__js_throw_code(ctx, "QuotaExceededError",
                                 "getRandomValues: the view's byte length (%zu) exceeds 65536", len);
    if (RAND_bytes(buf + off, (int)len) != 1) return JS_ThrowInternalError(ctx, "RAND_bytes failed");
    return JS_DupValue(ctx, argv[0]);
}

static JSValue w_random_uuid(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t b[16];
    if (RAND_bytes(b, 16) != 1) return JS_ThrowInternalError(ctx, "RAND_bytes failed");
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    static const char hx[] = "0123456789abcdef";
    char s[37];
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s[o++] = '-';
        s[o++] = hx[b[i] >> 4];
        s[o++] = hx[b[i] & 15];
    }
    return JS_NewStringLen(ctx, s, 36);
}

/* An EVP digest by its WebCrypto name ("SHA-256"); NULL when unsupported. */
static const EVP_MD *md_by_name(JSContext *ctx, JSValueConst v)
{
    const char *s = JS_ToCString(ctx, v);
    if (!s) return NULL;
    const EVP_MD *md = NULL;
    if (!strcasecmp(s, "SHA-1")) md = EVP_sha1();
    else if (!strcasecmp(s, "SHA-256")) md = EVP_sha256();
    else if (!strcasecmp(s, "SHA-384")) md = EVP_sha384();
    else if (!strcasecmp(s, "SHA-512")) md = EVP_sha512();
    if (!md) qr__js_throw_code(ctx, "NotSupportedError", "unsupported digest algorithm %s", s);
    JS_FreeCString(ctx, s);
    return md;
}

static JSValue w_digest(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const EVP_MD *md = md_by_name(ctx, argv[0]);
    if (!md) return JS_EXCEPTION;
    const uint8_t *p;
    size_t n;
    const char *tmp;
    if (qr__js_bytes(ctx, argv[1], &p, &n, &tmp) < 0) return JS_EXCEPTION;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int olen = 0;
    int ok = EVP_Digest(p, n, out, &olen, md, NULL);
    if (tmp) JS_FreeCString(ctx, tmp);
    if (!ok) return JS_ThrowInternalError(ctx, "digest failed");
    return JS_NewArrayBufferCopy(ctx, out, olen);
}

static JSValue w_hmac(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const EVP_MD *md = md_by_name(ctx, argv[0]);
    if (!md) return JS_EXCEPTION;
    const uint8_t *k, *d;
    size_t kn, dn;
    const char *kt, *dt;
    if (qr__js_bytes(ctx, argv[1], &k, &kn, &kt) < 0) return JS_EXCEPTION;
    if (qr__js_bytes(ctx, argv[2], &d, &dn, &dt) < 0) {
        if (kt) JS_FreeCString(ctx, kt);
        return JS_EXCEPTION;
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int olen = 0;
    static const uint8_t empty[1];
    const uint8_t *r = HMAC(md, kn ? k : empty, (int)kn, dn ? d : empty, dn, out, &olen);
    if (kt) JS_FreeCString(ctx, kt);
    if (dt) JS_FreeCString(ctx, dt);
    if (!r) return JS_ThrowInternalError(ctx, "HMAC failed");
    return JS_NewArrayBufferCopy(ctx, out, olen);
}

static JSValue w_timing_safe_equal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *a, *b;
    size_t an, bn;
    const char *at, *bt;
    if (qr__js_bytes(ctx, argv[0], &a, &an, &at) < 0) return JS_EXCEPTION;
    if (qr__js_bytes(ctx, argv[1], &b, &bn, &bt) < 0) {
        if (at) JS_FreeCString(ctx, at);
        return JS_EXCEPTION;
    }
    int eq = an == bn && CRYPTO_memcmp(a, b, an) == 0;
    if (at) JS_FreeCString(ctx, at);
    if (bt) JS_FreeCString(ctx, bt);
    return JS_NewBool(ctx, eq);
}

/* hrtime() -> monotonic milliseconds (fractional), for performance.now(). */
static JSValue w_hrtime(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewFloat64(ctx, (double)qr_now_ns() / 1e6);
}

static const JSCFunctionListEntry web_funcs[] = {
    JS_CFUNC_DEF("hrtime", 0, w_hrtime),
    JS_CFUNC_DEF("log", 2, w_log),
    JS_CFUNC_DEF("utf8Encode", 1, w_utf8_encode),
    JS_CFUNC_DEF("utf8Decode", 3, w_utf8_decode),
    JS_CFUNC_DEF("btoa", 1, w_btoa),
    JS_CFUNC_DEF("atob", 1, w_atob),
    JS_CFUNC_DEF("bytesToBase64", 2, w_bytes_to_b64),
    JS_CFUNC_DEF("base64ToBytes", 2, w_b64_to_bytes),
    JS_CFUNC_DEF("getRandomValues", 1, w_get_random_values),
    JS_CFUNC_DEF("randomUUID", 0, w_random_uuid),
    JS_CFUNC_DEF("digest", 2, w_digest),
    JS_CFUNC_DEF("hmac", 3, w_hmac),
    JS_CFUNC_DEF("timingSafeEqual", 2, w_timing_safe_equal),
};

static int web_module_init(JSContext *ctx, JSModuleDef *m)
{
    return JS_SetModuleExportList(ctx, m, web_funcs, QR_ARRAY_LEN(web_funcs));
}

JSModuleDef *qr__js_web_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, web_module_init);
    if (m) JS_AddModuleExportList(ctx, m, web_funcs, QR_ARRAY_LEN(web_funcs));
    return m;
}
