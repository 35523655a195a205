/* js_host.h — the one door to the JavaScript engine (QuickJS 2021-03-27 today). Nothing
 * outside the engine files (js_*.c, through js_priv.h) includes quickjs.h, so a newer engine can replace it
 * behind this contract. Runs in the zygote (boot) and in workers (everything else); never in
 * the supervisor. Single-threaded: one runtime per process.
 *
 * What a runtime offers to JavaScript (the contract with lib/ and apps):
 *   - Web APIs: Request, Response, Headers, URL, URLSearchParams, FormData, Blob (minimal),
 *     TextEncoder/TextDecoder, atob/btoa, console, setTimeout/clearTimeout/setInterval/
 *     clearInterval/queueMicrotask, structuredClone, crypto.getRandomValues/randomUUID,
 *     crypto.subtle.digest (SHA-1/256) and HMAC importKey/sign/verify; ES2022+ polyfills (lib/web).
 *   - Database: global `Database`, the bun:sqlite API (also `import { Database } from "bun:sqlite"`);
 *     `PgDatabase` (`import { PgDatabase } from "quickrail:pg"`) with the same surface over libpq (js_pg.c: js_host.c calls qr__js_pg_init at
 *     boot and qr__js_pg_close_all before fork; docs/postgres-and-cluster.md). Errors carry
 *     PostgreSQL's message and `code` = SQLSTATE. A database that cannot be reached throws an
 *     error with name "DatabaseUnavailable", code "DATABASE_UNAVAILABLE", status 503: the host /
 *     framework answers such a request with 503 (the error is logged once, by js_pg.c).
 *   - broadcast(stream, content): content string -> sent as a JSON string; otherwise JSON-encoded.
 *     With globalThis.Quickrail, the only globals the runtime adds besides the Web APIs (the
 *     framework reaches both through lib/quickrail/host.js; there is no Beam global).
 *   - globalThis.Quickrail: { version, env (object of environment variables), appDir, workerId,
 *     readFile(path) -> string, readDir(path) -> [names], stat(path) -> {isFile, isDirectory,
 *     size, mtimeMs} | null, writeFile(path, text), mkdir(path), remove(path) -> removed? (a file or empty dir), signStreamName(name) -> Turbo
 *     token, verifyStreamName(token) -> name | null, hmacSha256Hex(data) -> hex (key derived from
 *     SECRET_KEY_BASE), exit(code) (scripts only), crash() (SIGSEGV; only when
 *     QUICKRAIL_TEST_CRASH=1, else throws) }. Also (jsrt extensions): argv (script arguments),
 *     readLine(prompt) -> line | null at EOF, environment ("development"...), libDir, isScript,
 *     gc() -> bytes in use, escapeHTML(string) -> string | undefined (undefined: escape it
 *     yourself), compileRuby(path, source) -> JS (ruby/ruby.h; SyntaxError with path:line:col);
 *     appDir is assignable (tests point it at fixture apps). While profiling (profile.h) only:
 *     profileEndpoint(name) names the current request's endpoint ("articles#index").
 *   - Scripts (`quickrail run`): console writes plain lines (stdout; warn/error on stderr);
 *     in servers console goes through log.h, one line per call tagged with the process.
 *   - Module specifiers: "quickrail" -> lib/quickrail/index.js, "quickrail/x" -> lib/quickrail/x.js,
 *     relative and absolute paths as usual; lib/ is read from disk when QUICKRAIL_LIB (or a lib/
 *     beside the binary's repository) exists, otherwise from the embedded copy (embed.h).
 *   - App entry: APP_DIR/app.js (else index.js) default-exports { fetch(request, env) } returning a
 *     Response or a promise of one; or the bundle sets globalThis.Router.dispatch(request).
 *     No entry but config/routes.rb (or .js): the app is loaded by convention through
 *     lib/quickrail/autoload.js (loadApp(APP_DIR), a promise awaited at boot).
 *     Cable operations call the default export's cable.handle(opJson) -> resultJson (see
 *     cable.h); `cable` is { handle(opJson), needsConnect } (lib/quickrail: the Application's).
 */
#ifndef QR_JS_HOST_H
#define QR_JS_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "buf.h"
#include "message.h"
#include "signed_stream.h"

/* Called for every broadcast JS makes; the worker forwards it to the supervisor at once.
 * stream and message_json are borrowed for the duration of the call. */
typedef void (*qr_js_broadcast_cb)(const char *stream, size_t stream_len,
                                   const char *message_json, size_t message_len, void *ud);

/* Zygote: creates the runtime, applies limits from cfg, loads polyfills, framework and the app
 * entry (compiling everything once). On failure returns QR_EJS and sets *err (owned; free()).
 * The same as qr_js_host_boot_runtime(cfg, 0, err) then qr_js_host_boot_app(err). */
int qr_js_host_boot(const qr_config_t *cfg, char **err);

/* Zygote, first half of the boot: the runtime, its limits and lib/web; with preload_framework
 * also lib/quickrail (what a standby zygote loads ahead of a reload). 0 or QR_EJS with *err. */
int qr_js_host_boot_runtime(const qr_config_t *cfg, int preload_framework, char **err);

/* Zygote, second half: loads the app entry of the config given to qr_js_host_boot_runtime and
 * logs the boot breakdown (debug). 0 or QR_EJS with *err set (owned; free()). */
int qr_js_host_boot_app(char **err);

/* Worker, right after fork: reseeds randomness, records the worker index (Quickrail.workerId). */
void qr_js_host_after_fork(int worker_index);

void qr_js_host_set_broadcast(qr_js_broadcast_cb cb, void *ud);

/* Zygote, after boot: copies the Turbo stream key (signed_stream.h) derived from the runtime's
 * secret_key_base into key, waiting for its derivation thread if needed. */
void qr_js_host_stream_key(unsigned char key[QR_STREAM_KEY_LEN]);

/* Runs one request to completion (promises, timers) under cfg->deadline_ms and the memory
 * limit, and appends its RESPONSE frame for request `id` to out (frame.h; headers and body are
 * written straight into the frame). Always answers: an app error becomes a 500 (development: a
 * page with the error and stack; production: a plain page) and is logged with its stack.
 * req's method and target are NUL-terminated. Returns 0, or QR_EJS when the runtime is no
 * longer usable (the worker should exit after sending the response). */
int qr_js_host_fetch(const qr_request_t *req, uint32_t id, qr_buf_t *out);

/* Runs one cable operation: calls the app's cable.handle(op_json) (a JSON string or object,
 * or a promise of one) under the same deadline. *result is owned (free()); when the app throws,
 * times out or returns nothing usable, *result is {"error":"<message>"}. Returns 0, or QR_EJS
 * when the runtime is no longer usable (answer, then exit the worker, as for fetch). */
int qr_js_host_cable(const char *op_json, size_t len, char **result, size_t *result_len);

/* 0 when the app's connect hook has nothing to decide — no cable entry (the
 * default answer of cable.h is then {"ok":true,"identifiers":{}}) or one whose needsConnect
 * property is false (the framework sets it when the app has no Connection class) — so the
 * supervisor may welcome a cable connection without asking a worker; else 1. */
int qr_js_host_cable_needs_connect(void);
/* The app's channel class names, one per line (owned, free()), from the `channelNames` array of
 * the default export's `cable`; NULL when the app does not declare them. */
char *qr_js_host_cable_channels(void);

/* CLI tasks (db:migrate, console, the JS test runner): boots a runtime like the zygote does
 * but without an app entry, runs the module at module_path (file or embedded path) with
 * Quickrail.argv = argv, runs the event loop until idle. Returns the process exit code. */
int qr_js_host_run_script(const qr_config_t *cfg, const char *module_path, int argc, char **argv);

#endif
