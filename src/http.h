/* http.h — HTTP/1.1 connections in the supervisor: accept, parse (llhttp), limits (431/413/400,
 * slow clients 408), keep-alive, pipelining, and writing responses. It knows nothing of what a
 * request is for: every complete request goes to one handler (qr_http_handler_t), which the
 * layer above (serve.c) supplies. Runs on the supervisor's libuv loop; never blocks.
 *
 * The part other subsystems rely on (serve.c, cable.c) is marked CONTRACT. */
#ifndef QR_HTTP_H
#define QR_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "config.h"
#include "message.h"

/* CONTRACT: a client connection. Owned by http.c; freed after its close callback. */
typedef struct qr_conn_s qr_conn_t;

/* CONTRACT: what happens to a complete request. on_request gets a request whose strings are
 * borrowed for the duration of the call (copy what outlives it). The handler answers exactly
 * once, now or later: qr_http_respond, qr_http_end_raw, or qr_conn_upgrade. Until it does, the
 * connection reads no further request. If the connection closes before the answer, on_abort
 * is called once (the handler must then never touch c again). */
typedef struct {
    void (*on_request)(void *ud, qr_conn_t *c, const qr_request_t *req);
    void (*on_abort)(void *ud, qr_conn_t *c);
    /* Optional (may be NULL): every answered request as it is logged (metrics): the method and
     * path (without the query; borrowed for the call, path not NUL-terminated), the status,
     * and the time from the request's first byte to its answer being queued. */
    void (*on_answered)(void *ud, const char *method, const char *path, size_t path_len, int status,
                        uint64_t duration_ns);
    void *ud;
} qr_http_handler_t;

/* CONTRACT: a response for qr_http_respond. Everything is borrowed for the call. */
typedef struct {
    int status;
    const qr_header_t *headers; /* the app's headers; framing headers (Content-Length,
                                 * Connection, Transfer-Encoding, Date, Keep-Alive) and any with
                                 * CR or LF in them are dropped */
    size_t nheaders;
    const char *content_type;   /* added when headers have no Content-Type; may be NULL */
    const char *extra;          /* raw header lines "Name: value\r\n"..., sent as they are; may be NULL */
    const char *body;           /* not sent for HEAD, 1xx, 204, 304 */
    size_t body_len;            /* also the Content-Length of a HEAD answer */
    const char *via;            /* who answered, for the request log line ("static", "w3") */
} qr_http_response_t;

/* Writes the response to the current request of c, logs the request, and goes on with the next
 * pipelined request (or closes, when the request or the server said so). */
void qr_http_respond(qr_conn_t *c, const qr_http_response_t *res);
/* The handler wrote its answer itself (qr_conn_write): the request is over and the connection
 * closes once the answer is out. */
void qr_http_end_raw(qr_conn_t *c);

/* Queues bytes for writing (copied). Returns 0, or -EPIPE if the connection is closing. */
int qr_conn_write(qr_conn_t *c, const char *data, size_t len);
/* Bytes queued but not yet accepted by the kernel (for slow-consumer limits). */
size_t qr_conn_pending(const qr_conn_t *c);
/* Closes after the queued bytes are written (graceful) or at once (abort != 0). The owner of
 * an upgraded connection gets its on_close callback exactly once either way. */
void qr_conn_close(qr_conn_t *c, int abort);

/* CONTRACT: an upgraded connection is driven by these callbacks (set by qr_conn_upgrade). */
typedef struct {
    void (*on_data)(void *ud, const char *data, size_t len); /* raw bytes after the upgrade */
    void (*on_close)(void *ud);                              /* connection gone; last call */
} qr_conn_upgrade_cbs_t;

/* Switches c from HTTP to raw mode: no more HTTP parsing or timeouts; any bytes already read
 * past the request are delivered to on_data right after this returns (from the loop). */
void qr_conn_upgrade(qr_conn_t *c, const qr_conn_upgrade_cbs_t *cbs, void *ud);

/* Starts listening on cfg->bind:cfg->port; every request goes to *handler (copied).
 * Returns 0 or a negative libuv/errno code. */
int qr_http_start(uv_loop_t *loop, const qr_config_t *cfg, const qr_http_handler_t *handler);
/* Stops accepting; in-flight requests finish; idle keep-alive connections are closed. */
void qr_http_stop_accepting(void);
/* Number of open connections (HTTP and upgraded). */
size_t qr_http_open_connections(void);
/* Number of open connections that are not upgraded (shutdown waits for these). */
size_t qr_http_open_http_connections(void);
/* The port actually bound (useful with -p 0), or -1 when not listening. */
int qr_http_bound_port(void);

#endif
