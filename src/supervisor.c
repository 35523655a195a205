/* supervisor.c — the serving process (supervisor.h): owns the libuv loop, SIGCHLD reaping
 * (it is a child subreaper, so workers orphaned by a dead zygote come back to it), SIGTERM/
 * SIGINT graceful shutdown, the zygote (the first one forked and run in place, zygote.c; later
 * ones fork + exec of /proc/self/exe `__zygote FD ...`; its SOCK_SEQPACKET control socket
 * watched with uv_poll, restarted when it dies), reloads (SIGHUP:
 * a new zygote boots the code on disk; on READY it replaces the old one and pool.c replaces the
 * workers; if it fails the old ones keep serving), the pid file, the restart
 * budget (more than restart_max restarts in restart_period -> exponential backoff, one log
 * line per step) and the stats document. It wires the layers: http.c gets serve.c's handler,
 * pool.c gets an ops table (fork a worker, note a restart, backing off?, rolled) instead of
 * calling up, serve.c gets one (stats, the failed reload's error, booted?, counters). In
 * development, watch.c's file events trigger the same reload as SIGHUP; SIGUSR2 is passed on to
 * the workers (profile.h). Runs no JavaScript and never blocks the loop. Calls serve.c, http.c,
 * pool.c, cable.c, watch.c, frame.c, log.c, profile.c (only qr_profile_enabled), and zygote.c
 * in the first zygote's child.
 */
#include "supervisor.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#include "cable.h"
#include "common.h"
#include "frame.h"
#include "http.h"
#include "log.h"
#include "pool.h"
#include "profile.h"
#include "serve.h"
#include "watch.h"
#include "zygote.h"

#define QR_BACKOFF_BASE_MS 100
#define QR_BACKOFF_MAX_MS 30000
#define QR_RESTART_RING 4096

enum { Z_DOWN, Z_STARTING, Z_STANDBY, Z_READY };
enum { ZS_IN_PLACE, ZS_EXEC, ZS_STANDBY }; /* how zyg_spawn starts a zygote */

/* One zygote process and its control socket. g_z forks the workers; g_zcand is a reload's
 * new zygote while it boots (promoted to g_z on READY, dropped if it fails); g_zstandby
 * (development) has the runtime and lib/quickrail loaded and waits to become the next g_zcand. */
typedef struct {
    int fd;
    int pid;
    int state;
    uint64_t start_ns;
    int in_place; /* forked in place (ZS_IN_PLACE): the supervisor's very cfg, secret included */
    uv_poll_t poll;
} zyg_t;

static uv_loop_t *g_loop;
static qr_config_t *g_cfg;
static int g_zargc;
static char **g_zargv;
static uv_signal_t g_sigchld, g_sigterm, g_sigint, g_sighup, g_sigusr2;
static uv_timer_t g_backoff_timer, g_shutdown_timer, g_zrestart_timer;
static zyg_t *g_z, *g_zcand, *g_zstandby;
static uv_timer_t g_standby_timer;
static int g_zever_ready;
static uint64_t g_zygote_restarts;
static int g_old_zpids[16];
static size_t g_nold_zpids;
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
static int g_quiet_stop;
static int g_pid_written;
/* reloads */
static int g_reload_again;         /* a reload was asked for while one was booting */
static char *g_reload_reason;      /* what asked for the pending reload (log line) */
static char *g_boot_error;         /* the last failed reload's error, until one succeeds */
static int g_change_pending;       /* development: a change was seen, its reload is not done */
static unsigned g_change_seq;      /* development: changes seen so far ... */
static unsigned g_reload_seq;      /* ... and how many of them the running reload includes */
static uint64_t g_reloads, g_reload_failures, g_last_reload_ns;

static void start_zygote(void);
static void start_reload(const char *why);
static void op_rolled(void *ud);

/* ---------------------------------------------------------------- restart budget */

static void on_backoff_over(uv_timer_t *t)
{
    (void)t;
    g_backing_off = 0;
    g_backoff_ended_ms = qr_now_ms();
    if (g_shutting_down) return;
    qr_info("restart backoff step %d over; starting workers again", g_backoff_step);
    if (!g_z) start_zygote();
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
    if (!g_z || g_z->state != Z_READY || g_backing_off || g_shutting_down) return -EAGAIN;
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
    do n = sendmsg(g_z->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
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

static void zyg_lost(zyg_t *z);

static void on_zyg_closed(uv_handle_t *h)
{
    zyg_t *z = h->data;
    close(z->fd);
    free(z);
}

/* Stops watching z and frees it once libuv let go of its poll handle (z must no longer be
 * g_z or g_zcand). kill_it: SIGKILL the process too (a retired zygote exits by itself when
 * its control socket closes, its workers living on). */
static void zyg_drop(zyg_t *z, int kill_it)
{
    uv_poll_stop(&z->poll);
    if (kill_it && z->pid > 0) kill(z->pid, SIGKILL);
    if (z->pid > 0) g_old_zpids[g_nold_zpids++ % QR_ARRAY_LEN(g_old_zpids)] = z->pid;
    z->state = Z_DOWN;
    uv_close((uv_handle_t *)&z->poll, on_zyg_closed);
}

static void set_boot_error(const char *msg, size_t len)
{
    free(g_boot_error);
    g_boot_error = qr_xstrndup(msg, len);
}

/* A reload's new zygote said READY: it becomes the one that forks, the old one is retired
 * and the pool replaces its workers (one at a time in production, all at once in development). */
static void reload_promote(void)
{
    zyg_t *old = g_z;
    g_z = g_zcand;
    g_zcand = NULL;
    if (old) zyg_drop(old, 0);
    free(g_boot_error);
    g_boot_error = NULL;
    g_reloads++;
    g_last_reload_ns = qr_now_ns() - g_z->start_ns;
    qr_info("* Reloaded%s%s: new code booted in %.1f ms; replacing the workers", g_reload_reason ? " after " : "",
            g_reload_reason ? g_reload_reason : "", (double)g_last_reload_ns / 1e6);
    qr_pool_new_generation(strcmp(g_cfg->env, "development") == 0);
}

/* Development: a standby zygote for the next reload, started once the current boot or reload
 * has had the CPU for a while (it must not compete with the new workers' first requests). */
static void on_standby_timer(uv_timer_t *t);
static void schedule_standby(void)
{
    if (strcmp(g_cfg->env, "development") != 0 || g_zstandby || g_shutting_down) return;
    uv_timer_start(&g_standby_timer, on_standby_timer, 300, 0);
}

static void reload_finished(int booted)
{
    free(g_reload_reason);
    g_reload_reason = NULL;
    /* a change seen after this reload began (its debounce has not fired yet, so no reload
     * was asked for) keeps requests held: released now, the next request would be served by
     * the code before that change. A reload that failed releases them at once: they get the
     * error page, not the old code. */
    if (!g_reload_again && (!booted || g_change_seq == g_reload_seq)) {
        g_change_pending = 0;
        qr_pool_hold(0);
    }
    if (g_reload_again && !g_shutting_down) {
        g_reload_again = 0;
        start_reload("more changes");
    }
}

static void zygote_frame(zyg_t *z, const qr_frame_t *f)
{
    uint64_t a = 0, b = 0;
    switch (f->type) {
    case QR_F_STANDBY:
        if (z == g_zstandby) z->state = Z_STANDBY;
        qr_debug("standby zygote (pid %d) ready in %.1f ms", z->pid, (double)(qr_now_ns() - z->start_ns) / 1e6);
        break;
    case QR_F_READY:
        z->state = Z_READY;
        if (f->nfields >= 1 && qr_slice_to_u64(f->fields[0], &a) == 0) z->pid = (int)a;
        qr_debug("zygote (pid %d) ready in %.1f ms", z->pid, (double)(qr_now_ns() - z->start_ns) / 1e6);
        /* its Turbo key: the same PBKDF2 of the same secret, not derived twice (cable.h). An
         * exec'd zygote re-reads its secret, so only the in-place one's key is taken. */
        if (z->in_place && g_cfg->secret_key_base[0] && f->nfields >= 2 && f->fields[1].len == QR_STREAM_KEY_LEN)
            qr_cable_set_stream_key((const unsigned char *)f->fields[1].ptr);
        if (z == g_zcand) {
            reload_promote();
            reload_finished(1);
            schedule_standby();
            break;
        }
        g_zever_ready = 1;
        schedule_standby();
        if (!g_backing_off) qr_pool_refill();
        op_rolled(NULL); /* a reload asked for while it booted */
        break;
    case QR_F_FORKED:
        if (f->nfields >= 2 && qr_slice_to_u64(f->fields[0], &a) == 0 && qr_slice_to_u64(f->fields[1], &b) == 0)
            qr_debug("zygote forked w%u as pid %llu in %llu ns", f->id, (unsigned long long)a, (unsigned long long)b);
        break;
    case QR_F_EXITED:
        if (f->nfields >= 2 && qr_slice_to_u64(f->fields[0], &a) == 0 && qr_slice_to_u64(f->fields[1], &b) == 0)
            qr_pool_worker_exited((int)a, (int)b);
        break;
    case QR_F_BOOT_ERROR:
        if (f->nfields >= 1) set_boot_error(f->fields[0].ptr, f->fields[0].len);
        break;
    default:
        qr_error("unexpected frame type %u from the zygote", f->type);
    }
}

static void on_zygote_readable(uv_poll_t *h, int status, int events)
{
    zyg_t *z = h->data;
    (void)events;
    static char msg[65536];
    for (;;) {
        ssize_t n = recv(z->fd, msg, sizeof msg, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && status >= 0) return;
        if (n <= 0) { zyg_lost(z); return; }
        qr_slice_t fields[4];
        qr_frame_t f;
        size_t used;
        if (qr_frame_parse(msg, (size_t)n, &f, fields, 4, &used) == 1) zygote_frame(z, &f);
        else qr_error("malformed message from the zygote");
        if (z != g_z && z != g_zcand && z != g_zstandby) return; /* dropped while handling the frame */
    }
}

static void on_zrestart(uv_timer_t *t)
{
    (void)t;
    if (!g_shutting_down && !g_z && !g_backing_off) start_zygote();
}

/* Watches zygote z's control socket on the loop. */
static void zyg_watch(zyg_t *z)
{
    uv_poll_init(g_loop, &z->poll, z->fd);
    z->poll.data = z;
    uv_poll_start(&z->poll, UV_READABLE | UV_DISCONNECT, on_zygote_readable);
    qr_debug("zygote started (pid %d)", z->pid);
}

/* Forks a zygote on a new control socket; NULL when that failed (logged). The first one
 * (ZS_IN_PLACE, called before libuv is initialised: its pthread_atfork handler would close the
 * zygote's descriptors in every later fork; the caller watches it with zyg_watch) runs
 * qr_zygote_main in the forked child directly: one exec and one dynamic-loader pass fewer on
 * the cold-start path (~10 ms of CPU). Only stdio and the control socket cross over, as across
 * an exec. Later zygotes (restarts, reloads, standbys: ZS_EXEC, ZS_STANDBY) are exec'd: a fresh address space, not a copy of
 * a supervisor that has been serving. */
static zyg_t *zyg_spawn(int how)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        qr_error("socketpair: %s", strerror(errno));
        return NULL;
    }
    char fdstr[16];
    snprintf(fdstr, sizeof fdstr, "%d", sv[1]);
    char **argv = qr_xcalloc((size_t)g_zargc + 5, sizeof *argv);
    argv[0] = "quickrail";
    argv[1] = "__zygote";
    argv[2] = fdstr;
    int k = 3;
    if (how == ZS_STANDBY) argv[k++] = "--standby";
    for (int i = 0; i < g_zargc; i++) argv[k + i] = g_zargv[i];
    uint64_t t0 = qr_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        fcntl(sv[1], F_SETFD, 0);
        /* Ctrl-C in a terminal signals the whole process group: only the supervisor handles
         * it (it stops the zygote and the workers itself); they ignore it (kept across exec
         * and fork) */
        signal(SIGINT, SIG_IGN);
        if (how == ZS_IN_PLACE) {
            int fd = sv[1] == 3 ? 3 : dup2(sv[1], 3);
            if (fd != 3) _exit(127);
            if (close_range(4, ~0U, 0) != 0) { /* kernels before 5.9, valgrind */
                struct rlimit rl;
                int top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
                for (int i = 4; i < top; i++) close(i);
            }
            _exit(qr_zygote_main(g_cfg, 3, 0));
        }
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    free(argv);
    close(sv[1]);
    if (pid < 0) {
        qr_error("fork: %s", strerror(errno));
        close(sv[0]);
        return NULL;
    }
    zyg_t *z = qr_xcalloc(1, sizeof *z);
    z->pid = pid;
    z->fd = sv[0];
    z->state = Z_STARTING;
    z->start_ns = t0;
    z->in_place = how == ZS_IN_PLACE;
    fcntl(z->fd, F_SETFL, fcntl(z->fd, F_GETFL) | O_NONBLOCK);
    if (g_loop) zyg_watch(z);
    return z;
}

static void start_zygote(void)
{
    if (g_z) return;
    g_z = zyg_spawn(ZS_EXEC);
}

static void on_standby_timer(uv_timer_t *t)
{
    (void)t;
    if (g_zstandby || g_shutting_down || g_zcand) return;
    g_zstandby = zyg_spawn(ZS_STANDBY);
}

static void zyg_lost(zyg_t *z)
{
    if (z == g_zstandby) {
        /* it exited or crashed before a reload needed it: the next reload execs a zygote */
        g_zstandby = NULL;
        zyg_drop(z, 1);
        if (!g_shutting_down) qr_debug("the standby zygote (pid %d) is gone; the next reload starts a new zygote", z->pid);
        return;
    }
    if (z == g_zcand) {
        /* a reload's new code did not boot: the old zygote and workers keep serving */
        uint64_t dt = qr_now_ns() - z->start_ns;
        g_zcand = NULL;
        zyg_drop(z, 1);
        g_reload_failures++;
        if (!g_boot_error) set_boot_error("the new code did not boot (see the log)", 39);
        if (g_shutting_down) return;
        qr_error("reload failed after %.1f ms: the new code did not boot (the error is above); the old workers "
                 "keep serving%s", (double)dt / 1e6,
                 strcmp(g_cfg->env, "development") == 0 ? "; every page shows the error until it is fixed" : "");
        reload_finished(0);
        schedule_standby();
        return;
    }
    if (z != g_z) return;
    int was_ready = z->state == Z_READY;
    int pid = z->pid;
    g_z = NULL;
    zyg_drop(z, 1);
    if (g_shutting_down) return;
    if (!g_zever_ready) {
        qr_error("the app could not be loaded (see the error above); stopping");
        g_exit_code = 1;
        g_shutting_down = 1;
        qr_http_stop_accepting();
        qr_pool_shutdown();
        uv_stop(g_loop);
        return;
    }
    g_zygote_restarts++;
    qr_warn("the zygote (pid %d) %s; starting a new one (workers keep serving)", pid,
            was_ready ? "died" : "died while loading the app");
    note_restart();
    if (!g_backing_off) uv_timer_start(&g_zrestart_timer, on_zrestart, 0, 0);
}

/* The standby zygote, told to LOAD the app, as a reload's new zygote; NULL when there is none. */
static zyg_t *standby_load(void)
{
    zyg_t *z = g_zstandby;
    if (!z || z->state != Z_STANDBY) return NULL;
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_LOAD, 0);
    qr_frame_end(&b);
    ssize_t n;
    do n = send(z->fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    qr_buf_free(&b);
    if (n < 0) return NULL; /* zyg_lost drops it when its socket reports the hang-up */
    g_zstandby = NULL;
    z->state = Z_STARTING;
    z->start_ns = qr_now_ns();
    return z;
}

/* Boots the code on disk in a new zygote; see reload_promote and zyg_lost for the outcomes. */
static void start_reload(const char *why)
{
    if (g_shutting_down) return;
    if (g_zcand || !g_z || g_z->state != Z_READY || qr_pool_rolling()) {
        /* one reload at a time: this one starts when the current one (or the first boot) is done */
        g_reload_again = 1;
        if (!g_z && !g_zcand) start_zygote();
        return;
    }
    free(g_reload_reason);
    g_reload_reason = why ? qr_xstrdup(why) : NULL;
    g_reload_seq = g_change_seq;
    g_zcand = standby_load();
    if (!g_zcand) g_zcand = zyg_spawn(ZS_EXEC);
    if (!g_zcand) {
        qr_error("reload failed: cannot start a new zygote; the old workers keep serving");
        reload_finished(0);
    }
}

/* serve ops: the failed reload's error (development only), NULL while a reload is under way */
static const char *op_boot_error(void *ud)
{
    (void)ud;
    return g_zcand || g_change_pending ? NULL : g_boot_error;
}

/* pool ops: every worker runs the newest code; a reload asked for meanwhile starts now */
static void op_rolled(void *ud)
{
    (void)ud;
    if (g_reload_again && !g_zcand) {
        g_reload_again = 0;
        start_reload("more changes");
    }
}

/* ---------------------------------------------------------------- pid file */

static void write_pid_file(void)
{
    char dir[sizeof g_cfg->pid_file];
    snprintf(dir, sizeof dir, "%s", g_cfg->pid_file);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        mkdir(dir, 0755);
        *p = '/';
    }
    FILE *f = fopen(g_cfg->pid_file, "r");
    if (f) {
        long other = 0;
        if (fscanf(f, "%ld", &other) == 1 && other > 1 && other != getpid() && kill((pid_t)other, 0) == 0)
            qr_warn("%s names another running server (pid %ld); it now names this one (quickrail reload "
                    "signals the server the file names)", g_cfg->pid_file, other);
        fclose(f);
    }
    char tmp[sizeof g_cfg->pid_file + 16];
    snprintf(tmp, sizeof tmp, "%.*s.%d", (int)sizeof g_cfg->pid_file - 1, g_cfg->pid_file, (int)getpid());
    f = fopen(tmp, "w");
    if (!f) { qr_warn("cannot write the pid file %s: %s", g_cfg->pid_file, strerror(errno)); return; }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    if (rename(tmp, g_cfg->pid_file) != 0) {
        qr_warn("cannot write the pid file %s: %s", g_cfg->pid_file, strerror(errno));
        unlink(tmp);
        return;
    }
    g_pid_written = 1;
}

/* Removes the pid file if it still names this process. */
static void remove_pid_file(void)
{
    if (!g_pid_written) return;
    FILE *f = fopen(g_cfg->pid_file, "r");
    if (!f) return;
    long pid = 0;
    int ours = fscanf(f, "%ld", &pid) == 1 && pid == getpid();
    fclose(f);
    if (ours) unlink(g_cfg->pid_file);
}

/* ---------------------------------------------------------------- signals */

static int is_old_zygote(int pid)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(g_old_zpids); i++)
        if (g_old_zpids[i] == pid) return 1;
    return 0;
}

static void on_sigchld(uv_signal_t *h, int sig)
{
    (void)h;
    (void)sig;
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (g_zstandby && pid == g_zstandby->pid) {
            qr_debug("the standby zygote (pid %d) exited", pid);
        } else if ((g_z && pid == g_z->pid) || (g_zcand && pid == g_zcand->pid)) {
            if (WIFSIGNALED(st) && !g_shutting_down)
                qr_warn("the zygote (pid %d) was killed by signal %d (%s)", pid, WTERMSIG(st), strsignal(WTERMSIG(st)));
            else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && !g_shutting_down && !(g_zcand && pid == g_zcand->pid))
                qr_warn("the zygote (pid %d) exited with status %d", pid, WEXITSTATUS(st));
        } else if (is_old_zygote(pid)) {
            qr_debug("retired zygote (pid %d) exited", pid);
        } else {
            /* an orphaned worker of a dead or retired zygote (we are its subreaper) */
            qr_pool_worker_exited(pid, st);
        }
    }
}

static void finish_shutdown(void)
{
    uv_timer_stop(&g_shutdown_timer);
    qr_pool_shutdown();
    if (g_z) { zyg_t *z = g_z; g_z = NULL; zyg_drop(z, 1); }
    if (g_zcand) { zyg_t *z = g_zcand; g_zcand = NULL; zyg_drop(z, 1); }
    if (g_zstandby) { zyg_t *z = g_zstandby; g_zstandby = NULL; zyg_drop(z, 1); }
    uv_timer_stop(&g_standby_timer);
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
    remove_pid_file();
    if (g_quiet_stop) qr_debug("Goodbye");
    else qr_info("Goodbye");
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
    if (sig == SIGINT) {
        /* Ctrl-C: one line, as Puma and Rails print */
        g_quiet_stop = 1;
        qr_info("- Gracefully stopping (Ctrl-C), waiting for requests to finish");
    } else {
        qr_info("- Gracefully stopping (SIGTERM), waiting for requests to finish");
    }
    uv_timer_stop(&g_backoff_timer);
    qr_watch_stop();
    qr_pool_hold(0);
    if (qr_profile_enabled()) qr_pool_signal_workers(SIGUSR2); /* last profile files before the workers go */
    qr_http_stop_accepting();
    qr_cable_shutdown();
    g_shutdown_deadline = qr_now_ms() + g_cfg->deadline_ms + g_cfg->kill_grace_ms;
    uv_timer_start(&g_shutdown_timer, on_shutdown_tick, 0, 20);
}

/* SIGUSR2: the workers write their profile files (profile.h); without profiling it says so. */
static void on_sigusr2(uv_signal_t *h, int sig)
{
    (void)h;
    (void)sig;
    if (!qr_profile_enabled()) {
        qr_warn("SIGUSR2: the profiler is off (start with QUICKRAIL_PROFILE=1 or `quickrail up --profile`)");
        return;
    }
    int n = qr_pool_signal_workers(SIGUSR2);
    qr_info("- SIGUSR2: %d worker(s) write their profiles into tmp/profile/", n);
}

static void on_sighup(uv_signal_t *h, int sig)
{
    (void)h;
    (void)sig;
    qr_info("- SIGHUP: reloading the code on disk (zero downtime; the old workers serve until the new ones are up)");
    start_reload("SIGHUP");
}

/* ---------------------------------------------------------------- development watcher */

static void on_code_change_seen(void)
{
    g_change_pending = 1;
    g_change_seq++;
    qr_pool_hold(1); /* the next request waits for the new code */
}

static void on_code_changed(const char *rel)
{
    char why[600];
    snprintf(why, sizeof why, "%.500s changed", rel);
    start_reload(why);
}

/* ---------------------------------------------------------------- stats */

static void stats_json(void *ud, qr_buf_t *b)
{
    (void)ud;
    long rss, pss, zrss = -1, zpss = -1;
    qr__proc_mem(getpid(), &rss, &pss);
    if (g_z && g_z->pid > 0) qr__proc_mem(g_z->pid, &zrss, &zpss);
    int zstate = g_z ? g_z->state : Z_DOWN;
    qr_buf_appendf(b, "{\"version\":\"%s\",\"pid\":%d,\"rss_kb\":%ld,\"pss_kb\":%ld,"
                   "\"zygote\":{\"pid\":%d,\"state\":\"%s\",\"restarts\":%llu,\"rss_kb\":%ld,\"pss_kb\":%ld},"
                   "\"reloads\":{\"done\":%llu,\"failed\":%llu,\"booting\":%s,\"last_boot_ns\":%llu},"
                   "\"backing_off\":%s,\"backoff_step\":%d,\"connections\":%zu,",
                   QR_VERSION, (int)getpid(), rss, pss, g_z ? g_z->pid : 0,
                   zstate == Z_READY ? "ready" : zstate == Z_STARTING ? "starting" : "down",
                   (unsigned long long)g_zygote_restarts, zrss, zpss,
                   (unsigned long long)g_reloads, (unsigned long long)g_reload_failures,
                   g_zcand ? "true" : "false", (unsigned long long)g_last_reload_ns,
                   g_backing_off ? "true" : "false", g_backoff_step, qr_http_open_connections());
    qr_pool_stats_json(b);
    qr_buf_append_str(b, "}");
}

/* ---------------------------------------------------------------- run */

static void op_note_restart(void *ud) { (void)ud; note_restart(); }
static int op_backing_off(void *ud) { (void)ud; return g_backing_off; }
static int op_app_booted(void *ud) { (void)ud; return g_zever_ready && !g_shutting_down; }

static void op_metrics(void *ud, qr_ops_sup_metrics_t *m)
{
    (void)ud;
    m->zygote_restarts = g_zygote_restarts;
    m->reloads = g_reloads;
    m->reload_failures = g_reload_failures;
    m->last_reload_ns = g_last_reload_ns;
    m->backing_off = g_backing_off;
}

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
    g_z = zyg_spawn(ZS_IN_PLACE); /* the first zygote, before libuv exists (zyg_spawn) */
    g_loop = uv_default_loop();

    qr_serve_ops_t sops = {.stats_json = g_stats ? stats_json : NULL,
                           .boot_error = strcmp(cfg->env, "development") == 0 ? op_boot_error : NULL,
                           .app_booted = op_app_booted,
                           .metrics = op_metrics};
    qr_serve_init(cfg, &sops);
    int r = qr_http_start(g_loop, cfg, qr_serve_handler());
    if (r != 0) {
        fprintf(stderr, "quickrail: cannot listen on %s:%d: %s\n"
                        "  Is another server using this port? Pick another with -p PORT (or PORT=...).\n",
                cfg->bind, cfg->port, uv_strerror(r));
        if (g_z) {
            kill(g_z->pid, SIGKILL);
            waitpid(g_z->pid, NULL, 0);
        }
        return 1;
    }
    qr_pool_ops_t pops = {.fork_worker = fork_worker, .note_restart = op_note_restart,
                          .backing_off = op_backing_off, .rolled = op_rolled};
    qr_pool_init(g_loop, cfg, &pops);
    uv_signal_init(g_loop, &g_sigchld);
    uv_signal_start(&g_sigchld, on_sigchld, SIGCHLD);
    uv_signal_init(g_loop, &g_sigterm);
    uv_signal_start(&g_sigterm, on_stop_signal, SIGTERM);
    uv_signal_init(g_loop, &g_sigint);
    uv_signal_start(&g_sigint, on_stop_signal, SIGINT);
    uv_signal_init(g_loop, &g_sighup);
    uv_signal_start(&g_sighup, on_sighup, SIGHUP);
    uv_signal_init(g_loop, &g_sigusr2);
    uv_signal_start(&g_sigusr2, on_sigusr2, SIGUSR2);
    uv_timer_init(g_loop, &g_backoff_timer);
    uv_timer_init(g_loop, &g_shutdown_timer);
    uv_timer_init(g_loop, &g_zrestart_timer);
    uv_timer_init(g_loop, &g_standby_timer);
    uv_timer_t announce;
    uv_timer_init(g_loop, &announce);
    uv_timer_start(&announce, on_announce, 2, 2);

    qr_info("quickrail %s starting in %s (pid %d)", QR_VERSION, cfg->env, (int)getpid());
    qr_info("* Listening on http://%s:%d", cfg->bind, qr_http_bound_port());
    write_pid_file();
    if (g_z) zyg_watch(g_z);
    else start_zygote();
    const char *w = getenv("QUICKRAIL_WATCH");
    if (strcmp(cfg->env, "development") == 0 && !(w && strcmp(w, "0") == 0)) {
        qr_watch_cbs_t cbs = {on_code_change_seen, on_code_changed};
        int n = qr_watch_start(g_loop, cfg->app_dir, 15, &cbs);
        if (n > 0) qr_debug("watching %d folders of %s for code changes", n, cfg->app_dir);
        else qr_warn("cannot watch %s for code changes (%s); send SIGHUP to reload", cfg->app_dir, qr_strerror(n));
    }
    /* no key derivation here: the first zygote's READY hands cable its Turbo key */
    r = qr_cable_init(g_loop, cfg);
    if (r != 0) qr_error("cable failed to start: %s", qr_strerror(r));
    uv_run(g_loop, UV_RUN_DEFAULT);
    remove_pid_file();
    return g_exit_code;
}
