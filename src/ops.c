/* ops.c — what the server says about itself (ops.h), rendered for serve.c: the GET /up page
 * (Rails 7.1's green/red), GET /metrics in the Prometheus text format (requests by method,
 * route and status and a latency histogram, counted here; the pool's, hub's and cable's
 * figures read from them; the supervisor's handed in) and the development page of a failed
 * reload (the error with a source excerpt and a caret). Routes are the request path with
 * numeric and hex-id segments folded to :id, at most QR_OPS_MAX_ROUTES of them. Runs on the
 * supervisor's loop; calls pool.c, cable.c, hub.c, common.c; never serve.c or supervisor.c. */
#include "ops.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cable.h"
#include "common.h"
#include "hub.h"
#include "pool.h"

#define QR_OPS_MAX_ROUTES 256
#define QR_OPS_NBUCKETS 12

static const qr_config_t *g_cfg;
static int g_metrics;

/* latency buckets, seconds (Prometheus' default set, trimmed) */
static const double g_bounds[QR_OPS_NBUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

typedef struct {
    char method[8];
    char route[96];
    int status;
    uint64_t count;
} route_count_t;

static route_count_t g_routes[QR_OPS_MAX_ROUTES];
static size_t g_nroutes;
static uint64_t g_other_routes;
static uint64_t g_buckets[QR_OPS_NBUCKETS];
static uint64_t g_lat_count;
static double g_lat_sum;

void qr_ops_init(const qr_config_t *cfg)
{
    g_cfg = cfg;
    const char *m = getenv("QUICKRAIL_METRICS");
    g_metrics = (m && strcmp(m, "1") == 0) || strcmp(cfg->env, "test") == 0;
}

int qr_ops_metrics_enabled(void) { return g_metrics; }

/* ---------------------------------------------------------------- observe */

static int id_like(const char *s, size_t n)
{
    if (n == 0) return 0;
    int digits = 1, hex = n >= 16;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c < '0' || c > '9') digits = 0;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) hex = 0;
    }
    return digits || hex;
}

/* "/articles/12/comments/3.json" -> "/articles/:id/comments/:id.json" */
static void fold_route(const char *path, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < len && o + 1 < cap) {
        if (path[i] == '/') { out[o++] = '/'; i++; continue; }
        size_t j = i;
        while (j < len && path[j] != '/') j++;
        size_t seg = j - i, ext = seg;
        for (size_t k = i; k < j; k++) if (path[k] == '.') { ext = k - i; break; }
        if (id_like(path + i, ext)) {
            const char *id = ":id";
            for (const char *p = id; *p && o + 1 < cap; p++) out[o++] = *p;
            for (size_t k = i + ext; k < j && o + 1 < cap; k++) out[o++] = path[k];
        } else {
            for (size_t k = i; k < j && o + 1 < cap; k++) out[o++] = path[k];
        }
        i = j;
    }
    out[o] = 0;
}

void qr_ops_observe(const char *method, const char *path, size_t path_len, int status, uint64_t dur_ns)
{
    if (!g_metrics) return;
    double s = (double)dur_ns / 1e9;
    for (int i = 0; i < QR_OPS_NBUCKETS; i++)
        if (s <= g_bounds[i]) g_buckets[i]++;
    g_lat_count++;
    g_lat_sum += s;
    char route[96];
    fold_route(path ? path : "", path ? path_len : 0, route, sizeof route);
    const char *m = method ? method : "-";
    for (size_t i = 0; i < g_nroutes; i++) {
        route_count_t *r = &g_routes[i];
        if (r->status == status && strcmp(r->route, route) == 0 && strcmp(r->method, m) == 0) { r->count++; return; }
    }
    if (g_nroutes == QR_OPS_MAX_ROUTES) { g_other_routes++; return; }
    route_count_t *r = &g_routes[g_nroutes++];
    snprintf(r->method, sizeof r->method, "%s", m);
    snprintf(r->route, sizeof r->route, "%s", route);
    r->status = status;
    r->count = 1;
}

/* ---------------------------------------------------------------- pages */

static void html_escape(qr_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': qr_buf_append_str(b, "&lt;"); break;
        case '>': qr_buf_append_str(b, "&gt;"); break;
        case '&': qr_buf_append_str(b, "&amp;"); break;
        case '"': qr_buf_append_str(b, "&quot;"); break;
        default: qr_buf_append(b, s + i, 1);
        }
    }
}

/* Finds the first "APP_DIR/...:LINE[:COL]" in text; 1 when found. */
static int find_location(const char *text, char *file, size_t cap, long *line, long *col)
{
    size_t al = strlen(g_cfg->app_dir);
    for (const char *p = strstr(text, g_cfg->app_dir); p; p = strstr(p + 1, g_cfg->app_dir)) {
        const char *q = p + al;
        const char *e = q;
        while (*e && *e != ':' && *e != ' ' && *e != '\n' && *e != ')') e++;
        if (*e != ':' || e[1] < '0' || e[1] > '9') continue;
        size_t n = (size_t)(e - p);
        if (n >= cap) continue;
        memcpy(file, p, n);
        file[n] = 0;
        char *end;
        *line = strtol(e + 1, &end, 10);
        *col = *end == ':' ? strtol(end + 1, NULL, 10) : 0;
        return *line > 0;
    }
    return 0;
}

/* QuickJS names no column for a syntax error, but it names the token ("unexpected token in
 * expression: ';'"): its first place on the failing line is the column. 0 when unknown. */
static long token_column(const char *err, const char *src_line)
{
    const char *t = strstr(err, "token");
    const char *nl = strchr(err, '\n');
    if (!t || (nl && t > nl)) return 0;
    const char *q = strstr(t, ": '");
    if (!q || (nl && q > nl)) return 0;
    q += 3;
    const char *e = strchr(q, '\'');
    if (!e || e == q || (nl && e > nl)) return 0;
    char tok[64];
    size_t n = (size_t)(e - q);
    if (n >= sizeof tok) return 0;
    memcpy(tok, q, n);
    tok[n] = 0;
    const char *at = strstr(src_line, tok);
    return at ? (long)(at - src_line) + 1 : 0;
}

/* Lines line-3 .. line+3 of file, the failing one marked, a caret under its column (or under
 * the token a syntax error names). */
static void source_excerpt(qr_buf_t *b, const char *file, long line, long col, const char *err)
{
    FILE *f = fopen(file, "r");
    if (!f) return;
    char buf[1024];
    long n = 0;
    qr_buf_append_str(b, "<pre class=\"src\">");
    while (fgets(buf, sizeof buf, f)) {
        n++;
        if (n < line - 3) continue;
        if (n > line + 3) break;
        size_t l = strcspn(buf, "\r\n");
        qr_buf_appendf(b, "%s%5ld | ", n == line ? "<b>&gt;" : " ", n);
        html_escape(b, buf, l);
        if (n == line) qr_buf_append_str(b, "</b>");
        qr_buf_append_str(b, "\n");
        if (n == line && col <= 0) {
            buf[l] = 0;
            col = token_column(err, buf);
        }
        if (n == line && col > 0) {
            qr_buf_append_str(b, "       | ");
            for (long i = 1; i < col; i++) qr_buf_append_str(b, i - 1 < (long)l && buf[i - 1] == '\t' ? "\t" : " ");
            qr_buf_append_str(b, "<b>^</b>\n");
        }
    }
    qr_buf_append_str(b, "</pre>");
    fclose(f);
}

void qr_ops_boot_error_page(qr_buf_t *b, const char *err)
{
    qr_buf_append_str(b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>The app failed to reload</title>"
                         "<style>body{font-family:sans-serif;margin:2em;color:#222}h1{color:#b00;font-size:1.4em}"
                         "pre{background:#f6f6f6;padding:1em;overflow:auto}pre.src b{background:#fdd}</style></head><body>"
                         "<h1>The app failed to reload: the last change does not load</h1>");
    char file[4200];
    long line = 0, col = 0;
    if (find_location(err, file, sizeof file, &line, &col)) {
        qr_buf_append_str(b, "<p><b>");
        html_escape(b, file + strlen(g_cfg->app_dir) + 1, strlen(file + strlen(g_cfg->app_dir) + 1));
        qr_buf_appendf(b, ":%ld", line);
        if (col) qr_buf_appendf(b, ":%ld", col);
        qr_buf_append_str(b, "</b></p>");
        source_excerpt(b, file, line, col, err);
    }
    qr_buf_append_str(b, "<pre>");
    html_escape(b, err, strlen(err));
    qr_buf_append_str(b, "</pre><p>Every page shows this until the code loads again: fix the file and reload "
                         "this page (the server reloads by itself when a file changes).</p></body></html>\n");
}

/* ---------------------------------------------------------------- metrics */

static void metric(qr_buf_t *b, const char *name, const char *type, const char *help, double v)
{
    qr_buf_appendf(b, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, v);
}

void qr_ops_metrics_text(qr_buf_t *b, const qr_ops_sup_metrics_t *sm)
{
    qr_buf_append_str(b, "# HELP quickrail_http_requests_total HTTP requests answered, by method, route (ids folded to :id) and status.\n"
                         "# TYPE quickrail_http_requests_total counter\n");
    for (size_t i = 0; i < g_nroutes; i++) {
        const route_count_t *r = &g_routes[i];
        qr_buf_appendf(b, "quickrail_http_requests_total{method=\"%s\",route=\"", r->method);
        for (const char *p = r->route; *p; p++) {
            if (*p == '"' || *p == '\\') qr_buf_append(b, "\\", 1);
            qr_buf_append(b, p, 1);
        }
        qr_buf_appendf(b, "\",status=\"%d\"} %llu\n", r->status, (unsigned long long)r->count);
    }
    if (g_other_routes)
        qr_buf_appendf(b, "quickrail_http_requests_total{method=\"\",route=\"other\",status=\"\"} %llu\n",
                       (unsigned long long)g_other_routes);
    qr_buf_append_str(b, "# HELP quickrail_http_request_duration_seconds Time from a request's first byte to its answer.\n"
                         "# TYPE quickrail_http_request_duration_seconds histogram\n");
    for (int i = 0; i < QR_OPS_NBUCKETS; i++)
        qr_buf_appendf(b, "quickrail_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", g_bounds[i],
                       (unsigned long long)g_buckets[i]);
    qr_buf_appendf(b, "quickrail_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                      "quickrail_http_request_duration_seconds_sum %.9f\n"
                      "quickrail_http_request_duration_seconds_count %llu\n",
                   (unsigned long long)g_lat_count, g_lat_sum, (unsigned long long)g_lat_count);
    qr_pool_metrics_t pm;
    qr_pool_metrics(&pm);
    metric(b, "quickrail_queue_depth", "gauge", "Requests and cable operations waiting for a worker.", (double)pm.queued);
    qr_buf_append_str(b, "# HELP quickrail_workers Worker processes by state.\n# TYPE quickrail_workers gauge\n");
    qr_buf_appendf(b, "quickrail_workers{state=\"busy\"} %d\nquickrail_workers{state=\"idle\"} %d\n"
                      "quickrail_workers{state=\"spare\"} %d\nquickrail_workers{state=\"starting\"} %d\n",
                   pm.busy, pm.idle, pm.spare, pm.starting);
    metric(b, "quickrail_worker_restarts_total", "counter", "Workers that died and were replaced.", (double)pm.restarts);
    metric(b, "quickrail_watchdog_kills_total", "counter", "Workers killed by the deadline watchdog.", (double)pm.watchdog_kills);
    metric(b, "quickrail_failed_requests_total", "counter", "Requests lost with a worker that died running them (500).", (double)pm.failed);
    metric(b, "quickrail_worker_replacement_seconds", "gauge", "Last worker replacement latency (death seen to a ready worker in its place).",
           (double)pm.last_replacement_ns / 1e9);
    metric(b, "quickrail_worker_replacement_p99_seconds", "gauge", "p99 worker replacement latency over the recent replacements.",
           (double)pm.p99_replacement_ns / 1e9);
    metric(b, "quickrail_zygote_restarts_total", "counter", "Zygote processes that died and were restarted.", (double)sm->zygote_restarts);
    metric(b, "quickrail_reloads_total", "counter", "Code reloads that booted (SIGHUP, quickrail reload, development watcher).", (double)sm->reloads);
    metric(b, "quickrail_reload_failures_total", "counter", "Code reloads whose new code did not boot (the old code kept serving).", (double)sm->reload_failures);
    metric(b, "quickrail_reload_boot_seconds", "gauge", "Boot time of the last reload's new code.", (double)sm->last_reload_ns / 1e9);
    metric(b, "quickrail_backing_off", "gauge", "1 while the restart budget is exhausted.", sm->backing_off);
    metric(b, "quickrail_websocket_connections", "gauge", "Open Action Cable WebSocket connections.", (double)qr_cable_connection_count());
    metric(b, "quickrail_cable_subscriptions", "gauge", "Stream subscriptions held by the hub.", (double)qr_hub_subscription_count());
    metric(b, "quickrail_cable_streams", "gauge", "Streams with at least one subscriber.", (double)qr_hub_stream_count());
    int bridge = qr_hub_bridge_state();
    if (bridge >= 0)
        metric(b, "quickrail_cable_bridge_connected", "gauge", "1 while the cluster bridge (Redis or PostgreSQL) is connected.", bridge);
    metric(b, "quickrail_broadcasts_total", "counter", "Broadcasts published (from workers and the cluster bridge).", (double)qr_hub_broadcast_count());
    qr_hub_fanout_stats_t fo;
    qr_hub_fanout_stats(&fo);
    qr_buf_appendf(b, "# HELP quickrail_cable_fanout_seconds Server-side fan-out of a broadcast: first to last subscriber socket write.\n"
                      "# TYPE quickrail_cable_fanout_seconds summary\n"
                      "quickrail_cable_fanout_seconds_sum %.9f\nquickrail_cable_fanout_seconds_count %llu\n",
                   (double)fo.sum_ns / 1e9, (unsigned long long)fo.count);
    metric(b, "quickrail_cable_fanout_max_seconds", "gauge", "Slowest server-side fan-out since start.", (double)fo.max_ns / 1e9);
    metric(b, "quickrail_cable_fanout_last_seconds", "gauge", "The latest server-side fan-out.", (double)fo.last_ns / 1e9);
    metric(b, "quickrail_cable_fanout_last_subscribers", "gauge", "Subscribers the latest fan-out wrote to.", (double)fo.last_subscribers);
}

/* ---------------------------------------------------------------- /up */

void qr_ops_up_page(qr_buf_t *b, int ok)
{
    qr_buf_appendf(b, "<!DOCTYPE html><html><body style=\"background-color: %s\"></body></html>\n", ok ? "green" : "red");
}
