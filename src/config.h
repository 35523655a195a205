/* config.h — the one configuration of a quickrail process, filled by cli.c from flags and
 * environment, then read (never written) by every subsystem. Also handed to the zygote and
 * workers (they are exec'd/forked with the same argv and environment and re-parse it). */
#ifndef QR_CONFIG_H
#define QR_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define QR_MAX_ORIGINS 16

typedef struct {
    /* app */
    char app_dir[4096];        /* absolute path of the app folder */
    char env[32];              /* "development" (default), "production", "test" (QUICKRAIL_ENV/RAILS_ENV) */
    char pid_file[4200];       /* -P / --pid; default APP_DIR/tmp/pids/server.pid (quickrail reload reads it) */
    /* http */
    char bind[64];             /* -b, default "0.0.0.0" */
    int port;                  /* -p / PORT, default 3000 */
    size_t max_header_bytes;   /* 16 KiB -> 431 beyond */
    size_t max_body_bytes;     /* --max-body / QUICKRAIL_MAX_BODY, default 10 MiB -> 413 beyond */
    unsigned idle_timeout_ms;  /* keep-alive idle / slow-client timeout, default 30000 */
    /* pool and supervision */
    int workers;               /* -w / WEB_CONCURRENCY, default number of cores */
    int queue_max;             /* pending requests beyond which 503 + Retry-After, default 1024 */
    unsigned deadline_ms;      /* per-request deadline, default 15000 (QUICKRAIL_DEADLINE_MS) */
    unsigned kill_grace_ms;    /* supervisor SIGKILLs a worker this long after the deadline, default 2000 */
    size_t memory_limit;       /* per-runtime JS heap limit, default 64 MiB (QUICKRAIL_MEMORY_LIMIT) */
    size_t stack_limit;        /* per-runtime JS stack limit, default 1 MiB */
    int restart_max;           /* restart budget: more than restart_max restarts ...        */
    unsigned restart_period_ms;/* ... within this window -> exponential backoff (default 50 in 10 s) */
    int enable_crash_routes;   /* QUICKRAIL_TEST_CRASH=1: Quickrail.crash() may raise SIGSEGV (tests only) */
    /* cable */
    char cable_path[256];      /* default "/cable" */
    char *allowed_origins[QR_MAX_ORIGINS]; /* ACTION_CABLE_ALLOWED_ORIGINS, comma-separated; "/re/" = pattern */
    int n_allowed_origins;
    size_t ws_max_message;     /* default 1 MiB -> close 1009 */
    size_t ws_max_outbuf;      /* slow consumer bound, default 4 MiB */
    size_t max_outbuf_total;   /* unsent output of all connections, default 128 MiB (http.c) */
    char secret_key_base[256]; /* SECRET_KEY_BASE or the app's generated tmp/secret_key_base */
    /* data and cluster */
    char database_url[1024];   /* DATABASE_URL; empty = SQLite at app_dir/db/<env>.sqlite3 */
    char cable_url[1024];      /* CABLE_URL: redis://... or postgres://...; empty = single node */
    char cable_prefix[128];    /* channel prefix for the cluster adapter (Rails' channel_prefix) */
    /* logging */
    int log_level;             /* qr_log_level_t */
} qr_config_t;

/* Fills defaults, then applies the environment. Never fails. */
void qr_config_defaults(qr_config_t *cfg);

/* After app_dir is set (cli.c): fills pid_file when not given; fills secret_key_base from APP_DIR/tmp/secret_key_base,
 * generating that file when SECRET_KEY_BASE is unset and the file is missing. 0 or -errno. */
int qr_config_finish(qr_config_t *cfg);

/* Parses "10485760", "10m", "64k", "1g" into bytes; 0 or QR_ECONFIG. */
int qr_config_parse_size(const char *s, size_t *out);
/* Parses a decimal in [0, max]; 0 or QR_ECONFIG. */
int qr_config_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
