/* test_static.c — unit tests of static.c: URL path -> file under public/ (exact, .html,
 * index.html), traversal and NUL refused, symlinks out of the root refused, MIME types, ETag
 * matching for If-None-Match. Works in a temporary folder it removes afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "static.h"

static char root[256];
static char outside[300];

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/qr-static-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    snprintf(root, sizeof root, "%s/public", d);
    snprintf(outside, sizeof outside, "%s/secret.txt", d);
    mkdir(root, 0755);
    char p[512];
    snprintf(p, sizeof p, "%s/docs", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/assets", root);
    mkdir(p, 0755);
    put("/hello.txt", "hi\n");
    put("/about.html", "<p>about</p>");
    put("/docs/index.html", "<p>docs</p>");
    put("/index.html", "<p>home</p>");
    put("/assets/app-abc123.css", "body{}");
    put("/a b.txt", "space");
    FILE *f = fopen(outside, "w");
    fputs("secret", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/link.txt", root);
    assert_int_equal(symlink(outside, p), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(root) - 7), root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_lookup_rules(void **state)
{
    (void)state;
    qr_static_file_t f;
    assert_int_equal(qr_static_lookup(root, "/hello.txt", 1, &f), QR_STATIC_FOUND);
    assert_int_equal(f.len, 3);
    assert_memory_equal(f.data, "hi\n", 3);
    assert_string_equal(f.mime, "text/plain; charset=utf-8");
    assert_true(f.etag[0] == '"');
    qr_static_file_free(&f);
    assert_int_equal(qr_static_lookup(root, "/about", 1, &f), QR_STATIC_FOUND); /* path.html */
    assert_memory_equal(f.data, "<p>about</p>", 12);
    qr_static_file_free(&f);
    assert_int_equal(qr_static_lookup(root, "/docs", 1, &f), QR_STATIC_FOUND); /* path/index.html */
    assert_memory_equal(f.data, "<p>docs</p>", 11);
    qr_static_file_free(&f);
    assert_int_equal(qr_static_lookup(root, "/docs/", 0, &f), QR_STATIC_FOUND);
    assert_null(f.data); /* body not wanted (HEAD / 304) */
    assert_int_equal(qr_static_lookup(root, "/", 1, &f), QR_STATIC_FOUND);
    assert_memory_equal(f.data, "<p>home</p>", 11);
    qr_static_file_free(&f);
    assert_int_equal(qr_static_lookup(root, "/a%20b.txt", 1, &f), QR_STATIC_FOUND);
    qr_static_file_free(&f);
    assert_int_equal(qr_static_lookup(root, "/assets/app-abc123.css", 0, &f), QR_STATIC_FOUND);
    assert_true(f.immutable);
    assert_string_equal(f.mime, "text/css; charset=utf-8");
    assert_int_equal(qr_static_lookup(root, "/missing", 1, &f), QR_STATIC_NOT_FOUND);
    assert_int_equal(qr_static_lookup(root, "/hello.txt/", 1, &f), QR_STATIC_NOT_FOUND);
}

static void test_traversal_refused(void **state)
{
    (void)state;
    qr_static_file_t f;
    const char *bad[] = {"/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                         "/..", "/./hello.txt", "/a%00b", "/..\\secret.txt", "relative", "/link.txt"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = qr_static_lookup(root, bad[i], 1, &f);
        if (r != QR_STATIC_REFUSED) fail_msg("%s: expected refused, got %d", bad[i], r);
    }
    /* a malformed escape is the client's error (400), not a refused path (404) */
    const char *malformed[] = {"/%zz", "/%f", "/a%", "/%g0"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        assert_int_equal(qr_static_lookup(root, malformed[i], 1, &f), QR_STATIC_BAD_ESCAPE);
}

static void test_mime(void **state)
{
    (void)state;
    assert_string_equal(qr_static_mime("x.js"), "text/javascript; charset=utf-8");
    assert_string_equal(qr_static_mime("x.JSON"), "application/json");
    assert_string_equal(qr_static_mime("/a.b/c"), "application/octet-stream");
    assert_string_equal(qr_static_mime("img.svg"), "image/svg+xml");
    assert_string_equal(qr_static_mime("f.woff2"), "font/woff2");
    assert_string_equal(qr_static_mime("noext"), "application/octet-stream");
}

static void test_etag_match(void **state)
{
    (void)state;
    const char *e = "\"abc-123\"";
    const char *yes[] = {"\"abc-123\"", "W/\"abc-123\"", "\"x\", \"abc-123\"", "*", " \"abc-123\" ,\"y\""};
    const char *no[] = {"\"abc-12\"", "abc-123", "\"x\"", ""};
    for (size_t i = 0; i < 5; i++) assert_true(qr_static_etag_matches(yes[i], strlen(yes[i]), e));
    for (size_t i = 0; i < 4; i++) assert_false(qr_static_etag_matches(no[i], strlen(no[i]), e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_rules),
        cmocka_unit_test(test_traversal_refused),
        cmocka_unit_test(test_mime),
        cmocka_unit_test(test_etag_match),
    };
    return cmocka_run_group_tests_name("http_static", tests, setup, teardown);
}
