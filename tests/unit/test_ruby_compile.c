/* test_ruby_compile.c — the whole Ruby compiler (ruby/ruby.h: parser + ERB + code generator)
 * over every Ruby file of the repo's Rails apps (the Rails scaffold fixture, the Ruby blog, the
 * Ruby test apps), and a seeded mutation loop (10k mutants of those files) through the same
 * entry point: a mutant compiles or gets an error `path:line:col: message`, never a crash.
 * Run under SAN=1 this is the ASan+UBSan run of the compiler over all fixtures. Written by
 * ruby-front to cover the generator's robustness (codegen.c is ruby-gen's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>
#include "buf.h"
#include "ruby/ruby.h"
#include "ruby_test.h"

typedef struct {
    char **paths;
    size_t n, cap;
} files_t;

static files_t corpus;

/* The Ruby apps whose files quickrail compiles (a folder with config/routes.rb and app/). */
static void walk(const char *dir, files_t *f)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0 || strcmp(e->d_name, "tmp") == 0) continue;
        /* Rails parts quickrail does not load (it never compiles them): jobs, mailers */
        if (strcmp(e->d_name, "jobs") == 0 || strcmp(e->d_name, "mailers") == 0) continue;
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path) continue;
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) { walk(path, f); continue; }
        if (!ends_with(path, ".rb") && !ends_with(path, ".jbuilder") && !ends_with(path, ".html.erb")) continue;
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 64;
            f->paths = realloc(f->paths, f->cap * sizeof *f->paths);
        }
        f->paths[f->n++] = strdup(path);
    }
    closedir(d);
}

static void load_corpus(void)
{
    if (corpus.n) return;
    const char *root = getenv("QUICKRAIL_ROOT");
    char abs[PATH_MAX];
    if (!realpath(root && *root ? root : ".", abs)) snprintf(abs, sizeof abs, ".");
    const char *apps[] = {"tests/fixtures/rails-scaffold", "examples/blog-ruby", "tests/ruby/fixtures/api",
                          "tests/ruby/golden"};
    for (size_t i = 0; i < sizeof apps / sizeof *apps; i++) {
        char d[PATH_MAX + 64];
        snprintf(d, sizeof d, "%s/%s", abs, apps[i]);
        walk(d, &corpus);
    }
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_every_app_file_compiles(void **state)
{
    (void)state;
    load_corpus();
    assert_true(corpus.n >= 40);
    int failed = 0, blog = 0;
    size_t bytes = 0;
    double blog_ms = 0;
    for (size_t i = 0; i < corpus.n; i++) {
        size_t len, js_len = 0;
        char *src = read_all(corpus.paths[i], &len);
        assert_non_null(src);
        char *err = NULL;
        double t0 = now_ms();
        char *js = qr_ruby_compile(corpus.paths[i], src, len, &js_len, &err);
        double dt = now_ms() - t0;
        if (strstr(corpus.paths[i], "/examples/blog-ruby/")) { blog++; blog_ms += dt; bytes += len; }
        if (!js) {
            print_error("%s:\n%s\n", corpus.paths[i], err ? err : "(no message)");
            failed++;
        } else {
            assert_int_equal(strlen(js), js_len);
            assert_true(js_len > 0 || len == 0);
        }
        free(js);
        free(err);
        free(src);
    }
    print_message("compiled %zu files; the Ruby blog's %d files (%zu bytes) in %.2f ms\n", corpus.n, blog, bytes, blog_ms);
    assert_int_equal(failed, 0);
}

/* "app/models/x.rb:12:3: ..." */
static int has_position(const char *err)
{
    const char *c = strchr(err, ':');
    if (!c || c == err) return 0;
    char *end;
    long line = strtol(c + 1, &end, 10);
    if (end == c + 1 || *end != ':' || line < 1) return 0;
    long col = strtol(end + 1, &end, 10);
    return col >= 1 && *end == ':';
}

static void test_mutants_compile_or_fail_cleanly(void **state)
{
    (void)state;
    load_corpus();
    static const char *const pieces[] = {"{", "}", "(", ")", "[", "]", "|x|", "\"", "#{", "do", "end", "\n",
                                         "?", ":", "::", "&.", "->", "*", "&", "=", "||=", "if ", "<%", "%>",
                                         "<%= ", "@", "self.", "super", "yield", "return", "x.", ".each"};
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    int ok = 0, rejected = 0;
    const int N = 10000;
    for (int iter = 0; iter < N; iter++) {
        const char *path = corpus.paths[rnd(&rng, (uint32_t)corpus.n)];
        size_t len;
        char *src = read_all(path, &len);
        qr_buf_t b = QR_BUF_INIT;
        qr_buf_append(&b, src, len);
        int nmut = 1 + (int)rnd(&rng, 3);
        for (int m = 0; m < nmut; m++) mutate(&b, &rng, pieces, sizeof pieces / sizeof *pieces);
        size_t js_len;
        char *err = NULL;
        char *js = qr_ruby_compile(path, b.data ? b.data : "", b.len, &js_len, &err);
        if (js) ok++;
        else {
            rejected++;
            if (!err || !has_position(err)) fail_msg("mutant %d of %s: error without path:line:col: %s", iter, path, err ? err : "(null)");
        }
        free(js);
        free(err);
        qr_buf_free(&b);
        free(src);
    }
    assert_true(ok > N / 50);
    assert_true(rejected > N / 50);
}

/* Multiple assignment with splats (the fuzz finding `json, *, *li = n`: a bare splat reached
 * the generator with no target): a trailing bare `*` compiles, a splat that is not last is a
 * positioned error, never a crash. */
static void test_masgn_splats(void **state)
{
    (void)state;
    static const struct { const char *src; int ok; const char *want; } cases[] = {
        {"class X\n  def f(n, list)\n    json, *, *li = n\n  end\nend\n", 0, "splat before other assignment targets"},
        {"class X\n  def f(n, list)\n    a, *, b = list\n  end\nend\n", 0, "splat before other assignment targets"},
        {"class X\n  def f(n, list)\n    a, *b, c = list\n  end\nend\n", 0, "splat before other assignment targets"},
        {"class X\n  def f(n, list)\n    a, * = list\n  end\nend\n", 1, "[a, ]"},
        {"class X\n  def f(n, list)\n    a, *rest = list\n  end\nend\n", 1, "...rest"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t js_len = 0;
        char *err = NULL;
        char *js = qr_ruby_compile("app/models/x.rb", cases[i].src, strlen(cases[i].src), &js_len, &err);
        if (cases[i].ok) {
            if (!js) fail_msg("%s: %s", cases[i].src, err ? err : "(null)");
            if (!strstr(js, cases[i].want)) fail_msg("%s: no `%s` in %s", cases[i].src, cases[i].want, js);
        } else {
            if (js) fail_msg("%s compiled: %s", cases[i].src, js);
            if (!err || !has_position(err) || !strstr(err, cases[i].want)) fail_msg("%s: %s", cases[i].src, err ? err : "(null)");
        }
        free(js);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_app_file_compiles),
        cmocka_unit_test(test_mutants_compile_or_fail_cleanly),
        cmocka_unit_test(test_masgn_splats),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t i = 0; i < corpus.n; i++) free(corpus.paths[i]);
    free(corpus.paths);
    return rc;
}
