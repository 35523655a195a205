/* bridge.h — the cluster broadcast adapter: Redis pub/sub (bridge_redis.c, hiredis on the
 * supervisor's libuv loop) or PostgreSQL LISTEN/NOTIFY (bridge_pg.c, libpq non-blocking on the
 * loop), chosen by cfg->cable_url. Wire-compatible with Rails' Action Cable redis and postgresql
 * adapters. Called only by hub.c. Never blocks the loop; reconnects with backoff. */
#ifndef QR_BRIDGE_H
#define QR_BRIDGE_H

#include <stddef.h>
#include <uv.h>
#include "config.h"

/* Called for every message the cluster delivers on a subscribed stream (including the ones
 * this node published). Arguments are borrowed during the call. */
typedef void (*qr_bridge_deliver_cb)(const char *stream, size_t stream_len,
                                     const char *message_json, size_t message_len);

/* Starts the adapter named by cfg->cable_url (no-op returning 0 when it is empty).
 * Returns 0 or QR_ECONFIG for an unsupported URL. */
int qr_bridge_start(uv_loop_t *loop, const qr_config_t *cfg, qr_bridge_deliver_cb deliver);
/* 1 when an adapter is configured and currently connected. */
int qr_bridge_connected(void);
/* Publishes to the cluster. Returns 0 when handed to the cluster (the message will come back
 * through deliver), or a negative code when not connected (the caller delivers locally). */
int qr_bridge_publish(const char *stream, size_t stream_len, const char *message_json, size_t message_len);
/* Called when the cluster acknowledged listening to a stream that qr_bridge_subscribe said to
 * wait for (Redis answered the SUBSCRIBE, PostgreSQL completed the LISTEN), or when the listening
 * connection was lost before it did (nothing to wait for any more: messages are delivered
 * locally until it is back). stream is borrowed during the call. */
typedef void (*qr_bridge_ready_cb)(const char *stream, size_t stream_len);
void qr_bridge_set_ready_cb(qr_bridge_ready_cb ready);
/* Starts / stops listening to a stream (first local subscriber / last one gone). Remembered
 * across reconnects. qr_bridge_subscribe returns 1 when a subscription was sent to the
 * connected cluster and ready will be called for stream; 0 when there is nothing to wait for
 * (no adapter, not connected: it is subscribed again on reconnect; or already in place). */
int qr_bridge_subscribe(const char *stream);
void qr_bridge_unsubscribe(const char *stream);
void qr_bridge_stop(void);

#endif
