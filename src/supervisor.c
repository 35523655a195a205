/* supervisor.c — the serving process (supervisor.h): owns the libuv loop, SIGCHLD reaping
 * (it is a child subreaper, so workers orphaned by a dead zygote come back to it), SIGTERM/
 * SIGINT graceful shutdown, the zygote (fork + exec of /proc/self/exe `__zygote FD ...`, its
 * SOCK_SEQPACKET control socket watched with uv_poll, restarted when it dies), the restart
 * budget (more than restart_max restarts in restart_period -> exponential backoff, one log
 * line per step) and the stats document. It wires the layers: http.c gets serve.c's handler,
 * pool.c gets an ops table (fork a worker, note a restart, backing off?) instead of calling up.
 * Runs no JavaScript and never blocks the loop. Calls serve.c, http.c, pool.c, cable.c,
 * frame.c, log.c. */
#include "supervisor.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#include "cable.h"
#include "common.h"
#include "frame.h"
#include "http.h"
#include "log.h"
#include "pool.h"
#include "serve.h"

#define QR_BACKOFF_BASE_MS 100
#define QR_BACKOFF_MAX_MS 30000
#define QR_RESTART_RING 4096

enum { Z_DOWN, Z_STARTING, Z_READY };

static uv_loop_t *g_loop;
static qr_config_t *g_cfg;
static int g_zargc;
static char **g_zargv;
static uv_signal_t g_sigchld, g_sigterm, g_sigint;
static uv_poll_t g_zpoll;
static uv_timer_t g_backoff_timer, g_shutdown_timer, g_zrestart_timer;
static int g_zfd = -1;
static int g_zpid;
static int g_zstate = Z_DOWN;
static int g_zever_ready;
static uint64_t g_zstart_ns;
static uint64_t g_zygote_restarts;
static int g_backing_off;
static int g_backoff_step;
static uint64_t g_backoff_started_ms, g_backoff_ended_ms;
static uint64_t g_restart_ring[QR_RESTART_RING];
static size_t g_restart_n;
static int g_shutting_down;
static uint64_t g_shutdown_deadline;
static int g_exit_code;
static int g_stats;
static int g_announced;

static void start_zygote(void);

/* ---------------------------------------------------------------- restart budget */

static void on_backoff_over(uv_timer_t *t)
{
    (void)t;
    g_backing_off = 0;
    g_backoff_ended_ms = qr_now_ms();
    if (g_shutting_down) return;
    qr_info("restart backoff step %d over; starting workers again", g_backoff_step);
    if (g_zstate == Z_DOWN) start_zygote();
    else qr_pool_refill();
}

static void note_restart(void)
{
    if (g_shutting_down) return;
    uint64_t now = qr_now_ms();
    g_restart_ring[g_restart_n++ % QR_RESTART_RING] = now;
    if (g_backing_off) return;
    size_t window = g_restart_n < QR_RESTART_RING ? g_restart_n : QR_RESTART_RING;
    int count = 0;
    for (size_t i = 0; i < window; i++) {
        uint64_t t = g_restart_ring[(g_restart_n - 1 - i) % QR_RESTART_RING];
        if (now - t > g_cfg->restart_period_ms) break;
        count++;
    }
    if (count <= g_cfg->restart_max) {
        if (g_backoff_step && now - g_backoff_ended_ms > g_cfg->restart_period_ms) g_backoff_step = 0;
        return;
    }
    g_backoff_step++;
    uint64_t delay = QR_BACKOFF_BASE_MS;
    for (int i = 1; i < g_backoff_step && delay < QR_BACKOFF_MAX_MS; i++) delay *= 2;
    if (delay > QR_BACKOFF_MAX_MS) delay = QR_BACKOFF_MAX_MS;
    g_backing_off = 1;
    g_backoff_started_ms = now;
    qr_warn("restart budget exceeded: %d restarts in the last %u ms (allowed %d); backoff step %d: "
            "no new worker for %llu ms, requests get 503 while no worker is available",
            count, g_cfg->restart_period_ms, g_cfg->restart_max, g_backoff_step, (unsigned long long)delay);
    uv_timer_start(&g_backoff_timer, on_backoff_over, delay, 0);
}


/* ---------------------------------------------------------------- zygote */

/* Asks the zygote to fork worker `worker_id` (pool ops): returns the supervisor's end of a new
 * socketpair, or -EAGAIN when no fork can be made now. */
static int fork_worker(void *ud, uint32_t worker_id)
{
    (void)ud;
    if (g_zstate != Z_READY || g_backing_off || g_shutting_down) return -EAGAIN;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        qr_error("socketpair: %s", strerror(errno));
        return -errno;
    }
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_FORK, worker_id);
    qr_frame_end(&b);
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {b.data, b.len};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
    ssize_t n;
    do n = sendmsg(g_zfd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    qr_buf_free(&b);
    close(sv[1]);
    if (n < 0) {
        qr_debug("cannot ask the zygote for a worker: %s", strerror(errno));
        close(sv[0]);
        return -EAGAIN;
    }
    return sv[0];
}

static void zygote_lost(void);

static void zygote_frame(const qr_frame_t *f)
{
    uint64_t a = 0, b = 0;
    switch (f->type) {
    case QR_F_READY:
        g_zstate = Z_READY;
        if (f->nfields >= 1 && qr_slice_to_u64(f->fields[0], &a) == 0) g_zpid = (int)a;
        qr_debug("zygote (pid %d) ready in %.1f ms", g_zpid, (double)(qr_now_ns() - g_zstart_ns) / 1e6);
        g_zever_ready = 1;
        if (!g_backing_off) qr_pool_refill();
        break;
    case QR_F_FORKED:
        if (f->nfields >= 2 && qr_slice_to_u64(f->fields[0], &a) == 0 && qr_slice_to_u64(f->fields[1], &b) == 0)
            qr_debug("zygote forked w%u as pid %llu in %llu ns", f->id, (unsigned long long)a, (unsigned long long)b);
        break;
    case QR_F_EXITED:
        if (f->nfields >= 2 && qr_slice_to_u64(f->fields[0], &a) == 0 && qr_slice_to_u64(f->fields[1], &b) == 0)
            qr_pool_worker_exited((int)a, (int)b);
        break;
    default:
        qr_error("unexpected frame type %u from the zygote", f->type);
    }
}

static void on_zygote_readable(uv_poll_t *h, int status, int events)
{
    (void)h;
    (void)events;
    char msg[4096];
    for (;;) {
        ssize_t n = recv(g_zfd, msg, sizeof msg, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && status >= 0) return;
        if (n <= 0) { zygote_lost(); return; }
        qr_slice_t fields[4];
        qr_frame_t f;
        size_t used;
        if (qr_frame_parse(msg, (size_t)n, &f, fields, 4, &used) == 1) zygote_frame(&f);
        else qr_error("malformed message from the zygote");
    }
}

static void on_zrestart(uv_timer_t *t)
{
    (void)t;
    if (!g_shutting_down && g_zstate == Z_DOWN && !g_backing_off) start_zygote();
}

static void on_zpoll_closed(uv_handle_t *h)
{
    (void)h;
    close(g_zfd);
    g_zfd = -1;
    /* the control socket is released: a new zygote can be started */
    if (!g_shutting_down && !g_backing_off) uv_timer_start(&g_zrestart_timer, on_zrestart, 0, 0);
}

static void zygote_lost(void)
{
    if (g_zstate == Z_DOWN) return;
    int was_ready = g_zstate == Z_READY;
    g_zstate = Z_DOWN;
    uv_poll_stop(&g_zpoll);
    if (g_zpid > 0) kill(g_zpid, SIGKILL);
    if (g_shutting_down) { uv_close((uv_handle_t *)&g_zpoll, NULL); close(g_zfd); g_zfd = -1; return; }
    if (!g_zever_ready) {
        qr_error("the app could not be loaded (see the error above); stopping");
        uv_close((uv_handle_t *)&g_zpoll, NULL);
        close(g_zfd);
        g_zfd = -1;
        g_exit_code = 1;
        g_shutting_down = 1;
        qr_http_stop_accepting();
        qr_pool_shutdown();
        uv_stop(g_loop);
        return;
    }
    g_zygote_restarts++;
    qr_warn("the zygote (pid %d) %s; starting a new one (workers keep serving)", g_zpid,
            was_ready ? "died" : "died while loading the app");
    note_restart();
    uv_close((uv_handle_t *)&g_zpoll, on_zpoll_closed);
}

static void start_zygote(void)
{
    if (g_zstate != Z_DOWN || g_zfd >= 0) return;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        qr_error("socketpair: %s", strerror(errno));
        return;
    }
    char fdstr[16];
    snprintf(fdstr, sizeof fdstr, "%d", sv[1]);
    char **argv = qr_xcalloc((size_t)g_zargc + 4, sizeof *argv);
    argv[0] = "quickrail";
    argv[1] = "__zygote";
    argv[2] = fdstr;
    for (int i = 0; i < g_zargc; i++) argv[3 + i] = g_zargv[i];
    g_zstart_ns = qr_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        fcntl(sv[1], F_SETFD, 0);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    free(argv);
    close(sv[1]);
    if (pid < 0) {
        qr_error("fork: %s", strerror(errno));
        close(sv[0]);
        return;
    }
    g_zpid = pid;
    g_zfd = sv[0];
    g_zstate = Z_STARTING;
    fcntl(g_zfd, F_SETFL, fcntl(g_zfd, F_GETFL) | O_NONBLOCK);
    uv_poll_init(g_loop, &g_zpoll, g_zfd);
    uv_poll_start(&g_zpoll, UV_READABLE | UV_DISCONNECT, on_zygote_readable);
    qr_debug("zygote started (pid %d)", pid);
}

/* ---------------------------------------------------------------- signals */

static void on_sigchld(uv_signal_t *h, int sig)
{
    (void)h;
    (void)sig;
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == g_zpid) {
            if (WIFSIGNALED(st) && !g_shutting_down)
                qr_warn("the zygote (pid %d) was killed by signal %d (%s)", pid, WTERMSIG(st), strsignal(WTERMSIG(st)));
            else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && !g_shutting_down)
                qr_warn("the zygote (pid %d) exited with status %d", pid, WEXITSTATUS(st));
        } else {
            /* an orphaned worker of a dead zygote (we are its subreaper) */
            qr_pool_worker_exited(pid, st);
        }
    }
}

static void finish_shutdown(void)
{
    uv_timer_stop(&g_shutdown_timer);
    qr_pool_shutdown();
    if (g_zpid > 0 && g_zstate != Z_DOWN) kill(g_zpid, SIGKILL);
    g_zstate = Z_DOWN;
    /* reap the zygote and every worker (they come back to us as their subreaper) before
     * exiting, so nothing outlives the server; bounded to one second */
    uint64_t until = qr_now_ms() + 1000;
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break; /* ECHILD: none left */
        if (pid == 0) {
            if (qr_now_ms() >= until) { qr_warn("some child processes did not exit in time"); break; }
            usleep(1000);
        }
    }
    qr_info("Goodbye");
    uv_stop(g_loop);
}

static void on_shutdown_tick(uv_timer_t *t)
{
    (void)t;
    size_t inflight = qr_pool_inflight();
    size_t conns = qr_http_open_http_connections();
    if (inflight == 0 && conns == 0) { finish_shutdown(); return; }
    if (qr_now_ms() >= g_shutdown_deadline) {
        qr_warn("shutdown timeout: %zu request(s) still running, %zu connection(s) open; stopping anyway", inflight, conns);
        finish_shutdown();
    }
}

static void on_stop_signal(uv_signal_t *h, int sig)
{
    (void)h;
    if (g_shutting_down) {
        qr_warn("second %s: exiting now", sig == SIGINT ? "SIGINT" : "SIGTERM");
        finish_shutdown();
        return;
    }
    g_shutting_down = 1;
    qr_info("- Gracefully stopping (%s), waiting for requests to finish", sig == SIGINT ? "SIGINT" : "SIGTERM");
    uv_timer_stop(&g_backoff_timer);
    qr_http_stop_accepting();
    qr_cable_shutdown();
    g_shutdown_deadline = qr_now_ms() + g_cfg->deadline_ms + g_cfg->kill_grace_ms;
    uv_timer_start(&g_shutdown_timer, on_shutdown_tick, 0, 20);
}

/* ---------------------------------------------------------------- stats */

static void stats_json(void *ud, qr_buf_t *b)
{
    (void)ud;
    long rss, pss, zrss = -1, zpss = -1;
    qr__proc_mem(getpid(), &rss, &pss);
    if (g_zpid > 0 && g_zstate != Z_DOWN) qr__proc_mem(g_zpid, &zrss, &zpss);
    qr_buf_appendf(b, "{\"version\":\"%s\",\"pid\":%d,\"rss_kb\":%ld,\"pss_kb\":%ld,"
                   "\"zygote\":{\"pid\":%d,\"state\":\"%s\",\"restarts\":%llu,\"rss_kb\":%ld,\"pss_kb\":%ld},"
                   "\"backing_off\":%s,\"backoff_step\":%d,\"connections\":%zu,",
                   QR_VERSION, (int)getpid(), rss, pss, g_zpid,
                   g_zstate == Z_READY ? "ready" : g_zstate == Z_STARTING ? "starting" : "down",
                   (unsigned long long)g_zygote_restarts, zrss, zpss,
                   g_backing_off ? "true" : "false", g_backoff_step, qr_http_open_connections());
    qr_pool_stats_json(b);
    qr_buf_append_str(b, "}");
}

/* ---------------------------------------------------------------- run */

static void op_note_restart(void *ud) { (void)ud; note_restart(); }
static int op_backing_off(void *ud) { (void)ud; return g_backing_off; }

static void on_announce(uv_timer_t *t)
{
    /* says "Ready" once every active worker is up (a short poll during start-up only) */
    if (g_announced || g_shutting_down) { uv_timer_stop(t); return; }
    if (qr_pool_ready_workers() >= g_cfg->workers) {
        g_announced = 1;
        qr_info("* Ready: %d worker%s + 1 spare serving %s", g_cfg->workers, g_cfg->workers == 1 ? "" : "s", g_cfg->app_dir);
        uv_timer_stop(t);
    }
}

int qr_supervisor_run(qr_config_t *cfg, int zygote_argc, char **zygote_argv)
{
    g_cfg = cfg;
    g_zargc = zygote_argc;
    g_zargv = zygote_argv;
    const char *st = getenv("QUICKRAIL_STATS");
    g_stats = (st && strcmp(st, "1") == 0) || strcmp(cfg->env, "test") == 0;
    qr_log_set_tag("sup");
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) qr_warn("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);
    g_loop = uv_default_loop();

    qr_serve_ops_t sops = {.stats_json = g_stats ? stats_json : NULL};
    qr_serve_init(cfg, &sops);
    int r = qr_http_start(g_loop, cfg, qr_serve_handler());
    if (r != 0) {
        fprintf(stderr, "quickrail: cannot listen on %s:%d: %s\n"
                        "  Is another server using this port? Pick another with -p PORT (or PORT=...).\n",
                cfg->bind, cfg->port, uv_strerror(r));
        return 1;
    }
    qr_pool_ops_t pops = {fork_worker, op_note_restart, op_backing_off, NULL};
    qr_pool_init(g_loop, cfg, &pops);
    uv_signal_init(g_loop, &g_sigchld);
    uv_signal_start(&g_sigchld, on_sigchld, SIGCHLD);
    uv_signal_init(g_loop, &g_sigterm);
    uv_signal_start(&g_sigterm, on_stop_signal, SIGTERM);
    uv_signal_init(g_loop, &g_sigint);
    uv_signal_start(&g_sigint, on_stop_signal, SIGINT);
    uv_timer_init(g_loop, &g_backoff_timer);
    uv_timer_init(g_loop, &g_shutdown_timer);
    uv_timer_init(g_loop, &g_zrestart_timer);
    uv_timer_t announce;
    uv_timer_init(g_loop, &announce);
    uv_timer_start(&announce, on_announce, 2, 2);

    qr_info("quickrail %s starting in %s (pid %d)", QR_VERSION, cfg->env, (int)getpid());
    qr_info("* Listening on http://%s:%d", cfg->bind, qr_http_bound_port());
    start_zygote();
    /* after the zygote's fork: cable's key derivation (PBKDF2, ~7 ms) overlaps the app's boot */
    r = qr_cable_init(g_loop, cfg);
    if (r != 0) qr_error("cable failed to start: %s", qr_strerror(r));
    uv_run(g_loop, UV_RUN_DEFAULT);
    return g_exit_code;
}
