/* js_target.h — the harness behind every JavaScript fuzz target (fuzz_js_*.c define
 * FUZZ_JS_ROUTE and include this): one QuickJS runtime is booted through src/js_host.h with
 * fuzz/js-app (the framework and the app compiled once, as in the zygote); each input becomes
 * the body of a POST to the route, run to completion by qr_js_host_fetch. The app answers 200
 * (accepted), 400 (refused the way the framework refuses bad input); 598 (the decoder threw
 * something else) and 500 (the host's own failure: a deadline, out of memory, an uncaught
 * error) are findings: the body is printed and the process aborts. */
#ifndef QR_FUZZ_JS_TARGET_H
#define QR_FUZZ_JS_TARGET_H

#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "config.h"
#include "frame.h"
#include "fuzz.h"
#include "js_host.h"
#include "log.h"

#ifndef FUZZ_JS_ROUTE
#error "define FUZZ_JS_ROUTE (\"/session\", ...) before including js_target.h"
#endif

static uint32_t fuzz_js_id;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    static qr_config_t cfg;
    qr_log_set_level(QR_LOG_ERROR);
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
    static const qr_header_t hdr[] = {{"Host", 4, "fuzz", 4}};
    qr_request_t req = {.method = "POST", .target = FUZZ_JS_ROUTE, .path = FUZZ_JS_ROUTE,
                        .query = "", .headers = hdr, .nheaders = 1,
                        .body = (const char *)data, .body_len = size, .remote_addr = "127.0.0.1"};
    qr_buf_t out = QR_BUF_INIT;
    int rc = qr_js_host_fetch(&req, ++fuzz_js_id, &out);
    qr_frame_t f;
    qr_slice_t fields[256];
    size_t used = 0;
    FUZZ_CHECK(qr_frame_parse(out.data, out.len, &f, fields, 256, &used) == 1);
    qr_response_t res;
    qr_header_t h[64];
    FUZZ_CHECK(qr_frame_get_response(&f, &res, h, 64) == 0);
    if (rc != 0 || (res.status != 200 && res.status != 400)) {
        fprintf(stderr, "fuzz: %s answered %d (rc %d): %.*s\n", FUZZ_JS_ROUTE, res.status, rc,
                (int)(res.body_len > 2000 ? 2000 : res.body_len), res.body ? res.body : "");
        abort();
    }
    qr_buf_free(&out);
    return 0;
}

#endif
