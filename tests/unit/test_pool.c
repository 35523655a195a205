/* test_pool.c — unit tests of the pool (pool.c, pool_workers.c) with fake workers: the ops table
 * hands the pool one end of a socketpair per "fork", and the test plays the worker on the other
 * end with frame.c (READY, then REQUEST in / RESPONSE out). Each fake worker's pid is a real
 * child that only sleeps, so the pool's SIGKILLs land somewhere harmless. Covered: a request
 * dispatched to an active worker and its answer; the spare stays idle; the queue bound; 503 at
 * once while backing off with no worker; cancel; a worker that dies mid-request (500, a restart
 * noted, the spare promoted, a new spare asked for); a worker that breaks the protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "config.h"
#include "frame.h"
#include "pool.h"

#define MAX_FAKES 16

typedef struct {
    int fd;      /* the worker's end */
    int pid;     /* a sleeping child standing for the worker process */
    uint32_t id;
} fake_t;

static uv_loop_t *g_loop;
static qr_config_t g_cfg;
static fake_t g_fakes[MAX_FAKES];
static int g_nfakes;
static int g_restarts;
static int g_backing_off;
static int g_refuse_forks;

static int op_fork_worker(void *ud, uint32_t worker_id)
{
    (void)ud;
    if (g_refuse_forks || g_nfakes == MAX_FAKES) return -EAGAIN;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -errno;
    pid_t pid = fork();
    if (pid == 0) {
        /* holds no descriptor (a copy of a channel would hide its EOF, a copy of stdout would
         * keep a pipe open) and dies with the test */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (int fd = 0; fd < 1024; fd++) close(fd);
        for (;;) pause();
    }
    g_fakes[g_nfakes++] = (fake_t){sv[1], pid, worker_id};
    return sv[0];
}
static void op_note_restart(void *ud) { (void)ud; g_restarts++; }
static int op_backing_off(void *ud) { (void)ud; return g_backing_off; }
static void op_rolled(void *ud) { (void)ud; }

/* Runs the loop for up to ms, or until *flag (when given) is set. */
static void spin(int ms, const int *flag)
{
    for (int i = 0; i < ms && !(flag && *flag); i++) {
        uv_run(g_loop, UV_RUN_NOWAIT);
        usleep(1000);
    }
}

static void send_frame(int fd, const qr_buf_t *b)
{
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
}

static void fake_ready(fake_t *f)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_ready(&b, (uint64_t)f->pid, 0, NULL);
    send_frame(f->fd, &b);
    qr_buf_free(&b);
}

/* Reads one frame from the fake worker's socket (waiting up to 2 s while the pool's loop runs);
 * returns its type, fills req/headers for a REQUEST. 0 when none came. */
static qr_buf_t g_in;
static qr_slice_t g_fields[64];
static int fake_read(fake_t *f, qr_frame_t *fr)
{
    qr_buf_reset(&g_in);
    for (int i = 0; i < 2000; i++) {
        size_t used;
        int r = qr_frame_parse(g_in.data ? g_in.data : "", g_in.len, fr, g_fields, 64, &used);
        if (r == 1) return fr->type;
        assert_true(r == 0);
        uv_run(g_loop, UV_RUN_NOWAIT);
        struct pollfd p = {f->fd, POLLIN, 0};
        if (poll(&p, 1, 1) == 1) {
            char tmp[4096];
            ssize_t n = read(f->fd, tmp, sizeof tmp);
            if (n <= 0) return 0;
            qr_buf_append(&g_in, tmp, (size_t)n);
        }
    }
    return 0;
}

/* 1 when nothing arrives on the fake worker's socket within ms. */
static int fake_quiet(fake_t *f, int ms)
{
    spin(ms, NULL);
    struct pollfd p = {f->fd, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
}

typedef struct {
    int called;
    int error, status;
    char body[256];
    char header[128];
    uint32_t worker_id;
} answer_t;

static void on_answer(void *ud, const qr_pool_response_t *res)
{
    answer_t *a = ud;
    a->called++;
    a->error = res->error;
    a->status = res->status;
    a->worker_id = res->worker_id;
    snprintf(a->body, sizeof a->body, "%.*s", (int)res->body_len, res->body ? res->body : "");
    if (res->nheaders)
        snprintf(a->header, sizeof a->header, "%.*s: %.*s", (int)res->headers[0].name_len, res->headers[0].name,
                 (int)res->headers[0].value_len, res->headers[0].value);
}

static int request(const char *target, answer_t *a)
{
    qr_header_t hs[] = {{"Host", 4, "t", 1}};
    qr_request_t req = {.method = "GET", .target = target, .headers = hs, .nheaders = 1, .body = "", .remote_addr = "127.0.0.1"};
    return qr_pool_request(&req, on_answer, a);
}

/* The fake worker the pool wrote to (waiting up to ms with the loop running), or NULL. */
static fake_t *who_got_data(int ms)
{
    for (int t = 0; t < ms; t++) {
        uv_run(g_loop, UV_RUN_NOWAIT);
        for (int i = 0; i < g_nfakes; i++) {
            if (g_fakes[i].fd < 0) continue;
            struct pollfd p = {g_fakes[i].fd, POLLIN, 0};
            if (poll(&p, 1, 0) == 1) return &g_fakes[i];
        }
        usleep(1000);
    }
    return NULL;
}

/* ---------------------------------------------------------------- cases (in order: one pool) */

static void test_start_and_serve(void **state)
{
    (void)state;
    /* nothing is ready yet: a request waits in the queue */
    answer_t a = {0};
    assert_int_equal(request("/first", &a), 0);
    assert_int_equal(qr_pool_inflight(), 1);
    qr_pool_refill();
    assert_int_equal(g_nfakes, 2); /* 1 active + 1 spare */
    assert_int_equal(qr_pool_live_workers(), 2);
    assert_int_equal(qr_pool_ready_workers(), 0);
    fake_ready(&g_fakes[0]);
    fake_ready(&g_fakes[1]);
    spin(200, NULL);
    assert_int_equal(qr_pool_ready_workers(), 1);
    assert_int_equal(qr_pool_cable_needs_connect(), 0); /* READY said the app has no connect hook */
    /* exactly one of them (the active one) gets the queued request */
    qr_frame_t fr;
    fake_t *active = who_got_data(1000);
    assert_non_null(active);
    assert_int_equal(fake_read(active, &fr), QR_F_REQUEST);
    qr_request_t got;
    qr_header_t hs[4];
    assert_int_equal(qr_frame_get_request(&fr, &got, hs, 4), 0);
    assert_string_equal(got.target, "/first");
    assert_string_equal(got.remote_addr, "127.0.0.1");
    assert_int_equal(got.nheaders, 1);
    fake_t *spare = active == &g_fakes[0] ? &g_fakes[1] : &g_fakes[0];
    assert_true(fake_quiet(spare, 20));
    /* the answer comes back to the callback */
    qr_buf_t b = QR_BUF_INIT;
    qr_header_t rh[] = {{"content-type", 12, "text/plain", 10}};
    qr_response_t res = {.status = 202, .headers = rh, .nheaders = 1, .body = "accepted", .body_len = 8};
    qr_frame_put_response(&b, fr.id, &res);
    send_frame(active->fd, &b);
    qr_buf_free(&b);
    spin(1000, &a.called);
    assert_int_equal(a.called, 1);
    assert_int_equal(a.error, 0);
    assert_int_equal(a.status, 202);
    assert_string_equal(a.body, "accepted");
    assert_string_equal(a.header, "content-type: text/plain");
    assert_int_equal(a.worker_id, active->id);
    assert_int_equal(qr_pool_inflight(), 0);
}

static fake_t *g_active; /* set by the next case for the ones after it */

static void test_queue_bound_and_cancel(void **state)
{
    (void)state;
    /* the active worker holds one request; the queue (max 2) takes two more, then refuses */
    answer_t a[4] = {{0}};
    assert_int_equal(request("/busy", &a[0]), 0);
    qr_frame_t fr;
    g_active = who_got_data(1000);
    assert_non_null(g_active);
    assert_int_equal(fake_read(g_active, &fr), QR_F_REQUEST);
    uint32_t busy_id = fr.id;
    assert_int_equal(request("/q1", &a[1]), 0);
    assert_int_equal(request("/q2", &a[2]), 0);
    assert_int_equal(request("/q3", &a[3]), QR_ETOOBIG);
    assert_int_equal(qr_pool_inflight(), 3);
    /* a cancelled job is never answered; the other queued one is */
    qr_pool_cancel(&a[1]);
    assert_int_equal(qr_pool_inflight(), 2);
    qr_buf_t b = QR_BUF_INIT;
    qr_response_t ok = {.status = 200, .body = "ok", .body_len = 2};
    qr_frame_put_response(&b, busy_id, &ok);
    send_frame(g_active->fd, &b);
    spin(1000, &a[0].called);
    assert_int_equal(a[0].called, 1);
    assert_int_equal(fake_read(g_active, &fr), QR_F_REQUEST);
    qr_request_t got;
    qr_header_t hs[4];
    assert_int_equal(qr_frame_get_request(&fr, &got, hs, 4), 0);
    assert_string_equal(got.target, "/q2"); /* /q1 was cancelled */
    qr_buf_reset(&b);
    qr_frame_put_response(&b, fr.id, &ok);
    send_frame(g_active->fd, &b);
    qr_buf_free(&b);
    spin(1000, &a[2].called);
    assert_int_equal(a[2].called, 1);
    assert_int_equal(a[1].called, 0);
    assert_int_equal(a[3].called, 0);
}

static void test_worker_dies_mid_request(void **state)
{
    (void)state;
    assert_non_null(g_active);
    int forks_before = g_nfakes, restarts_before = g_restarts;
    answer_t a = {0};
    assert_int_equal(request("/crash", &a), 0);
    qr_frame_t fr;
    assert_int_equal(fake_read(g_active, &fr), QR_F_REQUEST);
    /* the worker read the request, then dies: 500, never replayed */
    close(g_active->fd);
    g_active->fd = -1;
    spin(1000, &a.called);
    assert_int_equal(a.called, 1);
    assert_int_equal(a.error, QR_EPROTO);
    assert_int_equal(a.status, 500);
    assert_int_equal(g_restarts, restarts_before + 1);
    /* the spare took over at once, and a new spare was asked for */
    assert_int_equal(qr_pool_ready_workers(), 1);
    assert_int_equal(g_nfakes, forks_before + 1);
    fake_ready(&g_fakes[g_nfakes - 1]);
    spin(100, NULL);
    assert_int_equal(qr_pool_live_workers(), 2);
    /* the promoted spare serves the next request */
    answer_t b = {0};
    assert_int_equal(request("/after", &b), 0);
    fake_t *next = who_got_data(1000);
    assert_non_null(next);
    assert_true(next != g_active);
    assert_int_equal(fake_read(next, &fr), QR_F_REQUEST);
    qr_buf_t out = QR_BUF_INIT;
    qr_response_t ok = {.status = 200, .body = "fine", .body_len = 4};
    qr_frame_put_response(&out, fr.id, &ok);
    send_frame(next->fd, &out);
    qr_buf_free(&out);
    spin(1000, &b.called);
    assert_string_equal(b.body, "fine");
    g_active = next;
}

static void test_bad_frame_kills_the_worker(void **state)
{
    (void)state;
    answer_t a = {0};
    assert_int_equal(request("/x", &a), 0);
    qr_frame_t fr;
    assert_int_equal(fake_read(g_active, &fr), QR_F_REQUEST);
    /* an answer to a request id it was never given: the pool kills it (SIGKILL to its pid) */
    qr_buf_t b = QR_BUF_INIT;
    qr_response_t ok = {.status = 200, .body = "?", .body_len = 1};
    qr_frame_put_response(&b, fr.id + 1000, &ok);
    send_frame(g_active->fd, &b);
    qr_buf_free(&b);
    int st = 0;
    for (int i = 0; i < 1000; i++) {
        uv_run(g_loop, UV_RUN_NOWAIT);
        if (waitpid(g_active->pid, &st, WNOHANG) == g_active->pid) break;
        usleep(1000);
    }
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    g_active->pid = -1;
    /* its channel ends with the process in a real worker; here the test closes it */
    close(g_active->fd);
    g_active->fd = -1;
    spin(1000, &a.called);
    assert_int_equal(a.called, 1);
    assert_int_equal(a.status, 500);
}

static void test_backoff_answers_at_once(void **state)
{
    (void)state;
    /* no ready worker and the restart budget exhausted: 503 at once, not a wait */
    g_backing_off = 1;
    g_refuse_forks = 1;
    for (int i = 0; i < g_nfakes; i++)
        if (g_fakes[i].fd >= 0) { close(g_fakes[i].fd); g_fakes[i].fd = -1; }
    spin(300, NULL);
    assert_int_equal(qr_pool_ready_workers(), 0);
    answer_t a = {0};
    assert_int_equal(request("/none", &a), -EAGAIN);
    g_backing_off = 0;
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    g_loop = uv_default_loop();
    qr_config_defaults(&g_cfg);
    g_cfg.workers = 1;
    g_cfg.queue_max = 2;
    g_cfg.deadline_ms = 10000;
    qr_pool_ops_t ops = {.fork_worker = op_fork_worker, .note_restart = op_note_restart, .backing_off = op_backing_off,
                         .rolled = op_rolled};
    return qr_pool_init(g_loop, &g_cfg, &ops);
}

static int teardown(void **state)
{
    (void)state;
    qr_pool_shutdown();
    for (int i = 0; i < 50; i++) { uv_run(g_loop, UV_RUN_NOWAIT); usleep(1000); }
    for (int i = 0; i < g_nfakes; i++) {
        if (g_fakes[i].fd >= 0) close(g_fakes[i].fd);
        if (g_fakes[i].pid > 0) { kill(g_fakes[i].pid, SIGKILL); waitpid(g_fakes[i].pid, NULL, 0); }
    }
    qr_buf_free(&g_in);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_and_serve),
        cmocka_unit_test(test_queue_bound_and_cancel),
        cmocka_unit_test(test_worker_dies_mid_request),
        cmocka_unit_test(test_bad_frame_kills_the_worker),
        cmocka_unit_test(test_backoff_answers_at_once),
    };
    return cmocka_run_group_tests_name("pool", tests, setup, teardown);
}
