/* test_hub.c — hub.c single-node: fan-out of one frame built once per (stream, identifier),
 * the exact frame bytes, idempotent subscribe, unsubscribe of one and of all, per-stream
 * order, raw delivery without an identifier, counters, and a 10k-subscriber stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include "buf.h"
#include "hub.h"
#include "websocket.h"

#define MAXS 10000
typedef struct {
    int count;
    qr_buf_t last;
    const char *last_ptr;
} rec_t;
static rec_t recs[MAXS];
static const char *frames_seen[8];
static int nframes_seen;

static void deliver(void *subscriber, const char *frame, size_t len)
{
    rec_t *r = subscriber;
    r->count++;
    qr_buf_reset(&r->last);
    qr_buf_append(&r->last, frame, len);
    r->last_ptr = frame;
    for (int i = 0; i < nframes_seen; i++) if (frames_seen[i] == frame) return;
    if (nframes_seen < 8) frames_seen[nframes_seen++] = frame;
}

static int setup(void **state)
{
    (void)state;
    memset(recs, 0, sizeof recs);
    nframes_seen = 0;
    assert_int_equal(qr_hub_init(NULL, NULL, deliver), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qr_hub_shutdown();
    for (int i = 0; i < MAXS; i++) qr_buf_free(&recs[i].last);
    return 0;
}

static void publish(const char *stream, const char *json)
{
    qr_hub_publish(stream, strlen(stream), json, strlen(json));
}

static void test_frame_bytes(void **state)
{
    (void)state;
    const char *id = "{\"channel\":\"Turbo::StreamsChannel\",\"signed_stream_name\":\"abc--123\"}";
    qr_hub_subscribe("articles", &recs[0], id);
    publish("articles", "\"<turbo-stream action=\\\"append\\\"></turbo-stream>\"");
    assert_int_equal(recs[0].count, 1);
    const char *payload = "{\"identifier\":\"{\\\"channel\\\":\\\"Turbo::StreamsChannel\\\",\\\"signed_stream_name\\\":\\\"abc--123\\\"}\","
                          "\"message\":\"<turbo-stream action=\\\"append\\\"></turbo-stream>\"}";
    qr_buf_t want = QR_BUF_INIT;
    qr_ws_frame_text(&want, payload, strlen(payload));
    assert_int_equal(recs[0].last.len, want.len);
    assert_memory_equal(recs[0].last.data, want.data, want.len);
    qr_buf_free(&want);
}

static void test_fanout_one_frame_per_group(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++) qr_hub_subscribe("s", &recs[i], i < 60 ? "A" : "B");
    qr_hub_subscribe("other", &recs[0], "A");
    assert_int_equal(qr_hub_stream_count(), 2);
    assert_int_equal(qr_hub_subscription_count(), 101);
    publish("s", "1");
    for (int i = 0; i < 100; i++) assert_int_equal(recs[i].count, 1);
    /* group A got one frame (one pointer), B another, built once each */
    for (int i = 1; i < 60; i++) assert_ptr_equal(recs[i].last_ptr, recs[0].last_ptr);
    for (int i = 61; i < 100; i++) assert_ptr_equal(recs[i].last_ptr, recs[60].last_ptr);
    assert_true(nframes_seen >= 1);
    assert_string_equal(recs[0].last.data + 2, "{\"identifier\":\"A\",\"message\":1}");
    assert_string_equal(recs[99].last.data + 2, "{\"identifier\":\"B\",\"message\":1}");
    publish("nobody", "2");
    assert_int_equal(recs[0].count, 1);
}

static void test_idempotent_and_unsubscribe(void **state)
{
    (void)state;
    for (int k = 0; k < 5; k++) qr_hub_subscribe("s", &recs[0], "A");
    qr_hub_subscribe("s", &recs[0], "A2"); /* another identifier on the same stream is another subscription */
    assert_int_equal(qr_hub_subscription_count(), 2);
    publish("s", "1");
    assert_int_equal(recs[0].count, 2);
    qr_hub_unsubscribe("s", &recs[0], "A2");
    qr_hub_unsubscribe("s", &recs[0], "nope");
    qr_hub_unsubscribe("nope", &recs[1], "A");
    publish("s", "2");
    assert_int_equal(recs[0].count, 3);
    qr_hub_unsubscribe("s", &recs[0], "A");
    assert_int_equal(qr_hub_stream_count(), 0);
    assert_int_equal(qr_hub_subscription_count(), 0);
    publish("s", "3");
    assert_int_equal(recs[0].count, 3);
}

static void test_unsubscribe_all_and_swap_remove(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) {
        qr_hub_subscribe("x", &recs[i], "I");
        qr_hub_subscribe("y", &recs[i], "I");
    }
    qr_hub_unsubscribe_all(&recs[0]);
    qr_hub_unsubscribe_all(&recs[5]);
    qr_hub_unsubscribe_all(&recs[9]);
    qr_hub_unsubscribe_all(&recs[42]); /* never subscribed */
    assert_int_equal(qr_hub_subscription_count(), 14);
    publish("x", "1");
    publish("y", "2");
    for (int i = 0; i < 10; i++) {
        int gone = i == 0 || i == 5 || i == 9;
        assert_int_equal(recs[i].count, gone ? 0 : 2);
    }
}

static void test_order_per_stream(void **state)
{
    (void)state;
    qr_hub_subscribe("o", &recs[0], NULL);
    char msg[16];
    qr_buf_t seen = QR_BUF_INIT;
    for (int i = 0; i < 50; i++) {
        snprintf(msg, sizeof msg, "%d", i);
        publish("o", msg);
        qr_buf_append(&seen, recs[0].last.data, recs[0].last.len);
        qr_buf_append(&seen, ",", 1);
    }
    assert_int_equal(recs[0].count, 50);
    assert_true(strncmp(seen.data, "0,1,2,3,", 8) == 0);
    assert_non_null(strstr(seen.data, ",48,49,"));
    qr_buf_free(&seen);
    /* no identifier: the raw message, not a frame */
    assert_string_equal(recs[0].last.data, "49");
}

static void test_ten_thousand(void **state)
{
    (void)state;
    for (int i = 0; i < MAXS; i++) qr_hub_subscribe("big", &recs[i], "ID");
    for (int i = 0; i < MAXS; i += 2) qr_hub_subscribe("odd-even", &recs[i], "ID");
    publish("big", "\"hello\"");
    for (int i = 0; i < MAXS; i++) assert_int_equal(recs[i].count, 1);
    for (int i = 0; i < MAXS; i += 3) qr_hub_unsubscribe_all(&recs[i]);
    publish("big", "\"again\"");
    for (int i = 0; i < MAXS; i++) assert_int_equal(recs[i].count, i % 3 ? 2 : 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frame_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fanout_one_frame_per_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_and_unsubscribe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsubscribe_all_and_swap_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_per_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ten_thousand, setup, teardown),
    };
    return cmocka_run_group_tests_name("hub", tests, NULL, NULL);
}
