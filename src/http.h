/* http.h — HTTP/1.1 connections in the supervisor: accept, parse (llhttp), limits, keep-alive,
 * pipelining, static files, and the hand-off of a request to the pool or of an upgraded
 * connection to the cable. Runs on the supervisor's libuv loop; never blocks.
 *
 * The part of this header other subsystems rely on (cable.c, pool.c) is marked CONTRACT. */
#ifndef QR_HTTP_H
#define QR_HTTP_H

#include <stddef.h>
#include <uv.h>
#include "config.h"
#include "js_host.h"

/* CONTRACT: a parsed request. Everything is borrowed and valid only during the callback
 * that receives it, unless said otherwise. Header names keep the client's case. */
typedef struct {
    const char *method;  /* "GET" ... NUL-terminated */
    const char *target;  /* raw request target, NUL-terminated */
    const char *path;    /* target up to '?', NUL-terminated */
    const char *query;   /* after '?', or "" */
    const qr_header_t *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *remote_addr;
} qr_http_request_t;

/* Returns the value of the first header named name (case-insensitive), or NULL; *len set. */
const char *qr_http_header(const qr_http_request_t *req, const char *name, size_t *len);

/* CONTRACT: a client connection. Owned by http.c; freed after its close callback. */
typedef struct qr_conn_s qr_conn_t;

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

/* Starts listening on cfg->bind:cfg->port. Returns 0 or a negative libuv/errno code. */
int qr_http_start(uv_loop_t *loop, const qr_config_t *cfg);
/* Stops accepting; in-flight requests finish; idle keep-alive connections are closed. */
void qr_http_stop_accepting(void);
/* Number of open connections (HTTP and upgraded). */
size_t qr_http_open_connections(void);
/* Number of open connections that are not upgraded (shutdown waits for these). */
size_t qr_http_open_http_connections(void);
/* The port actually bound (useful with -p 0), or -1 when not listening. */
int qr_http_bound_port(void);

#endif
