/* js_target.h — the harness behind every JavaScript fuzz target (fuzz_js_*.c define
 * FUZZ_JS_ROUTE and include this): one QuickJS runtime is booted through src/js_host.h with
 * fuzz/js-app (the framework and the app compiled once, as in the zygote, and never reloaded);
 * each input runs to completion as "<route>\n<input>" through the app's cable entry
 * (qr_js_host_cable: one JS string in, one out, no Request/Response built around it; the
 * host still clears timers and pending jobs after every call, which is all an input can leave
 * behind). The app answers "ok" (accepted) or "refused" (the way the framework refuses bad
 * input); "FINDING ..." (the decoder threw something else) and the host's own failures (a
 * deadline, out of memory, an unhealthy runtime) are findings: printed, then abort. */
#ifndef QR_FUZZ_JS_TARGET_H
#define QR_FUZZ_JS_TARGET_H

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "config.h"
#include "fuzz.h"
#include "js_host.h"
#include "log.h"

#ifndef FUZZ_JS_ROUTE
#error "define FUZZ_JS_ROUTE (\"/session\", ...) before including js_target.h"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    static qr_config_t cfg;
    qr_log_set_level(QR_LOG_ERROR);
    /* no bytecode cache: every template an input compiles would be stored as a file
     * (templateStore still compiles, only nothing is written) */
    setenv("QUICKRAIL_CACHE", "0", 1);
    qr_config_defaults(&cfg);
    /* fuzz/js-app beside the binary's source tree: build-fuzz/fuzz/X -> ../../fuzz/js-app */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    FUZZ_CHECK(n > 0);
    exe[n] = 0;
    for (int up = 0; up < 3; up++) *strrchr(exe, '/') = 0;
    snprintf(cfg.app_dir, sizeof cfg.app_dir, "%s/fuzz/js-app", exe);
    snprintf(cfg.env, sizeof cfg.env, "production");
    snprintf(cfg.secret_key_base, sizeof cfg.secret_key_base,
             "fuzz-secret-key-base-0123456789abcdef0123456789abcdef0123456789abcdef");
    cfg.deadline_ms = 2000;
    char *err = NULL;
    if (qr_js_host_boot(&cfg, &err) != 0) {
        fprintf(stderr, "fuzz: the JS runtime did not boot: %s\n", err ? err : "?");
        abort();
    }
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qr_buf_t op = QR_BUF_INIT;
    qr_buf_reset(&op);
    qr_buf_append_str(&op, &FUZZ_JS_ROUTE[1]); /* "/erb" -> "erb" */
    qr_buf_append(&op, "\n", 1);
    qr_buf_append(&op, data, size);
    char *res = NULL;
    size_t res_len = 0;
    int rc = qr_js_host_cable(op.data, op.len, &res, &res_len);
    int ok = rc == 0 && res && (strcmp(res, "\"ok\"") == 0 || strcmp(res, "\"refused\"") == 0);
    if (!ok) {
        fprintf(stderr, "fuzz: %s answered (rc %d): %.*s\n", FUZZ_JS_ROUTE, rc,
                (int)(res_len > 2000 ? 2000 : res_len), res ? res : "");
        abort();
    }
    free(res);
    return 0;
}

#endif
