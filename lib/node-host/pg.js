// lib/node-host/pg.js — what "quickrail:pg" is on the Node host: quickrail's PostgreSQL binding
// is native (src/js_pg.c), and the Node host has none, so PgDatabase is null and the framework's
// PostgreSQL adapter says so when DATABASE_URL asks for it.
export const PgDatabase = null;
