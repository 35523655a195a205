/* test_frame.c — unit tests of frame.c: round trips, frames split at every byte, several frames
 * in one buffer, oversize frames, bad field counts and lengths, decimal fields; and every typed
 * kind (READY, REQUEST, RESPONSE, BROADCAST, CABLE, CABLE_RESULT) encoded and decoded, each
 * also truncated at every byte, oversized, and with a wrong layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "common.h"
#include "frame.h"

static void build_request(qr_buf_t *b, uint32_t id)
{
    qr_frame_begin(b, QR_F_REQUEST, id);
    qr_frame_add_str(b, "GET");
    qr_frame_add_str(b, "/articles?page=2");
    qr_frame_add_str(b, "127.0.0.1");
    qr_frame_add(b, "", 0);
    qr_frame_add_str(b, "Host");
    qr_frame_add_str(b, "example.test");
    qr_frame_end(b);
}

static void test_round_trip(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    build_request(&b, 42);
    qr_slice_t f[8];
    qr_frame_t fr;
    size_t used = 0;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 8, &used), 1);
    assert_int_equal(used, b.len);
    assert_int_equal(fr.type, QR_F_REQUEST);
    assert_int_equal(fr.id, 42);
    assert_int_equal(fr.nfields, 6);
    assert_int_equal(fr.fields[0].len, 3);
    assert_memory_equal(fr.fields[0].ptr, "GET", 3);
    assert_memory_equal(fr.fields[1].ptr, "/articles?page=2", 16);
    assert_int_equal(fr.fields[3].len, 0);
    assert_memory_equal(fr.fields[5].ptr, "example.test", 12);
    qr_buf_free(&b);
}

static void test_binary_and_empty(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    const char bin[5] = {0, 1, 2, (char)0xff, 0};
    qr_frame_begin(&b, QR_F_RESPONSE, 7);
    qr_frame_add_u64(&b, 200);
    qr_frame_add(&b, bin, sizeof bin);
    qr_frame_end(&b);
    qr_frame_begin(&b, QR_F_FORK, 9); /* no fields */
    qr_frame_end(&b);
    qr_slice_t f[4];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 4, &used), 1);
    uint64_t st;
    assert_int_equal(qr_slice_to_u64(fr.fields[0], &st), 0);
    assert_int_equal(st, 200);
    assert_memory_equal(fr.fields[1].ptr, bin, 5);
    size_t off = used;
    assert_int_equal(qr_frame_parse(b.data + off, b.len - off, &fr, f, 4, &used), 1);
    assert_int_equal(fr.type, QR_F_FORK);
    assert_int_equal(fr.id, 9);
    assert_int_equal(fr.nfields, 0);
    assert_int_equal(off + used, b.len);
    qr_buf_free(&b);
}

static void test_partial_every_byte(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    build_request(&b, 1);
    size_t first = b.len;
    build_request(&b, 2); /* two frames back to back, built into the same buffer */
    qr_slice_t f[8];
    qr_frame_t fr;
    size_t used;
    for (size_t n = 0; n < first; n++)
        assert_int_equal(qr_frame_parse(b.data, n, &fr, f, 8, &used), 0);
    assert_int_equal(qr_frame_parse(b.data, first, &fr, f, 8, &used), 1);
    assert_int_equal(used, first);
    for (size_t n = first; n < b.len; n++)
        assert_int_equal(qr_frame_parse(b.data + first, n - first, &fr, f, 8, &used), 0);
    assert_int_equal(qr_frame_parse(b.data + first, b.len - first, &fr, f, 8, &used), 1);
    assert_int_equal(fr.id, 2);
    qr_buf_free(&b);
}

static void put32(char *p, uint32_t v) { memcpy(p, &v, 4); }

static void test_oversize(void **state)
{
    (void)state;
    char h[QR_FRAME_HEADER] = {0};
    put32(h, QR_FRAME_MAX + 1);
    h[4] = QR_F_REQUEST;
    qr_slice_t f[4];
    qr_frame_t fr;
    size_t used;
    /* refused from the length alone, before the body arrives */
    assert_int_equal(qr_frame_parse(h, 4, &fr, f, 4, &used), QR_ETOOBIG);
    assert_int_equal(qr_frame_parse(h, sizeof h, &fr, f, 4, &used), QR_ETOOBIG);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    build_request(&b, 3); /* 6 fields */
    qr_slice_t f[8];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 5, &used), QR_ETOOBIG);
    /* known from the header alone */
    assert_int_equal(qr_frame_parse(b.data, QR_FRAME_HEADER, &fr, f, 5, &used), QR_ETOOBIG);
    qr_buf_free(&b);
}

static void test_bad_counts_and_lengths(void **state)
{
    (void)state;
    qr_slice_t f[8];
    qr_frame_t fr;
    size_t used;
    qr_buf_t b = QR_BUF_INIT;
    build_request(&b, 4);
    /* nfields larger than what the length can hold */
    char *c = qr_xmalloc(b.len);
    memcpy(c, b.data, b.len);
    uint16_t nf = 1000;
    memcpy(c + 6, &nf, 2);
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used) < 0, 1);
    /* nfields smaller than the fields present: trailing bytes */
    memcpy(c, b.data, b.len);
    nf = 5;
    memcpy(c + 6, &nf, 2);
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used), QR_EPROTO);
    /* a field length running past the frame */
    memcpy(c, b.data, b.len);
    put32(c + QR_FRAME_HEADER, 1u << 20);
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used), QR_EPROTO);
    /* unknown type, non-zero flags, length shorter than a header */
    memcpy(c, b.data, b.len);
    c[4] = 99;
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used), QR_EPROTO);
    memcpy(c, b.data, b.len);
    c[5] = 1;
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used), QR_EPROTO);
    memcpy(c, b.data, b.len);
    put32(c, 3);
    assert_int_equal(qr_frame_parse(c, b.len, &fr, f, 8, &used), QR_EPROTO);
    free(c);
    qr_buf_free(&b);
}

static void test_u64(void **state)
{
    (void)state;
    uint64_t v;
    qr_slice_t s = {"18446744073709551615", 20};
    assert_int_equal(qr_slice_to_u64(s, &v), 0);
    assert_true(v == UINT64_MAX);
    qr_slice_t over = {"18446744073709551616", 20};
    assert_int_equal(qr_slice_to_u64(over, &v), QR_EPROTO);
    qr_slice_t empty = {"", 0};
    assert_int_equal(qr_slice_to_u64(empty, &v), QR_EPROTO);
    qr_slice_t neg = {"-1", 2};
    assert_int_equal(qr_slice_to_u64(neg, &v), QR_EPROTO);
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_FORKED, 5);
    qr_frame_add_u64(&b, 0);
    qr_frame_add_u64(&b, 1234567890123ull);
    qr_frame_end(&b);
    qr_slice_t f[2];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 2, &used), 1);
    assert_int_equal(qr_slice_to_u64(fr.fields[0], &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(qr_slice_to_u64(fr.fields[1], &v), 0);
    assert_true(v == 1234567890123ull);
    qr_buf_free(&b);
}

static void test_large_body(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *body = qr_xmalloc(n);
    for (size_t i = 0; i < n; i++) body[i] = (char)(i * 31);
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_REQUEST, 8);
    qr_frame_add_str(&b, "POST");
    qr_frame_add_str(&b, "/up");
    qr_frame_add_str(&b, "::1");
    qr_frame_add(&b, body, n);
    qr_frame_end(&b);
    qr_slice_t f[4];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len - 1, &fr, f, 4, &used), 0);
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 4, &used), 1);
    assert_int_equal(fr.fields[3].len, n);
    assert_memory_equal(fr.fields[3].ptr, body, n);
    free(body);
    qr_buf_free(&b);
}

/* ---------------------------------------------------------------- typed frames */

/* Parses the one frame in b; asserts every strict prefix is incomplete (a truncated frame is
 * never mistaken for a whole one) and that it uses all of b. */
static void parse_whole(const qr_buf_t *b, qr_frame_t *fr, qr_slice_t *f, size_t max)
{
    size_t used = 0;
    for (size_t n = 0; n < b->len; n++) assert_int_equal(qr_frame_parse(b->data, n, fr, f, max, &used), 0);
    assert_int_equal(qr_frame_parse(b->data, b->len, fr, f, max, &used), 1);
    assert_int_equal(used, b->len);
}

static void test_typed_ready(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_ready(&b, 4242, 0, NULL);
    qr_slice_t f[4];
    qr_frame_t fr;
    parse_whole(&b, &fr, f, 4);
    uint64_t pid = 0;
    int cc = 7;
    qr_slice_t ch;
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), 0);
    assert_int_equal(pid, 4242);
    assert_int_equal(cc, 0);
    assert_null(ch.ptr); /* channels not declared */
    qr_buf_reset(&b);
    qr_frame_put_ready(&b, 7, 1, "ChatChannel\nRoomChannel");
    parse_whole(&b, &fr, f, 4);
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), 0);
    assert_int_equal(ch.len, strlen("ChatChannel\nRoomChannel"));
    assert_memory_equal(ch.ptr, "ChatChannel\nRoomChannel", ch.len);
    /* a READY without the cable field (older layout) means "needs connect" */
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_READY, 0);
    qr_frame_add_u64(&b, 9);
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 4);
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), 0);
    assert_int_equal(cc, 1);
    /* no pid, a non-decimal pid, the wrong kind */
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_READY, 0);
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 4);
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), QR_EPROTO);
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_READY, 0);
    qr_frame_add_str(&b, "12x");
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 4);
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), QR_EPROTO);
    qr_buf_reset(&b);
    qr_frame_put_broadcast(&b, "s", 1, "1", 1);
    parse_whole(&b, &fr, f, 4);
    assert_int_equal(qr_frame_get_ready(&fr, &pid, &cc, &ch), QR_EPROTO);
    qr_buf_free(&b);
}

static void test_typed_request(void **state)
{
    (void)state;
    qr_header_t hs[] = {{"Host", 4, "example.test", 12}, {"X-Empty", 7, "", 0}};
    const char body[3] = {'a', 0, 'b'};
    qr_request_t req = {.method = "POST", .target = "/articles?x=1", .path = "/articles", .query = "x=1",
                        .headers = hs, .nheaders = 2, .body = body, .body_len = 3, .remote_addr = NULL};
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_request(&b, 77, &req);
    qr_slice_t f[16];
    qr_frame_t fr;
    parse_whole(&b, &fr, f, 16);
    assert_int_equal(fr.type, QR_F_REQUEST);
    assert_int_equal(fr.id, 77);
    qr_request_t got;
    qr_header_t gh[4];
    assert_int_equal(qr_frame_get_request(&fr, &got, gh, 4), 0);
    assert_string_equal(got.method, "POST");
    assert_string_equal(got.target, "/articles?x=1");
    assert_string_equal(got.remote_addr, ""); /* NULL is sent as "" */
    assert_null(got.path);
    assert_null(got.query);
    assert_int_equal(got.body_len, 3);
    assert_memory_equal(got.body, body, 3);
    assert_int_equal(got.nheaders, 2);
    assert_memory_equal(got.headers[0].value, "example.test", 12);
    assert_int_equal(got.headers[1].name_len, 7);
    assert_int_equal(got.headers[1].value_len, 0);
    /* more headers than the caller can hold */
    assert_int_equal(qr_frame_get_request(&fr, &got, gh, 1), QR_ETOOBIG);
    /* a string field without its NUL (the old layout) is refused */
    qr_buf_reset(&b);
    build_request(&b, 3);
    parse_whole(&b, &fr, f, 16);
    assert_int_equal(qr_frame_get_request(&fr, &got, gh, 4), QR_EPROTO);
    /* an odd number of header fields */
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_REQUEST, 1);
    qr_frame_add(&b, "GET", 4);
    qr_frame_add(&b, "/", 2);
    qr_frame_add(&b, "", 1);
    qr_frame_add(&b, "", 0);
    qr_frame_add(&b, "Host", 4);
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 16);
    assert_int_equal(qr_frame_get_request(&fr, &got, gh, 4), QR_EPROTO);
    /* a NUL inside the method */
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_REQUEST, 1);
    qr_frame_add(&b, "G\0T", 4);
    qr_frame_add(&b, "/", 2);
    qr_frame_add(&b, "", 1);
    qr_frame_add(&b, "", 0);
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 16);
    assert_int_equal(qr_frame_get_request(&fr, &got, gh, 4), QR_EPROTO);
    qr_buf_free(&b);
}

static void test_typed_response(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    /* built in place, as js_host does, after a complete frame already in the buffer */
    qr_frame_put_broadcast(&b, "s", 1, "1", 1);
    size_t first = b.len;
    qr_frame_response_begin(&b, 5, 201);
    qr_frame_response_header(&b, "content-type", 12, "text/plain", 10);
    qr_frame_response_header(&b, "set-cookie", 10, "a=1", 3);
    qr_frame_response_end(&b, "created", 7);
    qr_slice_t f[16];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 16, &used), 1);
    assert_int_equal(used, first);
    qr_buf_t second = QR_BUF_INIT;
    qr_buf_append(&second, b.data + first, b.len - first);
    parse_whole(&second, &fr, f, 16);
    qr_response_t res;
    qr_header_t hs[4];
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 4), 0);
    assert_int_equal(fr.id, 5);
    assert_int_equal(res.status, 201);
    assert_int_equal(res.nheaders, 2);
    assert_memory_equal(res.headers[1].name, "set-cookie", 10);
    assert_memory_equal(res.headers[1].value, "a=1", 3);
    assert_int_equal(res.body_len, 7);
    assert_memory_equal(res.body, "created", 7);
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 1), QR_ETOOBIG);
    /* put from a qr_response_t; an out-of-range status goes out as 500; an empty body */
    qr_buf_reset(&second);
    qr_response_t odd = {.status = 42, .headers = hs, .nheaders = 0, .body = NULL, .body_len = 0};
    qr_frame_put_response(&second, 6, &odd);
    parse_whole(&second, &fr, f, 16);
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 4), 0);
    assert_int_equal(res.status, 500);
    assert_int_equal(res.nheaders, 0);
    assert_int_equal(res.body_len, 0);
    /* a status the decoder refuses, and a missing body */
    qr_buf_reset(&second);
    qr_frame_begin(&second, QR_F_RESPONSE, 1);
    qr_frame_add_u64(&second, 1000);
    qr_frame_add(&second, "", 0);
    qr_frame_end(&second);
    parse_whole(&second, &fr, f, 16);
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 4), QR_EPROTO);
    qr_buf_reset(&second);
    qr_frame_begin(&second, QR_F_RESPONSE, 1);
    qr_frame_add_u64(&second, 200);
    qr_frame_end(&second);
    parse_whole(&second, &fr, f, 16);
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 4), QR_EPROTO);
    qr_buf_free(&second);
    qr_buf_free(&b);
}

static void test_typed_abandon(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_ready(&b, 1, 1, NULL);
    size_t first = b.len;
    qr_frame_abandon(&b); /* nothing under construction: nothing changes */
    assert_int_equal(b.len, first);
    qr_frame_response_begin(&b, 9, 200);
    qr_frame_response_header(&b, "a", 1, "b", 1);
    qr_frame_abandon(&b); /* a response that failed half-way */
    assert_int_equal(b.len, first);
    qr_frame_response_begin(&b, 9, 500);
    qr_frame_response_end(&b, "oops", 4);
    qr_slice_t f[8];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data + first, b.len - first, &fr, f, 8, &used), 1);
    qr_response_t res;
    qr_header_t hs[2];
    assert_int_equal(qr_frame_get_response(&fr, &res, hs, 2), 0);
    assert_int_equal(res.status, 500);
    assert_int_equal(res.nheaders, 0);
    qr_buf_free(&b);
}

static void test_typed_broadcast_and_cable(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_slice_t f[8], s1, s2;
    qr_frame_t fr;
    qr_frame_put_broadcast(&b, "room", 4, "\"<p>\"", 5);
    parse_whole(&b, &fr, f, 8);
    assert_int_equal(qr_frame_get_broadcast(&fr, &s1, &s2), 0);
    assert_int_equal(s1.len, 4);
    assert_memory_equal(s1.ptr, "room", 4);
    assert_memory_equal(s2.ptr, "\"<p>\"", 5);
    assert_int_equal(qr_frame_get_cable(&fr, QR_F_CABLE, &s1), QR_EPROTO);

    qr_buf_reset(&b);
    qr_frame_put_cable(&b, QR_F_CABLE, 12, "{\"op\":\"connect\"}", 16);
    parse_whole(&b, &fr, f, 8);
    assert_int_equal(fr.id, 12);
    assert_int_equal(qr_frame_get_cable(&fr, QR_F_CABLE, &s1), 0);
    assert_memory_equal(s1.ptr, "{\"op\":\"connect\"}", 16);
    /* an operation is not a result */
    assert_int_equal(qr_frame_get_cable(&fr, QR_F_CABLE_RESULT, &s1), QR_EPROTO);
    assert_int_equal(qr_frame_get_broadcast(&fr, &s1, &s2), QR_EPROTO);

    qr_buf_reset(&b);
    qr_frame_put_cable(&b, QR_F_CABLE_RESULT, 13, "{}", 2);
    parse_whole(&b, &fr, f, 8);
    assert_int_equal(qr_frame_get_cable(&fr, QR_F_CABLE_RESULT, &s1), 0);
    assert_int_equal(s1.len, 2);

    /* a broadcast with one field, a cable frame with two */
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_BROADCAST, 0);
    qr_frame_add_str(&b, "room");
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 8);
    assert_int_equal(qr_frame_get_broadcast(&fr, &s1, &s2), QR_EPROTO);
    qr_buf_reset(&b);
    qr_frame_begin(&b, QR_F_CABLE, 1);
    qr_frame_add_str(&b, "{}");
    qr_frame_add_str(&b, "{}");
    qr_frame_end(&b);
    parse_whole(&b, &fr, f, 8);
    assert_int_equal(qr_frame_get_cable(&fr, QR_F_CABLE, &s1), QR_EPROTO);
    qr_buf_free(&b);
}

/* Every typed kind is refused when its length says more than QR_FRAME_MAX, from the header
 * alone (before a byte of the body arrives). */
static void test_typed_oversized(void **state)
{
    (void)state;
    const uint8_t kinds[] = {QR_F_READY, QR_F_REQUEST, QR_F_RESPONSE, QR_F_BROADCAST, QR_F_CABLE, QR_F_CABLE_RESULT};
    for (size_t k = 0; k < sizeof kinds; k++) {
        char h[QR_FRAME_HEADER] = {0};
        put32(h, QR_FRAME_MAX + 1);
        h[4] = (char)kinds[k];
        qr_slice_t f[4];
        qr_frame_t fr;
        size_t used;
        assert_int_equal(qr_frame_parse(h, sizeof h, &fr, f, 4, &used), QR_ETOOBIG);
    }
    /* and a request with more header fields than the receiver's table */
    qr_header_t hs[3] = {{"a", 1, "1", 1}, {"b", 1, "2", 1}, {"c", 1, "3", 1}};
    qr_request_t req = {.method = "GET", .target = "/", .headers = hs, .nheaders = 3, .body = "", .remote_addr = ""};
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_request(&b, 1, &req);
    qr_slice_t f[16];
    qr_frame_t fr;
    size_t used;
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 9, &used), QR_ETOOBIG);
    assert_int_equal(qr_frame_parse(b.data, b.len, &fr, f, 10, &used), 1);
    qr_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_binary_and_empty),
        cmocka_unit_test(test_partial_every_byte),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_bad_counts_and_lengths),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_large_body),
        cmocka_unit_test(test_typed_ready),
        cmocka_unit_test(test_typed_request),
        cmocka_unit_test(test_typed_response),
        cmocka_unit_test(test_typed_abandon),
        cmocka_unit_test(test_typed_broadcast_and_cable),
        cmocka_unit_test(test_typed_oversized),
    };
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
