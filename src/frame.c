/* frame.c — encoding and decoding of the supervisor <-> worker/zygote frames described in
 * frame.h. Pure functions over a caller's qr_buf_t or input bytes: no I/O, no allocation of
 * its own, so it runs in every process (supervisor, zygote, workers) and in unit tests.
 * The typed part at the end is the only code that knows where each field of a kind sits.
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

/* The header of the frame under construction, or NULL when there is none. */
static char *find_building(qr_buf_t *b, size_t *start)
{
    size_t off = 0;
    while (off + QR_FRAME_HEADER <= b->len) {
        uint32_t v = get_u32(b->data + off);
        if (v == QR__BUILDING) { *start = off; return b->data + off; }
        off += 4 + (size_t)v;
    }
    return NULL;
}

static char *current_header(qr_buf_t *b, size_t *start)
{
    char *h = find_building(b, start);
    QR_ASSERT(h != NULL);
    return h;
}

void qr_frame_abandon(qr_buf_t *b)
{
    size_t start;
    if (find_building(b, &start)) b->len = start;
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
        if (type < QR_F_READY || type > QR_F_LOAD || data[5] != 0) return QR_EPROTO;
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

/* ---------------------------------------------------------------- typed frames */

static int get_u64_field(const qr_frame_t *f, int i, uint64_t *v)
{
    return i < f->nfields ? qr_slice_to_u64(f->fields[i], v) : QR_EPROTO;
}

/* A field that carries its NUL: the string in place, or NULL when it does not end with one. */
static const char *cstr_field(qr_slice_t s)
{
    if (s.len == 0 || s.ptr[s.len - 1] != 0 || memchr(s.ptr, 0, s.len - 1)) return NULL;
    return s.ptr;
}

void qr_frame_put_ready(qr_buf_t *b, uint64_t pid, int cable_connect, const char *channels)
{
    qr_frame_begin(b, QR_F_READY, 0);
    qr_frame_add_u64(b, pid);
    qr_frame_add_u64(b, cable_connect ? 1 : 0);
    if (channels) qr_frame_add_str(b, channels);
    qr_frame_end(b);
}

int qr_frame_get_ready(const qr_frame_t *f, uint64_t *pid, int *cable_connect, qr_slice_t *channels)
{
    uint64_t cc = 1;
    if (f->type != QR_F_READY || get_u64_field(f, 0, pid) != 0) return QR_EPROTO;
    if (f->nfields >= 2 && get_u64_field(f, 1, &cc) != 0) return QR_EPROTO;
    *cable_connect = cc != 0;
    channels->ptr = NULL;
    channels->len = 0;
    if (f->nfields >= 3) *channels = f->fields[2];
    return 0;
}

void qr_frame_put_request(qr_buf_t *b, uint32_t id, const qr_request_t *req)
{
    const char *ra = req->remote_addr ? req->remote_addr : "";
    qr_buf_reserve(b, 128 + req->body_len + 64 * req->nheaders);
    qr_frame_begin(b, QR_F_REQUEST, id);
    qr_frame_add(b, req->method, strlen(req->method) + 1);
    qr_frame_add(b, req->target, strlen(req->target) + 1);
    qr_frame_add(b, ra, strlen(ra) + 1);
    qr_frame_add(b, req->body, req->body_len);
    for (size_t i = 0; i < req->nheaders; i++) {
        qr_frame_add(b, req->headers[i].name, req->headers[i].name_len);
        qr_frame_add(b, req->headers[i].value, req->headers[i].value_len);
    }
    qr_frame_end(b);
}

int qr_frame_get_request(const qr_frame_t *f, qr_request_t *req, qr_header_t *headers, size_t max)
{
    if (f->type != QR_F_REQUEST || f->nfields < 4 || (f->nfields & 1)) return QR_EPROTO;
    size_t nh = (size_t)(f->nfields - 4) / 2;
    if (nh > max) return QR_ETOOBIG;
    memset(req, 0, sizeof *req);
    req->method = cstr_field(f->fields[0]);
    req->target = cstr_field(f->fields[1]);
    req->remote_addr = cstr_field(f->fields[2]);
    if (!req->method || !req->target || !req->remote_addr) return QR_EPROTO;
    req->body = f->fields[3].ptr;
    req->body_len = f->fields[3].len;
    for (size_t i = 0; i < nh; i++) {
        const qr_slice_t *n = &f->fields[4 + 2 * i], *v = n + 1;
        headers[i] = (qr_header_t){n->ptr, n->len, v->ptr, v->len};
    }
    req->headers = headers;
    req->nheaders = nh;
    return 0;
}

void qr_frame_response_begin(qr_buf_t *b, uint32_t id, int status)
{
    qr_frame_begin(b, QR_F_RESPONSE, id);
    qr_frame_add_u64(b, (uint64_t)(status >= 100 && status <= 999 ? status : 500));
}

void qr_frame_response_header(qr_buf_t *b, const char *name, size_t name_len, const char *value,
                              size_t value_len)
{
    qr_frame_add(b, name, name_len);
    qr_frame_add(b, value, value_len);
}

void qr_frame_response_end(qr_buf_t *b, const void *body, size_t body_len)
{
    qr_frame_add(b, body_len ? body : "", body_len);
    qr_frame_end(b);
}

void qr_frame_put_response(qr_buf_t *b, uint32_t id, const qr_response_t *res)
{
    qr_buf_reserve(b, 64 + res->body_len + 64 * res->nheaders);
    qr_frame_response_begin(b, id, res->status);
    for (size_t i = 0; i < res->nheaders; i++)
        qr_frame_response_header(b, res->headers[i].name, res->headers[i].name_len,
                                 res->headers[i].value, res->headers[i].value_len);
    qr_frame_response_end(b, res->body, res->body_len);
}

int qr_frame_get_response(const qr_frame_t *f, qr_response_t *res, qr_header_t *headers, size_t max)
{
    uint64_t status;
    if (f->type != QR_F_RESPONSE || f->nfields < 2 || (f->nfields & 1)) return QR_EPROTO;
    if (get_u64_field(f, 0, &status) != 0 || status < 100 || status > 999) return QR_EPROTO;
    size_t nh = (size_t)(f->nfields - 2) / 2;
    if (nh > max) return QR_ETOOBIG;
    for (size_t i = 0; i < nh; i++) {
        const qr_slice_t *n = &f->fields[1 + 2 * i], *v = n + 1;
        headers[i] = (qr_header_t){n->ptr, n->len, v->ptr, v->len};
    }
    const qr_slice_t *body = &f->fields[f->nfields - 1];
    *res = (qr_response_t){(int)status, headers, nh, body->ptr, body->len};
    return 0;
}

void qr_frame_put_broadcast(qr_buf_t *b, const char *stream, size_t stream_len, const char *json,
                            size_t json_len)
{
    qr_frame_begin(b, QR_F_BROADCAST, 0);
    qr_frame_add(b, stream, stream_len);
    qr_frame_add(b, json, json_len);
    qr_frame_end(b);
}

int qr_frame_get_broadcast(const qr_frame_t *f, qr_slice_t *stream, qr_slice_t *json)
{
    if (f->type != QR_F_BROADCAST || f->nfields != 2) return QR_EPROTO;
    *stream = f->fields[0];
    *json = f->fields[1];
    return 0;
}

void qr_frame_put_cable(qr_buf_t *b, uint8_t type, uint32_t id, const char *json, size_t len)
{
    QR_ASSERT(type == QR_F_CABLE || type == QR_F_CABLE_RESULT);
    qr_frame_begin(b, type, id);
    qr_frame_add(b, json, len);
    qr_frame_end(b);
}

int qr_frame_get_cable(const qr_frame_t *f, uint8_t type, qr_slice_t *json)
{
    if (f->type != type || (type != QR_F_CABLE && type != QR_F_CABLE_RESULT) || f->nfields != 1)
        return QR_EPROTO;
    *json = f->fields[0];
    return 0;
}
