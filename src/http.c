/* http.c — HTTP/1.1 connections of the supervisor (http.h): accept, llhttp parsing, limits
 * (431/413/400), keep-alive, pipelining (one request at a time per connection, answered in
 * order: the parser is paused after each message and resumed once its response is queued),
 * timeouts for idle and slow clients, and response writing. What a request is for is the
 * handler's business (qr_http_handler_t, given by serve.c): this file calls no subsystem above
 * it. Calls buf.c, message.c, log.c, llhttp, libuv. Runs on the supervisor's libuv loop and
 * never blocks it. Owns every qr_conn_t; frees one after both its handles closed. */
#include "http.h"
#include <ctype.h>
#include <llhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include "buf.h"
#include "common.h"
#include "log.h"

#define QR_LINGER_MS 2000
#define QR_OUTBUF_HIGH (1u << 20) /* stop reading the next pipelined request beyond this */
#define QR_OUTBUF_SHARE (256u << 10) /* unread output a connection may hold once the global cap is hit */
#define QR_MAX_HEADERS 4000       /* fits the worker's frame field table (worker.c) */
#define QR_PIPELINE_HOLD (64u << 10) /* pipelined input buffered while a request runs */

typedef struct {
    size_t name_off, name_len, value_off, value_len;
} hpos_t;

enum { PH_IDLE, PH_READING, PH_HANDLER, PH_LINGER }; /* PH_HANDLER: waiting for the handler's answer */

struct qr_conn_s {
    uv_tcp_t tcp;
    uv_timer_t timer;
    llhttp_t parser;
    int open_handles;
    int closing;          /* uv_close called */
    int close_after_write;
    int reading;
    int phase;
    int upgraded;
    qr_conn_upgrade_cbs_t ucbs;
    void *uud;
    int upgrade_notified;
    qr_buf_t in;          /* input not yet parsed (parser paused) */
    /* the request being read / served; all strings live in hdr */
    qr_buf_t hdr;
    size_t url_len;
    int span;             /* 0 none, 1 in header field, 2 in header value */
    hpos_t *hv;
    size_t nh, caph;
    qr_buf_t body;
    int error_status;
    int expect_continue;
    int keep_alive;
    int is_head;
    int paused_upgrade;
    const char *method;
    size_t path_off, query_off, target_off;
    /* request-line checks (RFC 9112 3: one SP between method, target and version) */
    const char *line_end;   /* end of the last method/target span seen in this read, or NULL */
    unsigned exec_seq;      /* which llhttp_execute call line_end belongs to */
    int saw_version;
    uint64_t t_start;
    size_t pending_write;
    char remote[64];
    qr_conn_t *prev, *next;
};

typedef struct {
    uv_write_t req;
    qr_conn_t *c;
    size_t len;
    char data[];
} wreq_t;

static unsigned g_exec_seq; /* counts llhttp_execute calls (request-line checks) */
static size_t g_pending_total; /* unsent output of every connection (cfg->max_outbuf_total) */
static uv_loop_t *g_loop;
static const qr_config_t *g_cfg;
static uv_tcp_t g_listener;
static int g_listening;
static qr_conn_t *g_conns;
static size_t g_nconns;
static int g_stopping;
static qr_http_handler_t g_handler;
static llhttp_settings_t g_settings;

static void conn_close(qr_conn_t *c);
static void process_input(qr_conn_t *c);
static void arm_timer(qr_conn_t *c, uint64_t ms);
static void start_reading(qr_conn_t *c);
static void on_linger_timeout(uv_timer_t *t);

/* ---------------------------------------------------------------- small helpers */

static const char *reason_phrase(int s)
{
    switch (s) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 418: return "I'm a teapot";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return s < 200 ? "Informational" : s < 300 ? "OK" : s < 400 ? "Redirect" : s < 500 ? "Client Error" : "Server Error";
    }
}

static const char *http_date(void)
{
    static char buf[64];
    static time_t last;
    time_t now = time(NULL);
    if (now != last) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        last = now;
    }
    return buf;
}

static const char *conn_header(const qr_conn_t *c, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < c->nh; i++) {
        if (c->hv[i].name_len == nl && strncasecmp(c->hdr.data + c->hv[i].name_off, name, nl) == 0) {
            *len = c->hv[i].value_len;
            return c->hdr.data + c->hv[i].value_off;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- writing */

static void after_write(uv_write_t *req, int status)
{
    wreq_t *w = (wreq_t *)req;
    qr_conn_t *c = w->c;
    c->pending_write -= w->len;
    g_pending_total -= w->len;
    free(w);
    if (c->closing) return;
    if (status < 0) { conn_close(c); return; }
    if (c->pending_write == 0) {
        if (c->close_after_write) { conn_close(c); return; }
        if (!c->upgraded && c->phase == PH_IDLE) process_input(c);
    } else if (!c->upgraded && c->phase == PH_IDLE) {
        /* the client is reading: give it another idle period to read the rest */
        arm_timer(c, g_cfg->idle_timeout_ms);
    } else if (c->upgraded && c->close_after_write) {
        /* closing, and the client is reading: another linger period for the rest */
        uv_timer_start(&c->timer, on_linger_timeout, QR_LINGER_MS, 0);
    }
}

static int conn_writev(qr_conn_t *c, uv_buf_t *bufs, unsigned n)
{
    if (c->closing || c->phase == PH_LINGER) return -EPIPE;
    size_t total = 0;
    for (unsigned i = 0; i < n; i++) total += bufs[i].len;
    if (total == 0) return 0;
    size_t done = 0;
    if (c->pending_write == 0) {
        int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
        if (r > 0) done = (size_t)r;
        else if (r < 0 && r != UV_EAGAIN) { conn_close(c); return -EPIPE; }
    }
    if (done == total) return 0;
    size_t rest = total - done;
    wreq_t *w = qr_xmalloc(sizeof *w + rest);
    w->c = c;
    w->len = rest;
    size_t off = 0, skip = done;
    for (unsigned i = 0; i < n; i++) {
        size_t l = bufs[i].len;
        if (skip >= l) { skip -= l; continue; }
        memcpy(w->data + off, bufs[i].base + skip, l - skip);
        off += l - skip;
        skip = 0;
    }
    uv_buf_t b = uv_buf_init(w->data, (unsigned)rest);
    int r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, after_write);
    if (r < 0) { free(w); conn_close(c); return -EPIPE; }
    c->pending_write += rest;
    g_pending_total += rest;
    if (g_pending_total > g_cfg->max_outbuf_total && c->pending_write > QR_OUTBUF_SHARE) {
        /* the server's output is at its global cap: a connection holding more than its share
         * unread is the one to go, so clients that never read cannot add up without bound */
        qr_warn("closing a connection from %s: %zu bytes unread while all connections hold %zu "
                "(QUICKRAIL_MAX_OUTBUF_TOTAL %zu)", c->remote, c->pending_write, g_pending_total,
                g_cfg->max_outbuf_total);
        conn_close(c);
        return -EPIPE;
    }
    return 0;
}

int qr_conn_write(qr_conn_t *c, const char *data, size_t len)
{
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    return conn_writev(c, &b, 1);
}

size_t qr_conn_pending(const qr_conn_t *c) { return c->pending_write; }

/* ---------------------------------------------------------------- closing */

static void on_handle_closed(uv_handle_t *h)
{
    qr_conn_t *c = h->data;
    if (--c->open_handles > 0) return;
    if (c->upgraded && !c->upgrade_notified && c->ucbs.on_close) {
        c->upgrade_notified = 1;
        c->ucbs.on_close(c->uud);
    }
    if (c->prev) c->prev->next = c->next; else g_conns = c->next;
    if (c->next) c->next->prev = c->prev;
    g_nconns--;
    qr_buf_free(&c->in);
    qr_buf_free(&c->hdr);
    qr_buf_free(&c->body);
    free(c->hv);
    free(c);
}

static void conn_close(qr_conn_t *c)
{
    if (c->closing) return;
    c->closing = 1;
    if (c->phase == PH_HANDLER && g_handler.on_abort) g_handler.on_abort(g_handler.ud, c);
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void on_linger_timeout(uv_timer_t *t)
{
    qr_conn_t *c = t->data;
    qr_info("closing a connection from %s: %zu bytes still unread %d ms after it was closed", c->remote, c->pending_write, QR_LINGER_MS);
    conn_close(c);
}

void qr_conn_close(qr_conn_t *c, int abort)
{
    if (c->closing) return;
    if (abort || c->pending_write == 0) { conn_close(c); return; }
    /* graceful: after the queued bytes, but a client that stops reading must not keep the
     * connection and its output forever */
    c->close_after_write = 1;
    uv_timer_start(&c->timer, on_linger_timeout, QR_LINGER_MS, 0);
}

/* ---------------------------------------------------------------- timers */

/* An upgraded connection no longer parses HTTP: the upgrade request's buffers go, so an idle
 * WebSocket holds no heap here beyond the qr_conn_t itself (called once the handler that
 * upgraded has returned, when the strings it borrowed are no longer used). */
static void release_http_state(qr_conn_t *c)
{
    if (!c->hdr.cap && !c->hv && !c->body.cap) return;
    qr_buf_free(&c->hdr);
    qr_buf_free(&c->body);
    free(c->hv);
    c->hv = NULL;
    c->nh = c->caph = 0;
    c->url_len = 0;
}

static void on_timeout(uv_timer_t *t)
{
    qr_conn_t *c = t->data;
    if (c->upgraded) { /* delivering bytes read before the upgrade, then reading the rest */
        release_http_state(c);
        if (c->in.len && c->ucbs.on_data) {
            qr_buf_t rest = c->in;
            c->in = (qr_buf_t)QR_BUF_INIT;
            c->ucbs.on_data(c->uud, rest.data, rest.len);
            qr_buf_free(&rest);
        }
        start_reading(c);
        return;
    }
    switch (c->phase) {
    case PH_IDLE:
        if (c->pending_write) {
            qr_info("closing a connection from %s: client not reading (%zu bytes unsent after %u ms)", c->remote,
                    c->pending_write, g_cfg->idle_timeout_ms);
            conn_close(c);
        }
        else conn_close(c);
        break;
    case PH_READING: {
        qr_info("closing a slow connection from %s: request not complete after %u ms", c->remote, g_cfg->idle_timeout_ms);
        static const char r408[] = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        c->close_after_write = 1;
        c->phase = PH_IDLE;
        if (qr_conn_write(c, r408, sizeof r408 - 1) == 0 && c->pending_write == 0) conn_close(c);
        break;
    }
    case PH_LINGER:
        conn_close(c);
        break;
    default:
        break;
    }
}

static void arm_timer(qr_conn_t *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timeout, ms, 0);
}

/* ---------------------------------------------------------------- request state */

static void request_reset(qr_conn_t *c)
{
    qr_buf_reset(&c->hdr);
    qr_buf_reset(&c->body);
    if (c->body.cap > (1u << 20)) qr_buf_free(&c->body);
    if (c->hdr.cap > (64u << 10)) qr_buf_free(&c->hdr);
    c->url_len = 0;
    c->span = 0;
    c->nh = 0;
    c->error_status = 0;
    c->expect_continue = 0;
    c->method = NULL;
    c->line_end = NULL;
    c->saw_version = 0;
}

static int check_header_size(qr_conn_t *c)
{
    if (c->hdr.len > g_cfg->max_header_bytes) { c->error_status = 431; return -1; }
    return 0;
}

static int on_message_begin(llhttp_t *p)
{
    qr_conn_t *c = p->data;
    request_reset(c);
    c->phase = PH_READING;
    c->t_start = qr_now_ns();
    arm_timer(c, g_cfg->idle_timeout_ms);
    return 0;
}

/* A request-line part starts at `at`: when the previous part ended in the same read, exactly
 * one space must separate them (llhttp 8 skips any number). Parts split across reads are not
 * checked. Returns -1 (400) on a double space. */
static int single_space(qr_conn_t *c, const char *at, size_t gap)
{
    if (c->line_end && c->exec_seq == g_exec_seq && at != c->line_end + gap) {
        qr_debug("bad request from %s: more than one space in the request line", c->remote);
        c->error_status = 400;
        return -1;
    }
    return 0;
}

static int on_method(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    c->line_end = at + len;
    c->exec_seq = g_exec_seq;
    return 0;
}

static int on_version(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    if (!c->saw_version && single_space(c, at, 6) != 0) return -1; /* " HTTP/" before "1.1" */
    c->saw_version = 1;
    c->line_end = NULL;
    return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    if (c->url_len == 0 && single_space(c, at, 1) != 0) return -1;
    c->line_end = at + len;
    c->exec_seq = g_exec_seq;
    qr_buf_append(&c->hdr, at, len);
    c->url_len += len;
    return check_header_size(c);
}

static int on_url_complete(llhttp_t *p)
{
    qr_conn_t *c = p->data;
    qr_buf_append(&c->hdr, "", 1); /* NUL after the target */
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    if (c->span != 1) {
        if (c->nh >= QR_MAX_HEADERS) { c->error_status = 431; return -1; }
        if (c->nh == c->caph) {
            c->caph = c->caph ? c->caph * 2 : 32;
            c->hv = qr_xrealloc(c->hv, c->caph * sizeof *c->hv);
        }
        hpos_t *h = &c->hv[c->nh++];
        h->name_off = c->hdr.len;
        h->name_len = 0;
        h->value_off = 0;
        h->value_len = 0;
        c->span = 1;
    }
    qr_buf_append(&c->hdr, at, len);
    c->hv[c->nh - 1].name_len += len;
    return check_header_size(c);
}

static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    if (c->nh == 0) { c->error_status = 400; return -1; } /* a value without a name */
    hpos_t *h = &c->hv[c->nh - 1];
    if (c->span != 2) {
        qr_buf_append(&c->hdr, "", 1); /* NUL after the name */
        h->value_off = c->hdr.len;
        c->span = 2;
    }
    qr_buf_append(&c->hdr, at, len);
    h->value_len += len;
    return check_header_size(c);
}

/* RFC 9110 5.6.2: a field name is a token. */
static int is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int on_header_value_complete(llhttp_t *p)
{
    qr_conn_t *c = p->data;
    if (c->nh == 0 || c->hv[c->nh - 1].name_len == 0) { c->error_status = 400; return -1; }
    for (size_t i = 0; i < c->hv[c->nh - 1].name_len; i++) {
        if (!is_tchar((unsigned char)c->hdr.data[c->hv[c->nh - 1].name_off + i])) {
            qr_debug("bad request from %s: a header name that is not a token", c->remote);
            c->error_status = 400;
            return -1;
        }
    }
    if (c->nh && c->span == 1) { /* empty value */
        qr_buf_append(&c->hdr, "", 1);
        c->hv[c->nh - 1].value_off = c->hdr.len;
    }
    qr_buf_append(&c->hdr, "", 1); /* NUL after the value */
    c->span = 3;
    return 0;
}

/* RFC 9112 3.2 / RFC 3986 3.2.2: Host = uri-host [ ":" port ]: a reg-name, an IPv4 address or a
 * bracketed IP literal, and a port of at most 65535. */
static int host_valid(const char *v, size_t n)
{
    size_t i = 0;
    if (n && v[0] == '[') {
        for (i = 1; i < n && v[i] != ']'; i++)
            if (!(isxdigit((unsigned char)v[i]) || v[i] == ':' || v[i] == '.')) return 0;
        if (i >= n || i == 1) return 0;
        i++;
    } else {
        for (; i < n && v[i] != ':'; i++) {
            unsigned char ch = (unsigned char)v[i];
            if (!(isalnum(ch) || strchr("-._~!$&'()*+,;=%", ch))) return 0;
        }
    }
    if (i == n) return 1;
    if (v[i] != ':') return 0;
    unsigned long port = 0;
    size_t digits = 0;
    for (i++; i < n; i++, digits++) {
        if (!isdigit((unsigned char)v[i]) || digits >= 5) return 0;
        port = port * 10 + (unsigned long)(v[i] - '0');
    }
    return port <= 65535;
}

/* The checks of RFC 9112 that llhttp 8 does not make: a version in the request line, Host
 * (exactly one in HTTP/1.1, well-formed), and no transfer coding but chunked (501). */
static int check_framing(qr_conn_t *c, llhttp_t *p)
{
    if (!c->saw_version) { c->error_status = 400; return -1; }
    size_t nhost = 0, hl = 0;
    const char *host = NULL;
    for (size_t i = 0; i < c->nh; i++) {
        if (c->hv[i].name_len == 4 && strncasecmp(c->hdr.data + c->hv[i].name_off, "host", 4) == 0) {
            nhost++;
            host = c->hdr.data + c->hv[i].value_off;
            hl = c->hv[i].value_len;
        }
    }
    if (nhost > 1 || (nhost == 0 && p->http_major == 1 && p->http_minor >= 1) || (host && !host_valid(host, hl))) {
        qr_info("bad request from %s: %s", c->remote, nhost > 1 ? "more than one Host header"
                : nhost == 0 ? "HTTP/1.1 request without a Host header" : "invalid Host header");
        c->error_status = 400;
        return -1;
    }
    size_t tl;
    const char *te = conn_header(c, "transfer-encoding", &tl);
    if (te) {
        while (tl && (*te == ' ' || *te == '\t')) { te++; tl--; }
        while (tl && (te[tl - 1] == ' ' || te[tl - 1] == '\t')) tl--;
        if (tl != 7 || strncasecmp(te, "chunked", 7) != 0) {
            qr_info("bad request from %s: unsupported Transfer-Encoding", c->remote);
            c->error_status = 501;
            return -1;
        }
    }
    return 0;
}

static int on_headers_complete(llhttp_t *p)
{
    qr_conn_t *c = p->data;
    if (check_framing(c, p) != 0) return -1;
    c->method = llhttp_method_name((llhttp_method_t)p->method);
    c->is_head = p->method == HTTP_HEAD;
    /* path and query, NUL-terminated copies */
    const char *target = c->hdr.data;
    size_t tl = c->url_len;
    const char *q = memchr(target, '?', tl);
    size_t pl = q ? (size_t)(q - target) : tl;
    c->target_off = 0;
    /* the copies below read from c->hdr itself: make room first so no append reallocates
     * (and frees) the bytes it is copying from */
    qr_buf_reserve(&c->hdr, tl + 2);
    c->path_off = c->hdr.len;
    qr_buf_append(&c->hdr, c->hdr.data, pl);
    qr_buf_append(&c->hdr, "", 1);
    c->query_off = c->hdr.len;
    if (q) qr_buf_append(&c->hdr, c->hdr.data + pl + 1, tl - pl - 1);
    qr_buf_append(&c->hdr, "", 1);
    if (c->hdr.len > g_cfg->max_header_bytes + 4096 + c->url_len) { c->error_status = 431; return -1; }
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > g_cfg->max_body_bytes) {
        c->error_status = 413;
        return -1;
    }
    size_t vl;
    const char *ex = conn_header(c, "expect", &vl);
    if (ex && vl == 12 && strncasecmp(ex, "100-continue", 12) == 0) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        qr_conn_write(c, cont, sizeof cont - 1);
    }
    return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t len)
{
    qr_conn_t *c = p->data;
    if (c->body.len + len > g_cfg->max_body_bytes) { c->error_status = 413; return -1; }
    qr_buf_append(&c->body, at, len);
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    qr_conn_t *c = p->data;
    c->keep_alive = llhttp_should_keep_alive(p);
    c->phase = PH_HANDLER;
    uv_timer_stop(&c->timer);
    return p->upgrade ? 0 : HPE_PAUSED;
}

/* ---------------------------------------------------------------- responses */

/* Writes a whole response. headers: n app headers (may be NULL). */
static void write_response(qr_conn_t *c, int status, const qr_header_t *headers, size_t nheaders,
                           const char *ctype, const char *extra, const char *body, size_t body_len)
{
    qr_buf_t h = QR_BUF_INIT;
    qr_buf_reserve(&h, 256);
    qr_buf_appendf(&h, "HTTP/1.1 %d %s\r\n", status, reason_phrase(status));
    int has_ctype = 0;
    for (size_t i = 0; i < nheaders; i++) {
        const char *n = headers[i].name, *v = headers[i].value;
        size_t nl = headers[i].name_len, vl = headers[i].value_len;
        if ((nl == 14 && strncasecmp(n, "content-length", 14) == 0) ||
            (nl == 10 && strncasecmp(n, "connection", 10) == 0) ||
            (nl == 17 && strncasecmp(n, "transfer-encoding", 17) == 0) ||
            (nl == 4 && strncasecmp(n, "date", 4) == 0) ||
            (nl == 10 && strncasecmp(n, "keep-alive", 10) == 0))
            continue;
        /* refuse header injection from the app */
        if (memchr(n, '\n', nl) || memchr(n, '\r', nl) || memchr(v, '\n', vl) || memchr(v, '\r', vl))
            continue;
        if (nl == 12 && strncasecmp(n, "content-type", 12) == 0) has_ctype = 1;
        qr_buf_append(&h, n, nl);
        qr_buf_append(&h, ": ", 2);
        qr_buf_append(&h, v, vl);
        qr_buf_append(&h, "\r\n", 2);
    }
    if (ctype && !has_ctype) qr_buf_appendf(&h, "Content-Type: %s\r\n", ctype);
    if (extra) qr_buf_append_str(&h, extra);
    qr_buf_appendf(&h, "Date: %s\r\n", http_date());
    int no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
    if (!no_body) qr_buf_appendf(&h, "Content-Length: %zu\r\n", body_len);
    int close_conn = !c->keep_alive || g_stopping || c->error_status;
    /* Keep-Alive: timeout= tells clients how long an idle connection is kept (as Node's server
     * does): undici and others stop reusing a connection before the server's idle timer closes
     * it, instead of sending a request into the close (their "other side closed") */
    if (close_conn) qr_buf_append_str(&h, "Connection: close\r\n\r\n");
    else qr_buf_appendf(&h, "Connection: keep-alive\r\nKeep-Alive: timeout=%u\r\n\r\n", (unsigned)(g_cfg->idle_timeout_ms / 1000));
    uv_buf_t bufs[2] = {uv_buf_init(h.data, (unsigned)h.len), uv_buf_init((char *)body, (unsigned)body_len)};
    unsigned nb = (c->is_head || no_body || body_len == 0) ? 1 : 2;
    conn_writev(c, bufs, nb);
    qr_buf_free(&h);
    if (close_conn) c->close_after_write = 1;
}

static void log_request(qr_conn_t *c, int status, const char *who)
{
    uint64_t dur = qr_now_ns() - c->t_start;
    if (g_handler.on_answered) {
        const char *q = c->url_len ? memchr(c->hdr.data, '?', c->url_len) : NULL;
        g_handler.on_answered(g_handler.ud, c->method ? c->method : "-", c->url_len ? c->hdr.data : "",
                              q ? (size_t)(q - c->hdr.data) : c->url_len, status, dur);
    }
    if (qr_log_get_level() > QR_LOG_INFO) return;
    double ms = (double)dur / 1e6;
    qr_info("%s \"%s\" %d %s in %.2fms (%s) for %s", c->method ? c->method : "-",
            c->url_len ? c->hdr.data : "-", status, reason_phrase(status), ms, who, c->remote);
}

/* After a response is queued: the next pipelined request, or idle keep-alive. */
static void request_done(qr_conn_t *c)
{
    if (c->closing) return;
    if (c->close_after_write) {
        c->phase = PH_IDLE;
        if (c->pending_write == 0) conn_close(c);
        else arm_timer(c, g_cfg->idle_timeout_ms); /* re-armed while the client reads (after_write) */
        return;
    }
    c->phase = PH_IDLE;
    if (c->paused_upgrade) { llhttp_resume_after_upgrade(&c->parser); c->paused_upgrade = 0; }
    else llhttp_resume(&c->parser);
    request_reset(c);
    if (c->pending_write < QR_OUTBUF_HIGH) process_input(c);
    else arm_timer(c, g_cfg->idle_timeout_ms); /* after_write() continues once the client reads;
                                                * a client that never reads is closed */
}

/* A response the server makes itself (400, 413, 431): plain text. */
static void server_response(qr_conn_t *c, int status, const char *text)
{
    char body[128];
    int n = snprintf(body, sizeof body, "%s\n", text);
    write_response(c, status, NULL, 0, "text/plain; charset=utf-8", NULL, body, (size_t)n);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)status;
    free(req);
}

static void fail_request(qr_conn_t *c, int status)
{
    /* a broken request: answer, then stop reading it and close once the answer is out */
    c->error_status = status;
    c->keep_alive = 0;
    if (!c->method) c->method = "-";
    const char *text = status == 431 ? "Request header fields too large"
                     : status == 413 ? "Payload too large"
                     : status == 501 ? "Not implemented: unsupported Transfer-Encoding"
                     : "Bad request";
    server_response(c, status, text);
    log_request(c, status, "http");
    /* lingering close: stop sending, read and drop what the client still sends for a while, so
     * it sees our answer instead of a reset */
    c->phase = PH_LINGER;
    c->close_after_write = 0;
    arm_timer(c, QR_LINGER_MS);
    if (c->pending_write == 0) {
        uv_shutdown_t *sr = qr_xmalloc(sizeof *sr);
        if (uv_shutdown(sr, (uv_stream_t *)&c->tcp, on_shutdown) != 0) { free(sr); conn_close(c); }
    } else {
        c->close_after_write = 1;
    }
    start_reading(c);
}

void qr_http_respond(qr_conn_t *c, const qr_http_response_t *res)
{
    if (c->closing || c->phase != PH_HANDLER) return;
    c->phase = PH_IDLE; /* answered: a failing write now closes without an on_abort */
    if (c->parser.upgrade) c->keep_alive = 0; /* an upgrade nobody took: answer, then close */
    write_response(c, res->status, res->headers, res->nheaders, res->content_type, res->extra,
                   res->body, res->body_len);
    log_request(c, res->status, res->via ? res->via : "-");
    request_done(c);
}

void qr_http_end_raw(qr_conn_t *c)
{
    if (c->closing || c->phase != PH_HANDLER) return;
    c->phase = PH_IDLE;
    c->keep_alive = 0;
    c->close_after_write = 1;
    request_done(c);
}

static void build_request(qr_conn_t *c, qr_request_t *req, qr_header_t *hs)
{
    for (size_t i = 0; i < c->nh; i++) {
        hs[i].name = c->hdr.data + c->hv[i].name_off;
        hs[i].name_len = c->hv[i].name_len;
        hs[i].value = c->hdr.data + c->hv[i].value_off;
        hs[i].value_len = c->hv[i].value_len;
    }
    req->method = c->method;
    req->target = c->hdr.data + c->target_off;
    req->path = c->hdr.data + c->path_off;
    req->query = c->hdr.data + c->query_off;
    req->headers = hs;
    req->nheaders = c->nh;
    req->body = c->body.data ? c->body.data : "";
    req->body_len = c->body.len;
    req->remote_addr = c->remote;
    req->upgrade = c->parser.upgrade != 0;
}

/* Hands the complete request to the handler (which may answer before this returns). */
static void dispatch(qr_conn_t *c)
{
    qr_header_t hs_small[32];
    qr_header_t *hs = c->nh <= 32 ? hs_small : qr_xmalloc(c->nh * sizeof *hs);
    qr_request_t req;
    build_request(c, &req, hs);
    if (c->parser.upgrade) c->paused_upgrade = 1;
    g_handler.on_request(g_handler.ud, c, &req);
    if (hs != hs_small) free(hs);
}

/* Parses what is buffered in c->in until a request is complete (then dispatches it) or the
 * input runs out (then reads more). */
static void process_input(qr_conn_t *c)
{
    if (c->closing || c->upgraded || c->phase == PH_HANDLER || c->phase == PH_LINGER) return;
    if (c->in.len == 0) {
        if (c->phase == PH_IDLE) arm_timer(c, g_cfg->idle_timeout_ms);
        if (g_stopping && c->phase == PH_IDLE && c->pending_write == 0) { conn_close(c); return; }
        start_reading(c);
        return;
    }
    qr_buf_t data = c->in;
    c->in = (qr_buf_t)QR_BUF_INIT;
    g_exec_seq++;
    llhttp_errno_t err = llhttp_execute(&c->parser, data.data, data.len);
    if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
        const char *pos = llhttp_get_error_pos(&c->parser);
        size_t used = pos ? (size_t)(pos - data.data) : data.len;
        if (used < data.len) qr_buf_append(&c->in, data.data + used, data.len - used);
        qr_buf_free(&data);
        /* Reading goes on while the handler runs (on_read keeps pipelined bytes, bounded, and
         * notices a client that goes away): stopping and restarting it cost two epoll_ctl
         * calls per request. An upgrade stops: its later bytes belong to the new protocol. */
        if (err == HPE_PAUSED_UPGRADE) {
            c->paused_upgrade = 1;
            if (c->reading) { uv_read_stop((uv_stream_t *)&c->tcp); c->reading = 0; }
        }
        dispatch(c);
        return;
    }
    qr_buf_free(&data);
    if (err != HPE_OK) {
        if (c->reading) { uv_read_stop((uv_stream_t *)&c->tcp); c->reading = 0; }
        int status = c->error_status ? c->error_status : 400;
        if (status == 400) qr_debug("bad request from %s: %s", c->remote, llhttp_get_error_reason(&c->parser));
        fail_request(c, status);
        return;
    }
    start_reading(c);
}

/* ---------------------------------------------------------------- reading */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    static char slab[65536];
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    qr_conn_t *c = s->data;
    if (nread == 0) return;
    if (nread < 0) {
        if (c->phase == PH_HANDLER) {
            /* the client half-closed (or reset) while its request runs: stop reading and
             * still send the answer; a reset makes that write fail, which closes the
             * connection and tells the handler (as when reading was paused meanwhile) */
            uv_read_stop(s);
            c->reading = 0;
            return;
        }
        conn_close(c);
        return;
    }
    if (c->upgraded) {
        release_http_state(c);
        if (c->ucbs.on_data) c->ucbs.on_data(c->uud, buf->base, (size_t)nread);
        return;
    }
    if (c->phase == PH_LINGER) return; /* drop */
    qr_buf_append(&c->in, buf->base, (size_t)nread);
    if (c->phase == PH_HANDLER) {
        /* pipelined bytes while a request runs: keep up to one read's worth; beyond it the
         * kernel holds the rest until the answer is out (process_input reads on) */
        if (c->in.len >= QR_PIPELINE_HOLD) { uv_read_stop(s); c->reading = 0; }
        return;
    }
    /* in PH_IDLE the idle timer keeps running: bytes that start no request (a bare CRLF,
     * which llhttp skips) must not keep a connection open; on_message_begin re-arms it */
    process_input(c);
}

static void start_reading(qr_conn_t *c)
{
    if (c->reading || c->closing) return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
}

void qr_conn_upgrade(qr_conn_t *c, const qr_conn_upgrade_cbs_t *cbs, void *ud)
{
    c->upgraded = 1;
    c->ucbs = *cbs;
    c->uud = ud;
    c->phase = PH_IDLE;
    c->close_after_write = 0;
    uv_timer_stop(&c->timer);
    /* bytes the client sent with the upgrade request come first: reading resumes only after
     * they were delivered (from the loop), so newer bytes can never overtake them */
    if (c->in.len) {
        if (c->reading) { uv_read_stop((uv_stream_t *)&c->tcp); c->reading = 0; }
        uv_timer_start(&c->timer, on_timeout, 0, 0);
    } else {
        start_reading(c);
    }
}

/* ---------------------------------------------------------------- accepting */

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0) { qr_warn("accept failed: %s", uv_strerror(status)); return; }
    qr_conn_t *c = qr_xcalloc(1, sizeof *c);
    uv_tcp_init(g_loop, &c->tcp);
    uv_timer_init(g_loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    c->next = g_conns;
    if (g_conns) g_conns->prev = c;
    g_conns = c;
    g_nconns++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) { conn_close(c); return; }
    uv_tcp_nodelay(&c->tcp, 1);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    snprintf(c->remote, sizeof c->remote, "-");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET) uv_ip4_name((struct sockaddr_in *)&ss, c->remote, sizeof c->remote);
        else if (ss.ss_family == AF_INET6) uv_ip6_name((struct sockaddr_in6 *)&ss, c->remote, sizeof c->remote);
    }
    llhttp_init(&c->parser, HTTP_REQUEST, &g_settings);
    c->parser.data = c;
    c->phase = PH_IDLE;
    if (g_stopping) { conn_close(c); return; }
    arm_timer(c, g_cfg->idle_timeout_ms);
    start_reading(c);
}

int qr_http_start(uv_loop_t *loop, const qr_config_t *cfg, const qr_http_handler_t *handler)
{
    g_loop = loop;
    g_cfg = cfg;
    g_handler = *handler;
    llhttp_settings_init(&g_settings);
    g_settings.on_message_begin = on_message_begin;
    g_settings.on_method = on_method;
    g_settings.on_version = on_version;
    g_settings.on_url = on_url;
    g_settings.on_url_complete = on_url_complete;
    g_settings.on_header_field = on_header_field;
    g_settings.on_header_value = on_header_value;
    g_settings.on_header_value_complete = on_header_value_complete;
    g_settings.on_headers_complete = on_headers_complete;
    g_settings.on_body = on_body;
    g_settings.on_message_complete = on_message_complete;

    struct sockaddr_storage addr;
    int r;
    if (strchr(cfg->bind, ':')) r = uv_ip6_addr(cfg->bind, cfg->port, (struct sockaddr_in6 *)&addr);
    else r = uv_ip4_addr(cfg->bind, cfg->port, (struct sockaddr_in *)&addr);
    if (r != 0) return r;
    uv_tcp_init(loop, &g_listener);
    r = uv_tcp_bind(&g_listener, (const struct sockaddr *)&addr, 0);
    if (r == 0) r = uv_listen((uv_stream_t *)&g_listener, 1024, on_connection);
    if (r != 0) { uv_close((uv_handle_t *)&g_listener, NULL); return r; }
    g_listening = 1;
    return 0;
}

int qr_http_bound_port(void)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (!g_listening || uv_tcp_getsockname(&g_listener, (struct sockaddr *)&ss, &len) != 0) return -1;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

void qr_http_stop_accepting(void)
{
    g_stopping = 1;
    if (g_listening) {
        g_listening = 0;
        uv_close((uv_handle_t *)&g_listener, NULL);
    }
    for (qr_conn_t *c = g_conns, *n; c; c = n) {
        n = c->next;
        if (!c->upgraded && c->phase == PH_IDLE && c->pending_write == 0 && c->in.len == 0) conn_close(c);
    }
}

size_t qr_http_open_connections(void) { return g_nconns; }

size_t qr_http_open_http_connections(void)
{
    size_t n = 0;
    for (qr_conn_t *c = g_conns; c; c = c->next)
        if (!c->upgraded) n++;
    return n;
}
