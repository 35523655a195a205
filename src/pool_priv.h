/* pool_priv.h — what the two halves of the pool share (private to pool.c and pool_workers.c):
 * the job and worker records, the pool's state, and the functions each half offers the other.
 * pool.c: the queue and dispatch (jobs in, frames to and from workers, answers out);
 * pool_workers.c: worker lifecycle (fork, ready, death, spare promotion, watchdog) and stats.
 * Nothing outside pool*.c includes this. */
#ifndef QR_POOL_PRIV_H
#define QR_POOL_PRIV_H

#include "frame.h"
#include "pool.h"

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

/* The pool's state (one pool per supervisor), shared by pool.c and pool_workers.c. */
typedef struct {
    uv_loop_t *loop;
    const qr_config_t *cfg;
    qr_pool_ops_t ops;
    worker_t *workers;
    job_t *qhead, *qtail;
    size_t qlen;
    size_t qcable;  /* cable jobs among them */
    size_t busy;
    uint32_t next_worker_id;
    uint32_t next_job_id;
    int shutdown;
    int cable_connect; /* what the last READY said (qr_pool_cable_needs_connect) */
    /* deaths of active workers not yet replaced, oldest first (time seen, ns) */
    uint64_t pending_deaths[256];
    size_t npending;
    samples_t replace_ns, ready_ns;
    uint64_t restarts, served, retried, killed, crashed_jobs;
    /* reloads */
    uint32_t gen;
    int rolling, roll_all, hold;
    int one_first;  /* development reload: fork one new worker, the rest once it is ready */
    uint64_t roll_start_ns;
    size_t roll_replaced;
    uint64_t reloaded_workers;
    samples_t reload_ns;
} qr__pool_t;

extern qr__pool_t qr__pool;
#define P qr__pool

/* pool.c: the queue */
void qr__pool_enqueue(job_t *j, int front);
job_t *qr__pool_dequeue(void);
/* Answers a job the server could not get answered by the app, and frees it. */
void qr__pool_job_fail(job_t *j, int error, int status, uint32_t worker_id);
/* Hands queued jobs to idle active workers. */
void qr__pool_dispatch(void);
/* While no worker can be had (restart backoff, no ready active worker): 503 for the queue. */
void qr__pool_flush_if_unavailable(void);
/* One frame from worker w (READY, RESPONSE, CABLE_RESULT, BROADCAST). */
void qr__pool_worker_frame(worker_t *w, const qr_frame_t *f);

/* pool_workers.c: the workers */
/* 1 when at least one active worker is ready (idle or busy). */
int qr__pool_ready_active(void);
/* w said READY with its pid: active (if one is missing) or the spare. */
void qr__pool_worker_ready(worker_t *w, uint64_t pid);
/* Starts w's deadline watchdog for the job it was just given (deadline + grace -> SIGKILL). */
void qr__pool_arm_watchdog(worker_t *w);
/* The active worker w is leaving (dead or retiring): the spare takes its place at once, or the
 * next worker that becomes ready does. */
void qr__pool_replace_active(worker_t *w, uint64_t t_seen);
/* The next step of a reload's worker replacement (after any worker state change). */
void qr__pool_roll(void);
/* A retiring worker that answered: killed if it has not exited within the kill grace. */
void qr__pool_arm_retire_timer(worker_t *w);
/* w's channel ended (read_status: the libuv error); its job is retried or failed. */
void qr__pool_worker_died(worker_t *w, int read_status);

#endif
