/* test_http.c — unit tests of http.c through its handler contract (http.h), over real loopback
 * sockets: a fake handler stands where serve.c would. The server runs on this thread's libuv
 * loop; each case's client is a thread with a blocking socket. Covered: what the handler gets
 * (method, target, path, query, headers, body), the response it writes (framing headers of the
 * app dropped, CR/LF headers dropped, Content-Length, HEAD), pipelining answered in order with
 * the next request held back until the previous answer, the limits (431, 413, 400) answered by
 * http.c without calling the handler, on_abort (once) when a connection whose request is still
 * with the handler breaks, and qr_http_end_raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "config.h"
#include "http.h"

enum { MODE_ECHO, MODE_DEFER, MODE_HOLD, MODE_RAW };

static uv_loop_t *g_loop;
static qr_config_t g_cfg;
static int g_port;
static int g_mode;
static char g_events[4096];   /* what the handler saw, in order */
static int g_requests;        /* on_request calls */
static int g_aborts;          /* on_abort calls */
static qr_conn_t *g_held;     /* MODE_DEFER / MODE_HOLD: the connection waiting for an answer */
static char g_held_path[64];
static uv_timer_t g_defer_timer;

static void event(const char *fmt, const char *s)
{
    size_t n = strlen(g_events);
    snprintf(g_events + n, sizeof g_events - n, fmt, s);
}

static void answer(qr_conn_t *c, const char *path)
{
    char body[128];
    snprintf(body, sizeof body, "answer %s", path);
    qr_http_response_t res = {.status = 200, .content_type = "text/plain", .body = body,
                              .body_len = strlen(body), .via = "test"};
    event("resp:%s ", path);
    qr_http_respond(c, &res);
}

static void on_defer_timer(uv_timer_t *t)
{
    (void)t;
    qr_conn_t *c = g_held;
    g_held = NULL;
    if (c) answer(c, g_held_path);
}

static void on_request(void *ud, qr_conn_t *c, const qr_request_t *req)
{
    (void)ud;
    g_requests++;
    event("req:%s ", req->target);
    if (g_mode == MODE_HOLD || (g_mode == MODE_DEFER && strcmp(req->path, "/slow") == 0)) {
        g_held = c;
        snprintf(g_held_path, sizeof g_held_path, "%s", req->path);
        if (g_mode == MODE_DEFER) uv_timer_start(&g_defer_timer, on_defer_timer, 30, 0);
        return;
    }
    if (g_mode == MODE_DEFER) {
        answer(c, req->path);
        return;
    }
    if (g_mode == MODE_RAW) {
        static const char raw[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nConnection: close\r\n\r\nraw";
        qr_conn_write(c, raw, sizeof raw - 1);
        qr_http_end_raw(c);
        return;
    }
    /* MODE_ECHO: the request as the handler saw it, in the body; app headers to be filtered */
    char body[2048];
    size_t hl = 0;
    const char *h = qr_header_find(req->headers, req->nheaders, "x-test", &hl);
    int n = snprintf(body, sizeof body, "method=%s path=%s query=%s x-test=%.*s body=%.*s nheaders=%zu upgrade=%d",
                     req->method, req->path, req->query, (int)hl, h ? h : "", (int)req->body_len, req->body,
                     req->nheaders, req->upgrade);
    qr_header_t hs[] = {
        {"X-App", 5, "yes", 3},
        {"Content-Length", 14, "999", 3},       /* framing: dropped, http.c counts */
        {"Connection", 10, "close", 5},          /* framing: dropped */
        {"X-Evil", 6, "a\r\nSet-Cookie: x", 16}, /* CR/LF: dropped */
    };
    qr_http_response_t res = {.status = 201, .headers = hs, .nheaders = 4, .content_type = "text/plain",
                              .extra = "X-Extra: 1\r\n", .body = body, .body_len = (size_t)n, .via = "test"};
    event("resp:%s ", req->path);
    qr_http_respond(c, &res);
}

static void on_abort(void *ud, qr_conn_t *c)
{
    (void)ud;
    g_aborts++;
    if (c == g_held) g_held = NULL;
    event("abort%s ", "");
}

/* ---------------------------------------------------------------- the client thread */

typedef struct {
    const char *send;
    size_t send_len;
    int reset;            /* close with RST right after sending */
    char resp[65536];
    size_t resp_len;
    volatile int done;
} client_t;

static uv_async_t g_wake;

static void *client_main(void *arg)
{
    client_t *cl = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        size_t off = 0;
        while (off < cl->send_len) {
            ssize_t w = send(fd, cl->send + off, cl->send_len - off, MSG_NOSIGNAL);
            if (w <= 0) break;
            off += (size_t)w;
        }
        if (cl->reset) {
            usleep(50 * 1000); /* let the server read the request first */
            struct linger lg = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        } else {
            ssize_t r;
            while (cl->resp_len < sizeof cl->resp - 1 &&
                   (r = recv(fd, cl->resp + cl->resp_len, sizeof cl->resp - 1 - cl->resp_len, 0)) > 0)
                cl->resp_len += (size_t)r;
        }
    }
    close(fd);
    cl->done = 1;
    uv_async_send(&g_wake);
    return NULL;
}

static void on_wake(uv_async_t *h) { (void)h; }

static uv_timer_t g_guard;
static int g_guard_fired;
static void on_guard(uv_timer_t *t) { (void)t; g_guard_fired = 1; }

/* Sends req on a new connection, reads until the server closes (or 5 s), with the server's
 * loop running here meanwhile; then runs the loop until extra_cond (when given) holds. */
static client_t *exchange(const char *req, int reset, int *extra_cond)
{
    client_t *cl = calloc(1, sizeof *cl);
    cl->send = req;
    cl->send_len = strlen(req);
    cl->reset = reset;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, client_main, cl), 0);
    g_guard_fired = 0;
    uv_timer_start(&g_guard, on_guard, 8000, 0); /* UV_RUN_ONCE blocks: a timer bounds the wait */
    while ((!cl->done || (extra_cond && !*extra_cond)) && !g_guard_fired) uv_run(g_loop, UV_RUN_ONCE);
    uv_timer_stop(&g_guard);
    pthread_join(th, NULL);
    cl->resp[cl->resp_len] = 0;
    return cl;
}

static void reset_state(int mode)
{
    g_mode = mode;
    g_events[0] = 0;
    g_requests = g_aborts = 0;
    g_held = NULL;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* ---------------------------------------------------------------- cases */

static void test_request_and_response(void **state)
{
    (void)state;
    reset_state(MODE_ECHO);
    client_t *cl = exchange("POST /things?a=1&b=2 HTTP/1.1\r\nHost: t\r\nX-Test: hello\r\nContent-Length: 5\r\n"
                            "Connection: close\r\n\r\nhello", 0, NULL);
    assert_int_equal(g_requests, 1);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 201 Created\r\n"));
    assert_non_null(strstr(cl->resp, "method=POST path=/things query=a=1&b=2 x-test=hello body=hello nheaders=4 upgrade=0"));
    assert_non_null(strstr(cl->resp, "X-App: yes\r\n"));
    assert_non_null(strstr(cl->resp, "X-Extra: 1\r\n"));
    assert_non_null(strstr(cl->resp, "Content-Type: text/plain\r\n"));
    assert_null(strstr(cl->resp, "999"));
    assert_null(strstr(cl->resp, "X-Evil"));
    assert_null(strstr(cl->resp, "Set-Cookie"));
    assert_int_equal(count(cl->resp, "Content-Length:"), 1);
    assert_int_equal(count(cl->resp, "Connection:"), 1);
    assert_non_null(strstr(cl->resp, "Connection: close\r\n"));
    const char *body = strstr(cl->resp, "\r\n\r\n");
    assert_non_null(body);
    char cl_hdr[64];
    snprintf(cl_hdr, sizeof cl_hdr, "Content-Length: %zu\r\n", strlen(body + 4));
    assert_non_null(strstr(cl->resp, cl_hdr));
    free(cl);
}

static void test_head_has_length_but_no_body(void **state)
{
    (void)state;
    reset_state(MODE_DEFER);
    client_t *cl = exchange("HEAD /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 0, NULL);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(cl->resp, "Content-Length: 12\r\n")); /* of "answer /fast" */
    const char *end = strstr(cl->resp, "\r\n\r\n");
    assert_non_null(end);
    assert_string_equal(end + 4, ""); /* no body after the headers */
    free(cl);
}

static void test_pipelining_in_order(void **state)
{
    (void)state;
    reset_state(MODE_DEFER);
    /* three requests in one write; the first is answered 30 ms later, from a timer */
    client_t *cl = exchange("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 0, NULL);
    assert_int_equal(g_requests, 3);
    /* the handler never saw /b before /slow was answered */
    assert_string_equal(g_events, "req:/slow resp:/slow req:/b resp:/b req:/c resp:/c ");
    const char *a = strstr(cl->resp, "answer /slow"), *b = strstr(cl->resp, "answer /b"), *c = strstr(cl->resp, "answer /c");
    assert_true(a && b && c && a < b && b < c);
    assert_int_equal(count(cl->resp, "HTTP/1.1 200 OK"), 3);
    free(cl);
}

/* Reading goes on while a request is with the handler, up to a bound: 100 pipelined requests
 * of ~0.8 KB (under the 1 KB header limit) behind a slow one, more than the 64 KB http.c holds
 * meanwhile, are all answered, in order, once the slow one is. */
static void test_pipelining_beyond_the_hold(void **state)
{
    (void)state;
    reset_state(MODE_DEFER);
    enum { N = 100 };
    char pad[701];
    memset(pad, 'p', 700);
    pad[700] = 0;
    size_t cap = (N + 1) * 800;
    char *req = malloc(cap);
    size_t len = (size_t)snprintf(req, cap, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(req + len, cap - len, "GET /r%d HTTP/1.1\r\nHost: t\r\nX-Pad: %s\r\n%s\r\n", i, pad,
                                i == N - 1 ? "Connection: close\r\n" : "");
    assert_true(len > (64u << 10));
    client_t *cl = exchange(req, 0, NULL);
    assert_int_equal(g_requests, N + 1);
    assert_int_equal(count(cl->resp, "HTTP/1.1 200 OK"), N + 1);
    const char *prev = strstr(cl->resp, "answer /slow");
    assert_non_null(prev);
    for (int i = 0; i < N; i++) {
        char path[32];
        snprintf(path, sizeof path, "answer /r%d", i);
        const char *at = strstr(prev, path);
        assert_non_null(at);
        prev = at + 1;
    }
    free(cl);
    free(req);
}

static void test_limits_without_the_handler(void **state)
{
    (void)state;
    reset_state(MODE_ECHO);
    char big[4096];
    memset(big, 'a', sizeof big);
    char req[8192];
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: %.*s\r\n\r\n", (int)sizeof big, big);
    client_t *cl = exchange(req, 0, NULL);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    free(cl);
    cl = exchange("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n", 0, NULL);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 413 Payload Too Large\r\n"));
    free(cl);
    /* chunked: the limit is checked as the body arrives */
    char chunked[1024];
    memset(big, 'b', 150);
    snprintf(chunked, sizeof chunked, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n96\r\n%.*s\r\n0\r\n\r\n", 150, big);
    cl = exchange(chunked, 0, NULL);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 413 Payload Too Large\r\n"));
    free(cl);
    cl = exchange("GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n", 0, NULL);
    assert_non_null(strstr(cl->resp, "HTTP/1.1 400 Bad Request\r\n"));
    assert_non_null(strstr(cl->resp, "Connection: close\r\n"));
    free(cl);
    assert_int_equal(g_requests, 0);
}

static void test_abort_while_with_the_handler(void **state)
{
    (void)state;
    reset_state(MODE_HOLD);
    /* the client resets the connection while its request is with the handler ... */
    client_t *cl = exchange("GET /held HTTP/1.1\r\nHost: t\r\n\r\n", 1, NULL);
    assert_int_equal(g_requests, 1);
    assert_non_null(g_held);
    assert_int_equal(g_aborts, 0);
    /* ... so the next write on it fails: http.c closes it and tells the handler, once */
    usleep(20 * 1000);
    qr_conn_write(g_held, "x", 1);
    for (int i = 0; i < 50 && !g_aborts; i++) { uv_run(g_loop, UV_RUN_NOWAIT); usleep(1000); }
    assert_int_equal(g_aborts, 1);
    assert_null(g_held);
    for (int i = 0; i < 20; i++) uv_run(g_loop, UV_RUN_NOWAIT);
    assert_int_equal(g_aborts, 1);
    free(cl);
}

static void test_end_raw(void **state)
{
    (void)state;
    reset_state(MODE_RAW);
    client_t *cl = exchange("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 0, NULL);
    assert_int_equal(g_requests, 1);
    assert_string_equal(cl->resp, "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nConnection: close\r\n\r\nraw");
    free(cl);
}

static int setup(void **state)
{
    (void)state;
    g_loop = uv_default_loop();
    qr_config_defaults(&g_cfg);
    snprintf(g_cfg.bind, sizeof g_cfg.bind, "127.0.0.1");
    g_cfg.port = 0;
    g_cfg.max_header_bytes = 1024;
    g_cfg.max_body_bytes = 100;
    g_cfg.idle_timeout_ms = 5000;
    uv_async_init(g_loop, &g_wake, on_wake);
    uv_timer_init(g_loop, &g_defer_timer);
    uv_timer_init(g_loop, &g_guard);
    qr_http_handler_t h = {.on_request = on_request, .on_abort = on_abort};
    if (qr_http_start(g_loop, &g_cfg, &h) != 0) return -1;
    g_port = qr_http_bound_port();
    return g_port > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qr_http_stop_accepting();
    uv_close((uv_handle_t *)&g_wake, NULL);
    uv_close((uv_handle_t *)&g_defer_timer, NULL);
    uv_close((uv_handle_t *)&g_guard, NULL);
    for (int i = 0; i < 100 && uv_run(g_loop, UV_RUN_NOWAIT); i++) usleep(1000);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_and_response),
        cmocka_unit_test(test_head_has_length_but_no_body),
        cmocka_unit_test(test_pipelining_in_order),
        cmocka_unit_test(test_pipelining_beyond_the_hold),
        cmocka_unit_test(test_limits_without_the_handler),
        cmocka_unit_test(test_abort_while_with_the_handler),
        cmocka_unit_test(test_end_raw),
    };
    return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
