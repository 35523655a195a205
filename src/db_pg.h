/* db_pg.h — PostgreSQL for JavaScript: the `PgDatabase` class (db_pg.c), the bun:sqlite
 * `Database` surface over libpq. Runs where a JS runtime runs (zygote boot, workers, scripts),
 * never in the supervisor. The JS-facing contract is written in /work/shared/notes/postgres.md
 * and in js_host.h; errors for an unreachable database carry name "DatabaseUnavailable",
 * code "DATABASE_UNAVAILABLE", status 503. */
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
