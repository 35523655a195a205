/* js_quickrail.c — the native module "quickrail:host" behind globalThis.Quickrail (js_host.h
 * lists its surface; lib/web/quickrail.js wraps it): timers and queueMicrotask (kept by
 * js_loop.c), broadcast, files (disk first, then the embedded lib/ and examples/), process facts
 * (appDir, env, workerId, argv...), exit and crash, Turbo stream signing and the app HMAC (the
 * keys are derived here from SECRET_KEY_BASE). Runs in the zygote, workers and script processes
 * on the runtime's one thread; readLine blocks on stdin (console scripts only). Calls QuickJS,
 * OpenSSL, signed_stream.c, embed.c, log.c, the Ruby compiler (ruby/ruby.h, compileRuby) and
 * js_loop.c / js_loader.c through js_priv.h. */
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "embed.h"
#include "ruby/ruby.h"
#include "js_host.h"
#include "js_priv.h"
#include "log.h"
#include "profile.h"
#include "signed_stream.h"

static qr_js_broadcast_cb g_bcast_cb;
static void *g_bcast_ud;
static unsigned char g_stream_key[QR_STREAM_KEY_LEN];
static unsigned char g_app_key[32];

/* The stream key's PBKDF2 (1000 HMAC-SHA256 rounds, ~7 ms) runs on a thread while lib/web and
 * the app load; stream_key() waits for it. qr__js_keys_wait() joins it: before the zygote says
 * READY (no thread may exist at fork) and before the runtime is freed. */
static pthread_t g_key_thread;
static int g_key_pending;
static char *g_key_secret;

static void *derive_stream_key(void *arg)
{
    (void)arg;
    qr_signed_stream_key(g_key_secret, g_stream_key);
    return NULL;
}

void qr__js_keys_wait(void)
{
    if (g_key_pending) {
        pthread_join(g_key_thread, NULL);
        g_key_pending = 0;
    }
}

static const unsigned char *stream_key(void)
{
    qr__js_keys_wait();
    return g_stream_key;
}

void qr_js_host_stream_key(unsigned char key[QR_STREAM_KEY_LEN])
{
    memcpy(key, stream_key(), QR_STREAM_KEY_LEN);
}

void qr__js_keys_init(const char *skb)
{
    qr__js_keys_wait();
    free(g_key_secret);
    g_key_secret = qr_xstrdup(skb);
    g_key_pending = pthread_create(&g_key_thread, NULL, derive_stream_key, NULL) == 0;
    if (!g_key_pending) derive_stream_key(NULL);
    unsigned int olen = sizeof g_app_key;
    HMAC(EVP_sha256(), skb, (int)strlen(skb), (const unsigned char *)"quickrail/app-hmac", 18,
         g_app_key, &olen);
}

void qr__js_app_hmac(const void *data, size_t len, unsigned char out[32])
{
    unsigned int olen = 32;
    HMAC(EVP_sha256(), g_app_key, sizeof g_app_key, data, len, out, &olen);
}

void qr_js_host_set_broadcast(qr_js_broadcast_cb cb, void *ud)
{
    g_bcast_cb = cb;
    g_bcast_ud = ud;
}

static JSValue h_set_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_IsFunction(ctx, argv[0])) return JS_ThrowTypeError(ctx, "callback must be a function");
    double ms = 0;
    if (JS_ToFloat64(ctx, &ms, argv[1]) < 0) return JS_EXCEPTION;
    if (!(ms >= 1)) ms = 0;
    if (ms > 2147483647.0) ms = 2147483647.0;
    return JS_NewInt64(ctx, qr__js_timer_add(ctx, argv[0], (uint32_t)ms, JS_ToBool(ctx, argv[2])));
}

static JSValue h_clear_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t id;
    if (JS_ToInt64(ctx, &id, argv[0]) < 0) return JS_EXCEPTION;
    qr__js_timer_clear(id);
    return JS_UNDEFINED;
}

static JSValue h_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_IsFunction(ctx, argv[0])) return JS_ThrowTypeError(ctx, "queueMicrotask: callback must be a function");
    if (qr__js_queue_microtask(ctx, argv[0]) < 0) return JS_EXCEPTION;
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

static JSValue h_read_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    size_t len;
    char *data = qr__js_read_file(path, &len);
    JSValue r;
    if (data) {
        r = JS_NewStringLen(ctx, data, len);
        free(data);
    } else {
        int e = errno;
        const qr_embed_file_t *f = e == ENOENT ? qr__js_embedded_at(path) : NULL;
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
        qr__js_fmt(pre, sizeof pre, "%s", path);
        qr__js_path_normalize(pre);
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
        const qr_embed_file_t *f = qr__js_embedded_at(path);
        isf = f != NULL;
        isd = 0;
        size = f ? (double)f->len : 0;
        mtime = 0;
        if (!f && path[0] != '/') {
            char pre[PATH_MAX];
            qr__js_fmt(pre, sizeof pre, "%s", path);
            qr__js_path_normalize(pre);
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

/* remove(path): a file or an empty directory; true if removed, false if it did not exist. */
static JSValue h_remove(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    int rc = remove(path);
    int e = errno;
    JSValue r = rc == 0 ? JS_TRUE : e == ENOENT ? JS_FALSE
                                  : qr__js_throw_code(ctx, "EIO", "remove %s: %s", path, strerror(e));
    JS_FreeCString(ctx, path);
    return r;
}

static JSValue h_mkdir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    char p[PATH_MAX];
    qr__js_fmt(p, sizeof p, "%s", path);
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
    return JS_DupValue(ctx, qr__js.env_obj);
}

static JSValue h_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    switch (magic) {
    case 0: return JS_NewString(ctx, qr__js.cfg.app_dir);
    case 1: return JS_NewInt32(ctx, qr__js.worker_id);
    case 2: return JS_NewString(ctx, qr__js.cfg.env);
    case 3: {
        JSValue a = JS_NewArray(ctx);
        for (int i = 0; i < qr__js.argc; i++) JS_SetPropertyUint32(ctx, a, (uint32_t)i, JS_NewString(ctx, qr__js.argv[i]));
        return a;
    }
    case 4: return JS_NewString(ctx, QR_VERSION);
    case 5: return JS_NewBool(ctx, qr__js_script_mode);
    case 6: return JS_NewString(ctx, qr__js_lib_dir()[0] ? qr__js_lib_dir() : "lib");
    }
    return JS_UNDEFINED;
}

static JSValue h_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t code = 0;
    if (argc > 0 && JS_ToInt32(ctx, &code, argv[0]) < 0) return JS_EXCEPTION;
    if (!qr__js_script_mode) return JS_ThrowTypeError(ctx, "Quickrail.exit() is for scripts; a server app cannot exit");
    qr__js.exit_code = code;
    qr__js.abort = QR__JS_ABORT_EXIT; /* the interrupt handler stops whatever runs next */
    return JS_ThrowInternalError(ctx, "exit(%d)", code);
}

static JSValue h_crash(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *sw = getenv("QUICKRAIL_TEST_CRASH");
    if (!(qr__js.cfg.enable_crash_routes || (sw && strcmp(sw, "1") == 0)))
        return JS_ThrowTypeError(ctx, "Quickrail.crash() is disabled (set QUICKRAIL_TEST_CRASH=1 in tests)");
    qr_warn("Quickrail.crash(): raising SIGSEGV on purpose (QUICKRAIL_TEST_CRASH=1)");
    raise(SIGSEGV);
    return JS_UNDEFINED;
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
    qr__js_hex(mac, sizeof mac, hex);
    return JS_NewStringLen(ctx, hex, 64);
}

/* compileRuby(path, source) -> the JS the Ruby compiles to (ruby/ruby.h: a module for .rb, a
 * template function body for .erb / .jbuilder); throws a SyntaxError carrying path:line:col,
 * the source line, a caret and the hint. Views call it at boot, once per template. */
static JSValue h_compile_ruby(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    size_t len;
    const char *src = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!src) { JS_FreeCString(ctx, path); return JS_EXCEPTION; }
    size_t js_len = 0;
    char *err = NULL;
    char *js = qr_ruby_compile(path, src, len, &js_len, &err);
    JS_FreeCString(ctx, path);
    JS_FreeCString(ctx, src);
    if (!js) {
        JSValue e = JS_ThrowSyntaxError(ctx, "%s", err ? err : "Ruby compile error");
        free(err);
        return e;
    }
    JSValue r = JS_NewStringLen(ctx, js, js_len);
    free(js);
    return r;
}

/* escapeHTML(string) -> the string with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39; (the
 * argument itself when there is nothing to replace); undefined for a non-string or a string
 * holding a lone surrogate (no UTF-8 round trip), which the caller then escapes itself. One
 * native scan instead of five indexOf calls: views escape every value they print. */
static JSValue h_escape_html(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (argc < 1 || !JS_IsString(argv[0])) return JS_UNDEFINED;
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]); /* ASCII: no copy */
    if (!s) return JS_EXCEPTION;
    size_t extra = 0;
    int surrogate = 0;
    for (size_t i = 0; i < len; i++) {
        switch ((unsigned char)s[i]) {
        case '&': extra += 4; break;
        case '<': case '>': extra += 3; break;
        case '"': extra += 5; break;
        case '\'': extra += 4; break;
        case 0xED: if (i + 1 < len && (unsigned char)s[i + 1] >= 0xA0) surrogate = 1; break;
        default: break;
        }
    }
    if (extra == 0 || surrogate) {
        JS_FreeCString(ctx, s);
        return extra == 0 ? JS_DupValue(ctx, argv[0]) : JS_UNDEFINED;
    }
    char *out = qr_xmalloc(len + extra);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        size_t rl = 0;
        switch (s[i]) {
        case '&': rep = "&amp;"; rl = 5; break;
        case '<': rep = "&lt;"; rl = 4; break;
        case '>': rep = "&gt;"; rl = 4; break;
        case '"': rep = "&quot;"; rl = 6; break;
        case '\'': rep = "&#39;"; rl = 5; break;
        default: out[o++] = s[i]; continue;
        }
        memcpy(out + o, rep, rl);
        o += rl;
    }
    JS_FreeCString(ctx, s);
    JSValue r = JS_NewStringLen(ctx, out, o);
    free(out);
    return r;
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

/* profiling(): profiling is on (QUICKRAIL_PROFILE); profileEndpoint(name): names the current
 * call's endpoint for the profiler (lib/quickrail's dispatch: "controller#action"). */
static JSValue h_profiling(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewBool(ctx, qr_profile_enabled());
}

static JSValue h_profile_endpoint(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    qr_profile_endpoint(s, len);
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
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
    JS_CFUNC_DEF("remove", 1, h_remove),
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
    JS_CFUNC_DEF("escapeHTML", 1, h_escape_html),
    JS_CFUNC_DEF("compileRuby", 2, h_compile_ruby),
    JS_CFUNC_DEF("gc", 0, h_gc),
    JS_CFUNC_DEF("readLine", 1, h_read_line),
    JS_CFUNC_DEF("profiling", 0, h_profiling),
    JS_CFUNC_DEF("profileEndpoint", 1, h_profile_endpoint),
};

static int host_module_init(JSContext *ctx, JSModuleDef *m)
{
    return JS_SetModuleExportList(ctx, m, host_funcs, QR_ARRAY_LEN(host_funcs));
}

JSModuleDef *qr__js_host_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, host_module_init);
    if (m) JS_AddModuleExportList(ctx, m, host_funcs, QR_ARRAY_LEN(host_funcs));
    return m;
}
