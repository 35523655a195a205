/* js_priv.h — internals shared by the JavaScript runtime's C files: js_host.c (the runtime's
 * lifecycle: boot, fetch, cable, scripts), js_loop.c (the event loop of one call and its deadline),
 * js_loader.c (module resolution, lib/, embedded files, bytecode cache), js_quickrail.c (the
 * "quickrail:host" module behind globalThis.Quickrail), js_web.c (byte/crypto Web APIs) and
 * js_sqlite.c (bun:sqlite), js_pg.c (PgDatabase) and js_util.c (the shared helpers). Not a contract: nothing else includes it. Everything
 * here runs in the zygote, a worker or a script process, on the one thread that owns the runtime. */
#ifndef QR_JS_PRIV_H
#define QR_JS_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "embed.h"
/* quickjs.h casts function pointer types in inline helpers; -Wextra would reject that. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
#include "quickjs.h"
#pragma GCC diagnostic pop

/* Native modules, created on demand by the module loader (js_loader.c). */
JSModuleDef *qr__js_web_module(JSContext *ctx, const char *name);    /* "quickrail:web" */
JSModuleDef *qr__js_sqlite_module(JSContext *ctx, const char *name); /* "quickrail:sqlite" */
JSModuleDef *qr__js_host_module(JSContext *ctx, const char *name);   /* "quickrail:host" */
JSModuleDef *qr__js_pg_module(JSContext *ctx, const char *name);     /* "quickrail:pg" */

/* js_sqlite.c: registers the connection and statement classes (class ids are allocated once,
 * in the zygote, before any fork). lib/web/sqlite.js builds Database on top. 0 or -1. */
int qr__js_sqlite_init(JSContext *ctx);
/* Closes every connection opened so far (end of zygote boot: connections never cross fork;
 * Database objects reopen lazily in each worker). */
void qr__js_sqlite_close_all(void);
/* End of a request or cable call: rolls back any transaction the call left open (an aborted
 * or careless request must not leak its transaction into the next one). */
void qr__js_sqlite_end_call(void);
/* js_pg.c: PostgreSQL for JavaScript, the `PgDatabase` class (the bun:sqlite Database surface
 * over libpq; the JS contract is in js_host.h and docs/postgres-and-cluster.md), exported by the
 * native module "quickrail:pg" (lib/quickrail/db/pg_adapter.js imports it). qr__js_pg_init
 * allocates the class ids on first call (in the zygote, before fork, so every worker agrees) and
 * registers the classes in ctx's runtime. 0, or -1 with a JS exception pending. */
int qr__js_pg_init(JSContext *ctx);
/* A new PgDatabase constructor function (owned) for ctx, or JS_EXCEPTION; the module's export. */
JSValue qr__js_pg_constructor(JSContext *ctx);
/* Closes every connection this process opened (end of zygote boot: a connection never crosses
 * fork; PgDatabase objects reconnect lazily in each worker). */
void qr__js_pg_close_all(void);

/* 1 in a `quickrail run` script process (console writes plain lines to stdout/stderr). */
extern int qr__js_script_mode;
/* 1 while the zygote boots; a Database used then is opened and closed again before fork. */
extern int qr__js_in_zygote;

/* ---- js_util.c: the leaf every js_*.c file may call (it calls none of them) ---- */

/* Throws a JS Error with message and a string .code property; returns JS_EXCEPTION. */
JSValue qr__js_throw_code(JSContext *ctx, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Borrowed view of the bytes of an ArrayBuffer, typed array or DataView (or a string, which is
 * converted to UTF-8 into *tmp: free with JS_FreeCString when *tmp is set). Returns 0 or -1. */
int qr__js_bytes(JSContext *ctx, JSValueConst v, const uint8_t **p, size_t *len, const char **tmp);

/* new Uint8Array(copy of p[0..n)) (owned) or JS_EXCEPTION: how database blobs reach JS. */
JSValue qr__js_new_uint8array(JSContext *ctx, const void *p, size_t n);

/* 1 when the current call's deadline has passed (or it was aborted); js_sqlite.c's progress
 * handler uses it to interrupt a long query. Marks the call aborted. */
int qr__js_deadline_passed(void);

/* HMAC-SHA256 over data with the key derived from SECRET_KEY_BASE (js_host.c keeps the key). */
void qr__js_app_hmac(const void *data, size_t len, unsigned char out[32]);

/* ---- the runtime core: js_host.c, js_loop.c, js_loader.c, js_quickrail.c ---- */

/* The process's one runtime (defined in js_util.c; js_host.c creates and frees it). rt/ctx are set by boot or run_script;
 * cfg is the configuration it was created with; env_obj (owned) is Quickrail.env. */
enum { QR__JS_ABORT_NONE = 0, QR__JS_ABORT_DEADLINE, QR__JS_ABORT_EXIT };
typedef struct {
    JSRuntime *rt;
    JSContext *ctx;
    qr_config_t cfg;
    int worker_id;        /* Quickrail.workerId; -1 outside workers */
    int argc;             /* Quickrail.argv of a script (borrowed) */
    char **argv;
    int exit_code;        /* set by Quickrail.exit(); -1 = not called */
    int script_failed;    /* a script saw an uncaught exception or rejection */
    uint64_t deadline_ms; /* of the current call, absolute qr_now_ms(); 0 = none */
    int abort;            /* QR__JS_ABORT_*: the current call must stop */
    JSValue env_obj;
} qr__js_runtime_t;
extern qr__js_runtime_t qr__js;

/* js_util.c: snprintf that truncates silently (a path longer than the buffer then simply fails
 * to open); returns what vsnprintf returns. */
int qr__js_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* js_util.c: lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void qr__js_hex(const unsigned char *p, size_t n, char *out);
/* js_util.c: message ("Error: boom") and stack (at most 40 frames, or NULL) of an exception
 * value (borrowed); both returned owned (free()). */
void qr__js_exception_text(JSValueConst exc, char **msg, char **stack);
/* js_util.c: logs the pending exception of the context with what (consumes it). */
void qr__js_report_exception(const char *what);

/* js_loop.c: the runtime's allocator (deadline backstop), interrupt handler and rejection
 * tracker, installed on rt. */
extern const JSMallocFunctions qr__js_malloc_funcs;
void qr__js_loop_install(JSRuntime *rt);
/* Profiling (profile.c): the interrupt handler calls sampler (NULL: no longer) before it
 * checks the deadline. Off, the handler is the plain one: no cost. */
void qr__js_loop_sample_with(void (*sampler)(void));
/* Outcome of awaiting a value (qr__js_await) or running the loop (qr__js_run_loop). */
enum { QR__JS_FULFILLED, QR__JS_REJECTED, QR__JS_IDLE, QR__JS_ABORTED };
/* Awaits v (consumed; JS_EXCEPTION means "the call threw": the pending exception is taken):
 * a thenable is followed through jobs and timers, anything else settles at once. Returns
 * FULFILLED / REJECTED with *out set (owned), IDLE when the loop ran dry before v settled,
 * ABORTED when the deadline or Quickrail.exit() stopped the call (*out undefined then). */
int qr__js_await(JSValue v, JSValue *out);
/* Runs jobs and timers until nothing is left (QR__JS_IDLE) or the call is aborted
 * (QR__JS_ABORTED). only_due: stop instead of sleeping for a future timer. */
int qr__js_run_loop(int only_due);
/* After an aborted call: runs what is queued with every check failing, so nothing of the
 * aborted call survives into the next one; drops timers and pending rejections. */
void qr__js_drain_aborted(void);
/* Drops every timer; returns how many there were. */
size_t qr__js_timers_clear(void);
/* Frees the loop's state (timers, pending rejections) before the runtime is freed. */
void qr__js_loop_free(void);
/* Timers and microtasks for "quickrail:host": fn is borrowed (duplicated inside). */
int64_t qr__js_timer_add(JSContext *ctx, JSValueConst fn, uint32_t ms, int repeat);
void qr__js_timer_clear(int64_t id);
int qr__js_queue_microtask(JSContext *ctx, JSValueConst fn); /* 0 or -1 */

/* js_loader.c: picks lib/ (QUICKRAIL_LIB, the repository's lib/, else embedded) and installs
 * the module loader on rt. */
void qr__js_loader_install(JSRuntime *rt);
/* The lib/ directory on disk, or "" when lib/ is the embedded copy. */
const char *qr__js_lib_dir(void);
/* Writes the module name of lib/<sub> (disk or embedded) into out. */
void qr__js_lib_path(char *out, size_t cap, const char *sub);
/* Compiles and evaluates module name as a main module. 0 or -1 (exception pending). */
int qr__js_eval_module(const char *name);
/* Evaluates a small module written in C (boot glue only). 0 or -1 (exception pending). */
int qr__js_eval_glue(const char *src);
/* The template function compiled for (name, template source) from the bytecode cache (owned),
 * JS_UNDEFINED on a miss or with the cache off (js_loader.c). */
JSValue qr__js_template_load(JSContext *ctx, const char *name, const char *src, size_t len);
/* Compiles new Function(params, body) exactly as QuickJS does (a SyntaxError alike on bad JS),
 * keeps its bytecode in the cache under (name, template source), returns the function (owned). */
JSValue qr__js_template_store(JSContext *ctx, const char *name, const char *src, size_t len,
                              const char *params, const char *body, size_t body_len);
/* 1 when module name exists: absolute names on disk, relative names in the embedded table. */
int qr__js_module_exists(const char *name);
/* Reads a whole file; returns owned, NUL-terminated (free()), or NULL with errno set. */
char *qr__js_read_file(const char *path, size_t *len);
int qr__js_is_file(const char *path);
/* Collapses "." and ".." segments and duplicate slashes of path (at most PATH_MAX) in place. */
void qr__js_path_normalize(char *path);
/* The embedded file at a relative path (normalized first), or NULL. Borrowed. */
const qr_embed_file_t *qr__js_embedded_at(const char *path);

/* js_quickrail.c: derives the stream-signing and app HMAC keys from secret_key_base. */
void qr__js_keys_init(const char *secret_key_base);
/* Waits for the stream key derivation qr__js_keys_init started on a thread (before fork/free). */
void qr__js_keys_wait(void);

#endif
