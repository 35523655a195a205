/* buf.c — the growable byte buffer of buf.h. Pure memory work; calls only libc and common.c. */
#include "buf.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

void qr_buf_reserve(qr_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = qr_xrealloc(b->data, cap);
    b->cap = cap;
}

void qr_buf_append(qr_buf_t *b, const void *p, size_t n)
{
    /* p may point into b itself (http.c copies the path out of its own header buffer): keep
     * its offset across the realloc. */
    uintptr_t at = (uintptr_t)p, base = (uintptr_t)b->data;
    int inside = b->data && at >= base && at < base + b->cap;
    size_t off = inside ? (size_t)(at - base) : 0;
    qr_buf_reserve(b, n);
    if (inside) p = b->data + off;
    if (n) memmove(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void qr_buf_append_str(qr_buf_t *b, const char *s) { qr_buf_append(b, s, strlen(s)); }

void qr_buf_appendf(qr_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    qr_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void qr_buf_append_json_str(qr_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    qr_buf_reserve(b, n + 2);
    b->data[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        }
        if (esc) {
            qr_buf_append(b, esc, 2);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            qr_buf_append(b, u, 6);
        } else {
            qr_buf_reserve(b, 1);
            b->data[b->len++] = (char)c;
        }
    }
    qr_buf_append(b, "\"", 1);
}

void qr_buf_consume(qr_buf_t *b, size_t n)
{
    if (n >= b->len) { b->len = 0; if (b->data) b->data[0] = 0; return; }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = 0;
}

void qr_buf_reset(qr_buf_t *b) { b->len = 0; if (b->data) b->data[0] = 0; }

void qr_buf_free(qr_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *qr_buf_steal(qr_buf_t *b)
{
    char *p = b->data ? b->data : qr_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
