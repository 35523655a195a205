/* bridge_pg.c — the PostgreSQL LISTEN/NOTIFY adapter of the cluster bridge (bridge_impl.h):
 * libpq in non-blocking mode on the supervisor's libuv loop (uv_poll on PQsocket). Compatible
 * with Rails' Action Cable postgresql adapter: channel = [channel_prefix, broadcasting]
 * .join(":"), replaced by its SHA1 hex digest when longer than 63 characters (Ruby's
 * String#size); payload = the JSON-encoded message. Payloads of more than 7997 bytes do not fit
 * in a NOTIFY: they are stored in the UNLOGGED table action_cable_large_payloads (created when
 * missing) and the NOTIFY carries "__large_payload:<id>" — the scheme of the Rails pull request
 * and of actioncable-enhanced-postgresql-adapter (without its id encryption); rows older than
 * 10 minutes are deleted every 100 large payloads. A receiver fetches the row before handing
 * the message on, and keeps the order of notifications.
 * Two connections (publish, listen), each with a queue of statements sent one at a time; each
 * reconnects on its own with exponential backoff and a log line per attempt; the listener
 * re-LISTENs every remembered stream. Calls libpq, OpenSSL (SHA1), libuv, bridge.c, log.c.
 * Never blocks the loop (libpq resolves a host name synchronously; use an IP address or a
 * name in /etc/hosts). */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <openssl/sha.h>
#include "bridge_impl.h"
#include "buf.h"
#include "common.h"
#include "log.h"

#define MAX_NOTIFY_SIZE 7997
#define LARGE_PREFIX "__large_payload:"
#define LARGE_TABLE "action_cable_large_payloads"
#define CONNECT_TIMEOUT_MS 5000
#define INSERTS_PER_DELETE 100

typedef struct item { /* a received notification, in arrival order */
    struct item *next;
    char *wire;    /* owned */
    char *payload; /* owned; NULL until fetched for a large payload */
    char *large_id;/* owned; the id of a large payload still to fetch */
    int fetch_queued;
} item_t;

enum { OP_NOTIFY, OP_NOTIFY_LARGE, OP_CREATE_TABLE, OP_DELETE_OLD, OP_LISTEN, OP_UNLISTEN, OP_FETCH, OP_READY };

typedef struct op {
    struct op *next;
    int kind;
    char *a, *b;   /* owned arguments (channel, payload / id) */
    size_t b_len;
    item_t *item;  /* OP_FETCH: borrowed from the inbox */
    int retried;
} op_t;

enum { DOWN, CONNECTING, UP };

typedef struct {
    const char *role;
    PGconn *conn;
    uv_poll_t *poll;   /* allocated; freed in its close callback */
    int fd, events;
    int state;
    int ready;         /* listener: every remembered stream is LISTENed */
    unsigned attempt;
    uv_timer_t timer;  /* reconnect backoff and connect timeout */
    op_t *head, *tail; /* head is in flight when busy */
    int busy;
    int failed;        /* the op in flight got an error result */
} pconn_t;

static uv_loop_t *g_loop;
static char *g_url;
static pconn_t g_pub = {.role = "publish"}, g_sub = {.role = "listen"};
static item_t *g_inbox, *g_inbox_tail;
static unsigned g_large_count;
static int g_started, g_stopping;

static void pconnect(pconn_t *pc);
static void kick(pconn_t *pc);
static void on_io(uv_poll_t *h, int status, int events);

/* ---- statement queue ---- */

static op_t *op_new(int kind, const char *a, const char *b, size_t b_len)
{
    op_t *op = qr_xcalloc(1, sizeof *op);
    op->kind = kind;
    op->a = a ? qr_xstrdup(a) : NULL;
    op->b = b ? qr_xstrndup(b, b_len) : NULL;
    op->b_len = b_len;
    return op;
}

static void op_free(op_t *op)
{
    free(op->a);
    free(op->b);
    free(op);
}

static void enqueue(pconn_t *pc, op_t *op, int front)
{
    if (front) {
        /* after the op in flight, before everything else */
        if (pc->busy && pc->head) {
            op->next = pc->head->next;
            pc->head->next = op;
            if (pc->tail == pc->head) pc->tail = op;
        } else {
            op->next = pc->head;
            pc->head = op;
            if (!pc->tail) pc->tail = op;
        }
    } else {
        op->next = NULL;
        if (pc->tail) pc->tail->next = op;
        else pc->head = op;
        pc->tail = op;
    }
}

static void drop_ops(pconn_t *pc)
{
    unsigned lost = 0;
    while (pc->head) {
        op_t *op = pc->head;
        pc->head = op->next;
        if (op->kind == OP_NOTIFY || op->kind == OP_NOTIFY_LARGE) lost++;
        if (op->kind == OP_FETCH && op->item) op->item->fetch_queued = 0;
        op_free(op);
    }
    pc->tail = NULL;
    pc->busy = 0;
    if (lost) qr_warn("bridge postgresql: %u broadcast(s) not confirmed before the connection was lost", lost);
}

/* ---- poll handle ---- */

static void free_poll_cb(uv_handle_t *h) { free(h); }

static void unwatch(pconn_t *pc)
{
    if (pc->poll) {
        uv_poll_stop(pc->poll);
        uv_close((uv_handle_t *)pc->poll, free_poll_cb);
        pc->poll = NULL;
    }
    pc->fd = -1;
    pc->events = 0;
}

/* Watches PQsocket for events. fresh: a new handle even for the same fd number (libpq may have
 * closed the socket and opened another one while connecting). */
static int watch(pconn_t *pc, int events, int fresh)
{
    int fd = PQsocket(pc->conn);
    if (fd < 0) return -EBADF;
    if (pc->poll && (fresh || fd != pc->fd)) unwatch(pc);
    if (!pc->poll) {
        pc->poll = qr_xcalloc(1, sizeof *pc->poll);
        int rc = uv_poll_init(g_loop, pc->poll, fd);
        if (rc < 0) {
            free(pc->poll);
            pc->poll = NULL;
            return rc;
        }
        pc->poll->data = pc;
        pc->fd = fd;
        pc->events = 0;
    }
    if (events != pc->events) {
        pc->events = events;
        uv_poll_start(pc->poll, events, on_io);
    }
    return 0;
}

/* ---- connection life ---- */

static void lost(pconn_t *pc, const char *why);

static void retry_cb(uv_timer_t *t)
{
    pconn_t *pc = t->data;
    if (g_stopping) return;
    if (pc->state == CONNECTING) { lost(pc, "connect timed out"); return; }
    pconnect(pc);
}

static void lost(pconn_t *pc, const char *why)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s", why && why[0] ? why : "connection lost");
    /* libpq's messages span lines: one log line each */
    size_t n = 0;
    for (const char *q = msg; *q; q++) {
        char ch = (*q == '\n' || *q == '\t') ? ' ' : *q;
        if (ch == ' ' && (n == 0 || msg[n - 1] == ' ')) continue;
        msg[n++] = ch;
    }
    while (n && msg[n - 1] == ' ') n--;
    msg[n] = 0;
    unwatch(pc);
    if (pc->conn) PQfinish(pc->conn);
    pc->conn = NULL;
    pc->state = DOWN;
    pc->ready = 0;
    drop_ops(pc);
    if (g_stopping) return;
    pc->attempt++;
    unsigned ms = qr__bridge_backoff_ms(pc->attempt);
    qr_warn("bridge postgresql: %s connection: %s; reconnecting (attempt %u) in %u ms", pc->role, msg, pc->attempt, ms);
    uv_timer_stop(&pc->timer);
    uv_timer_start(&pc->timer, retry_cb, ms, 0);
}

static void listen_one(const char *wire, void *ud)
{
    enqueue(ud, op_new(OP_LISTEN, wire, NULL, 0), 0);
}

static void on_up(pconn_t *pc)
{
    uv_timer_stop(&pc->timer);
    pc->state = UP;
    PQsetnonblocking(pc->conn, 1);
    qr_info("bridge postgresql: %s connection %s (server %d)", pc->role,
            pc->attempt ? "re-established" : "established", PQserverVersion(pc->conn));
    pc->attempt = 0;
    /* the server is back: the other connection need not wait out its backoff */
    pconn_t *other = pc == &g_sub ? &g_pub : &g_sub;
    if (other->state == DOWN && !g_stopping) uv_timer_start(&other->timer, retry_cb, 0, 0);
    if (pc == &g_sub) {
        /* large payloads received before the loss still wait for their row */
        for (item_t *it = g_inbox; it; it = it->next)
            if (it->large_id && !it->payload && !it->fetch_queued) {
                op_t *op = op_new(OP_FETCH, NULL, it->large_id, strlen(it->large_id));
                op->item = it;
                it->fetch_queued = 1;
                enqueue(pc, op, 0);
            }
        qr__bridge_each_wire(listen_one, pc);
        enqueue(pc, op_new(OP_READY, NULL, NULL, 0), 0);
    }
    if (watch(pc, UV_READABLE, 1) < 0) { lost(pc, "cannot watch the socket"); return; }
    kick(pc);
}

static void notice_cb(void *arg, const char *message)
{
    pconn_t *pc = arg;
    qr_debug("bridge postgresql: %s connection notice: %s", pc->role, message);
}

static void pconnect(pconn_t *pc)
{
    /* defaults first: what the URL says wins (libpq keeps the last value of a keyword) */
    const char *keys[] = {"application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "dbname", NULL};
    const char *vals[] = {"quickrail-cable", "1", "10", "5", "3", g_url, NULL};
    pc->conn = PQconnectStartParams(keys, vals, 1);
    if (!pc->conn || PQstatus(pc->conn) == CONNECTION_BAD) {
        lost(pc, pc->conn ? PQerrorMessage(pc->conn) : "out of memory");
        return;
    }
    PQsetNoticeProcessor(pc->conn, notice_cb, pc);
    pc->state = CONNECTING;
    uv_timer_start(&pc->timer, retry_cb, CONNECT_TIMEOUT_MS, 0);
    if (watch(pc, UV_WRITABLE, 1) < 0) lost(pc, "no socket");
}

static void connect_step(pconn_t *pc)
{
    switch (PQconnectPoll(pc->conn)) {
    case PGRES_POLLING_OK: on_up(pc); return;
    case PGRES_POLLING_READING: if (watch(pc, UV_READABLE, 1) < 0) lost(pc, "no socket"); return;
    case PGRES_POLLING_WRITING: if (watch(pc, UV_WRITABLE, 1) < 0) lost(pc, "no socket"); return;
    default: lost(pc, PQerrorMessage(pc->conn)); return;
    }
}

/* ---- inbox: notifications in arrival order, large payloads fetched first ---- */

static void dispatch_inbox(void)
{
    while (g_inbox && g_inbox->payload) {
        item_t *it = g_inbox;
        g_inbox = it->next;
        if (!g_inbox) g_inbox_tail = NULL;
        if (it->payload[0]) /* empty: a large payload whose row was gone */
            qr__bridge_deliver(it->wire, strlen(it->wire), it->payload, strlen(it->payload));
        free(it->wire);
        free(it->payload);
        free(it->large_id);
        free(it);
    }
}

static void receive(const char *wire, const char *payload)
{
    if (!qr__bridge_stream_of(wire, strlen(wire))) return; /* not ours (any more) */
    item_t *it = qr_xcalloc(1, sizeof *it);
    it->wire = qr_xstrdup(wire);
    size_t pl = strlen(LARGE_PREFIX);
    if (strncmp(payload, LARGE_PREFIX, pl) == 0) {
        it->large_id = qr_xstrdup(payload + pl);
        op_t *op = op_new(OP_FETCH, NULL, it->large_id, strlen(it->large_id));
        op->item = it;
        it->fetch_queued = 1;
        enqueue(&g_sub, op, 0);
    } else {
        it->payload = qr_xstrdup(payload);
    }
    if (g_inbox_tail) g_inbox_tail->next = it;
    else g_inbox = it;
    g_inbox_tail = it;
}

/* ---- sending and receiving ---- */

static void finish_op(pconn_t *pc)
{
    op_t *op = pc->head;
    pc->head = op->next;
    if (!pc->head) pc->tail = NULL;
    pc->busy = 0;
    int failed = pc->failed;
    pc->failed = 0;
    if (op->kind == OP_FETCH && op->item && !op->item->payload) {
        qr_warn("bridge postgresql: large payload %s is gone from " LARGE_TABLE "; message dropped", op->b);
        op->item->payload = qr_xstrdup(""); /* delivered as nothing: skipped below */
    }
    if (op->kind == OP_NOTIFY_LARGE && failed == 2 && !op->retried) {
        /* the table was missing: create it, then try once more */
        op->retried = 1;
        op->next = NULL;
        enqueue(pc, op, 1);
        enqueue(pc, op_new(OP_CREATE_TABLE, NULL, NULL, 0), 1);
        return;
    }
    if (failed == 2) qr_warn("bridge postgresql: cannot store a large payload in " LARGE_TABLE "; message dropped");
    if (op->kind == OP_READY) {
        pc->ready = 1;
        qr_info("bridge postgresql: listening to %zu stream(s)", qr__bridge_wire_count());
    }
    op_free(op);
}

static void handle_result(pconn_t *pc, PGresult *res)
{
    op_t *op = pc->head;
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        pc->failed = (op && op->kind == OP_NOTIFY_LARGE && state && strcmp(state, "42P01") == 0) ? 2 : 1;
        if (pc->failed == 1)
            qr_warn("bridge postgresql: %s statement failed: %s", pc->role, PQresultErrorMessage(res));
        return;
    }
    if (op && op->kind == OP_FETCH && op->item && st == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
        !op->item->payload) {
        op->item->payload = qr_xstrdup(PQgetvalue(res, 0, 0));
    }
}

static void send_op(pconn_t *pc)
{
    op_t *op = pc->head;
    int ok = 1;
    char *id = NULL;
    const char *params[2];
    switch (op->kind) {
    case OP_READY:
        finish_op(pc);
        return;
    case OP_NOTIFY:
        params[0] = op->a; params[1] = op->b;
        ok = PQsendQueryParams(pc->conn, "SELECT pg_notify($1, $2)", 2, NULL, params, NULL, NULL, 0);
        break;
    case OP_NOTIFY_LARGE:
        params[0] = op->a; params[1] = op->b;
        ok = PQsendQueryParams(pc->conn,
            "WITH p AS (INSERT INTO " LARGE_TABLE " (payload, created_at) VALUES ($2, now()) RETURNING id) "
            "SELECT pg_notify($1, '" LARGE_PREFIX "' || id) FROM p", 2, NULL, params, NULL, NULL, 0);
        break;
    case OP_CREATE_TABLE:
        ok = PQsendQuery(pc->conn, "CREATE UNLOGGED TABLE IF NOT EXISTS " LARGE_TABLE
                         " (id bigserial PRIMARY KEY, payload text NOT NULL,"
                         " created_at timestamp NOT NULL DEFAULT now())");
        break;
    case OP_DELETE_OLD:
        ok = PQsendQuery(pc->conn, "DELETE FROM " LARGE_TABLE " WHERE created_at < now() - interval '10 minutes'");
        break;
    case OP_FETCH:
        params[0] = op->b;
        ok = PQsendQueryParams(pc->conn, "SELECT payload FROM " LARGE_TABLE " WHERE id = $1::bigint", 1, NULL,
                               params, NULL, NULL, 0);
        break;
    case OP_LISTEN:
    case OP_UNLISTEN: {
        id = PQescapeIdentifier(pc->conn, op->a, strlen(op->a));
        if (!id) { ok = 0; break; }
        qr_buf_t b = QR_BUF_INIT;
        qr_buf_appendf(&b, "%s %s", op->kind == OP_LISTEN ? "LISTEN" : "UNLISTEN", id);
        char *sql = qr_buf_steal(&b);
        ok = PQsendQuery(pc->conn, sql);
        free(sql);
        PQfreemem(id);
        break;
    }
    }
    if (!ok) { lost(pc, PQerrorMessage(pc->conn)); return; }
    pc->busy = 1;
    int fl = PQflush(pc->conn);
    if (fl < 0) { lost(pc, PQerrorMessage(pc->conn)); return; }
    if (watch(pc, UV_READABLE | (fl ? UV_WRITABLE : 0), 0) < 0) lost(pc, "cannot watch the socket");
}

static void kick(pconn_t *pc)
{
    while (pc->state == UP && !pc->busy && pc->head) send_op(pc);
}

static void read_input(pconn_t *pc)
{
    if (!PQconsumeInput(pc->conn)) { lost(pc, PQerrorMessage(pc->conn)); return; }
    while (pc->busy && !PQisBusy(pc->conn)) {
        PGresult *res = PQgetResult(pc->conn);
        if (!res) { finish_op(pc); break; }
        handle_result(pc, res);
        PQclear(res);
    }
    PGnotify *n;
    while ((n = PQnotifies(pc->conn)) != NULL) {
        if (pc == &g_sub) receive(n->relname, n->extra);
        PQfreemem(n);
    }
    if (PQstatus(pc->conn) == CONNECTION_BAD) { lost(pc, PQerrorMessage(pc->conn)); return; }
    if (pc == &g_sub) dispatch_inbox();
    kick(pc);
}

static void on_io(uv_poll_t *h, int status, int events)
{
    pconn_t *pc = h->data;
    if (pc->poll != h) return;
    if (pc->state == CONNECTING) { connect_step(pc); return; }
    if (pc->state != UP) return;
    if (status < 0) { lost(pc, uv_strerror(status)); return; }
    if (events & UV_WRITABLE) {
        int fl = PQflush(pc->conn);
        if (fl < 0) { lost(pc, PQerrorMessage(pc->conn)); return; }
        if (fl == 0 && watch(pc, UV_READABLE, 0) < 0) { lost(pc, "cannot watch the socket"); return; }
    }
    if (events & UV_READABLE) read_input(pc);
}

/* ---- the adapter ---- */

static int p_start(uv_loop_t *loop, const char *url, const char *prefix)
{
    if (g_started) return -EALREADY;
    (void)prefix;
    g_loop = loop;
    g_url = qr_xstrdup(url);
    g_stopping = 0;
    g_started = 1;
    pconn_t *conns[2] = {&g_pub, &g_sub};
    for (int i = 0; i < 2; i++) {
        conns[i]->state = DOWN;
        conns[i]->attempt = 0;
        conns[i]->fd = -1;
        uv_timer_init(loop, &conns[i]->timer);
        conns[i]->timer.data = conns[i];
        pconnect(conns[i]);
    }
    qr_info("bridge postgresql: broadcasting through LISTEN/NOTIFY%s%s", prefix[0] ? " with channel prefix " : "", prefix);
    return 0;
}

static int p_connected(void) { return g_pub.state == UP && g_sub.state == UP && g_sub.ready; }

static int p_publish(const char *wire, const char *msg, size_t msg_len)
{
    if (g_pub.state != UP) return -ENOTCONN;
    if (memchr(msg, 0, msg_len)) return -EINVAL;
    if (msg_len > MAX_NOTIFY_SIZE) {
        enqueue(&g_pub, op_new(OP_NOTIFY_LARGE, wire, msg, msg_len), 0);
        if (++g_large_count % INSERTS_PER_DELETE == 0) enqueue(&g_pub, op_new(OP_DELETE_OLD, NULL, NULL, 0), 0);
    } else {
        enqueue(&g_pub, op_new(OP_NOTIFY, wire, msg, msg_len), 0);
    }
    kick(&g_pub);
    if (!(g_sub.state == UP && g_sub.ready)) return -ENOTCONN; /* sent to the others; deliver here */
    return 0;
}

static void p_listen(const char *wire)
{
    if (g_sub.state != UP) return; /* on_up LISTENs every remembered stream */
    enqueue(&g_sub, op_new(OP_LISTEN, wire, NULL, 0), 0);
    kick(&g_sub);
}

static void p_unlisten(const char *wire)
{
    if (g_sub.state != UP) return;
    enqueue(&g_sub, op_new(OP_UNLISTEN, wire, NULL, 0), 0);
    kick(&g_sub);
}

/* Ruby's String#size: characters, counted as UTF-8 lead bytes. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static char *p_wire_name(const char *stream, size_t stream_len, const char *prefix)
{
    qr_buf_t b = QR_BUF_INIT;
    if (prefix[0]) qr_buf_appendf(&b, "%s:", prefix);
    qr_buf_append(&b, stream, stream_len);
    if (utf8_chars(b.data, b.len) > 63) {
        unsigned char md[SHA_DIGEST_LENGTH];
        SHA1((const unsigned char *)b.data, b.len, md);
        qr_buf_reset(&b);
        for (int i = 0; i < SHA_DIGEST_LENGTH; i++) qr_buf_appendf(&b, "%02x", md[i]);
    } else if (b.len > 63) {
        /* 63 characters but more bytes: PostgreSQL truncates the identifier to 63 bytes at a
         * character boundary, on LISTEN and NOTIFY alike; do the same so pg_notify accepts it. */
        size_t n = 63;
        while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80) n--;
        b.len = n;
    }
    return qr_buf_steal(&b);
}

static void p_stop(void)
{
    if (!g_started) return;
    g_stopping = 1;
    pconn_t *conns[2] = {&g_pub, &g_sub};
    for (int i = 0; i < 2; i++) {
        pconn_t *pc = conns[i];
        uv_timer_stop(&pc->timer);
        uv_close((uv_handle_t *)&pc->timer, NULL);
        unwatch(pc);
        if (pc->conn) PQfinish(pc->conn);
        pc->conn = NULL;
        pc->state = DOWN;
        pc->ready = 0;
        while (pc->head) {
            op_t *op = pc->head;
            pc->head = op->next;
            op_free(op);
        }
        pc->tail = NULL;
        pc->busy = 0;
    }
    while (g_inbox) {
        item_t *it = g_inbox;
        g_inbox = it->next;
        free(it->wire);
        free(it->payload);
        free(it->large_id);
        free(it);
    }
    g_inbox_tail = NULL;
    free(g_url);
    g_url = NULL;
    g_started = 0;
}

const qr__bridge_ops_t qr__bridge_pg_ops = {
    .name = "postgresql",
    .start = p_start,
    .connected = p_connected,
    .publish = p_publish,
    .listen = p_listen,
    .unlisten = p_unlisten,
    .wire_name = p_wire_name,
    .stop = p_stop,
};
