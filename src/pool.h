/* pool.h — the supervisor's view of the workers: a bounded queue of requests and cable
 * operations, each handed to one idle worker at a time over its socketpair, with a deadline
 * watchdog per busy worker. Worker processes come through the ops table given at init
 * (qr_pool_ops_t: the supervisor asks its zygote), so pool.c never calls the layer above it.
 * Runs on the supervisor's loop; never blocks. The CONTRACT part is used by serve.c and cable.c. */
#ifndef QR_POOL_H
#define QR_POOL_H

#include <stddef.h>
#include <uv.h>
#include "config.h"
#include "message.h"

/* CONTRACT: result of a cable operation. status 0 = result_json is the app's answer;
 * negative = failed (worker crashed, deadline, queue full): result_json is NULL.
 * result_json is borrowed for the duration of the call. */
typedef void (*qr_pool_cable_cb)(void *ud, int status, const char *result_json, size_t len);

/* CONTRACT: queues an app-defined channel operation (see cable.h for op_json). op_json is
 * copied. Returns 0, or QR_ETOOBIG when the queue is full (the callback is then not called). */
int qr_pool_cable(const char *op_json, size_t len, qr_pool_cable_cb cb, void *ud);
/* CONTRACT: 0 when the workers said (READY) that the app has no connect hook, so a cable
 * connection can be welcomed without a connect operation; 1 until a worker said so. */
int qr_pool_cable_needs_connect(void);
/* CONTRACT: 0 when the workers declared (READY) the app's channel classes and name (len bytes,
 * borrowed) is not one of them, so a subscribe can be answered without a worker; 1 otherwise. */
int qr_pool_cable_channel_known(const char *name, size_t len);
/* CONTRACT: the caller (a closing cable connection) no longer wants the callback of any
 * operation queued with this ud; safe to call with nothing queued. */
void qr_pool_cancel(void *ud);

/* ---- used by serve.c and supervisor.c (core) ---- */
#include "buf.h"

/* The answer to one HTTP request. Borrowed for the duration of the callback.
 * error 0: the app answered (status, headers, body from the worker). Otherwise the server
 * answers instead: QR_EPROTO/-EPIPE = the worker died while running it (500), -ETIMEDOUT =
 * the watchdog killed it (500); status is then 500 and there are no headers/body. */
typedef struct {
    int error;
    int status;
    const qr_header_t *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    uint32_t worker_id;        /* 0 when no worker answered */
} qr_pool_response_t;

typedef void (*qr_pool_http_cb)(void *ud, const qr_pool_response_t *res);

/* Queues an HTTP request (copied into a REQUEST frame at once). Returns 0 (cb will be called
 * exactly once unless qr_pool_cancel(ud)), QR_ETOOBIG when the queue is full, or -EAGAIN when
 * no worker can be had now (restart backoff): the caller answers 503 + Retry-After. */
int qr_pool_request(const qr_request_t *req, qr_pool_http_cb cb, void *ud);

/* What the pool needs from the layer that owns the processes (supervisor.c). */
typedef struct {
    /* Asks for a new worker process `worker_id`. Returns the supervisor's end of its channel
     * (the worker says READY on it), or -EAGAIN when none can be made now (zygote starting,
     * restart backoff): qr_pool_refill() is called again when one can. */
    int (*fork_worker)(void *ud, uint32_t worker_id);
    /* A worker died and is being replaced (counts toward the restart budget). */
    void (*note_restart)(void *ud);
    /* 1 while the restart budget is exhausted and no new worker will come for a while. */
    int (*backing_off)(void *ud);
    /* A reload's worker replacement is done: every worker runs the newest code (may be NULL). */
    void (*rolled)(void *ud);
    void *ud;
} qr_pool_ops_t;

/* Remembers loop, cfg (borrowed: must outlive the pool) and *ops (copied). Returns 0. */
int qr_pool_init(uv_loop_t *loop, const qr_config_t *cfg, const qr_pool_ops_t *ops);
/* Forks workers (through ops->fork_worker) until N active + 1 spare exist. */
void qr_pool_refill(void);
/* The zygote reaped pid with this wait status (logging; death is seen by EOF). */
void qr_pool_worker_exited(int pid, int wait_status);
/* Requests queued or running. */
size_t qr_pool_inflight(void);
/* Live workers that could take a request now or soon (idle, busy, or forking). */
int qr_pool_live_workers(void);
/* Active workers that are ready (idle or busy). */
int qr_pool_ready_workers(void);
/* A reload's new zygote is ready (it forks from now on): replace every worker of the older
 * code. all_at_once = 0 (production): one at a time, each after its current request, a ready
 * new spare taking its place first, so capacity never drops. all_at_once = 1 (development):
 * no new job goes to old code; idle old workers go at once, busy ones after their request.
 * Calls ops->rolled when done. */
void qr_pool_new_generation(int all_at_once);
/* 1 while a reload's worker replacement is under way. */
int qr_pool_rolling(void);
/* Sends sig to every worker that said READY and is alive (the profiler's SIGUSR2: write the
 * profile files); returns how many were signalled. */
int qr_pool_signal_workers(int sig);
/* Closes every worker channel and SIGKILLs the workers (shutdown). */
void qr_pool_shutdown(void);
typedef struct {
    size_t queued;
    int busy, idle, spare, starting;
    uint64_t restarts, watchdog_kills, failed;
    uint64_t last_replacement_ns, p99_replacement_ns;
} qr_pool_metrics_t;
/* Fills the pool's counters for /metrics. */
void qr_pool_metrics(qr_pool_metrics_t *m);
/* Development: hold = 1 keeps queued jobs from being dispatched (a change was seen and its
 * reload is booting, so the next request waits for the new code); 0 releases them. */
void qr_pool_hold(int hold);
/* Appends the pool's part of the stats JSON (an object's members, no braces). */
void qr_pool_stats_json(qr_buf_t *b);
/* Reads Rss and Pss in kB of a process from /proc (-1 when unknown); shared with supervisor.c. */
void qr__proc_mem(int pid, long *rss_kb, long *pss_kb);

#endif
