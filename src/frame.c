/* frame.c — encoding and decoding of the supervisor <-> worker/zygote frames described in
 * frame.h. Pure functions over a caller's qr_buf_t or input bytes: no I/O, no allocation of
 * its own, so it runs in every process (supervisor, zygote, workers) and in unit tests.
 * Calls only buf.c and libc. */
#include "frame.h"
#include <string.h>
#include "common.h"

static void put_u32(char *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get_u32(const char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* The frame under construction carries QR__BUILDING in its len field until end() patches it.
 * A buffer may already hold complete frames before it (a write queue), so the header of the
 * frame being built is found by walking over the complete ones: cheap, since buffers hold few
 * frames, and it keeps qr_buf_t free of frame-specific state. */
#define QR__BUILDING 0xFFFFFFFFu

void qr_frame_begin(qr_buf_t *b, uint8_t type, uint32_t id)
{
    char h[QR_FRAME_HEADER];
    put_u32(h, QR__BUILDING);
    h[4] = (char)type;
    h[5] = 0;
    uint16_t nf = 0;
    memcpy(h + 6, &nf, 2);
    put_u32(h + 8, id);
    qr_buf_append(b, h, sizeof h);
}

static char *current_header(qr_buf_t *b, size_t *start)
{
    size_t off = 0;
    for (;;) {
        QR_ASSERT(off + QR_FRAME_HEADER <= b->len);
        uint32_t v = get_u32(b->data + off);
        if (v == QR__BUILDING) { *start = off; return b->data + off; }
        off += 4 + (size_t)v;
    }
}

void qr_frame_add(qr_buf_t *b, const void *p, size_t n)
{
    QR_ASSERT(n <= UINT32_MAX);
    size_t start;
    char *h = current_header(b, &start);
    uint16_t nf;
    memcpy(&nf, h + 6, 2);
    QR_ASSERT(nf < UINT16_MAX);
    nf++;
    memcpy(h + 6, &nf, 2);
    char l[4];
    put_u32(l, (uint32_t)n);
    qr_buf_append(b, l, 4);
    qr_buf_append(b, p, n);
}

void qr_frame_add_str(qr_buf_t *b, const char *s) { qr_frame_add(b, s, strlen(s)); }

void qr_frame_add_u64(qr_buf_t *b, uint64_t v)
{
    char s[24];
    int n = 0;
    char tmp[24];
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (int i = 0; i < n; i++) s[i] = tmp[n - 1 - i];
    qr_frame_add(b, s, (size_t)n);
}

void qr_frame_end(qr_buf_t *b)
{
    size_t start;
    char *h = current_header(b, &start);
    size_t len = b->len - start - 4;
    QR_ASSERT(len <= QR_FRAME_MAX);
    put_u32(h, (uint32_t)len);
}

int qr_frame_parse(const char *data, size_t len, qr_frame_t *out, qr_slice_t *fields,
                   size_t max_fields, size_t *consumed)
{
    if (len < 4) return 0;
    uint32_t flen = get_u32(data);
    if (flen < QR_FRAME_HEADER - 4) return QR_EPROTO;
    if (flen > QR_FRAME_MAX) return QR_ETOOBIG;
    uint16_t nf;
    if (len >= 8) {
        uint8_t type = (uint8_t)data[4];
        if (type < QR_F_READY || type > QR_F_BOOT_ERROR || data[5] != 0) return QR_EPROTO;
    }
    if (len >= QR_FRAME_HEADER) {
        memcpy(&nf, data + 6, 2);
        if (nf > max_fields) return QR_ETOOBIG;
        /* each field needs at least its 4-byte length */
        if ((size_t)nf * 4 > (size_t)flen - (QR_FRAME_HEADER - 4)) return QR_EPROTO;
    }
    if (len - 4 < flen) return 0;
    memcpy(&nf, data + 6, 2);
    const char *p = data + QR_FRAME_HEADER;
    const char *end = data + 4 + flen;
    for (uint16_t i = 0; i < nf; i++) {
        if ((size_t)(end - p) < 4) return QR_EPROTO;
        uint32_t n = get_u32(p);
        p += 4;
        if ((size_t)(end - p) < n) return QR_EPROTO;
        fields[i].ptr = p;
        fields[i].len = n;
        p += n;
    }
    if (p != end) return QR_EPROTO;
    out->type = (uint8_t)data[4];
    out->id = get_u32(data + 8);
    out->nfields = nf;
    out->fields = fields;
    *consumed = 4 + (size_t)flen;
    return 1;
}

int qr_slice_to_u64(qr_slice_t s, uint64_t *out)
{
    if (s.len == 0 || s.len > 20) return QR_EPROTO;
    uint64_t v = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9') return QR_EPROTO;
        uint64_t d = (uint64_t)(c - '0');
        if (v > (UINT64_MAX - d) / 10) return QR_EPROTO;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}
