/* js_loader.c — where a quickrail runtime's modules come from (js_priv.h): the module resolver
 * ("quickrail", "quickrail/x", "bun:sqlite", node:test in scripts, relative and absolute paths),
 * the choice of lib/ ($QUICKRAIL_LIB; else the lib/ of the repository the binary was built in,
 * <repo>/build/quickrail -> <repo>/lib, read from disk so edits need no rebuild; else the copy
 * embedded in the binary, module names "lib/..."), the native modules' names, and the bytecode
 * cache. A `.rb` module is Ruby: it is compiled to JS (ruby/ruby.h) before QuickJS sees it, and
 * cached by its Ruby source like any module; so are compiled ERB templates (qr__js_template_*).
 * Runs in the zygote (boot), workers and script processes, on the runtime's one thread; reads
 * files, never the network. Calls QuickJS, OpenSSL (SHA-256), buf.c, embed.c, log.c and the Ruby
 * compiler (ruby/ruby.h). */
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "common.h"
#include "embed.h"
#include "js_priv.h"
#include "log.h"
#include "ruby/ruby.h"

static char g_lib_dir[PATH_MAX]; /* "" = embedded lib */

/* ======================================================================================== */
/* files and paths                                                                          */

char *qr__js_read_file(const char *path, size_t *len)
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

int qr__js_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void qr__js_path_normalize(char *path)
{
    int absolute = path[0] == '/';
    char *segs[512];
    int n = 0;
    char *save = NULL;
    char copy[PATH_MAX];
    qr__js_fmt(copy, sizeof copy, "%s", path);
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
        int w = qr__js_fmt(out + o, sizeof out - o, "%s%s", i ? "/" : "", segs[i]);
        if (w < 0) break;
        o += (size_t)w;
        if (o >= sizeof out) o = sizeof out - 1;
    }
    out[o] = 0;
    memcpy(path, out, o + 1);
}

const qr_embed_file_t *qr__js_embedded_at(const char *path)
{
    if (path[0] == '/') return NULL;
    char p[PATH_MAX];
    qr__js_fmt(p, sizeof p, "%s", path);
    qr__js_path_normalize(p);
    return qr_embed_find(p);
}

int qr__js_module_exists(const char *name)
{
    if (name[0] == '/') return qr__js_is_file(name);
    return qr_embed_find(name) != NULL;
}

/* Tries cand, cand.js, cand.mjs, cand/index.js; writes the hit into out. */
static int resolve_candidate(const char *cand, char *out, size_t cap)
{
    static const char *suffix[] = {"", ".js", ".mjs", ".rb", "/index.js"};
    for (size_t i = 0; i < QR_ARRAY_LEN(suffix); i++) {
        qr__js_fmt(out, cap, "%s%s", cand, suffix[i]);
        if (qr__js_module_exists(out)) return 1;
    }
    return 0;
}

const char *qr__js_lib_dir(void) { return g_lib_dir; }

void qr__js_lib_path(char *out, size_t cap, const char *sub)
{
    if (g_lib_dir[0]) qr__js_fmt(out, cap, "%s/%s", g_lib_dir, sub);
    else qr__js_fmt(out, cap, "lib/%s", sub);
}

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
    qr__js_fmt(cand, sizeof cand, "%s/lib/web/index.js", exe);
    if (qr__js_is_file(cand)) {
        qr__js_fmt(cand, sizeof cand, "%s/lib", exe);
        if (!realpath(cand, g_lib_dir)) g_lib_dir[0] = 0;
    }
}

/* ======================================================================================== */
/* resolution                                                                               */

static char *module_normalize(JSContext *ctx, const char *base, const char *name, void *opaque)
{
    char cand[PATH_MAX], out[PATH_MAX];
    if (strncmp(name, "file://", 7) == 0) name += 7;
    if (strcmp(name, "quickrail:sqlite") == 0 || strcmp(name, "quickrail:web") == 0 ||
        strcmp(name, "quickrail:host") == 0 || strcmp(name, "quickrail:pg") == 0)
        return js_strdup(ctx, name);
    if (strcmp(name, "bun:sqlite") == 0) {
        qr__js_lib_path(out, sizeof out, "web/sqlite.js");
        return js_strdup(ctx, out);
    }
    if (qr__js_script_mode && (strcmp(name, "node:test") == 0 || strcmp(name, "node:assert") == 0 ||
                               strcmp(name, "node:assert/strict") == 0)) {
        qr__js_lib_path(cand, sizeof cand,
                        strcmp(name, "node:test") == 0 ? "quickrail/testing/node_test.js"
                                                       : "quickrail/testing/assert.js");
        if (qr__js_module_exists(cand)) return js_strdup(ctx, cand);
        JS_ThrowReferenceError(ctx, "module '%s' needs %s, which is missing", name, cand);
        return NULL;
    }
    if (strcmp(name, "quickrail") == 0 || strncmp(name, "quickrail/", 10) == 0) {
        char sub[PATH_MAX];
        qr__js_fmt(sub, sizeof sub, "%s", name[9] ? name : "quickrail/index.js");
        qr__js_lib_path(cand, sizeof cand, sub);
    } else if (name[0] == '/') {
        qr__js_fmt(cand, sizeof cand, "%s", name);
    } else if (name[0] == '.' && (name[1] == '/' || (name[1] == '.' && name[2] == '/'))) {
        const char *slash = strrchr(base, '/');
        int dl = slash ? (int)(slash - base) : 0;
        if (dl) qr__js_fmt(cand, sizeof cand, "%.*s/%s", dl, base, name);
        else qr__js_fmt(cand, sizeof cand, "%s", name);
    } else {
        JS_ThrowReferenceError(ctx, "cannot resolve module '%s' imported from %s (bare specifiers"
                               " other than quickrail, quickrail/* and bun:sqlite are not supported)",
                               name, base);
        return NULL;
    }
    qr__js_path_normalize(cand);
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
        char *s = qr__js_read_file(name, len);
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
    qr__js_fmt(url, sizeof url, "%s%s", name[0] == '/' ? "file://" : "quickrail:", name);
    JS_SetPropertyStr(ctx, meta, "url", JS_NewString(ctx, url));
    JS_SetPropertyStr(ctx, meta, "main", JS_NewBool(ctx, is_main));
    JS_SetPropertyStr(ctx, meta, "filename", JS_NewString(ctx, name));
    const char *slash = strrchr(name, '/');
    JS_SetPropertyStr(ctx, meta, "dirname",
                      JS_NewStringLen(ctx, name, slash ? (size_t)(slash - name) : 0));
    JS_FreeValue(ctx, meta);
}

/* ======================================================================================== */
/* compiled-module cache                                                                    */

/* Like Rails' bootsnap: the bytecode of every module compiled is kept in a content-addressed
 * cache dir ($QUICKRAIL_CACHE_DIR, else $XDG_CACHE_HOME/quickrail or ~/.cache/quickrail;
 * QUICKRAIL_CACHE=0 disables it), keyed by SHA-256 of (this binary: version, build time, size
 * and mtime of the executable; module name; source), so no two builds share bytecode. A cold
 * start (zygote restart, `quickrail run` task) then reads bytecode instead of compiling the
 * framework. Unwritable or corrupt caches are ignored: compiling is always the fallback. */
static char g_cache_dir[PATH_MAX];
static int g_cache_state; /* 0 unknown, 1 on, -1 off */
static char g_cache_build[128]; /* which binary: version, build time, size and mtime of the exe */

static int cache_on(void)
{
    if (g_cache_state) return g_cache_state > 0;
    g_cache_state = -1;
    const char *off = getenv("QUICKRAIL_CACHE");
    if (off && strcmp(off, "0") == 0) return 0;
    const char *d = getenv("QUICKRAIL_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (d && *d) qr__js_fmt(g_cache_dir, sizeof g_cache_dir, "%s", d);
    else if (x && *x) qr__js_fmt(g_cache_dir, sizeof g_cache_dir, "%s/quickrail", x);
    else if (h && *h) qr__js_fmt(g_cache_dir, sizeof g_cache_dir, "%s/.cache/quickrail", h);
    else return 0;
    char tmp[PATH_MAX];
    qr__js_fmt(tmp, sizeof tmp, "%s", g_cache_dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(tmp, 0755); *p = '/'; }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return 0;
    if (access(g_cache_dir, W_OK) != 0) return 0;
    struct stat st;
    if (stat("/proc/self/exe", &st) != 0) memset(&st, 0, sizeof st);
    qr__js_fmt(g_cache_build, sizeof g_cache_build, "%s %s %s %lld %lld.%09ld", QR_VERSION, __DATE__,
               __TIME__, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    g_cache_state = 1;
    return 1;
}

/* A digest of every module compiled or read so far (their cache keys, chained): compiled
 * templates are keyed by it too, so an edit of lib/quickrail/view/erb.js (read from disk in a
 * checkout, the binary unchanged) or of any module is a miss, never a stale template. */
static unsigned char g_modules_md[32];

static void cache_path_md(char *out, size_t cap, const char *name, const char *src, size_t len,
                          const unsigned char *salt, unsigned char md[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, g_cache_build, strlen(g_cache_build) + 1);
    if (salt) EVP_DigestUpdate(c, salt, 32);
    EVP_DigestUpdate(c, name, strlen(name) + 1);
    EVP_DigestUpdate(c, src, len);
    unsigned int ml = 32;
    EVP_DigestFinal_ex(c, md, &ml);
    EVP_MD_CTX_free(c);
    char hex[65];
    qr__js_hex(md, 32, hex);
    qr__js_fmt(out, cap, "%s/%s.qbc", g_cache_dir, hex);
}

static void cache_path(char *out, size_t cap, const char *name, const char *src, size_t len)
{
    unsigned char md[32], both[64];
    cache_path_md(out, cap, name, src, len, NULL, md);
    memcpy(both, g_modules_md, 32);
    memcpy(both + 32, md, 32);
    unsigned int ml = 32;
    EVP_Digest(both, sizeof both, g_modules_md, &ml, EVP_sha256(), NULL);
}

/* Compiled module from the cache (owned) or JS_UNDEFINED on a miss. */
static JSValue cache_read(JSContext *ctx, const char *path, int tag)
{
    size_t n;
    char *buf = qr__js_read_file(path, &n);
    if (!buf) return JS_UNDEFINED;
    JSValue fn = JS_ReadObject(ctx, (const uint8_t *)buf, n, JS_READ_OBJ_BYTECODE);
    free(buf);
    if (JS_IsException(fn) || JS_VALUE_GET_TAG(fn) != tag) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, fn);
        unlink(path);
        return JS_UNDEFINED;
    }
    return fn;
}

static JSValue cache_load(JSContext *ctx, const char *path)
{
    JSValue fn = cache_read(ctx, path, JS_TAG_MODULE);
    if (JS_IsUndefined(fn)) return fn;
    if (JS_ResolveModule(ctx, fn) < 0) return JS_EXCEPTION; /* an import is missing: a real error */
    return fn;
}

static void cache_store(JSContext *ctx, const char *path, JSValueConst fn)
{
    size_t n;
    uint8_t *buf = JS_WriteObject(ctx, &n, fn, JS_WRITE_OBJ_BYTECODE);
    if (!buf) { JS_FreeValue(ctx, JS_GetException(ctx)); return; }
    char tmp[PATH_MAX + 32];
    qr__js_fmt(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f) {
        int ok = fwrite(buf, 1, n, f) == n;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) unlink(tmp);
    }
    js_free(ctx, buf);
}

/* A compiled template (js_priv.h): the function new Function(params, body) makes, as QuickJS
 * builds it (same text, same "<input>" file name, so errors read the same), its bytecode kept
 * in the cache under (the modules digest, name, the template's source). */
JSValue qr__js_template_load(JSContext *ctx, const char *name, const char *src, size_t len)
{
    if (!cache_on()) return JS_UNDEFINED;
    char cpath[PATH_MAX + 80];
    unsigned char md[32];
    cache_path_md(cpath, sizeof cpath, name, src, len, g_modules_md, md);
    JSValue fn = cache_read(ctx, cpath, JS_TAG_FUNCTION_BYTECODE);
    if (JS_IsUndefined(fn)) return fn;
    return JS_EvalFunction(ctx, fn);
}

JSValue qr__js_template_store(JSContext *ctx, const char *name, const char *src, size_t len,
                              const char *params, const char *body, size_t body_len)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "(function anonymous(");
    qr_buf_append_str(&b, params);
    qr_buf_append_str(&b, "\n) {\n");
    qr_buf_append(&b, body, body_len);
    qr_buf_append_str(&b, "\n})");
    qr_buf_append(&b, "", 1);
    JSValue fn = JS_Eval(ctx, b.data, b.len - 1, "<input>", JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    qr_buf_free(&b);
    if (JS_IsException(fn)) return fn;
    if (cache_on()) {
        char cpath[PATH_MAX + 80];
        unsigned char md[32];
        cache_path_md(cpath, sizeof cpath, name, src, len, g_modules_md, md);
        cache_store(ctx, cpath, fn);
    }
    return JS_EvalFunction(ctx, fn);
}

/* ======================================================================================== */
/* loading                                                                                  */

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
    if (JS_IsUndefined(fn) && qr_ruby_is_module_path(name)) {
        /* Ruby: compile to line-aligned JS, then to bytecode (cached by the Ruby source) */
        size_t js_len = 0;
        char *err = NULL;
        char *js = qr_ruby_compile(name, src, len, &js_len, &err);
        if (!js) {
            fn = JS_ThrowSyntaxError(ctx, "%s", err ? err : "Ruby compile error");
            free(err);
        } else {
            fn = JS_Eval(ctx, js, js_len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
            free(js);
            if (cached && !JS_IsException(fn)) cache_store(ctx, cpath, fn);
        }
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
    if (strcmp(name, "quickrail:host") == 0) return qr__js_host_module(ctx, name);
    if (strcmp(name, "quickrail:pg") == 0) return qr__js_pg_module(ctx, name);
    JSValue fn = compile_module(ctx, name, 0);
    if (JS_IsException(fn)) return NULL;
    JSModuleDef *m = JS_VALUE_GET_PTR(fn);
    JS_FreeValue(ctx, fn);
    return m;
}

void qr__js_loader_install(JSRuntime *rt)
{
    choose_lib_dir();
    JS_SetModuleLoaderFunc(rt, module_normalize, module_loader, NULL);
}

int qr__js_eval_module(const char *name)
{
    JSValue fn = compile_module(qr__js.ctx, name, 1);
    if (JS_IsException(fn)) return -1;
    JSValue r = JS_EvalFunction(qr__js.ctx, fn);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(qr__js.ctx, r);
    return 0;
}

int qr__js_eval_glue(const char *src)
{
    JSValue r = JS_Eval(qr__js.ctx, src, strlen(src), "<quickrail boot>", JS_EVAL_TYPE_MODULE);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(qr__js.ctx, r);
    return 0;
}
