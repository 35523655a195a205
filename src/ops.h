/* ops.h — the server's own HTTP answers, made in the supervisor without a worker: GET /up
 * (Rails 7.1's health check), GET /metrics (Prometheus text format, when enabled) and, in
 * development, the page that shows why the last reload failed. Runs on the supervisor's loop. */
#ifndef QR_OPS_H
#define QR_OPS_H

#include <stdint.h>
#include "buf.h"
#include "config.h"
#include "http.h"

typedef struct {
    int status;
    const char *content_type;  /* static string */
    qr_buf_t body;             /* owned by the caller after qr_ops_answer returned 1: qr_buf_free */
} qr_ops_reply_t;

/* cfg is borrowed for the life of the process. */
void qr_ops_init(const qr_config_t *cfg);
/* 1 and *out filled when the server answers req itself, 0 when the app should. */
int qr_ops_answer(const qr_http_request_t *req, qr_ops_reply_t *out);
/* Counts one answered HTTP request for /metrics: method and path as received (path without
 * the query; borrowed), status, time from the request's first byte to its answer. */
void qr_ops_observe(const char *method, const char *path, size_t path_len, int status, uint64_t dur_ns);
/* 1 when GET /metrics is served (QUICKRAIL_METRICS=1, or env "test"). */
int qr_ops_metrics_enabled(void);

#endif
