/* supervisor.h — the serving process: the libuv loop, signals, the zygote's lifecycle, the
 * restart budget, the stats endpoint and graceful shutdown. Runs no JavaScript. */
#ifndef QR_SUPERVISOR_H
#define QR_SUPERVISOR_H

#include <stdint.h>
#include "buf.h"
#include "config.h"

/* Runs `quickrail serve`: never returns before shutdown; returns the process exit code.
 * zygote_argv is the argument vector the zygote is exec'd with after "__zygote FD"
 * (the serve command line, so it re-parses the same configuration). Borrowed. */
int qr_supervisor_run(qr_config_t *cfg, int zygote_argc, char **zygote_argv);

/* pool.c -> supervisor: asks the zygote to fork worker `worker_id`. Returns the supervisor's
 * end of a new socketpair (the worker says READY on it), or -EAGAIN when no fork can be made
 * now (zygote starting, restart backoff); qr_pool_refill() is called when it can. */
int qr_supervisor_fork_worker(uint32_t worker_id);
/* pool.c -> supervisor: a worker died and needs replacing (counts toward the restart budget). */
void qr_supervisor_note_restart(void);
/* 1 while the restart budget is exhausted and forks are delayed. */
int qr_supervisor_backing_off(void);
/* 1 when GET /__quickrail/stats is served (QUICKRAIL_STATS=1 or env "test"). */
int qr_supervisor_stats_enabled(void);
/* Writes the stats JSON document into b. */
void qr_supervisor_stats_json(qr_buf_t *b);

#endif
