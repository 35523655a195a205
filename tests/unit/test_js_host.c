/* test_js_host.c — js_host.c through its C contract (js_host.h): boot, fetch, broadcast hook,
 * cable operations and their errors. Each case runs in a forked child (one runtime per process,
 * as in a worker); fixtures under tests/fixtures/jsrt-cable and jsrt-nocable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "frame.h"
#include "js_host.h"

static char g_broadcasts[4096];

static void on_broadcast(const char *stream, size_t sl, const char *msg, size_t ml, void *ud)
{
    (void)ud;
    size_t n = strlen(g_broadcasts);
    snprintf(g_broadcasts + n, sizeof g_broadcasts - n, "%.*s=%.*s;", (int)sl, stream, (int)ml, msg);
}

/* Boots the fixture app in this process (a forked child). */
static void boot(const char *fixture, unsigned deadline_ms)
{
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "tests/fixtures/%s", fixture);
    if (!realpath(rel, cfg.app_dir)) { fprintf(stderr, "no fixture %s\n", rel); _exit(90); }
    cfg.deadline_ms = deadline_ms;
    char *err = NULL;
    if (qr_js_host_boot(&cfg, &err) != 0) { fprintf(stderr, "boot: %s\n", err); _exit(91); }
    qr_js_host_after_fork(3);
    qr_js_host_set_broadcast(on_broadcast, NULL);
}

static int cable(const char *op, char **out)
{
    size_t len = 0;
    int rc = qr_js_host_cable(op, strlen(op), out, &len);
    if (*out && strlen(*out) != len) _exit(92);
    return rc;
}

/* Runs fn in a child; the case passes when the child exits 0. */
static void in_child(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { fn(); fflush(NULL); _exit(0); }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

#define CHECK(e) do { if (!(e)) { fprintf(stderr, "check failed: %s (line %d)\n", #e, __LINE__); _exit(1); } } while (0)

/* Runs req through qr_js_host_fetch and decodes the RESPONSE frame it wrote (id 7) into *res,
 * whose pointers stay valid until the next call. */
static int fetch(const qr_request_t *req, qr_response_t *res)
{
    static qr_buf_t out = QR_BUF_INIT;
    static qr_slice_t fields[64];
    static qr_header_t hs[31];
    qr_buf_reset(&out);
    int rc = qr_js_host_fetch(req, 7, &out);
    qr_frame_t f;
    size_t used = 0;
    CHECK(qr_frame_parse(out.data, out.len, &f, fields, 64, &used) == 1 && used == out.len);
    CHECK(f.id == 7);
    CHECK(qr_frame_get_response(&f, res, hs, 31) == 0);
    return rc;
}

static void child_fetch_and_broadcast(void)
{
    boot("jsrt-cable", 5000);
    qr_header_t hs[] = {{"Host", 4, "example.test", 12}};
    qr_request_t req = {.method = "PUT", .target = "/p?q=1", .remote_addr = "10.0.0.1",
                        .headers = hs, .nheaders = 1, .body = "body", .body_len = 4};
    qr_response_t res;
    CHECK(fetch(&req, &res) == 0);
    CHECK(res.status == 201);
    CHECK(res.body_len == 9 && memcmp(res.body, "ok PUT /p", 9) == 0);
    CHECK(res.nheaders == 1 && res.headers[0].name_len == 12 && memcmp(res.headers[0].name, "content-type", 12) == 0);
    CHECK(strcmp(g_broadcasts, "room=\"<turbo-stream>hi</turbo-stream>\";room={\"n\":1};") == 0);
}

static void child_cable_ops(void)
{
    boot("jsrt-cable", 5000);
    char *out = NULL;
    CHECK(cable("{\"op\":\"connect\",\"url\":\"/cable\",\"headers\":{\"cookie\":\"u=1\"}}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":true,\"identifiers\":{\"user\":\"u=1\"}}") == 0);
    free(out);
    CHECK(cable("{\"op\":\"subscribe\",\"identifiers\":{},\"identifier\":\"id1\"}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":true,\"transmit\":[{\"hi\":\"id1\"}],\"streams\":[\"s1\"]}") == 0);
    free(out);
    CHECK(cable("{\"op\":\"unsubscribe\",\"identifiers\":{},\"identifier\":\"id1\"}", &out) == 0);
    CHECK(strcmp(out, "{}") == 0);
    free(out);
    /* an app error answers {"error":...} and the runtime keeps working */
    CHECK(cable("{\"op\":\"perform\",\"identifiers\":{},\"identifier\":\"id1\",\"data\":\"{}\"}", &out) == 0);
    CHECK(strcmp(out, "{\"error\":\"Error: perform failed <x>\"}") == 0);
    free(out);
    CHECK(cable("{\"op\":\"other\"}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":null}") == 0);
    free(out);
}

static void child_cable_deadline(void)
{
    boot("jsrt-cable", 300);
    char *out = NULL;
    uint64_t t0 = qr_now_ms();
    CHECK(cable("{\"op\":\"loop\"}", &out) == 0);
    CHECK(qr_now_ms() - t0 < 3000);
    CHECK(strstr(out, "deadline") != NULL);
    free(out);
    CHECK(cable("{\"op\":\"connect\",\"url\":\"/cable\",\"headers\":{}}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":true,\"identifiers\":{\"user\":null}}") == 0);
    free(out);
}

static void child_no_cable_handler(void)
{
    boot("jsrt-nocable", 5000);
    char *out = NULL;
    CHECK(cable("{\"op\":\"connect\",\"url\":\"/cable\",\"headers\":{}}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":true,\"identifiers\":{}}") == 0);
    free(out);
    CHECK(cable("{\"op\":\"subscribe\",\"identifiers\":{},\"identifier\":\"x\"}", &out) == 0);
    CHECK(strcmp(out, "{\"ok\":null}") == 0);
    free(out);
    qr_request_t req = {.method = "GET", .target = "/", .remote_addr = ""};
    qr_response_t res;
    CHECK(fetch(&req, &res) == 0);
    CHECK(res.status == 200 && res.body_len == 11 && memcmp(res.body, "index entry", 11) == 0);
}

static void child_router_dispatch(void)
{
    boot("jsrt-router", 5000);
    qr_request_t req = {.method = "DELETE", .target = "/things/1", .remote_addr = ""};
    qr_response_t res;
    CHECK(fetch(&req, &res) == 0);
    CHECK(res.status == 200);
    CHECK(res.body_len == 23 && memcmp(res.body, "routed DELETE /things/1", 23) == 0);
}

static void child_boot_errors(void)
{
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    snprintf(cfg.app_dir, sizeof cfg.app_dir, "/nonexistent-app-dir");
    char *err = NULL;
    CHECK(qr_js_host_boot(&cfg, &err) == QR_EJS);
    CHECK(err && strstr(err, "no app entry"));
    free(err);
}

static void test_fetch_and_broadcast(void **s) { (void)s; in_child(child_fetch_and_broadcast); }
static void test_cable_ops(void **s) { (void)s; in_child(child_cable_ops); }
static void test_cable_deadline(void **s) { (void)s; in_child(child_cable_deadline); }
static void test_no_cable_handler(void **s) { (void)s; in_child(child_no_cable_handler); }
static void test_router_dispatch(void **s) { (void)s; in_child(child_router_dispatch); }
static void test_boot_errors(void **s) { (void)s; in_child(child_boot_errors); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_and_broadcast),
        cmocka_unit_test(test_cable_ops),
        cmocka_unit_test(test_cable_deadline),
        cmocka_unit_test(test_no_cable_handler),
        cmocka_unit_test(test_router_dispatch),
        cmocka_unit_test(test_boot_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
