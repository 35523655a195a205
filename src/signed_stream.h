/* signed_stream.h — Turbo's signed stream names, exactly as turbo-rails makes and checks them:
 * token = strict_base64(JSON string of the name) + "--" + hex(HMAC-SHA256(key, base64 text)),
 * key = PBKDF2-HMAC-SHA256(secret_key_base, "turbo/signed_stream_verifier_key", 1000, 64 bytes).
 * Pure functions over OpenSSL; used by cable.c (verify) and js_host.c (sign). */
#ifndef QR_SIGNED_STREAM_H
#define QR_SIGNED_STREAM_H

#include <stddef.h>

#define QR_STREAM_KEY_LEN 64

/* Derives the verifier key from secret_key_base (PBKDF2 as above) into key[64]. */
void qr_signed_stream_key(const char *secret_key_base, unsigned char key[QR_STREAM_KEY_LEN]);

/* Returns an owned token for name (free()). key/key_len: the raw HMAC key. */
char *qr_signed_stream_sign(const unsigned char *key, size_t key_len, const char *name, size_t name_len);

/* Verifies token in constant time. Returns an owned, decoded stream name (free()), or NULL
 * when the token is malformed, forged, or does not decode to a JSON string. */
char *qr_signed_stream_verify(const unsigned char *key, size_t key_len, const char *token, size_t token_len);

#endif
