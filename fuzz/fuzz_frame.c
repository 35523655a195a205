/* fuzz_frame.c — the supervisor<->worker frame decoder (frame.h): arbitrary bytes are parsed
 * as a stream of frames, each frame is decoded by every typed getter, and what decodes as a
 * REQUEST, RESPONSE, BROADCAST or CABLE frame is encoded again and must decode to the same
 * fields (the wire format round-trips). A worker that writes garbage must never crash the
 * supervisor, so the decoder must reject, not trust, what it reads. */
#include <string.h>
#include "buf.h"
#include "common.h"
#include "frame.h"
#include "fuzz.h"

#define MAXF 64
#define MAXH 32

static int same(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

static void check_request(const qr_frame_t *f)
{
    qr_request_t req;
    qr_header_t h[MAXH];
    if (qr_frame_get_request(f, &req, h, MAXH) != 0) return;
    FUZZ_CHECK(req.nheaders <= MAXH);
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_request(&b, f->id, &req);
    qr_frame_t g;
    qr_slice_t fields[MAXF + 2 * MAXH];
    size_t used = 0;
    FUZZ_CHECK(qr_frame_parse(b.data, b.len, &g, fields, MAXF + 2 * MAXH, &used) == 1);
    FUZZ_CHECK(used == b.len && g.type == QR_F_REQUEST && g.id == f->id);
    qr_request_t r2;
    qr_header_t h2[MAXH];
    FUZZ_CHECK(qr_frame_get_request(&g, &r2, h2, MAXH) == 0);
    FUZZ_CHECK(strcmp(r2.method, req.method) == 0 && strcmp(r2.target, req.target) == 0);
    FUZZ_CHECK(same(r2.body, r2.body_len, req.body, req.body_len) && r2.nheaders == req.nheaders);
    for (size_t i = 0; i < req.nheaders; i++)
        FUZZ_CHECK(same(h2[i].name, h2[i].name_len, h[i].name, h[i].name_len) &&
                   same(h2[i].value, h2[i].value_len, h[i].value, h[i].value_len));
    qr_buf_free(&b);
}

static void check_response(const qr_frame_t *f)
{
    qr_response_t res;
    qr_header_t h[MAXH];
    if (qr_frame_get_response(f, &res, h, MAXH) != 0) return;
    FUZZ_CHECK(res.status >= 100 && res.status <= 999 && res.nheaders <= MAXH);
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_response(&b, f->id, &res);
    qr_frame_t g;
    qr_slice_t fields[MAXF + 2 * MAXH];
    size_t used = 0;
    FUZZ_CHECK(qr_frame_parse(b.data, b.len, &g, fields, MAXF + 2 * MAXH, &used) == 1);
    qr_response_t r2;
    qr_header_t h2[MAXH];
    FUZZ_CHECK(qr_frame_get_response(&g, &r2, h2, MAXH) == 0);
    FUZZ_CHECK(r2.status == res.status && r2.nheaders == res.nheaders);
    FUZZ_CHECK(same(r2.body, r2.body_len, res.body, res.body_len));
    qr_buf_free(&b);
}

static void check_slices(const qr_frame_t *f)
{
    qr_slice_t a, b;
    if (qr_frame_get_broadcast(f, &a, &b) == 0) {
        qr_buf_t out = QR_BUF_INIT;
        qr_frame_put_broadcast(&out, a.ptr, a.len, b.ptr, b.len);
        qr_frame_t g;
        qr_slice_t fields[8];
        size_t used = 0;
        FUZZ_CHECK(qr_frame_parse(out.data, out.len, &g, fields, 8, &used) == 1);
        qr_slice_t a2, b2;
        FUZZ_CHECK(qr_frame_get_broadcast(&g, &a2, &b2) == 0);
        FUZZ_CHECK(same(a.ptr, a.len, a2.ptr, a2.len) && same(b.ptr, b.len, b2.ptr, b2.len));
        qr_buf_free(&out);
    }
    (void)qr_frame_get_cable(f, QR_F_CABLE, &a);
    (void)qr_frame_get_cable(f, QR_F_CABLE_RESULT, &a);
    uint64_t pid;
    int cc;
    (void)qr_frame_get_ready(f, &pid, &cc, &a);
    for (uint16_t i = 0; i < f->nfields; i++) {
        uint64_t v;
        (void)qr_slice_to_u64(f->fields[i], &v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t left = size;
    qr_slice_t fields[MAXF];
    for (int n = 0; n < 16 && left > 0; n++) {
        qr_frame_t f;
        size_t used = 0;
        int r = qr_frame_parse(p, left, &f, fields, MAXF, &used);
        if (r != 1) {
            FUZZ_CHECK(r == 0 || r == QR_EPROTO || r == QR_ETOOBIG);
            break;
        }
        FUZZ_CHECK(used >= QR_FRAME_HEADER && used <= left && f.nfields <= MAXF);
        for (uint16_t i = 0; i < f.nfields; i++)
            FUZZ_CHECK(f.fields[i].ptr >= p && f.fields[i].ptr + f.fields[i].len <= p + used);
        check_request(&f);
        check_response(&f);
        check_slices(&f);
        p += used;
        left -= used;
    }
    return 0;
}
