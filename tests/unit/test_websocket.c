/* test_websocket.c — websocket.c over an in-memory transport: handshake digest (RFC 6455
 * example), masked and fragmented input fed byte by byte, ping/pong, the 1009 size limit, the
 * 1007 UTF-8 check, binary frames ignored, the closing handshake both ways, the slow-consumer
 * bound, the encoding of outgoing frames at every length class, and the protocol errors the
 * in-house frame reader answers with 1002. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "common.h"
#include "websocket.h"

typedef struct {
    qr_buf_t out;      /* what the server wrote */
    size_t pending;    /* what the transport pretends is still unsent */
    int closed;        /* 1 graceful, 2 abort */
    int texts;
    qr_buf_t last;     /* last text message */
} mem_t;

static int mem_write(void *io, const char *d, size_t n) { mem_t *m = io; qr_buf_append(&m->out, d, n); return 0; }
static size_t mem_pending(void *io) { return ((mem_t *)io)->pending; }
static void mem_close(void *io, int abort_now) { ((mem_t *)io)->closed = abort_now ? 2 : 1; }
static const qr_ws_io_t mem_io = {mem_write, mem_pending, mem_close};

static void on_text(void *ud, const char *t, size_t n)
{
    mem_t *m = ud;
    m->texts++;
    qr_buf_reset(&m->last);
    qr_buf_append(&m->last, t, n);
}
static const qr_ws_cbs_t cbs = {on_text};

/* A client frame: masked with a fixed key. */
static void client_frame(qr_buf_t *b, int fin, int opcode, const char *p, size_t n)
{
    static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    unsigned char h[14];
    size_t hl = 0;
    h[hl++] = (unsigned char)((fin ? 0x80 : 0) | opcode);
    if (n < 126) {
        h[hl++] = (unsigned char)(0x80 | n);
    } else if (n < 65536) {
        h[hl++] = 0x80 | 126;
        h[hl++] = (unsigned char)(n >> 8);
        h[hl++] = (unsigned char)n;
    } else {
        h[hl++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--) h[hl++] = (unsigned char)((uint64_t)n >> (8 * i));
    }
    memcpy(h + hl, key, 4);
    hl += 4;
    qr_buf_append(b, h, hl);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i] ^ key[i % 4];
        qr_buf_append(b, &c, 1);
    }
}

/* Parses one server frame at *off; returns opcode, sets payload pointer/length. */
static int server_frame(const qr_buf_t *b, size_t *off, const char **p, size_t *n)
{
    const unsigned char *d = (const unsigned char *)b->data + *off;
    assert_true(b->len - *off >= 2);
    assert_int_equal(d[1] & 0x80, 0); /* servers never mask */
    size_t len = d[1] & 0x7f, hl = 2;
    if (len == 126) { len = ((size_t)d[2] << 8) | d[3]; hl = 4; }
    else if (len == 127) { len = 0; for (int i = 0; i < 8; i++) len = (len << 8) | d[2 + i]; hl = 10; }
    *p = (const char *)d + hl;
    *n = len;
    *off += hl + len;
    assert_true(*off <= b->len);
    return d[0] & 0x0f;
}

static void close_code_is(const mem_t *m, size_t *off, int code)
{
    const char *p;
    size_t n;
    assert_int_equal(server_frame(&m->out, off, &p, &n), 8);
    assert_true(n >= 2);
    assert_int_equal(((unsigned char)p[0] << 8) | (unsigned char)p[1], code);
}

static void mem_free(mem_t *m) { qr_buf_free(&m->out); qr_buf_free(&m->last); }

static void test_accept_key(void **state)
{
    (void)state;
    char out[29];
    assert_int_equal(qr_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", 24, out), 0);
    assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_true(qr_ws_accept_key("short", 5, out) < 0);
    assert_true(qr_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ!=", 24, out) < 0);
    assert_true(qr_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=A", 24, out) < 0);
}

static void test_text_byte_by_byte_and_fragments(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 1, 1, "{\"command\":\"subscribe\"}", 23);
    client_frame(&in, 0, 1, "hel", 3);
    client_frame(&in, 0, 0, "lo ", 3);
    client_frame(&in, 1, 0, "w\xc3\xb6rld", 6); /* UTF-8 across the frame is fine */
    for (size_t i = 0; i < in.len; i++) qr_ws_feed(ws, in.data + i, 1);
    assert_int_equal(m.texts, 2);
    assert_string_equal(m.last.data, "hello w\xc3\xb6rld");
    assert_int_equal(m.closed, 0);
    assert_int_equal(m.out.len, 0);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_ping_pong_and_binary_ignored(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 1, 9, "abc", 3);
    client_frame(&in, 1, 2, "\x00\xff", 2);
    client_frame(&in, 1, 1, "after", 5);
    qr_ws_feed(ws, in.data, in.len);
    size_t off = 0;
    const char *p;
    size_t n;
    assert_int_equal(server_frame(&m.out, &off, &p, &n), 10); /* pong with the same payload */
    assert_int_equal(n, 3);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(off, m.out.len);
    assert_int_equal(m.texts, 1); /* the binary message is not delivered */
    assert_string_equal(m.last.data, "after");
    assert_int_equal(m.closed, 0);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_too_big_closes_1009(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1000, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    char *big = malloc(1001);
    memset(big, 'a', 1001);
    client_frame(&in, 1, 1, big, 1000); /* exactly the limit: accepted */
    client_frame(&in, 1, 1, big, 1001);
    client_frame(&in, 1, 1, "late", 4);
    qr_ws_feed(ws, in.data, in.len);
    assert_int_equal(m.texts, 1);
    assert_int_equal(m.last.len, 1000);
    size_t off = 0;
    close_code_is(&m, &off, 1009);
    assert_true(qr_ws_closing(ws));
    assert_int_equal(qr_ws_send_text(ws, "x", 1), -EPIPE);
    /* the peer never answers: expired after the timeout */
    assert_int_equal(m.closed, 0);
    assert_int_equal(qr_ws_expire(ws, qr_now_ms(), 5000), 0);
    assert_int_equal(qr_ws_expire(ws, qr_now_ms() + 6000, 5000), 1);
    assert_int_equal(m.closed, 1);
    free(big);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_fragments_too_big_together(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 10, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 0, 1, "123456", 6);
    client_frame(&in, 1, 0, "789012", 6);
    qr_ws_feed(ws, in.data, in.len);
    assert_int_equal(m.texts, 0);
    size_t off = 0;
    close_code_is(&m, &off, 1009);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_invalid_utf8_closes_1007(void **state)
{
    (void)state;
    const char *bad[] = {"\xff", "abc\xc3", "\xed\xa0\x80" /* surrogate */, "\xc0\xaf" /* overlong */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mem_t m = {0};
        qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
        qr_buf_t in = QR_BUF_INIT;
        client_frame(&in, 1, 1, bad[i], strlen(bad[i]));
        qr_ws_feed(ws, in.data, in.len);
        assert_int_equal(m.texts, 0);
        size_t off = 0;
        close_code_is(&m, &off, 1007);
        qr_ws_free(ws);
        qr_buf_free(&in);
        mem_free(&m);
    }
}

static void test_unmasked_client_frame_is_protocol_error(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_ws_feed(ws, "\x81\x02hi", 4);
    assert_int_equal(m.texts, 0);
    size_t off = 0;
    close_code_is(&m, &off, 1002);
    qr_ws_free(ws);
    mem_free(&m);
}

static void test_client_close_is_answered_and_transport_closed(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 1, 8, "\x03\xe8" "bye", 5);
    qr_ws_feed(ws, in.data, in.len);
    size_t off = 0;
    close_code_is(&m, &off, 1000);
    assert_int_equal(m.closed, 1);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_server_close_then_client_answer(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    assert_int_equal(qr_ws_send_text(ws, "{\"type\":\"disconnect\"}", 21), 0);
    qr_ws_close(ws, 1000, NULL);
    size_t off = 0;
    const char *p;
    size_t n;
    assert_int_equal(server_frame(&m.out, &off, &p, &n), 1);
    close_code_is(&m, &off, 1000);
    assert_int_equal(m.closed, 0);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 1, 1, "ignored", 7); /* data after our close is dropped */
    client_frame(&in, 1, 8, "\x03\xe8", 2);
    qr_ws_feed(ws, in.data, in.len);
    assert_int_equal(m.texts, 0);
    assert_int_equal(m.closed, 1);
    assert_int_equal(off, m.out.len); /* no second close frame */
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

static void test_slow_consumer_aborted(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 100);
    m.pending = 50;
    assert_int_equal(qr_ws_send_text(ws, "ok", 2), 0);
    m.pending = 101;
    assert_int_equal(qr_ws_send_text(ws, "too much", 8), QR_ETOOBIG);
    assert_int_equal(m.closed, 2);
    assert_int_equal(qr_ws_send_text(ws, "more", 4), -EPIPE);
    qr_ws_feed(ws, "\x81", 1); /* ignored once the transport is gone */
    qr_ws_free(ws);
    mem_free(&m);
}

static void test_frame_encoding_lengths(void **state)
{
    (void)state;
    size_t lens[] = {0, 5, 125, 126, 1000, 65535, 65536, 200000};
    char *payload = malloc(200000);
    for (size_t i = 0; i < 200000; i++) payload[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        qr_buf_t b = QR_BUF_INIT;
        qr_ws_frame_text(&b, payload, lens[i]);
        size_t off = 0;
        const char *p;
        size_t n;
        assert_int_equal((unsigned char)b.data[0], 0x81);
        assert_int_equal(server_frame(&b, &off, &p, &n), 1);
        assert_int_equal(n, lens[i]);
        assert_int_equal(off, b.len);
        assert_memory_equal(p, payload, n);
        size_t hl = lens[i] < 126 ? 2 : lens[i] < 65536 ? 4 : 10;
        assert_int_equal(b.len, hl + lens[i]);
        qr_buf_free(&b);
    }
    free(payload);
}

/* Each broken frame is answered with close 1002 and nothing after it is read. */
static void test_protocol_errors_close_1002(void **state)
{
    (void)state;
    static const struct { int fin, opcode; const char *p; size_t n; } bad[] = {
        {1, 0, "x", 1},        /* continuation with no message open */
        {0, 9, "p", 1},        /* fragmented control frame */
        {1, 3, "x", 1},        /* reserved opcode */
        {1, 8, "\x03", 1},     /* close body of one byte */
        {1, 8, "\x03\xed", 2}, /* close code 1005 may not be sent */
        {1, 8, "\x00\x10", 2}, /* close code 16 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mem_t m = {0};
        qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
        qr_buf_t in = QR_BUF_INIT;
        client_frame(&in, bad[i].fin, bad[i].opcode, bad[i].p, bad[i].n);
        client_frame(&in, 1, 1, "late", 4);
        qr_ws_feed(ws, in.data, in.len);
        assert_int_equal(m.texts, 0);
        size_t off = 0;
        close_code_is(&m, &off, 1002);
        assert_int_equal(off, m.out.len);
        assert_true(qr_ws_closing(ws));
        assert_int_equal(m.closed, bad[i].opcode == 8 ? 1 : 0); /* a bad close still ends it */
        qr_ws_free(ws);
        qr_buf_free(&in);
        mem_free(&m);
    }
    /* reserved bit set on an otherwise good frame */
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    client_frame(&in, 1, 1, "hi", 2);
    in.data[0] |= 0x40;
    qr_ws_feed(ws, in.data, in.len);
    assert_int_equal(m.texts, 0);
    size_t off = 0;
    close_code_is(&m, &off, 1002);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

/* A ping between the fragments of a message, fed byte by byte: answered at once, and the
 * message still arrives whole; every payload length class is read (16- and 64-bit lengths). */
static void test_ping_inside_fragments_and_long_lengths(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1 << 20, 1 << 20);
    qr_buf_t in = QR_BUF_INIT;
    char *big = malloc(70000);
    for (size_t i = 0; i < 70000; i++) big[i] = (char)('a' + i % 26);
    client_frame(&in, 0, 1, big, 200);
    client_frame(&in, 1, 9, "hey", 3);
    client_frame(&in, 1, 0, big + 200, 69800);
    for (size_t i = 0; i < in.len; i++) qr_ws_feed(ws, in.data + i, 1);
    assert_int_equal(m.texts, 1);
    assert_int_equal(m.last.len, 70000);
    assert_memory_equal(m.last.data, big, 70000);
    size_t off = 0;
    const char *p;
    size_t n;
    assert_int_equal(server_frame(&m.out, &off, &p, &n), 10);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "hey", 3);
    assert_int_equal(off, m.out.len);
    free(big);
    qr_ws_free(ws);
    qr_buf_free(&in);
    mem_free(&m);
}

/* A declared length beyond the limit is refused from the header alone (no payload needed). */
static void test_too_big_refused_from_header(void **state)
{
    (void)state;
    mem_t m = {0};
    qr_ws_t *ws = qr_ws_new(&mem_io, &m, &cbs, &m, 1000, 1 << 20);
    const char hdr[] = "\x81\xff\x00\x00\x00\x01\x00\x00\x00\x00" "abcd"; /* 4 GB, masked */
    qr_ws_feed(ws, hdr, sizeof hdr - 1);
    size_t off = 0;
    close_code_is(&m, &off, 1009);
    qr_ws_free(ws);
    mem_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_key),
        cmocka_unit_test(test_text_byte_by_byte_and_fragments),
        cmocka_unit_test(test_ping_pong_and_binary_ignored),
        cmocka_unit_test(test_too_big_closes_1009),
        cmocka_unit_test(test_fragments_too_big_together),
        cmocka_unit_test(test_invalid_utf8_closes_1007),
        cmocka_unit_test(test_unmasked_client_frame_is_protocol_error),
        cmocka_unit_test(test_client_close_is_answered_and_transport_closed),
        cmocka_unit_test(test_server_close_then_client_answer),
        cmocka_unit_test(test_slow_consumer_aborted),
        cmocka_unit_test(test_frame_encoding_lengths),
        cmocka_unit_test(test_protocol_errors_close_1002),
        cmocka_unit_test(test_ping_inside_fragments_and_long_lengths),
        cmocka_unit_test(test_too_big_refused_from_header),
    };
    return cmocka_run_group_tests_name("websocket", tests, NULL, NULL);
}
