/* serve.c — the supervisor's router (serve.h): the one qr_http_handler_t. For each request, in
 * order: a WebSocket upgrade to the cable path goes to cable.c; the server's own endpoints
 * (the ENDPOINTS table below: GET /__quickrail/stats, GET /up, GET /metrics); a GET/HEAD that
 * names a file under the app's public/ goes to static.c; in development after a reload that
 * failed to boot, the error page (ops.c); everything else is queued for a worker (pool.c),
 * whose answer (or the server's 500/503 instead) goes back through qr_http_respond. Every
 * answer is counted for /metrics (ops.c). Calls http.c, cable.c, static.c, pool.c, ops.c;
 * never supervisor.c (it gets what it needs through qr_serve_ops_t). Runs on the supervisor's loop; never blocks
 * apart from static.c's page-cache reads and the small public/NNN.html error pages. */
#include "serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cable.h"
#include "common.h"
#include "log.h"
#include "ops.h"
#include "pool.h"
#include "static.h"

static qr_serve_ops_t g_ops;
static char g_public[4200];

/* ---------------------------------------------------------------- answers of the server */

static void read_public_page(int status, qr_buf_t *out)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%d.html", g_public, status);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) qr_buf_append(out, tmp, n);
    fclose(f);
}

/* A response the server makes itself (500, 503, 404): the app's public/NNN.html for 5xx and
 * 404 when there is one, else text. */
static void server_response(qr_conn_t *c, int status, const char *extra, const char *text, const char *via)
{
    qr_buf_t body = QR_BUF_INIT;
    const char *ctype = "text/plain; charset=utf-8";
    if (status >= 500 || status == 404) read_public_page(status, &body);
    if (body.len) ctype = "text/html; charset=utf-8";
    else qr_buf_appendf(&body, "%s\n", text);
    qr_http_response_t res = {.status = status, .content_type = ctype, .extra = extra,
                              .body = body.data, .body_len = body.len, .via = via};
    qr_http_respond(c, &res);
    qr_buf_free(&body);
}

/* ---------------------------------------------------------------- the server's endpoints */

/* An endpoint answers (returns 1) or declines (returns 0: the request goes on to static files
 * and the app). New endpoints (GET /up, GET /metrics) are one function and one row below. */
typedef int (*endpoint_fn)(qr_conn_t *c, const qr_request_t *req);

static int ep_stats(qr_conn_t *c, const qr_request_t *req)
{
    (void)req;
    if (!g_ops.stats_json) return 0;
    qr_buf_t b = QR_BUF_INIT;
    g_ops.stats_json(g_ops.ud, &b);
    qr_http_response_t res = {.status = 200, .content_type = "application/json",
                              .extra = "Cache-Control: no-store\r\n", .body = b.data,
                              .body_len = b.len, .via = "stats"};
    qr_http_respond(c, &res);
    qr_buf_free(&b);
    return 1;
}

static int is_get(const qr_request_t *req) { return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0; }

/* Rails 7.1's health check: 200 once the app booted and an active worker is ready, else 503. */
static int ep_up(qr_conn_t *c, const qr_request_t *req)
{
    if (!is_get(req)) return 0;
    int ok = g_ops.app_booted(g_ops.ud) && qr_pool_ready_workers() > 0;
    qr_buf_t b = QR_BUF_INIT;
    qr_ops_up_page(&b, ok);
    qr_http_response_t res = {.status = ok ? 200 : 503, .content_type = "text/html; charset=utf-8",
                              .extra = "Cache-Control: no-store\r\n", .body = b.data, .body_len = b.len, .via = "up"};
    qr_http_respond(c, &res);
    qr_buf_free(&b);
    return 1;
}

static int ep_metrics(qr_conn_t *c, const qr_request_t *req)
{
    if (!is_get(req) || !qr_ops_metrics_enabled()) return 0;
    qr_ops_sup_metrics_t sm;
    memset(&sm, 0, sizeof sm);
    g_ops.metrics(g_ops.ud, &sm);
    qr_buf_t b = QR_BUF_INIT;
    qr_ops_metrics_text(&b, &sm);
    qr_http_response_t res = {.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8",
                              .extra = "Cache-Control: no-store\r\n", .body = b.data, .body_len = b.len, .via = "metrics"};
    qr_http_respond(c, &res);
    qr_buf_free(&b);
    return 1;
}

static const struct {
    const char *path; /* exact match on the path (without the query) */
    endpoint_fn fn;
} ENDPOINTS[] = {
    {"/__quickrail/stats", ep_stats},
    {"/up", ep_up},
    {"/metrics", ep_metrics},
};

/* Development, after a reload that did not boot: every app request gets the error. */
static int serve_boot_error(qr_conn_t *c)
{
    const char *err = g_ops.boot_error ? g_ops.boot_error(g_ops.ud) : NULL;
    if (!err) return 0;
    qr_buf_t b = QR_BUF_INIT;
    qr_ops_boot_error_page(&b, err);
    qr_http_response_t res = {.status = 500, .content_type = "text/html; charset=utf-8",
                              .extra = "Cache-Control: no-store\r\n", .body = b.data, .body_len = b.len, .via = "reload"};
    qr_http_respond(c, &res);
    qr_buf_free(&b);
    return 1;
}

static int serve_endpoint(qr_conn_t *c, const qr_request_t *req)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(ENDPOINTS); i++)
        if (strcmp(req->path, ENDPOINTS[i].path) == 0) return ENDPOINTS[i].fn(c, req);
    return 0;
}

/* ---------------------------------------------------------------- static files */

static int serve_static(qr_conn_t *c, const qr_request_t *req)
{
    int is_head = strcmp(req->method, "HEAD") == 0;
    if (!is_head && strcmp(req->method, "GET") != 0) return 0;
    if (!g_public[0] || req->path[0] != '/') return 0;
    qr_static_file_t f;
    int r = qr_static_lookup(g_public, req->path, !is_head, &f);
    if (r == QR_STATIC_NOT_FOUND) return 0;
    if (r == QR_STATIC_REFUSED) {
        server_response(c, 404, NULL, "Not found", "static");
        return 1;
    }
    if (r == QR_STATIC_BAD_ESCAPE) { /* as Rails: ActionController::BadRequest */
        qr_info("bad request from %s: invalid %%-encoding in the path", req->remote_addr ? req->remote_addr : "-");
        server_response(c, 400, NULL, "Bad request: invalid %-encoding in the path", "static");
        return 1;
    }
    char extra[256];
    snprintf(extra, sizeof extra, "ETag: %s\r\nCache-Control: %s\r\n", f.etag,
             f.immutable ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate");
    size_t inm_len;
    const char *inm = qr_header_find(req->headers, req->nheaders, "if-none-match", &inm_len);
    qr_header_t ct = {"Content-Type", 12, f.mime, strlen(f.mime)};
    /* body NULL for HEAD: the Content-Length of the file, no body */
    qr_http_response_t res = {.status = 200, .headers = &ct, .nheaders = 1, .extra = extra,
                              .body = f.data, .body_len = f.len, .via = "static"};
    if (inm && qr_static_etag_matches(inm, inm_len, f.etag))
        res = (qr_http_response_t){.status = 304, .extra = extra, .via = "static"};
    qr_http_respond(c, &res);
    qr_static_file_free(&f);
    return 1;
}

/* ---------------------------------------------------------------- the app (pool) */

static void on_pool_response(void *ud, const qr_pool_response_t *res)
{
    qr_conn_t *c = ud;
    char who[32];
    if (res->worker_id) snprintf(who, sizeof who, "w%u", res->worker_id);
    else snprintf(who, sizeof who, "pool");
    if (res->error) {
        const char *text = res->error == -ETIMEDOUT ? "The request took too long and was stopped."
                         : res->error == -EAGAIN ? "No worker is available right now; retry shortly."
                         : "We're sorry, but something went wrong.";
        int status = res->status ? res->status : 500;
        server_response(c, status, status == 503 ? "Retry-After: 1\r\n" : NULL, text, who);
    } else {
        qr_http_response_t r = {.status = res->status, .headers = res->headers, .nheaders = res->nheaders,
                                .body = res->body, .body_len = res->body_len, .via = who};
        qr_http_respond(c, &r);
    }
}

static void serve_app(qr_conn_t *c, const qr_request_t *req)
{
    int r = qr_pool_request(req, on_pool_response, c);
    if (r == 0) return; /* on_pool_response answers */
    server_response(c, 503, "Retry-After: 1\r\n",
                    r == QR_ETOOBIG ? "Server busy: too many requests are waiting; retry shortly."
                                    : "No worker is available right now; retry shortly.",
                    "pool");
}

/* ---------------------------------------------------------------- the handler */

static void on_request(void *ud, qr_conn_t *c, const qr_request_t *req)
{
    (void)ud;
    if (req->upgrade && qr_cable_wants(req)) {
        if (!qr_cable_accept(c, req)) qr_http_end_raw(c); /* refused: the answer is written */
        return;
    }
    if (serve_endpoint(c, req)) return;
    if (serve_static(c, req)) return;
    if (serve_boot_error(c)) return;
    serve_app(c, req);
}

static void on_answered(void *ud, const char *method, const char *path, size_t path_len, int status, uint64_t dur_ns)
{
    (void)ud;
    qr_ops_observe(method, path, path_len, status, dur_ns);
}

static void on_abort(void *ud, qr_conn_t *c)
{
    (void)ud;
    qr_pool_cancel(c);
}

static qr_http_handler_t g_handler = {.on_request = on_request, .on_abort = on_abort};

int qr_serve_init(const qr_config_t *cfg, const qr_serve_ops_t *ops)
{
    g_ops = *ops;
    qr_ops_init(cfg);
    g_handler.on_answered = qr_ops_metrics_enabled() ? on_answered : NULL;
    snprintf(g_public, sizeof g_public, "%s/public", cfg->app_dir);
    return 0;
}

const qr_http_handler_t *qr_serve_handler(void) { return &g_handler; }
