/* supervisor.h — the serving process: the libuv loop, signals, the zygote's lifecycle and
 * reloads (SIGHUP), the pid file, the restart budget, the stats endpoint and graceful
 * shutdown. Runs no JavaScript. */
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
/* Boots the code on disk in a new zygote (SIGHUP, quickrail reload, the development
 * watcher): once it said READY the pool replaces the workers; if it fails the old ones keep
 * serving. One at a time: asked again while one runs, it runs once more afterwards.
 * why (borrowed) is logged, e.g. "SIGHUP" or "app/views/x.html.erb changed". */
void qr_supervisor_reload(const char *why);
/* pool.c -> supervisor: every worker now runs the newest code (a reload finished rolling). */
void qr_supervisor_rolled(void);
/* The error of the last reload that failed to boot (file:line and message); NULL once a
 * reload succeeded and while a reload is under way (its requests wait for its outcome).
 * Borrowed; valid until the next reload. */
const char *qr_supervisor_boot_error(void);
typedef struct {
    uint64_t zygote_restarts, reloads, reload_failures, last_reload_ns;
    int backing_off;
} qr_supervisor_metrics_t;
/* Fills the supervisor's counters for /metrics. */
void qr_supervisor_metrics(qr_supervisor_metrics_t *m);
/* 1 once the app booted (a zygote said READY) and while a zygote is up or restarting. */
int qr_supervisor_app_booted(void);
/* Writes the stats JSON document into b. */
void qr_supervisor_stats_json(qr_buf_t *b);

#endif
