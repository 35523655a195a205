/* bridge_redis.c — the Redis pub/sub adapter of the cluster bridge (bridge_impl.h), with
 * hiredis 0.14 async on the supervisor's libuv loop (hiredis/adapters/libuv.h). Wire format
 * of Rails' Action Cable redis adapter: channel = [channel_prefix, broadcasting].join(":")
 * (just the broadcasting without a prefix), payload = the JSON-encoded message as
 * ActionCable.server.broadcast puts it on the wire; a received payload goes to the hub as is.
 * Two connections: one PUBLISHes, one is SUBSCRIBEd. Each reconnects on its own with
 * exponential backoff (a log line per attempt); the subscriber re-SUBSCRIBEs every remembered
 * stream after a reconnect. Calls hiredis, libuv, bridge.c, log.c. Never blocks the loop
 * (a host name other than an IP address is resolved by hiredis with getaddrinfo). */
#include <stdlib.h>
#include <string.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libuv.h>
#include "bridge_impl.h"
#include "buf.h"
#include "common.h"
#include "log.h"

/* Keeps the subscriber connection in subscribed mode even when no stream is remembered. */
#define CONTROL_CHANNEL "__quickrail:bridge"

typedef struct {
    const char *role;          /* "publish" / "subscribe" */
    redisAsyncContext *ac;     /* NULL while disconnected (hiredis owns and frees it) */
    int up;                    /* connected (and authenticated) */
    unsigned attempt;          /* reconnect attempts since the last success */
    uv_timer_t timer;          /* reconnect timer */
    int pending;               /* subscriber: SUBSCRIBE replies outstanding after (re)connect */
} rconn_t;

static uv_loop_t *g_loop;
static rconn_t g_pub = {.role = "publish"}, g_sub = {.role = "subscribe"};
static char g_host[256];
static int g_port = 6379;
static char g_user[128], g_password[256];
static char g_control[192];
static int g_started, g_stopping;

static void rconnect(rconn_t *rc);

/* The libuv adapter of hiredis 0.14 ignores a poll callback with an error status, and libuv
 * reports POLLERR (a refused connect, a reset) exactly that way and stops the handle, so
 * hiredis would never learn that the connection failed. These replace the adapter's four
 * event hooks with ones whose callback lets hiredis look at the socket in that case. */
static void poll_cb(uv_poll_t *handle, int status, int events)
{
    redisLibuvEvents *p = handle->data;
    if (status < 0) events = p->events ? p->events : UV_READABLE;
    if (p->context && (events & UV_READABLE)) redisAsyncHandleRead(p->context);
    if (p->context && (events & UV_WRITABLE)) redisAsyncHandleWrite(p->context);
}

static void set_events(redisLibuvEvents *p, int events)
{
    p->events = events;
    if (events) uv_poll_start(&p->handle, events, poll_cb);
    else uv_poll_stop(&p->handle);
}

static void ev_add_read(void *d) { redisLibuvEvents *p = d; set_events(p, p->events | UV_READABLE); }
static void ev_del_read(void *d) { redisLibuvEvents *p = d; set_events(p, p->events & ~UV_READABLE); }
static void ev_add_write(void *d) { redisLibuvEvents *p = d; set_events(p, p->events | UV_WRITABLE); }
static void ev_del_write(void *d) { redisLibuvEvents *p = d; set_events(p, p->events & ~UV_WRITABLE); }

/* redis://[[user]:password@]host[:port][/db]. Returns 0 or QR_ECONFIG. */
static int parse_url(const char *url)
{
    const char *p = url + strlen("redis://");
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    g_user[0] = g_password[0] = 0;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            snprintf(g_user, sizeof g_user, "%.*s", (int)(colon - p), p);
            snprintf(g_password, sizeof g_password, "%.*s", (int)(at - colon - 1), colon + 1);
        } else {
            snprintf(g_password, sizeof g_password, "%.*s", (int)(at - p), p);
        }
        p = at + 1;
    }
    const char *hs = p, *he;
    if (*p == '[') { /* [ipv6]:port */
        hs = p + 1;
        he = memchr(hs, ']', (size_t)(end - hs));
        if (!he) return QR_ECONFIG;
        p = he + 1;
    } else {
        he = memchr(p, ':', (size_t)(end - p));
        if (!he) he = end;
        p = he;
    }
    if (he == hs) snprintf(g_host, sizeof g_host, "127.0.0.1");
    else snprintf(g_host, sizeof g_host, "%.*s", (int)(he - hs), hs);
    g_port = 6379;
    if (p < end && *p == ':') {
        char *e;
        long port = strtol(p + 1, &e, 10);
        if (e != end || port <= 0 || port > 65535) return QR_ECONFIG;
        g_port = (int)port;
    }
    return 0;
}

static void retry_cb(uv_timer_t *t)
{
    rconn_t *rc = t->data;
    if (!g_stopping) rconnect(rc);
}

static void schedule_retry(rconn_t *rc, const char *why)
{
    rc->up = 0;
    rc->ac = NULL;
    if (rc == &g_sub) qr__bridge_listen_lost();
    if (g_stopping) return;
    rc->attempt++;
    unsigned ms = qr__bridge_backoff_ms(rc->attempt);
    qr_warn("bridge redis: %s connection to %s:%d: %s; reconnecting (attempt %u) in %u ms",
            rc->role, g_host, g_port, why, rc->attempt, ms);
    uv_timer_start(&rc->timer, retry_cb, ms, 0);
}

static void subscribe_one(const char *wire, void *ud);

static void message_cb(redisAsyncContext *ac, void *reply, void *privdata)
{
    redisReply *r = reply;
    (void)privdata;
    if (!r || ac != g_sub.ac) return; /* NULL: the connection went away */
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 || r->element[0]->type != REDIS_REPLY_STRING)
        return;
    const char *kind = r->element[0]->str;
    if (strcmp(kind, "message") == 0 && r->element[1]->type == REDIS_REPLY_STRING &&
        r->element[2]->type == REDIS_REPLY_STRING) {
        qr__bridge_deliver(r->element[1]->str, r->element[1]->len, r->element[2]->str, r->element[2]->len);
    } else if (strcmp(kind, "subscribe") == 0) {
        if (r->element[1]->type == REDIS_REPLY_STRING) qr__bridge_listening(r->element[1]->str, r->element[1]->len);
        if (g_sub.pending > 0 && --g_sub.pending == 0) {
            g_sub.up = 1;
            qr_info("bridge redis: subscribed to %zu stream(s) on %s:%d", qr__bridge_wire_count(),
                    g_host, g_port);
        }
    }
}

static void subscribe_one(const char *wire, void *ud)
{
    rconn_t *rc = ud;
    if (rc->ac && redisAsyncCommand(rc->ac, message_cb, NULL, "SUBSCRIBE %s", wire) == REDIS_OK && !rc->up)
        rc->pending++;
}

static void auth_cb(redisAsyncContext *ac, void *reply, void *privdata)
{
    redisReply *r = reply;
    rconn_t *rc = privdata;
    if (!r || ac != rc->ac) return;
    if (r->type == REDIS_REPLY_ERROR) {
        qr_error("bridge redis: AUTH refused on the %s connection: %s", rc->role, r->str);
        redisAsyncDisconnect(ac); /* the disconnect callback schedules the retry */
    }
}

static void connect_cb(const redisAsyncContext *cac, int status)
{
    rconn_t *rc = cac->data;
    if (g_stopping) return;
    if (status != REDIS_OK) {
        /* hiredis frees the context after this callback */
        schedule_retry(rc, cac->errstr[0] ? cac->errstr : "failed");
        return;
    }
    if (rc->attempt) qr_info("bridge redis: %s connection to %s:%d re-established", rc->role, g_host, g_port);
    else qr_info("bridge redis: %s connection to %s:%d established", rc->role, g_host, g_port);
    rc->attempt = 0;
    /* the server is back: the other connection need not wait out its backoff */
    rconn_t *other = rc == &g_pub ? &g_sub : &g_pub;
    if (!other->ac) uv_timer_start(&other->timer, retry_cb, 0, 0);
    if (rc == &g_pub) {
        rc->up = 1;
    } else {
        rc->pending = 0;
        subscribe_one(g_control, rc);
        qr__bridge_each_wire(subscribe_one, rc);
    }
}

static void disconnect_cb(const redisAsyncContext *cac, int status)
{
    rconn_t *rc = cac->data;
    if (rc->ac != cac) return; /* freed by r_stop */
    if (g_stopping) { rc->ac = NULL; rc->up = 0; return; }
    schedule_retry(rc, status == REDIS_OK ? "closed" : cac->errstr[0] ? cac->errstr : "lost");
}

static void rconnect(rconn_t *rc)
{
    redisAsyncContext *ac = redisAsyncConnect(g_host, g_port);
    if (!ac) { schedule_retry(rc, "could not be created"); return; }
    if (ac->err) {
        char why[128];
        snprintf(why, sizeof why, "failed (%s)", ac->errstr);
        redisAsyncFree(ac);
        schedule_retry(rc, why);
        return;
    }
    if (redisLibuvAttach(ac, g_loop) != REDIS_OK) {
        redisAsyncFree(ac);
        schedule_retry(rc, "could not be attached to the loop");
        return;
    }
    redisEnableKeepAlive(&ac->c); /* notice a peer that vanished without closing */
    ac->ev.addRead = ev_add_read;
    ac->ev.delRead = ev_del_read;
    ac->ev.addWrite = ev_add_write;
    ac->ev.delWrite = ev_del_write;
    ac->data = rc;
    rc->ac = ac;
    rc->up = 0;
    redisAsyncSetConnectCallback(ac, connect_cb);
    redisAsyncSetDisconnectCallback(ac, disconnect_cb);
    if (g_password[0]) {
        if (g_user[0]) redisAsyncCommand(ac, auth_cb, rc, "AUTH %s %s", g_user, g_password);
        else redisAsyncCommand(ac, auth_cb, rc, "AUTH %s", g_password);
    }
}

static int r_start(uv_loop_t *loop, const char *url, const char *prefix)
{
    if (g_started) return -EALREADY;
    if (parse_url(url) < 0) {
        qr_error("bridge redis: cannot parse CABLE_URL '%s'", url);
        return QR_ECONFIG;
    }
    g_loop = loop;
    g_stopping = 0;
    g_started = 1;
    if (prefix[0]) snprintf(g_control, sizeof g_control, "%s:%s", prefix, CONTROL_CHANNEL);
    else snprintf(g_control, sizeof g_control, "%s", CONTROL_CHANNEL);
    rconn_t *conns[2] = {&g_pub, &g_sub};
    for (int i = 0; i < 2; i++) {
        conns[i]->attempt = 0;
        conns[i]->ac = NULL;
        conns[i]->up = 0;
        uv_timer_init(loop, &conns[i]->timer);
        conns[i]->timer.data = conns[i];
        rconnect(conns[i]);
    }
    qr_info("bridge redis: broadcasting through %s:%d%s%s", g_host, g_port, prefix[0] ? " with channel prefix " : "",
            prefix);
    return 0;
}

static int r_connected(void) { return g_pub.up && g_sub.up; }

static int r_publish(const char *wire, const char *msg, size_t msg_len)
{
    if (!g_pub.up || !g_pub.ac) return -ENOTCONN;
    if (redisAsyncCommand(g_pub.ac, NULL, NULL, "PUBLISH %s %b", wire, msg, msg_len) != REDIS_OK)
        return -EIO;
    /* Published to the other nodes, but this node's subscriber is not listening (yet): the
     * caller delivers locally. */
    if (!g_sub.up) return -ENOTCONN;
    return 0;
}

static int r_listen(const char *wire)
{
    /* While (re)connecting, connect_cb subscribes every remembered stream, this one included. */
    if (g_sub.ac && (g_sub.up || g_sub.pending)) subscribe_one(wire, &g_sub);
    return g_sub.ac && g_sub.up; /* the SUBSCRIBE reply comes to message_cb */
}

static void r_unlisten(const char *wire)
{
    if (g_sub.ac && (g_sub.up || g_sub.pending)) redisAsyncCommand(g_sub.ac, message_cb, NULL, "UNSUBSCRIBE %s", wire);
}

static char *r_wire_name(const char *stream, size_t stream_len, const char *prefix)
{
    qr_buf_t b = QR_BUF_INIT;
    if (prefix[0]) qr_buf_appendf(&b, "%s:", prefix);
    qr_buf_append(&b, stream, stream_len);
    return qr_buf_steal(&b);
}

static void r_stop(void)
{
    if (!g_started) return;
    g_stopping = 1;
    rconn_t *conns[2] = {&g_pub, &g_sub};
    for (int i = 0; i < 2; i++) {
        uv_timer_stop(&conns[i]->timer);
        uv_close((uv_handle_t *)&conns[i]->timer, NULL);
        if (conns[i]->ac) {
            redisAsyncContext *ac = conns[i]->ac;
            conns[i]->ac = NULL;
            conns[i]->up = 0;
            redisAsyncFree(ac); /* runs pending callbacks with NULL, closes the poll handle */
        }
    }
    g_started = 0;
}

const qr__bridge_ops_t qr__bridge_redis_ops = {
    .name = "redis",
    .start = r_start,
    .connected = r_connected,
    .publish = r_publish,
    .listen = r_listen,
    .unlisten = r_unlisten,
    .wire_name = r_wire_name,
    .stop = r_stop,
};
