/* test_bridge_pg.c — the PostgreSQL LISTEN/NOTIFY cluster bridge (bridge_pg.c) against a real
 * PostgreSQL 15 started on a free loopback port: round trip exactly once, the Rails wire format
 * checked with a second plain libpq client (channel prefix, SHA1 of names over 63 characters),
 * payloads over the 8000-byte NOTIFY limit (stored in action_cable_large_payloads, order kept),
 * and a server restart that loses no subscription. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <openssl/sha.h>
#include "bridge_test.h"
#include "config.h"
#include "log.h"
#include "services.h"

static svc_t g_pg;
static char g_url[256];

static PGconn *sync_client(void)
{
    PGconn *c = PQconnectdb(g_url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

/* Rails: pg_conn.exec("NOTIFY #{escape_identifier(channel)}, '#{escape_string(payload)}'") */
static void rails_notify(const char *channel, const char *payload)
{
    PGconn *c = sync_client();
    char *id = PQescapeIdentifier(c, channel, strlen(channel));
    char *lit = PQescapeLiteral(c, payload, strlen(payload));
    char sql[1024];
    snprintf(sql, sizeof sql, "NOTIFY %s, %s", id, lit);
    exec_ok(c, sql);
    PQfreemem(id);
    PQfreemem(lit);
    PQfinish(c);
}

static int listeners_ready(void *a)
{
    /* the bridge's LISTENs are done once it reports connected and its queue drained; give
     * the statements a moment by checking pg_stat_activity for an idle listen connection */
    (void)a;
    if (!qr_bridge_connected()) return 0;
    PGconn *c = sync_client();
    PGresult *r = PQexec(c, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'quickrail-cable' AND state = 'idle'");
    int n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    PQfinish(c);
    return n == 2;
}

static void start_bridge(const char *prefix)
{
    start_bridge_at(g_url, prefix, 10000);
}

static int setup(void **state)
{
    (void)state;
    qr_log_set_level(QR_LOG_WARN);
    memset(&g_pg, 0, sizeof g_pg);
    return svc_pg_start_ready(&g_pg, g_url, sizeof g_url);
}

static int teardown(void **state)
{
    (void)state;
    svc_pg_stop(&g_pg);
    svc_cleanup(&g_pg);
    return 0;
}

static void test_round_trip_once(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("chat");
    assert_true(run_until(listeners_ready, NULL, 5000));
    got_reset();
    assert_int_equal(qr_bridge_publish("chat", 4, "\"it's <b>bold</b>\"", 18), 0);
    int one = 1;
    assert_true(run_until(cond_ngot, &one, 3000));
    run_until(cond_never, NULL, 100);
    assert_int_equal(g_ngot, 1);
    assert_int_equal(count_got("chat", "\"it's <b>bold</b>\""), 1);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_rails_channel_names(void **state)
{
    (void)state;
    start_bridge("app");
    char long_name[120];
    memset(long_name, 'x', 70);
    long_name[70] = 0;
    qr_bridge_subscribe("articles");
    qr_bridge_subscribe(long_name);
    assert_true(run_until(listeners_ready, NULL, 5000));
    got_reset();
    rails_notify("app:articles", "\"from rails\"");
    /* over 63 characters: Rails LISTENs/NOTIFYs the SHA1 hex digest of the prefixed name */
    char prefixed[160], hex[41];
    snprintf(prefixed, sizeof prefixed, "app:%s", long_name);
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)prefixed, strlen(prefixed), md);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) sprintf(hex + 2 * i, "%02x", md[i]);
    rails_notify(hex, "{\"n\":2}");
    int two = 2;
    assert_true(run_until(cond_ngot, &two, 3000));
    assert_int_equal(count_got("articles", "\"from rails\""), 1);
    assert_int_equal(count_got(long_name, "{\"n\":2}"), 1);
    /* and a Rails listener on the hashed channel receives what we publish */
    PGconn *c = sync_client();
    char sql[128];
    snprintf(sql, sizeof sql, "LISTEN \"%s\"", hex);
    exec_ok(c, sql);
    assert_int_equal(qr_bridge_publish(long_name, strlen(long_name), "[1,2]", 5), 0);
    PGnotify *n = NULL;
    for (int i = 0; i < 100 && !n; i++) {
        run_until(cond_never, NULL, 20);
        PQconsumeInput(c);
        n = PQnotifies(c);
    }
    assert_non_null(n);
    assert_string_equal(n->relname, hex);
    assert_string_equal(n->extra, "[1,2]");
    PQfreemem(n);
    PQfinish(c);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_large_payloads(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("big");
    assert_true(run_until(listeners_ready, NULL, 5000));
    size_t n = 20000;
    char *big = qr_xmalloc(n + 1);
    big[0] = '"';
    for (size_t i = 1; i < n - 1; i++) big[i] = (char)('a' + i % 26);
    big[n - 1] = '"';
    big[n] = 0;
    got_reset();
    /* the first one creates the table; order is kept around it */
    assert_int_equal(qr_bridge_publish("big", 3, "1", 1), 0);
    assert_int_equal(qr_bridge_publish("big", 3, big, n), 0);
    assert_int_equal(qr_bridge_publish("big", 3, "3", 1), 0);
    assert_int_equal(qr_bridge_publish("big", 3, big, n), 0);
    int four = 4;
    assert_true(run_until(cond_ngot, &four, 5000));
    run_until(cond_never, NULL, 100);
    assert_int_equal(g_ngot, 4);
    assert_string_equal(g_got[0].msg, "1");
    assert_string_equal(g_got[1].msg, big);
    assert_string_equal(g_got[2].msg, "3");
    assert_string_equal(g_got[3].msg, big);
    /* a Rails-format large payload published by someone else */
    PGconn *c = sync_client();
    const char *params[1] = {"\"stored by rails\""};
    PGresult *r = PQexecParams(c, "INSERT INTO action_cable_large_payloads (payload) VALUES ($1) RETURNING id", 1,
                               NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char note[64];
    snprintf(note, sizeof note, "__large_payload:%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    got_reset();
    rails_notify("big", note);
    int one = 1;
    assert_true(run_until(cond_ngot, &one, 3000));
    assert_int_equal(count_got("big", "\"stored by rails\""), 1);
    free(big);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

/* Ready means LISTEN completed: a NOTIFY sent from inside the callback reaches this node. */
static void notify_at_ready(const char *stream) { rails_notify(stream, "\"right after ready\""); }

static void test_ready_after_listen(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("first");
    assert_true(run_until(listeners_ready, NULL, 5000));
    qr_bridge_set_ready_cb(ready_cb);
    g_nready = 0;
    g_ready_hook = notify_at_ready;
    got_reset();
    assert_int_equal(qr_bridge_subscribe("fresh"), 1);
    assert_int_equal(g_nready, 0);
    int one = 1;
    assert_true(run_until(cond_nready, &one, 3000));
    assert_string_equal(g_ready_stream, "fresh");
    assert_true(run_until(cond_ngot, &one, 3000));
    assert_int_equal(count_got("fresh", "\"right after ready\""), 1);
    assert_int_equal(qr_bridge_subscribe("fresh"), 0);
    g_ready_hook = NULL;
    qr_bridge_set_ready_cb(NULL);
    assert_int_equal(close_loop(), 0);
    got_reset();
}

static void test_restart_keeps_subscriptions(void **state)
{
    (void)state;
    start_bridge("");
    qr_bridge_subscribe("s1");
    assert_true(run_until(listeners_ready, NULL, 5000));
    svc_pg_stop(&g_pg);
    assert_true(run_until(cond_disconnected, NULL, 5000));
    assert_true(qr_bridge_publish("s1", 2, "1", 1) < 0); /* the hub then delivers locally */
    qr_bridge_subscribe("s2");                           /* while PostgreSQL is away */
    run_until(cond_never, NULL, 300);
    assert_int_equal(svc_pg_start_ready(&g_pg, g_url, sizeof g_url), 0); /* same data, same port */
    assert_true(run_until(listeners_ready, NULL, 15000));
    expect_both_after_restart("s1", "s2", rails_notify);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_once),
        cmocka_unit_test(test_rails_channel_names),
        cmocka_unit_test(test_large_payloads),
        cmocka_unit_test(test_ready_after_listen),
        cmocka_unit_test(test_restart_keeps_subscriptions),
    };
    return cmocka_run_group_tests_name("bridge_pg", tests, setup, teardown);
}
