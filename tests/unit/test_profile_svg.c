/* test_profile_svg.c — unit tests of profile_svg.c: folded stacks merge (identical stacks summed,
 * sorted, malformed lines dropped), and the flame graph's layout: one rect per distinct path,
 * widths proportional to samples, siblings ordered by name, depth rows from the bottom, names
 * XML-escaped, and an SVG that says so when there are no samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "profile_svg.h"

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static void test_merge_sums_and_sorts(void **state)
{
    (void)state;
    const char *in = "b;c 2\na;x 1\nb;c 3\nnot folded\nb;c x\n\na;x 4\r\n";
    qr_buf_t out = QR_BUF_INIT;
    uint64_t total = qr_profile_fold_merge(in, strlen(in), &out);
    assert_int_equal(total, 10);
    assert_string_equal(out.data, "a;x 5\nb;c 5\n");
    qr_buf_free(&out);
}

/* The rect of the frame titled `title`: its x and width. */
static int rect_of(const char *svg, const char *title, double *x, double *w, int *y)
{
    char key[256];
    snprintf(key, sizeof key, "<title>%s (", title);
    const char *p = strstr(svg, key);
    if (!p) return -1;
    p = strstr(p, "<rect x=\"");
    return sscanf(p, "<rect x=\"%lf\" y=\"%d\" width=\"%lf\"", x, y, w) == 3 ? 0 : -1;
}

static void test_svg_layout(void **state)
{
    (void)state;
    const char *in = "main;zeta 1\nmain;alpha 3\nmain;alpha;deep<&> 2\nother 4\n";
    qr_buf_t svg = QR_BUF_INIT;
    uint64_t total = qr_profile_svg("t\"<x>", in, strlen(in), &svg);
    assert_int_equal(total, 10);
    assert_non_null(strstr(svg.data, "<svg "));
    assert_non_null(strstr(svg.data, "</svg>\n"));
    assert_non_null(strstr(svg.data, "t&quot;&lt;x&gt; (10 samples)"));
    assert_non_null(strstr(svg.data, "<title>deep&lt;&amp;&gt; (2 samples, 20.00%)</title>"));
    assert_int_equal(count_of(svg.data, "<rect x="), 1 + 6); /* background + all, main, alpha, deep, zeta, other */
    double ax, aw, mx, mw, zx, zw, ox, ow, dx, dw;
    int ay, my, zy, oy, dy;
    assert_int_equal(rect_of(svg.data, "all", &ax, &aw, &ay), 0);
    assert_int_equal(rect_of(svg.data, "main", &mx, &mw, &my), 0);
    assert_int_equal(rect_of(svg.data, "alpha", &dx, &dw, &dy), 0);
    assert_int_equal(rect_of(svg.data, "zeta", &zx, &zw, &zy), 0);
    assert_int_equal(rect_of(svg.data, "other", &ox, &ow, &oy), 0);
    assert_true(aw > 1000);
    assert_true(mw > 0.59 * aw && mw < 0.61 * aw); /* 6 of 10 */
    assert_true(ow > 0.39 * aw && ow < 0.41 * aw);
    assert_true(mx < ox);                           /* main before other */
    assert_true(dx < zx && dx == mx);               /* alpha first under main, then zeta */
    assert_true(dw > 4.9 * zw && dw < 5.1 * zw);    /* 5 vs 1 */
    assert_int_equal(my, oy);                       /* one row per depth */
    assert_true(my < ay && dy < my);                /* rows grow upwards */
    qr_buf_free(&svg);
}

static void test_svg_empty(void **state)
{
    (void)state;
    qr_buf_t svg = QR_BUF_INIT;
    assert_int_equal(qr_profile_svg("empty", "junk\n", 5, &svg), 0);
    assert_non_null(strstr(svg.data, "empty: no samples"));
    assert_int_equal(count_of(svg.data, "<rect x="), 1);
    qr_buf_free(&svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_sums_and_sorts),
        cmocka_unit_test(test_svg_layout),
        cmocka_unit_test(test_svg_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
