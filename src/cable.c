/* cable.c — the Action Cable server of the supervisor (cable.h): the upgrade handshake (origin
 * check as Rails does it, subprotocol actioncable-v1-json), one cable connection per upgraded
 * qr_conn (WebSocket state in websocket.c), the wire protocol as Rails 8 speaks it (welcome
 * after the app's connect hook, or at once when the workers said the app has none; commands
 * before it buffered, one 3 s ping timer for every connection, subscribe/unsubscribe/message
 * keyed by the identifier string exactly as received, duplicates ignored, bad input logged and
 * dropped; with a cluster bridge, confirm_subscription waits until Redis / PostgreSQL listens to
 * every new stream of the subscription, as Rails does), Turbo::StreamsChannel natively (signed_stream.c), app-defined channels through qr_pool_cable (one operation in flight per
 * connection, so a perform never overtakes its subscribe), and graceful shutdown.
 * Subscriptions to streams live in hub.c, whose deliveries arrive here.
 * Calls http.c (qr_conn_*), pool.c, hub.c, websocket.c, signed_stream.c, cable_decode.c (every
 * client message and identifier is decoded there), cJSON, libuv timers.
 * Supervisor loop; never blocks.
 *
 * Lifetime: a cable connection is freed only from the reap timer, never inside the connection's
 * on_close (which may run inside a hub fan-out, e.g. when a slow consumer is aborted). */
#include "cable.h"
#include <cjson/cJSON.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "buf.h"
#include "cable_decode.h"
#include "common.h"
#include "hub.h"
#include "log.h"
#include "pool.h"
#include "signed_stream.h"
#include "websocket.h"

#define TURBO_CHANNEL "Turbo::StreamsChannel"
#define PING_MS 3000
#define CLOSE_TIMEOUT_MS 5000
#define MAX_EARLY 100                 /* commands buffered before the welcome ... */
#define MAX_EARLY_BYTES (256u * 1024u) /* ... and their bytes */
#define MAX_SUBS 1024                 /* subscriptions per connection */
#define MAX_OPS 256                   /* app operations queued per connection */
#define LOG_BURST 20                  /* log lines one connection may cause at once ... */
#define LOG_PER_SEC 5                 /* ... and then per second (the rest are counted) */
#define SHOWN 300                     /* bytes of client input quoted in a log line */

enum { ST_CONNECTING, ST_OPEN };
enum { SUB_TURBO = 1, SUB_APP };
enum { OP_CONNECT = 1, OP_SUBSCRIBE, OP_PERFORM, OP_UNSUBSCRIBE };

typedef struct csub {
    struct csub *next;
    int kind;
    int pending;              /* app subscription waiting for the app's answer */
    unsigned seq;             /* which subscribe created it (a re-subscribe is another one) */
    char **streams;           /* owned names this subscription streams from */
    unsigned char *waits;     /* per stream: the cluster has not acknowledged it yet */
    size_t nstreams;
    size_t waiting;           /* streams with waits[i] set */
    int confirm_held;         /* confirm_subscription is sent when waiting drops to 0 */
    char identifier[];        /* as received */
} csub_t;

typedef struct op {
    struct op *next;
    int type;
    unsigned seq;             /* OP_SUBSCRIBE: the subscription it answers */
    char *identifier;         /* owned; NULL for connect */
    size_t len;
    char json[];
} op_t;

typedef struct early {
    struct early *next;
    size_t len;
    char text[];
} early_t;

typedef struct cconn {
    struct cconn *prev, *next; /* every connection not yet reaped */
    struct cconn *reap_next;
    qr_conn_t *c;              /* borrowed; invalid once dead */
    qr_ws_t *ws;               /* owned */
    int state;
    int dead;                  /* on_close came: the transport is gone */
    char *identifiers;         /* owned JSON object text from the connect hook */
    csub_t *subs;
    early_t *early, **early_tail;
    size_t nearly, early_bytes;
    size_t nsubs, nops;
    unsigned next_seq;
    op_t *ops, **ops_tail;     /* queued app operations */
    op_t *inflight;            /* the one the pool is running */
    unsigned log_tokens;       /* log lines this connection may still cause (LOG_BURST) */
    uint64_t log_refill_ms;
    unsigned long log_dropped; /* lines not written since the last one */
} cconn_t;

static struct {
    uv_loop_t *loop;
    const qr_config_t *cfg;
    unsigned char key[QR_STREAM_KEY_LEN];
    int key_set; /* key holds the Turbo key: handed over by the first zygote, else derived on first use */
    regex_t origin_re[QR_MAX_ORIGINS];
    int origin_is_re[QR_MAX_ORIGINS];
    regex_t dev_re;
    int dev_origins;
    uv_timer_t ping, reap;
    int timers;
    int shutting_down;
    cconn_t *all;
    cconn_t *reap_list;
    size_t count;
} C;

static void dispatch_next(cconn_t *cc);
static void op_done(cconn_t *cc, struct op *op, int status, const char *json, size_t len);
static void handle_command(cconn_t *cc, const char *text, size_t len);

/* ---- transport table for websocket.c ---- */

static int io_write(void *io, const char *d, size_t n)
{
    cconn_t *cc = io;
    return cc->dead ? -EPIPE : qr_conn_write(cc->c, d, n);
}
static size_t io_pending(void *io)
{
    cconn_t *cc = io;
    return cc->dead ? 0 : qr_conn_pending(cc->c);
}
static void io_close(void *io, int abort_now)
{
    cconn_t *cc = io;
    if (!cc->dead) qr_conn_close(cc->c, abort_now);
}
static const qr_ws_io_t conn_io = {io_write, io_pending, io_close};

static void on_ws_text(void *ud, const char *text, size_t len);
static const qr_ws_cbs_t ws_cbs = {on_ws_text};

/* ---- small helpers ---- */

/* Client input quoted in a log line: control characters escaped (no forged lines), at most
 * SHOWN bytes. Three rotating buffers, so one line can quote up to three values. */
static const char *shown(const char *s, size_t len)
{
    static char bufs[3][SHOWN * 4 + 8];
    static unsigned k;
    char *b = bufs[k++ % 3];
    qr_log_escape(b, sizeof bufs[0] - 4, s, len > SHOWN ? SHOWN : len);
    if (len > SHOWN) strcat(b, "...");
    return b;
}
#define SHOW(s) shown((s), strlen(s))

/* 1 when cc may write one more log line (token bucket: LOG_BURST, then LOG_PER_SEC per second),
 * so one client cannot flood the log; the lines it loses are counted in the next one. */
static int log_ok(cconn_t *cc)
{
    uint64_t now = qr_now_ms();
    if (cc->log_refill_ms == 0) { cc->log_refill_ms = now; cc->log_tokens = LOG_BURST; }
    uint64_t add = (now - cc->log_refill_ms) * LOG_PER_SEC / 1000;
    if (add) {
        cc->log_tokens = (unsigned)(cc->log_tokens + add > LOG_BURST ? LOG_BURST : cc->log_tokens + add);
        cc->log_refill_ms = now;
    }
    if (cc->log_tokens == 0) { cc->log_dropped++; return 0; }
    cc->log_tokens--;
    if (cc->log_dropped) {
        qr_warn("cable: %lu log lines of one connection were suppressed (more than %d per second)",
                cc->log_dropped, LOG_PER_SEC);
        cc->log_dropped = 0;
    }
    return 1;
}
/* A log line caused by what one client sent: rate-limited per connection. */
#define CLOG(cc, level, ...) do { if (log_ok(cc)) qr_log(level, __VA_ARGS__); } while (0)

static void send_str(cconn_t *cc, const char *s, size_t n)
{
    if (!cc->dead) qr_ws_send_text(cc->ws, s, n);
}

/* {"identifier":<id>,"type":<type>} as Rails orders it. */
static void send_typed(cconn_t *cc, const char *identifier, const char *type)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "{\"identifier\":");
    qr_buf_append_json_str(&b, identifier, strlen(identifier));
    qr_buf_appendf(&b, ",\"type\":\"%s\"}", type);
    send_str(cc, b.data, b.len);
    qr_buf_free(&b);
}

/* {"identifier":<id>,"message":<json>} */
static void send_message(cconn_t *cc, const char *identifier, const char *json, size_t len)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "{\"identifier\":");
    qr_buf_append_json_str(&b, identifier, strlen(identifier));
    qr_buf_append_str(&b, ",\"message\":");
    qr_buf_append(&b, json, len);
    qr_buf_append(&b, "}", 1);
    send_str(cc, b.data, b.len);
    qr_buf_free(&b);
}

static void send_disconnect(cconn_t *cc, const char *reason, int reconnect)
{
    char buf[128];
    int n = snprintf(buf, sizeof buf, "{\"type\":\"disconnect\",\"reason\":\"%s\",\"reconnect\":%s}",
                     reason, reconnect ? "true" : "false");
    send_str(cc, buf, (size_t)n);
}

static csub_t *sub_find(cconn_t *cc, const char *identifier)
{
    for (csub_t *s = cc->subs; s; s = s->next)
        if (strcmp(s->identifier, identifier) == 0) return s;
    return NULL;
}

static csub_t *sub_add(cconn_t *cc, const char *identifier, int kind)
{
    size_t n = strlen(identifier);
    csub_t *s = qr_xcalloc(1, sizeof *s + n + 1);
    memcpy(s->identifier, identifier, n + 1);
    s->kind = kind;
    s->seq = ++cc->next_seq;
    s->next = cc->subs;
    cc->subs = s;
    cc->nsubs++;
    return s;
}

static void sub_stream_add(cconn_t *cc, csub_t *s, const char *stream)
{
    for (size_t i = 0; i < s->nstreams; i++)
        if (strcmp(s->streams[i], stream) == 0) return;
    s->streams = qr_xrealloc(s->streams, (s->nstreams + 1) * sizeof *s->streams);
    s->waits = qr_xrealloc(s->waits, s->nstreams + 1);
    s->waits[s->nstreams] = 0;
    s->streams[s->nstreams++] = qr_xstrdup(stream);
    if (qr_hub_subscribe(stream, cc, s->identifier)) { /* a new cluster subscription */
        s->waits[s->nstreams - 1] = 1;
        s->waiting++;
    }
}

/* confirm_subscription, held back until every stream of s is listened to on the cluster, so
 * that a broadcast made after the client saw it is never missed (Rails waits the same way). */
static void sub_confirm(cconn_t *cc, csub_t *s)
{
    s->confirm_held = s->waiting > 0;
    if (!s->confirm_held) send_typed(cc, s->identifier, "confirm_subscription");
}

/* Stream i of s no longer waits for the cluster. */
static void sub_stream_ready(cconn_t *cc, csub_t *s, size_t i)
{
    if (!s->waits[i]) return;
    s->waits[i] = 0;
    s->waiting--;
    if (s->confirm_held && s->waiting == 0) sub_confirm(cc, s);
}

/* Stops one stream of s, or all of them for "*" (the framework's stopAllStreams). */
static void sub_stream_remove(cconn_t *cc, csub_t *s, const char *stream)
{
    if (strcmp(stream, "*") == 0) {
        while (s->nstreams) sub_stream_remove(cc, s, s->streams[s->nstreams - 1]);
        return;
    }
    for (size_t i = 0; i < s->nstreams; i++) {
        if (strcmp(s->streams[i], stream) != 0) continue;
        qr_hub_unsubscribe(stream, cc, s->identifier);
        sub_stream_ready(cc, s, i);
        free(s->streams[i]);
        s->nstreams--;
        s->streams[i] = s->streams[s->nstreams];
        s->waits[i] = s->waits[s->nstreams];
        return;
    }
}

/* Unlinks and frees s, leaving its streams in the hub. */
static void sub_remove(cconn_t *cc, csub_t *s)
{
    for (csub_t **pp = &cc->subs; *pp; pp = &(*pp)->next) {
        if (*pp != s) continue;
        *pp = s->next;
        cc->nsubs--;
        for (size_t i = 0; i < s->nstreams; i++) {
            if (!cc->dead) qr_hub_unsubscribe(s->streams[i], cc, s->identifier);
            free(s->streams[i]);
        }
        free(s->streams);
        free(s->waits);
        free(s);
        return;
    }
}

/* ---- app operations (qr_pool_cable) ---- */

static op_t *op_new(int type, const char *identifier, const qr_buf_t *json)
{
    op_t *op = qr_xmalloc(sizeof *op + json->len + 1);
    op->next = NULL;
    op->type = type;
    op->seq = 0;
    op->identifier = identifier ? qr_xstrdup(identifier) : NULL;
    op->len = json->len;
    memcpy(op->json, json->data, json->len + 1);
    return op;
}

static void op_free(op_t *op)
{
    if (!op) return;
    free(op->identifier);
    free(op);
}

/* {"op":<type>,"identifiers":<obj>,"identifier":<id>} without the closing brace. */
static void op_begin(qr_buf_t *b, cconn_t *cc, const char *type, const char *identifier)
{
    qr_buf_appendf(b, "{\"op\":\"%s\",\"identifiers\":%s,\"identifier\":", type,
                   cc->identifiers ? cc->identifiers : "{}");
    qr_buf_append_json_str(b, identifier, strlen(identifier));
}

static void op_queue(cconn_t *cc, op_t *op)
{
    if (cc->nops >= MAX_OPS) {
        CLOG(cc, QR_LOG_WARN, "cable: more than %d channel operations queued on one connection; dropping one", MAX_OPS);
        op_done(cc, op, QR_ETOOBIG, NULL, 0);
        op_free(op);
        return;
    }
    cc->nops++;
    *cc->ops_tail = op;
    cc->ops_tail = &op->next;
    dispatch_next(cc);
}

static void noop_result(void *ud, int status, const char *json, size_t len) {}

/* Sends each element of the "transmit" array to the subscription's client. */
static void do_transmits(cconn_t *cc, const char *identifier, const cJSON *root)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "transmit");
    const cJSON *e;
    cJSON_ArrayForEach(e, t) {
        char *s = cJSON_PrintUnformatted(e);
        if (s) send_message(cc, identifier, s, strlen(s));
        free(s);
    }
}

static void do_streams(cconn_t *cc, csub_t *s, const cJSON *root, const char *key, int add)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, key)) {
        if (!cJSON_IsString(e)) continue;
        if (add) sub_stream_add(cc, s, e->valuestring);
        else sub_stream_remove(cc, s, e->valuestring);
    }
}

static void welcome(cconn_t *cc)
{
    static const char w[] = "{\"type\":\"welcome\"}";
    cc->state = ST_OPEN;
    send_str(cc, w, sizeof w - 1);
    while (cc->early && !cc->dead) {
        early_t *e = cc->early;
        cc->early = e->next;
        handle_command(cc, e->text, e->len);
        free(e);
    }
    cc->early_tail = &cc->early;
    cc->nearly = cc->early_bytes = 0;
}

/* The answer (or failure, status < 0) of the operation cc->inflight. */
static void op_done(cconn_t *cc, op_t *op, int status, const char *json, size_t len)
{
    cJSON *root = status == 0 && json ? cJSON_ParseWithLength(json, len) : NULL;
    if (status == 0 && !cJSON_IsObject(root)) {
        qr_error("cable: malformed answer from the app's cable handler: %.*s", (int)(len > 200 ? 200 : len), json ? json : "");
        status = QR_EPROTO;
    }
    const cJSON *ok = root ? cJSON_GetObjectItemCaseSensitive(root, "ok") : NULL;
    csub_t *s = op->identifier ? sub_find(cc, op->identifier) : NULL;
    switch (op->type) {
    case OP_CONNECT:
        if (status != 0) {
            qr_warn("cable: connect hook failed (%s); closing the connection", qr_strerror(status));
            qr_ws_close(cc->ws, 1011, NULL);
        } else if (cJSON_IsTrue(ok)) {
            const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "identifiers");
            free(cc->identifiers);
            cc->identifiers = cJSON_IsObject(ids) ? cJSON_PrintUnformatted(ids) : qr_xstrdup("{}");
            welcome(cc);
        } else {
            qr_info("cable: an unauthorized connection attempt was rejected");
            send_disconnect(cc, "unauthorized", 0);
            qr_ws_close(cc->ws, 1000, NULL);
        }
        break;
    case OP_SUBSCRIBE:
        if (!s || !s->pending || s->seq != op->seq) break; /* unsubscribed meanwhile */
        if (status != 0) {
            /* The client re-sends subscribe until confirmed: forget it so the next try runs. */
            CLOG(cc, QR_LOG_WARN, "cable: subscribe to %s failed (%s)", SHOW(op->identifier), qr_strerror(status));
            sub_remove(cc, s);
            break;
        }
        if (cJSON_IsNull(ok) || !ok) {
            CLOG(cc, QR_LOG_ERROR, "cable: Subscription class not found: %s", SHOW(op->identifier));
            sub_remove(cc, s);
            break;
        }
        do_transmits(cc, s->identifier, root);
        if (cJSON_IsTrue(ok)) {
            do_streams(cc, s, root, "streams", 1);
            s->pending = 0;
            sub_confirm(cc, s);
        } else {
            send_typed(cc, s->identifier, "reject_subscription");
            sub_remove(cc, s);
        }
        break;
    case OP_PERFORM:
        if (status != 0) {
            CLOG(cc, QR_LOG_WARN, "cable: perform on %s failed (%s)", SHOW(op->identifier), qr_strerror(status));
            break;
        }
        if (!s) break;
        do_transmits(cc, s->identifier, root);
        /* stops first: "stop_all_streams; stream_from new_room" is the usual switch */
        do_streams(cc, s, root, "stopStreams", 0);
        do_streams(cc, s, root, "streams", 1);
        break;
    default:
        break;
    }
    cJSON_Delete(root);
}

static void on_op_result(void *ud, int status, const char *json, size_t len)
{
    cconn_t *cc = ud;
    op_t *op = cc->inflight;
    cc->inflight = NULL;
    if (!op) return;
    if (!cc->dead && !C.shutting_down) op_done(cc, op, status, json, len);
    op_free(op);
    dispatch_next(cc);
}

static void dispatch_next(cconn_t *cc)
{
    while (!cc->inflight && cc->ops && !cc->dead && !C.shutting_down) {
        op_t *op = cc->ops;
        cc->ops = op->next;
        if (!cc->ops) cc->ops_tail = &cc->ops;
        op->next = NULL;
        cc->nops--;
        if (op->type == OP_PERFORM && !sub_find(cc, op->identifier)) { /* rejected meanwhile */
            op_free(op);
            continue;
        }
        cc->inflight = op;
        int r = qr_pool_cable(op->json, op->len, on_op_result, cc);
        if (r != 0) {
            cc->inflight = NULL;
            op_done(cc, op, r, NULL, 0);
            op_free(op);
        }
    }
}

/* ---- commands ---- */

static void cmd_subscribe(cconn_t *cc, const char *identifier)
{
    if (sub_find(cc, identifier)) {
        /* Rails 7.1+ clients re-send subscribe until confirmed; Rails ignores the repeats. */
        CLOG(cc, QR_LOG_DEBUG, "cable: already subscribed to %s", SHOW(identifier));
        return;
    }
    size_t idlen = strlen(identifier);
    qr_cable_ident_t id;
    int r = cc->nsubs >= MAX_SUBS ? -ENOSPC : qr_cable_decode_identifier(identifier, idlen, &id);
    if (r == -ENOSPC || r == -E2BIG || r == -EILSEQ) {
        if (r == -ENOSPC)
            CLOG(cc, QR_LOG_WARN, "cable: a connection reached %d subscriptions; rejecting the subscription to %s", MAX_SUBS, SHOW(identifier));
        else if (r == -E2BIG)
            CLOG(cc, QR_LOG_WARN, "cable: rejecting a subscription identifier of %zu bytes (limit %d)", idlen, QR_CABLE_MAX_IDENTIFIER);
        else
            CLOG(cc, QR_LOG_ERROR, "cable: rejecting a subscription identifier with a NUL character: %s", SHOW(identifier));
        send_typed(cc, identifier, "reject_subscription");
        return;
    }
    if (r < 0) {
        CLOG(cc, QR_LOG_ERROR, "cable: could not subscribe, identifier is not a JSON object: %s", SHOW(identifier));
        return;
    }
    if (id.channel && strcmp(id.channel, TURBO_CHANNEL) == 0) {
        if (!C.key_set) {
            qr_signed_stream_key(C.cfg->secret_key_base, C.key);
            C.key_set = 1;
        }
        char *stream = id.signed_stream_name
            ? qr_signed_stream_verify(C.key, sizeof C.key, id.signed_stream_name, strlen(id.signed_stream_name))
            : NULL;
        if (stream) {
            csub_t *s = sub_add(cc, identifier, SUB_TURBO);
            sub_stream_add(cc, s, stream);
            sub_confirm(cc, s);
            free(stream);
        } else {
            CLOG(cc, QR_LOG_INFO, "cable: %s rejected a subscription with a bad signed stream name", TURBO_CHANNEL);
            send_typed(cc, identifier, "reject_subscription");
        }
    } else if (!id.channel || !qr_pool_cable_channel_known(id.channel, strlen(id.channel))) {
        /* not one of the app's channels (the workers said which exist): answered here, as
         * the app would answer it, without a worker round trip */
        CLOG(cc, QR_LOG_ERROR, "cable: Subscription class not found: %s", SHOW(identifier));
    } else {
        csub_t *s = sub_add(cc, identifier, SUB_APP);
        s->pending = 1;
        qr_buf_t b = QR_BUF_INIT;
        op_begin(&b, cc, "subscribe", identifier);
        qr_buf_append(&b, "}", 1);
        op_t *op = op_new(OP_SUBSCRIBE, identifier, &b);
        op->seq = s->seq;
        op_queue(cc, op);
        qr_buf_free(&b);
    }
    qr_cable_ident_free(&id);
}

static void queue_unsubscribe_op(cconn_t *cc, const char *identifier, int detached)
{
    qr_buf_t b = QR_BUF_INIT;
    op_begin(&b, cc, "unsubscribe", identifier);
    qr_buf_append(&b, "}", 1);
    if (detached) {
        if (qr_pool_cable(b.data, b.len, noop_result, NULL) != 0)
            qr_warn("cable: could not run unsubscribed for %s (queue full)", identifier);
    } else {
        op_queue(cc, op_new(OP_UNSUBSCRIBE, identifier, &b));
    }
    qr_buf_free(&b);
}

static void cmd_unsubscribe(cconn_t *cc, const char *identifier)
{
    csub_t *s = sub_find(cc, identifier);
    if (!s) {
        CLOG(cc, QR_LOG_ERROR, "cable: Unable to find subscription with identifier: %s", SHOW(identifier));
        return;
    }
    int app = s->kind == SUB_APP;
    sub_remove(cc, s);
    if (app) queue_unsubscribe_op(cc, identifier, 0);
}

static void cmd_message(cconn_t *cc, const char *identifier, const char *data, size_t data_len)
{
    csub_t *s = sub_find(cc, identifier);
    if (!s) {
        CLOG(cc, QR_LOG_ERROR, "cable: Unable to find subscription with identifier: %s", SHOW(identifier));
        return;
    }
    if (!data) {
        CLOG(cc, QR_LOG_ERROR, "cable: message without a data string for %s", SHOW(identifier));
        return;
    }
    if (s->kind == SUB_TURBO) {
        CLOG(cc, QR_LOG_ERROR, "cable: Unable to process %s#perform (it has no actions)", TURBO_CHANNEL);
        return;
    }
    qr_buf_t b = QR_BUF_INIT;
    op_begin(&b, cc, "perform", identifier);
    qr_buf_append_str(&b, ",\"data\":");
    qr_buf_append_json_str(&b, data, data_len);
    qr_buf_append(&b, "}", 1);
    op_queue(cc, op_new(OP_PERFORM, identifier, &b));
    qr_buf_free(&b);
}

static void handle_command(cconn_t *cc, const char *text, size_t len)
{
    qr_cable_cmd_t cmd;
    int r = qr_cable_decode(text, len, &cmd);
    if (r == -EBADMSG) {
        CLOG(cc, QR_LOG_ERROR, "cable: could not decode command: %s", shown(text, len));
    } else if (r == -EILSEQ) {
        /* a C string would end at the NUL and act on the rest (Rails refuses such input) */
        CLOG(cc, QR_LOG_ERROR, "cable: could not execute a command with a NUL character: %s", shown(text, len));
    } else if (r == -ENOTSUP) {
        CLOG(cc, QR_LOG_ERROR, "cable: Received unrecognized command in %s", shown(text, len));
    } else if (r < 0) {
        CLOG(cc, QR_LOG_ERROR, "cable: could not execute command (identifier is not a string) from %s", shown(text, len));
    } else if (cmd.command == QR_CABLE_SUBSCRIBE) {
        cmd_subscribe(cc, cmd.identifier);
    } else if (cmd.command == QR_CABLE_UNSUBSCRIBE) {
        cmd_unsubscribe(cc, cmd.identifier);
    } else {
        cmd_message(cc, cmd.identifier, cmd.data, cmd.data_len);
    }
    qr_cable_cmd_free(&cmd);
}

static void on_ws_text(void *ud, const char *text, size_t len)
{
    cconn_t *cc = ud;
    if (cc->dead || C.shutting_down) return;
    if (cc->state == ST_CONNECTING) {
        if (cc->nearly >= MAX_EARLY || cc->early_bytes + len > MAX_EARLY_BYTES) {
            CLOG(cc, QR_LOG_WARN, "cable: too many commands before the welcome; dropping one");
            return;
        }
        cc->early_bytes += len;
        early_t *e = qr_xmalloc(sizeof *e + len + 1);
        e->next = NULL;
        e->len = len;
        memcpy(e->text, text, len);
        e->text[len] = 0;
        *cc->early_tail = e;
        cc->early_tail = &e->next;
        cc->nearly++;
        return;
    }
    handle_command(cc, text, len);
}

/* ---- connection lifetime ---- */

static void cconn_free(cconn_t *cc)
{
    qr_hub_unsubscribe_all(cc);
    while (cc->subs) {
        csub_t *s = cc->subs;
        int app = s->kind == SUB_APP && !s->pending;
        if (app && !C.shutting_down) queue_unsubscribe_op(cc, s->identifier, 1);
        sub_remove(cc, s);
    }
    while (cc->ops) {
        op_t *op = cc->ops;
        cc->ops = op->next;
        op_free(op);
    }
    op_free(cc->inflight);
    while (cc->early) {
        early_t *e = cc->early;
        cc->early = e->next;
        free(e);
    }
    if (cc->prev) cc->prev->next = cc->next;
    else C.all = cc->next;
    if (cc->next) cc->next->prev = cc->prev;
    qr_ws_free(cc->ws);
    free(cc->identifiers);
    free(cc);
}

static void reap_cb(uv_timer_t *t)
{
    while (C.reap_list) {
        cconn_t *cc = C.reap_list;
        C.reap_list = cc->reap_next;
        cconn_free(cc);
    }
}

static void on_conn_data(void *ud, const char *data, size_t len)
{
    cconn_t *cc = ud;
    if (!cc->dead) qr_ws_feed(cc->ws, data, len);
}

static void on_conn_close(void *ud)
{
    cconn_t *cc = ud;
    if (cc->dead) return;
    cc->dead = 1;
    cc->c = NULL;
    C.count--;
    qr_pool_cancel(cc);
    if (C.timers) {
        cc->reap_next = C.reap_list;
        C.reap_list = cc;
        uv_timer_start(&C.reap, reap_cb, 0, 0);
    } else {
        cconn_free(cc); /* after shutdown: no fan-out can be running */
    }
}

static const qr_conn_upgrade_cbs_t upgrade_cbs = {on_conn_data, on_conn_close};

static void hub_deliver(void *subscriber, const char *frame, size_t len)
{
    cconn_t *cc = subscriber;
    if (cc->dead || C.shutting_down) return;
    qr_ws_send_frame(cc->ws, frame, len);
}

static void hub_ready(void *subscriber, const char *stream, const char *identifier)
{
    cconn_t *cc = subscriber;
    csub_t *s = identifier ? sub_find(cc, identifier) : NULL;
    if (cc->dead || C.shutting_down || !s) return;
    for (size_t i = 0; i < s->nstreams; i++)
        if (strcmp(s->streams[i], stream) == 0) { sub_stream_ready(cc, s, i); return; }
}

static void ping_cb(uv_timer_t *t)
{
    char text[64];
    int n = snprintf(text, sizeof text, "{\"type\":\"ping\",\"message\":%lld}", (long long)time(NULL));
    qr_buf_t frame = QR_BUF_INIT;
    qr_ws_frame_text(&frame, text, (size_t)n);
    uint64_t now = qr_now_ms();
    for (cconn_t *cc = C.all; cc; cc = cc->next) {
        if (cc->dead) continue;
        if (qr_ws_expire(cc->ws, now, CLOSE_TIMEOUT_MS)) continue;
        if (cc->state == ST_OPEN && !qr_ws_closing(cc->ws)) qr_ws_send_frame(cc->ws, frame.data, frame.len);
    }
    qr_buf_free(&frame);
}

/* ---- handshake ---- */

static const char *header(const qr_request_t *req, const char *name, size_t *len)
{
    size_t dummy;
    return qr_header_find(req->headers, req->nheaders, name, len ? len : &dummy);
}

/* 1 when the comma-separated header value contains token (case-insensitive). */
static int has_token(const char *v, size_t len, const char *token)
{
    size_t tl = strlen(token);
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        size_t start = i;
        while (i < len && v[i] != ',') i++;
        size_t end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t')) end--;
        if (end - start == tl && strncasecmp(v + start, token, tl) == 0) return 1;
    }
    return 0;
}

static int origin_allowed(const qr_request_t *req, const char **origin_shown)
{
    size_t olen = 0, hlen = 0, plen = 0;
    const char *origin = header(req, "Origin", &olen);
    *origin_shown = "(none)";
    if (!origin) return 0;
    char *o = qr_xstrndup(origin, olen);
    static char last[256];
    snprintf(last, sizeof last, "%s", o);
    *origin_shown = last;
    int ok = 0;
    const char *host = header(req, "Host", &hlen);
    const char *proto = header(req, "X-Forwarded-Proto", &plen);
    const char *scheme = proto && plen == 5 && strncasecmp(proto, "https", 5) == 0 ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (host && olen == sl + hlen && memcmp(o, scheme, sl) == 0 && memcmp(o + sl, host, hlen) == 0) ok = 1;
    for (int i = 0; !ok && i < C.cfg->n_allowed_origins; i++) {
        if (!C.cfg->allowed_origins[i]) continue;
        if (C.origin_is_re[i]) ok = regexec(&C.origin_re[i], o, 0, NULL, 0) == 0;
        else ok = strcmp(C.cfg->allowed_origins[i], o) == 0;
    }
    if (!ok && C.dev_origins) ok = regexec(&C.dev_re, o, 0, NULL, 0) == 0;
    free(o);
    return ok;
}

static void refuse(qr_conn_t *c, int status)
{
    static const char r404[] = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 14\r\nConnection: close\r\n\r\nPage not found";
    static const char r400[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 11\r\nConnection: close\r\n\r\nBad Request";
    if (status == 404) qr_conn_write(c, r404, sizeof r404 - 1);
    else qr_conn_write(c, r400, sizeof r400 - 1);
}

int qr_cable_wants(const qr_request_t *req)
{
    if (!C.cfg || C.shutting_down) return 0;
    if (strcmp(req->path, C.cfg->cable_path) != 0) return 0;
    size_t len = 0;
    const char *up = header(req, "Upgrade", &len);
    return up && has_token(up, len, "websocket");
}

int qr_cable_accept(qr_conn_t *c, const qr_request_t *req)
{
    size_t klen = 0, vlen = 0, clen = 0, plen = 0;
    const char *key = header(req, "Sec-WebSocket-Key", &klen);
    const char *ver = header(req, "Sec-WebSocket-Version", &vlen);
    const char *conn = header(req, "Connection", &clen);
    const char *protos = header(req, "Sec-WebSocket-Protocol", &plen);
    char accept[29];
    if (strcmp(req->method, "GET") != 0 || !key || !ver || vlen != 2 || memcmp(ver, "13", 2) != 0 ||
        !conn || !has_token(conn, clen, "upgrade") || qr_ws_accept_key(key, klen, accept) != 0) {
        qr_info("cable: bad WebSocket handshake from %s", req->remote_addr ? req->remote_addr : "?");
        refuse(c, 400);
        return 0;
    }
    const char *origin;
    if (!origin_allowed(req, &origin)) {
        qr_error("cable: Request origin not allowed: %s", SHOW(origin));
        refuse(c, 404);
        return 0;
    }
    int proto_ok = protos && has_token(protos, plen, "actioncable-v1-json");
    if (!proto_ok)
        qr_info("cable: client offered no actioncable-v1-json subprotocol; answering without one (as Rails)");

    qr_buf_t r = QR_BUF_INIT;
    qr_buf_appendf(&r, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: %s\r\n%s\r\n",
                   accept, proto_ok ? "Sec-WebSocket-Protocol: actioncable-v1-json\r\n" : "");
    int w = qr_conn_write(c, r.data, r.len);
    qr_buf_free(&r);
    if (w != 0) return 0;

    cconn_t *cc = qr_xcalloc(1, sizeof *cc);
    cc->c = c;
    cc->state = ST_CONNECTING;
    cc->early_tail = &cc->early;
    cc->ops_tail = &cc->ops;
    cc->ws = qr_ws_new(&conn_io, cc, &ws_cbs, cc, C.cfg->ws_max_message, C.cfg->ws_max_outbuf);
    cc->next = C.all;
    if (C.all) C.all->prev = cc;
    C.all = cc;
    C.count++;
    qr_conn_upgrade(c, &upgrade_cbs, cc);

    if (!qr_pool_cable_needs_connect()) {
        /* No connect hook in the app: nothing to decide, no worker round trip. */
        cc->identifiers = qr_xstrdup("{}");
        welcome(cc);
        return 1;
    }
    /* The app's connect hook decides (cookies, params); the welcome waits for it. */
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "{\"op\":\"connect\",\"url\":");
    qr_buf_append_json_str(&b, req->target, strlen(req->target));
    qr_buf_append_str(&b, ",\"headers\":{");
    for (size_t i = 0; i < req->nheaders; i++) {
        const qr_header_t *h = &req->headers[i];
        char *name = qr_xstrndup(h->name, h->name_len);
        for (char *p = name; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        if (i) qr_buf_append(&b, ",", 1);
        qr_buf_append_json_str(&b, name, h->name_len);
        qr_buf_append(&b, ":", 1);
        qr_buf_append_json_str(&b, h->value, h->value_len);
        free(name);
    }
    qr_buf_append_str(&b, "}}");
    op_queue(cc, op_new(OP_CONNECT, NULL, &b));
    qr_buf_free(&b);
    return 1;
}

/* ---- init / shutdown ---- */

void qr_cable_set_stream_key(const unsigned char key[QR_STREAM_KEY_LEN])
{
    memcpy(C.key, key, QR_STREAM_KEY_LEN);
    C.key_set = 1;
}

int qr_cable_init(uv_loop_t *loop, const qr_config_t *cfg)
{
    C.loop = loop;
    if (!cfg->secret_key_base[0])
        qr_warn("cable: SECRET_KEY_BASE is empty; signed stream names are not secret");
    for (int i = 0; i < cfg->n_allowed_origins && i < QR_MAX_ORIGINS; i++) {
        const char *o = cfg->allowed_origins[i];
        size_t n = o ? strlen(o) : 0;
        C.origin_is_re[i] = 0;
        if (n >= 2 && o[0] == '/' && o[n - 1] == '/') {
            char *re = qr_xstrndup(o + 1, n - 2);
            int r = regcomp(&C.origin_re[i], re, REG_EXTENDED | REG_NOSUB);
            free(re);
            if (r != 0) {
                qr_error("cable: bad allowed-origin pattern %s", o);
                return QR_ECONFIG;
            }
            C.origin_is_re[i] = 1;
        }
    }
    C.cfg = cfg; /* from here on upgrades are taken (qr_cable_wants) */
    C.dev_origins = strcmp(cfg->env, "development") == 0;
    if (C.dev_origins)
        QR_ASSERT(regcomp(&C.dev_re, "^https?://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?$", REG_EXTENDED | REG_NOSUB) == 0);
    qr_hub_set_ready_cb(hub_ready);
    int r = qr_hub_init(loop, cfg, hub_deliver);
    if (r != 0) return r;
    if (loop) {
        uv_timer_init(loop, &C.ping);
        uv_timer_init(loop, &C.reap);
        uv_unref((uv_handle_t *)&C.ping);
        uv_unref((uv_handle_t *)&C.reap);
        uv_timer_start(&C.ping, ping_cb, PING_MS, PING_MS);
        C.timers = 1;
    }
    return 0;
}

void qr_cable_shutdown(void)
{
    if (C.shutting_down) return;
    C.shutting_down = 1;
    for (cconn_t *cc = C.all; cc; cc = cc->next) {
        if (cc->dead) continue;
        send_disconnect(cc, "server_restart", 1);
        qr_ws_close(cc->ws, 1000, NULL);
        io_close(cc, 0); /* after the queued bytes: do not wait for the client's close frame */
    }
    if (C.timers) {
        uv_timer_stop(&C.ping);
        reap_cb(&C.reap);
        uv_close((uv_handle_t *)&C.ping, NULL);
        uv_close((uv_handle_t *)&C.reap, NULL);
        C.timers = 0;
    }
    qr_hub_shutdown(); /* every connection is closing; also stops the cluster bridge */
}

size_t qr_cable_connection_count(void) { return C.count; }
