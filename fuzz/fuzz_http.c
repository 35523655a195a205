/* fuzz_http.c — the HTTP request path of the supervisor (http.c: llhttp callbacks into our
 * request builder, headers, chunked bodies, the 431/413/400 limits, pipelining) driven through
 * its public contract (http.h) over a real loopback connection, on this thread's libuv loop:
 * each input is written by a client socket, which then half-closes and reads until the server
 * closes. Invariants: every request the handler sees is well formed (method, target, a path
 * that is a prefix of the target, header names non-empty without spaces or controls), whatever
 * the server writes starts with "HTTP/1.1 ", and no connection outlives its input. Limits are
 * small here (1 KiB headers, 4 KiB bodies) so the fuzzer reaches them. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>
#include "config.h"
#include "fuzz.h"
#include "http.h"
#include "log.h"

static uv_loop_t *loop;
static int port;
static qr_config_t cfg;

static void on_request(void *ud, qr_conn_t *c, const qr_request_t *req)
{
    (void)ud;
    FUZZ_CHECK(req->method && req->method[0] && req->target && req->target[0]);
    FUZZ_CHECK(req->path && req->query && strlen(req->path) <= strlen(req->target));
    FUZZ_CHECK(strncmp(req->path, req->target, strlen(req->path)) == 0);
    FUZZ_CHECK(req->body_len == 0 || req->body != NULL);
    FUZZ_CHECK(req->body_len <= cfg.max_body_bytes);
    for (size_t i = 0; i < req->nheaders; i++) {
        const qr_header_t *h = &req->headers[i];
        FUZZ_CHECK(h->name_len > 0);
        for (size_t k = 0; k < h->name_len; k++)
            FUZZ_CHECK((unsigned char)h->name[k] > 32 && h->name[k] != 127 && h->name[k] != ':');
    }
    qr_http_response_t res = {.status = 200, .content_type = "text/plain", .body = req->path,
                              .body_len = strlen(req->path), .via = "fuzz"};
    qr_http_respond(c, &res);
}
static void on_abort(void *ud, qr_conn_t *c)
{
    (void)ud;
    (void)c;
}
static const qr_http_handler_t handler = {on_request, on_abort, NULL, NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    qr_log_set_level(QR_LOG_ERROR);
    qr_config_defaults(&cfg);
    snprintf(cfg.bind, sizeof cfg.bind, "127.0.0.1");
    cfg.port = 0;
    cfg.max_header_bytes = 1024;
    cfg.max_body_bytes = 4096;
    loop = uv_default_loop();
    FUZZ_CHECK(qr_http_start(loop, &cfg, &handler) == 0);
    port = qr_http_bound_port();
    FUZZ_CHECK(port > 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    FUZZ_CHECK(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    if (rc != 0 && errno == EINTR) {
        /* libFuzzer's -timeout watchdog is a periodic SIGALRM: the connect goes on in the
         * kernel, so wait for it instead of calling that a failure (campaign, 2026-12-02) */
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        while (poll(&p, 1, 1000) < 0 && errno == EINTR) {}
        int err = 0;
        socklen_t elen = sizeof err;
        rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0 ? 0 : -1;
        if (rc != 0) errno = err;
    }
    if (rc != 0) fprintf(stderr, "fuzz: connect: %s\n", strerror(errno));
    FUZZ_CHECK(rc == 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    size_t sent = 0, got = 0;
    char head[16];
    int eof = 0;
    for (int i = 0; i < 20000 && !eof; i++) {
        if (sent < size) {
            ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n > 0) sent += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR) sent = size; /* the server closed early */
            if (sent == size) shutdown(fd, SHUT_WR);
        } else if (size == 0 && i == 0) {
            shutdown(fd, SHUT_WR);
        }
        uv_run(loop, UV_RUN_NOWAIT);
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            for (ssize_t k = 0; k < n && got < sizeof head; k++) head[got++] = buf[k];
            if (got >= 9) FUZZ_CHECK(memcmp(head, "HTTP/1.1 ", 9) == 0);
        } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            eof = 1;
        } else {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            (void)poll(&p, 1, 0);
        }
    }
    /* close with a reset: no TIME_WAIT, so a long campaign never runs out of loopback ports */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    /* the server side must let go of the connection once the client is gone */
    for (int i = 0; i < 20000 && qr_http_open_connections() > 0; i++) uv_run(loop, UV_RUN_NOWAIT);
    FUZZ_CHECK(qr_http_open_connections() == 0);
    return 0;
}
