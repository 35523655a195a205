/* hub.h — in-memory publish/subscribe of the supervisor: stream name -> subscribers, and the
 * link to the cluster bridge (bridge.h) when CABLE_URL is set. A broadcast's frame is built
 * once and the same bytes are written to every subscriber. Per stream, delivery keeps the
 * publish order. Runs on the supervisor's loop; never blocks. */
#ifndef QR_HUB_H
#define QR_HUB_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "config.h"

/* Delivers one message to one subscriber. frame/len is the complete WebSocket frame of
 * {"identifier":<identifier>,"message":<message_json>} when the subscriber registered an
 * identifier, else the raw message_json; borrowed during the call. The callback must not
 * subscribe or unsubscribe synchronously (defer it: the hub is iterating). */
typedef void (*qr_hub_deliver_cb)(void *subscriber, const char *frame, size_t len);

int qr_hub_init(uv_loop_t *loop, const qr_config_t *cfg, qr_hub_deliver_cb deliver);

/* Tells a subscriber that a stream it waited for (qr_hub_subscribe returned 1) now receives
 * the cluster's messages. Called once per (subscriber, identifier) of the stream; arguments
 * are borrowed; the callback must not subscribe or unsubscribe synchronously. */
typedef void (*qr_hub_ready_cb)(void *subscriber, const char *stream, const char *identifier);
void qr_hub_set_ready_cb(qr_hub_ready_cb ready);

/* Subscribes (subscriber, identifier) to stream. Idempotent for the same triple.
 * identifier is the Action Cable identifier string as received (copied). Returns 1 when the
 * stream is not yet listened to on the cluster (the bridge is connected and its SUBSCRIBE /
 * LISTEN is not acknowledged yet): the ready callback follows; 0 when messages already flow
 * (single node, bridge down, or a stream already in place). */
int qr_hub_subscribe(const char *stream, void *subscriber, const char *identifier);
void qr_hub_unsubscribe(const char *stream, void *subscriber, const char *identifier);
/* Removes every subscription of subscriber (connection closed). */
void qr_hub_unsubscribe_all(void *subscriber);

/* Publishes a message (message_json: a JSON value) to stream on every node: through the
 * cluster bridge when one is connected, else straight to local subscribers. */
void qr_hub_publish(const char *stream, size_t stream_len, const char *message_json, size_t message_len);
/* Delivers to local subscribers only (what the bridge calls on a message from the cluster). */
void qr_hub_deliver_local(const char *stream, size_t stream_len, const char *message_json, size_t message_len);

/* Stops the bridge and drops every subscription (process exit, tests). */
void qr_hub_shutdown(void);

size_t qr_hub_stream_count(void);
size_t qr_hub_subscription_count(void);
/* Broadcasts delivered to this node's subscribers since start (local and from the bridge). */
uint64_t qr_hub_broadcast_count(void);

/* Server-side fan-out time: from the start of a broadcast with subscribers to its frame
 * handed to the last subscriber's socket (first to last write), since start. */
typedef struct {
    uint64_t count;        /* broadcasts that had at least one local subscriber */
    uint64_t sum_ns, max_ns;
    uint64_t last_ns;      /* the latest one */
    size_t last_subscribers;
} qr_hub_fanout_stats_t;
void qr_hub_fanout_stats(qr_hub_fanout_stats_t *out);
/* The cluster bridge: -1 none configured, 0 configured but disconnected, 1 connected. */
int qr_hub_bridge_state(void);

#endif
