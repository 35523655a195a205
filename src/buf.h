/* buf.h — a growable byte buffer, the one way quickrail builds frames, responses and JSON
 * text. Owns its memory; qr_buf_free releases it. Allocation failure aborts (qr_xrealloc). */
#ifndef QR_BUF_H
#define QR_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} qr_buf_t;

#define QR_BUF_INIT {0, 0, 0}

void qr_buf_reserve(qr_buf_t *b, size_t extra);
void qr_buf_append(qr_buf_t *b, const void *p, size_t n);
void qr_buf_append_str(qr_buf_t *b, const char *s);
void qr_buf_appendf(qr_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (with quotes), escaping as JSON.stringify does. */
void qr_buf_append_json_str(qr_buf_t *b, const char *s, size_t n);
/* Drops the first n bytes. */
void qr_buf_consume(qr_buf_t *b, size_t n);
void qr_buf_reset(qr_buf_t *b);   /* len = 0, keeps memory */
void qr_buf_free(qr_buf_t *b);    /* releases memory; b is reusable after */
/* Returns the data as a NUL-terminated string that the caller owns; b is emptied. */
char *qr_buf_steal(qr_buf_t *b);

#endif
