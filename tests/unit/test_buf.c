/* test_buf.c — unit tests of buf.c: growth keeps bytes and the NUL after them, appending a
 * slice of the buffer to itself across a reallocation (http.c does it), printf appends of every
 * size, JSON string escaping as JSON.stringify does it, consume, reset, free and steal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"

static void test_append_grows_and_terminates(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    for (int i = 0; i < 10000; i++) qr_buf_append(&b, "abc", 3);
    assert_int_equal(b.len, 30000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], 0);
    assert_memory_equal(b.data + 29997, "abc", 3);
    qr_buf_append(&b, NULL, 0); /* an empty append changes nothing */
    assert_int_equal(b.len, 30000);
    qr_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
    qr_buf_append_str(&b, "again"); /* reusable after free */
    assert_string_equal(b.data, "again");
    qr_buf_free(&b);
}

static void test_append_from_itself(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "0123456789");
    /* fill exactly to capacity so the next append must reallocate (and free the source) */
    while (b.len + 1 < b.cap) qr_buf_append(&b, "x", 1);
    size_t before = b.len;
    qr_buf_append(&b, b.data, 10);
    assert_int_equal(b.len, before + 10);
    assert_memory_equal(b.data + before, "0123456789", 10);
    qr_buf_free(&b);
}

static void test_appendf(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_appendf(&b, "%d-%s", 42, "x");
    assert_string_equal(b.data, "42-x");
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = 0;
    qr_buf_appendf(&b, "[%s]", big);
    assert_int_equal(b.len, 4 + 2 + sizeof big - 1);
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], 0);
    size_t len = b.len;
    qr_buf_appendf(&b, "%s", ""); /* nothing to add */
    assert_int_equal(b.len, len);
    qr_buf_free(&b);
}

static void test_json_str(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    const char in[] = "a\"b\\c\n\r\t\b\f\x01\x1f/é<";
    qr_buf_append_json_str(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f/é<\"");
    qr_buf_reset(&b);
    qr_buf_append_json_str(&b, "", 0);
    assert_string_equal(b.data, "\"\"");
    qr_buf_reset(&b);
    const char nul[3] = {'a', 0, 'b'}; /* a NUL inside is escaped, not a terminator */
    qr_buf_append_json_str(&b, nul, 3);
    assert_string_equal(b.data, "\"a\\u0000b\"");
    qr_buf_free(&b);
}

static void test_consume_reset_steal(void **state)
{
    (void)state;
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "frame1frame2");
    qr_buf_consume(&b, 6);
    assert_string_equal(b.data, "frame2");
    assert_int_equal(b.len, 6);
    qr_buf_consume(&b, 100); /* more than there is: empty */
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    qr_buf_append_str(&b, "kept");
    size_t cap = b.cap;
    qr_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap); /* memory kept */
    assert_string_equal(b.data, "");
    qr_buf_append_str(&b, "mine");
    char *s = qr_buf_steal(&b);
    assert_string_equal(s, "mine");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    s = qr_buf_steal(&b); /* an empty buffer steals as "" */
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_grows_and_terminates),
        cmocka_unit_test(test_append_from_itself),
        cmocka_unit_test(test_appendf),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_consume_reset_steal),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
