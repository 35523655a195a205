/* db_pg.h — PostgreSQL for JavaScript: the `PgDatabase` class (db_pg.c), the bun:sqlite
 * `Database` surface over libpq. Runs where a JS runtime runs (zygote boot, workers, scripts),
 * never in the supervisor. The JS-facing contract: new PgDatabase(url) with query / prepare
 * (statements: all, get, run, values, finalize), run, exec, transaction(fn), close — the
 * bun:sqlite surface; `?`, `?N`, `$N` and named placeholders; errors carry PostgreSQL's message
 * and `code` = SQLSTATE; a database that cannot be reached throws name "DatabaseUnavailable",
 * code "DATABASE_UNAVAILABLE", status 503 (js_host.h; docs/postgres-and-cluster.md). */
#ifndef QR_DB_PG_H
#define QR_DB_PG_H

struct JSContext;

/* Allocates the class ids on first call (call it in the zygote, before fork, so every worker
 * agrees), registers the classes in ctx's runtime and installs globalThis.PgDatabase.
 * Returns 0, or -1 with a JS exception pending. */
int qr_db_pg_init(struct JSContext *ctx);

/* Closes every connection this process opened (end of zygote boot: a connection never crosses
 * fork; PgDatabase objects reconnect lazily in each worker). */
void qr_db_pg_close_all(void);

#endif
