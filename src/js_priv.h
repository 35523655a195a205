/* js_priv.h — internals shared by the JavaScript runtime's C files (js_host.c owns the runtime
 * and event loop; js_web.c the byte/crypto Web APIs; js_sqlite.c the bun:sqlite Database).
 * Not a contract: nothing outside src/js_*.c includes it. Everything here runs in the zygote,
 * a worker or a script process, on the one thread that owns the runtime. */
#ifndef QR_JS_PRIV_H
#define QR_JS_PRIV_H

#include <stddef.h>
/* quickjs.h casts function pointer types in inline helpers; -Wextra would reject that. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
#include "quickjs.h"
#pragma GCC diagnostic pop

/* Native modules, created on demand by the module loader of js_host.c. */
JSModuleDef *qr__js_web_module(JSContext *ctx, const char *name);    /* "quickrail:web" */
JSModuleDef *qr__js_sqlite_module(JSContext *ctx, const char *name); /* "quickrail:sqlite" */

/* js_sqlite.c: registers the connection and statement classes (class ids are allocated once,
 * in the zygote, before any fork). lib/web/sqlite.js builds Database on top. 0 or -1. */
int qr__js_sqlite_init(JSContext *ctx);
/* Closes every connection opened so far (end of zygote boot: connections never cross fork;
 * Database objects reopen lazily in each worker). */
void qr__js_sqlite_close_all(void);
/* End of a request or cable call: rolls back any transaction the call left open (an aborted
 * or careless request must not leak its transaction into the next one). */
void qr__js_sqlite_end_call(void);
/* 1 in a `quickrail run` script process (console writes plain lines to stdout/stderr). */
extern int qr__js_script_mode;
/* 1 while the zygote boots; a Database used then is opened and closed again before fork. */
extern int qr__js_in_zygote;

/* Throws a JS Error with message and a string .code property; returns JS_EXCEPTION. */
JSValue qr__js_throw_code(JSContext *ctx, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Borrowed view of the bytes of an ArrayBuffer, typed array or DataView (or a string, which is
 * converted to UTF-8 into *tmp: free with JS_FreeCString when *tmp is set). Returns 0 or -1. */
int qr__js_bytes(JSContext *ctx, JSValueConst v, const uint8_t **p, size_t *len, const char **tmp);

/* 1 when the current call's deadline has passed (or it was aborted); js_sqlite.c's progress
 * handler uses it to interrupt a long query. Marks the call aborted. */
int qr__js_deadline_passed(void);

/* HMAC-SHA256 over data with the key derived from SECRET_KEY_BASE (js_host.c keeps the key). */
void qr__js_app_hmac(const void *data, size_t len, unsigned char out[32]);

#endif
