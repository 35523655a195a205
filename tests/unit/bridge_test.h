/* bridge_test.h — shared by test_bridge_redis.c and test_bridge_pg.c: records what the bridge
 * delivers (and its ready callbacks), runs the libuv loop until a condition holds or a deadline
 * passes, and checks what every adapter must do after a server restart. Header-only; include
 * it after cmocka.h. */
#ifndef QR_BRIDGE_TEST_H
#define QR_BRIDGE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include "bridge.h"
#include "common.h"

#define MAX_GOT 64

typedef struct {
    char *stream;
    char *msg;
} got_t;

static got_t g_got[MAX_GOT];
static int g_ngot;
static uv_loop_t g_loop;

static inline void record_cb(const char *stream, size_t stream_len, const char *msg, size_t msg_len)
{
    if (g_ngot >= MAX_GOT) return;
    g_got[g_ngot].stream = qr_xstrndup(stream, stream_len);
    g_got[g_ngot].msg = qr_xstrndup(msg, msg_len);
    g_ngot++;
}

static inline void got_reset(void)
{
    for (int i = 0; i < g_ngot; i++) { free(g_got[i].stream); free(g_got[i].msg); }
    g_ngot = 0;
}

static inline int count_got(const char *stream, const char *msg)
{
    int n = 0;
    for (int i = 0; i < g_ngot; i++)
        if (strcmp(g_got[i].stream, stream) == 0 && strcmp(g_got[i].msg, msg) == 0) n++;
    return n;
}

/* What the bridge's ready callback saw; g_ready_hook (optional) runs inside the callback. */
static char g_ready_stream[128];
static int g_nready;
static void (*g_ready_hook)(const char *stream);

static inline void ready_cb(const char *stream, size_t len)
{
    snprintf(g_ready_stream, sizeof g_ready_stream, "%.*s", (int)len, stream);
    g_nready++;
    if (g_ready_hook) g_ready_hook(g_ready_stream);
}

static inline int cond_nready(void *a) { return g_nready >= *(int *)a; }

static inline void tick_cb(uv_timer_t *t) { (void)t; }

/* Runs the loop until cond(arg) is true (returns 1) or timeout_ms passes (returns 0). */
static inline int run_until(int (*cond)(void *), void *arg, int timeout_ms)
{
    uv_timer_t tick;
    uv_timer_init(&g_loop, &tick);
    uv_timer_start(&tick, tick_cb, 5, 5);
    uint64_t end = qr_now_ms() + (uint64_t)timeout_ms;
    int ok = 0;
    while (!(ok = cond(arg)) && qr_now_ms() < end) uv_run(&g_loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&g_loop, UV_RUN_NOWAIT);
    return ok;
}

static inline int cond_connected(void *a) { (void)a; return qr_bridge_connected(); }

/* Starts the bridge named by url (with Rails' channel prefix) on g_loop and waits until it is
 * connected; every adapter test starts its bridge this way. */
static inline void start_bridge_at(const char *url, const char *prefix, int timeout_ms)
{
    qr_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.cable_url, sizeof cfg.cable_url, "%s", url);
    snprintf(cfg.cable_prefix, sizeof cfg.cable_prefix, "%s", prefix);
    assert_int_equal(uv_loop_init(&g_loop), 0);
    assert_int_equal(qr_bridge_start(&g_loop, &cfg, record_cb), 0);
    assert_true(run_until(cond_connected, NULL, timeout_ms));
}
static inline int cond_disconnected(void *a) { (void)a; return !qr_bridge_connected(); }
static inline int cond_ngot(void *a) { return g_ngot >= *(int *)a; }
static inline int cond_never(void *a) { (void)a; return 0; }

static inline void walk_cb(uv_handle_t *h, void *arg)
{
    (void)arg;
    fprintf(stderr, "live handle: type %d active %d\n", (int)h->type, uv_is_active(h));
}

/* Stops the bridge and checks the loop closes with no live handle (libuv's runner does the same). */
static inline int close_loop(void)
{
    qr_bridge_stop();
    for (int i = 0; i < 100 && uv_loop_alive(&g_loop); i++) uv_run(&g_loop, UV_RUN_NOWAIT);
    int rc = uv_loop_close(&g_loop);
    if (rc) uv_walk(&g_loop, walk_cb, NULL);
    return rc;
}

/* The end of a restart test, the same for every adapter: a message this node publishes on
 * `ours` (remembered before the server went away) and one a Rails client publishes on `theirs`
 * (subscribed while it was away) both arrive, once each; then the loop closes cleanly. */
static inline void expect_both_after_restart(const char *ours, const char *theirs,
                                             void (*rails_publish)(const char *channel, const char *payload))
{
    got_reset();
    assert_int_equal(qr_bridge_publish(ours, strlen(ours), "\"x\"", 3), 0);
    rails_publish(theirs, "\"y\"");
    int two = 2;
    assert_true(run_until(cond_ngot, &two, 3000));
    assert_int_equal(count_got(ours, "\"x\""), 1);
    assert_int_equal(count_got(theirs, "\"y\""), 1);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

#endif
