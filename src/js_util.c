/* js_util.c — the JavaScript runtime's leaf: the process's runtime record (qr__js) and the
 * helpers every js_*.c file shares (js_priv.h): bounded formatting, hex, Errors with a .code,
 * the bytes of a string/ArrayBuffer/view, Uint8Array copies, the text of an exception and its
 * logging. Calls only QuickJS, common.c and log.c, never another js_*.c file: the runtime's
 * files depend on it and it on none of them. Runs wherever a runtime runs (zygote, workers,
 * scripts), on the thread that owns it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "js_priv.h"
#include "log.h"

/* ---- process-wide state (one runtime per process) ---- */
qr__js_runtime_t qr__js = {.worker_id = -1, .exit_code = -1};
int qr__js_script_mode;
int qr__js_in_zygote;

int qr__js_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

void qr__js_hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
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

JSValue qr__js_new_uint8array(JSContext *ctx, const void *p, size_t n)
{
    JSValue ab = JS_NewArrayBufferCopy(ctx, p ? p : (const void *)"", n);
    if (JS_IsException(ab)) return ab;
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue ctor = JS_GetPropertyStr(ctx, global, "Uint8Array");
    JSValue u8 = JS_CallConstructor(ctx, ctor, 1, (JSValueConst *)&ab);
    JS_FreeValue(ctx, ctor);
    JS_FreeValue(ctx, global);
    JS_FreeValue(ctx, ab);
    return u8;
}

/* Message ("Error: boom") and stack of an exception value; both owned (free()). */
void qr__js_exception_text(JSValueConst exc, char **msg, char **stack)
{
    JSContext *ctx = qr__js.ctx;
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
                if (*e) qr__js_fmt(*stack, (size_t)(e - ss) + 8, "%.*s    ...", (int)(e - ss), ss);
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
void qr__js_report_exception(const char *what)
{
    JSValue exc = JS_GetException(qr__js.ctx);
    char *msg, *stack;
    qr__js_exception_text(exc, &msg, &stack);
    qr_error("%s: %s%s%s", what, msg, stack ? "\n" : "", stack ? stack : "");
    free(msg);
    free(stack);
    JS_FreeValue(qr__js.ctx, exc);
}
