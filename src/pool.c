/* pool.c — the supervisor's workers, queue side (pool.h): a bounded FIFO of jobs (HTTP requests
 * and cable operations, each encoded as a frame at once with frame.c's typed functions),
 * dispatch to idle active workers over their socketpairs, the frames workers send back
 * (RESPONSE and CABLE_RESULT answer the job, BROADCAST goes to hub.c, READY to the lifecycle
 * side), cancellation, 503 while no worker can be had, and the hold a reload puts on dispatch
 * (qr_pool_hold; only the new generation is dispatched to while all are replaced at once).
 * Worker lifecycle and stats are in pool_workers.c; both share pool_priv.h. Runs on the
 * supervisor's loop; never blocks. Calls frame.c, hub.c; reaches the supervisor only through
 * the qr_pool_ops_t it was given. */
#include "pool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "frame.h"
#include "hub.h"
#include "log.h"
#include "pool_priv.h"

qr__pool_t qr__pool = {.cable_connect = 1};
static qr_header_t g_headers[QR_POOL_MAX_FIELDS / 2];
static char *g_cable_channels; /* the app's channel names, one per line; NULL: not declared */

/* ---------------------------------------------------------------- jobs */

static void job_free(job_t *j)
{
    qr_buf_free(&j->frame);
    free(j);
}

void qr__pool_enqueue(job_t *j, int front)
{
    if (front) {
        j->next = P.qhead;
        P.qhead = j;
        if (!P.qtail) P.qtail = j;
    } else {
        j->next = NULL;
        if (P.qtail) P.qtail->next = j; else P.qhead = j;
        P.qtail = j;
    }
    P.qlen++;
    if (j->kind == JOB_CABLE) P.qcable++;
}

job_t *qr__pool_dequeue(void)
{
    job_t *j = P.qhead;
    if (!j) return NULL;
    P.qhead = j->next;
    if (!P.qhead) P.qtail = NULL;
    P.qlen--;
    if (j->kind == JOB_CABLE) P.qcable--;
    j->next = NULL;
    return j;
}

/* Answers a job the server could not get answered by the app. */
void qr__pool_job_fail(job_t *j, int error, int status, uint32_t worker_id)
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


int qr_pool_cable_needs_connect(void) { return P.cable_connect; }

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


/* While no worker can be had (restart backoff and no live active worker), queued jobs are
 * answered 503 at once instead of waiting for an unknown time. */
void qr__pool_flush_if_unavailable(void)
{
    if (!P.ops.backing_off(P.ops.ud) || qr__pool_ready_active()) return;
    job_t *j;
    while ((j = qr__pool_dequeue())) qr__pool_job_fail(j, -EAGAIN, 503, 0);
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
    P.busy++;
    qr__pool_arm_watchdog(w);
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
    P.hold = hold;
    if (!hold) qr__pool_dispatch();
}

void qr__pool_dispatch(void)
{
    while (P.qhead && !P.hold) {
        worker_t *idle = NULL;
        for (worker_t *w = P.workers; w; w = w->next)
            if (w->role == ROLE_ACTIVE && w->state == W_IDLE && !w->write_pending && (!P.roll_all || w->gen == P.gen)) {
                idle = w;
                break;
            }
        if (!idle) return;
        send_job(idle, qr__pool_dequeue());
    }
}


void qr__pool_worker_frame(worker_t *w, const qr_frame_t *f)
{
    switch (f->type) {
    case QR_F_READY: {
        uint64_t pid = 0;
        int cable_connect = 1;
        qr_slice_t channels;
        if (qr_frame_get_ready(f, &pid, &cable_connect, &channels) != 0) goto bad;
        P.cable_connect = cable_connect;
        free(g_cable_channels);
        g_cable_channels = channels.ptr ? qr_xstrndup(channels.ptr, channels.len) : NULL;
        qr__pool_worker_ready(w, pid);
        return;
    }
    case QR_F_RETIRING:
        /* its answer follows; it takes nothing more and is replaced now, not at its EOF */
        if (w->state != W_BUSY || w->retiring) goto bad;
        w->retiring = 1;
        qr_info("w%u (pid %d) is retiring after request %u; replacing it", w->id, w->pid, f->id);
        if (w->role == ROLE_ACTIVE && !P.shutdown) {
            w->role = ROLE_NONE;
            qr__pool_replace_active(w, qr_now_ns());
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
        P.busy--;
        w->requests++;
        P.served++;
        uv_timer_stop(&w->timer);
        if (w->retiring) /* it exits by itself; one that hangs on the way out is killed */
            qr__pool_arm_retire_timer(w);
        if (f->type == QR_F_RESPONSE) {
            qr_response_t r;
            if (j->kind != JOB_HTTP || qr_frame_get_response(f, &r, g_headers, QR_ARRAY_LEN(g_headers)) != 0) {
                qr__pool_job_fail(j, QR_EPROTO, 500, w->id);
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
                qr__pool_job_fail(j, QR_EPROTO, 500, w->id);
            else {
                if (j->ccb) j->ccb(j->ud, 0, json.ptr, json.len);
                job_free(j);
            }
        }
        if (w->state == W_IDLE) {
            qr__pool_roll(); /* a worker of older code leaves now, between two requests */
            qr__pool_dispatch();
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


int qr_pool_init(uv_loop_t *loop, const qr_config_t *cfg, const qr_pool_ops_t *ops)
{
    P.loop = loop;
    P.cfg = cfg;
    P.ops = *ops;
    return 0;
}

static job_t *new_job(int kind)
{
    job_t *j = qr_xcalloc(1, sizeof *j);
    j->kind = kind;
    j->id = ++P.next_job_id;
    if (j->id == 0) j->id = ++P.next_job_id;
    return j;
}

int qr_pool_request(const qr_request_t *req, qr_pool_http_cb cb, void *ud)
{
    if (P.shutdown) return -EAGAIN;
    if (P.qlen >= (size_t)P.cfg->queue_max) return QR_ETOOBIG;
    if (P.ops.backing_off(P.ops.ud) && !qr__pool_ready_active()) return -EAGAIN;
    job_t *j = new_job(JOB_HTTP);
    j->hcb = cb;
    j->ud = ud;
    qr_frame_put_request(&j->frame, j->id, req);
    qr__pool_enqueue(j, 0);
    qr__pool_dispatch();
    return 0;
}

int qr_pool_cable(const char *op_json, size_t len, qr_pool_cable_cb cb, void *ud)
{
    /* cable work may fill a quarter of the queue, never all of it: HTTP is not starved */
    if (P.shutdown || P.qlen >= (size_t)P.cfg->queue_max || P.qcable >= (size_t)P.cfg->queue_max / 4 + 1)
        return QR_ETOOBIG;
    job_t *j = new_job(JOB_CABLE);
    j->ccb = cb;
    j->ud = ud;
    qr_frame_put_cable(&j->frame, QR_F_CABLE, j->id, op_json, len);
    qr__pool_enqueue(j, 0);
    qr__pool_dispatch();
    return 0;
}

void qr_pool_cancel(void *ud)
{
    job_t **pp = &P.qhead;
    P.qtail = NULL;
    while (*pp) {
        job_t *j = *pp;
        if (j->ud == ud) {
            *pp = j->next;
            P.qlen--;
            if (j->kind == JOB_CABLE) P.qcable--;
            job_free(j);
        } else {
            P.qtail = j;
            pp = &j->next;
        }
    }
    for (worker_t *w = P.workers; w; w = w->next)
        if (w->job && w->job->ud == ud) { w->job->hcb = NULL; w->job->ccb = NULL; }
}

size_t qr_pool_inflight(void) { return P.qlen + P.busy; }

