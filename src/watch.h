/* watch.h — the development code watcher: file-system events on the app's code folders,
 * debounced into one callback per burst of changes. Runs on the supervisor's loop. */
#ifndef QR_WATCH_H
#define QR_WATCH_H

#include <uv.h>

/* first: a change was seen (called at once, for every accepted event, before the debounce).
 * changed: the burst is over; rel is the first changed path relative to the app folder
 * (borrowed for the call). */
typedef struct {
    void (*first)(void);
    void (*changed)(const char *rel);
} qr_watch_cbs_t;

/* Watches app/, config/, lib/ (every folder under them, new ones included), db/seeds* and
 * the *.js files at the top of app_dir; a burst ends debounce_ms after its last event. cbs is copied. Returns the
 * number of folders watched, or a negative errno when none could be. */
int qr_watch_start(uv_loop_t *loop, const char *app_dir, unsigned debounce_ms, const qr_watch_cbs_t *cbs);
/* Stops every watcher (shutdown); safe to call when not started. */
void qr_watch_stop(void);

#endif
