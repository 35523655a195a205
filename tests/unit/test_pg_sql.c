/* test_pg_sql.c — pg_sql.c: placeholders become PostgreSQL's $N (`?`, `?N`, `$N`, named `:a`,
 * `@a`, `$a` with repeats sharing a number) while strings, quoted identifiers, comments, `::`
 * casts and dollar-quoted bodies pass through untouched; mixing named and positional, and an
 * over-long dollar-quote tag, are errors that leave nothing allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pg_sql.h"

/* Translates sql, checks the text and the parameter count, frees. */
static void expect(const char *sql, const char *want, int nparams)
{
    qr_pg_sql_t q;
    const char *err = NULL;
    assert_int_equal(qr_pg_sql_translate(sql, &q, &err), 0);
    assert_null(err);
    assert_string_equal(q.sql, want);
    assert_int_equal(q.nparams, nparams);
    qr_pg_sql_free(&q);
    assert_null(q.sql);
}

static void test_question_marks_number_in_order(void **state)
{
    (void)state;
    expect("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2", 2);
    expect("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", 3);
    expect("SELECT 1", "SELECT 1", 0);
    expect("", "", 0);
}

static void test_numbered_placeholders_keep_their_number(void **state)
{
    (void)state;
    expect("SELECT ?2, ?1, ?2", "SELECT $2, $1, $2", 2);
    expect("SELECT $1 + $3", "SELECT $1 + $3", 3);
    /* a bare ? continues after the highest number seen */
    expect("SELECT $2, ?", "SELECT $2, $3", 3);
}

static void test_strings_and_quoted_identifiers_untouched(void **state)
{
    (void)state;
    expect("SELECT '?', 'it''s ? here', ? FROM t", "SELECT '?', 'it''s ? here', $1 FROM t", 1);
    expect("SELECT \"odd?col\", \"a\"\"?\" FROM t WHERE x = ?", "SELECT \"odd?col\", \"a\"\"?\" FROM t WHERE x = $1", 1);
    expect("SELECT ':name', '@x', '$1'", "SELECT ':name', '@x', '$1'", 0);
    /* an unterminated string runs to the end */
    expect("SELECT 'open ? ", "SELECT 'open ? ", 0);
}

static void test_comments_untouched(void **state)
{
    (void)state;
    expect("SELECT ? -- is it ? or :a\n, ?", "SELECT $1 -- is it ? or :a\n, $2", 2);
    expect("SELECT /* ? :x @y */ ?", "SELECT /* ? :x @y */ $1", 1);
    expect("SELECT 1 -- trailing ?", "SELECT 1 -- trailing ?", 0);
    expect("SELECT 1 /* unterminated ?", "SELECT 1 /* unterminated ?", 0);
}

static void test_casts_are_not_named_placeholders(void **state)
{
    (void)state;
    expect("SELECT ?::int, created_at::date FROM t", "SELECT $1::int, created_at::date FROM t", 1);
}

static void test_dollar_quotes_untouched(void **state)
{
    (void)state;
    expect("DO $$ BEGIN PERFORM ?; END $$; SELECT ?", "DO $$ BEGIN PERFORM ?; END $$; SELECT $1", 1);
    expect("SELECT $fn$ :a ? $1 $fn$, ?", "SELECT $fn$ :a ? $1 $fn$, $1", 1);
    expect("SELECT $x$ unterminated ?", "SELECT $x$ unterminated ?", 0);
}

static void test_named_placeholders(void **state)
{
    (void)state;
    qr_pg_sql_t q;
    const char *err = NULL;
    assert_int_equal(qr_pg_sql_translate("SELECT :a, @b, $c, :a WHERE x = :b", &q, &err), 0);
    assert_string_equal(q.sql, "SELECT $1, $2, $3, $1 WHERE x = $2");
    assert_int_equal(q.nparams, 3);
    assert_non_null(q.names);
    assert_string_equal(q.names[0], "a");
    assert_string_equal(q.names[1], "b");
    assert_string_equal(q.names[2], "c");
    qr_pg_sql_free(&q);
    /* positional statements carry no names */
    assert_int_equal(qr_pg_sql_translate("SELECT ?", &q, &err), 0);
    assert_null(q.names);
    qr_pg_sql_free(&q);
    /* many names grow the table */
    assert_int_equal(qr_pg_sql_translate("SELECT :a1,:a2,:a3,:a4,:a5,:a6,:a7,:a8,:a9,:a10", &q, &err), 0);
    assert_string_equal(q.sql, "SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10");
    assert_string_equal(q.names[9], "a10");
    qr_pg_sql_free(&q);
}

static void test_errors(void **state)
{
    (void)state;
    qr_pg_sql_t q;
    const char *err = NULL;
    assert_int_equal(qr_pg_sql_translate("SELECT ?, :a", &q, &err), -1);
    assert_string_equal(err, "mixing named and positional placeholders is not supported");
    assert_null(q.sql);
    err = NULL;
    assert_int_equal(qr_pg_sql_translate("SELECT ?7, :a, :b", &q, &err), -1);
    assert_string_equal(err, "mixing named and positional placeholders is not supported");
    err = NULL;
    char sql[200] = "SELECT $";
    memset(sql + 8, 'a', 80);
    strcpy(sql + 88, "$ 1");
    assert_int_equal(qr_pg_sql_translate(sql, &q, &err), -1);
    assert_string_equal(err, "dollar-quote tag too long");
    assert_null(q.sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_question_marks_number_in_order),
        cmocka_unit_test(test_numbered_placeholders_keep_their_number),
        cmocka_unit_test(test_strings_and_quoted_identifiers_untouched),
        cmocka_unit_test(test_comments_untouched),
        cmocka_unit_test(test_casts_are_not_named_placeholders),
        cmocka_unit_test(test_dollar_quotes_untouched),
        cmocka_unit_test(test_named_placeholders),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("pg_sql", tests, NULL, NULL);
}
