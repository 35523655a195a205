/* lazylib.c — libpq and hiredis, loaded on first use instead of at process start. Linking them
 * normally makes the dynamic loader map and relocate ~20 more shared libraries (libpq pulls in
 * Kerberos, LDAP, GnuTLS, SASL...) in every exec of quickrail — the supervisor, the zygote and
 * every `quickrail run` — about 14 ms of CPU each, although most apps never open PostgreSQL or
 * Redis. Each PQ* / redis* function the program calls is defined here with the library's own
 * prototype (the headers check them); the first call dlopen()s the library and binds the real
 * symbol. Callers (js_pg.c, bridge_pg.c, bridge_redis.c) are unchanged. If the library is
 * missing, the first call logs the reason and exits the process (status 127), as the dynamic
 * loader would have done at start. Runs in any process; single-threaded use per process. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include "log.h"

typedef struct {
    const char *names[3]; /* sonames to try, in order */
    void *handle;
} lazy_lib_t;

static lazy_lib_t g_pq = {{"libpq.so.5", "libpq.so", NULL}, NULL};
static lazy_lib_t g_redis = {{"libhiredis.so.0.14", "libhiredis.so", NULL}, NULL};

/* Returns the address of sym in lib (loading lib first); never returns NULL. */
static void *lazy_sym(lazy_lib_t *lib, const char *sym)
{
    if (!lib->handle) {
        const char *why = "not found";
        for (int i = 0; lib->names[i] && !lib->handle; i++) {
            lib->handle = dlopen(lib->names[i], RTLD_NOW | RTLD_LOCAL);
            if (!lib->handle) why = dlerror();
        }
        if (!lib->handle) {
            qr_error("cannot load %s (needed for %s): %s", lib->names[0], sym, why ? why : "?");
            exit(127);
        }
    }
    void *p = dlsym(lib->handle, sym);
    if (!p) {
        qr_error("%s has no symbol %s", lib->names[0], sym);
        exit(127);
    }
    return p;
}

/* Defines `ret name params` forwarding `args` to the library's function of the same name. */
#define LAZY(lib, ret, name, params, args)                                  \
    ret name params                                                          \
    {                                                                        \
        static ret(*fp) params;                                              \
        if (!fp) *(void **)&fp = lazy_sym(&lib, #name);                      \
        return fp args;                                                      \
    }
#define LAZY_VOID(lib, name, params, args)                                  \
    void name params                                                         \
    {                                                                        \
        static void(*fp) params;                                             \
        if (!fp) *(void **)&fp = lazy_sym(&lib, #name);                      \
        fp args;                                                             \
    }

/* ---------------------------------------------------------------- libpq */
LAZY_VOID(g_pq, PQclear, (PGresult *res), (res))
LAZY(g_pq, char *, PQcmdTuples, (PGresult *res), (res))
LAZY(g_pq, PostgresPollingStatusType, PQconnectPoll, (PGconn *conn), (conn))
LAZY(g_pq, PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values, int expand_dbname),
     (keywords, values, expand_dbname))
LAZY(g_pq, PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname),
     (keywords, values, expand_dbname))
LAZY_VOID(g_pq, PQconninfoFree, (PQconninfoOption *connOptions), (connOptions))
LAZY(g_pq, PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg), (conninfo, errmsg))
LAZY(g_pq, int, PQconsumeInput, (PGconn *conn), (conn))
LAZY(g_pq, char *, PQerrorMessage, (const PGconn *conn), (conn))
LAZY(g_pq, char *, PQescapeIdentifier, (PGconn *conn, const char *str, size_t len), (conn, str, len))
LAZY(g_pq, PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query))
LAZY(g_pq, PGresult *, PQexecParams,
     (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
      const int *paramLengths, const int *paramFormats, int resultFormat),
     (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
LAZY_VOID(g_pq, PQfinish, (PGconn *conn), (conn))
LAZY(g_pq, int, PQflush, (PGconn *conn), (conn))
LAZY(g_pq, char *, PQfname, (const PGresult *res, int field_num), (res, field_num))
LAZY_VOID(g_pq, PQfreemem, (void *ptr), (ptr))
LAZY(g_pq, Oid, PQftype, (const PGresult *res, int field_num), (res, field_num))
LAZY(g_pq, PGresult *, PQgetResult, (PGconn *conn), (conn))
LAZY(g_pq, int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
LAZY(g_pq, int, PQgetlength, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
LAZY(g_pq, char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
LAZY(g_pq, int, PQisBusy, (PGconn *conn), (conn))
LAZY(g_pq, int, PQnfields, (const PGresult *res), (res))
LAZY(g_pq, PGnotify *, PQnotifies, (PGconn *conn), (conn))
LAZY(g_pq, int, PQntuples, (const PGresult *res), (res))
LAZY(g_pq, char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode))
LAZY(g_pq, char *, PQresultErrorMessage, (const PGresult *res), (res))
LAZY(g_pq, ExecStatusType, PQresultStatus, (const PGresult *res), (res))
LAZY(g_pq, int, PQsendQuery, (PGconn *conn, const char *query), (conn, query))
LAZY(g_pq, int, PQsendQueryParams,
     (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
      const int *paramLengths, const int *paramFormats, int resultFormat),
     (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
LAZY(g_pq, int, PQserverVersion, (const PGconn *conn), (conn))
LAZY(g_pq, PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg),
     (conn, proc, arg))
LAZY(g_pq, int, PQsetnonblocking, (PGconn *conn, int arg), (conn, arg))
LAZY(g_pq, int, PQsocket, (const PGconn *conn), (conn))
LAZY(g_pq, ConnStatusType, PQstatus, (const PGconn *conn), (conn))
LAZY(g_pq, unsigned char *, PQunescapeBytea, (const unsigned char *strtext, size_t *retbuflen), (strtext, retbuflen))

/* ---------------------------------------------------------------- hiredis */
LAZY(g_redis, redisAsyncContext *, redisAsyncConnect, (const char *ip, int port), (ip, port))
LAZY_VOID(g_redis, redisAsyncDisconnect, (redisAsyncContext *ac), (ac))
LAZY_VOID(g_redis, redisAsyncFree, (redisAsyncContext *ac), (ac))
LAZY_VOID(g_redis, redisAsyncHandleRead, (redisAsyncContext *ac), (ac))
LAZY_VOID(g_redis, redisAsyncHandleWrite, (redisAsyncContext *ac), (ac))
LAZY(g_redis, int, redisAsyncSetConnectCallback, (redisAsyncContext *ac, redisConnectCallback *fn), (ac, fn))
LAZY(g_redis, int, redisAsyncSetDisconnectCallback, (redisAsyncContext *ac, redisDisconnectCallback *fn), (ac, fn))
LAZY(g_redis, int, redisEnableKeepAlive, (redisContext *c), (c))
LAZY(g_redis, int, redisvAsyncCommand, (redisAsyncContext *ac, redisCallbackFn *fn, void *privdata, const char *format, va_list ap),
     (ac, fn, privdata, format, ap))

/* The variadic entry point forwards through hiredis's own va_list variant. */
int redisAsyncCommand(redisAsyncContext *ac, redisCallbackFn *fn, void *privdata, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int r = redisvAsyncCommand(ac, fn, privdata, format, ap);
    va_end(ap);
    return r;
}
