/* js_pg.c — the `PgDatabase` JavaScript class: the bun:sqlite `Database` surface (query /
 * prepare -> statement with all/get/run/values, run, exec, transaction, close) over libpq, so
 * the framework's model layer runs unchanged on PostgreSQL. One connection per PgDatabase per
 * process, opened lazily at first use (so after fork, in the worker), dropped unused when
 * inherited across fork, re-opened after a failure. Blocking libpq calls: this runs in a worker
 * or a script, under the worker's deadline, never in the supervisor. `?`, `?N`, `$N` and named
 * (`$a`, `:a`, `@a`) placeholders become PostgreSQL's `$N` (pg_sql.c, pure and unit-tested);
 * creating and dropping a database (PgDatabase.createDatabase/dropDatabase, for db:create and
 * the tests) is the admin section at the end, apart from the connection code. Calls QuickJS,
 * js_util.c (js_priv.h), pg_sql.c, libpq, log.c.
 * Ownership: the native db (pgdb_t) is reference-counted by its JS object and its statements;
 * every PGresult is cleared in the function that got it. */
#include "pg_sql.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "buf.h"
#include "common.h"
#include "js_priv.h"
#include "log.h"

typedef struct pgdb {
    struct pgdb *next;  /* every db of this process, for qr__js_pg_close_all */
    int refs;           /* the JS object + each statement */
    PGconn *conn;       /* NULL until first use / after a failure */
    pid_t pid;          /* process that opened conn */
    unsigned gen;       /* bumps on every new connection */
    char *url;          /* owned */
    int closed;
    int tx_depth;       /* transaction() nesting on the current connection */
    int tx_lost;        /* the connection died inside a transaction */
} pgdb_t;

typedef struct {
    pgdb_t *db;         /* counted reference */
    char *sql;          /* translated to $N; owned */
    int nparams;
    char **names;       /* names[i]: name of $i+1 for named placeholders, else NULL; owned */
    JSValue columns;    /* array of column names of the last execution (or undefined) */
} pgstmt_t;

typedef struct { /* bound parameters, owned */
    int n;
    char **vals;
    int *lens;
    int *fmts;
} params_t;

static JSClassID g_db_class, g_stmt_class;
static pgdb_t *g_dbs;
static uint64_t g_last_down_log;

/* ---- errors ---- */

static JSValue throw_named(JSContext *ctx, const char *name, const char *code, const char *msg)
{
    JSValue e = JS_NewError(ctx);
    JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, msg));
    JS_SetPropertyStr(ctx, e, "name", JS_NewString(ctx, name));
    if (code) JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, code));
    return JS_Throw(ctx, e);
}

static void one_line(char *s)
{
    size_t n = 0;
    for (const char *q = s; *q; q++) {
        char ch = (*q == '\n' || *q == '\t' || *q == '\r') ? ' ' : *q;
        if (ch == ' ' && (n == 0 || s[n - 1] == ' ')) continue;
        s[n++] = ch;
    }
    while (n && s[n - 1] == ' ') n--;
    s[n] = 0;
}

static JSValue throw_unavailable(JSContext *ctx, const char *why)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", why && why[0] ? why : "connection failed");
    one_line(msg);
    uint64_t now = qr_now_ms();
    if (!g_last_down_log || now - g_last_down_log >= 5000) {
        qr_error("db: PostgreSQL unavailable: %s (requests needing it get 503)", msg);
        g_last_down_log = now;
    }
    char full[600];
    snprintf(full, sizeof full, "PostgreSQL unavailable: %s", msg);
    JSValue e = JS_NewError(ctx);
    JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, full));
    JS_SetPropertyStr(ctx, e, "name", JS_NewString(ctx, "DatabaseUnavailable"));
    JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, "DATABASE_UNAVAILABLE"));
    JS_SetPropertyStr(ctx, e, "status", JS_NewInt32(ctx, 503));
    return JS_Throw(ctx, e);
}

static JSValue throw_result(JSContext *ctx, const PGresult *r)
{
    const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", primary ? primary : PQresultErrorMessage(r));
    one_line(msg);
    JSValue e = JS_NewError(ctx);
    JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, msg));
    JS_SetPropertyStr(ctx, e, "name", JS_NewString(ctx, "PostgresError"));
    if (state) JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, state));
    static const struct { int field; const char *name; } extra[] = {
        {PG_DIAG_MESSAGE_DETAIL, "detail"}, {PG_DIAG_MESSAGE_HINT, "hint"},
        {PG_DIAG_CONSTRAINT_NAME, "constraint"}, {PG_DIAG_TABLE_NAME, "table"},
        {PG_DIAG_COLUMN_NAME, "column"}, {PG_DIAG_SEVERITY_NONLOCALIZED, "severity"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(extra); i++) {
        const char *v = PQresultErrorField(r, extra[i].field);
        if (v) JS_SetPropertyStr(ctx, e, extra[i].name, JS_NewString(ctx, v));
    }
    return JS_Throw(ctx, e);
}

/* ---- connections ---- */

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    qr_debug("db: %s", message);
}

/* A connection opened by the parent process: never used or terminated here (the parent's
 * session would end); its socket is replaced by /dev/null before libpq lets go of it. */
static void drop_inherited(pgdb_t *db)
{
    int fd = PQsocket(db->conn);
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0 && nul >= 0) dup2(nul, fd);
    if (nul >= 0) close(nul);
    PQfinish(db->conn);
    db->conn = NULL;
}

static void lose(pgdb_t *db)
{
    if (db->conn) PQfinish(db->conn);
    db->conn = NULL;
    if (db->tx_depth > 0) db->tx_lost = 1;
    db->tx_depth = 0;
}

static PGconn *connect_url(const char *url, char *err, size_t errlen, int *missing_db)
{
    /* Defaults first: what the URL says wins (libpq keeps the last value of a keyword). A
     * statement may not outlive the request's deadline: the worker cannot interrupt libpq. */
    char opts[64];
    const char *dl = getenv("QUICKRAIL_DEADLINE_MS");
    snprintf(opts, sizeof opts, "-c statement_timeout=%ld", dl && atol(dl) > 0 ? atol(dl) : 15000L);
    const char *keys[] = {"connect_timeout", "application_name", "options", "dbname", NULL};
    const char *vals[] = {"5", "quickrail", opts, url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    *missing_db = 0;
    if (c && PQstatus(c) == CONNECTION_OK) {
        PQsetNoticeProcessor(c, quiet_notice, NULL);
        return c;
    }
    snprintf(err, errlen, "%s", c ? PQerrorMessage(c) : "out of memory");
    one_line(err);
    if (strstr(err, "database \"") && strstr(err, "does not exist")) *missing_db = 1;
    if (c) PQfinish(c);
    return NULL;
}

/* Returns 0 with db->conn usable, or -1 with an exception thrown. */
static int ensure_conn(JSContext *ctx, pgdb_t *db)
{
    if (db->closed) { throw_named(ctx, "Error", "ERR_DB_CLOSED", "PgDatabase: the database is closed"); return -1; }
    if (db->conn && db->pid != getpid()) drop_inherited(db);
    if (db->tx_lost) {
        throw_unavailable(ctx, "the connection was lost inside a transaction");
        return -1;
    }
    if (db->conn && PQstatus(db->conn) != CONNECTION_OK) lose(db);
    if (db->conn) return 0;
    char err[512];
    int missing;
    db->conn = connect_url(db->url, err, sizeof err, &missing);
    if (!db->conn) {
        if (missing) throw_named(ctx, "PostgresError", "3D000", err);
        else throw_unavailable(ctx, err);
        return -1;
    }
    db->pid = getpid();
    db->gen++;
    db->tx_depth = 0;
    if (g_last_down_log) {
        qr_info("db: PostgreSQL reachable again");
        g_last_down_log = 0;
    }
    return 0;
}

/* A statement that only reads, so it can be retried once on a fresh connection. */
static int is_read(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(') sql++;
    if (strncasecmp(sql, "select", 6) && strncasecmp(sql, "show", 4) && strncasecmp(sql, "values", 6)) return 0;
    static const char *writes[] = {"insert", "update", "delete", "nextval", "setval", "for update", "into"};
    for (size_t i = 0; i < QR_ARRAY_LEN(writes); i++)
        if (strcasestr(sql, writes[i])) return 0;
    return 1;
}

/* Runs sql (several statements allowed when p is NULL). Returns an owned result, or NULL with an
 * exception thrown. */
static PGresult *execute(JSContext *ctx, pgdb_t *db, const char *sql, const params_t *p)
{
    for (int attempt = 0;; attempt++) {
        if (ensure_conn(ctx, db) < 0) return NULL;
        PGresult *r = p ? PQexecParams(db->conn, sql, p->n, NULL, (const char *const *)p->vals, p->lens, p->fmts, 0)
                        : PQexec(db->conn, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return r;
        if (PQstatus(db->conn) != CONNECTION_OK) {
            char err[512];
            snprintf(err, sizeof err, "%s", PQerrorMessage(db->conn));
            PQclear(r);
            int in_tx = db->tx_depth > 0;
            lose(db);
            if (attempt == 0 && !in_tx && is_read(sql)) {
                qr_warn("db: PostgreSQL connection lost; retrying a read on a new connection");
                continue;
            }
            throw_unavailable(ctx, err);
            return NULL;
        }
        throw_result(ctx, r);
        PQclear(r);
        return NULL;
    }
}

/* ---- placeholders (pg_sql.c) ---- */

static void stmt_free_names(pgstmt_t *st)
{
    if (!st->names) return;
    for (int i = 0; i < st->nparams; i++) free(st->names[i]);
    free(st->names);
    st->names = NULL;
}

/* Translates sql into st->sql / nparams / names. Returns 0 or -1 with *err set (static). */
static int translate(const char *sql, pgstmt_t *st, const char **err)
{
    qr_pg_sql_t q;
    if (qr_pg_sql_translate(sql, &q, err) < 0) return -1;
    st->sql = q.sql;
    st->nparams = q.nparams;
    st->names = q.names;
    return 0;
}

/* ---- parameters ---- */

static void params_free(params_t *p)
{
    for (int i = 0; i < p->n; i++) free(p->vals[i]);
    free(p->vals);
    free(p->lens);
    free(p->fmts);
    memset(p, 0, sizeof *p);
}

/* Converts one JS value to a parameter. Returns 0 or -1 (exception pending). */
static int bind_one(JSContext *ctx, JSValueConst v, params_t *p, int i)
{
    p->vals[i] = NULL;
    p->lens[i] = 0;
    p->fmts[i] = 0;
    if (JS_IsNull(v) || JS_IsUndefined(v)) return 0;
    if (JS_IsBool(v)) { p->vals[i] = qr_xstrdup(JS_ToBool(ctx, v) ? "t" : "f"); return 0; }
    if (JS_IsNumber(v)) {
        double d;
        JS_ToFloat64(ctx, &d, v);
        char num[64];
        if (isnan(d)) snprintf(num, sizeof num, "NaN");
        else if (isinf(d)) snprintf(num, sizeof num, d > 0 ? "Infinity" : "-Infinity");
        else if (d == floor(d) && fabs(d) < 9007199254740992.0) snprintf(num, sizeof num, "%lld", (long long)d);
        else snprintf(num, sizeof num, "%.17g", d);
        p->vals[i] = qr_xstrdup(num);
        return 0;
    }
    if (JS_IsString(v) || JS_IsBigInt(ctx, v)) {
        size_t n;
        const char *s = JS_ToCStringLen(ctx, &n, v);
        if (!s) return -1;
        p->vals[i] = qr_xstrndup(s, n);
        JS_FreeCString(ctx, s);
        return 0;
    }
    if (JS_IsObject(v)) {
        const uint8_t *bytes;
        size_t n;
        const char *tmp; /* stays NULL: v is not a string */
        if (qr__js_bytes(ctx, v, &bytes, &n, &tmp) == 0) { /* bytea, binary format */
            p->vals[i] = qr_xmalloc(n ? n : 1);
            memcpy(p->vals[i], bytes, n);
            p->lens[i] = (int)n;
            p->fmts[i] = 1;
            return 0;
        }
        JS_FreeValue(ctx, JS_GetException(ctx)); /* not bytes: a Date or JSON below */
        JSValue iso = JS_GetPropertyStr(ctx, v, "toISOString");
        JSValue text;
        if (JS_IsFunction(ctx, iso)) text = JS_Call(ctx, iso, v, 0, NULL); /* Date */
        else text = JS_JSONStringify(ctx, v, JS_UNDEFINED, JS_UNDEFINED);
        JS_FreeValue(ctx, iso);
        if (JS_IsException(text)) return -1;
        size_t tn;
        const char *s = JS_ToCStringLen(ctx, &tn, text);
        JS_FreeValue(ctx, text);
        if (!s) return -1;
        p->vals[i] = qr_xstrndup(s, tn);
        JS_FreeCString(ctx, s);
        return 0;
    }
    JS_ThrowTypeError(ctx, "PgDatabase: cannot bind a value of this type");
    return -1;
}

/* Binds argv to st's placeholders. Returns 0 or -1 (exception pending). */
static int bind_all(JSContext *ctx, pgstmt_t *st, int argc, JSValueConst *argv, params_t *p)
{
    p->n = st->nparams;
    p->vals = qr_xcalloc((size_t)p->n + 1, sizeof *p->vals);
    p->lens = qr_xcalloc((size_t)p->n + 1, sizeof *p->lens);
    p->fmts = qr_xcalloc((size_t)p->n + 1, sizeof *p->fmts);
    if (st->names) {
        if (argc < 1 || !JS_IsObject(argv[0])) {
            JS_ThrowTypeError(ctx, "PgDatabase: this statement has named placeholders; pass an object");
            return -1;
        }
        for (int i = 0; i < p->n; i++) {
            static const char *sigils[] = {"", "$", ":", "@"};
            JSValue v = JS_UNDEFINED;
            for (size_t k = 0; k < QR_ARRAY_LEN(sigils) && JS_IsUndefined(v); k++) {
                char key[256];
                snprintf(key, sizeof key, "%s%s", sigils[k], st->names[i]);
                v = JS_GetPropertyStr(ctx, argv[0], key);
                if (JS_IsException(v)) return -1;
            }
            int rc = bind_one(ctx, v, p, i);
            JS_FreeValue(ctx, v);
            if (rc < 0) return -1;
        }
        return 0;
    }
    if (argc == 1 && p->n > 1 && JS_IsArray(ctx, argv[0])) { /* stmt.all([a, b]) */
        for (int i = 0; i < p->n; i++) {
            JSValue v = JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i);
            int rc = bind_one(ctx, v, p, i);
            JS_FreeValue(ctx, v);
            if (rc < 0) return -1;
        }
        return 0;
    }
    for (int i = 0; i < p->n; i++)
        if (bind_one(ctx, i < argc ? argv[i] : JS_UNDEFINED, p, i) < 0) return -1;
    return 0;
}

/* ---- results ---- */

static JSValue cell(JSContext *ctx, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) return JS_NULL;
    const char *v = PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    switch (PQftype(r, col)) {
    case 16: /* bool */
        return JS_NewBool(ctx, v[0] == 't');
    case 20: case 21: case 23: case 26: /* int8, int2, int4, oid */
        return JS_NewInt64(ctx, strtoll(v, NULL, 10));
    case 700: case 701: /* float4, float8 */
        return JS_NewFloat64(ctx, strtod(v, NULL));
    case 17: { /* bytea */
        size_t n;
        unsigned char *bytes = PQunescapeBytea((const unsigned char *)v, &n);
        if (!bytes) return JS_ThrowOutOfMemory(ctx);
        JSValue out = qr__js_new_uint8array(ctx, bytes, n);
        PQfreemem(bytes);
        return out;
    }
    default:
        return JS_NewStringLen(ctx, v, (size_t)len);
    }
}

static JSValue row_object(JSContext *ctx, const PGresult *r, int row)
{
    JSValue obj = JS_NewObject(ctx);
    int nf = PQnfields(r);
    for (int c = 0; c < nf; c++) {
        JSValue v = cell(ctx, r, row, c);
        if (JS_IsException(v)) { JS_FreeValue(ctx, obj); return v; }
        JS_DefinePropertyValueStr(ctx, obj, PQfname(r, c), v, JS_PROP_C_W_E);
    }
    return obj;
}

static JSValue row_array(JSContext *ctx, const PGresult *r, int row)
{
    JSValue arr = JS_NewArray(ctx);
    int nf = PQnfields(r);
    for (int c = 0; c < nf; c++) {
        JSValue v = cell(ctx, r, row, c);
        if (JS_IsException(v)) { JS_FreeValue(ctx, arr); return v; }
        JS_SetPropertyUint32(ctx, arr, (uint32_t)c, v);
    }
    return arr;
}

static JSValue run_info(JSContext *ctx, const PGresult *r)
{
    JSValue o = JS_NewObject(ctx);
    const char *t = PQcmdTuples((PGresult *)r);
    JS_SetPropertyStr(ctx, o, "changes", JS_NewInt64(ctx, t && *t ? strtoll(t, NULL, 10) : 0));
    JSValue id = JS_NewInt32(ctx, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) {
        JS_FreeValue(ctx, id);
        id = cell(ctx, r, 0, 0);
        if (JS_IsException(id)) { JS_FreeValue(ctx, o); return id; }
    }
    JS_SetPropertyStr(ctx, o, "lastInsertRowid", id);
    return o;
}

/* ---- statement class ---- */

static void stmt_finalizer(JSRuntime *rt, JSValue val);
static void db_release(pgdb_t *db);

static void stmt_gc_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    pgstmt_t *st = JS_GetOpaque(val, g_stmt_class);
    if (st) JS_MarkValue(rt, st->columns, mark);
}

static JSClassDef stmt_class_def = {"PgStatement", .finalizer = stmt_finalizer, .gc_mark = stmt_gc_mark};

static void stmt_finalizer(JSRuntime *rt, JSValue val)
{
    pgstmt_t *st = JS_GetOpaque(val, g_stmt_class);
    if (!st) return;
    JS_FreeValueRT(rt, st->columns);
    stmt_free_names(st);
    free(st->sql);
    db_release(st->db);
    free(st);
}

enum { EX_ALL, EX_GET, EX_RUN, EX_VALUES };

static JSValue stmt_exec(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    pgstmt_t *st = JS_GetOpaque2(ctx, this_val, g_stmt_class);
    if (!st) return JS_EXCEPTION;
    if (!st->sql) return JS_ThrowTypeError(ctx, "PgDatabase: statement was finalized");
    params_t p = {0};
    JSValue out = JS_EXCEPTION;
    if (bind_all(ctx, st, argc, argv, &p) < 0) goto done;
    PGresult *r = execute(ctx, st->db, st->sql, &p);
    if (!r) goto done;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        JSValue cols = JS_NewArray(ctx);
        for (int c = 0; c < PQnfields(r); c++) JS_SetPropertyUint32(ctx, cols, (uint32_t)c, JS_NewString(ctx, PQfname(r, c)));
        JS_FreeValue(ctx, st->columns);
        st->columns = cols;
    }
    int rows = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    switch (magic) {
    case EX_RUN:
        out = run_info(ctx, r);
        break;
    case EX_GET:
        out = rows ? row_object(ctx, r, 0) : JS_NULL;
        break;
    default:
        out = JS_NewArray(ctx);
        for (int i = 0; i < rows; i++) {
            JSValue v = magic == EX_VALUES ? row_array(ctx, r, i) : row_object(ctx, r, i);
            if (JS_IsException(v)) { JS_FreeValue(ctx, out); out = v; break; }
            JS_SetPropertyUint32(ctx, out, (uint32_t)i, v);
        }
    }
    PQclear(r);
done:
    params_free(&p);
    return out;
}

static JSValue stmt_finalize(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgstmt_t *st = JS_GetOpaque2(ctx, this_val, g_stmt_class);
    if (!st) return JS_EXCEPTION;
    free(st->sql);
    st->sql = NULL;
    return JS_UNDEFINED;
}

static JSValue stmt_columns(JSContext *ctx, JSValueConst this_val)
{
    pgstmt_t *st = JS_GetOpaque2(ctx, this_val, g_stmt_class);
    if (!st) return JS_EXCEPTION;
    return JS_IsUndefined(st->columns) ? JS_NewArray(ctx) : JS_DupValue(ctx, st->columns);
}

static JSValue stmt_to_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgstmt_t *st = JS_GetOpaque2(ctx, this_val, g_stmt_class);
    if (!st) return JS_EXCEPTION;
    return JS_NewString(ctx, st->sql ? st->sql : "");
}

static const JSCFunctionListEntry stmt_proto_funcs[] = {
    JS_CFUNC_MAGIC_DEF("all", 0, stmt_exec, EX_ALL),
    JS_CFUNC_MAGIC_DEF("get", 0, stmt_exec, EX_GET),
    JS_CFUNC_MAGIC_DEF("run", 0, stmt_exec, EX_RUN),
    JS_CFUNC_MAGIC_DEF("values", 0, stmt_exec, EX_VALUES),
    JS_CFUNC_DEF("finalize", 0, stmt_finalize),
    JS_CFUNC_DEF("toString", 0, stmt_to_string),
    JS_CGETSET_DEF("columnNames", stmt_columns, NULL),
};

/* ---- database class ---- */

static void db_release(pgdb_t *db)
{
    if (--db->refs > 0) return;
    if (db->conn) {
        if (db->pid == getpid()) PQfinish(db->conn);
        else drop_inherited(db);
    }
    for (pgdb_t **pp = &g_dbs; *pp; pp = &(*pp)->next)
        if (*pp == db) { *pp = db->next; break; }
    free(db->url);
    free(db);
}

static void db_finalizer(JSRuntime *rt, JSValue val)
{
    pgdb_t *db = JS_GetOpaque(val, g_db_class);
    if (db) db_release(db);
}

static JSClassDef db_class_def = {"PgDatabase", .finalizer = db_finalizer};

static JSValue db_ctor(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    const char *url = NULL;
    if (argc > 0 && !JS_IsUndefined(argv[0]) && !JS_IsNull(argv[0])) {
        url = JS_ToCString(ctx, argv[0]);
        if (!url) return JS_EXCEPTION;
    }
    const char *env = getenv("DATABASE_URL");
    const char *u = url ? url : env;
    if (!u || !u[0]) {
        if (url) JS_FreeCString(ctx, url);
        return JS_ThrowTypeError(ctx, "PgDatabase: no URL given and DATABASE_URL is not set");
    }
    JSValue proto = JS_GetPropertyStr(ctx, new_target, "prototype");
    if (JS_IsException(proto)) { if (url) JS_FreeCString(ctx, url); return proto; }
    JSValue obj = JS_NewObjectProtoClass(ctx, proto, g_db_class);
    JS_FreeValue(ctx, proto);
    if (JS_IsException(obj)) { if (url) JS_FreeCString(ctx, url); return obj; }
    pgdb_t *db = qr_xcalloc(1, sizeof *db);
    db->refs = 1;
    db->url = qr_xstrdup(u);
    db->next = g_dbs;
    g_dbs = db;
    if (url) JS_FreeCString(ctx, url);
    JS_SetOpaque(obj, db);
    /* statement cache of query(): sql -> statement, not enumerable */
    JS_DefinePropertyValueStr(ctx, obj, "__queries", JS_NewObject(ctx), JS_PROP_CONFIGURABLE);
    return obj;
}

static JSValue new_statement(JSContext *ctx, pgdb_t *db, JSValueConst sqlv)
{
    const char *sql = JS_ToCString(ctx, sqlv);
    if (!sql) return JS_EXCEPTION;
    pgstmt_t *st = qr_xcalloc(1, sizeof *st);
    st->columns = JS_UNDEFINED;
    const char *err = NULL;
    if (translate(sql, st, &err) < 0) {
        JS_FreeCString(ctx, sql);
        stmt_free_names(st);
        free(st);
        return JS_ThrowSyntaxError(ctx, "PgDatabase: %s", err);
    }
    JS_FreeCString(ctx, sql);
    JSValue obj = JS_NewObjectClass(ctx, (int)g_stmt_class);
    if (JS_IsException(obj)) {
        stmt_free_names(st);
        free(st->sql);
        free(st);
        return obj;
    }
    st->db = db;
    db->refs++;
    JS_SetOpaque(obj, st);
    return obj;
}

/* The db of this_val for a call that takes SQL first; NULL with an exception pending. */
static pgdb_t *sql_target(JSContext *ctx, JSValueConst this_val, int argc)
{
    pgdb_t *db = JS_GetOpaque2(ctx, this_val, g_db_class);
    if (db && argc < 1) {
        JS_ThrowTypeError(ctx, "PgDatabase: SQL expected");
        return NULL;
    }
    return db;
}

static JSValue db_prepare(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgdb_t *db = sql_target(ctx, this_val, argc);
    if (!db) return JS_EXCEPTION;
    return new_statement(ctx, db, argv[0]);
}

static JSValue db_query(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgdb_t *db = sql_target(ctx, this_val, argc);
    if (!db) return JS_EXCEPTION;
    JSValue cache = JS_GetPropertyStr(ctx, this_val, "__queries");
    if (JS_IsException(cache)) return cache;
    JSAtom key = JS_ValueToAtom(ctx, argv[0]);
    if (key == JS_ATOM_NULL) { JS_FreeValue(ctx, cache); return JS_EXCEPTION; }
    JSValue st = JS_IsObject(cache) ? JS_GetProperty(ctx, cache, key) : JS_UNDEFINED;
    if (JS_IsUndefined(st)) {
        st = new_statement(ctx, db, argv[0]);
        if (!JS_IsException(st) && JS_IsObject(cache))
            JS_SetProperty(ctx, cache, key, JS_DupValue(ctx, st));
    }
    JS_FreeAtom(ctx, key);
    JS_FreeValue(ctx, cache);
    return st;
}

/* db.run(sql, ...params) and db.exec(sql, ...params): without params, several statements. */
static JSValue db_run(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgdb_t *db = sql_target(ctx, this_val, argc);
    if (!db) return JS_EXCEPTION;
    if (argc == 1) {
        const char *sql = JS_ToCString(ctx, argv[0]);
        if (!sql) return JS_EXCEPTION;
        PGresult *r = execute(ctx, db, sql, NULL);
        JS_FreeCString(ctx, sql);
        if (!r) return JS_EXCEPTION;
        JSValue out = run_info(ctx, r);
        PQclear(r);
        return out;
    }
    JSValue st = new_statement(ctx, db, argv[0]);
    if (JS_IsException(st)) return st;
    JSValue out = stmt_exec(ctx, st, argc - 1, argv + 1, EX_RUN);
    JS_FreeValue(ctx, st);
    return out;
}

static int simple(JSContext *ctx, pgdb_t *db, const char *sql)
{
    PGresult *r = execute(ctx, db, sql, NULL);
    if (!r) return -1;
    PQclear(r);
    return 0;
}

/* The function transaction(fn) returns: data[0] = db object, data[1] = fn. */
static JSValue tx_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic, JSValue *data)
{
    pgdb_t *db = JS_GetOpaque2(ctx, data[0], g_db_class);
    if (!db) return JS_EXCEPTION;
    int depth = db->tx_depth;
    char sql[64];
    if (depth == 0) {
        db->tx_lost = 0;
        snprintf(sql, sizeof sql, "BEGIN");
    } else {
        snprintf(sql, sizeof sql, "SAVEPOINT qr_sp%d", depth);
    }
    if (simple(ctx, db, sql) < 0) return JS_EXCEPTION;
    unsigned gen = db->gen;
    db->tx_depth = depth + 1;
    JSValue ret = JS_Call(ctx, data[1], this_val, argc, argv);
    if (db->gen != gen || db->tx_lost) { /* the connection died meanwhile: nothing to commit */
        if (depth == 0) db->tx_lost = 0;
        if (JS_IsException(ret)) return ret;
        JS_FreeValue(ctx, ret);
        return throw_unavailable(ctx, "the connection was lost inside a transaction");
    }
    db->tx_depth = depth;
    if (JS_IsException(ret)) {
        JSValue exc = JS_GetException(ctx);
        if (depth == 0) snprintf(sql, sizeof sql, "ROLLBACK");
        else snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT qr_sp%d; RELEASE SAVEPOINT qr_sp%d", depth, depth);
        if (simple(ctx, db, sql) < 0) JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_Throw(ctx, exc);
    }
    if (depth == 0) snprintf(sql, sizeof sql, "COMMIT");
    else snprintf(sql, sizeof sql, "RELEASE SAVEPOINT qr_sp%d", depth);
    if (simple(ctx, db, sql) < 0) { JS_FreeValue(ctx, ret); return JS_EXCEPTION; }
    return ret;
}

static JSValue db_transaction(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_GetOpaque2(ctx, this_val, g_db_class)) return JS_EXCEPTION;
    if (argc < 1 || !JS_IsFunction(ctx, argv[0])) return JS_ThrowTypeError(ctx, "PgDatabase.transaction: a function expected");
    JSValueConst data[2] = {this_val, argv[0]};
    JSValue f = JS_NewCFunctionData(ctx, tx_call, 0, 0, 2, data);
    /* bun:sqlite's variants; PostgreSQL has one kind of BEGIN */
    static const char *variants[] = {"deferred", "immediate", "exclusive"};
    for (size_t i = 0; i < QR_ARRAY_LEN(variants); i++)
        JS_SetPropertyStr(ctx, f, variants[i], JS_DupValue(ctx, f));
    return f;
}

static JSValue db_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    pgdb_t *db = JS_GetOpaque2(ctx, this_val, g_db_class);
    if (!db) return JS_EXCEPTION;
    if (db->conn) {
        if (db->pid == getpid()) PQfinish(db->conn);
        else drop_inherited(db);
        db->conn = NULL;
    }
    db->closed = 1;
    return JS_UNDEFINED;
}

static JSValue db_in_tx(JSContext *ctx, JSValueConst this_val)
{
    pgdb_t *db = JS_GetOpaque2(ctx, this_val, g_db_class);
    if (!db) return JS_EXCEPTION;
    return JS_NewBool(ctx, db->tx_depth > 0);
}

static JSValue db_url(JSContext *ctx, JSValueConst this_val)
{
    pgdb_t *db = JS_GetOpaque2(ctx, this_val, g_db_class);
    if (!db) return JS_EXCEPTION;
    return JS_NewString(ctx, db->url);
}

/* PgDatabase.createDatabase(url) / dropDatabase(url): connects to the `postgres` database of
 * the same server. Returns true when it created (dropped) the database, false when it already
 * existed (did not exist). magic: 0 create, 1 drop. */
static JSValue db_admin(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    const char *url = argc > 0 && !JS_IsUndefined(argv[0]) ? JS_ToCString(ctx, argv[0]) : NULL;
    const char *u = url ? url : getenv("DATABASE_URL");
    if (!u) return JS_ThrowTypeError(ctx, "PgDatabase: no URL given and DATABASE_URL is not set");
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(u, &perr);
    if (!opts) {
        JSValue e = JS_ThrowTypeError(ctx, "PgDatabase: bad URL: %s", perr ? perr : "?");
        if (perr) PQfreemem(perr);
        if (url) JS_FreeCString(ctx, url);
        return e;
    }
    const char *keys[64], *vals[64];
    int n = 0;
    char *dbname = NULL;
    for (PQconninfoOption *o = opts; o->keyword && n < 60; o++) {
        if (!o->val) continue;
        if (strcmp(o->keyword, "dbname") == 0) { dbname = qr_xstrdup(o->val); continue; }
        keys[n] = o->keyword;
        vals[n++] = o->val;
    }
    keys[n] = "dbname"; vals[n++] = "postgres";
    keys[n] = "connect_timeout"; vals[n++] = "5";
    keys[n] = NULL; vals[n] = NULL;
    if (!dbname) dbname = qr_xstrdup(getenv("PGDATABASE") ? getenv("PGDATABASE") : "postgres");
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    PQconninfoFree(opts);
    if (url) JS_FreeCString(ctx, url);
    JSValue out = JS_EXCEPTION;
    if (PQstatus(c) != CONNECTION_OK) {
        throw_unavailable(ctx, PQerrorMessage(c));
        goto done;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    const char *params[1] = {dbname};
    PGresult *r = PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { throw_result(ctx, r); PQclear(r); goto done; }
    int exists = PQntuples(r) > 0;
    PQclear(r);
    if (exists == (magic == 0)) { out = JS_FALSE; goto done; }
    char *id = PQescapeIdentifier(c, dbname, strlen(dbname));
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_appendf(&b, "%s DATABASE %s", magic == 0 ? "CREATE" : "DROP", id ? id : "\"\"");
    if (id) PQfreemem(id);
    char *sql = qr_buf_steal(&b);
    r = PQexec(c, sql);
    free(sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        /* created meanwhile by another process */
        if (magic == 0 && state && strcmp(state, "42P04") == 0) out = JS_FALSE;
        else throw_result(ctx, r);
    } else {
        qr_info("db: %s database %s", magic == 0 ? "created" : "dropped", dbname);
        out = JS_TRUE;
    }
    PQclear(r);
done:
    PQfinish(c);
    free(dbname);
    return out;
}

static const JSCFunctionListEntry db_proto_funcs[] = {
    JS_CFUNC_DEF("query", 1, db_query),
    JS_CFUNC_DEF("prepare", 1, db_prepare),
    JS_CFUNC_DEF("run", 1, db_run),
    JS_CFUNC_DEF("exec", 1, db_run),
    JS_CFUNC_DEF("transaction", 1, db_transaction),
    JS_CFUNC_DEF("close", 0, db_close),
    JS_CGETSET_DEF("inTransaction", db_in_tx, NULL),
    JS_CGETSET_DEF("url", db_url, NULL),
};

static const JSCFunctionListEntry db_static_funcs[] = {
    JS_CFUNC_MAGIC_DEF("createDatabase", 1, db_admin, 0),
    JS_CFUNC_MAGIC_DEF("dropDatabase", 1, db_admin, 1),
};

int qr__js_pg_init(JSContext *ctx)
{
    if (!g_db_class) {
        JS_NewClassID(&g_db_class);
        JS_NewClassID(&g_stmt_class);
    }
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (JS_NewClass(rt, g_db_class, &db_class_def) < 0 || JS_NewClass(rt, g_stmt_class, &stmt_class_def) < 0)
        return -1;
    JSValue sproto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, sproto, stmt_proto_funcs, QR_ARRAY_LEN(stmt_proto_funcs));
    JS_SetClassProto(ctx, g_stmt_class, sproto);

    JSValue proto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, proto, db_proto_funcs, QR_ARRAY_LEN(db_proto_funcs));
    JS_SetClassProto(ctx, g_db_class, proto);
    return 0;
}

JSValue qr__js_pg_constructor(JSContext *ctx)
{
    JSValue ctor = JS_NewCFunction2(ctx, db_ctor, "PgDatabase", 1, JS_CFUNC_constructor, 0);
    if (JS_IsException(ctor)) return ctor;
    JS_SetPropertyFunctionList(ctx, ctor, db_static_funcs, QR_ARRAY_LEN(db_static_funcs));
    JSValue proto = JS_GetClassProto(ctx, g_db_class);
    JS_SetConstructor(ctx, ctor, proto);
    JS_FreeValue(ctx, proto);
    return ctor;
}

static int pg_module_init(JSContext *ctx, JSModuleDef *m)
{
    JSValue ctor = qr__js_pg_constructor(ctx);
    if (JS_IsException(ctor)) return -1;
    return JS_SetModuleExport(ctx, m, "PgDatabase", ctor);
}

JSModuleDef *qr__js_pg_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, pg_module_init);
    if (m) JS_AddModuleExport(ctx, m, "PgDatabase");
    return m;
}

void qr__js_pg_close_all(void)
{
    for (pgdb_t *db = g_dbs; db; db = db->next) {
        if (!db->conn) continue;
        if (db->pid == getpid()) PQfinish(db->conn);
        else drop_inherited(db);
        db->conn = NULL;
        db->tx_depth = 0;
    }
}
