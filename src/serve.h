/* serve.h — what the supervisor does with a request: the router between http.c (below) and
 * the subsystems that answer (cable.c, static.c, pool.c, the server's own endpoints). The
 * supervisor wires it: qr_serve_init, then qr_http_start(..., qr_serve_handler()).
 * Runs on the supervisor's loop; never blocks (apart from static.c's small page-cache reads). */
#ifndef QR_SERVE_H
#define QR_SERVE_H

#include "buf.h"
#include "config.h"
#include "http.h"
#include "ops.h"

/* What the router needs from the layer that wires it (supervisor.c). Copied at init. */
typedef struct {
    /* Appends the stats JSON document to b; NULL when GET /__quickrail/stats is off. */
    void (*stats_json)(void *ud, qr_buf_t *b);
    /* Development: the error of the last reload that failed to boot (every app request then
     * gets the error page), NULL when the code loads or a reload is under way. Borrowed.
     * The function may be NULL (never an error page). */
    const char *(*boot_error)(void *ud);
    /* 1 once the app booted and while the server is not stopping (GET /up). */
    int (*app_booted)(void *ud);
    /* The supervisor's figures for GET /metrics. */
    void (*metrics)(void *ud, qr_ops_sup_metrics_t *m);
    void *ud;
} qr_serve_ops_t;

/* Takes the public/ folder from cfg->app_dir and copies ops (every function but stats_json
 * and boot_error required). Returns 0. */
int qr_serve_init(const qr_config_t *cfg, const qr_serve_ops_t *ops);
/* The handler to give qr_http_start (static storage). */
const qr_http_handler_t *qr_serve_handler(void);

#endif
