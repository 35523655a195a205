/* bridge.c — the front of bridge.h: picks the adapter named by cfg->cable_url (redis:// ->
 * bridge_redis.c, postgres:// or postgresql:// -> bridge_pg.c; the bare words "redis" and
 * "postgres" mean REDIS_URL (default redis://127.0.0.1:6379) and DATABASE_URL), keeps the set
 * of remembered streams (wire channel -> stream name) that survives reconnects, and hands
 * received messages to hub's deliver callback. Calls only the adapters, libuv, log.c.
 * Runs on the supervisor's loop; never blocks. */
#include "bridge.h"
#include <stdlib.h>
#include <string.h>
#include "bridge_impl.h"
#include "common.h"
#include "log.h"

typedef struct entry {
    struct entry *next;
    char *wire;   /* owned */
    char *stream; /* owned */
    size_t wire_len;
    int waiting;  /* listen sent, acknowledgment not yet seen (qr_bridge_ready_cb) */
} entry_t;

static const qr__bridge_ops_t *g_ops;
static qr_bridge_deliver_cb g_deliver;
static qr_bridge_ready_cb g_ready;
static char g_prefix[128];
static entry_t **g_table;
static size_t g_nbuckets, g_count;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
    return h;
}

static entry_t **find(const char *wire, size_t n)
{
    if (!g_table) return NULL;
    entry_t **pp = &g_table[hash(wire, n) & (g_nbuckets - 1)];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->wire_len == n && memcmp((*pp)->wire, wire, n) == 0) return pp;
    return pp;
}

static void grow(void)
{
    size_t nb = g_nbuckets ? g_nbuckets * 2 : 64;
    entry_t **t = qr_xcalloc(nb, sizeof *t);
    for (size_t i = 0; i < g_nbuckets; i++) {
        entry_t *e = g_table[i], *next;
        for (; e; e = next) {
            next = e->next;
            size_t b = hash(e->wire, e->wire_len) & (nb - 1);
            e->next = t[b];
            t[b] = e;
        }
    }
    free(g_table);
    g_table = t;
    g_nbuckets = nb;
}

const char *qr__bridge_stream_of(const char *wire, size_t wire_len)
{
    entry_t **pp = find(wire, wire_len);
    return pp && *pp ? (*pp)->stream : NULL;
}

void qr__bridge_each_wire(void (*fn)(const char *wire, void *ud), void *ud)
{
    for (size_t i = 0; i < g_nbuckets; i++)
        for (entry_t *e = g_table[i]; e; e = e->next) fn(e->wire, ud);
}

size_t qr__bridge_wire_count(void) { return g_count; }

void qr__bridge_deliver(const char *wire, size_t wire_len, const char *msg, size_t msg_len)
{
    const char *stream = qr__bridge_stream_of(wire, wire_len);
    if (!stream) {
        qr_debug("bridge: message on unknown channel %.*s ignored", (int)wire_len, wire);
        return;
    }
    if (g_deliver) g_deliver(stream, strlen(stream), msg, msg_len);
}

void qr_bridge_set_ready_cb(qr_bridge_ready_cb ready) { g_ready = ready; }

static void ready(entry_t *e)
{
    e->waiting = 0;
    if (g_ready) g_ready(e->stream, strlen(e->stream));
}

void qr__bridge_listening(const char *wire, size_t wire_len)
{
    entry_t **pp = find(wire, wire_len);
    if (pp && *pp && (*pp)->waiting) ready(*pp);
}

void qr__bridge_listen_lost(void)
{
    for (size_t i = 0; i < g_nbuckets; i++)
        for (entry_t *e = g_table[i]; e; e = e->next)
            if (e->waiting) ready(e);
}

unsigned qr__bridge_backoff_ms(unsigned attempt)
{
    unsigned ms = 100;
    for (unsigned i = 1; i < attempt && ms < 5000; i++) ms *= 2;
    return ms < 5000 ? ms : 5000;
}

int qr_bridge_start(uv_loop_t *loop, const qr_config_t *cfg, qr_bridge_deliver_cb deliver)
{
    const char *url = cfg->cable_url;
    char buf[1024];
    if (!url[0]) return 0;
    if (strcmp(url, "redis") == 0) {
        const char *env = getenv("REDIS_URL");
        snprintf(buf, sizeof buf, "%s", env && env[0] ? env : "redis://127.0.0.1:6379");
        url = buf;
    } else if (strcmp(url, "postgres") == 0 || strcmp(url, "postgresql") == 0 || strcmp(url, "pg") == 0) {
        if (!cfg->database_url[0]) {
            qr_error("bridge: --cable postgres needs DATABASE_URL=postgres://...");
            return QR_ECONFIG;
        }
        url = cfg->database_url;
    }
    if (strncmp(url, "redis://", 8) == 0) {
        g_ops = &qr__bridge_redis_ops;
    } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        g_ops = &qr__bridge_pg_ops;
    } else {
        qr_error("bridge: unsupported CABLE_URL '%s' (expected redis://, postgres:// or postgresql://)", url);
        return QR_ECONFIG;
    }
    g_deliver = deliver;
    snprintf(g_prefix, sizeof g_prefix, "%s", cfg->cable_prefix);
    int rc = g_ops->start(loop, url, g_prefix);
    if (rc < 0) g_ops = NULL;
    return rc;
}

int qr_bridge_connected(void) { return g_ops ? g_ops->connected() : 0; }

int qr_bridge_publish(const char *stream, size_t stream_len, const char *message_json, size_t message_len)
{
    if (!g_ops) return -ENOTCONN;
    char *wire = g_ops->wire_name(stream, stream_len, g_prefix);
    int rc = g_ops->publish(wire, message_json, message_len);
    free(wire);
    return rc;
}

int qr_bridge_subscribe(const char *stream)
{
    if (!g_ops) return 0;
    char *wire = g_ops->wire_name(stream, strlen(stream), g_prefix);
    size_t n = strlen(wire);
    entry_t **pp = find(wire, n);
    if (pp && *pp) { free(wire); return (*pp)->waiting; }
    if (g_count + 1 > g_nbuckets) { grow(); pp = find(wire, n); }
    entry_t *e = qr_xcalloc(1, sizeof *e);
    e->wire = wire;
    e->wire_len = n;
    e->stream = qr_xstrdup(stream);
    *pp = e;
    g_count++;
    e->waiting = g_ops->listen(wire) > 0;
    return e->waiting;
}

void qr_bridge_unsubscribe(const char *stream)
{
    if (!g_ops) return;
    char *wire = g_ops->wire_name(stream, strlen(stream), g_prefix);
    entry_t **pp = find(wire, strlen(wire));
    if (pp && *pp) {
        entry_t *e = *pp;
        *pp = e->next;
        g_count--;
        g_ops->unlisten(e->wire);
        free(e->wire);
        free(e->stream);
        free(e);
    }
    free(wire);
}

void qr_bridge_stop(void)
{
    if (g_ops) g_ops->stop();
    g_ops = NULL;
    for (size_t i = 0; i < g_nbuckets; i++) {
        entry_t *e = g_table[i], *next;
        for (; e; e = next) {
            next = e->next;
            free(e->wire);
            free(e->stream);
            free(e);
        }
    }
    free(g_table);
    g_table = NULL;
    g_nbuckets = g_count = 0;
    g_deliver = NULL;
}
