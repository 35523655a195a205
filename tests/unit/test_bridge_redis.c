/* test_bridge_redis.c — the Redis cluster bridge (bridge_redis.c) against a real redis-server
 * started on a free loopback port: round trip through Redis, the Rails wire format (channel
 * prefix, JSON payload) checked with a second plain hiredis client, unsubscribe/resubscribe,
 * and a Redis restart that loses no subscription. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <hiredis/hiredis.h>
#include "bridge_test.h"
#include "config.h"
#include "log.h"
#include "services.h"

static svc_t g_redis;

static redisContext *sync_client(void)
{
    redisContext *c = redisConnect("127.0.0.1", g_redis.port);
    assert_non_null(c);
    assert_int_equal(c->err, 0);
    return c;
}

static long long numsub(const char *channel)
{
    redisContext *c = sync_client();
    redisReply *r = redisCommand(c, "PUBSUB NUMSUB %s", channel);
    long long n = -1;
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2) n = r->element[1]->integer;
    freeReplyObject(r);
    redisFree(c);
    return n;
}

static void rails_publish(const char *channel, const char *payload)
{
    redisContext *c = sync_client();
    redisReply *r = redisCommand(c, "PUBLISH %s %s", channel, payload);
    assert_non_null(r);
    freeReplyObject(r);
    redisFree(c);
}

typedef struct { const char *channel; long long n; } numsub_arg_t;
static int cond_numsub(void *a)
{
    numsub_arg_t *x = a;
    return numsub(x->channel) == x->n;
}

static void start_bridge(const char *prefix)
{
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", g_redis.port);
    start_bridge_at(url, prefix, 5000);
}

static int setup(void **state)
{
    (void)state;
    qr_log_set_level(QR_LOG_WARN);
    memset(&g_redis, 0, sizeof g_redis);
    return svc_redis_start(&g_redis);
}

static int teardown(void **state)
{
    (void)state;
    svc_stop(&g_redis);
    svc_cleanup(&g_redis);
    return 0;
}

static void test_bad_url(void **state)
{
    (void)state;
    qr_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    uv_loop_t loop;
    uv_loop_init(&loop);
    assert_int_equal(qr_bridge_start(&loop, &cfg, record_cb), 0); /* empty: single node */
    assert_int_equal(qr_bridge_connected(), 0);
    assert_true(qr_bridge_publish("x", 1, "1", 1) < 0);
    snprintf(cfg.cable_url, sizeof cfg.cable_url, "amqp://nowhere");
    assert_int_equal(qr_bridge_start(&loop, &cfg, record_cb), QR_ECONFIG);
    snprintf(cfg.cable_url, sizeof cfg.cable_url, "redis://127.0.0.1:notaport");
    assert_int_equal(qr_bridge_start(&loop, &cfg, record_cb), QR_ECONFIG);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_round_trip_once(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("chat");
    qr_bridge_subscribe("chat"); /* remembered once */
    numsub_arg_t a = {"chat", 1};
    assert_true(run_until(cond_numsub, &a, 3000));
    got_reset();
    const char *msg = "\"<turbo-stream action=\\\"append\\\" target=\\\"c\\\"></turbo-stream>\"";
    assert_int_equal(qr_bridge_publish("chat", 4, msg, strlen(msg)), 0);
    int one = 1;
    assert_true(run_until(cond_ngot, &one, 3000));
    run_until(cond_never, NULL, 100); /* nothing more arrives */
    assert_int_equal(g_ngot, 1);
    assert_int_equal(count_got("chat", msg), 1);
    /* a stream nobody here listens to is not delivered */
    got_reset();
    assert_int_equal(qr_bridge_publish("other", 5, "1", 1), 0);
    run_until(cond_never, NULL, 150);
    assert_int_equal(g_ngot, 0);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_rails_wire_format_with_prefix(void **state)
{
    (void)state;
    start_bridge("blog_production");
    qr_bridge_subscribe("articles");
    numsub_arg_t a = {"blog_production:articles", 1};
    assert_true(run_until(cond_numsub, &a, 3000));
    /* what ActionCable.server.broadcast("articles", "<p>hi</p>") puts on the wire */
    got_reset();
    rails_publish("blog_production:articles", "\"<p>hi</p>\"");
    rails_publish("articles", "\"unprefixed: not ours\"");
    int one = 1;
    assert_true(run_until(cond_ngot, &one, 3000));
    run_until(cond_never, NULL, 100);
    assert_int_equal(g_ngot, 1);
    assert_int_equal(count_got("articles", "\"<p>hi</p>\""), 1);
    /* and what we publish is what Rails expects: a subscriber on the prefixed channel sees it */
    redisContext *c = sync_client();
    redisReply *r = redisCommand(c, "SUBSCRIBE blog_production:articles");
    freeReplyObject(r);
    assert_int_equal(qr_bridge_publish("articles", 8, "{\"a\":1}", 7), 0);
    run_until(cond_never, NULL, 100);
    r = NULL;
    assert_int_equal(redisGetReply(c, (void **)&r), REDIS_OK);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "message");
    assert_string_equal(r->element[1]->str, "blog_production:articles");
    assert_string_equal(r->element[2]->str, "{\"a\":1}");
    freeReplyObject(r);
    redisFree(c);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_unsubscribe_resubscribe(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("room");
    numsub_arg_t a = {"room", 1};
    assert_true(run_until(cond_numsub, &a, 3000));
    /* a page reload: last subscriber leaves and a new one comes in the same loop turn */
    qr_bridge_unsubscribe("room");
    qr_bridge_subscribe("room");
    run_until(cond_never, NULL, 100);
    assert_true(run_until(cond_numsub, &a, 3000));
    got_reset();
    rails_publish("room", "\"after\"");
    int one = 1;
    assert_true(run_until(cond_ngot, &one, 3000));
    assert_int_equal(count_got("room", "\"after\""), 1);
    /* gone for good */
    qr_bridge_unsubscribe("room");
    numsub_arg_t z = {"room", 0};
    assert_true(run_until(cond_numsub, &z, 3000));
    assert_int_equal(qr_bridge_connected(), 1);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

/* Ready means subscribed: when the callback runs, Redis already counts the subscriber, so a
 * message published then by anyone reaches this node (hub.c confirms subscriptions on it). */
static long long g_numsub_at_ready = -1;
static void numsub_at_ready(const char *stream)
{
    g_numsub_at_ready = numsub(stream);
    rails_publish(stream, "\"right after ready\"");
}

static void test_ready_after_subscribe_reply(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_set_ready_cb(ready_cb);
    g_nready = 0;
    g_ready_hook = numsub_at_ready;
    got_reset();
    assert_int_equal(qr_bridge_subscribe("fresh"), 1);    /* connected: wait for the reply */
    assert_int_equal(g_nready, 0);
    int one = 1;
    assert_true(run_until(cond_nready, &one, 3000));
    assert_string_equal(g_ready_stream, "fresh");
    assert_int_equal(g_numsub_at_ready, 1);
    assert_true(run_until(cond_ngot, &one, 3000));
    assert_int_equal(count_got("fresh", "\"right after ready\""), 1);
    assert_int_equal(qr_bridge_subscribe("fresh"), 0);    /* already in place */
    g_ready_hook = NULL;
    /* Redis away: nothing to wait for (the hub confirms at once and delivers locally) */
    svc_stop(&g_redis);
    assert_true(run_until(cond_disconnected, NULL, 5000));
    assert_int_equal(qr_bridge_subscribe("while-away"), 0);
    assert_int_equal(svc_redis_start(&g_redis), 0);
    assert_true(run_until(cond_connected, NULL, 10000));
    assert_int_equal(g_nready, 1);
    qr_bridge_set_ready_cb(NULL);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_restart_keeps_subscriptions(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("s1");
    qr_bridge_subscribe("s2");
    numsub_arg_t a = {"s2", 1};
    assert_true(run_until(cond_numsub, &a, 3000));
    svc_stop(&g_redis);
    assert_true(run_until(cond_disconnected, NULL, 5000));
    assert_true(qr_bridge_publish("s1", 2, "1", 1) < 0); /* the hub then delivers locally */
    qr_bridge_subscribe("s3");                           /* subscribed while Redis is away */
    run_until(cond_never, NULL, 300);
    assert_int_equal(svc_redis_start(&g_redis), 0);      /* same port */
    assert_true(run_until(cond_connected, NULL, 10000));
    numsub_arg_t b = {"s3", 1};
    assert_true(run_until(cond_numsub, &b, 3000));
    expect_both_after_restart("s1", "s3", rails_publish);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_round_trip_once),
        cmocka_unit_test(test_rails_wire_format_with_prefix),
        cmocka_unit_test(test_unsubscribe_resubscribe),
        cmocka_unit_test(test_ready_after_subscribe_reply),
        cmocka_unit_test(test_restart_keeps_subscriptions),
    };
    return cmocka_run_group_tests_name("bridge_redis", tests, setup, teardown);
}
