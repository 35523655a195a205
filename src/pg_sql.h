/* pg_sql.h — SQL placeholder translation for PostgreSQL (pg_sql.c): the placeholders the
 * framework and bun:sqlite users write (`?`, `?N`, `$N`, named `$a` / `:a` / `@a`) become
 * PostgreSQL's `$N`, leaving strings, quoted identifiers, comments, `::` casts and dollar-quoted
 * bodies untouched. Pure: no I/O, no JavaScript, no libpq; any process may call it. */
#ifndef QR_PG_SQL_H
#define QR_PG_SQL_H

typedef struct {
    char *sql;    /* the translated statement, NUL-terminated; owned */
    int nparams;  /* the highest $N it uses */
    char **names; /* named placeholders: names[i] is the name bound to $i+1 (owned, each owned);
                     NULL when the statement uses positional placeholders or none */
} qr_pg_sql_t;

/* Translates sql into *out. Returns 0, or -1 with *err set to a static message ("mixing named
 * and positional placeholders is not supported", "dollar-quote tag too long") and *out empty. */
int qr_pg_sql_translate(const char *sql, qr_pg_sql_t *out, const char **err);

/* Frees what *q owns and empties it (safe on an empty or already freed value). */
void qr_pg_sql_free(qr_pg_sql_t *q);

#endif
