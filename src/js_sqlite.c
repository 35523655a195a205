/* js_sqlite.c — SQLite for JavaScript: the native module "quickrail:sqlite" (connections and
 * prepared statements) under lib/web/sqlite.js, which shapes it into the bun:sqlite API
 * (Database, Statement, query cache, transactions). Runs in workers and scripts; in the zygote
 * connections open lazily and are closed again before the first fork (qr__js_sqlite_close_all),
 * so no SQLite handle ever crosses fork. Statements re-prepare themselves on the next use.
 * Every connection: WAL (file databases), busy_timeout 5000 ms, synchronous=FULL, extended
 * result codes; a progress handler stops a query when the request deadline passes.
 * Calls QuickJS and SQLite only (plus js_host.c's deadline check through js_priv.h). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "js_priv.h"
#include "log.h"

typedef struct qr_stmt qr_stmt_t;

typedef struct qr_db {
    sqlite3 *db;     /* NULL until opened (lazy), or after close */
    char *path;      /* owned */
    int flags;       /* SQLITE_OPEN_* */
    int closed;      /* closed by the app: never reopens */
    unsigned gen;    /* increments at each open; statements compare it */
    int refs;        /* the JS object + each statement */
    qr_stmt_t *stmts;
    struct qr_db *next, *prev; /* g_dbs */
} qr_db_t;

struct qr_stmt {
    qr_db_t *db;      /* counted reference */
    sqlite3_stmt *st; /* NULL until prepared for db->gen */
    unsigned gen;
    char *sql;        /* owned */
    int ncols;
    JSAtom *cols;     /* column name atoms, ncols of them */
    qr_stmt_t *next, *prev;
};

static JSClassID g_db_class, g_stmt_class;
static qr_db_t *g_dbs;

#define F_READONLY 1
#define F_CREATE 2
#define F_READWRITE 4

/* ---- errors ---- */

static const struct { int code; const char *name; } CODES[] = {
    {SQLITE_ERROR, "SQLITE_ERROR"}, {SQLITE_INTERNAL, "SQLITE_INTERNAL"}, {SQLITE_PERM, "SQLITE_PERM"},
    {SQLITE_ABORT, "SQLITE_ABORT"}, {SQLITE_BUSY, "SQLITE_BUSY"}, {SQLITE_LOCKED, "SQLITE_LOCKED"},
    {SQLITE_NOMEM, "SQLITE_NOMEM"}, {SQLITE_READONLY, "SQLITE_READONLY"}, {SQLITE_INTERRUPT, "SQLITE_INTERRUPT"},
    {SQLITE_IOERR, "SQLITE_IOERR"}, {SQLITE_CORRUPT, "SQLITE_CORRUPT"}, {SQLITE_NOTFOUND, "SQLITE_NOTFOUND"},
    {SQLITE_FULL, "SQLITE_FULL"}, {SQLITE_CANTOPEN, "SQLITE_CANTOPEN"}, {SQLITE_PROTOCOL, "SQLITE_PROTOCOL"},
    {SQLITE_EMPTY, "SQLITE_EMPTY"}, {SQLITE_SCHEMA, "SQLITE_SCHEMA"}, {SQLITE_TOOBIG, "SQLITE_TOOBIG"},
    {SQLITE_CONSTRAINT, "SQLITE_CONSTRAINT"}, {SQLITE_MISMATCH, "SQLITE_MISMATCH"}, {SQLITE_MISUSE, "SQLITE_MISUSE"},
    {SQLITE_NOLFS, "SQLITE_NOLFS"}, {SQLITE_AUTH, "SQLITE_AUTH"}, {SQLITE_FORMAT, "SQLITE_FORMAT"},
    {SQLITE_RANGE, "SQLITE_RANGE"}, {SQLITE_NOTADB, "SQLITE_NOTADB"},
    {SQLITE_CONSTRAINT_CHECK, "SQLITE_CONSTRAINT_CHECK"}, {SQLITE_CONSTRAINT_COMMITHOOK, "SQLITE_CONSTRAINT_COMMITHOOK"},
    {SQLITE_CONSTRAINT_FOREIGNKEY, "SQLITE_CONSTRAINT_FOREIGNKEY"}, {SQLITE_CONSTRAINT_FUNCTION, "SQLITE_CONSTRAINT_FUNCTION"},
    {SQLITE_CONSTRAINT_NOTNULL, "SQLITE_CONSTRAINT_NOTNULL"}, {SQLITE_CONSTRAINT_PRIMARYKEY, "SQLITE_CONSTRAINT_PRIMARYKEY"},
    {SQLITE_CONSTRAINT_TRIGGER, "SQLITE_CONSTRAINT_TRIGGER"}, {SQLITE_CONSTRAINT_UNIQUE, "SQLITE_CONSTRAINT_UNIQUE"},
    {SQLITE_CONSTRAINT_VTAB, "SQLITE_CONSTRAINT_VTAB"}, {SQLITE_CONSTRAINT_ROWID, "SQLITE_CONSTRAINT_ROWID"},
    {SQLITE_BUSY_RECOVERY, "SQLITE_BUSY_RECOVERY"}, {SQLITE_BUSY_SNAPSHOT, "SQLITE_BUSY_SNAPSHOT"},
    {SQLITE_READONLY_DBMOVED, "SQLITE_READONLY_DBMOVED"}, {SQLITE_CANTOPEN_ISDIR, "SQLITE_CANTOPEN_ISDIR"},
};

static const char *code_name(int code)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(CODES); i++)
        if (CODES[i].code == code) return CODES[i].name;
    for (size_t i = 0; i < QR_ARRAY_LEN(CODES); i++)
        if (CODES[i].code == (code & 0xff)) return CODES[i].name;
    return "SQLITE_ERROR";
}

/* Throws SQLiteError {message, code: "SQLITE_CONSTRAINT_UNIQUE", errno: 2067}. */
static JSValue throw_sqlite(JSContext *ctx, int code, const char *msg)
{
    JSValue err = JS_NewError(ctx);
    if (JS_IsException(err)) return err;
    JS_DefinePropertyValueStr(ctx, err, "message", JS_NewString(ctx, msg), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, err, "name", JS_NewString(ctx, "SQLiteError"), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, code_name(code)));
    JS_SetPropertyStr(ctx, err, "errno", JS_NewInt32(ctx, code));
    return JS_Throw(ctx, err);
}

static JSValue throw_db(JSContext *ctx, sqlite3 *db)
{
    return throw_sqlite(ctx, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

/* ---- connections ---- */

static int progress_cb(void *ud)
{
    return qr__js_deadline_passed();
}

static void stmt_unprepare(JSRuntime *rt, qr_stmt_t *s)
{
    if (s->st) sqlite3_finalize(s->st);
    s->st = NULL;
    for (int i = 0; i < s->ncols; i++) JS_FreeAtomRT(rt, s->cols[i]);
    free(s->cols);
    s->cols = NULL;
    s->ncols = 0;
}

static void db_disconnect(JSRuntime *rt, qr_db_t *d)
{
    if (!d->db) return;
    for (qr_stmt_t *s = d->stmts; s; s = s->next) stmt_unprepare(rt, s);
    int rc = sqlite3_close(d->db);
    if (rc != SQLITE_OK) {
        qr_warn("sqlite: closing %s: %s", d->path, sqlite3_errstr(rc));
        sqlite3_close_v2(d->db);
    }
    d->db = NULL;
}

static void db_unref(JSRuntime *rt, qr_db_t *d)
{
    if (--d->refs > 0) return;
    db_disconnect(rt, d);
    if (d->prev) d->prev->next = d->next;
    else g_dbs = d->next;
    if (d->next) d->next->prev = d->prev;
    free(d->path);
    free(d);
}

/* Opens d now if it is not open. Returns 0, or -1 with an exception pending. */
static int db_ensure(JSContext *ctx, qr_db_t *d)
{
    if (d->db) return 0;
    if (d->closed) { JS_ThrowTypeError(ctx, "Database has closed"); return -1; }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(d->path, &db, d->flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "unable to open database file %s: %s", d->path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        int ext = db ? sqlite3_extended_errcode(db) : rc;
        sqlite3_close(db);
        throw_sqlite(ctx, ext, msg);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_progress_handler(db, 10000, progress_cb, NULL);
    int memory = strcmp(d->path, ":memory:") == 0 || d->path[0] == 0 || strncmp(d->path, "file::memory:", 13) == 0;
    if (!memory && !(d->flags & SQLITE_OPEN_READONLY)) {
        char *err = NULL;
        if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, &err) != SQLITE_OK) {
            qr_warn("sqlite: %s: cannot enable WAL: %s", d->path, err ? err : "?");
            sqlite3_free(err);
        }
    }
    sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    d->db = db;
    d->gen++;
    return 0;
}

void qr__js_sqlite_close_all(void)
{
    for (qr_db_t *d = g_dbs; d; d = d->next) {
        if (!d->db) continue;
        for (qr_stmt_t *s = d->stmts; s; s = s->next) {
            if (s->st) sqlite3_finalize(s->st);
            s->st = NULL; /* column atoms stay; they are re-made on prepare */
        }
        sqlite3_close_v2(d->db);
        d->db = NULL;
    }
}

void qr__js_sqlite_end_call(void)
{
    for (qr_db_t *d = g_dbs; d; d = d->next) {
        if (!d->db || sqlite3_get_autocommit(d->db)) continue;
        qr_warn("sqlite: %s: a transaction was left open by the request; rolled back", d->path);
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

static void db_finalizer(JSRuntime *rt, JSValue val)
{
    qr_db_t *d = JS_GetOpaque(val, g_db_class);
    if (d) db_unref(rt, d);
}

static void stmt_finalizer(JSRuntime *rt, JSValue val)
{
    qr_stmt_t *s = JS_GetOpaque(val, g_stmt_class);
    if (!s) return;
    stmt_unprepare(rt, s);
    qr_db_t *d = s->db;
    if (s->prev) s->prev->next = s->next;
    else d->stmts = s->next;
    if (s->next) s->next->prev = s->prev;
    free(s->sql);
    free(s);
    db_unref(rt, d);
}

static qr_db_t *get_db(JSContext *ctx, JSValueConst v, int open)
{
    qr_db_t *d = JS_GetOpaque2(ctx, v, g_db_class);
    if (!d) return NULL;
    if (open && db_ensure(ctx, d) < 0) return NULL;
    return d;
}

/* open(filename, flags) -> connection handle (opened lazily in the zygote). */
static JSValue s_open(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(ctx, argv[0]);
    if (!path) return JS_EXCEPTION;
    int32_t f = 0;
    JS_ToInt32(ctx, &f, argv[1]);
    JSValue obj = JS_NewObjectClass(ctx, (int)g_db_class);
    if (JS_IsException(obj)) { JS_FreeCString(ctx, path); return obj; }
    qr_db_t *d = qr_xcalloc(1, sizeof *d);
    d->path = qr_xstrdup(path[0] ? path : ":memory:");
    JS_FreeCString(ctx, path);
    d->flags = (f & F_READONLY) ? SQLITE_OPEN_READONLY
               : SQLITE_OPEN_READWRITE | ((f & F_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (strncmp(d->path, "file:", 5) == 0) d->flags |= SQLITE_OPEN_URI;
    d->refs = 1;
    d->next = g_dbs;
    if (g_dbs) g_dbs->prev = d;
    g_dbs = d;
    JS_SetOpaque(obj, d);
    /* Outside the zygote, open now so a bad path fails at construction, like bun. */
    if (!qr__js_in_zygote && db_ensure(ctx, d) < 0) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

static JSValue s_exec(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qr_db_t *d = get_db(ctx, argv[0], 1);
    if (!d) return JS_EXCEPTION;
    const char *sql = JS_ToCString(ctx, argv[1]);
    if (!sql) return JS_EXCEPTION;
    int rc = sqlite3_exec(d->db, sql, NULL, NULL, NULL);
    JS_FreeCString(ctx, sql);
    if (rc != SQLITE_OK) return throw_db(ctx, d->db);
    return JS_UNDEFINED;
}

static JSValue s_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qr_db_t *d = get_db(ctx, argv[0], 0);
    if (!d) return JS_EXCEPTION;
    db_disconnect(JS_GetRuntime(ctx), d);
    d->closed = 1;
    return JS_UNDEFINED;
}

/* info(db, what): 0 inTransaction, 1 changes, 2 lastInsertRowid, 3 filename, 4 isOpen */
static JSValue s_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t what = 0;
    JS_ToInt32(ctx, &what, argv[1]);
    qr_db_t *d = get_db(ctx, argv[0], what == 1 || what == 2);
    if (!d) return JS_EXCEPTION;
    switch (what) {
    case 0: return JS_NewBool(ctx, d->db && !sqlite3_get_autocommit(d->db));
    case 1: return JS_NewInt64(ctx, sqlite3_changes(d->db));
    case 2: return JS_NewInt64(ctx, sqlite3_last_insert_rowid(d->db));
    case 3: return JS_NewString(ctx, d->path);
    case 4: return JS_NewBool(ctx, d->db != NULL && !d->closed);
    }
    return JS_UNDEFINED;
}

/* ---- statements ---- */

static int stmt_ensure(JSContext *ctx, qr_stmt_t *s)
{
    if (db_ensure(ctx, s->db) < 0) return -1;
    if (s->st && s->gen == s->db->gen) return 0;
    if (s->st) sqlite3_finalize(s->st);
    s->st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(s->db->db, s->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
    if (rc != SQLITE_OK) { throw_db(ctx, s->db->db); return -1; }
    if (!s->st) { JS_ThrowTypeError(ctx, "the SQL text contains no statement"); return -1; }
    s->gen = s->db->gen;
    int n = sqlite3_column_count(s->st);
    if (!s->cols || n != s->ncols) {
        for (int i = 0; i < s->ncols; i++) JS_FreeAtom(ctx, s->cols[i]);
        free(s->cols);
        s->ncols = n;
        s->cols = n ? qr_xcalloc((size_t)n, sizeof(JSAtom)) : NULL;
        for (int i = 0; i < n; i++) s->cols[i] = JS_NewAtom(ctx, sqlite3_column_name(s->st, i));
    }
    return 0;
}

static JSValue s_prepare(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qr_db_t *d = get_db(ctx, argv[0], 0);
    if (!d) return JS_EXCEPTION;
    if (d->closed) return JS_ThrowTypeError(ctx, "Database has closed");
    const char *sql = JS_ToCString(ctx, argv[1]);
    if (!sql) return JS_EXCEPTION;
    JSValue obj = JS_NewObjectClass(ctx, (int)g_stmt_class);
    if (JS_IsException(obj)) { JS_FreeCString(ctx, sql); return obj; }
    qr_stmt_t *s = qr_xcalloc(1, sizeof *s);
    s->sql = qr_xstrdup(sql);
    JS_FreeCString(ctx, sql);
    s->db = d;
    d->refs++;
    s->next = d->stmts;
    if (d->stmts) d->stmts->prev = s;
    d->stmts = s;
    JS_SetOpaque(obj, s);
    if (!qr__js_in_zygote && stmt_ensure(ctx, s) < 0) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

static int bind_value(JSContext *ctx, sqlite3_stmt *st, int i, JSValueConst v)
{
    int rc;
    int tag = JS_VALUE_GET_TAG(v);
    if (JS_IsNull(v) || JS_IsUndefined(v)) rc = sqlite3_bind_null(st, i);
    else if (tag == JS_TAG_BOOL) rc = sqlite3_bind_int(st, i, JS_ToBool(ctx, v));
    else if (tag == JS_TAG_INT) rc = sqlite3_bind_int64(st, i, JS_VALUE_GET_INT(v));
    else if (JS_IsNumber(v)) {
        double dv;
        JS_ToFloat64(ctx, &dv, v);
        if (dv == (double)(int64_t)dv && dv >= -9007199254740992.0 && dv <= 9007199254740992.0)
            rc = sqlite3_bind_int64(st, i, (int64_t)dv);
        else rc = sqlite3_bind_double(st, i, dv);
    } else if (JS_IsBigInt(ctx, v)) {
        int64_t iv;
        if (JS_ToBigInt64(ctx, &iv, v) < 0) return -1;
        rc = sqlite3_bind_int64(st, i, iv);
    } else if (JS_IsString(v)) {
        size_t len;
        const char *s = JS_ToCStringLen(ctx, &len, v);
        if (!s) return -1;
        rc = sqlite3_bind_text64(st, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        JS_FreeCString(ctx, s);
    } else if (JS_IsObject(v)) {
        const uint8_t *p;
        size_t len;
        const char *tmp;
        JSValue iso = JS_UNDEFINED;
        if (JS_IsFunction(ctx, v)) { JS_ThrowTypeError(ctx, "cannot bind a function to an SQL parameter"); return -1; }
        /* Date -> ISO text; ArrayBuffer / views -> blob */
        JSValue toiso = JS_GetPropertyStr(ctx, v, "toISOString");
        if (JS_IsFunction(ctx, toiso)) iso = JS_Call(ctx, toiso, v, 0, NULL);
        JS_FreeValue(ctx, toiso);
        if (JS_IsException(iso)) return -1;
        if (JS_IsString(iso)) {
            int r = bind_value(ctx, st, i, iso);
            JS_FreeValue(ctx, iso);
            return r;
        }
        if (qr__js_bytes(ctx, v, &p, &len, &tmp) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            JS_ThrowTypeError(ctx, "cannot bind an object to SQL parameter %d (use a string, number, "
                                   "bigint, boolean, null, Date or Uint8Array)", i);
            return -1;
        }
        rc = sqlite3_bind_blob64(st, i, len ? (const void *)p : "", len, SQLITE_TRANSIENT);
        if (tmp) JS_FreeCString(ctx, tmp);
    } else {
        JS_ThrowTypeError(ctx, "cannot bind this value to SQL parameter %d", i);
        return -1;
    }
    if (rc != SQLITE_OK) {
        throw_sqlite(ctx, rc, sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

/* Binds params: undefined (none), an Array (by position) or an object (by name, with or without
 * the $ : @ prefix). Returns 0 or -1. */
static int bind_params(JSContext *ctx, qr_stmt_t *s, JSValueConst params)
{
    sqlite3_stmt *st = s->st;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (JS_IsUndefined(params) || JS_IsNull(params)) return 0;
    int n = sqlite3_bind_parameter_count(st);
    if (JS_IsArray(ctx, params)) {
        uint32_t len = 0;
        JSValue lv = JS_GetPropertyStr(ctx, params, "length");
        JS_ToUint32(ctx, &len, lv);
        JS_FreeValue(ctx, lv);
        if ((int64_t)len > n) {
            JS_ThrowRangeError(ctx, "SQL has %d parameter(s) but %u value(s) were given", n, len);
            return -1;
        }
        for (uint32_t i = 0; i < len; i++) {
            JSValue v = JS_GetPropertyUint32(ctx, params, i);
            int r = bind_value(ctx, st, (int)i + 1, v);
            JS_FreeValue(ctx, v);
            if (r < 0) return -1;
        }
        return 0;
    }
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (!name || name[0] == '?') continue;
        JSAtom a = JS_NewAtom(ctx, name);
        int has = JS_HasProperty(ctx, params, a);
        if (has <= 0) {
            JS_FreeAtom(ctx, a);
            a = JS_NewAtom(ctx, name + 1);
            has = JS_HasProperty(ctx, params, a);
        }
        if (has < 0) { JS_FreeAtom(ctx, a); return -1; }
        if (has) {
            JSValue v = JS_GetProperty(ctx, params, a);
            int r = JS_IsException(v) ? -1 : bind_value(ctx, st, i, v);
            JS_FreeValue(ctx, v);
            if (r < 0) { JS_FreeAtom(ctx, a); return -1; }
        }
        JS_FreeAtom(ctx, a);
    }
    return 0;
}

static JSValue column_value(JSContext *ctx, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return JS_NewInt64(ctx, sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return JS_NewFloat64(ctx, sqlite3_column_double(st, i));
    case SQLITE_TEXT:
        return JS_NewStringLen(ctx, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        return qr__js_new_uint8array(ctx, p, (size_t)sqlite3_column_bytes(st, i));
    }
    default: return JS_NULL;
    }
}

static JSValue row_value(JSContext *ctx, qr_stmt_t *s, int as_array)
{
    JSValue row = as_array ? JS_NewArray(ctx) : JS_NewObject(ctx);
    if (JS_IsException(row)) return row;
    for (int i = 0; i < s->ncols; i++) {
        JSValue v = column_value(ctx, s->st, i);
        if (JS_IsException(v)) { JS_FreeValue(ctx, row); return v; }
        if (as_array) JS_SetPropertyUint32(ctx, row, (uint32_t)i, v);
        else JS_DefinePropertyValue(ctx, row, s->cols[i], v, JS_PROP_C_W_E);
    }
    return row;
}

/* step(stmt, params, mode): 0 all objects, 1 all arrays (values), 2 first object or null,
 * 3 run -> {changes, lastInsertRowid} */
static JSValue s_step(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qr_stmt_t *s = JS_GetOpaque2(ctx, argv[0], g_stmt_class);
    if (!s) return JS_EXCEPTION;
    int32_t mode = 0;
    JS_ToInt32(ctx, &mode, argv[2]);
    if (s->db->closed) return JS_ThrowTypeError(ctx, "Database has closed");
    if (stmt_ensure(ctx, s) < 0) return JS_EXCEPTION;
    if (bind_params(ctx, s, argv[1]) < 0) { sqlite3_reset(s->st); return JS_EXCEPTION; }
    sqlite3 *db = s->db->db;
    JSValue out = JS_UNDEFINED;
    if (mode == 0 || mode == 1) {
        out = JS_NewArray(ctx);
        if (JS_IsException(out)) return out;
    }
    uint32_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
        if (mode == 3) continue;
        JSValue row = row_value(ctx, s, mode == 1);
        if (JS_IsException(row)) { sqlite3_reset(s->st); JS_FreeValue(ctx, out); return row; }
        if (mode == 2) { out = row; rc = SQLITE_DONE; break; }
        JS_SetPropertyUint32(ctx, out, n++, row);
    }
    if (rc != SQLITE_DONE) {
        JS_FreeValue(ctx, out);
        int ext = sqlite3_extended_errcode(db);
        char msg[512];
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
        sqlite3_reset(s->st);
        return throw_sqlite(ctx, ext, msg);
    }
    sqlite3_reset(s->st);
    if (mode == 2 && JS_IsUndefined(out)) return JS_NULL;
    if (mode == 3) {
        out = JS_NewObject(ctx);
        JS_SetPropertyStr(ctx, out, "changes", JS_NewInt64(ctx, sqlite3_changes(db)));
        JS_SetPropertyStr(ctx, out, "lastInsertRowid", JS_NewInt64(ctx, sqlite3_last_insert_rowid(db)));
    }
    return out;
}

/* stmtInfo(stmt, what): 0 columnNames, 1 paramsCount, 2 expanded SQL, 3 finalize, 4 sql */
static JSValue s_stmt_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qr_stmt_t *s = JS_GetOpaque2(ctx, argv[0], g_stmt_class);
    if (!s) return JS_EXCEPTION;
    int32_t what = 0;
    JS_ToInt32(ctx, &what, argv[1]);
    if (what == 4) return JS_NewString(ctx, s->sql);
    if (what == 3) {
        stmt_unprepare(JS_GetRuntime(ctx), s);
        return JS_UNDEFINED;
    }
    if (stmt_ensure(ctx, s) < 0) return JS_EXCEPTION;
    if (what == 0) {
        JSValue a = JS_NewArray(ctx);
        for (int i = 0; i < s->ncols; i++) JS_SetPropertyUint32(ctx, a, (uint32_t)i, JS_AtomToString(ctx, s->cols[i]));
        return a;
    }
    if (what == 1) return JS_NewInt32(ctx, sqlite3_bind_parameter_count(s->st));
    char *x = sqlite3_expanded_sql(s->st);
    JSValue r = JS_NewString(ctx, x ? x : s->sql);
    sqlite3_free(x);
    return r;
}

static JSClassDef db_class_def = {"SQLiteConnection", .finalizer = db_finalizer};
static JSClassDef stmt_class_def = {"SQLiteStatementHandle", .finalizer = stmt_finalizer};

static const JSCFunctionListEntry sqlite_funcs[] = {
    JS_CFUNC_DEF("open", 2, s_open),
    JS_CFUNC_DEF("exec", 2, s_exec),
    JS_CFUNC_DEF("close", 1, s_close),
    JS_CFUNC_DEF("info", 2, s_info),
    JS_CFUNC_DEF("prepare", 2, s_prepare),
    JS_CFUNC_DEF("step", 3, s_step),
    JS_CFUNC_DEF("stmtInfo", 2, s_stmt_info),
};

int qr__js_sqlite_init(JSContext *ctx)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (!g_db_class) JS_NewClassID(&g_db_class);
    if (!g_stmt_class) JS_NewClassID(&g_stmt_class);
    if (JS_NewClass(rt, g_db_class, &db_class_def) < 0) return -1;
    if (JS_NewClass(rt, g_stmt_class, &stmt_class_def) < 0) return -1;
    return 0;
}

static int sqlite_module_init(JSContext *ctx, JSModuleDef *m)
{
    return JS_SetModuleExportList(ctx, m, sqlite_funcs, QR_ARRAY_LEN(sqlite_funcs));
}

JSModuleDef *qr__js_sqlite_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, sqlite_module_init);
    if (m) JS_AddModuleExportList(ctx, m, sqlite_funcs, QR_ARRAY_LEN(sqlite_funcs));
    return m;
}
