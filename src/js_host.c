/* js_host.c — the JavaScript runtime of a quickrail process (js_host.h): one QuickJS runtime
 * and context, the module loader (app files, lib/ on disk or embedded, native modules), the
 * event loop of a request (jobs and timers, run until the response settles), the deadline /
 * memory / stack supervision, the 500 page, broadcast, and the "quickrail:host" native module
 * behind globalThis.Quickrail. Runs in the zygote (boot), in workers (fetch, cable) and in
 * `quickrail run` script processes; never in the supervisor. Single-threaded.
 * Calls QuickJS, js_web.c / js_sqlite.c (through js_priv.h), signed_stream.c, log.c, embed.c.
 *
 * lib/ location: $QUICKRAIL_LIB if set; else the lib/ of the repository the binary was built in
 * (<repo>/build/quickrail -> <repo>/lib, read from disk so edits need no rebuild); else the copy
 * embedded in the binary (module names "lib/..."). */
#include "js_host.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "embed.h"
#include "js_priv.h"
#include "log.h"
#include "db_pg.h"
#include "signed_stream.h"

extern char **environ;

/* ---- process-wide state (one runtime per process) ---- */
static JSRuntime *g_rt;
static JSContext *g_ctx;
static qr_config_t g_cfg;
static char g_lib_dir[PATH_MAX]; /* "" = embedded lib */
static int g_worker_id = -1;
int qr__js_script_mode;
#define g_script_mode qr__js_script_mode
static int g_script_failed;
static int g_exit_code = -1;       /* set by Quickrail.exit() */
static int g_argc;
static char **g_argv;
static qr_js_broadcast_cb g_bcast_cb;
static void *g_bcast_ud;
static unsigned char g_stream_key[QR_STREAM_KEY_LEN];
/* The stream key's PBKDF2 (1000 HMAC-SHA256 rounds, ~7 ms) runs on a thread while lib/web and
 * the app load; stream_key() waits for it. Joined before the zygote says READY (so no thread
 * exists at fork) and before the runtime is freed. */
static pthread_t g_key_thread;
static int g_key_pending;
static char *g_key_secret;
static unsigned char g_app_key[32];
int qr__js_in_zygote;

/* Values kept for the life of the runtime (owned; freed in runtime_free). Zero-initialised
 * (an int 0, which JS_FreeValue ignores) until runtime_init sets them. */
static JSValue g_app_this;  /* default export of the entry, or Router */
static JSValue g_app_fetch; /* its fetch / dispatch function */
static int g_app_is_router;
static JSValue g_env_obj;
static JSValue g_hooks; /* lib/web's internal hooks object */
static JSValue g_make_request;
static JSValue g_response_parts;

/* ---- supervision of one call ---- */
enum { ABORT_NONE = 0, ABORT_DEADLINE, ABORT_EXIT };
static uint64_t g_deadline_ms; /* absolute qr_now_ms(); 0 = none */
static int g_abort;

/* Settlement of the promise a request (or cable op) is waiting for. */
static uint32_t g_gen;
static int g_settled; /* 0 pending, 1 fulfilled, 2 rejected */
static JSValue g_settled_value;

/* ---- timers ---- */
typedef struct {
    int64_t id;
    uint64_t when;
    uint32_t interval;
    int repeat;
    JSValue fn;
} qr_timer_t;
static qr_timer_t *g_timers;
static size_t g_ntimers, g_timers_cap;
static int64_t g_next_timer_id = 1;

/* ---- unhandled rejections seen while draining jobs ---- */
#define MAX_REJECTIONS 32
static struct {
    JSValue promise, reason;
} g_rejections[MAX_REJECTIONS];
static int g_nrejections;

/* ======================================================================================== */
/* helpers                                                                                  */

/* snprintf that truncates silently (paths longer than PATH_MAX then simply fail to open). */
static int fmt_to(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fmt_to(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

JSValue qr__js_throw_code(JSContext *ctx, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    JSValue err = JS_NewError(ctx);
    if (JS_IsException(err)) return err;
    JS_DefinePropertyValueStr(ctx, err, "message", JS_NewString(ctx, msg),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    if (code) JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, code));
    return JS_Throw(ctx, err);
}

int qr__js_bytes(JSContext *ctx, JSValueConst v, const uint8_t **p, size_t *len, const char **tmp)
{
    *tmp = NULL;
    if (JS_IsString(v)) {
        const char *s = JS_ToCStringLen(ctx, len, v);
        if (!s) return -1;
        *tmp = s;
        *p = (const uint8_t *)s;
        return 0;
    }
    size_t n;
    uint8_t *buf = JS_GetArrayBuffer(ctx, &n, v);
    if (buf) { *p = buf; *len = n; return 0; }
    JS_FreeValue(ctx, JS_GetException(ctx));
    size_t off, blen, bpe;
    JSValue ab = JS_GetTypedArrayBuffer(ctx, v, &off, &blen, &bpe);
    if (!JS_IsException(ab)) {
        buf = JS_GetArrayBuffer(ctx, &n, ab);
        JS_FreeValue(ctx, ab);
        if (!buf) return -1;
        *p = buf + off;
        *len = blen;
        return 0;
    }
    JS_FreeValue(ctx, JS_GetException(ctx));
    /* DataView: {buffer, byteOffset, byteLength} */
    JSValue b = JS_GetPropertyStr(ctx, v, "buffer");
    buf = JS_IsObject(b) ? JS_GetArrayBuffer(ctx, &n, b) : NULL;
    JS_FreeValue(ctx, b);
    if (!buf) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        JS_ThrowTypeError(ctx, "expected a string, ArrayBuffer or ArrayBufferView");
        return -1;
    }
    int64_t o = 0, l = 0;
    JSValue ov = JS_GetPropertyStr(ctx, v, "byteOffset"), lv = JS_GetPropertyStr(ctx, v, "byteLength");
    JS_ToInt64(ctx, &o, ov);
    JS_ToInt64(ctx, &l, lv);
    JS_FreeValue(ctx, ov);
    JS_FreeValue(ctx, lv);
    if (o < 0 || l < 0 || (size_t)(o + l) > n) { JS_ThrowRangeError(ctx, "bad view"); return -1; }
    *p = buf + o;
    *len = (size_t)l;
    return 0;
}

void qr__js_app_hmac(const void *data, size_t len, unsigned char out[32])
{
    unsigned int olen = 32;
    HMAC(EVP_sha256(), g_app_key, sizeof g_app_key, data, len, out, &olen);
}

static char *read_file_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 8192, n = 0;
    char *buf = qr_xmalloc(cap);
    for (;;) {
        if (cap - n < 4096) buf = qr_xrealloc(buf, cap *= 2);
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); return NULL; }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Collapses "." and ".." segments and duplicate slashes of path in place. */
static void path_normalize(char *path)
{
    int absolute = path[0] == '/';
    char *segs[512];
    int n = 0;
    char *save = NULL;
    char copy[PATH_MAX];
    fmt_to(copy, sizeof copy, "%s", path);
    for (char *s = strtok_r(copy, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") == 0) continue;
        if (strcmp(s, "..") == 0) {
            if (n > 0 && strcmp(segs[n - 1], "..") != 0) n--;
            else if (!absolute) segs[n++] = s;
            continue;
        }
        if (n < 512) segs[n++] = s;
    }
    char out[PATH_MAX];
    size_t o = 0;
    if (absolute) out[o++] = '/';
    for (int i = 0; i < n && o < sizeof out - 1; i++) {
        int w = fmt_to(out + o, sizeof out - o, "%s%s", i ? "/" : "", segs[i]);
        if (w < 0) break;
        o += (size_t)w;
        if (o >= sizeof out) o = sizeof out - 1;
    }
    out[o] = 0;
    memcpy(path, out, o + 1);
}

/* A module exists: absolute names on disk, relative names in the embedded table. */
static int module_exists(const char *name)
{
    if (name[0] == '/') return is_file(name);
    return qr_embed_find(name) != NULL;
}

/* Tries cand, cand.js, cand.mjs, cand/index.js; writes the hit into out. */
static int resolve_candidate(const char *cand, char *out, size_t cap)
{
    static const char *suffix[] = {"", ".js", ".mjs", "/index.js"};
    for (size_t i = 0; i < QR_ARRAY_LEN(suffix); i++) {
        fmt_to(out, cap, "%s%s", cand, suffix[i]);
        if (module_exists(out)) return 1;
    }
    return 0;
}

static void lib_path(char *out, size_t cap, const char *sub)
{
    if (g_lib_dir[0]) fmt_to(out, cap, "%s/%s", g_lib_dir, sub);
    else fmt_to(out, cap, "lib/%s", sub);
}

static void html_escape_into(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; s && *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        }
        size_t rl = rep ? strlen(rep) : 1;
        if (*len + rl + 1 > *cap) *buf = qr_xrealloc(*buf, *cap = (*cap + rl) * 2);
        if (rep) memcpy(*buf + *len, rep, rl);
        else (*buf)[*len] = *s;
        *len += rl;
        (*buf)[*len] = 0;
    }
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) *buf = qr_xrealloc(*buf, *cap = (*cap + n) * 2);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* Message ("Error: boom") and stack of an exception value; both owned (free()). */
static void exception_text(JSValueConst exc, char **msg, char **stack)
{
    JSContext *ctx = g_ctx;
    *msg = NULL;
    *stack = NULL;
    const char *s = JS_ToCString(ctx, exc);
    if (s) {
        *msg = qr_xstrdup(s);
        JS_FreeCString(ctx, s);
    } else {
        JS_FreeValue(ctx, JS_GetException(ctx));
        *msg = qr_xstrdup(JS_IsNull(exc) ? "out of memory" : "(unprintable exception)");
    }
    if (JS_IsObject(exc)) {
        JSValue st = JS_GetPropertyStr(ctx, exc, "stack");
        if (JS_IsString(st)) {
            const char *ss = JS_ToCString(ctx, st);
            if (ss) {
                /* at most 40 frames: a stack overflow would otherwise log thousands */
                const char *e = ss;
                for (int lines = 0; *e && lines < 40; e++)
                    if (*e == '\n') lines++;
                *stack = *e ? qr_xmalloc((size_t)(e - ss) + 8) : qr_xstrdup(ss);
                if (*e) fmt_to(*stack, (size_t)(e - ss) + 8, "%.*s    ...", (int)(e - ss), ss);
                JS_FreeCString(ctx, ss);
                size_t sl = strlen(*stack);
                while (sl && ((*stack)[sl - 1] == '\n' || (*stack)[sl - 1] == ' ')) (*stack)[--sl] = 0;
                if (!sl) { free(*stack); *stack = NULL; }
            }
        } else if (JS_IsException(st)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
        }
        JS_FreeValue(ctx, st);
    }
}

/* Logs the pending exception of the context (consumes it). */
static void report_exception(const char *what)
{
    JSValue exc = JS_GetException(g_ctx);
    char *msg, *stack;
    exception_text(exc, &msg, &stack);
    qr_error("%s: %s%s%s", what, msg, stack ? "\n" : "", stack ? stack : "");
    free(msg);
    free(stack);
    JS_FreeValue(g_ctx, exc);
}

/* ======================================================================================== */
/* module loader                                                                            */

static char *module_normalize(JSContext *ctx, const char *base, const char *name, void *opaque)
{
    char cand[PATH_MAX], out[PATH_MAX];
    if (strncmp(name, "file://", 7) == 0) name += 7;
    if (strcmp(name, "quickrail:sqlite") == 0 || strcmp(name, "quickrail:web") == 0 ||
        strcmp(name, "quickrail:host") == 0)
        return js_strdup(ctx, name);
    if (strcmp(name, "bun:sqlite") == 0) {
        lib_path(out, sizeof out, "web/sqlite.js");
        return js_strdup(ctx, out);
    }
    if (g_script_mode && (strcmp(name, "node:test") == 0 || strcmp(name, "node:assert") == 0 ||
                          strcmp(name, "node:assert/strict") == 0)) {
        lib_path(cand, sizeof cand,
                 strcmp(name, "node:test") == 0 ? "quickrail/testing/node_test.js"
                                                : "quickrail/testing/assert.js");
        if (module_exists(cand)) return js_strdup(ctx, cand);
        JS_ThrowReferenceError(ctx, "module '%s' needs %s, which is missing", name, cand);
        return NULL;
    }
    if (strcmp(name, "quickrail") == 0 || strncmp(name, "quickrail/", 10) == 0) {
        char sub[PATH_MAX];
        fmt_to(sub, sizeof sub, "%s", name[9] ? name : "quickrail/index.js");
        lib_path(cand, sizeof cand, sub);
    } else if (name[0] == '/') {
        fmt_to(cand, sizeof cand, "%s", name);
    } else if (name[0] == '.' && (name[1] == '/' || (name[1] == '.' && name[2] == '/'))) {
        const char *slash = strrchr(base, '/');
        int dl = slash ? (int)(slash - base) : 0;
        if (dl) fmt_to(cand, sizeof cand, "%.*s/%s", dl, base, name);
        else fmt_to(cand, sizeof cand, "%s", name);
    } else {
        JS_ThrowReferenceError(ctx, "cannot resolve module '%s' imported from %s (bare specifiers"
                               " other than quickrail, quickrail/* and bun:sqlite are not supported)",
                               name, base);
        return NULL;
    }
    path_normalize(cand);
    if (!resolve_candidate(cand, out, sizeof out)) {
        JS_ThrowReferenceError(ctx, "cannot find module '%s' imported from %s", name, base);
        return NULL;
    }
    return js_strdup(ctx, out);
}

/* Returns the source of module name (disk or embedded). *owned: caller must free(). */
static const char *module_source(const char *name, size_t *len, int *owned)
{
    *owned = 0;
    if (name[0] == '/') {
        char *s = read_file_all(name, len);
        *owned = s != NULL;
        return s;
    }
    const qr_embed_file_t *f = qr_embed_find(name);
    if (!f) return NULL;
    *len = f->len;
    return f->data;
}

static void set_import_meta(JSContext *ctx, JSModuleDef *m, const char *name, int is_main)
{
    JSValue meta = JS_GetImportMeta(ctx, m);
    if (JS_IsException(meta)) { JS_FreeValue(ctx, JS_GetException(ctx)); return; }
    char url[PATH_MAX + 32];
    fmt_to(url, sizeof url, "%s%s", name[0] == '/' ? "file://" : "quickrail:", name);
    JS_SetPropertyStr(ctx, meta, "url", JS_NewString(ctx, url));
    JS_SetPropertyStr(ctx, meta, "main", JS_NewBool(ctx, is_main));
    JS_SetPropertyStr(ctx, meta, "filename", JS_NewString(ctx, name));
    const char *slash = strrchr(name, '/');
    JS_SetPropertyStr(ctx, meta, "dirname",
                      JS_NewStringLen(ctx, name, slash ? (size_t)(slash - name) : 0));
    JS_FreeValue(ctx, meta);
}

static JSModuleDef *host_module(JSContext *ctx, const char *name);

/* ---- compiled-module cache ----
 * Like Rails' bootsnap: the bytecode of every module compiled is kept in a content-addressed
 * cache dir ($QUICKRAIL_CACHE_DIR, else $XDG_CACHE_HOME/quickrail or ~/.cache/quickrail;
 * QUICKRAIL_CACHE=0 disables it), keyed by SHA-256 of (build, module name, source). A cold
 * start (zygote restart, `quickrail run` task) then reads bytecode instead of compiling the
 * framework. Unwritable or corrupt caches are ignored: compiling is always the fallback. */
static char g_cache_dir[PATH_MAX];
static int g_cache_state; /* 0 unknown, 1 on, -1 off */

static int cache_on(void)
{
    if (g_cache_state) return g_cache_state > 0;
    g_cache_state = -1;
    const char *off = getenv("QUICKRAIL_CACHE");
    if (off && strcmp(off, "0") == 0) return 0;
    const char *d = getenv("QUICKRAIL_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (d && *d) fmt_to(g_cache_dir, sizeof g_cache_dir, "%s", d);
    else if (x && *x) fmt_to(g_cache_dir, sizeof g_cache_dir, "%s/quickrail", x);
    else if (h && *h) fmt_to(g_cache_dir, sizeof g_cache_dir, "%s/.cache/quickrail", h);
    else return 0;
    char tmp[PATH_MAX];
    fmt_to(tmp, sizeof tmp, "%s", g_cache_dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(tmp, 0755); *p = '/'; }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return 0;
    if (access(g_cache_dir, W_OK) != 0) return 0;
    g_cache_state = 1;
    return 1;
}

static void cache_path(char *out, size_t cap, const char *name, const char *src, size_t len)
{
    static const char build[] = QR_VERSION " " __DATE__ " " __TIME__;
    unsigned char md[32];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, build, sizeof build);
    EVP_DigestUpdate(c, name, strlen(name) + 1);
    EVP_DigestUpdate(c, src, len);
    unsigned int ml = 32;
    EVP_DigestFinal_ex(c, md, &ml);
    EVP_MD_CTX_free(c);
    char hex[65];
    for (int i = 0; i < 32; i++) fmt_to(hex + 2 * i, 3, "%02x", md[i]);
    fmt_to(out, cap, "%s/%s.qbc", g_cache_dir, hex);
}

/* Compiled module from the cache (owned) or JS_UNDEFINED on a miss. */
static JSValue cache_load(JSContext *ctx, const char *path)
{
    size_t n;
    char *buf = read_file_all(path, &n);
    if (!buf) return JS_UNDEFINED;
    JSValue fn = JS_ReadObject(ctx, (const uint8_t *)buf, n, JS_READ_OBJ_BYTECODE);
    free(buf);
    if (JS_IsException(fn) || JS_VALUE_GET_TAG(fn) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, fn);
        unlink(path);
        return JS_UNDEFINED;
    }
    if (JS_ResolveModule(ctx, fn) < 0) return JS_EXCEPTION; /* an import is missing: a real error */
    return fn;
}

static void cache_store(JSContext *ctx, const char *path, JSValueConst fn)
{
    size_t n;
    uint8_t *buf = JS_WriteObject(ctx, &n, fn, JS_WRITE_OBJ_BYTECODE);
    if (!buf) { JS_FreeValue(ctx, JS_GetException(ctx)); return; }
    char tmp[PATH_MAX + 32];
    fmt_to(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f) {
        int ok = fwrite(buf, 1, n, f) == n;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) unlink(tmp);
    }
    js_free(ctx, buf);
}

/* Compiles module name (or reads it from the cache); returns it (owned) or JS_EXCEPTION. */
static JSValue compile_module(JSContext *ctx, const char *name, int is_main)
{
    size_t len;
    int owned;
    const char *src = module_source(name, &len, &owned);
    if (!src) return JS_ThrowReferenceError(ctx, "could not load module '%s'", name);
    char cpath[PATH_MAX + 80];
    JSValue fn = JS_UNDEFINED;
    int cached = cache_on();
    if (cached) {
        cache_path(cpath, sizeof cpath, name, src, len);
        fn = cache_load(ctx, cpath);
    }
    if (JS_IsUndefined(fn)) {
        fn = JS_Eval(ctx, src, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        if (cached && !JS_IsException(fn)) cache_store(ctx, cpath, fn);
    }
    if (owned) free((char *)src);
    if (!JS_IsException(fn)) set_import_meta(ctx, JS_VALUE_GET_PTR(fn), name, is_main);
    return fn;
}

static JSModuleDef *module_loader(JSContext *ctx, const char *name, void *opaque)
{
    if (strcmp(name, "quickrail:sqlite") == 0) return qr__js_sqlite_module(ctx, name);
    if (strcmp(name, "quickrail:web") == 0) return qr__js_web_module(ctx, name);
    if (strcmp(name, "quickrail:host") == 0) return host_module(ctx, name);
    JSValue fn = compile_module(ctx, name, 0);
    if (JS_IsException(fn)) return NULL;
    JSModuleDef *m = JS_VALUE_GET_PTR(fn);
    JS_FreeValue(ctx, fn);
    return m;
}

/* Compiles and evaluates module name as a main module. Returns 0 or -1 (exception pending). */
static int eval_module(const char *name)
{
    JSValue fn = compile_module(g_ctx, name, 1);
    if (JS_IsException(fn)) return -1;
    JSValue r = JS_EvalFunction(g_ctx, fn);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(g_ctx, r);
    return 0;
}

/* Evaluates a small module written here (boot glue only; never per request). */
static int eval_glue(const char *src)
{
    JSValue r = JS_Eval(g_ctx, src, strlen(src), "<quickrail boot>", JS_EVAL_TYPE_MODULE);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(g_ctx, r);
    return 0;
}

/* ======================================================================================== */
/* supervision: interrupt handler, rejection tracker                                        */

int qr__js_deadline_passed(void)
{
    if (g_abort) return 1;
    if (g_deadline_ms && qr_now_ms() >= g_deadline_ms) {
        g_abort = ABORT_DEADLINE;
        return 1;
    }
    return 0;
}

static int interrupt_handler(JSRuntime *rt, void *opaque)
{
    if (g_abort) return 1;
    if (g_deadline_ms && qr_now_ms() >= g_deadline_ms) {
        g_abort = ABORT_DEADLINE;
        return 1;
    }
    return 0;
}

static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    if (is_handled) {
        for (int i = 0; i < g_nrejections; i++) {
            if (JS_VALUE_GET_PTR(g_rejections[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, g_rejections[i].promise);
                JS_FreeValue(ctx, g_rejections[i].reason);
                g_rejections[i] = g_rejections[--g_nrejections];
                return;
            }
        }
        return;
    }
    if (g_nrejections == MAX_REJECTIONS) return;
    g_rejections[g_nrejections].promise = JS_DupValue(ctx, promise);
    g_rejections[g_nrejections].reason = JS_DupValue(ctx, reason);
    g_nrejections++;
}

static void report_rejections(void)
{
    while (g_nrejections > 0) {
        g_nrejections--;
        char *msg, *stack;
        exception_text(g_rejections[g_nrejections].reason, &msg, &stack);
        qr_error("unhandled promise rejection: %s%s%s", msg, stack ? "\n" : "", stack ? stack : "");
        free(msg);
        free(stack);
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].promise);
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].reason);
        if (g_script_mode) g_script_failed = 1;
    }
}

/* ======================================================================================== */
/* timers and the event loop                                                                */

static void timer_remove_at(size_t i)
{
    JS_FreeValue(g_ctx, g_timers[i].fn);
    g_timers[i] = g_timers[--g_ntimers];
}

static void timers_clear(void)
{
    while (g_ntimers) timer_remove_at(g_ntimers - 1);
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

enum { LOOP_SETTLED, LOOP_IDLE, LOOP_ABORTED };

/* Runs jobs and timers. Stops when the awaited promise settled (wait_settle), when nothing is
 * left to do (LOOP_IDLE), or when the deadline / exit aborted the call. only_due: stop instead
 * of sleeping for a future timer (boot). */
static int run_loop(int wait_settle, int only_due)
{
    for (;;) {
        JSContext *c;
        int r;
        while ((r = JS_ExecutePendingJob(g_rt, &c)) != 0) {
            if (r < 0) {
                if (g_abort) return LOOP_ABORTED;
                report_exception("uncaught exception in a job");
                if (g_script_mode) g_script_failed = 1;
            }
        }
        report_rejections();
        if (g_abort) return LOOP_ABORTED;
        if (wait_settle && g_settled) return LOOP_SETTLED;
        if (g_ntimers == 0) return LOOP_IDLE;
        size_t best = 0;
        for (size_t i = 1; i < g_ntimers; i++)
            if (g_timers[i].when < g_timers[best].when) best = i;
        uint64_t now = qr_now_ms();
        if (g_timers[best].when > now) {
            if (only_due) return LOOP_IDLE;
            if (g_deadline_ms && g_timers[best].when >= g_deadline_ms) {
                if (g_deadline_ms > now) sleep_ms(g_deadline_ms - now);
                g_abort = ABORT_DEADLINE;
                return LOOP_ABORTED;
            }
            sleep_ms(g_timers[best].when - now);
        }
        JSValue fn = JS_DupValue(g_ctx, g_timers[best].fn);
        if (g_timers[best].repeat) g_timers[best].when = qr_now_ms() + g_timers[best].interval;
        else timer_remove_at(best);
        JSValue ret = JS_Call(g_ctx, fn, JS_UNDEFINED, 0, NULL);
        JS_FreeValue(g_ctx, fn);
        if (JS_IsException(ret)) {
            if (g_abort) return LOOP_ABORTED;
            report_exception("uncaught exception in a timer");
            if (g_script_mode) g_script_failed = 1;
        }
        JS_FreeValue(g_ctx, ret);
    }
}

/* After an aborted call: runs what is queued with every check failing, so nothing of the
 * aborted request survives into the next one. */
static void drain_aborted(void)
{
    int saved = g_abort ? g_abort : ABORT_DEADLINE;
    g_abort = saved;
    JSContext *c;
    for (int i = 0; i < 1000000 && JS_ExecutePendingJob(g_rt, &c) != 0; i++)
        JS_FreeValue(g_ctx, JS_GetException(g_ctx));
    JS_FreeValue(g_ctx, JS_GetException(g_ctx));
    timers_clear();
    while (g_nrejections > 0) {
        g_nrejections--;
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].promise);
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].reason);
    }
}

static JSValue settle_cb(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                         int magic, JSValue *data)
{
    uint32_t gen;
    JS_ToUint32(ctx, &gen, data[0]);
    if (gen != g_gen || g_settled) return JS_UNDEFINED;
    g_settled = magic;
    JS_FreeValue(ctx, g_settled_value);
    g_settled_value = JS_DupValue(ctx, argc > 0 ? argv[0] : JS_UNDEFINED);
    return JS_UNDEFINED;
}

/* Awaits v (consumed): a thenable is followed through the loop, anything else settles at once.
 * Returns a LOOP_* code; on LOOP_SETTLED g_settled/g_settled_value hold the outcome. */
static int await_value(JSValue v)
{
    g_gen++;
    g_settled = 0;
    JS_FreeValue(g_ctx, g_settled_value);
    g_settled_value = JS_UNDEFINED;
    JSValue then = JS_IsObject(v) ? JS_GetPropertyStr(g_ctx, v, "then") : JS_UNDEFINED;
    if (JS_IsException(then)) {
        JS_FreeValue(g_ctx, v);
        g_settled = 2;
        g_settled_value = JS_GetException(g_ctx);
        return LOOP_SETTLED;
    }
    if (!JS_IsFunction(g_ctx, then)) {
        JS_FreeValue(g_ctx, then);
        g_settled = 1;
        g_settled_value = v;
        return LOOP_SETTLED;
    }
    JSValue gen = JS_NewUint32(g_ctx, g_gen);
    JSValue cbs[2] = {JS_NewCFunctionData(g_ctx, settle_cb, 1, 1, 1, &gen),
                      JS_NewCFunctionData(g_ctx, settle_cb, 1, 2, 1, &gen)};
    JSValue r = JS_Call(g_ctx, then, v, 2, (JSValueConst *)cbs);
    JS_FreeValue(g_ctx, cbs[0]);
    JS_FreeValue(g_ctx, cbs[1]);
    JS_FreeValue(g_ctx, then);
    JS_FreeValue(g_ctx, v);
    if (JS_IsException(r)) {
        if (g_abort) return LOOP_ABORTED;
        g_settled = 2;
        g_settled_value = JS_GetException(g_ctx);
        return LOOP_SETTLED;
    }
    JS_FreeValue(g_ctx, r);
    return run_loop(1, 0);
}

/* Memory still in use after a failed call is too close to the limit: the runtime is sick. */
static int runtime_unhealthy(void)
{
    if (!g_cfg.memory_limit) return 0;
    JS_RunGC(g_rt);
    JSMemoryUsage mu;
    JS_ComputeMemoryUsage(g_rt, &mu);
    return mu.malloc_size > (int64_t)(g_cfg.memory_limit / 10 * 8);
}

/* ======================================================================================== */
/* responses                                                                                */

static void set_error_page(qr_js_response_t *res, const char *title, const char *msg,
                           const char *stack)
{
    qr_js_response_free(res);
    size_t len = 0, cap = 1024;
    char *b = qr_xmalloc(cap);
    b[0] = 0;
    if (strcmp(g_cfg.env, "production") != 0) {
        append(&b, &len, &cap, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
        html_escape_into(&b, &len, &cap, title);
        append(&b, &len, &cap, "</title><style>body{font-family:sans-serif;margin:2em}"
                               "pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head>"
                               "<body><h1>");
        html_escape_into(&b, &len, &cap, title);
        append(&b, &len, &cap, "</h1>\n<p class=\"message\">");
        html_escape_into(&b, &len, &cap, msg);
        append(&b, &len, &cap, "</p>\n<pre class=\"stack\">");
        html_escape_into(&b, &len, &cap, stack ? stack : "");
        append(&b, &len, &cap, "</pre></body></html>\n");
    } else {
        append(&b, &len, &cap, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
                               "We're sorry, but something went wrong (500)</title></head><body>"
                               "<h1>We're sorry, but something went wrong.</h1></body></html>\n");
    }
    res->status = 500;
    res->nheaders = 1;
    res->names = qr_xmalloc(sizeof(char *));
    res->values = qr_xmalloc(sizeof(char *));
    res->names[0] = qr_xstrdup("content-type");
    res->values[0] = qr_xstrdup("text/html; charset=utf-8");
    res->body = b;
    res->body_len = len;
}

/* Error page for an exception value (borrowed); logs it with its stack. */
static void error_response(const qr_js_request_t *req, qr_js_response_t *res, JSValueConst exc)
{
    char *msg, *stack;
    exception_text(exc, &msg, &stack);
    /* db_pg.c's DatabaseUnavailable (js_host.h): 503, one short log line (db_pg.c logged why) */
    int unavailable = 0;
    if (JS_IsObject(exc)) {
        JSValue name = JS_GetPropertyStr(g_ctx, exc, "name");
        const char *n = JS_IsString(name) ? JS_ToCString(g_ctx, name) : NULL;
        unavailable = n && strcmp(n, "DatabaseUnavailable") == 0;
        if (n) JS_FreeCString(g_ctx, n);
        JS_FreeValue(g_ctx, name);
    }
    if (unavailable) {
        qr_warn("%s %s: 503, the database is unavailable", req ? req->method : "cable", req ? req->target : "");
        set_error_page(res, "Service Unavailable", msg, NULL);
        res->status = 503;
        free(msg);
        free(stack);
        return;
    }
    qr_error("%s %s raised %s%s%s", req ? req->method : "cable", req ? req->target : "", msg,
             stack ? "\n" : "", stack ? stack : "");
    set_error_page(res, "Internal Server Error", msg, stack);
    free(msg);
    free(stack);
}

/* Copies the parts [status, [name, value, ...], body] of a Response into res. 0 or -1. */
static int take_response(JSValueConst response, qr_js_response_t *res)
{
    JSContext *ctx = g_ctx;
    JSValue parts = JS_Call(ctx, g_response_parts, JS_UNDEFINED, 1, &response);
    if (JS_IsException(parts)) return -1;
    int rc = -1;
    JSValue st = JS_GetPropertyUint32(ctx, parts, 0);
    JSValue hs = JS_GetPropertyUint32(ctx, parts, 1);
    JSValue body = JS_GetPropertyUint32(ctx, parts, 2);
    int32_t status = 200;
    uint32_t n = 0;
    if (JS_ToInt32(ctx, &status, st) < 0) goto fail;
    JSValue lv = JS_GetPropertyStr(ctx, hs, "length");
    if (JS_ToUint32(ctx, &n, lv) < 0) { JS_FreeValue(ctx, lv); goto fail; }
    JS_FreeValue(ctx, lv);
    res->status = status;
    res->nheaders = 0;
    res->names = qr_xcalloc(n / 2 + 1, sizeof(char *));
    res->values = qr_xcalloc(n / 2 + 1, sizeof(char *));
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        JSValue nv = JS_GetPropertyUint32(ctx, hs, i), vv = JS_GetPropertyUint32(ctx, hs, i + 1);
        const char *ns = JS_ToCString(ctx, nv), *vs = JS_ToCString(ctx, vv);
        JS_FreeValue(ctx, nv);
        JS_FreeValue(ctx, vv);
        if (!ns || !vs) {
            if (ns) JS_FreeCString(ctx, ns);
            if (vs) JS_FreeCString(ctx, vs);
            goto fail;
        }
        res->names[res->nheaders] = qr_xstrdup(ns);
        res->values[res->nheaders] = qr_xstrdup(vs);
        res->nheaders++;
        JS_FreeCString(ctx, ns);
        JS_FreeCString(ctx, vs);
    }
    if (!JS_IsNull(body) && !JS_IsUndefined(body)) {
        const uint8_t *p;
        size_t len;
        const char *tmp;
        if (qr__js_bytes(ctx, body, &p, &len, &tmp) < 0) goto fail;
        res->body = qr_xmalloc(len + 1);
        memcpy(res->body, p, len);
        res->body[len] = 0;
        res->body_len = len;
        if (tmp) JS_FreeCString(ctx, tmp);
    }
    rc = 0;
fail:
    JS_FreeValue(ctx, st);
    JS_FreeValue(ctx, hs);
    JS_FreeValue(ctx, body);
    JS_FreeValue(ctx, parts);
    return rc;
}

void qr_js_response_free(qr_js_response_t *res)
{
    for (size_t i = 0; i < res->nheaders; i++) {
        free(res->names[i]);
        free(res->values[i]);
    }
    free(res->names);
    free(res->values);
    free(res->body);
    memset(res, 0, sizeof *res);
}

/* Builds the Request object for req (owned) or JS_EXCEPTION. */
static JSValue make_request(const qr_js_request_t *req)
{
    JSContext *ctx = g_ctx;
    const char *host = NULL, *proto = "http";
    size_t host_len = 0;
    JSValue hs = JS_NewArray(ctx);
    if (JS_IsException(hs)) return hs;
    char small[128];
    for (size_t i = 0; i < req->nheaders; i++) {
        const qr_header_t *h = &req->headers[i];
        char *lower = h->name_len < sizeof small ? small : qr_xmalloc(h->name_len + 1);
        for (size_t k = 0; k < h->name_len; k++) {
            char ch = h->name[k];
            lower[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
        }
        lower[h->name_len] = 0;
        if (strcmp(lower, "host") == 0) { host = h->value; host_len = h->value_len; }
        if (strcmp(lower, "x-forwarded-proto") == 0 && h->value_len == 5 &&
            strncmp(h->value, "https", 5) == 0)
            proto = "https";
        JS_SetPropertyUint32(ctx, hs, (uint32_t)(2 * i), JS_NewStringLen(ctx, lower, h->name_len));
        JS_SetPropertyUint32(ctx, hs, (uint32_t)(2 * i + 1), JS_NewStringLen(ctx, h->value, h->value_len));
        if (lower != small) free(lower);
    }
    char *url;
    size_t tl = strlen(req->target);
    if (strncmp(req->target, "http://", 7) == 0 || strncmp(req->target, "https://", 8) == 0) {
        url = qr_xstrdup(req->target);
    } else {
        if (!host || !host_len) { host = "localhost"; host_len = 9; }
        url = qr_xmalloc(tl + host_len + 16);
        fmt_to(url, tl + host_len + 16, "%s://%.*s%s%s", proto, (int)host_len, host,
                 req->target[0] == '/' ? "" : "/", req->target);
    }
    JSValue args[5];
    args[0] = JS_NewString(ctx, req->method);
    args[1] = JS_NewString(ctx, url);
    args[2] = hs;
    args[3] = req->body_len || (req->body && strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
                  ? JS_NewArrayBufferCopy(ctx, (const uint8_t *)req->body, req->body_len)
                  : JS_NULL;
    args[4] = JS_NewString(ctx, req->remote_addr ? req->remote_addr : "");
    free(url);
    JSValue r = JS_Call(ctx, g_make_request, JS_UNDEFINED, 5, (JSValueConst *)args);
    for (int i = 0; i < 5; i++) JS_FreeValue(ctx, args[i]);
    return r;
}

/* Ends a call: stops the deadline, drops timers and aborted work, reports health. */
static int end_call(int failed)
{
    int aborted = g_abort != ABORT_NONE;
    if (aborted) drain_aborted();
    else {
        /* microtasks queued after the response are run now, still under the deadline */
        run_loop(0, 1);
        if (g_abort) drain_aborted();
        timers_clear();
    }
    g_deadline_ms = 0;
    g_abort = ABORT_NONE;
    qr__js_sqlite_end_call();
    JS_FreeValue(g_ctx, g_settled_value);
    g_settled_value = JS_UNDEFINED;
    g_settled = 0;
    g_gen++;
    if ((failed || aborted) && runtime_unhealthy()) {
        qr_error("JS runtime is no longer healthy (memory near the limit after GC); worker will be replaced");
        return QR_EJS;
    }
    return 0;
}

int qr_js_host_fetch(const qr_js_request_t *req, qr_js_response_t *res)
{
    memset(res, 0, sizeof *res);
    QR_ASSERT(g_ctx != NULL);
    JS_UpdateStackTop(g_rt);
    g_abort = ABORT_NONE;
    g_deadline_ms = g_cfg.deadline_ms ? qr_now_ms() + g_cfg.deadline_ms : 0;
    int failed = 1;
    JSValue request = make_request(req);
    if (JS_IsException(request)) {
        JSValue exc = JS_GetException(g_ctx);
        error_response(req, res, exc);
        JS_FreeValue(g_ctx, exc);
        return end_call(1) ? QR_EJS : 0;
    }
    JSValue args[2] = {request, g_env_obj};
    JSValue ret = JS_Call(g_ctx, g_app_fetch, g_app_this, g_app_is_router ? 1 : 2, args);
    JS_FreeValue(g_ctx, request);
    int lr;
    if (JS_IsException(ret)) {
        if (g_abort) lr = LOOP_ABORTED;
        else {
            g_settled = 2;
            g_settled_value = JS_GetException(g_ctx);
            lr = LOOP_SETTLED;
        }
    } else {
        lr = await_value(ret);
    }
    if (lr == LOOP_ABORTED) {
        if (g_abort == ABORT_DEADLINE) {
            char msg[128];
            fmt_to(msg, sizeof msg, "request exceeded its deadline of %u ms", g_cfg.deadline_ms);
            qr_error("%s %s: %s", req->method, req->target, msg);
            set_error_page(res, "Request timed out", msg, NULL);
        } else {
            set_error_page(res, "Internal Server Error", "the app called Quickrail.exit()", NULL);
        }
    } else if (lr == LOOP_IDLE) {
        qr_error("%s %s: the app's response promise never settled", req->method, req->target);
        set_error_page(res, "Internal Server Error", "the app's fetch() promise never settled", NULL);
    } else if (g_settled == 2) {
        error_response(req, res, g_settled_value);
    } else if (take_response(g_settled_value, res) < 0) {
        JSValue exc = JS_GetException(g_ctx);
        error_response(req, res, exc);
        JS_FreeValue(g_ctx, exc);
    } else {
        failed = 0;
    }
    return end_call(failed) ? QR_EJS : 0;
}

int qr_js_host_cable(const char *op_json, size_t len, char **result, size_t *result_len)
{
    QR_ASSERT(g_ctx != NULL);
    JSContext *ctx = g_ctx;
    JS_UpdateStackTop(g_rt);
    g_abort = ABORT_NONE;
    g_deadline_ms = g_cfg.deadline_ms ? qr_now_ms() + g_cfg.deadline_ms : 0;
    char *err = NULL;
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue fn = JS_GetPropertyStr(ctx, global, "__quickrailCable");
    JS_FreeValue(ctx, global);
    int lr;
    if (!JS_IsFunction(ctx, fn)) {
        JS_FreeValue(ctx, fn);
        /* No cable handler in the app: the defaults of cable.h. */
        const char *ans = strstr(op_json, "\"connect\"") ? "{\"ok\":true,\"identifiers\":{}}"
                          : strstr(op_json, "\"subscribe\"") ? "{\"ok\":null}" : "{}";
        *result = qr_xstrdup(ans);
        *result_len = strlen(ans);
        g_deadline_ms = 0;
        return 0;
    }
    JSValue arg = JS_NewStringLen(ctx, op_json, len);
    JSValue ret = JS_Call(ctx, fn, JS_UNDEFINED, 1, &arg);
    JS_FreeValue(ctx, arg);
    JS_FreeValue(ctx, fn);
    if (JS_IsException(ret)) {
        if (g_abort) lr = LOOP_ABORTED;
        else {
            g_settled = 2;
            g_settled_value = JS_GetException(ctx);
            lr = LOOP_SETTLED;
        }
    } else {
        lr = await_value(ret);
    }
    int failed = 1;
    if (lr == LOOP_ABORTED) err = qr_xstrdup("cable operation exceeded its deadline");
    else if (lr == LOOP_IDLE) err = qr_xstrdup("cable operation promise never settled");
    else if (g_settled == 2) {
        char *stack;
        exception_text(g_settled_value, &err, &stack);
        qr_error("cable operation raised %s%s%s", err, stack ? "\n" : "", stack ? stack : "");
        free(stack);
    } else {
        JSValue s = JS_IsString(g_settled_value) ? JS_DupValue(ctx, g_settled_value)
                                                 : JS_JSONStringify(ctx, g_settled_value, JS_UNDEFINED, JS_UNDEFINED);
        const char *cs = JS_IsException(s) ? NULL : JS_ToCStringLen(ctx, result_len, s);
        if (cs) {
            *result = qr_xstrndup(cs, *result_len);
            JS_FreeCString(ctx, cs);
            failed = 0;
        } else {
            JS_FreeValue(ctx, JS_GetException(ctx));
            err = qr_xstrdup("cable operation returned a value that is not JSON");
        }
        JS_FreeValue(ctx, s);
    }
    int unhealthy = end_call(failed);
    if (failed) {
        /* {"error": "..."} with the message JSON-escaped by the engine */
        JSValue o = JS_NewObject(ctx);
        JS_SetPropertyStr(ctx, o, "error", JS_NewString(ctx, err ? err : "error"));
        JSValue s = JS_JSONStringify(ctx, o, JS_UNDEFINED, JS_UNDEFINED);
        const char *cs = JS_IsException(s) ? NULL : JS_ToCStringLen(ctx, result_len, s);
        *result = qr_xstrdup(cs ? cs : "{\"error\":\"error\"}");
        *result_len = strlen(*result);
        if (cs) JS_FreeCString(ctx, cs);
        JS_FreeValue(ctx, s);
        JS_FreeValue(ctx, o);
        free(err);
    }
    return unhealthy ? QR_EJS : 0;
}

/* ======================================================================================== */
/* "quickrail:host": timers, broadcast, files, process facts                                */

static JSValue h_set_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_IsFunction(ctx, argv[0])) return JS_ThrowTypeError(ctx, "callback must be a function");
    double ms = 0;
    if (JS_ToFloat64(ctx, &ms, argv[1]) < 0) return JS_EXCEPTION;
    if (!(ms >= 1)) ms = 0;
    if (ms > 2147483647.0) ms = 2147483647.0;
    if (g_ntimers == g_timers_cap) {
        g_timers_cap = g_timers_cap ? g_timers_cap * 2 : 16;
        g_timers = qr_xrealloc(g_timers, g_timers_cap * sizeof *g_timers);
    }
    qr_timer_t *t = &g_timers[g_ntimers++];
    t->id = g_next_timer_id++;
    t->interval = (uint32_t)ms;
    t->when = qr_now_ms() + t->interval;
    t->repeat = JS_ToBool(ctx, argv[2]);
    if (t->repeat && t->interval == 0) t->interval = 1;
    t->fn = JS_DupValue(ctx, argv[0]);
    return JS_NewInt64(ctx, t->id);
}

static JSValue h_clear_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t id;
    if (JS_ToInt64(ctx, &id, argv[0]) < 0) return JS_EXCEPTION;
    for (size_t i = 0; i < g_ntimers; i++)
        if (g_timers[i].id == id) { timer_remove_at(i); break; }
    return JS_UNDEFINED;
}

static JSValue microtask_job(JSContext *ctx, int argc, JSValueConst *argv)
{
    JSValue r = JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
    if (JS_IsException(r)) {
        if (g_abort) return r;
        report_exception("uncaught exception in a microtask");
        if (g_script_mode) g_script_failed = 1;
        return JS_UNDEFINED;
    }
    JS_FreeValue(ctx, r);
    return JS_UNDEFINED;
}

static JSValue h_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_IsFunction(ctx, argv[0])) return JS_ThrowTypeError(ctx, "queueMicrotask: callback must be a function");
    if (JS_EnqueueJob(ctx, microtask_job, 1, argv) < 0) return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue h_broadcast(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t sl, ml;
    const char *stream = JS_ToCStringLen(ctx, &sl, argv[0]);
    if (!stream) return JS_EXCEPTION;
    JSValue json = JS_JSONStringify(ctx, argv[1], JS_UNDEFINED, JS_UNDEFINED);
    if (JS_IsException(json)) { JS_FreeCString(ctx, stream); return json; }
    const char *msg = JS_IsUndefined(json) ? NULL : JS_ToCStringLen(ctx, &ml, json);
    if (!msg) { msg = NULL; ml = 4; }
    if (g_bcast_cb) g_bcast_cb(stream, sl, msg ? msg : "null", ml, g_bcast_ud);
    else qr_debug("broadcast to %s dropped (no broadcast hook in this process)", stream);
    if (msg) JS_FreeCString(ctx, msg);
    JS_FreeValue(ctx, json);
    JS_FreeCString(ctx, stream);
    return JS_UNDEFINED;
}

/* Embedded fallback for relative paths under lib/ or examples/ when the disk has no copy. */
static const qr_embed_file_t *embedded_at(const char *path)
{
    if (path[0] == '/') return NULL;
    char p[PATH_MAX];
    fmt_to(p, sizeof p, "%s", path);
    path_normalize(p);
    return qr_embed_find(p);
}

static JSValue h_read_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    size_t len;
    char *data = read_file_all(path, &len);
    JSValue r;
    if (data) {
        r = JS_NewStringLen(ctx, data, len);
        free(data);
    } else {
        int e = errno;
        const qr_embed_file_t *f = e == ENOENT ? embedded_at(path) : NULL;
        r = f ? JS_NewStringLen(ctx, f->data, f->len)
              : qr__js_throw_code(ctx, e == ENOENT ? "ENOENT" : "EIO", "%s: %s", path, strerror(e));
    }
    JS_FreeCString(ctx, path);
    return r;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static JSValue h_read_dir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (n == cap) names = qr_xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
            names[n++] = qr_xstrdup(e->d_name);
        }
        closedir(d);
    } else if (path[0] != '/') {
        /* embedded directory: every distinct first segment below path/ */
        char pre[PATH_MAX];
        fmt_to(pre, sizeof pre, "%s", path);
        path_normalize(pre);
        size_t pl = strlen(pre);
        for (unsigned i = 0; i < qr_embed_count; i++) {
            const char *fp = qr_embed_files[i].path;
            if (strncmp(fp, pre, pl) != 0 || fp[pl] != '/') continue;
            const char *seg = fp + pl + 1, *end = strchr(seg, '/');
            size_t sl = end ? (size_t)(end - seg) : strlen(seg);
            if (n && strlen(names[n - 1]) == sl && strncmp(names[n - 1], seg, sl) == 0) continue;
            if (n == cap) names = qr_xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
            names[n++] = qr_xstrndup(seg, sl);
        }
        if (!n) {
            JS_FreeCString(ctx, path);
            return qr__js_throw_code(ctx, "ENOENT", "%s: no such directory", pre);
        }
    } else {
        int e = errno;
        JSValue ex = qr__js_throw_code(ctx, e == ENOENT ? "ENOENT" : "EIO", "%s: %s", path, strerror(e));
        JS_FreeCString(ctx, path);
        return ex;
    }
    JS_FreeCString(ctx, path);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    JSValue arr = JS_NewArray(ctx);
    for (size_t i = 0; i < n; i++) {
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, names[i]));
        free(names[i]);
    }
    free(names);
    return arr;
}

static JSValue h_stat(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    struct stat st;
    int isf, isd;
    double size, mtime;
    if (stat(path, &st) == 0) {
        isf = S_ISREG(st.st_mode);
        isd = S_ISDIR(st.st_mode);
        size = (double)st.st_size;
        mtime = (double)st.st_mtim.tv_sec * 1000.0 + (double)st.st_mtim.tv_nsec / 1e6;
    } else {
        const qr_embed_file_t *f = embedded_at(path);
        isf = f != NULL;
        isd = 0;
        size = f ? (double)f->len : 0;
        mtime = 0;
        if (!f && path[0] != '/') {
            char pre[PATH_MAX];
            fmt_to(pre, sizeof pre, "%s", path);
            path_normalize(pre);
            size_t pl = strlen(pre);
            for (unsigned i = 0; i < qr_embed_count && !isd; i++)
                isd = strncmp(qr_embed_files[i].path, pre, pl) == 0 && qr_embed_files[i].path[pl] == '/';
        }
        if (!isf && !isd) { JS_FreeCString(ctx, path); return JS_NULL; }
    }
    JS_FreeCString(ctx, path);
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "isFile", JS_NewBool(ctx, isf));
    JS_SetPropertyStr(ctx, o, "isDirectory", JS_NewBool(ctx, isd));
    JS_SetPropertyStr(ctx, o, "size", JS_NewFloat64(ctx, size));
    JS_SetPropertyStr(ctx, o, "mtimeMs", JS_NewFloat64(ctx, mtime));
    return o;
}

static JSValue h_write_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    const uint8_t *p;
    size_t len;
    const char *tmp;
    if (qr__js_bytes(ctx, argv[1], &p, &len, &tmp) < 0) { JS_FreeCString(ctx, path); return JS_EXCEPTION; }
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(p, 1, len, f) == len;
    int e = errno;
    if (f && fclose(f) != 0) { ok = 0; e = errno; }
    JSValue r = ok ? JS_UNDEFINED : qr__js_throw_code(ctx, e == ENOENT ? "ENOENT" : "EIO", "%s: %s", path, strerror(e));
    if (tmp) JS_FreeCString(ctx, tmp);
    JS_FreeCString(ctx, path);
    return r;
}

static JSValue h_mkdir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    char p[PATH_MAX];
    fmt_to(p, sizeof p, "%s", path);
    JS_FreeCString(ctx, path);
    /* recursive, like mkdir -p */
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return qr__js_throw_code(ctx, "EIO", "mkdir %s: %s", p, strerror(errno));
            *s = c;
            if (!c) break;
        }
    }
    return JS_UNDEFINED;
}

static JSValue h_env(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_DupValue(ctx, g_env_obj);
}

static JSValue h_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    switch (magic) {
    case 0: return JS_NewString(ctx, g_cfg.app_dir);
    case 1: return JS_NewInt32(ctx, g_worker_id);
    case 2: return JS_NewString(ctx, g_cfg.env);
    case 3: {
        JSValue a = JS_NewArray(ctx);
        for (int i = 0; i < g_argc; i++) JS_SetPropertyUint32(ctx, a, (uint32_t)i, JS_NewString(ctx, g_argv[i]));
        return a;
    }
    case 4: return JS_NewString(ctx, QR_VERSION);
    case 5: return JS_NewBool(ctx, g_script_mode);
    case 6: return JS_NewString(ctx, g_lib_dir[0] ? g_lib_dir : "lib");
    }
    return JS_UNDEFINED;
}

static JSValue h_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t code = 0;
    if (argc > 0 && JS_ToInt32(ctx, &code, argv[0]) < 0) return JS_EXCEPTION;
    if (!g_script_mode) return JS_ThrowTypeError(ctx, "Quickrail.exit() is for scripts; a server app cannot exit");
    g_exit_code = code;
    g_abort = ABORT_EXIT; /* the interrupt handler stops whatever runs next */
    return JS_ThrowInternalError(ctx, "exit(%d)", code);
}

static JSValue h_crash(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *sw = getenv("QUICKRAIL_TEST_CRASH");
    if (!(g_cfg.enable_crash_routes || (sw && strcmp(sw, "1") == 0)))
        return JS_ThrowTypeError(ctx, "Quickrail.crash() is disabled (set QUICKRAIL_TEST_CRASH=1 in tests)");
    qr_warn("Quickrail.crash(): raising SIGSEGV on purpose (QUICKRAIL_TEST_CRASH=1)");
    raise(SIGSEGV);
    return JS_UNDEFINED;
}

static void *derive_stream_key(void *arg)
{
    (void)arg;
    qr_signed_stream_key(g_key_secret, g_stream_key);
    return NULL;
}

static void start_stream_key(const char *secret)
{
    free(g_key_secret);
    g_key_secret = qr_xstrdup(secret);
    g_key_pending = pthread_create(&g_key_thread, NULL, derive_stream_key, NULL) == 0;
    if (!g_key_pending) derive_stream_key(NULL);
}

static const unsigned char *stream_key(void)
{
    if (g_key_pending) {
        pthread_join(g_key_thread, NULL);
        g_key_pending = 0;
    }
    return g_stream_key;
}

static JSValue h_sign_stream(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *name = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!name) return JS_EXCEPTION;
    char *tok = qr_signed_stream_sign(stream_key(), sizeof g_stream_key, name, len);
    JS_FreeCString(ctx, name);
    JSValue r = JS_NewString(ctx, tok);
    free(tok);
    return r;
}

static JSValue h_verify_stream(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *tok = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!tok) return JS_EXCEPTION;
    char *name = qr_signed_stream_verify(stream_key(), sizeof g_stream_key, tok, len);
    JS_FreeCString(ctx, tok);
    if (!name) return JS_NULL;
    JSValue r = JS_NewString(ctx, name);
    free(name);
    return r;
}

static JSValue h_hmac_hex(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *p;
    size_t len;
    const char *tmp;
    if (qr__js_bytes(ctx, argv[0], &p, &len, &tmp) < 0) return JS_EXCEPTION;
    unsigned char mac[32];
    qr__js_app_hmac(p, len, mac);
    if (tmp) JS_FreeCString(ctx, tmp);
    char hex[65];
    for (int i = 0; i < 32; i++) fmt_to(hex + 2 * i, 3, "%02x", mac[i]);
    return JS_NewStringLen(ctx, hex, 64);
}

/* readLine(prompt) -> the next line of stdin without its newline, or null at end of input. */
static JSValue h_read_line(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (argc > 0 && !JS_IsUndefined(argv[0])) {
        size_t pl;
        const char *p = JS_ToCStringLen(ctx, &pl, argv[0]);
        if (!p) return JS_EXCEPTION;
        fwrite(p, 1, pl, stdout);
        fflush(stdout);
        JS_FreeCString(ctx, p);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) { free(line); return JS_NULL; }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    JSValue r = JS_NewStringLen(ctx, line, (size_t)n);
    free(line);
    return r;
}

static JSValue h_gc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JS_RunGC(JS_GetRuntime(ctx));
    JSMemoryUsage mu;
    JS_ComputeMemoryUsage(JS_GetRuntime(ctx), &mu);
    return JS_NewFloat64(ctx, (double)mu.malloc_size);
}

static const JSCFunctionListEntry host_funcs[] = {
    JS_CFUNC_DEF("setTimer", 3, h_set_timer),
    JS_CFUNC_DEF("clearTimer", 1, h_clear_timer),
    JS_CFUNC_DEF("queueMicrotask", 1, h_queue_microtask),
    JS_CFUNC_DEF("broadcast", 2, h_broadcast),
    JS_CFUNC_DEF("readFile", 1, h_read_file),
    JS_CFUNC_DEF("readDir", 1, h_read_dir),
    JS_CFUNC_DEF("stat", 1, h_stat),
    JS_CFUNC_DEF("writeFile", 2, h_write_file),
    JS_CFUNC_DEF("mkdir", 1, h_mkdir),
    JS_CFUNC_DEF("env", 0, h_env),
    JS_CFUNC_MAGIC_DEF("appDir", 0, h_info, 0),
    JS_CFUNC_MAGIC_DEF("workerId", 0, h_info, 1),
    JS_CFUNC_MAGIC_DEF("envName", 0, h_info, 2),
    JS_CFUNC_MAGIC_DEF("argv", 0, h_info, 3),
    JS_CFUNC_MAGIC_DEF("version", 0, h_info, 4),
    JS_CFUNC_MAGIC_DEF("isScript", 0, h_info, 5),
    JS_CFUNC_MAGIC_DEF("libDir", 0, h_info, 6),
    JS_CFUNC_DEF("exit", 1, h_exit),
    JS_CFUNC_DEF("crash", 0, h_crash),
    JS_CFUNC_DEF("signStreamName", 1, h_sign_stream),
    JS_CFUNC_DEF("verifyStreamName", 1, h_verify_stream),
    JS_CFUNC_DEF("hmacSha256Hex", 1, h_hmac_hex),
    JS_CFUNC_DEF("gc", 0, h_gc),
    JS_CFUNC_DEF("readLine", 1, h_read_line),
};

static int host_module_init(JSContext *ctx, JSModuleDef *m)
{
    return JS_SetModuleExportList(ctx, m, host_funcs, QR_ARRAY_LEN(host_funcs));
}

static JSModuleDef *host_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, host_module_init);
    if (m) JS_AddModuleExportList(ctx, m, host_funcs, QR_ARRAY_LEN(host_funcs));
    return m;
}

/* ======================================================================================== */
/* boot                                                                                     */

static void choose_lib_dir(void)
{
    const char *env = getenv("QUICKRAIL_LIB");
    g_lib_dir[0] = 0;
    if (env && *env) {
        if (realpath(env, g_lib_dir) && is_dir(g_lib_dir)) return;
        qr_warn("QUICKRAIL_LIB=%s is not a directory; using the embedded lib/", env);
        g_lib_dir[0] = 0;
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = 0;
    /* <repo>/<build dir>/quickrail -> <repo>/lib */
    for (int up = 0; up < 2; up++) {
        char *s = strrchr(exe, '/');
        if (!s) return;
        *s = 0;
    }
    char cand[PATH_MAX + 16];
    fmt_to(cand, sizeof cand, "%s/lib/web/index.js", exe);
    if (is_file(cand)) {
        fmt_to(cand, sizeof cand, "%s/lib", exe);
        if (!realpath(cand, g_lib_dir)) g_lib_dir[0] = 0;
    }
}

static JSValue build_env(JSContext *ctx)
{
    JSValue o = JS_NewObject(ctx);
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq) continue;
        char name[256];
        size_t nl = (size_t)(eq - *e);
        if (nl >= sizeof name) continue;
        memcpy(name, *e, nl);
        name[nl] = 0;
        JS_SetPropertyStr(ctx, o, name, JS_NewString(ctx, eq + 1));
    }
    return o;
}

static void set_err(char **err, const char *what)
{
    if (!err) return;
    JSValue exc = JS_GetException(g_ctx);
    char *msg, *stack;
    exception_text(exc, &msg, &stack);
    JS_FreeValue(g_ctx, exc);
    size_t n = strlen(what) + strlen(msg) + (stack ? strlen(stack) : 0) + 8;
    *err = qr_xmalloc(n);
    fmt_to(*err, n, "%s: %s%s%s", what, msg, stack ? "\n" : "", stack ? stack : "");
    free(msg);
    free(stack);
}

/* Runtime, context, limits, lib/web. Returns 0 or QR_EJS with *err set. */
static int runtime_init(const qr_config_t *cfg, size_t mem_limit, char **err)
{
    g_cfg = *cfg;
    if (!g_cfg.stack_limit) g_cfg.stack_limit = 1024 * 1024;
    choose_lib_dir();
    g_rt = JS_NewRuntime();
    if (!g_rt) { if (err) *err = qr_xstrdup("cannot create the JS runtime"); return QR_EJS; }
    if (mem_limit) JS_SetMemoryLimit(g_rt, mem_limit);
    JS_SetMaxStackSize(g_rt, g_cfg.stack_limit);
    JS_UpdateStackTop(g_rt);
    JS_SetInterruptHandler(g_rt, interrupt_handler, NULL);
    JS_SetHostPromiseRejectionTracker(g_rt, rejection_tracker, NULL);
    JS_SetModuleLoaderFunc(g_rt, module_normalize, module_loader, NULL);
    g_ctx = JS_NewContext(g_rt);
    if (!g_ctx) { if (err) *err = qr_xstrdup("cannot create the JS context"); return QR_EJS; }

    const char *skb = g_cfg.secret_key_base[0] ? g_cfg.secret_key_base : getenv("SECRET_KEY_BASE");
    if (!skb || !*skb) skb = "quickrail-development-secret";
    start_stream_key(skb);
    unsigned int olen = sizeof g_app_key;
    HMAC(EVP_sha256(), skb, (int)strlen(skb), (const unsigned char *)"quickrail/app-hmac", 18,
         g_app_key, &olen);

    g_env_obj = build_env(g_ctx);
    if (qr__js_sqlite_init(g_ctx) < 0) { set_err(err, "sqlite init"); return QR_EJS; }
    if (qr_db_pg_init(g_ctx) < 0) { set_err(err, "PgDatabase init"); return QR_EJS; }

    char web[PATH_MAX];
    lib_path(web, sizeof web, "web/index.js");
    if (eval_module(web) < 0) { set_err(err, "loading lib/web"); return QR_EJS; }
    JSValue global = JS_GetGlobalObject(g_ctx);
    g_hooks = JS_GetPropertyStr(g_ctx, global, "__quickrailHooks");
    JSAtom a = JS_NewAtom(g_ctx, "__quickrailHooks");
    JS_DeleteProperty(g_ctx, global, a, 0);
    JS_FreeAtom(g_ctx, a);
    JS_FreeValue(g_ctx, global);
    g_make_request = JS_GetPropertyStr(g_ctx, g_hooks, "makeRequest");
    g_response_parts = JS_GetPropertyStr(g_ctx, g_hooks, "responseParts");
    if (!JS_IsFunction(g_ctx, g_make_request) || !JS_IsFunction(g_ctx, g_response_parts)) {
        if (err) *err = qr_xstrdup("lib/web did not install its hooks (makeRequest, responseParts)");
        return QR_EJS;
    }
    run_loop(0, 1);
    return 0;
}

int qr_js_host_boot(const qr_config_t *cfg, char **err)
{
    if (err) *err = NULL;
    qr__js_in_zygote = 1;
    int rc = runtime_init(cfg, cfg->memory_limit, err);
    if (rc) return rc;
    g_deadline_ms = qr_now_ms() + (g_cfg.deadline_ms > 60000 ? g_cfg.deadline_ms : 60000);

    char entry[PATH_MAX + 16];
    fmt_to(entry, sizeof entry, "%s/app.js", g_cfg.app_dir);
    if (!is_file(entry)) fmt_to(entry, sizeof entry, "%s/index.js", g_cfg.app_dir);
    if (!is_file(entry)) {
        if (err) {
            size_t n = strlen(g_cfg.app_dir) + 128;
            *err = qr_xmalloc(n);
            fmt_to(*err, n, "no app entry: %s/app.js or %s/index.js", g_cfg.app_dir, g_cfg.app_dir);
        }
        return QR_EJS;
    }
    /* import the entry through a glue module to reach its namespace */
    JSValue jpath = JS_NewString(g_ctx, entry);
    JSValue jq = JS_JSONStringify(g_ctx, jpath, JS_UNDEFINED, JS_UNDEFINED);
    const char *q = JS_ToCString(g_ctx, jq);
    char *glue = qr_xmalloc(strlen(q) + 128);
    sprintf(glue, "import * as m from %s; globalThis.__quickrailEntry = m;", q);
    JS_FreeCString(g_ctx, q);
    JS_FreeValue(g_ctx, jq);
    JS_FreeValue(g_ctx, jpath);
    int bad = eval_glue(glue) < 0;
    free(glue);
    if (bad) { set_err(err, "loading the app"); g_deadline_ms = 0; return QR_EJS; }
    run_loop(0, 1);

    JSValue global = JS_GetGlobalObject(g_ctx);
    JSValue ns = JS_GetPropertyStr(g_ctx, global, "__quickrailEntry");
    JSAtom a = JS_NewAtom(g_ctx, "__quickrailEntry");
    JS_DeleteProperty(g_ctx, global, a, 0);
    JS_FreeAtom(g_ctx, a);
    JSValue def = JS_GetPropertyStr(g_ctx, ns, "default");
    JS_FreeValue(g_ctx, ns);
    JSValue fetch = JS_IsObject(def) ? JS_GetPropertyStr(g_ctx, def, "fetch") : JS_UNDEFINED;
    if (JS_IsFunction(g_ctx, fetch)) {
        g_app_this = def;
        g_app_fetch = fetch;
    } else {
        JS_FreeValue(g_ctx, fetch);
        JS_FreeValue(g_ctx, def);
        JSValue router = JS_GetPropertyStr(g_ctx, global, "Router");
        JSValue dispatch = JS_IsObject(router) ? JS_GetPropertyStr(g_ctx, router, "dispatch") : JS_UNDEFINED;
        if (JS_IsFunction(g_ctx, dispatch)) {
            g_app_this = router;
            g_app_fetch = dispatch;
            g_app_is_router = 1;
        } else {
            JS_FreeValue(g_ctx, dispatch);
            JS_FreeValue(g_ctx, router);
            JS_FreeValue(g_ctx, global);
            if (err) {
                size_t n = strlen(entry) + 160;
                *err = qr_xmalloc(n);
                fmt_to(*err, n, "%s must default-export { fetch(request, env) } or set "
                                  "globalThis.Router.dispatch(request)", entry);
            }
            g_deadline_ms = 0;
            return QR_EJS;
        }
    }
    JS_FreeValue(g_ctx, global);
    if (g_ntimers) qr_debug("%zu timer(s) set while booting were cancelled", g_ntimers);
    timers_clear();
    g_deadline_ms = 0;
    g_abort = ABORT_NONE;
    qr__js_sqlite_close_all();
    qr_db_pg_close_all();
    qr__js_in_zygote = 0;
    JS_RunGC(g_rt);
    stream_key(); /* no thread may be running when the zygote forks */
    return 0;
}

void qr_js_host_after_fork(int worker_index)
{
    g_worker_id = worker_index;
    qr__js_in_zygote = 0;
    RAND_poll();
    if (!g_ctx) return;
    JSValue reseed = JS_GetPropertyStr(g_ctx, g_hooks, "reseed");
    if (JS_IsFunction(g_ctx, reseed)) {
        JSValue r = JS_Call(g_ctx, reseed, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r)) report_exception("reseeding Math.random");
        JS_FreeValue(g_ctx, r);
    }
    JS_FreeValue(g_ctx, reseed);
}

void qr_js_host_set_broadcast(qr_js_broadcast_cb cb, void *ud)
{
    g_bcast_cb = cb;
    g_bcast_ud = ud;
}

static void runtime_free(void)
{
    stream_key();
    timers_clear();
    free(g_timers);
    g_timers = NULL;
    g_timers_cap = 0;
    JSValue *vals[] = {&g_app_this, &g_app_fetch, &g_env_obj, &g_hooks, &g_make_request,
                       &g_response_parts, &g_settled_value};
    for (size_t i = 0; i < QR_ARRAY_LEN(vals); i++) {
        JS_FreeValue(g_ctx, *vals[i]);
        *vals[i] = JS_UNDEFINED;
    }
    while (g_nrejections > 0) {
        g_nrejections--;
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].promise);
        JS_FreeValue(g_ctx, g_rejections[g_nrejections].reason);
    }
    qr__js_sqlite_close_all();
    qr_db_pg_close_all();
    JS_FreeContext(g_ctx);
    JS_FreeRuntime(g_rt);
    g_ctx = NULL;
    g_rt = NULL;
}

int qr_js_host_run_script(const qr_config_t *cfg, const char *module_path, int argc, char **argv)
{
    g_script_mode = 1;
    g_argc = argc;
    g_argv = argv;
    char *err = NULL;
    size_t limit = cfg->memory_limit;
    if (limit && limit < 512u * 1024 * 1024) limit = 512u * 1024 * 1024;
    if (runtime_init(cfg, limit, &err) != 0) {
        qr_error("%s", err ? err : "cannot start the JS runtime");
        free(err);
        if (g_ctx) runtime_free();
        return 1;
    }
    char name[PATH_MAX];
    if (module_path[0] == '/' || is_file(module_path)) {
        if (!realpath(module_path, name)) fmt_to(name, sizeof name, "%s", module_path);
    } else {
        fmt_to(name, sizeof name, "%s", module_path);
        path_normalize(name);
    }
    int rc = 0;
    if (!module_exists(name)) {
        qr_error("quickrail run: %s: no such file", module_path);
        rc = 1;
    } else if (eval_module(name) < 0) {
        if (g_exit_code < 0) report_exception(module_path);
        else JS_FreeValue(g_ctx, JS_GetException(g_ctx));
        rc = 1;
    }
    if (g_exit_code < 0 && rc == 0) run_loop(0, 0);
    if (g_exit_code >= 0) rc = g_exit_code;
    else if (g_script_failed) rc = 1;
    if (g_abort) drain_aborted();
    g_abort = ABORT_NONE;
    runtime_free();
    return rc;
}
