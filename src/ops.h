/* ops.h — what the server says about itself over HTTP, rendered for serve.c: Rails 7.1's
 * GET /up page, GET /metrics in the Prometheus text format (with the request counters kept
 * here), and the development page that shows why the last reload failed. Pure rendering and
 * counting on the supervisor's loop: the supervisor's own figures come in as arguments. */
#ifndef QR_OPS_H
#define QR_OPS_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "config.h"

/* The supervisor's figures for /metrics. */
typedef struct {
    uint64_t zygote_restarts, reloads, reload_failures, last_reload_ns;
    int backing_off;
} qr_ops_sup_metrics_t;

/* cfg is borrowed for the life of the process (env, app_dir). */
void qr_ops_init(const qr_config_t *cfg);
/* 1 when GET /metrics is served (QUICKRAIL_METRICS=1, or env "test"). */
int qr_ops_metrics_enabled(void);
/* Counts one answered HTTP request: method, path without the query (borrowed, path_len
 * bytes), status, time from its first byte to its answer. */
void qr_ops_observe(const char *method, const char *path, size_t path_len, int status, uint64_t dur_ns);
/* Appends the whole /metrics document (requests, the pool's, hub's and cable's figures, sm). */
void qr_ops_metrics_text(qr_buf_t *b, const qr_ops_sup_metrics_t *sm);
/* Appends the /up page: green when ok, red otherwise (Rails 7.1's). */
void qr_ops_up_page(qr_buf_t *b, int ok);
/* Appends the failed-reload page for err (the boot error: message, file:line): the file and
 * line, the source around it with a caret, the whole error. */
void qr_ops_boot_error_page(qr_buf_t *b, const char *err);

#endif
