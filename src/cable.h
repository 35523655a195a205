/* cable.h — Action Cable over WebSocket in the supervisor: the upgrade handshake (origin check,
 * subprotocol), WebSocket framing (websocket.c), the Action Cable protocol (welcome, ping
 * every 3 s from one timer, subscribe/unsubscribe/message), Turbo::StreamsChannel natively with
 * signed stream names (signed_stream.c), and app-defined channels run in workers through
 * qr_pool_cable. Subscriptions live in hub.c. Runs on the supervisor's loop; never blocks.
 *
 * Cable operations sent to a worker (op_json) and their answers (result_json), handled in JS by
 * the cable entry of the app module's default export, cable.handle(op_json) (lib/quickrail/cable.js):
 *   {"op":"connect","url":"/cable?x=1","headers":{"cookie":"...","origin":"..."}}
 *     -> {"ok":true,"identifiers":{...}}   or {"ok":false}  (-> disconnect unauthorized)
 *   {"op":"subscribe","identifiers":{...},"identifier":"<id string>"}
 *     -> {"ok":true|false,"transmit":[<json>...],"streams":["name"...]}
 *        ok:false -> reject_subscription; "ok":null -> unknown channel (logged, nothing sent)
 *   {"op":"perform","identifiers":{...},"identifier":"<id>","data":"<data string>"}
 *     -> {"transmit":[...],"streams":[...],"stopStreams":[...]}
 *   {"op":"unsubscribe","identifiers":{...},"identifier":"<id>"} -> {}
 * An app without app/channels answers connect with {"ok":true,"identifiers":{}} and subscribe
 * with "ok":null (when the workers declared the app's channel names in READY, a subscribe to
 * any other channel is answered here, "Subscription class not found", with no worker op); Turbo::StreamsChannel never reaches a worker. An app without a connect hook
 * (qr_pool_cable_needs_connect() == 0, from the workers' READY) is never asked to connect: the
 * welcome follows the handshake at once, with identifiers {}. */
#ifndef QR_CABLE_H
#define QR_CABLE_H

#include <stddef.h>
#include <uv.h>
#include "config.h"
#include "http.h"
#include "signed_stream.h"

/* Starts cable on loop; cfg is borrowed for the process's life. Derives no key: see below. */
int qr_cable_init(uv_loop_t *loop, const qr_config_t *cfg);

/* Adopts the Turbo stream key (copied) that a zygote derived from this very cfg's
 * secret_key_base, so the supervisor does not run the PBKDF2 again. Without it, cable derives
 * the key itself at the first Turbo subscription. */
void qr_cable_set_stream_key(const unsigned char key[QR_STREAM_KEY_LEN]);

/* 1 when req is a WebSocket upgrade request for cfg->cable_path. */
int qr_cable_wants(const qr_request_t *req);

/* Handles the upgrade request on c: writes 101 and upgrades c (qr_conn_upgrade), or writes
 * the refusal (404 "Page not found" for a bad origin, 400 for a bad handshake) and lets http.c
 * continue. Returns 1 when upgraded, 0 when refused. */
int qr_cable_accept(qr_conn_t *c, const qr_request_t *req);

/* Graceful shutdown: sends {"type":"disconnect","reason":"server_restart","reconnect":true}
 * to every connection, then closes them; stops the ping timer. */
void qr_cable_shutdown(void);

size_t qr_cable_connection_count(void);

#endif
