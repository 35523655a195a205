/* watch.c — the development code watcher (watch.h). One uv_fs_event per folder (inotify on
 * Linux is not recursive) under the app's app/, config/ and lib/, plus db/ itself where only
 * names starting with "seeds" count (and the folder db/seeds/ when it exists), and the *.js
 * files of the app folder itself (app.js); a folder created
 * later is watched from its first event on. Editor droppings (.swp, ~, .#x, vim's 4913) are
 * ignored. Events are debounced by a timer. Runs on the supervisor's loop; calls log.c only. */
#include "watch.h"
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common.h"
#include "log.h"

#define QR_WATCH_MAX_DIRS 2048

typedef struct {
    uv_fs_event_t ev;
    char rel[PATH_MAX];  /* folder relative to the app, e.g. "app/views/articles" */
    int seeds_only;      /* db/: only seeds* counts; the app folder itself: only *.js */
} dir_watch_t;

static uv_loop_t *g_loop;
static char g_app[PATH_MAX];
static qr_watch_cbs_t g_cbs;
static unsigned g_debounce_ms;
static uv_timer_t g_timer;
static int g_timer_init;
static dir_watch_t *g_dirs[QR_WATCH_MAX_DIRS];
static size_t g_ndirs;
static char g_first[PATH_MAX];
static int g_pending;

static void watch_tree(const char *rel, int seeds_only);

static int ignored_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0) return 1;
    if (name[0] == '.' || name[n - 1] == '~' || strcmp(name, "4913") == 0) return 1;
    if (n > 4 && (strcmp(name + n - 4, ".swp") == 0 || strcmp(name + n - 4, ".swx") == 0 ||
                  strcmp(name + n - 4, ".tmp") == 0))
        return 1;
    return 0;
}

static int watched(const char *rel)
{
    for (size_t i = 0; i < g_ndirs; i++)
        if (strcmp(g_dirs[i]->rel, rel) == 0) return 1;
    return 0;
}

static void on_timer(uv_timer_t *t)
{
    (void)t;
    if (!g_pending) return;
    g_pending = 0;
    if (g_cbs.changed) g_cbs.changed(g_first);
}

static void on_event(uv_fs_event_t *h, const char *filename, int events, int status)
{
    dir_watch_t *d = h->data;
    (void)events;
    if (status < 0) {
        qr_debug("watching %s: %s", d->rel, uv_strerror(status));
        return;
    }
    if (!filename || ignored_name(filename)) return;
    size_t fl = strlen(filename);
    if (d->seeds_only && d->rel[0] && strncmp(filename, "seeds", 5) != 0) return;
    if (d->seeds_only && !d->rel[0] && (fl < 4 || strcmp(filename + fl - 3, ".js") != 0)) return;
    char rel[PATH_MAX];
    if (snprintf(rel, sizeof rel, "%s%s%s", d->rel, d->rel[0] ? "/" : "", filename) >= (int)sizeof rel) return;
    /* a new folder: watch it (and what is already inside it) */
    char abs[PATH_MAX * 2];
    snprintf(abs, sizeof abs, "%s/%s", g_app, rel);
    struct stat st;
    if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode) && !watched(rel) && (!d->seeds_only || strcmp(filename, "seeds") == 0))
        watch_tree(rel, 0);
    if (!g_pending) {
        snprintf(g_first, sizeof g_first, "%s", rel);
        g_pending = 1;
    }
    if (g_cbs.first) g_cbs.first();
    uv_timer_start(&g_timer, on_timer, g_debounce_ms, 0);
}

static int watch_dir(const char *rel, int seeds_only)
{
    if (g_ndirs >= QR_WATCH_MAX_DIRS) {
        if (g_ndirs == QR_WATCH_MAX_DIRS) qr_warn("more than %d folders to watch; %s and later ones are not", QR_WATCH_MAX_DIRS, rel);
        return -ENOSPC;
    }
    dir_watch_t *d = qr_xcalloc(1, sizeof *d);
    snprintf(d->rel, sizeof d->rel, "%s", rel);
    d->seeds_only = seeds_only;
    char abs[PATH_MAX * 2];
    snprintf(abs, sizeof abs, "%s/%s", g_app, rel);
    uv_fs_event_init(g_loop, &d->ev);
    d->ev.data = d;
    int r = uv_fs_event_start(&d->ev, on_event, abs, 0);
    if (r != 0) {
        qr_debug("cannot watch %s: %s", abs, uv_strerror(r));
        uv_close((uv_handle_t *)&d->ev, (uv_close_cb)free);
        return r;
    }
    g_dirs[g_ndirs++] = d;
    return 0;
}

static void watch_tree(const char *rel, int seeds_only)
{
    if (watch_dir(rel, seeds_only) != 0 || seeds_only) return;
    char abs[PATH_MAX * 2];
    snprintf(abs, sizeof abs, "%s/%s", g_app, rel);
    DIR *dir = opendir(abs);
    if (!dir) return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0) continue;
        char sub[PATH_MAX];
        if (snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name) >= (int)sizeof sub) continue;
        char subabs[PATH_MAX * 2];
        snprintf(subabs, sizeof subabs, "%s/%s", g_app, sub);
        struct stat st;
        if (stat(subabs, &st) == 0 && S_ISDIR(st.st_mode)) watch_tree(sub, 0);
    }
    closedir(dir);
}

int qr_watch_start(uv_loop_t *loop, const char *app_dir, unsigned debounce_ms, const qr_watch_cbs_t *cbs)
{
    g_loop = loop;
    g_cbs = *cbs;
    g_debounce_ms = debounce_ms;
    snprintf(g_app, sizeof g_app, "%s", app_dir);
    if (!g_timer_init) { uv_timer_init(loop, &g_timer); g_timer_init = 1; }
    static const char *const trees[] = {"app", "config", "lib"};
    for (size_t i = 0; i < QR_ARRAY_LEN(trees); i++) watch_tree(trees[i], 0);
    watch_tree("db", 1);
    watch_tree("", 1); /* app.js and the other modules next to it */
    char seeds[PATH_MAX * 2];
    snprintf(seeds, sizeof seeds, "%s/db/seeds", g_app);
    struct stat st;
    if (stat(seeds, &st) == 0 && S_ISDIR(st.st_mode)) watch_tree("db/seeds", 0);
    return g_ndirs ? (int)g_ndirs : -ENOENT;
}

void qr_watch_stop(void)
{
    for (size_t i = 0; i < g_ndirs; i++) {
        uv_fs_event_stop(&g_dirs[i]->ev);
        uv_close((uv_handle_t *)&g_dirs[i]->ev, (uv_close_cb)free);
    }
    g_ndirs = 0;
    if (g_timer_init) uv_timer_stop(&g_timer);
    g_pending = 0;
}
