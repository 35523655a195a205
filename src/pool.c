/* pool.c — the supervisor's workers (pool.h): N active workers plus one warm spare, a bounded
 * FIFO of jobs (HTTP requests and cable operations, each already encoded as a frame), dispatch
 * to idle active workers, a deadline watchdog per busy worker (deadline + grace -> SIGKILL),
 * and what happens when a worker dies: its started job gets a 500 (never replayed), a job it
 * had not read yet is re-dispatched, the spare is promoted at once and a new spare is forked.
 * Reloads: each worker belongs to a generation (the zygote it came from); a new generation
 * retires the older workers after their current request (their channel is closed: they exit)
 * while workers of the new code take their places.
 * Worker channels are uv_pipe_t over the supervisor's end of each socketpair. Runs on the
 * supervisor's loop; never blocks. Calls hub.c (broadcasts), frame.c; reaches the supervisor
 * only through the qr_pool_ops_t it was given (forks, restart budget). */
#include "pool.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "frame.h"
#include "hub.h"
#include "log.h"

#define QR_SPARES 1
#define QR_MAX_RETRIES 2
#define QR_POOL_MAX_FIELDS (2 * 8192 + 8)
#define QR_SAMPLES 8192

enum { JOB_HTTP, JOB_CABLE };
enum { W_FORKING, W_IDLE, W_BUSY, W_DEAD };
enum { ROLE_NONE, ROLE_ACTIVE, ROLE_SPARE };

typedef struct job_s {
    struct job_s *next;
    int kind;
    uint32_t id;
    qr_buf_t frame;
    qr_pool_http_cb hcb;
    qr_pool_cable_cb ccb;
    void *ud;
    int retries;
} job_t;

typedef struct worker_s {
    uv_pipe_t pipe;
    uv_timer_t timer;
    uv_write_t wreq;
    int open_handles;
    uint32_t id;
    int pid;
    int state;
    int role;
    int timed_out;
    int write_pending;
    int retiring;      /* said RETIRING: takes nothing more, exits after its answer */
    int job_unsent;    /* writing w->job failed: the worker never had it */
    job_t *job;
    qr_buf_t in;
    uint64_t t_fork;
    uint64_t requests;
    uint32_t gen;        /* the reload generation of the zygote it came from */
    int retired;         /* closed by a reload, not dead: no restart, no replacement count */
    struct worker_s *next;
} worker_t;

typedef struct {
    uint64_t v[QR_SAMPLES];
    size_t n;      /* total recorded */
} samples_t;

static uv_loop_t *g_loop;
static const qr_config_t *g_cfg;
static qr_pool_ops_t g_ops;
static worker_t *g_workers;
static job_t *g_qhead, *g_qtail;
static size_t g_qlen;
static size_t g_qcable;  /* cable jobs among them */
static size_t g_busy;
static uint32_t g_next_worker_id;
static uint32_t g_next_job_id;
static int g_shutdown;
static int g_cable_connect = 1; /* what the last READY said (qr_pool_cable_needs_connect) */
static char *g_cable_channels;  /* its channel names, one per line; NULL: not declared */
/* deaths of active workers not yet replaced, oldest first (time seen, ns) */
static uint64_t g_pending_deaths[256];
static size_t g_npending;
static samples_t g_replace_ns, g_ready_ns;
static uint64_t g_restarts, g_served, g_retried, g_killed, g_crashed_jobs;
static qr_slice_t g_fields[QR_POOL_MAX_FIELDS];
static qr_header_t g_headers[QR_POOL_MAX_FIELDS / 2];
/* reloads */
static uint32_t g_gen;
static int g_rolling, g_roll_all, g_hold;
static int g_one_first;  /* development reload: fork one new worker, the rest once it is ready */
static uint64_t g_roll_start_ns;
static size_t g_roll_replaced;
static uint64_t g_reloaded_workers;
static samples_t g_reload_ns;

static void dispatch_queue(void);
static void roll(void);

static void sample(samples_t *s, uint64_t v) { s->v[s->n++ % QR_SAMPLES] = v; }

/* ---------------------------------------------------------------- jobs */

static void job_free(job_t *j)
{
    qr_buf_free(&j->frame);
    free(j);
}

static void enqueue(job_t *j, int front)
{
    if (front) {
        j->next = g_qhead;
        g_qhead = j;
        if (!g_qtail) g_qtail = j;
    } else {
        j->next = NULL;
        if (g_qtail) g_qtail->next = j; else g_qhead = j;
        g_qtail = j;
    }
    g_qlen++;
    if (j->kind == JOB_CABLE) g_qcable++;
}

static job_t *dequeue(void)
{
    job_t *j = g_qhead;
    if (!j) return NULL;
    g_qhead = j->next;
    if (!g_qhead) g_qtail = NULL;
    g_qlen--;
    if (j->kind == JOB_CABLE) g_qcable--;
    j->next = NULL;
    return j;
}

/* Answers a job the server could not get answered by the app. */
static void job_fail(job_t *j, int error, int status, uint32_t worker_id)
{
    if (j->kind == JOB_HTTP && j->hcb) {
        qr_pool_response_t res = {.error = error, .status = status, .worker_id = worker_id};
        j->hcb(j->ud, &res);
    } else if (j->kind == JOB_CABLE && j->ccb) {
        j->ccb(j->ud, error, NULL, 0);
    }
    job_free(j);
}

/* ---------------------------------------------------------------- workers */

int qr_pool_cable_needs_connect(void) { return g_cable_connect; }

int qr_pool_cable_channel_known(const char *name, size_t len)
{
    if (!g_cable_channels) return 1; /* the app does not say: ask it */
    for (const char *p = g_cable_channels; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == len && memcmp(p, name, len) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* Workers that are or will be of use: not dead, not retiring. */
static int count_live(void)
{
    int n = 0;
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->state != W_DEAD && !w->retiring) n++;
    return n;
}

static int count_active(void)
{
    int n = 0;
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->state != W_DEAD && w->role == ROLE_ACTIVE) n++;
    return n;
}

int qr_pool_live_workers(void) { return count_live(); }

static int ready_active(void)
{
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->role == ROLE_ACTIVE && (w->state == W_IDLE || w->state == W_BUSY)) return 1;
    return 0;
}

int qr_pool_ready_workers(void)
{
    int n = 0;
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->role == ROLE_ACTIVE && (w->state == W_IDLE || w->state == W_BUSY)) n++;
    return n;
}

static void on_worker_handle_closed(uv_handle_t *h)
{
    worker_t *w = h->data;
    if (--w->open_handles > 0) return;
    worker_t **pp = &g_workers;
    while (*pp && *pp != w) pp = &(*pp)->next;
    if (*pp) *pp = w->next;
    qr_buf_free(&w->in);
    free(w);
}

/* While no worker can be had (restart backoff and no live active worker), queued jobs are
 * answered 503 at once instead of waiting for an unknown time. */
static void flush_if_unavailable(void)
{
    if (!g_ops.backing_off(g_ops.ud) || ready_active()) return;
    job_t *j;
    while ((j = dequeue())) job_fail(j, -EAGAIN, 503, 0);
}

/* Recently dead workers, so the zygote's EXITED report can name them. */
static struct { int pid; uint32_t id; } g_recent[64];
static size_t g_nrecent;

static void remember_exit(const worker_t *w)
{
    g_recent[g_nrecent % QR_ARRAY_LEN(g_recent)].pid = w->pid;
    g_recent[g_nrecent % QR_ARRAY_LEN(g_recent)].id = w->id;
    g_nrecent++;
}

/* Closes the channel of an idle (or not yet ready) worker of older code: it reads EOF and
 * exits. Not a death: nothing is counted toward the restart budget. */
static void retire(worker_t *w)
{
    if (w->state == W_DEAD || w->state == W_BUSY) return;
    w->retired = 1;
    w->state = W_DEAD;
    remember_exit(w);
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->pipe, on_worker_handle_closed);
    uv_close((uv_handle_t *)&w->timer, on_worker_handle_closed);
    g_roll_replaced++;
    g_reloaded_workers++;
    qr_debug("w%u (pid %d) retired by the reload", w->id, w->pid);
}

/* The active worker w is leaving (dead, or retiring): the spare takes its place at once, or
 * the next worker that becomes ready does. */
static void replace_active(worker_t *w, uint64_t t_seen)
{
    worker_t *spare = NULL;
    for (worker_t *s = g_workers; s; s = s->next)
        if (s->role == ROLE_SPARE && s->state == W_IDLE) { spare = s; break; }
    if (spare) {
        spare->role = ROLE_ACTIVE;
        uint64_t dt = qr_now_ns() - t_seen;
        sample(&g_replace_ns, dt);
        qr_debug("w%u replaced by spare w%u in %llu ns", w->id, spare->id, (unsigned long long)dt);
    } else if (g_npending < QR_ARRAY_LEN(g_pending_deaths)) {
        g_pending_deaths[g_npending++] = t_seen;
    }
}

static void worker_died(worker_t *w, int read_status)
{
    uint64_t t_seen = qr_now_ns();
    if (w->state == W_DEAD) return;
    int was_ready = w->state == W_IDLE || w->state == W_BUSY;
    int was_active = w->role == ROLE_ACTIVE;
    /* replace first (the spare takes over at once), then clean up and answer the lost request */
    if (was_ready && was_active && !g_shutdown) replace_active(w, t_seen);
    job_t *j = w->job;
    w->job = NULL;
    if (w->state == W_BUSY) g_busy--;
    w->state = W_DEAD;
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->pipe, on_worker_handle_closed);
    uv_close((uv_handle_t *)&w->timer, on_worker_handle_closed);
    if (g_shutdown) {
        if (j) job_fail(j, -EPIPE, 503, w->id);
        return;
    }
    g_restarts++;
    g_ops.note_restart(g_ops.ud);
    remember_exit(w);
    if (j) {
        /* A worker that died with our request still unread in its socket (the kernel reports
         * ECONNRESET then) never started it: hand it to another worker. One that had read it
         * may have done part of it, so it is never replayed. */
        if (!w->timed_out && (read_status == UV_ECONNRESET || w->job_unsent) && j->retries < QR_MAX_RETRIES) {
            j->retries++;
            g_retried++;
            qr_info("w%u (pid %d) died before starting request %u; re-dispatching it", w->id, w->pid, j->id);
            enqueue(j, 1);
        } else {
            g_crashed_jobs++;
            qr_warn("w%u (pid %d) %s while running request %u; answering 500", w->id, w->pid,
                    w->timed_out ? "was killed by the watchdog" : "died", j->id);
            job_fail(j, w->timed_out ? -ETIMEDOUT : QR_EPROTO, 500, w->id);
        }
    } else {
        qr_info("w%u (pid %d) %s", w->id, w->pid, w->retiring ? "retired" : was_ready ? "died while idle" : "died before it was ready");
    }
    qr_pool_refill();
    roll();
    dispatch_queue();
    flush_if_unavailable();
}

static void on_worker_timeout(uv_timer_t *t)
{
    worker_t *w = t->data;
    if (w->state != W_BUSY || w->pid <= 0) return;
    w->timed_out = 1;
    g_killed++;
    qr_warn("w%u (pid %d) did not answer request %u within %u ms (deadline %u ms + grace %u ms); killing it",
            w->id, w->pid, w->job ? w->job->id : 0, g_cfg->deadline_ms + g_cfg->kill_grace_ms,
            g_cfg->deadline_ms, g_cfg->kill_grace_ms);
    kill(w->pid, SIGKILL);
}

static void on_retire_timeout(uv_timer_t *t)
{
    worker_t *w = t->data;
    if (w->state == W_DEAD || w->pid <= 0) return;
    qr_warn("w%u (pid %d) retired but did not exit within %u ms; killing it", w->id, w->pid, g_cfg->kill_grace_ms);
    kill(w->pid, SIGKILL);
}

static void on_worker_write(uv_write_t *req, int status)
{
    worker_t *w = req->data;
    w->write_pending = 0;
    if (status < 0 && status != UV_ECANCELED && w->state != W_DEAD) {
        qr_debug("write to w%u failed: %s", w->id, uv_strerror(status));
        w->job_unsent = 1; /* the worker is gone before reading all of it: never started */
    }
}

static void send_job(worker_t *w, job_t *j)
{
    w->state = W_BUSY;
    w->job = j;
    w->job_unsent = 0;
    g_busy++;
    uv_timer_start(&w->timer, on_worker_timeout, (uint64_t)g_cfg->deadline_ms + g_cfg->kill_grace_ms, 0);
    uv_buf_t b = uv_buf_init(j->frame.data, (unsigned)j->frame.len);
    int r = uv_try_write((uv_stream_t *)&w->pipe, &b, 1);
    if (r == (int)j->frame.len) return;
    size_t done = r > 0 ? (size_t)r : 0;
    if (r < 0 && r != UV_EAGAIN) {
        /* the worker is gone; its EOF will come and the job (unread) is re-dispatched */
        qr_debug("write to w%u failed: %s", w->id, uv_strerror(r));
        w->job_unsent = done == 0;
        return;
    }
    b = uv_buf_init(j->frame.data + done, (unsigned)(j->frame.len - done));
    w->wreq.data = w;
    w->write_pending = 1;
    if (uv_write(&w->wreq, (uv_stream_t *)&w->pipe, &b, 1, on_worker_write) != 0) w->write_pending = 0;
}

void qr_pool_hold(int hold)
{
    g_hold = hold;
    if (!hold) dispatch_queue();
}

static void dispatch_queue(void)
{
    while (g_qhead && !g_hold) {
        worker_t *idle = NULL;
        for (worker_t *w = g_workers; w; w = w->next)
            if (w->role == ROLE_ACTIVE && w->state == W_IDLE && !w->write_pending && (!g_roll_all || w->gen == g_gen)) {
                idle = w;
                break;
            }
        if (!idle) return;
        send_job(idle, dequeue());
    }
}

static void worker_ready(worker_t *w, uint64_t pid)
{
    if (w->state != W_FORKING) return;
    w->pid = (int)pid;
    w->state = W_IDLE;
    int forked_alone = g_one_first && w->gen == g_gen;
    if (forked_alone) g_one_first = 0;
    uint64_t now = qr_now_ns();
    sample(&g_ready_ns, now - w->t_fork);
    if (count_active() < g_cfg->workers) {
        w->role = ROLE_ACTIVE;
        if (g_npending) {
            uint64_t dt = now - g_pending_deaths[0];
            sample(&g_replace_ns, dt);
            memmove(g_pending_deaths, g_pending_deaths + 1, (g_npending - 1) * sizeof g_pending_deaths[0]);
            g_npending--;
            qr_debug("w%u (pid %d) ready as a replacement %llu ns after the death", w->id, w->pid, (unsigned long long)dt);
        } else {
            qr_debug("w%u (pid %d) ready in %.2f ms", w->id, w->pid, (double)(now - w->t_fork) / 1e6);
        }
        dispatch_queue();
    } else {
        w->role = ROLE_SPARE;
        qr_debug("w%u (pid %d) ready as the spare in %.2f ms", w->id, w->pid, (double)(now - w->t_fork) / 1e6);
    }
    if (forked_alone) qr_pool_refill(); /* the others now */
    roll();
}

static void worker_frame(worker_t *w, const qr_frame_t *f)
{
    switch (f->type) {
    case QR_F_READY: {
        uint64_t pid = 0;
        int cable_connect = 1;
        qr_slice_t channels;
        if (qr_frame_get_ready(f, &pid, &cable_connect, &channels) != 0) goto bad;
        g_cable_connect = cable_connect;
        free(g_cable_channels);
        g_cable_channels = channels.ptr ? qr_xstrndup(channels.ptr, channels.len) : NULL;
        worker_ready(w, pid);
        return;
    }
    case QR_F_RETIRING:
        /* its answer follows; it takes nothing more and is replaced now, not at its EOF */
        if (w->state != W_BUSY || w->retiring) goto bad;
        w->retiring = 1;
        qr_info("w%u (pid %d) is retiring after request %u; replacing it", w->id, w->pid, f->id);
        if (w->role == ROLE_ACTIVE && !g_shutdown) {
            w->role = ROLE_NONE;
            replace_active(w, qr_now_ns());
        } else {
            w->role = ROLE_NONE;
        }
        qr_pool_refill(); /* the next spare, now */
        return;
    case QR_F_RESPONSE:
    case QR_F_CABLE_RESULT: {
        job_t *j = w->job;
        if (!j || j->id != f->id || w->state != W_BUSY) goto bad;
        w->job = NULL;
        w->state = W_IDLE;
        g_busy--;
        w->requests++;
        g_served++;
        uv_timer_stop(&w->timer);
        if (w->retiring) /* it exits by itself; one that hangs on the way out is killed */
            uv_timer_start(&w->timer, on_retire_timeout, g_cfg->kill_grace_ms, 0);
        if (f->type == QR_F_RESPONSE) {
            qr_response_t r;
            if (j->kind != JOB_HTTP || qr_frame_get_response(f, &r, g_headers, QR_ARRAY_LEN(g_headers)) != 0) {
                job_fail(j, QR_EPROTO, 500, w->id);
            } else {
                qr_pool_response_t res = {
                    .status = r.status,
                    .headers = r.headers,
                    .nheaders = r.nheaders,
                    .body = r.body,
                    .body_len = r.body_len,
                    .worker_id = w->id,
                };
                if (j->hcb) j->hcb(j->ud, &res);
                job_free(j);
            }
        } else {
            qr_slice_t json;
            if (j->kind != JOB_CABLE || qr_frame_get_cable(f, QR_F_CABLE_RESULT, &json) != 0)
                job_fail(j, QR_EPROTO, 500, w->id);
            else {
                if (j->ccb) j->ccb(j->ud, 0, json.ptr, json.len);
                job_free(j);
            }
        }
        if (w->state == W_IDLE) {
            roll(); /* a worker of older code leaves now, between two requests */
            dispatch_queue();
        }
        return;
    }
    case QR_F_BROADCAST: {
        qr_slice_t stream, json;
        if (qr_frame_get_broadcast(f, &stream, &json) != 0) goto bad;
        qr_hub_publish(stream.ptr, stream.len, json.ptr, json.len);
        return;
    }
    default:
        goto bad;
    }
bad:
    qr_error("w%u sent an unexpected frame (type %u, id %u); killing it", w->id, f->type, f->id);
    if (w->pid > 0) kill(w->pid, SIGKILL);
}

static void on_worker_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    worker_t *w = h->data;
    (void)suggested;
    qr_buf_reserve(&w->in, 65536);
    *buf = uv_buf_init(w->in.data + w->in.len, (unsigned)(w->in.cap - w->in.len - 1));
}

static void on_worker_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    worker_t *w = s->data;
    (void)buf;
    if (nread == 0) return;
    if (nread < 0) { worker_died(w, (int)nread); return; }
    w->in.len += (size_t)nread;
    size_t off = 0;
    while (w->state != W_DEAD) {
        qr_frame_t f;
        size_t used;
        int r = qr_frame_parse(w->in.data + off, w->in.len - off, &f, g_fields, QR_POOL_MAX_FIELDS, &used);
        if (r == 0) break;
        if (r < 0) {
            qr_error("w%u broke the frame protocol (%s); killing it", w->id, qr_strerror(r));
            if (w->pid > 0) kill(w->pid, SIGKILL);
            worker_died(w, UV_EOF);
            return;
        }
        off += used;
        worker_frame(w, &f);
    }
    if (w->state != W_DEAD) qr_buf_consume(&w->in, off);
}

int qr_pool_rolling(void) { return g_rolling; }

void qr_pool_new_generation(int all_at_once)
{
    g_gen++;
    g_rolling = 1;
    g_roll_all = all_at_once;
    g_one_first = all_at_once;
    g_roll_start_ns = qr_now_ns();
    g_roll_replaced = 0;
    roll();
}

/* Makes the next step of a reload's worker replacement; called whenever a worker becomes
 * idle or ready or dies. */
static void roll(void)
{
    if (!g_rolling || g_shutdown) return;
    int stale_active = 0;
    for (worker_t *w = g_workers; w; w = w->next) {
        if (w->state == W_DEAD || w->gen == g_gen) continue;
        if (w->role != ROLE_ACTIVE) retire(w); /* an old spare or a fork not ready yet */
        else stale_active++;
    }
    if (g_roll_all) {
        for (worker_t *w = g_workers; w; w = w->next)
            if (w->state == W_IDLE && w->gen != g_gen && w->role == ROLE_ACTIVE) { retire(w); stale_active--; }
    } else if (stale_active > 0) {
        /* one at a time: a ready spare of the new code takes the place of an idle old worker */
        worker_t *spare = NULL, *old = NULL;
        for (worker_t *w = g_workers; w; w = w->next) {
            if (w->state == W_IDLE && w->gen == g_gen && w->role == ROLE_SPARE && !spare) spare = w;
            if (w->state == W_IDLE && w->gen != g_gen && w->role == ROLE_ACTIVE && !w->write_pending && !old) old = w;
        }
        if (spare && old) {
            spare->role = ROLE_ACTIVE;
            retire(old);
            stale_active--;
        }
    }
    /* new workers fill the active places the old ones left */
    for (worker_t *w = g_workers; w && count_active() < g_cfg->workers; w = w->next)
        if (w->state == W_IDLE && w->role == ROLE_SPARE && w->gen == g_gen) w->role = ROLE_ACTIVE;
    qr_pool_refill();
    if (stale_active == 0) {
        g_rolling = 0;
        g_roll_all = 0;
        uint64_t dt = qr_now_ns() - g_roll_start_ns;
        sample(&g_reload_ns, dt);
        qr_info("* Reload done: %zu worker%s replaced in %.1f ms; every worker runs the new code", g_roll_replaced,
                g_roll_replaced == 1 ? "" : "s", (double)dt / 1e6);
        if (g_ops.rolled) g_ops.rolled(g_ops.ud);
    }
    dispatch_queue();
}

void qr_pool_refill(void)
{
    if (g_shutdown) return;
    while (count_live() < g_cfg->workers + QR_SPARES) {
        /* after a development reload the waiting request needs one worker: it is forked alone
         * (concurrent forks of a large zygote slow each other), the others once it is ready */
        if (g_one_first) {
            int forking = 0;
            for (worker_t *w = g_workers; w; w = w->next)
                if (w->state == W_FORKING && w->gen == g_gen) forking++;
            if (forking) return;
        }
        uint32_t id = g_next_worker_id + 1;
        int fd = g_ops.fork_worker(g_ops.ud, id);
        if (fd < 0) return;
        g_next_worker_id = id;
        worker_t *w = qr_xcalloc(1, sizeof *w);
        w->id = id;
        w->gen = g_gen;
        w->state = W_FORKING;
        w->t_fork = qr_now_ns();
        uv_pipe_init(g_loop, &w->pipe, 0);
        uv_timer_init(g_loop, &w->timer);
        w->pipe.data = w;
        w->timer.data = w;
        w->open_handles = 2;
        w->next = g_workers;
        g_workers = w;
        int r = uv_pipe_open(&w->pipe, fd);
        if (r == 0) r = uv_read_start((uv_stream_t *)&w->pipe, on_worker_alloc, on_worker_read);
        if (r != 0) {
            qr_error("cannot watch the channel of w%u: %s", id, uv_strerror(r));
            w->state = W_DEAD;
            uv_close((uv_handle_t *)&w->pipe, on_worker_handle_closed);
            uv_close((uv_handle_t *)&w->timer, on_worker_handle_closed);
            return;
        }
    }
}

void qr_pool_worker_exited(int pid, int st)
{
    uint32_t id = 0;
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->pid == pid) id = w->id;
    for (size_t i = 0; !id && i < QR_ARRAY_LEN(g_recent); i++)
        if (g_recent[i].pid == pid) id = g_recent[i].id;
    char who[48];
    if (id) snprintf(who, sizeof who, "w%u (pid %d)", id, pid);
    else snprintf(who, sizeof who, "worker pid %d", pid);
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        if (g_shutdown) qr_debug("%s ended by signal %d (%s)", who, sig, strsignal(sig));
        else qr_warn("%s was killed by signal %d (%s)", who, sig, strsignal(sig));
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        qr_warn("%s exited with status %d", who, WEXITSTATUS(st));
    } else {
        qr_debug("%s exited", who);
    }
}

int qr_pool_init(uv_loop_t *loop, const qr_config_t *cfg, const qr_pool_ops_t *ops)
{
    g_loop = loop;
    g_cfg = cfg;
    g_ops = *ops;
    return 0;
}

static job_t *new_job(int kind)
{
    job_t *j = qr_xcalloc(1, sizeof *j);
    j->kind = kind;
    j->id = ++g_next_job_id;
    if (j->id == 0) j->id = ++g_next_job_id;
    return j;
}

int qr_pool_request(const qr_request_t *req, qr_pool_http_cb cb, void *ud)
{
    if (g_shutdown) return -EAGAIN;
    if (g_qlen >= (size_t)g_cfg->queue_max) return QR_ETOOBIG;
    if (g_ops.backing_off(g_ops.ud) && !ready_active()) return -EAGAIN;
    job_t *j = new_job(JOB_HTTP);
    j->hcb = cb;
    j->ud = ud;
    qr_frame_put_request(&j->frame, j->id, req);
    enqueue(j, 0);
    dispatch_queue();
    return 0;
}

int qr_pool_cable(const char *op_json, size_t len, qr_pool_cable_cb cb, void *ud)
{
    /* cable work may fill a quarter of the queue, never all of it: HTTP is not starved */
    if (g_shutdown || g_qlen >= (size_t)g_cfg->queue_max || g_qcable >= (size_t)g_cfg->queue_max / 4 + 1)
        return QR_ETOOBIG;
    job_t *j = new_job(JOB_CABLE);
    j->ccb = cb;
    j->ud = ud;
    qr_frame_put_cable(&j->frame, QR_F_CABLE, j->id, op_json, len);
    enqueue(j, 0);
    dispatch_queue();
    return 0;
}

void qr_pool_cancel(void *ud)
{
    job_t **pp = &g_qhead;
    g_qtail = NULL;
    while (*pp) {
        job_t *j = *pp;
        if (j->ud == ud) {
            *pp = j->next;
            g_qlen--;
            if (j->kind == JOB_CABLE) g_qcable--;
            job_free(j);
        } else {
            g_qtail = j;
            pp = &j->next;
        }
    }
    for (worker_t *w = g_workers; w; w = w->next)
        if (w->job && w->job->ud == ud) { w->job->hcb = NULL; w->job->ccb = NULL; }
}

size_t qr_pool_inflight(void) { return g_qlen + g_busy; }

void qr_pool_shutdown(void)
{
    if (g_shutdown) return;
    g_shutdown = 1;
    job_t *j;
    while ((j = dequeue())) job_fail(j, -EAGAIN, 503, 0);
    for (worker_t *w = g_workers; w; w = w->next) {
        if (w->state == W_DEAD) continue;
        if (w->pid > 0) kill(w->pid, SIGKILL);
        worker_died(w, UV_EOF);
    }
}

/* ---------------------------------------------------------------- stats */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* p50, p99 and max of the recorded samples; 0 when there are none. */
static void samples_pcts(const samples_t *s, uint64_t *p50, uint64_t *p99, uint64_t *max)
{
    *p50 = *p99 = *max = 0;
    size_t n = s->n < QR_SAMPLES ? s->n : QR_SAMPLES;
    if (!n) return;
    uint64_t *v = qr_xmalloc(n * sizeof *v);
    memcpy(v, s->v, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u64);
    size_t i99 = (n * 99 + 99) / 100;
    if (i99 > 0) i99--;
    if (i99 >= n) i99 = n - 1;
    *p50 = v[(n - 1) / 2];
    *p99 = v[i99];
    *max = v[n - 1];
    free(v);
}

static void samples_json(qr_buf_t *b, const char *name, const samples_t *s)
{
    qr_buf_appendf(b, "\"%s\":{\"count\":%zu", name, s->n);
    if (s->n) {
        uint64_t p50, p99, max;
        samples_pcts(s, &p50, &p99, &max);
        qr_buf_appendf(b, ",\"p50\":%llu,\"p99\":%llu,\"max\":%llu,\"last\":%llu", (unsigned long long)p50,
                       (unsigned long long)p99, (unsigned long long)max,
                       (unsigned long long)s->v[(s->n - 1) % QR_SAMPLES]);
    }
    qr_buf_append_str(b, "}");
}

/* Reads Rss and Pss (kB) of pid from /proc/PID/smaps_rollup. */
void qr__proc_mem(int pid, long *rss_kb, long *pss_kb)
{
    *rss_kb = *pss_kb = -1;
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        long v;
        if (sscanf(line, "Rss: %ld kB", &v) == 1) *rss_kb = v;
        else if (sscanf(line, "Pss: %ld kB", &v) == 1) *pss_kb = v;
    }
    fclose(f);
}

void qr_pool_metrics(qr_pool_metrics_t *m)
{
    memset(m, 0, sizeof *m);
    m->queued = g_qlen;
    for (worker_t *w = g_workers; w; w = w->next) {
        if (w->state == W_FORKING) m->starting++;
        else if (w->state == W_BUSY) m->busy++;
        else if (w->state == W_IDLE && w->role == ROLE_SPARE) m->spare++;
        else if (w->state == W_IDLE) m->idle++;
    }
    m->restarts = g_restarts;
    m->watchdog_kills = g_killed;
    m->failed = g_crashed_jobs;
    m->last_replacement_ns = g_replace_ns.n ? g_replace_ns.v[(g_replace_ns.n - 1) % QR_SAMPLES] : 0;
    uint64_t p50, max;
    samples_pcts(&g_replace_ns, &p50, &m->p99_replacement_ns, &max);
}

void qr_pool_stats_json(qr_buf_t *b)
{
    static const char *states[] = {"forking", "idle", "busy", "dead"};
    static const char *roles[] = {"none", "active", "spare"};
    qr_buf_append_str(b, "\"workers\":[");
    int first = 1;
    for (worker_t *w = g_workers; w; w = w->next) {
        if (w->state == W_DEAD) continue;
        long rss = -1, pss = -1;
        if (w->pid > 0) qr__proc_mem(w->pid, &rss, &pss);
        qr_buf_appendf(b, "%s{\"id\":%u,\"pid\":%d,\"state\":\"%s\",\"role\":\"%s\",\"requests\":%llu,\"rss_kb\":%ld,\"pss_kb\":%ld}",
                       first ? "" : ",", w->id, w->pid, states[w->state], roles[w->role],
                       (unsigned long long)w->requests, rss, pss);
        first = 0;
    }
    qr_buf_appendf(b, "],\"target_workers\":%d,\"spares\":%d,\"queue\":%zu,\"busy\":%zu,\"served\":%llu,"
                   "\"restarts\":%llu,\"retried\":%llu,\"watchdog_kills\":%llu,\"failed_requests\":%llu,"
                   "\"pending_replacements\":%zu,",
                   g_cfg->workers, QR_SPARES, g_qlen, g_busy, (unsigned long long)g_served,
                   (unsigned long long)g_restarts, (unsigned long long)g_retried,
                   (unsigned long long)g_killed, (unsigned long long)g_crashed_jobs, g_npending);
    qr_buf_appendf(b, "\"generation\":%u,\"rolling\":%s,\"reloaded_workers\":%llu,", g_gen,
                   g_rolling ? "true" : "false", (unsigned long long)g_reloaded_workers);
    samples_json(b, "reload_roll_ns", &g_reload_ns);
    qr_buf_append_str(b, ",");
    samples_json(b, "replacement_ns", &g_replace_ns);
    qr_buf_append_str(b, ",");
    samples_json(b, "fork_to_ready_ns", &g_ready_ns);
}
