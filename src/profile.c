/* profile.c — the JavaScript sampling profiler (profile.h). A SIGPROF handler (ITIMER_PROF,
 * QUICKRAIL_PROFILE_HZ, default 1000 a CPU-second) only counts ticks; the runtime's interrupt
 * handler (js_loop.c, installed in this mode only) calls qr_profile_poll, which builds an Error
 * through the engine to read the JS stack ("    at name (file:line)" lines), folds it root
 * first and counts it under the call's endpoint in a hash table. Flushes write per-worker
 * folded files, then, under a lock file, the merge of every worker's file per endpoint and its
 * flame graph (profile_svg.c). Runs in workers, on the runtime's thread; signal handlers touch
 * only two sig_atomic_t flags. Calls QuickJS (js_priv.h), profile_svg.c, buf.c, common.c, log.c. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "common.h"
#include "js_priv.h"
#include "log.h"
#include "profile_svg.h"

#define MAX_ENDPOINTS 64
#define MAX_STACKS 50000
#define MAX_FRAMES 200

typedef struct {
    char name[128]; /* "articles#index", "GET /up" */
    int dirty;      /* samples since the last flush */
} endpoint_t;

typedef struct {
    char *stack; /* owned; NULL = free slot */
    uint32_t hash;
    uint16_t ep;
    uint64_t count;
} entry_t;

static int g_running;
static volatile sig_atomic_t g_ticks, g_flush_asked;
static JSValue g_error_ctor;
static char g_dir[2048];
static endpoint_t g_eps[MAX_ENDPOINTS];
static int g_neps;
static int g_ep = -1; /* endpoint of the current call */
static entry_t *g_tab;
static size_t g_tab_cap, g_tab_len;
static uint64_t g_last_flush_ms;
static char g_app_prefix[4096], g_lib_prefix[4096];
/* The current call's samples, counted under its endpoint when it ends (the framework names the
 * endpoint only once the route matched; what ran before belongs to it too). */
#define MAX_PENDING 256
static struct {
    char *stack; /* owned */
    uint64_t count;
} g_pending[MAX_PENDING];
static int g_npending;
static void flush_pending(void);

int qr_profile_enabled(void)
{
    const char *v = getenv("QUICKRAIL_PROFILE");
    return v && *v && strcmp(v, "0") != 0;
}

static void on_sigprof(int sig)
{
    (void)sig;
    g_ticks++;
}

static void on_sigusr2(int sig)
{
    (void)sig;
    g_flush_asked = 1;
}

static int mkdir_ok(const char *path)
{
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

int qr_profile_start(const char *app_dir)
{
    if (g_running || !qr__js.ctx) return 0;
    char tmp[4096 + 16];
    snprintf(tmp, sizeof tmp, "%s/tmp", app_dir);
    snprintf(g_dir, sizeof g_dir, "%s/tmp/profile", app_dir);
    int rc = mkdir_ok(tmp);
    if (!rc) rc = mkdir_ok(g_dir);
    snprintf(tmp, sizeof tmp, "%s/workers", g_dir);
    if (!rc) rc = mkdir_ok(tmp);
    if (rc) {
        qr_error("profiler: cannot create %s: %s; profiling is off", tmp, strerror(-rc));
        return rc;
    }
    snprintf(g_app_prefix, sizeof g_app_prefix, "%s/", app_dir);
    const char *lib = qr__js_lib_dir();
    if (lib && *lib) snprintf(g_lib_prefix, sizeof g_lib_prefix, "%s/", lib);
    JSValue global = JS_GetGlobalObject(qr__js.ctx);
    g_error_ctor = JS_GetPropertyStr(qr__js.ctx, global, "Error");
    JS_FreeValue(qr__js.ctx, global);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_sigusr2; /* no SA_RESTART: an idle worker's read() returns to flush */
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = on_sigprof;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGPROF, &sa, NULL);
    long hz = 1000;
    const char *h = getenv("QUICKRAIL_PROFILE_HZ");
    if (h && atol(h) > 0) hz = atol(h) > 10000 ? 10000 : atol(h);
    struct itimerval it = {{0, (suseconds_t)(1000000 / hz)}, {0, (suseconds_t)(1000000 / hz)}};
    if (setitimer(ITIMER_PROF, &it, NULL) != 0) {
        rc = -errno;
        qr_error("profiler: setitimer: %s; profiling is off", strerror(errno));
        return rc;
    }
    qr__js_loop_sample_with(qr_profile_poll);
    g_running = 1;
    g_last_flush_ms = qr_now_ms();
    qr_debug("profiler: sampling at %ld Hz of CPU time into %s", hz, g_dir);
    return 0;
}

static int endpoint_id(const char *name, size_t len)
{
    if (len >= sizeof g_eps[0].name) len = sizeof g_eps[0].name - 1;
    for (int i = 0; i < g_neps; i++)
        if (strlen(g_eps[i].name) == len && memcmp(g_eps[i].name, name, len) == 0) return i;
    if (g_neps >= MAX_ENDPOINTS - 1 && !(len == 5 && memcmp(name, "other", 5) == 0)) return endpoint_id("other", 5);
    memcpy(g_eps[g_neps].name, name, len);
    g_eps[g_neps].name[len] = 0;
    g_eps[g_neps].dirty = 0;
    return g_neps++;
}

void qr_profile_begin(const char *method, const char *target)
{
    if (!g_running) return;
    flush_pending(); /* a call that never ended (none should) keeps its endpoint */
    g_ticks = 0;     /* the time between calls is the worker's, not this request's */
    char ep[128];
    size_t o = (size_t)snprintf(ep, sizeof ep, *target ? "%s " : "%s", method);
    if (o >= sizeof ep) o = sizeof ep - 1;
    const char *p = target;
    while (*p && *p != '?' && *p != '#' && o + 4 < sizeof ep) {
        size_t seg = strcspn(p, "/?#");
        size_t digits = strspn(p, "0123456789");
        if (seg && digits == seg) {
            memcpy(ep + o, ":id", 3);
            o += 3;
        } else {
            if (seg > sizeof ep - 4 - o) seg = sizeof ep - 4 - o;
            memcpy(ep + o, p, seg);
            o += seg;
        }
        p += seg;
        if (*p == '/') ep[o++] = *p++;
    }
    g_ep = endpoint_id(ep, o);
}

void qr_profile_endpoint(const char *name, size_t len)
{
    if (g_running) g_ep = endpoint_id(name, len);
}

static uint32_t hash_of(uint16_t ep, const char *s, size_t n)
{
    uint32_t h = 2166136261u ^ ep;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void count_stack(int ep, const char *stack, size_t n, uint64_t count)
{
    if (ep < 0) ep = endpoint_id("(outside a request)", 19);
    if (g_tab_len >= MAX_STACKS) { stack = "[more stacks than the profiler keeps]"; n = strlen(stack); }
    if ((g_tab_len + 1) * 10 > g_tab_cap * 7) {
        size_t ncap = g_tab_cap ? g_tab_cap * 2 : 1024;
        entry_t *nt = calloc(ncap, sizeof *nt);
        if (!nt) return;
        for (size_t i = 0; i < g_tab_cap; i++) {
            if (!g_tab[i].stack) continue;
            size_t k = g_tab[i].hash & (ncap - 1);
            while (nt[k].stack) k = (k + 1) & (ncap - 1);
            nt[k] = g_tab[i];
        }
        free(g_tab);
        g_tab = nt;
        g_tab_cap = ncap;
    }
    uint32_t h = hash_of((uint16_t)ep, stack, n);
    size_t k = h & (g_tab_cap - 1);
    for (; g_tab[k].stack; k = (k + 1) & (g_tab_cap - 1)) {
        entry_t *e = &g_tab[k];
        if (e->hash == h && e->ep == ep && strlen(e->stack) == n && memcmp(e->stack, stack, n) == 0) {
            e->count += count;
            g_eps[ep].dirty = 1;
            return;
        }
    }
    g_tab[k] = (entry_t){qr_xstrndup(stack, n), h, (uint16_t)ep, count};
    g_tab_len++;
    g_eps[ep].dirty = 1;
}

/* Appends one frame of a stack line ("name (file:line)", "name (native)", "name") to out:
 * folded-safe (no ';' nor newline), paths relative to the app or lib/, the line kept unless
 * this is the leaf (the engine's pc of a running leaf is only exact at calls). */
static void put_frame(qr_buf_t *out, const char *s, size_t n, int leaf)
{
    const char *open = NULL;
    for (size_t i = n; i-- > 1;)
        if (s[i] == '(' && s[i - 1] == ' ') { open = s + i; break; }
    size_t nl = open ? (size_t)(open - 1 - s) : n;
    size_t start = out->len;
    qr_buf_append(out, s, nl);
    if (open && s[n - 1] == ')') {
        const char *loc = open + 1;
        size_t ll = (size_t)(s + n - 1 - loc);
        size_t ap = strlen(g_app_prefix), lp = strlen(g_lib_prefix);
        if (ap && ll > ap && memcmp(loc, g_app_prefix, ap) == 0) { loc += ap; ll -= ap; }
        else if (lp && ll > lp && memcmp(loc, g_lib_prefix, lp) == 0) {
            loc += lp;
            ll -= lp;
            qr_buf_append_str(out, " (lib/");
            goto body;
        }
        qr_buf_append_str(out, " (");
    body:
        if (leaf) {
            size_t c = ll;
            while (c && loc[c - 1] >= '0' && loc[c - 1] <= '9') c--;
            if (c && c < ll && loc[c - 1] == ':') ll = c - 1;
        }
        qr_buf_append(out, loc, ll);
        qr_buf_append_str(out, ")");
    }
    for (size_t i = start; i < out->len; i++)
        if (out->data[i] == ';' || out->data[i] == '\n' || out->data[i] == '\r') out->data[i] = ',';
}

static void flush_pending(void)
{
    for (int i = 0; i < g_npending; i++) {
        count_stack(g_ep, g_pending[i].stack, strlen(g_pending[i].stack), g_pending[i].count);
        free(g_pending[i].stack);
    }
    g_npending = 0;
}

void qr_profile_poll(void)
{
    if (!g_ticks) return;
    uint64_t n = (uint64_t)g_ticks;
    g_ticks = 0;
    JSContext *ctx = qr__js.ctx;
    JSValue err = JS_CallConstructor(ctx, g_error_ctor, 0, NULL);
    if (JS_IsException(err)) { JS_FreeValue(ctx, JS_GetException(ctx)); return; }
    JSValue st = JS_GetPropertyStr(ctx, err, "stack");
    size_t len = 0;
    const char *s = JS_IsString(st) ? JS_ToCStringLen(ctx, &len, st) : NULL;
    if (s) {
        /* lines leaf first; the folded stack is root first */
        const char *lines[MAX_FRAMES];
        size_t lens[MAX_FRAMES], nf = 0;
        for (const char *p = s; *p && nf < MAX_FRAMES;) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (l > 7 && memcmp(p, "    at ", 7) == 0) { lines[nf] = p + 7; lens[nf++] = l - 7; }
            p += l + (e ? 1 : 0);
        }
        qr_buf_t b = QR_BUF_INIT;
        for (size_t i = nf; i-- > 0;) {
            put_frame(&b, lines[i], lens[i], i == 0);
            if (i) qr_buf_append(&b, ";", 1);
        }
        if (!nf) qr_buf_append_str(&b, "[host]");
        if (g_npending == MAX_PENDING) flush_pending();
        g_pending[g_npending].stack = qr_buf_steal(&b);
        g_pending[g_npending++].count = n;
        JS_FreeCString(ctx, s);
    }
    JS_FreeValue(ctx, st);
    JS_FreeValue(ctx, err);
}

void qr_profile_end(void)
{
    if (!g_running) return;
    uint64_t n = (uint64_t)g_ticks;
    g_ticks = 0;
    flush_pending();
    if (n) count_stack(g_ep, "[host]", 6, n);
    g_ep = -1;
}

/* ---- files ---- */

/* The endpoint as a file name: letters, digits, '.', '-', '_' and '#' kept, the rest '_'. */
static void file_name(const char *ep, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = ep; *p && o + 1 < cap; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                 c == '_' || c == '#';
        out[o++] = ok ? c : '_';
    }
    out[o] = 0;
    if (!o || out[0] == '.') out[0] = '_';
}

/* Writes data to path through a temporary file and a rename (readers never see half a file). */
static int write_file(const char *path, const char *data, size_t len)
{
    char tmp[4096 + 32];
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return -errno;
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return -(e ? e : EIO);
    }
    return 0;
}

/* tmp/profile/<ep>.folded and .svg from every tmp/profile/workers/<ep>.<pid>.folded. */
static void merge_endpoint(const char *ep, const char *fname)
{
    char wdir[2048 + 16];
    snprintf(wdir, sizeof wdir, "%s/workers", g_dir);
    DIR *d = opendir(wdir);
    if (!d) return;
    qr_buf_t all = QR_BUF_INIT;
    size_t fl = strlen(fname);
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        size_t nl = strlen(n);
        if (nl <= fl + 8 || memcmp(n, fname, fl) != 0 || n[fl] != '.' || strcmp(n + nl - 7, ".folded") != 0) continue;
        size_t pid_len = nl - 7 - fl - 1;
        if (strspn(n + fl + 1, "0123456789") != pid_len) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", wdir, n);
        size_t len = 0;
        char *text = qr__js_read_file(path, &len);
        if (!text) continue;
        qr_buf_append(&all, text, len);
        if (len && text[len - 1] != '\n') qr_buf_append(&all, "\n", 1);
        free(text);
    }
    closedir(d);
    qr_buf_t merged = QR_BUF_INIT, svg = QR_BUF_INIT;
    qr_profile_fold_merge(all.data ? all.data : "", all.len, &merged);
    char title[256];
    snprintf(title, sizeof title, "quickrail profile: %.200s", ep);
    qr_profile_svg(title, merged.data ? merged.data : "", merged.len, &svg);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.folded", g_dir, fname);
    int rc = write_file(path, merged.data ? merged.data : "", merged.len);
    snprintf(path, sizeof path, "%s/%s.svg", g_dir, fname);
    if (!rc) rc = write_file(path, svg.data, svg.len);
    if (rc) qr_warn("profiler: cannot write %s: %s", path, strerror(-rc));
    qr_buf_free(&all);
    qr_buf_free(&merged);
    qr_buf_free(&svg);
}

static void flush(void)
{
    g_flush_asked = 0;
    g_last_flush_ms = qr_now_ms();
    char lock[2048 + 16];
    snprintf(lock, sizeof lock, "%s/.lock", g_dir);
    int lfd = -1;
    for (int i = 0; i < g_neps; i++) {
        if (!g_eps[i].dirty) continue;
        g_eps[i].dirty = 0;
        qr_buf_t b = QR_BUF_INIT;
        for (size_t k = 0; k < g_tab_cap; k++)
            if (g_tab[k].stack && g_tab[k].ep == i)
                qr_buf_appendf(&b, "%s %llu\n", g_tab[k].stack, (unsigned long long)g_tab[k].count);
        char fname[256], path[4096 + 512];
        file_name(g_eps[i].name, fname, sizeof fname);
        snprintf(path, sizeof path, "%s/workers/%s.%d.folded", g_dir, fname, (int)getpid());
        int rc = write_file(path, b.data ? b.data : "", b.len);
        qr_buf_free(&b);
        if (rc) {
            qr_warn("profiler: cannot write %s: %s", path, strerror(-rc));
            continue;
        }
        if (lfd < 0) {
            lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (lfd >= 0) while (flock(lfd, LOCK_EX) != 0 && errno == EINTR) {}
        }
        merge_endpoint(g_eps[i].name, fname);
    }
    if (lfd >= 0) close(lfd); /* releases the lock */
}

void qr_profile_idle(void)
{
    if (!g_running) return;
    if (g_flush_asked || qr_now_ms() - g_last_flush_ms >= 1000) {
        int dirty = g_flush_asked;
        for (int i = 0; i < g_neps && !dirty; i++) dirty = g_eps[i].dirty;
        if (dirty) flush();
        else g_flush_asked = 0;
    }
}

void qr_profile_stop(void)
{
    if (!g_running) return;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    qr_profile_end();
    flush();
    g_running = 0;
}
