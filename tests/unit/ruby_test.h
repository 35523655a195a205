/* ruby_test.h — helpers shared by the Ruby front end's unit tests (test_ruby_parser.c,
 * test_ruby_compile.c): reading a file, suffix checks, a seeded xorshift generator and the
 * byte-level mutations of the fuzz loops. Header-only (static functions). */
#ifndef QR_RUBY_TEST_H
#define QR_RUBY_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"

static inline int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The whole file as a malloc'ed NUL-terminated string (*len bytes), or NULL. */
static inline char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    qr_buf_t b = QR_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) qr_buf_append(&b, chunk, n);
    fclose(fp);
    *len = b.len;
    return b.data ? qr_buf_steal(&b) : strdup("");
}

/* xorshift64: a value in [0, n) from *state (seeded by the test, so every run is the same). */
static inline uint32_t rnd(uint64_t *state, uint32_t n)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return n ? (uint32_t)(x % n) : 0;
}

/* One random edit of b: delete a short range, insert one of the pieces (a NUL piece "" inserts
 * one NUL byte), overwrite a byte, or truncate. */
static inline void mutate(qr_buf_t *b, uint64_t *rng, const char *const *pieces, size_t npieces)
{
    uint32_t at = rnd(rng, (uint32_t)b->len + 1);
    switch (rnd(rng, 6)) {
    case 0: case 1: { /* delete a range */
        uint32_t n = rnd(rng, 16);
        if (at + n > b->len) n = (uint32_t)b->len - at;
        memmove(b->data + at, b->data + at + n, b->len - at - n);
        b->len -= n;
        break;
    }
    case 2: case 3: { /* insert a piece of syntax */
        const char *p = pieces[rnd(rng, (uint32_t)npieces)];
        size_t n = p[0] ? strlen(p) : 1;
        qr_buf_t t = QR_BUF_INIT;
        qr_buf_append(&t, b->data, at);
        qr_buf_append(&t, p, n);
        qr_buf_append(&t, b->data + at, b->len - at);
        qr_buf_free(b);
        *b = t;
        break;
    }
    case 4: /* overwrite a byte */
        if (b->len) b->data[rnd(rng, (uint32_t)b->len)] = (char)rnd(rng, 256);
        break;
    default: /* truncate */
        if (rnd(rng, 3) == 0) b->len = at;
        break;
    }
}

#endif
