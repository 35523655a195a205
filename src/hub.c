/* hub.c — the supervisor's publish/subscribe table (hub.h). A stream (hashed by name) holds
 * groups, one per distinct Action Cable identifier; a group holds its subscribers in an array
 * (swap-remove, each subscription knows its index). A broadcast builds the WebSocket frame
 * {"identifier":...,"message":...} once per group and hands the same bytes to every
 * subscriber of the group, synchronously, so delivery keeps publish order per stream. Every
 * subscriber also has a list of its subscriptions (hashed by pointer) for unsubscribe_all.
 * A stream new to the cluster waits for the bridge's acknowledgment; its subscribers hear of it
 * through the ready callback (cable.c holds confirm_subscription until then).
 * Calls websocket.c (frame building), the cluster bridge (bridge.h; started only when CABLE_URL
 * is set, else the hub is single-node), buf.c, log.c. Supervisor loop; never blocks. */
#include "hub.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bridge.h"
#include "buf.h"
#include "common.h"
#include "log.h"
#include "websocket.h"

typedef struct sub_s sub_t;
typedef struct stream_s stream_t;

typedef struct group_s {
    struct group_s *next;     /* in the stream's list */
    stream_t *stream;
    char *identifier;         /* owned; NULL = raw delivery */
    sub_t **subs;             /* owned array */
    size_t n, cap;
} group_t;

struct stream_s {
    stream_t *hnext;
    uint64_t hash;
    group_t *groups;
    size_t nsubs;
    int waiting;              /* the bridge's subscription is not acknowledged yet */
    size_t name_len;
    char name[];              /* NUL-terminated */
};

typedef struct owner_s {      /* one per subscriber pointer */
    struct owner_s *hnext;
    void *subscriber;
    sub_t *subs;
} owner_t;

struct sub_s {
    owner_t *owner;
    group_t *group;
    size_t idx;               /* in group->subs */
    sub_t *next;              /* in owner->subs */
};

typedef struct {
    void **b;                 /* buckets */
    size_t nb, n;
} table_t;

static struct {
    int initialised;
    qr_hub_deliver_cb deliver;
    qr_hub_ready_cb ready;
    table_t streams;          /* stream_t */
    table_t owners;           /* owner_t */
    size_t nsubs;
    qr_buf_t payload, frame;  /* reused by every broadcast */
    int bridge;               /* a bridge was started */
} H;

/* ---- hashing ---- */

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static uint64_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static void table_init(table_t *t)
{
    t->nb = 64;
    t->n = 0;
    t->b = qr_xcalloc(t->nb, sizeof(void *));
}

/* Both entry types start with their chain pointer, and we keep their hashes reachable. */
static uint64_t stream_hash(void *e) { return ((stream_t *)e)->hash; }
static uint64_t owner_hash(void *e) { return hash_ptr(((owner_t *)e)->subscriber); }

static void table_grow(table_t *t, uint64_t (*hf)(void *))
{
    size_t nb = t->nb * 2;
    void **b = qr_xcalloc(nb, sizeof(void *));
    for (size_t i = 0; i < t->nb; i++) {
        void *e = t->b[i];
        while (e) {
            void *next = *(void **)e;
            size_t j = hf(e) & (nb - 1);
            *(void **)e = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(t->b);
    t->b = b;
    t->nb = nb;
}

static void table_insert(table_t *t, void *e, uint64_t h, uint64_t (*hf)(void *))
{
    if (t->n + 1 > t->nb) table_grow(t, hf);
    size_t j = h & (t->nb - 1);
    *(void **)e = t->b[j];
    t->b[j] = e;
    t->n++;
}

static void table_remove(table_t *t, void *e, uint64_t h)
{
    void **pp = &t->b[h & (t->nb - 1)];
    while (*pp && *pp != e) pp = (void **)*pp;
    QR_ASSERT(*pp == e);
    *pp = *(void **)e;
    t->n--;
}

static stream_t *stream_find(const char *name, size_t len, uint64_t h)
{
    if (!H.initialised) return NULL;
    for (stream_t *s = H.streams.b[h & (H.streams.nb - 1)]; s; s = s->hnext)
        if (s->hash == h && s->name_len == len && memcmp(s->name, name, len) == 0) return s;
    return NULL;
}

static owner_t *owner_find(void *subscriber)
{
    for (owner_t *o = H.owners.b[hash_ptr(subscriber) & (H.owners.nb - 1)]; o; o = o->hnext)
        if (o->subscriber == subscriber) return o;
    return NULL;
}

static void ensure_init(void)
{
    if (H.initialised) return;
    table_init(&H.streams);
    table_init(&H.owners);
    H.initialised = 1;
}

void qr_hub_set_ready_cb(qr_hub_ready_cb ready) { H.ready = ready; }

/* The bridge is listening to stream (or gave up waiting): tell whoever waited for it. */
static void bridge_ready(const char *stream, size_t len)
{
    stream_t *st = stream_find(stream, len, hash_bytes(stream, len));
    if (!st || !st->waiting) return;
    st->waiting = 0;
    if (!H.ready) return;
    for (group_t *g = st->groups; g; g = g->next)
        for (size_t i = 0; i < g->n; i++) H.ready(g->subs[i]->owner->subscriber, st->name, g->identifier);
}

int qr_hub_init(uv_loop_t *loop, const qr_config_t *cfg, qr_hub_deliver_cb deliver)
{
    ensure_init();
    H.deliver = deliver;
    if (!H.bridge && cfg && cfg->cable_url[0]) {
        qr_bridge_set_ready_cb(bridge_ready);
        int r = qr_bridge_start(loop, cfg, qr_hub_deliver_local);
        if (r != 0) return r;
        H.bridge = 1;
    }
    return 0;
}

static int same_identifier(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

int qr_hub_subscribe(const char *stream, void *subscriber, const char *identifier)
{
    ensure_init();
    size_t len = strlen(stream);
    uint64_t h = hash_bytes(stream, len);
    owner_t *o = owner_find(subscriber);
    if (o) {
        for (sub_t *s = o->subs; s; s = s->next)
            if (s->group->stream->name_len == len && memcmp(s->group->stream->name, stream, len) == 0 &&
                same_identifier(s->group->identifier, identifier))
                return s->group->stream->waiting; /* idempotent */
    } else {
        o = qr_xcalloc(1, sizeof *o);
        o->subscriber = subscriber;
        table_insert(&H.owners, o, hash_ptr(subscriber), owner_hash);
    }
    stream_t *st = stream_find(stream, len, h);
    if (!st) {
        st = qr_xcalloc(1, sizeof *st + len + 1);
        st->hash = h;
        st->name_len = len;
        memcpy(st->name, stream, len + 1);
        table_insert(&H.streams, st, h, stream_hash);
        if (H.bridge) st->waiting = qr_bridge_subscribe(st->name);
    }
    group_t *g = st->groups;
    while (g && !same_identifier(g->identifier, identifier)) g = g->next;
    if (!g) {
        g = qr_xcalloc(1, sizeof *g);
        g->stream = st;
        g->identifier = identifier ? qr_xstrdup(identifier) : NULL;
        g->next = st->groups;
        st->groups = g;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->subs = qr_xrealloc(g->subs, g->cap * sizeof *g->subs);
    }
    sub_t *s = qr_xcalloc(1, sizeof *s);
    s->owner = o;
    s->group = g;
    s->idx = g->n;
    g->subs[g->n++] = s;
    s->next = o->subs;
    o->subs = s;
    st->nsubs++;
    H.nsubs++;
    return st->waiting;
}

/* Unlinks s from its group (and frees the group / stream when empty); not from its owner. */
static void sub_detach(sub_t *s)
{
    group_t *g = s->group;
    stream_t *st = g->stream;
    sub_t *last = g->subs[--g->n];
    g->subs[s->idx] = last;
    last->idx = s->idx;
    st->nsubs--;
    H.nsubs--;
    if (g->n == 0) {
        group_t **pp = &st->groups;
        while (*pp != g) pp = &(*pp)->next;
        *pp = g->next;
        free(g->identifier);
        free(g->subs);
        free(g);
    }
    if (st->nsubs == 0) {
        QR_ASSERT(st->groups == NULL);
        if (H.bridge) qr_bridge_unsubscribe(st->name);
        table_remove(&H.streams, st, st->hash);
        free(st);
    }
    free(s);
}

static void owner_drop_if_empty(owner_t *o)
{
    if (o->subs) return;
    table_remove(&H.owners, o, hash_ptr(o->subscriber));
    free(o);
}

void qr_hub_unsubscribe(const char *stream, void *subscriber, const char *identifier)
{
    if (!H.initialised) return;
    owner_t *o = owner_find(subscriber);
    if (!o) return;
    size_t len = strlen(stream);
    for (sub_t **pp = &o->subs; *pp; pp = &(*pp)->next) {
        sub_t *s = *pp;
        if (s->group->stream->name_len == len && memcmp(s->group->stream->name, stream, len) == 0 &&
            same_identifier(s->group->identifier, identifier)) {
            *pp = s->next;
            sub_detach(s);
            owner_drop_if_empty(o);
            return;
        }
    }
}

void qr_hub_unsubscribe_all(void *subscriber)
{
    if (!H.initialised) return;
    owner_t *o = owner_find(subscriber);
    if (!o) return;
    while (o->subs) {
        sub_t *s = o->subs;
        o->subs = s->next;
        sub_detach(s);
    }
    owner_drop_if_empty(o);
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t g_broadcasts; /* outside H: survives qr_hub_shutdown, as a counter should */
static qr_hub_fanout_stats_t g_fanout;  /* likewise */

void qr_hub_deliver_local(const char *stream, size_t stream_len, const char *message_json, size_t message_len)
{
    g_broadcasts++;
    stream_t *st = stream_find(stream, stream_len, hash_bytes(stream, stream_len));
    if (!st || !H.deliver) return;
    uint64_t t0 = qr_now_ns(), c0 = st->nsubs >= 1000 ? cpu_ns() : 0;
    size_t nsubs = st->nsubs;
    for (group_t *g = st->groups; g; g = g->next) {
        const char *frame = message_json;
        size_t frame_len = message_len;
        if (g->identifier) {
            qr_buf_reset(&H.payload);
            qr_buf_append_str(&H.payload, "{\"identifier\":");
            qr_buf_append_json_str(&H.payload, g->identifier, strlen(g->identifier));
            qr_buf_append_str(&H.payload, ",\"message\":");
            qr_buf_append(&H.payload, message_json, message_len);
            qr_buf_append(&H.payload, "}", 1);
            qr_buf_reset(&H.frame);
            qr_ws_frame_text(&H.frame, H.payload.data, H.payload.len);
            frame = H.frame.data;
            frame_len = H.frame.len;
        }
        /* The deliver callback must not (un)subscribe synchronously (cable.c defers). */
        for (size_t i = 0; i < g->n; i++) H.deliver(g->subs[i]->owner->subscriber, frame, frame_len);
    }
    uint64_t ns = qr_now_ns() - t0;
    g_fanout.count++;
    g_fanout.sum_ns += ns;
    if (ns > g_fanout.max_ns) g_fanout.max_ns = ns;
    g_fanout.last_ns = ns;
    g_fanout.last_subscribers = nsubs;
    if (c0) qr_debug("hub: fan-out of %zu bytes to %zu subscribers in %.2f ms (cpu %.2f ms)", message_len, nsubs,
                     (double)ns / 1e6, (double)(cpu_ns() - c0) / 1e6);
}

void qr_hub_publish(const char *stream, size_t stream_len, const char *message_json, size_t message_len)
{
    if (H.bridge && qr_bridge_connected() &&
        qr_bridge_publish(stream, stream_len, message_json, message_len) == 0)
        return; /* comes back through qr_hub_deliver_local */
    qr_hub_deliver_local(stream, stream_len, message_json, message_len);
}

uint64_t qr_hub_broadcast_count(void) { return g_broadcasts; }
void qr_hub_fanout_stats(qr_hub_fanout_stats_t *out) { *out = g_fanout; }
int qr_hub_bridge_state(void) { return H.bridge ? qr_bridge_connected() != 0 : -1; }

size_t qr_hub_stream_count(void) { return H.initialised ? H.streams.n : 0; }
size_t qr_hub_subscription_count(void) { return H.nsubs; }

void qr_hub_shutdown(void)
{
    if (H.bridge) qr_bridge_stop();
    H.bridge = 0;
    if (!H.initialised) return;
    for (size_t i = 0; i < H.owners.nb; i++) {
        while (H.owners.b[i]) qr_hub_unsubscribe_all(((owner_t *)H.owners.b[i])->subscriber);
    }
    QR_ASSERT(H.streams.n == 0 && H.nsubs == 0);
    free(H.streams.b);
    free(H.owners.b);
    qr_buf_free(&H.payload);
    qr_buf_free(&H.frame);
    memset(&H, 0, sizeof H);
}
