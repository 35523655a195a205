/* static.h — files from the app's public/ folder: path mapping (Rails' ActionDispatch::Static
 * rules: exact file, then path.html, then path/index.html), traversal refusal, MIME types and
 * ETags. Used by http.c in the supervisor. Reads files synchronously: they are small and in
 * the page cache in practice (say so in the README when this changes). */
#ifndef QR_STATIC_H
#define QR_STATIC_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;          /* owned (free()); NULL when the body was not wanted */
    size_t len;          /* file size */
    const char *mime;    /* static string */
    char etag[64];       /* quoted strong ETag from size and mtime */
    int immutable;       /* fingerprinted asset under /assets/: cache for a year */
} qr_static_file_t;

#define QR_STATIC_NOT_FOUND 0
#define QR_STATIC_FOUND 1
#define QR_STATIC_REFUSED 2  /* traversal or a NUL byte: answer 404 without asking the app */
#define QR_STATIC_BAD_ESCAPE 3 /* a malformed %XX escape: answer 400 without asking the app */

/* Looks url_path (raw, still percent-encoded, without the query) up under root (the absolute
 * public/ folder). Returns QR_STATIC_FOUND (out filled; data read when want_body),
 * QR_STATIC_NOT_FOUND (let the app answer), QR_STATIC_REFUSED or QR_STATIC_BAD_ESCAPE. */
int qr_static_lookup(const char *root, const char *url_path, int want_body, qr_static_file_t *out);
void qr_static_file_free(qr_static_file_t *f);

/* MIME type for a file name by its extension; "application/octet-stream" when unknown. */
const char *qr_static_mime(const char *name);

/* 1 when an If-None-Match header value (list, or "*") matches etag (weak comparison). */
int qr_static_etag_matches(const char *if_none_match, size_t len, const char *etag);

#endif
