/* test_js_pg.c — the PgDatabase class (js_pg.c) in a bare QuickJS runtime against a real
 * PostgreSQL 15 started on a free loopback port: the bun:sqlite surface, placeholders, types,
 * RETURNING, errors with SQLSTATE, transactions, createDatabase, a server that goes away (503
 * error) and comes back (reconnect), and a connection inherited across fork left alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
#include "quickjs.h"
#pragma GCC diagnostic pop
#include "common.h"
#include "js_priv.h"
#include "log.h"
#include "services.h"

static svc_t g_pg;
static char g_url[256];
static JSRuntime *g_rt;
static JSContext *g_ctx;

/* Evaluates src (a script whose last expression is a string) and returns it (static buffer);
 * an exception fails the test with its message. */
static const char *eval(const char *src)
{
    static char out[4096];
    JSValue v = JS_Eval(g_ctx, src, strlen(src), "<test>", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(v)) {
        JSValue e = JS_GetException(g_ctx);
        const char *m = JS_ToCString(g_ctx, e);
        JSValue stack = JS_GetPropertyStr(g_ctx, e, "stack");
        const char *st = JS_ToCString(g_ctx, stack);
        snprintf(out, sizeof out, "%s\n%s", m ? m : "?", st ? st : "");
        if (m) JS_FreeCString(g_ctx, m);
        if (st) JS_FreeCString(g_ctx, st);
        JS_FreeValue(g_ctx, stack);
        JS_FreeValue(g_ctx, e);
        fail_msg("JS exception: %s", out);
    }
    const char *s = JS_ToCString(g_ctx, v);
    snprintf(out, sizeof out, "%s", s ? s : "");
    if (s) JS_FreeCString(g_ctx, s);
    JS_FreeValue(g_ctx, v);
    return out;
}

static void new_runtime(void)
{
    g_rt = JS_NewRuntime();
    g_ctx = JS_NewContext(g_rt);
    assert_int_equal(qr__js_pg_init(g_ctx), 0);
    /* the class the "quickrail:pg" module exports, as a global for these scripts */
    JSValue global = JS_GetGlobalObject(g_ctx);
    JSValue ctor = qr__js_pg_constructor(g_ctx);
    assert_false(JS_IsException(ctor));
    assert_true(JS_SetPropertyStr(g_ctx, global, "PgDatabase", ctor) >= 0);
    JS_FreeValue(g_ctx, global);
    char src[512];
    snprintf(src, sizeof src,
             "globalThis.URL0 = %s; globalThis.db = new PgDatabase(URL0);"
             "globalThis.eq = (a, b, what) => { const x = JSON.stringify(a), y = JSON.stringify(b);"
             "  if (x !== y) throw new Error((what || 'value') + ': ' + x + ' !== ' + y); }; 'ok'",
             "'__URL__'");
    char *at = strstr(src, "__URL__");
    char full[768];
    snprintf(full, sizeof full, "%.*s%s%s", (int)(at - src), src, g_url, at + strlen("__URL__"));
    assert_string_equal(eval(full), "ok");
}

static void free_runtime(void)
{
    qr__js_pg_close_all();
    JS_FreeContext(g_ctx);
    JS_FreeRuntime(g_rt);
}

static int setup(void **state)
{
    (void)state;
    qr_log_set_level(QR_LOG_WARN);
    memset(&g_pg, 0, sizeof g_pg);
    return svc_pg_start_ready(&g_pg, g_url, sizeof g_url);
}

static int teardown(void **state)
{
    (void)state;
    svc_pg_stop(&g_pg);
    svc_cleanup(&g_pg);
    return 0;
}

static void test_crud_and_types(void **state)
{
    (void)state;
    new_runtime();
    assert_string_equal(eval(
        "db.exec(`DROP TABLE IF EXISTS articles; CREATE TABLE articles (id bigserial PRIMARY KEY,"
        "  title text NOT NULL, body text, published boolean DEFAULT false, views integer DEFAULT 0,"
        "  score double precision, created_at timestamp(6) NOT NULL DEFAULT '2024-01-02 03:04:05.123456',"
        "  data bytea)`);"
        "const ins = db.query('INSERT INTO articles (title, body, published, views, score) VALUES (?, ?, ?, ?, ?) RETURNING id');"
        "const r1 = ins.run('Hello', 'World', true, 7, 1.5);"
        "eq(r1, {changes: 1, lastInsertRowid: 1}, 'run');"
        "const r2 = ins.get('Second', null, false, 0, null);"
        "eq(r2, {id: 2}, 'get with RETURNING');"
        "eq(db.query('SELECT id, title, body, published, views, score, created_at FROM articles ORDER BY id').all(),"
        "  [{id: 1, title: 'Hello', body: 'World', published: true, views: 7, score: 1.5, created_at: '2024-01-02 03:04:05.123456'},"
        "   {id: 2, title: 'Second', body: null, published: false, views: 0, score: null, created_at: '2024-01-02 03:04:05.123456'}], 'all');"
        "eq(db.query('SELECT title FROM articles WHERE id = $1').get(2), {title: 'Second'}, '$1');"
        "eq(db.query('SELECT title FROM articles WHERE id = ?1 OR id = ?1').all(1), [{title: 'Hello'}], '?1');"
        "eq(db.query('SELECT title FROM articles WHERE title = :t AND views >= $min').get({t: 'Hello', $min: 1}), {title: 'Hello'}, 'named');"
        "eq(db.query('SELECT id, title FROM articles ORDER BY id').values(), [[1, 'Hello'], [2, 'Second']], 'values');"
        "eq(db.query('SELECT id FROM articles WHERE id = 99').get(), null, 'get none');"
        "eq(db.query(\"SELECT '?' AS q, 'it''s ?' AS r, 5::text AS c, $$ :x ? $$ AS d\").get(), {q: '?', r: \"it's ?\", c: '5', d: ' :x ? '}, 'literals untouched');"
        "eq(db.query('SELECT 9007199254740991::int8 AS big, 2::int2 AS s, 1.25::numeric AS n, now() IS NOT NULL AS t').get(),"
        "  {big: 9007199254740991, s: 2, n: '1.25', t: true}, 'types');"
        "const upd = db.run('UPDATE articles SET views = views + ? WHERE id IN (1, 2)', 1);"
        "eq(upd.changes, 2, 'changes');"
        "db.query('UPDATE articles SET data = ? WHERE id = 1').run(new Uint8Array([0, 1, 255]));"
        "eq(Array.from(db.query('SELECT data FROM articles WHERE id = 1').get().data), [0, 1, 255], 'bytea');"
        "db.query('UPDATE articles SET created_at = ? WHERE id = 2').run(new Date(Date.UTC(2020, 0, 1)));"
        "eq(db.query('SELECT created_at FROM articles WHERE id = 2').get().created_at, '2020-01-01 00:00:00', 'Date');"
        "const st = db.query('SELECT id, title FROM articles LIMIT 1'); st.all(); eq(st.columnNames, ['id', 'title'], 'columnNames');"
        "eq(db.query('SELECT 1') === db.query('SELECT 1'), true, 'query caches');"
        "eq(db.prepare('SELECT 1') === db.prepare('SELECT 1'), false, 'prepare does not');"
        "'ok'"), "ok");
    free_runtime();
}

static void test_errors_and_transactions(void **state)
{
    (void)state;
    new_runtime();
    assert_string_equal(eval(
        "db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (id serial PRIMARY KEY, name text UNIQUE NOT NULL)');"
        "let err;"
        "try { db.query('SELEC 1').all(); } catch (e) { err = e; }"
        "eq([err.name, err.code, err.message], ['PostgresError', '42601', 'syntax error at or near \"SELEC\"'], 'syntax');"
        "db.run('INSERT INTO t (name) VALUES (?)', 'a');"
        "try { db.run('INSERT INTO t (name) VALUES (?)', 'a'); } catch (e) { err = e; }"
        "eq([err.code, err.constraint, err.table], ['23505', 't_name_key', 't'], 'unique');"
        "try { db.run('INSERT INTO t (name) VALUES (?)', null); } catch (e) { err = e; }"
        "eq([err.code, err.column], ['23502', 'name'], 'not null');"
        "const add = db.transaction((names) => { for (const n of names) db.run('INSERT INTO t (name) VALUES (?)', n); return names.length; });"
        "eq(add(['b', 'c']), 2, 'tx result');"
        "try { add(['d', 'a']); } catch (e) { err = e; }"
        "eq(err.code, '23505', 'tx error rethrown');"
        "eq(db.query('SELECT name FROM t ORDER BY name').values(), [['a'], ['b'], ['c']], 'rolled back');"
        "const outer = db.transaction(() => { db.run(\"INSERT INTO t (name) VALUES ('x')\");"
        "  try { db.transaction(() => { db.run(\"INSERT INTO t (name) VALUES ('y')\"); throw new Error('inner'); })(); } catch (e) {}"
        "  eq(db.inTransaction, true, 'inTransaction'); });"
        "outer();"
        "eq(db.inTransaction, false, 'after');"
        "eq(db.query(\"SELECT name FROM t WHERE name IN ('x', 'y')\").values(), [['x']], 'savepoint');"
        "eq(PgDatabase.createDatabase(URL0.replace(/postgres$/, 'qr_new')), true, 'created');"
        "eq(PgDatabase.createDatabase(URL0.replace(/postgres$/, 'qr_new')), false, 'existed');"
        "const other = new PgDatabase(URL0.replace(/postgres$/, 'qr_new'));"
        "eq(other.query('SELECT current_database() AS d').get(), {d: 'qr_new'}, 'connects');"
        "other.close();"
        "try { new PgDatabase(URL0.replace(/postgres$/, 'qr_missing')).query('SELECT 1').get(); } catch (e) { err = e; }"
        "eq([err.name, err.code], ['PostgresError', '3D000'], 'missing db');"
        "eq(PgDatabase.dropDatabase(URL0.replace(/postgres$/, 'qr_new')), true, 'dropped');"
        "'ok'"), "ok");
    free_runtime();
}

static void test_down_and_back(void **state)
{
    (void)state;
    new_runtime();
    assert_string_equal(eval("eq(db.query('SELECT 1 AS one').get(), {one: 1}); 'ok'"), "ok");
    svc_pg_stop(&g_pg);
    assert_string_equal(eval(
        "let err; try { db.query('SELECT 1 AS one').get(); } catch (e) { err = e; }"
        "eq([err.name, err.code, err.status], ['DatabaseUnavailable', 'DATABASE_UNAVAILABLE', 503], 'down');"
        "err = null; try { db.run('INSERT INTO t (name) VALUES (?)', 'zz'); } catch (e) { err = e; }"
        "eq(err.status, 503, 'down write'); 'ok'"), "ok");
    assert_int_equal(svc_pg_start_ready(&g_pg, g_url, sizeof g_url), 0);
    assert_string_equal(eval("eq(db.query('SELECT 2 AS two').get(), {two: 2}, 'back'); 'ok'"), "ok");
    /* a server restart under an open connection: the read is retried on a new one */
    svc_pg_stop(&g_pg);
    assert_int_equal(svc_pg_start_ready(&g_pg, g_url, sizeof g_url), 0);
    assert_string_equal(eval("eq(db.query('SELECT 3 AS three').get(), {three: 3}, 'retried read'); 'ok'"), "ok");
    free_runtime();
}

static void test_fork_leaves_parent_connection(void **state)
{
    (void)state;
    new_runtime();
    assert_string_equal(eval("globalThis.pid0 = db.query('SELECT pg_backend_pid() AS p').get().p; 'ok'"), "ok");
    pid_t pid = fork();
    if (pid == 0) {
        /* the child gets its own connection and leaves the parent's alone */
        JSValue v = JS_Eval(g_ctx, "db.query('SELECT pg_backend_pid() AS p').get().p !== pid0", 55, "<c>", 0);
        _exit(JS_ToBool(g_ctx, v) ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_string_equal(eval("eq(db.query('SELECT pg_backend_pid() AS p').get().p, pid0, 'parent kept its session'); 'ok'"), "ok");
    free_runtime();
}

static void test_statement_timeout_is_the_deadline(void **state)
{
    (void)state;
    setenv("QUICKRAIL_DEADLINE_MS", "300", 1);
    new_runtime();
    uint64_t t0 = qr_now_ms();
    assert_string_equal(eval(
        "let err; try { db.query('SELECT pg_sleep(5)').get(); } catch (e) { err = e; }"
        "eq([err.name, err.code], ['PostgresError', '57014'], 'canceled');"
        "eq(db.query('SELECT 1 AS one').get(), {one: 1}, 'connection still usable'); 'ok'"), "ok");
    assert_true(qr_now_ms() - t0 < 3000);
    free_runtime();
    unsetenv("QUICKRAIL_DEADLINE_MS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crud_and_types),
        cmocka_unit_test(test_errors_and_transactions),
        cmocka_unit_test(test_down_and_back),
        cmocka_unit_test(test_fork_leaves_parent_connection),
        cmocka_unit_test(test_statement_timeout_is_the_deadline),
    };
    return cmocka_run_group_tests_name("js_pg", tests, setup, teardown);
}
