/* test_frame.c — unit tests of frame.c: round trips, frames split at every byte, several frames
 * in one buffer, oversize frames, bad field counts and lengths, decimal fields. */
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
    };
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
