/* profile.h — the JavaScript sampling profiler of a worker (QUICKRAIL_PROFILE=1, or
 * `quickrail up --profile`; docs/performance.md). While on, a CPU-time timer (ITIMER_PROF)
 * ticks; the engine's interrupt handler hands the ticks to qr_profile_poll, which records the
 * current JS stack under the endpoint of the current call. The counts are written as folded
 * stacks and an SVG flame graph per endpoint into APP_DIR/tmp/profile/ (per worker pid in
 * tmp/profile/workers/, merged across workers beside it) on SIGUSR2, about every second while
 * requests come in, and when the worker exits. Off, none of this runs: no timer, no handler.
 * Workers only (js_host.c, worker.c); the supervisor only asks qr_profile_enabled. */
#ifndef QR_PROFILE_H
#define QR_PROFILE_H

#include <stddef.h>

/* 1 when QUICKRAIL_PROFILE is set to something other than "" or "0". */
int qr_profile_enabled(void);

/* Worker, after fork (js_host.c, once the runtime exists): starts the timer and the SIGUSR2
 * handler; app_dir (borrowed) says where tmp/profile/ goes. 0, or -errno (then stays off). */
int qr_profile_start(const char *app_dir);

/* Start of a request (method and target borrowed): its endpoint is "METHOD /path" (the query
 * dropped, numeric segments as :id) until the framework names it with qr_profile_endpoint. */
void qr_profile_begin(const char *method, const char *target);
/* The current call's endpoint, e.g. "articles#index" (name[0..len) borrowed). */
void qr_profile_endpoint(const char *name, size_t len);
/* From the engine's interrupt handler: records the JS stack once per pending tick. */
void qr_profile_poll(void);
/* End of a call: ticks no poll saw (the engine polls every 10,000 calls and back-edges, so the
 * last milliseconds of a call, plus the host's C code) are counted as "[host]". */
void qr_profile_end(void);

/* Worker between calls: writes the files when SIGUSR2 asked or a second passed since the
 * last write with new samples. */
void qr_profile_idle(void);
/* Worker exit: stops the timer and writes the files. */
void qr_profile_stop(void);

#endif
