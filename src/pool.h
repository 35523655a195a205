/* pool.h — the supervisor's view of the workers: a bounded queue of requests and cable
 * operations, each handed to one idle worker at a time over its socketpair, with a deadline
 * watchdog per busy worker. Worker processes come from the zygote via supervisor.c.
 * Runs on the supervisor's loop; never blocks. The CONTRACT part is used by http.c and cable.c. */
#ifndef QR_POOL_H
#define QR_POOL_H

#include <stddef.h>
#include <uv.h>
#include "config.h"
#include "http.h"

/* CONTRACT: result of a cable operation. status 0 = result_json is the app's answer;
 * negative = failed (worker crashed, deadline, queue full): result_json is NULL.
 * result_json is borrowed for the duration of the call. */
typedef void (*qr_pool_cable_cb)(void *ud, int status, const char *result_json, size_t len);

/* CONTRACT: queues an app-defined channel operation (see cable.h for op_json). op_json is
 * copied. Returns 0, or QR_ETOOBIG when the queue is full (the callback is then not called). */
int qr_pool_cable(const char *op_json, size_t len, qr_pool_cable_cb cb, void *ud);
/* CONTRACT: the caller (a closing cable connection) no longer wants the callback of any
 * operation queued with this ud; safe to call with nothing queued. */
void qr_pool_cancel(void *ud);

#endif
