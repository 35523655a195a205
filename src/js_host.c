/* js_host.c — the JavaScript runtime of a quickrail process (js_host.h): creates the one QuickJS
 * runtime and context with its limits, boots lib/web and the app in the zygote, and runs the
 * lifecycle of each call in a worker — a request (Request in, Response out, the 500/503 page)
 * or a cable operation — and `quickrail run` scripts. The pieces it assembles live beside it:
 * js_loop.c (event loop, deadline), js_loader.c (modules, lib/, bytecode cache), js_quickrail.c
 * ("quickrail:host"), js_web.c, js_sqlite.c, js_pg.c; the runtime record and the shared helpers
 * are js_util.c's. Runs in the zygote, workers and script
 * processes, never in the supervisor; single-threaded. Calls QuickJS, those files (js_priv.h,
 * js_util.c), embed.c and log.c. */
#include "js_host.h"

#include <limits.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "frame.h"
#include "js_priv.h"
#include "log.h"
#include "profile.h"

extern char **environ;

/* Values kept for the life of the runtime (owned; freed in runtime_free). Zero-initialised
 * (an int 0, which JS_FreeValue ignores) until runtime_init sets them. */
static JSValue g_app_this;  /* default export of the entry, or Router */
static JSValue g_app_fetch; /* its fetch / dispatch function */
static int g_app_is_router;
static JSValue g_app_cable; /* the default export's `cable` ({ handle(op), needsConnect }), or undefined */
static JSValue g_hooks; /* lib/web's internal hooks object */
static JSValue g_make_request;
static JSValue g_response_parts;

/* ======================================================================================== */
/* responses                                                                                */

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

/* Replaces whatever response was being built in out by an error page (status 500). */
static void set_error_page(qr_buf_t *out, uint32_t id, int status, const char *title, const char *msg,
                           const char *stack)
{
    qr_frame_abandon(out);
    size_t len = 0, cap = 1024;
    char *b = qr_xmalloc(cap);
    b[0] = 0;
    if (strcmp(qr__js.cfg.env, "production") != 0) {
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
    static const char ct[] = "text/html; charset=utf-8";
    qr_frame_response_begin(out, id, status);
    qr_frame_response_header(out, "content-type", 12, ct, sizeof ct - 1);
    qr_frame_response_end(out, b, len);
    free(b);
}

/* Error page for an exception value (borrowed); logs it with its stack. */
static void error_response(const qr_request_t *req, qr_buf_t *out, uint32_t id, JSValueConst exc)
{
    char *msg, *stack;
    qr__js_exception_text(exc, &msg, &stack);
    /* js_pg.c's DatabaseUnavailable (js_host.h): 503, one short log line (js_pg.c logged why) */
    int unavailable = 0;
    if (JS_IsObject(exc)) {
        JSValue name = JS_GetPropertyStr(qr__js.ctx, exc, "name");
        const char *n = JS_IsString(name) ? JS_ToCString(qr__js.ctx, name) : NULL;
        unavailable = n && strcmp(n, "DatabaseUnavailable") == 0;
        if (n) JS_FreeCString(qr__js.ctx, n);
        JS_FreeValue(qr__js.ctx, name);
    }
    if (unavailable) {
        qr_warn("%s %s: 503, the database is unavailable", req ? req->method : "cable", req ? req->target : "");
        set_error_page(out, id, 503, "Service Unavailable", msg, NULL);
        free(msg);
        free(stack);
        return;
    }
    qr_error("%s %s raised %s%s%s", req ? req->method : "cable", req ? req->target : "", msg,
             stack ? "\n" : "", stack ? stack : "");
    set_error_page(out, id, 500, "Internal Server Error", msg, stack);
    free(msg);
    free(stack);
}

/* Writes the parts [status, [name, value, ...], body] of a Response as a RESPONSE frame into
 * out, headers and body straight from the engine's strings. 0, or -1 (nothing left in out). */
static int take_response(JSValueConst response, qr_buf_t *out, uint32_t id)
{
    JSContext *ctx = qr__js.ctx;
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
    qr_frame_response_begin(out, id, status);
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        JSValue nv = JS_GetPropertyUint32(ctx, hs, i), vv = JS_GetPropertyUint32(ctx, hs, i + 1);
        size_t nl = 0, vl = 0;
        const char *ns = JS_ToCStringLen(ctx, &nl, nv), *vs = JS_ToCStringLen(ctx, &vl, vv);
        JS_FreeValue(ctx, nv);
        JS_FreeValue(ctx, vv);
        if (ns && vs) qr_frame_response_header(out, ns, nl, vs, vl);
        if (ns) JS_FreeCString(ctx, ns);
        if (vs) JS_FreeCString(ctx, vs);
        if (!ns || !vs) goto fail;
    }
    if (!JS_IsNull(body) && !JS_IsUndefined(body)) {
        const uint8_t *p;
        size_t len;
        const char *tmp;
        if (qr__js_bytes(ctx, body, &p, &len, &tmp) < 0) goto fail;
        qr_frame_response_end(out, p, len);
        if (tmp) JS_FreeCString(ctx, tmp);
    } else {
        qr_frame_response_end(out, NULL, 0);
    }
    rc = 0;
fail:
    if (rc != 0) qr_frame_abandon(out);
    JS_FreeValue(ctx, st);
    JS_FreeValue(ctx, hs);
    JS_FreeValue(ctx, body);
    JS_FreeValue(ctx, parts);
    return rc;
}

/* Builds the Request object for req (owned) or JS_EXCEPTION. */
static JSValue make_request(const qr_request_t *req)
{
    JSContext *ctx = qr__js.ctx;
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
        qr__js_fmt(url, tl + host_len + 16, "%s://%.*s%s%s", proto, (int)host_len, host,
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

/* Memory still in use after a failed call is too close to the limit: the runtime is sick. */
static int runtime_unhealthy(void)
{
    if (!qr__js.cfg.memory_limit) return 0;
    JS_RunGC(qr__js.rt);
    JSMemoryUsage mu;
    JS_ComputeMemoryUsage(qr__js.rt, &mu);
    return mu.malloc_size > (int64_t)(qr__js.cfg.memory_limit / 10 * 8);
}

/* Starts a call: the deadline runs from now. */
static void begin_call(void)
{
    QR_ASSERT(qr__js.ctx != NULL);
    JS_UpdateStackTop(qr__js.rt);
    qr__js.abort = QR__JS_ABORT_NONE;
    qr__js.deadline_ms = qr__js.cfg.deadline_ms ? qr_now_ms() + qr__js.cfg.deadline_ms : 0;
}

/* Ends a call: stops the deadline, drops timers and aborted work, reports health. */
static int end_call(int failed)
{
    int aborted = qr__js.abort != QR__JS_ABORT_NONE;
    if (aborted) qr__js_drain_aborted();
    else {
        /* microtasks queued after the response are run now, still under the deadline */
        qr__js_run_loop(1);
        if (qr__js.abort) qr__js_drain_aborted();
        qr__js_timers_clear();
    }
    qr__js.deadline_ms = 0;
    qr__js.abort = QR__JS_ABORT_NONE;
    qr__js_sqlite_end_call();
    qr_profile_end();
    if ((failed || aborted) && runtime_unhealthy()) {
        qr_error("JS runtime is no longer healthy (memory near the limit after GC); worker will be replaced");
        return QR_EJS;
    }
    return 0;
}

int qr_js_host_fetch(const qr_request_t *req, uint32_t id, qr_buf_t *out)
{
    begin_call();
    qr_profile_begin(req->method, req->target);
    JSContext *ctx = qr__js.ctx;
    int failed = 1;
    JSValue request = make_request(req);
    if (JS_IsException(request)) {
        JSValue exc = JS_GetException(ctx);
        error_response(req, out, id, exc);
        JS_FreeValue(ctx, exc);
        return end_call(1) ? QR_EJS : 0;
    }
    JSValue args[2] = {request, qr__js.env_obj};
    JSValue ret = JS_Call(ctx, g_app_fetch, g_app_this, g_app_is_router ? 1 : 2, args);
    JS_FreeValue(ctx, request);
    JSValue value;
    int lr = qr__js_await(ret, &value);
    if (lr == QR__JS_ABORTED) {
        if (qr__js.abort == QR__JS_ABORT_DEADLINE) {
            char msg[128];
            qr__js_fmt(msg, sizeof msg, "request exceeded its deadline of %u ms", qr__js.cfg.deadline_ms);
            qr_error("%s %s: %s", req->method, req->target, msg);
            set_error_page(out, id, 500, "Request timed out", msg, NULL);
        } else {
            set_error_page(out, id, 500, "Internal Server Error", "the app called Quickrail.exit()", NULL);
        }
    } else if (lr == QR__JS_IDLE) {
        qr_error("%s %s: the app's response promise never settled", req->method, req->target);
        set_error_page(out, id, 500, "Internal Server Error", "the app's fetch() promise never settled", NULL);
    } else if (lr == QR__JS_REJECTED) {
        error_response(req, out, id, value);
    } else if (take_response(value, out, id) < 0) {
        JSValue exc = JS_GetException(ctx);
        error_response(req, out, id, exc);
        JS_FreeValue(ctx, exc);
    } else {
        failed = 0;
    }
    JS_FreeValue(ctx, value);
    return end_call(failed) ? QR_EJS : 0;
}

/* The cable entry's handle function (owned), or JS_UNDEFINED when the app has none. */
static JSValue cable_handler(void)
{
    JSContext *ctx = qr__js.ctx;
    if (!JS_IsObject(g_app_cable)) return JS_UNDEFINED;
    JSValue fn = JS_GetPropertyStr(ctx, g_app_cable, "handle");
    if (JS_IsFunction(ctx, fn)) return fn;
    if (JS_IsException(fn)) JS_FreeValue(ctx, JS_GetException(ctx));
    JS_FreeValue(ctx, fn);
    return JS_UNDEFINED;
}

int qr_js_host_cable_needs_connect(void)
{
    JSContext *ctx = qr__js.ctx;
    if (!ctx) return 1;
    JSValue fn = cable_handler();
    int needs = 0;
    if (JS_IsFunction(ctx, fn)) {
        JSValue flag = JS_GetPropertyStr(ctx, g_app_cable, "needsConnect");
        needs = !(JS_IsBool(flag) && !JS_ToBool(ctx, flag));
        if (JS_IsException(flag)) JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, flag);
    }
    JS_FreeValue(ctx, fn);
    return needs;
}

char *qr_js_host_cable_channels(void)
{
    JSContext *ctx = qr__js.ctx;
    if (!ctx) return NULL;
    JSValue list = JS_IsObject(g_app_cable) ? JS_GetPropertyStr(ctx, g_app_cable, "channelNames") : JS_UNDEFINED;
    char *out = NULL;
    if (JS_IsArray(ctx, list) > 0) {
        qr_buf_t b = QR_BUF_INIT;
        qr_buf_append(&b, "", 0);
        JSValue len_v = JS_GetPropertyStr(ctx, list, "length");
        uint32_t n = 0;
        JS_ToUint32(ctx, &n, len_v);
        JS_FreeValue(ctx, len_v);
        for (uint32_t i = 0; i < n; i++) {
            JSValue e = JS_GetPropertyUint32(ctx, list, i);
            const char *s = JS_IsString(e) ? JS_ToCString(ctx, e) : NULL;
            if (s && !strchr(s, '\n')) {
                if (b.len) qr_buf_append(&b, "\n", 1);
                qr_buf_append_str(&b, s);
            }
            if (s) JS_FreeCString(ctx, s);
            JS_FreeValue(ctx, e);
        }
        out = qr_xstrndup(b.data ? b.data : "", b.len);
        qr_buf_free(&b);
    }
    if (JS_IsException(list)) JS_FreeValue(ctx, JS_GetException(ctx));
    JS_FreeValue(ctx, list);
    return out;
}

/* *result = {"error": msg} with msg JSON-escaped by the engine (owned). */
static void cable_error(const char *msg, char **result, size_t *result_len)
{
    JSContext *ctx = qr__js.ctx;
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "error", JS_NewString(ctx, msg));
    JSValue s = JS_JSONStringify(ctx, o, JS_UNDEFINED, JS_UNDEFINED);
    const char *cs = JS_IsException(s) ? NULL : JS_ToCStringLen(ctx, result_len, s);
    *result = qr_xstrdup(cs ? cs : "{\"error\":\"error\"}");
    *result_len = strlen(*result);
    if (cs) JS_FreeCString(ctx, cs);
    JS_FreeValue(ctx, s);
    JS_FreeValue(ctx, o);
}

int qr_js_host_cable(const char *op_json, size_t len, char **result, size_t *result_len)
{
    begin_call();
    qr_profile_begin("cable", "");
    JSContext *ctx = qr__js.ctx;
    char *err = NULL;
    JSValue fn = cable_handler();
    if (!JS_IsFunction(ctx, fn)) {
        JS_FreeValue(ctx, fn);
        /* No cable handler in the app: the defaults of cable.h. */
        const char *ans = strstr(op_json, "\"connect\"") ? "{\"ok\":true,\"identifiers\":{}}"
                          : strstr(op_json, "\"subscribe\"") ? "{\"ok\":null}" : "{}";
        *result = qr_xstrdup(ans);
        *result_len = strlen(ans);
        qr__js.deadline_ms = 0;
        qr_profile_end();
        return 0;
    }
    JSValue arg = JS_NewStringLen(ctx, op_json, len);
    JSValue ret = JS_Call(ctx, fn, g_app_cable, 1, &arg);
    JS_FreeValue(ctx, arg);
    JS_FreeValue(ctx, fn);
    JSValue value;
    int lr = qr__js_await(ret, &value);
    int failed = 1;
    if (lr == QR__JS_ABORTED) err = qr_xstrdup("cable operation exceeded its deadline");
    else if (lr == QR__JS_IDLE) err = qr_xstrdup("cable operation promise never settled");
    else if (lr == QR__JS_REJECTED) {
        char *stack;
        qr__js_exception_text(value, &err, &stack);
        qr_error("cable operation raised %s%s%s", err, stack ? "\n" : "", stack ? stack : "");
        free(stack);
    } else {
        JSValue s = JS_IsString(value) ? JS_DupValue(ctx, value)
                                       : JS_JSONStringify(ctx, value, JS_UNDEFINED, JS_UNDEFINED);
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
    JS_FreeValue(ctx, value);
    int unhealthy = end_call(failed);
    if (failed) {
        cable_error(err ? err : "error", result, result_len);
        free(err);
    }
    return unhealthy ? QR_EJS : 0;
}

/* ======================================================================================== */
/* boot                                                                                     */

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

/* *err = "what: message\nstack" of the exception value exc (consumed). */
static void set_err_value(char **err, const char *what, JSValue exc)
{
    if (!err) { JS_FreeValue(qr__js.ctx, exc); return; }
    char *msg, *stack;
    qr__js_exception_text(exc, &msg, &stack);
    JS_FreeValue(qr__js.ctx, exc);
    size_t n = strlen(what) + strlen(msg) + (stack ? strlen(stack) : 0) + 8;
    *err = qr_xmalloc(n);
    qr__js_fmt(*err, n, "%s: %s%s%s", what, msg, stack ? "\n" : "", stack ? stack : "");
    free(msg);
    free(stack);
}

/* *err from the pending exception of the context (consumed). */
static void set_err(char **err, const char *what)
{
    set_err_value(err, what, JS_GetException(qr__js.ctx));
}

/* Runtime, context, limits, lib/web. Returns 0 or QR_EJS with *err set. */
static int runtime_init(const qr_config_t *cfg, size_t mem_limit, char **err)
{
    qr__js.cfg = *cfg;
    if (!qr__js.cfg.stack_limit) qr__js.cfg.stack_limit = 1024 * 1024;
    qr__js.rt = JS_NewRuntime2(&qr__js_malloc_funcs, NULL);
    if (!qr__js.rt) { if (err) *err = qr_xstrdup("cannot create the JS runtime"); return QR_EJS; }
    if (mem_limit) JS_SetMemoryLimit(qr__js.rt, mem_limit);
    JS_SetMaxStackSize(qr__js.rt, qr__js.cfg.stack_limit);
    JS_UpdateStackTop(qr__js.rt);
    qr__js_loop_install(qr__js.rt);
    qr__js_loader_install(qr__js.rt);
    qr__js.ctx = JS_NewContext(qr__js.rt);
    if (!qr__js.ctx) { if (err) *err = qr_xstrdup("cannot create the JS context"); return QR_EJS; }

    const char *skb = qr__js.cfg.secret_key_base[0] ? qr__js.cfg.secret_key_base : getenv("SECRET_KEY_BASE");
    if (!skb || !*skb) skb = "quickrail-development-secret";
    qr__js_keys_init(skb);

    qr__js.env_obj = build_env(qr__js.ctx);
    if (qr__js_sqlite_init(qr__js.ctx) < 0) { set_err(err, "sqlite init"); return QR_EJS; }
    if (qr__js_pg_init(qr__js.ctx) < 0) { set_err(err, "PgDatabase init"); return QR_EJS; }

    char web[PATH_MAX];
    qr__js_lib_path(web, sizeof web, "web/index.js");
    if (qr__js_eval_module(web) < 0) { set_err(err, "loading lib/web"); return QR_EJS; }
    JSValue global = JS_GetGlobalObject(qr__js.ctx);
    g_hooks = JS_GetPropertyStr(qr__js.ctx, global, "__quickrailHooks");
    JSAtom a = JS_NewAtom(qr__js.ctx, "__quickrailHooks");
    JS_DeleteProperty(qr__js.ctx, global, a, 0);
    JS_FreeAtom(qr__js.ctx, a);
    JS_FreeValue(qr__js.ctx, global);
    g_make_request = JS_GetPropertyStr(qr__js.ctx, g_hooks, "makeRequest");
    g_response_parts = JS_GetPropertyStr(qr__js.ctx, g_hooks, "responseParts");
    if (!JS_IsFunction(qr__js.ctx, g_make_request) || !JS_IsFunction(qr__js.ctx, g_response_parts)) {
        if (err) *err = qr_xstrdup("lib/web did not install its hooks (makeRequest, responseParts)");
        return QR_EJS;
    }
    qr__js_run_loop(1);
    return 0;
}

int qr_js_host_boot(const qr_config_t *cfg, char **err)
{
    if (err) *err = NULL;
    qr__js_in_zygote = 1;
    int rc = runtime_init(cfg, cfg->memory_limit, err);
    if (rc) return rc;
    qr__js.deadline_ms = qr_now_ms() + (qr__js.cfg.deadline_ms > 60000 ? qr__js.cfg.deadline_ms : 60000);

    /* The entry: app.js, else index.js, else (no entry, but config/routes.rb or .js) the app
     * built by convention: lib/quickrail/autoload.js's loadApp, whose promise is awaited below. */
    char entry[PATH_MAX + 16];
    int autoload = 0;
    qr__js_fmt(entry, sizeof entry, "%s/app.js", qr__js.cfg.app_dir);
    if (!qr__js_is_file(entry)) qr__js_fmt(entry, sizeof entry, "%s/index.js", qr__js.cfg.app_dir);
    if (!qr__js_is_file(entry)) {
        char routes[PATH_MAX + 32];
        for (int i = 0; i < 2 && !autoload; i++) {
            qr__js_fmt(routes, sizeof routes, "%s/config/routes.%s", qr__js.cfg.app_dir, i ? "js" : "rb");
            autoload = qr__js_is_file(routes);
        }
        qr__js_fmt(entry, sizeof entry, "%s", qr__js.cfg.app_dir);
    }
    if (!autoload && !qr__js_is_file(entry)) {
        if (err) {
            size_t n = strlen(qr__js.cfg.app_dir) + 160;
            *err = qr_xmalloc(n);
            qr__js_fmt(*err, n, "no app entry: %s/app.js, index.js or config/routes.rb (.js)", qr__js.cfg.app_dir);
        }
        return QR_EJS;
    }
    /* import the entry through a glue module to reach its namespace */
    JSValue jpath = JS_NewString(qr__js.ctx, entry);
    JSValue jq = JS_JSONStringify(qr__js.ctx, jpath, JS_UNDEFINED, JS_UNDEFINED);
    const char *q = JS_ToCString(qr__js.ctx, jq);
    char *glue = qr_xmalloc(strlen(q) + 256);
    if (autoload)
        sprintf(glue, "import { loadApp } from \"quickrail/autoload.js\"; "
                      "const p = loadApp(%s); p.catch(() => {}); /* awaited below */ "
                      "globalThis.__quickrailEntry = { default: p };", q);
    else
        sprintf(glue, "import * as m from %s; globalThis.__quickrailEntry = m;", q);
    JS_FreeCString(qr__js.ctx, q);
    JS_FreeValue(qr__js.ctx, jq);
    JS_FreeValue(qr__js.ctx, jpath);
    int bad = qr__js_eval_glue(glue) < 0;
    free(glue);
    if (bad) { set_err(err, "loading the app"); qr__js.deadline_ms = 0; return QR_EJS; }
    qr__js_run_loop(1);

    JSValue global = JS_GetGlobalObject(qr__js.ctx);
    JSValue ns = JS_GetPropertyStr(qr__js.ctx, global, "__quickrailEntry");
    JSAtom a = JS_NewAtom(qr__js.ctx, "__quickrailEntry");
    JS_DeleteProperty(qr__js.ctx, global, a, 0);
    JS_FreeAtom(qr__js.ctx, a);
    JSValue def = JS_GetPropertyStr(qr__js.ctx, ns, "default");
    JS_FreeValue(qr__js.ctx, ns);
    /* loadApp's promise (the Application once every file is imported), or an entry whose
     * default export is a promise of the app (an app.js that wraps a Ruby app: loadApp(dir)
     * .then(...)): awaited here, in the zygote, so the app is compiled once before workers fork. */
    int thenable = 0;
    if (!autoload && JS_IsObject(def)) {
        JSValue then = JS_GetPropertyStr(qr__js.ctx, def, "then");
        thenable = JS_IsFunction(qr__js.ctx, then);
        JS_FreeValue(qr__js.ctx, then);
    }
    if (autoload || thenable) {
        JSValue app;
        int st = qr__js_await(def, &app);
        if (st != QR__JS_FULFILLED) {
            JS_FreeValue(qr__js.ctx, global);
            if (st == QR__JS_REJECTED) set_err_value(err, "loading the app", app);
            else if (err) *err = qr_xstrdup(st == QR__JS_IDLE ? "loading the app: the autoloader never settled"
                                                              : "loading the app: aborted (boot deadline)");
            qr__js.deadline_ms = 0;
            return QR_EJS;
        }
        def = app;
    }
    JSValue fetch = JS_IsObject(def) ? JS_GetPropertyStr(qr__js.ctx, def, "fetch") : JS_UNDEFINED;
    if (JS_IsFunction(qr__js.ctx, fetch)) {
        g_app_this = def;
        g_app_fetch = fetch;
        g_app_cable = JS_GetPropertyStr(qr__js.ctx, def, "cable");
        if (JS_IsException(g_app_cable)) {
            JS_FreeValue(qr__js.ctx, JS_GetException(qr__js.ctx));
            g_app_cable = JS_UNDEFINED;
        }
    } else {
        JS_FreeValue(qr__js.ctx, fetch);
        JS_FreeValue(qr__js.ctx, def);
        JSValue router = JS_GetPropertyStr(qr__js.ctx, global, "Router");
        JSValue dispatch = JS_IsObject(router) ? JS_GetPropertyStr(qr__js.ctx, router, "dispatch") : JS_UNDEFINED;
        if (JS_IsFunction(qr__js.ctx, dispatch)) {
            g_app_this = router;
            g_app_fetch = dispatch;
            g_app_is_router = 1;
        } else {
            JS_FreeValue(qr__js.ctx, dispatch);
            JS_FreeValue(qr__js.ctx, router);
            JS_FreeValue(qr__js.ctx, global);
            if (err) {
                size_t n = strlen(entry) + 160;
                *err = qr_xmalloc(n);
                qr__js_fmt(*err, n, "%s must default-export { fetch(request, env) } or set "
                                  "globalThis.Router.dispatch(request)", entry);
            }
            qr__js.deadline_ms = 0;
            return QR_EJS;
        }
    }
    JS_FreeValue(qr__js.ctx, global);
    size_t ntimers = qr__js_timers_clear();
    if (ntimers) qr_debug("%zu timer(s) set while booting were cancelled", ntimers);
    qr__js.deadline_ms = 0;
    qr__js.abort = QR__JS_ABORT_NONE;
    qr__js_sqlite_close_all();
    qr__js_pg_close_all();
    qr__js_in_zygote = 0;
    JS_RunGC(qr__js.rt);
    qr__js_keys_wait(); /* no thread may be running when the zygote forks */
    return 0;
}

void qr_js_host_after_fork(int worker_index)
{
    qr__js.worker_id = worker_index;
    qr__js_in_zygote = 0;
    RAND_poll();
    if (!qr__js.ctx) return;
    if (qr_profile_enabled()) qr_profile_start(qr__js.cfg.app_dir);
    JSValue reseed = JS_GetPropertyStr(qr__js.ctx, g_hooks, "reseed");
    if (JS_IsFunction(qr__js.ctx, reseed)) {
        JSValue r = JS_Call(qr__js.ctx, reseed, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r)) qr__js_report_exception("reseeding Math.random");
        JS_FreeValue(qr__js.ctx, r);
    }
    JS_FreeValue(qr__js.ctx, reseed);
}

static void runtime_free(void)
{
    qr__js_keys_wait();
    qr__js_loop_free();
    JSValue *vals[] = {&g_app_this, &g_app_fetch, &g_app_cable, &qr__js.env_obj, &g_hooks, &g_make_request,
                       &g_response_parts};
    for (size_t i = 0; i < QR_ARRAY_LEN(vals); i++) {
        JS_FreeValue(qr__js.ctx, *vals[i]);
        *vals[i] = JS_UNDEFINED;
    }
    qr__js_sqlite_close_all();
    qr__js_pg_close_all();
    JS_FreeContext(qr__js.ctx);
    JS_FreeRuntime(qr__js.rt);
    qr__js.ctx = NULL;
    qr__js.rt = NULL;
}

int qr_js_host_run_script(const qr_config_t *cfg, const char *module_path, int argc, char **argv)
{
    qr__js_script_mode = 1;
    qr__js.argc = argc;
    qr__js.argv = argv;
    char *err = NULL;
    size_t limit = cfg->memory_limit;
    if (limit && limit < 512u * 1024 * 1024) limit = 512u * 1024 * 1024;
    if (runtime_init(cfg, limit, &err) != 0) {
        qr_error("%s", err ? err : "cannot start the JS runtime");
        free(err);
        if (qr__js.ctx) runtime_free();
        return 1;
    }
    char name[PATH_MAX];
    if (module_path[0] == '/' || qr__js_is_file(module_path)) {
        if (!realpath(module_path, name)) qr__js_fmt(name, sizeof name, "%s", module_path);
    } else {
        qr__js_fmt(name, sizeof name, "%s", module_path);
        qr__js_path_normalize(name);
    }
    int rc = 0;
    if (!qr__js_module_exists(name)) {
        qr_error("quickrail run: %s: no such file", module_path);
        rc = 1;
    } else if (qr__js_eval_module(name) < 0) {
        if (qr__js.exit_code < 0) qr__js_report_exception(module_path);
        else JS_FreeValue(qr__js.ctx, JS_GetException(qr__js.ctx));
        rc = 1;
    }
    if (qr__js.exit_code < 0 && rc == 0) qr__js_run_loop(0);
    if (qr__js.exit_code >= 0) rc = qr__js.exit_code;
    else if (qr__js.script_failed) rc = 1;
    if (qr__js.abort) qr__js_drain_aborted();
    qr__js.abort = QR__JS_ABORT_NONE;
    runtime_free();
    return rc;
}
