/* config.c — qr_config_t defaults and the environment variables that change them (config.h).
 * Flags are applied afterwards by cli.c. Runs in every process before anything else (the
 * zygote re-runs it after exec); calls only libc, log.c and common.c. */
#include "config.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "log.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void env_str(char *dst, size_t cap, const char *name)
{
    const char *v = env(name);
    if (v) snprintf(dst, cap, "%s", v);
}

/* Parses an unsigned decimal with an optional k/m/g suffix (powers of 1024). */
int qr_config_parse_size(const char *s, size_t *out)
{
    if (!s || !*s) return QR_ECONFIG;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-') return QR_ECONFIG;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1024ull, end++;
    else if (*end == 'm' || *end == 'M') mul = 1024ull * 1024, end++;
    else if (*end == 'g' || *end == 'G') mul = 1024ull * 1024 * 1024, end++;
    if (*end == 'b' || *end == 'B') end++;
    if (*end) return QR_ECONFIG;
    *out = (size_t)(v * mul);
    return 0;
}

int qr_config_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!s || !*s || *s == '-') return QR_ECONFIG;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max) return QR_ECONFIG;
    *out = v;
    return 0;
}

static void env_uint(const char *name, unsigned long max, unsigned long *dst)
{
    const char *v = env(name);
    if (!v) return;
    unsigned long x;
    if (qr_config_parse_uint(v, max, &x) == 0) *dst = x;
    else qr_warn("ignoring %s=%s: expected a whole number up to %lu", name, v, max);
}

static void env_size(const char *name, size_t *dst)
{
    const char *v = env(name);
    if (!v) return;
    if (qr_config_parse_size(v, dst) != 0) qr_warn("ignoring %s=%s: expected a size like 10485760 or 10m", name, v);
}

void qr_config_defaults(qr_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->env, sizeof cfg->env, "development");
    snprintf(cfg->bind, sizeof cfg->bind, "0.0.0.0");
    cfg->port = 3000;
    cfg->max_header_bytes = 16 * 1024;
    cfg->max_body_bytes = 10 * 1024 * 1024;
    cfg->idle_timeout_ms = 30000;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->workers = cores > 0 ? (int)cores : 1;
    cfg->queue_max = 1024;
    cfg->deadline_ms = 15000;
    cfg->kill_grace_ms = 2000;
    cfg->memory_limit = 64 * 1024 * 1024;
    cfg->stack_limit = 1024 * 1024;
    cfg->restart_max = 50;
    cfg->restart_period_ms = 10000;
    snprintf(cfg->cable_path, sizeof cfg->cable_path, "/cable");
    cfg->ws_max_message = 1024 * 1024;
    cfg->ws_max_outbuf = 4 * 1024 * 1024;
    cfg->max_outbuf_total = 128u * 1024 * 1024;
    snprintf(cfg->cable_prefix, sizeof cfg->cable_prefix, "quickrail");
    cfg->log_level = QR_LOG_INFO;

    /* environment */
    env_str(cfg->env, sizeof cfg->env, "RAILS_ENV");
    env_str(cfg->env, sizeof cfg->env, "QUICKRAIL_ENV");
    env_str(cfg->bind, sizeof cfg->bind, "QUICKRAIL_BIND");
    unsigned long u;
    u = (unsigned long)cfg->port; env_uint("PORT", 65535, &u); cfg->port = (int)u;
    u = (unsigned long)cfg->workers; env_uint("WEB_CONCURRENCY", 256, &u); if (u > 0) cfg->workers = (int)u;
    u = (unsigned long)cfg->queue_max; env_uint("QUICKRAIL_QUEUE_MAX", 1000000, &u); cfg->queue_max = (int)u;
    u = cfg->deadline_ms; env_uint("QUICKRAIL_DEADLINE_MS", 86400000, &u); if (u > 0) cfg->deadline_ms = (unsigned)u;
    u = cfg->kill_grace_ms; env_uint("QUICKRAIL_KILL_GRACE_MS", 86400000, &u); cfg->kill_grace_ms = (unsigned)u;
    u = cfg->idle_timeout_ms; env_uint("QUICKRAIL_IDLE_TIMEOUT_MS", 86400000, &u); if (u > 0) cfg->idle_timeout_ms = (unsigned)u;
    u = (unsigned long)cfg->restart_max; env_uint("QUICKRAIL_RESTART_MAX", 1000000000, &u); cfg->restart_max = (int)u;
    u = cfg->restart_period_ms; env_uint("QUICKRAIL_RESTART_PERIOD_MS", 86400000, &u); if (u > 0) cfg->restart_period_ms = (unsigned)u;
    env_size("QUICKRAIL_MAX_BODY", &cfg->max_body_bytes);
    env_size("QUICKRAIL_MAX_HEADER", &cfg->max_header_bytes);
    env_size("QUICKRAIL_MEMORY_LIMIT", &cfg->memory_limit);
    env_size("QUICKRAIL_STACK_LIMIT", &cfg->stack_limit);
    env_size("QUICKRAIL_WS_MAX_MESSAGE", &cfg->ws_max_message);
    env_size("QUICKRAIL_WS_MAX_OUTBUF", &cfg->ws_max_outbuf);
    env_size("QUICKRAIL_MAX_OUTBUF_TOTAL", &cfg->max_outbuf_total);
    const char *crash = env("QUICKRAIL_TEST_CRASH");
    cfg->enable_crash_routes = crash && strcmp(crash, "1") == 0;
    env_str(cfg->cable_path, sizeof cfg->cable_path, "QUICKRAIL_CABLE_PATH");
    const char *origins = env("ACTION_CABLE_ALLOWED_ORIGINS");
    if (origins) {
        const char *p = origins;
        while (*p && cfg->n_allowed_origins < QR_MAX_ORIGINS) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            while (n && (*p == ' ')) p++, n--;
            while (n && p[n - 1] == ' ') n--;
            if (n) cfg->allowed_origins[cfg->n_allowed_origins++] = qr_xstrndup(p, n);
            if (!c) break;
            p = c + 1;
        }
    }
    env_str(cfg->secret_key_base, sizeof cfg->secret_key_base, "SECRET_KEY_BASE");
    env_str(cfg->database_url, sizeof cfg->database_url, "DATABASE_URL");
    env_str(cfg->cable_url, sizeof cfg->cable_url, "CABLE_URL");
    env_str(cfg->cable_prefix, sizeof cfg->cable_prefix, "CABLE_PREFIX");
    const char *lvl = env("QUICKRAIL_LOG_LEVEL");
    if (lvl) {
        qr_log_level_t l;
        if (qr_log_parse_level(lvl, &l) == 0) cfg->log_level = (int)l;
        else qr_warn("ignoring QUICKRAIL_LOG_LEVEL=%s: expected debug, info, warn or error", lvl);
    }
}

/* Reads APP_DIR/tmp/secret_key_base, creating it with 64 random bytes (hex) when missing. */
static int load_secret(qr_config_t *cfg)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/tmp/secret_key_base", cfg->app_dir);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[256] = {0};
        if (fgets(line, sizeof line, f)) {
            size_t n = strcspn(line, "\r\n");
            line[n] = 0;
            if (n >= 32) snprintf(cfg->secret_key_base, sizeof cfg->secret_key_base, "%s", line);
        }
        fclose(f);
        if (cfg->secret_key_base[0]) return 0;
    }
    unsigned char raw[64];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, raw, sizeof raw) != (ssize_t)sizeof raw) {
        if (fd >= 0) close(fd);
        return -EIO;
    }
    close(fd);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        cfg->secret_key_base[2 * i] = hex[raw[i] >> 4];
        cfg->secret_key_base[2 * i + 1] = hex[raw[i] & 15];
    }
    cfg->secret_key_base[2 * sizeof raw] = 0;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tmp", cfg->app_dir);
    mkdir(dir, 0755);
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    f = fopen(tmp, "w");
    if (!f) return 0; /* read-only app dir: this process keeps its own secret */
    fprintf(f, "%s\n", cfg->secret_key_base);
    fclose(f);
    chmod(tmp, 0600);
    if (rename(tmp, path) != 0) unlink(tmp);
    return 0;
}

int qr_config_finish(qr_config_t *cfg)
{
    if (!cfg->pid_file[0] && cfg->app_dir[0])
        snprintf(cfg->pid_file, sizeof cfg->pid_file, "%s/tmp/pids/server.pid", cfg->app_dir);
    if (!cfg->secret_key_base[0] && cfg->app_dir[0]) return load_secret(cfg);
    return 0;
}
