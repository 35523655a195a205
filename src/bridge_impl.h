/* bridge_impl.h — internal to the cluster bridge (bridge.c, bridge_redis.c, bridge_pg.c):
 * the table of operations an adapter implements, and the set of remembered streams that
 * bridge.c keeps for every adapter (wire channel name -> stream name), so that an adapter can
 * re-subscribe everything after a reconnect and map a received channel back to its stream.
 * Nothing outside these three files includes it. Supervisor loop only. */
#ifndef QR_BRIDGE_IMPL_H
#define QR_BRIDGE_IMPL_H

#include <stddef.h>
#include <uv.h>
#include "bridge.h"

typedef struct {
    const char *name; /* "redis", "postgresql" */
    /* url: the adapter's URL (borrowed during the call); prefix: Rails' channel_prefix or "". */
    int (*start)(uv_loop_t *loop, const char *url, const char *prefix);
    int (*connected)(void);
    /* wire: channel name on the wire (from wire_name). */
    int (*publish)(const char *wire, const char *msg, size_t msg_len);
    /* Returns 1 when the listen was sent on a live connection: the adapter then calls
     * qr__bridge_listening(wire) on its acknowledgment, or qr__bridge_listen_lost() when the
     * connection is lost first; 0 when it will be sent after the next (re)connect. */
    int (*listen)(const char *wire);
    void (*unlisten)(const char *wire);
    /* Writes the wire channel of stream (prefix applied, hashed when needed); returns owned. */
    char *(*wire_name)(const char *stream, size_t stream_len, const char *prefix);
    void (*stop)(void);
} qr__bridge_ops_t;

extern const qr__bridge_ops_t qr__bridge_redis_ops;
extern const qr__bridge_ops_t qr__bridge_pg_ops;

/* The remembered streams. Lookup by wire name; returns the stream name (borrowed) or NULL. */
const char *qr__bridge_stream_of(const char *wire, size_t wire_len);
/* Calls fn(wire, ud) for every remembered stream (for re-subscribing after a reconnect). */
void qr__bridge_each_wire(void (*fn)(const char *wire, void *ud), void *ud);
size_t qr__bridge_wire_count(void);
/* Hands a message received on wire to hub's deliver callback (ignored when wire is unknown). */
void qr__bridge_deliver(const char *wire, size_t wire_len, const char *msg, size_t msg_len);
/* The cluster acknowledged listening on wire (hands the stream to the ready callback when
 * qr_bridge_subscribe said to wait for it). */
void qr__bridge_listening(const char *wire, size_t wire_len);
/* The listening connection was lost: nothing waits for an acknowledgment any more. */
void qr__bridge_listen_lost(void);
/* Backoff for the n-th reconnect attempt (n >= 1): 100 ms doubling, capped at 5 s. */
unsigned qr__bridge_backoff_ms(unsigned attempt);

#endif
