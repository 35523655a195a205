/* pool_workers.c — the supervisor's workers, lifecycle side (pool.h): N active workers plus one
 * warm spare, forked through the ops table (qr_pool_ops_t), their channels (uv_pipe_t over the
 * supervisor's end of each socketpair) read into frames, READY, a deadline watchdog per busy
 * worker (deadline + grace -> SIGKILL), and what happens when a worker dies: its started job
 * gets a 500 (never replayed), a job it had not read yet is re-dispatched, the spare is
 * promoted at once and a new spare is forked. Reloads: each worker belongs to a generation (the
 * zygote it came from); qr_pool_new_generation retires older workers between two requests
 * (roll), and a worker that said RETIRING is replaced at once. Also the pool's stats and
 * metrics (replacement and fork-to-ready latencies, per-worker memory from /proc). Runs on the
 * supervisor's loop; never blocks (the /proc reads are for the stats endpoint only). Calls
 * frame.c, log.c, pool.c (pool_priv.h). */
#include "pool.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "frame.h"
#include "log.h"
#include "pool_priv.h"

static qr_slice_t g_fields[QR_POOL_MAX_FIELDS];

static void sample(samples_t *s, uint64_t v) { s->v[s->n++ % QR_SAMPLES] = v; }


/* Workers that are or will be of use: not dead, not retiring. */
static int count_live(void)
{
    int n = 0;
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->state != W_DEAD && !w->retiring) n++;
    return n;
}

static int count_active(void)
{
    int n = 0;
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->state != W_DEAD && w->role == ROLE_ACTIVE) n++;
    return n;
}

int qr_pool_live_workers(void) { return count_live(); }

int qr__pool_ready_active(void)
{
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->role == ROLE_ACTIVE && (w->state == W_IDLE || w->state == W_BUSY)) return 1;
    return 0;
}

int qr_pool_ready_workers(void)
{
    int n = 0;
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->role == ROLE_ACTIVE && (w->state == W_IDLE || w->state == W_BUSY)) n++;
    return n;
}


static void on_worker_handle_closed(uv_handle_t *h)
{
    worker_t *w = h->data;
    if (--w->open_handles > 0) return;
    worker_t **pp = &P.workers;
    while (*pp && *pp != w) pp = &(*pp)->next;
    if (*pp) *pp = w->next;
    qr_buf_free(&w->in);
    free(w);
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
    P.roll_replaced++;
    P.reloaded_workers++;
    qr_debug("w%u (pid %d) retired by the reload", w->id, w->pid);
}

/* The active worker w is leaving (dead, or retiring): the spare takes its place at once, or
 * the next worker that becomes ready does. */
void qr__pool_replace_active(worker_t *w, uint64_t t_seen)
{
    worker_t *spare = NULL;
    for (worker_t *s = P.workers; s; s = s->next)
        if (s->role == ROLE_SPARE && s->state == W_IDLE) { spare = s; break; }
    if (spare) {
        spare->role = ROLE_ACTIVE;
        uint64_t dt = qr_now_ns() - t_seen;
        sample(&P.replace_ns, dt);
        qr_debug("w%u replaced by spare w%u in %llu ns", w->id, spare->id, (unsigned long long)dt);
    } else if (P.npending < QR_ARRAY_LEN(P.pending_deaths)) {
        P.pending_deaths[P.npending++] = t_seen;
    }
}

void qr__pool_worker_died(worker_t *w, int read_status)
{
    uint64_t t_seen = qr_now_ns();
    if (w->state == W_DEAD) return;
    int was_ready = w->state == W_IDLE || w->state == W_BUSY;
    int was_active = w->role == ROLE_ACTIVE;
    /* replace first (the spare takes over at once), then clean up and answer the lost request */
    if (was_ready && was_active && !P.shutdown) qr__pool_replace_active(w, t_seen);
    job_t *j = w->job;
    w->job = NULL;
    if (w->state == W_BUSY) P.busy--;
    w->state = W_DEAD;
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->pipe, on_worker_handle_closed);
    uv_close((uv_handle_t *)&w->timer, on_worker_handle_closed);
    if (P.shutdown) {
        /* a request the watchdog already killed ran out of its deadline: 500 as at any other
         * time, even when the shutdown timeout ends the pool before its worker's death is seen
         * (a loaded machine can take longer than that to deliver it) */
        if (j) qr__pool_job_fail(j, w->timed_out ? -ETIMEDOUT : -EPIPE, w->timed_out ? 500 : 503, w->id);
        return;
    }
    P.restarts++;
    P.ops.note_restart(P.ops.ud);
    remember_exit(w);
    if (j) {
        /* A worker that died with our request still unread in its socket (the kernel reports
         * ECONNRESET then) never started it: hand it to another worker. One that had read it
         * may have done part of it, so it is never replayed. */
        if (!w->timed_out && (read_status == UV_ECONNRESET || w->job_unsent) && j->retries < QR_MAX_RETRIES) {
            j->retries++;
            P.retried++;
            qr_info("w%u (pid %d) died before starting request %u; re-dispatching it", w->id, w->pid, j->id);
            qr__pool_enqueue(j, 1);
        } else {
            P.crashed_jobs++;
            qr_warn("w%u (pid %d) %s while running request %u; answering 500", w->id, w->pid,
                    w->timed_out ? "was killed by the watchdog" : "died", j->id);
            qr__pool_job_fail(j, w->timed_out ? -ETIMEDOUT : QR_EPROTO, 500, w->id);
        }
    } else {
        qr_info("w%u (pid %d) %s", w->id, w->pid, w->retiring ? "retired" : was_ready ? "died while idle" : "died before it was ready");
    }
    qr_pool_refill();
    qr__pool_roll();
    qr__pool_dispatch();
    qr__pool_flush_if_unavailable();
}

static void on_worker_timeout(uv_timer_t *t)
{
    worker_t *w = t->data;
    if (w->state != W_BUSY || w->pid <= 0) return;
    w->timed_out = 1;
    P.killed++;
    qr_warn("w%u (pid %d) did not answer request %u within %u ms (deadline %u ms + grace %u ms); killing it",
            w->id, w->pid, w->job ? w->job->id : 0, P.cfg->deadline_ms + P.cfg->kill_grace_ms,
            P.cfg->deadline_ms, P.cfg->kill_grace_ms);
    kill(w->pid, SIGKILL);
}

void qr__pool_arm_watchdog(worker_t *w)
{
    uv_timer_start(&w->timer, on_worker_timeout, (uint64_t)P.cfg->deadline_ms + P.cfg->kill_grace_ms, 0);
}

static void on_retire_timeout(uv_timer_t *t)
{
    worker_t *w = t->data;
    if (w->state == W_DEAD || w->pid <= 0) return;
    qr_warn("w%u (pid %d) retired but did not exit within %u ms; killing it", w->id, w->pid, P.cfg->kill_grace_ms);
    kill(w->pid, SIGKILL);
}

void qr__pool_arm_retire_timer(worker_t *w)
{
    uv_timer_start(&w->timer, on_retire_timeout, P.cfg->kill_grace_ms, 0);
}


void qr__pool_worker_ready(worker_t *w, uint64_t pid)
{
    if (w->state != W_FORKING) return;
    w->pid = (int)pid;
    w->state = W_IDLE;
    int forked_alone = P.one_first && w->gen == P.gen;
    if (forked_alone) P.one_first = 0;
    uint64_t now = qr_now_ns();
    sample(&P.ready_ns, now - w->t_fork);
    if (count_active() < P.cfg->workers) {
        w->role = ROLE_ACTIVE;
        if (P.npending) {
            uint64_t dt = now - P.pending_deaths[0];
            sample(&P.replace_ns, dt);
            memmove(P.pending_deaths, P.pending_deaths + 1, (P.npending - 1) * sizeof P.pending_deaths[0]);
            P.npending--;
            qr_debug("w%u (pid %d) ready as a replacement %llu ns after the death", w->id, w->pid, (unsigned long long)dt);
        } else {
            qr_debug("w%u (pid %d) ready in %.2f ms", w->id, w->pid, (double)(now - w->t_fork) / 1e6);
        }
        qr__pool_dispatch();
    } else {
        w->role = ROLE_SPARE;
        qr_debug("w%u (pid %d) ready as the spare in %.2f ms", w->id, w->pid, (double)(now - w->t_fork) / 1e6);
    }
    if (forked_alone) qr_pool_refill(); /* the others now */
    qr__pool_roll();
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
    if (nread < 0) { qr__pool_worker_died(w, (int)nread); return; }
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
            qr__pool_worker_died(w, UV_EOF);
            return;
        }
        off += used;
        qr__pool_worker_frame(w, &f);
    }
    if (w->state != W_DEAD) qr_buf_consume(&w->in, off);
}

int qr_pool_rolling(void) { return P.rolling; }

void qr_pool_new_generation(int all_at_once)
{
    P.gen++;
    P.rolling = 1;
    P.roll_all = all_at_once;
    P.one_first = all_at_once;
    P.roll_start_ns = qr_now_ns();
    P.roll_replaced = 0;
    qr__pool_roll();
}

/* Makes the next step of a reload's worker replacement; called whenever a worker becomes
 * idle or ready or dies. */
void qr__pool_roll(void)
{
    if (!P.rolling || P.shutdown) return;
    int stale_active = 0;
    for (worker_t *w = P.workers; w; w = w->next) {
        if (w->state == W_DEAD || w->gen == P.gen) continue;
        if (w->role != ROLE_ACTIVE) retire(w); /* an old spare or a fork not ready yet */
        else stale_active++;
    }
    if (P.roll_all) {
        for (worker_t *w = P.workers; w; w = w->next)
            if (w->state == W_IDLE && w->gen != P.gen && w->role == ROLE_ACTIVE) { retire(w); stale_active--; }
    } else if (stale_active > 0) {
        /* one at a time: a ready spare of the new code takes the place of an idle old worker */
        worker_t *spare = NULL, *old = NULL;
        for (worker_t *w = P.workers; w; w = w->next) {
            if (w->state == W_IDLE && w->gen == P.gen && w->role == ROLE_SPARE && !spare) spare = w;
            if (w->state == W_IDLE && w->gen != P.gen && w->role == ROLE_ACTIVE && !w->write_pending && !old) old = w;
        }
        if (spare && old) {
            spare->role = ROLE_ACTIVE;
            retire(old);
            stale_active--;
        }
    }
    /* new workers fill the active places the old ones left */
    for (worker_t *w = P.workers; w && count_active() < P.cfg->workers; w = w->next)
        if (w->state == W_IDLE && w->role == ROLE_SPARE && w->gen == P.gen) w->role = ROLE_ACTIVE;
    qr_pool_refill();
    if (stale_active == 0) {
        P.rolling = 0;
        P.roll_all = 0;
        uint64_t dt = qr_now_ns() - P.roll_start_ns;
        sample(&P.reload_ns, dt);
        qr_info("* Reload done: %zu worker%s replaced in %.1f ms; every worker runs the new code", P.roll_replaced,
                P.roll_replaced == 1 ? "" : "s", (double)dt / 1e6);
        if (P.ops.rolled) P.ops.rolled(P.ops.ud);
    }
    qr__pool_dispatch();
}

void qr_pool_refill(void)
{
    if (P.shutdown) return;
    while (count_live() < P.cfg->workers + QR_SPARES) {
        /* after a development reload the waiting request needs one worker: it is forked alone
         * (concurrent forks of a large zygote slow each other), the others once it is ready */
        if (P.one_first) {
            int forking = 0;
            for (worker_t *w = P.workers; w; w = w->next)
                if (w->state == W_FORKING && w->gen == P.gen) forking++;
            if (forking) return;
        }
        uint32_t id = P.next_worker_id + 1;
        int fd = P.ops.fork_worker(P.ops.ud, id);
        if (fd < 0) return;
        P.next_worker_id = id;
        worker_t *w = qr_xcalloc(1, sizeof *w);
        w->id = id;
        w->gen = P.gen;
        w->state = W_FORKING;
        w->t_fork = qr_now_ns();
        uv_pipe_init(P.loop, &w->pipe, 0);
        uv_timer_init(P.loop, &w->timer);
        w->pipe.data = w;
        w->timer.data = w;
        w->open_handles = 2;
        w->next = P.workers;
        P.workers = w;
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
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->pid == pid) id = w->id;
    for (size_t i = 0; !id && i < QR_ARRAY_LEN(g_recent); i++)
        if (g_recent[i].pid == pid) id = g_recent[i].id;
    char who[48];
    if (id) snprintf(who, sizeof who, "w%u (pid %d)", id, pid);
    else snprintf(who, sizeof who, "worker pid %d", pid);
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        if (P.shutdown) qr_debug("%s ended by signal %d (%s)", who, sig, strsignal(sig));
        else qr_warn("%s was killed by signal %d (%s)", who, sig, strsignal(sig));
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        qr_warn("%s exited with status %d", who, WEXITSTATUS(st));
    } else {
        qr_debug("%s exited", who);
    }
}


int qr_pool_signal_workers(int sig)
{
    int n = 0;
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->state != W_DEAD && w->state != W_FORKING && w->pid > 0 && kill(w->pid, sig) == 0) n++;
    return n;
}

void qr_pool_shutdown(void)
{
    if (P.shutdown) return;
    P.shutdown = 1;
    job_t *j;
    while ((j = qr__pool_dequeue())) qr__pool_job_fail(j, -EAGAIN, 503, 0);
    for (worker_t *w = P.workers; w; w = w->next) {
        if (w->state == W_DEAD) continue;
        if (w->pid > 0) kill(w->pid, SIGKILL);
        qr__pool_worker_died(w, UV_EOF);
    }
}


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
    m->queued = P.qlen;
    for (worker_t *w = P.workers; w; w = w->next) {
        if (w->state == W_FORKING) m->starting++;
        else if (w->state == W_BUSY) m->busy++;
        else if (w->state == W_IDLE && w->role == ROLE_SPARE) m->spare++;
        else if (w->state == W_IDLE) m->idle++;
    }
    m->restarts = P.restarts;
    m->watchdog_kills = P.killed;
    m->failed = P.crashed_jobs;
    m->last_replacement_ns = P.replace_ns.n ? P.replace_ns.v[(P.replace_ns.n - 1) % QR_SAMPLES] : 0;
    uint64_t p50, max;
    samples_pcts(&P.replace_ns, &p50, &m->p99_replacement_ns, &max);
}

void qr_pool_stats_json(qr_buf_t *b)
{
    static const char *states[] = {"forking", "idle", "busy", "dead"};
    static const char *roles[] = {"none", "active", "spare"};
    qr_buf_append_str(b, "\"workers\":[");
    int first = 1;
    for (worker_t *w = P.workers; w; w = w->next) {
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
                   P.cfg->workers, QR_SPARES, P.qlen, P.busy, (unsigned long long)P.served,
                   (unsigned long long)P.restarts, (unsigned long long)P.retried,
                   (unsigned long long)P.killed, (unsigned long long)P.crashed_jobs, P.npending);
    qr_buf_appendf(b, "\"generation\":%u,\"rolling\":%s,\"reloaded_workers\":%llu,", P.gen,
                   P.rolling ? "true" : "false", (unsigned long long)P.reloaded_workers);
    samples_json(b, "reload_roll_ns", &P.reload_ns);
    qr_buf_append_str(b, ",");
    samples_json(b, "replacement_ns", &P.replace_ns);
    qr_buf_append_str(b, ",");
    samples_json(b, "fork_to_ready_ns", &P.ready_ns);
}
