/* cli.c — the command line (cli.h): a table of subcommands (serve, up and its aliases server/s,
 * reload, run, the hidden __zygote, and JavaScript tasks that others add as lib/quickrail/cli/
 * modules), option parsing for serve, -e for tasks, --help and --version. A usage error says
 * what was wrong and how to do it right (an unknown command names the closest one), and exits
 * 2. Runs first in every process (the zygote is this binary exec'd again).
 * Calls config.c, log.c, supervisor.c, zygote.c, js_host.c. */
#include "cli.h"
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "js_host.h"
#include "buf.h"
#include "log.h"
#include "ruby/erb.h"
#include "ruby/parser.h"
#include "supervisor.h"
#include "zygote.h"

#define EXIT_USAGE 2

typedef struct {
    const char *name;
    const char *args;     /* usage after the name */
    const char *summary;
    /* either a C handler (argv[0] is the subcommand) ... */
    int (*run)(int argc, char **argv);
    /* ... or a JavaScript task: the module runs in a runtime with Quickrail.argv = the
     * arguments after the subcommand and the current directory as the app. */
    const char *js_module;
    int hidden;
    int prefix;           /* name is a prefix: "db:" matches db:migrate, db:seed, ... */
} command_t;

static int cmd_serve(int argc, char **argv);
static int cmd_up(int argc, char **argv);
static int cmd_run(int argc, char **argv);
static int cmd_reload(int argc, char **argv);
static int cmd_zygote(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_ruby_ast(int argc, char **argv);

/* To add a task: one line here, and the module under lib/quickrail/cli/. */
static const command_t commands[] = {
    {"serve", "APP_DIR [options]", "serve the app in APP_DIR over HTTP", cmd_serve, NULL, 0, 0},
    {"up", "[options]", "serve the app in the current directory (serve .)", cmd_up, NULL, 0, 0},
    {"server", "[options]", "same as up (Rails' name; also s)", cmd_up, NULL, 0, 0},
    {"s", "[options]", "same as up", cmd_up, NULL, 1, 0},
    {"reload", "[APP_DIR] [-P FILE]", "zero-downtime reload of the running server (SIGHUP)", cmd_reload, NULL, 0, 0},
    {"run", "FILE.js [args...]", "run a JavaScript file in a quickrail runtime", cmd_run, NULL, 0, 0},
    {"new", "NAME [--demo blog|blog-js]", "create a new app (Ruby) in the folder NAME", NULL, "lib/quickrail/cli/new.js", 0, 0},
    {"db:", "[-e ENV]", "database tasks (below), from the app folder", NULL, "lib/quickrail/cli/db.js", 0, 1},
    {"routes", "[-g PATTERN]", "print the app's routes", NULL, "lib/quickrail/cli/routes.js", 0, 0},
    {"generate", "KIND NAME [args...]", "scaffold|model|migration|controller|channel (also g)", NULL, "lib/quickrail/cli/generate.js", 0, 0},
    {"g", "KIND NAME [args...]", "same as generate", NULL, "lib/quickrail/cli/generate.js", 1, 0},
    {"destroy", "KIND NAME [args...]", "remove what generate made (also d)", NULL, "lib/quickrail/cli/destroy.js", 0, 0},
    {"d", "KIND NAME [args...]", "same as destroy", NULL, "lib/quickrail/cli/destroy.js", 1, 0},
    {"build", "[DIR] [--out OUT]", "compile the app's Ruby to JavaScript (DIR/tmp/quickrail-build)", NULL, "lib/quickrail/cli/build.js", 0, 0},
    {"console", "", "an interactive JavaScript console with the app loaded", NULL, "lib/quickrail/cli/console.js", 0, 0},
    {"help", "", "show this help", cmd_help, NULL, 0, 0},
    {"version", "", "print the version", cmd_version, NULL, 0, 0},
    {"__zygote", "FD [--standby] serve|up ...", "internal: the zygote process", cmd_zygote, NULL, 1, 0},
    {"ruby-ast", "FILE...", "debugging: print the Ruby syntax tree of .rb / .erb files", cmd_ruby_ast, NULL, 1, 0},
};

/* The db: tasks lib/quickrail/cli/db.js runs (a task missing here is refused with the closest
 * name: add new tasks here too). */
static const char *const db_tasks[] = {
    "db:create", "db:drop", "db:migrate", "db:rollback", "db:seed", "db:prepare", "db:reset",
    "db:migrate:status", "db:migrate:redo", "db:version",
};

static void print_usage(FILE *f)
{
    fprintf(f,
            "quickrail %s - runs a JavaScript app on a supervised pool of QuickJS workers\n\n"
            "Usage:\n",
            QR_VERSION);
    for (size_t i = 0; i < QR_ARRAY_LEN(commands); i++)
        if (!commands[i].hidden)
            fprintf(f, "  quickrail %-8s %-20s %s\n", commands[i].prefix ? "db:TASK" : commands[i].name,
                    commands[i].args, commands[i].summary);
    fprintf(f,
            "  quickrail --help | --version\n\n"
            "Database tasks (-e ENV picks the environment, as for up):\n"
            "  db:create db:drop db:migrate [VERSION=n] db:rollback [STEP=n] db:migrate:redo [STEP=n]\n"
            "  db:migrate:status db:version db:seed db:prepare db:reset\n\n"
            "Options for serve / up / server:\n"
            "  -p, --port PORT        port to listen on (default 3000; env PORT; 0 = any free port)\n"
            "  -b, --bind ADDR        address to bind (default 0.0.0.0)\n"
            "  -w, --workers N        worker processes (default: number of cores; env WEB_CONCURRENCY)\n"
            "  -e, --environment ENV  development, production or test (env QUICKRAIL_ENV / RAILS_ENV)\n"
            "      --log-level L      debug, info, warn or error (default info)\n"
            "      --max-body BYTES   largest request body, e.g. 10m (default 10m; larger -> 413)\n"
            "      --deadline MS      per-request deadline in ms (default 15000)\n"
            "      --idle-timeout MS  keep-alive idle / slow-client timeout in ms (default 30000)\n"
            "  -d, --database DB      postgres (DATABASE_URL, else postgresql:///<app>_<env>), sqlite or a URL\n"
            "  -P, --pid FILE         pid file (default APP_DIR/tmp/pids/server.pid; quickrail reload reads it)\n"
            "      --cable URL        cluster broadcasts: redis://..., postgres://..., redis or postgres\n"
            "                         (postgres = LISTEN/NOTIFY on DATABASE_URL; env CABLE_URL, CABLE_PREFIX)\n"
            "      --profile          sample the workers' JavaScript stacks; flame graphs per endpoint\n"
            "                         in APP_DIR/tmp/profile/ (env QUICKRAIL_PROFILE=1; docs/performance.md)\n"
            "\n"
            "Environment: PORT, WEB_CONCURRENCY, QUICKRAIL_ENV, QUICKRAIL_DEADLINE_MS,\n"
            "  QUICKRAIL_KILL_GRACE_MS, QUICKRAIL_MEMORY_LIMIT, QUICKRAIL_MAX_BODY, QUICKRAIL_IDLE_TIMEOUT_MS,\n"
            "  QUICKRAIL_QUEUE_MAX, QUICKRAIL_RESTART_MAX, QUICKRAIL_RESTART_PERIOD_MS, QUICKRAIL_LOG_LEVEL,\n"
            "  QUICKRAIL_STATS=1 (GET /__quickrail/stats), QUICKRAIL_METRICS=1 (GET /metrics),\n"
            "  SECRET_KEY_BASE (required in production), DATABASE_URL, CABLE_URL.\n"
            "\n"
            "Signals: SIGHUP (or quickrail reload) = zero-downtime reload of the code on disk;\n"
            "  SIGTERM / SIGINT = graceful stop; SIGUSR2 = write the profiles now (--profile).\n"
            "  In development, edits under app/, config/, db/ and lib/ reload the app by themselves.\n"
            "\n"
            "Example:\n"
            "  quickrail serve examples/blog -p 3000 -w 4\n");
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "quickrail: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    if (cmd) fprintf(stderr, "Usage: quickrail %s\nRun 'quickrail --help' for all options.\n", cmd);
    else fprintf(stderr, "Run 'quickrail --help' for usage.\n");
    return QR_ECONFIG;
}

#define SERVE_USAGE "serve APP_DIR [-p PORT] [-b ADDR] [-w N] [-e ENV] [-P FILE] [--log-level L] [--max-body BYTES] [--deadline MS] [--profile]"

/* Takes the value of an option given as "--opt=value", "--opt value", "-p3000" or "-p 3000". */
static const char *opt_value(int argc, char **argv, int *i, const char *arg, size_t optlen, const char **err_opt)
{
    if (arg[optlen] == '=') return arg + optlen + 1;
    if (arg[optlen] != 0) {
        if (arg[1] != '-' && optlen == 2) return arg + 2; /* -p3000 */
        return NULL;
    }
    if (*i + 1 >= argc) { *err_opt = arg; return NULL; }
    return argv[++*i];
}

static int match_opt(const char *arg, const char *s, const char *l, size_t *len)
{
    size_t n;
    if (s && strncmp(arg, s, n = strlen(s)) == 0 && (arg[n] == 0 || arg[n] == '=' || (arg[n] >= '0' && arg[n] <= '9'))) { *len = n; return 1; }
    if (l && strncmp(arg, l, n = strlen(l)) == 0 && (arg[n] == 0 || arg[n] == '=')) { *len = n; return 1; }
    return 0;
}

static int check_app_dir(const char *dir, qr_config_t *cfg)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return usage_error(SERVE_USAGE, "app directory '%s' does not exist", dir);
    if (!S_ISDIR(st.st_mode))
        return usage_error(SERVE_USAGE, "'%s' is not a directory; give the folder that holds app.js", dir);
    char real[PATH_MAX];
    if (!realpath(dir, real)) return usage_error(SERVE_USAGE, "cannot resolve '%s'", dir);
    if (strlen(real) >= sizeof cfg->app_dir) return usage_error(SERVE_USAGE, "path too long: %s", dir);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/app.js", real);
    int has = access(path, R_OK) == 0;
    snprintf(path, sizeof path, "%s/index.js", real);
    has = has || access(path, R_OK) == 0;
    /* a Rails-shaped app without an entry is loaded by convention (lib/quickrail/autoload.js) */
    snprintf(path, sizeof path, "%s/config/routes.rb", real);
    has = has || access(path, R_OK) == 0;
    snprintf(path, sizeof path, "%s/config/routes.js", real);
    has = has || access(path, R_OK) == 0;
    if (!has) {
        fprintf(stderr,
                "quickrail: no app in '%s': expected %s/app.js (or index.js), a module whose default\n"
                "  export has fetch(request, env) returning a Response, e.g.\n"
                "    export default { fetch(request) { return new Response(\"Hello\") } }\n"
                "  or a Rails-shaped app (config/routes.rb or config/routes.js, app/controllers, ...)\n",
                dir, dir);
        return QR_ECONFIG;
    }
    snprintf(cfg->app_dir, sizeof cfg->app_dir, "%s", real);
    return 0;
}

/* -d / --database: "postgres" (DATABASE_URL when it is already a postgres URL, else the local
 * server's database <app>_<env> through libpq's defaults), "sqlite" (db/<env>.sqlite3) or a URL.
 * Sets DATABASE_URL in the environment, which the zygote and workers inherit and JS reads. */
static int apply_database(const char *v, qr_config_t *cfg)
{
    const char *cur = getenv("DATABASE_URL");
    char url[sizeof cfg->database_url];
    if (strcmp(v, "postgres") == 0 || strcmp(v, "postgresql") == 0 || strcmp(v, "pg") == 0) {
        if (cur && (strncmp(cur, "postgres://", 11) == 0 || strncmp(cur, "postgresql://", 13) == 0)) return 0;
        const char *base = strrchr(cfg->app_dir, '/');
        base = base ? base + 1 : cfg->app_dir;
        size_t n = 0;
        char name[128];
        for (const char *p = base; *p && n + 1 < sizeof name - sizeof cfg->env - 1; p++) {
            char ch = *p;
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            name[n++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_';
        }
        name[n] = 0;
        snprintf(url, sizeof url, "postgresql:///%s_%s", n ? name : "app", cfg->env);
    } else if (strcmp(v, "sqlite") == 0 || strcmp(v, "sqlite3") == 0) {
        unsetenv("DATABASE_URL");
        cfg->database_url[0] = 0;
        return 0;
    } else if (strstr(v, "://") || strncmp(v, "sqlite3:", 8) == 0) {
        if (strlen(v) >= sizeof url) return usage_error(SERVE_USAGE, "--database '%s' is too long", v);
        snprintf(url, sizeof url, "%s", v);
    } else {
        return usage_error(SERVE_USAGE, "invalid --database '%s': expected postgres, sqlite or a URL", v);
    }
    setenv("DATABASE_URL", url, 1);
    snprintf(cfg->database_url, sizeof cfg->database_url, "%s", url);
    return 0;
}

int qr_cli_parse_serve(int argc, char **argv, const char *app_dir_default, qr_config_t *cfg)
{
    const char *app_dir = NULL, *database = NULL, *pid_file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *missing = NULL;
        size_t ol;
        const char *v;
        unsigned long u;
        if (strcmp(a, "--") == 0) continue;
        if (match_opt(a, "-p", "--port", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (qr_config_parse_uint(v, 65535, &u) != 0)
                return usage_error(SERVE_USAGE, "invalid port '%s': expected a number from 0 to 65535", v);
            cfg->port = (int)u;
        } else if (match_opt(a, "-b", "--bind", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (!*v || strlen(v) >= sizeof cfg->bind)
                return usage_error(SERVE_USAGE, "invalid bind address '%s': expected e.g. 127.0.0.1 or 0.0.0.0", v);
            snprintf(cfg->bind, sizeof cfg->bind, "%s", v);
        } else if (match_opt(a, "-w", "--workers", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (qr_config_parse_uint(v, 256, &u) != 0 || u == 0)
                return usage_error(SERVE_USAGE, "invalid worker count '%s': expected a number from 1 to 256", v);
            cfg->workers = (int)u;
        } else if (match_opt(a, "-e", "--environment", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (!*v || strlen(v) >= sizeof cfg->env)
                return usage_error(SERVE_USAGE, "invalid environment '%s': expected development, production or test", v);
            snprintf(cfg->env, sizeof cfg->env, "%s", v);
        } else if (match_opt(a, NULL, "--log-level", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            qr_log_level_t l;
            if (qr_log_parse_level(v, &l) != 0)
                return usage_error(SERVE_USAGE, "invalid log level '%s': expected debug, info, warn or error", v);
            cfg->log_level = (int)l;
        } else if (match_opt(a, NULL, "--max-body", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (qr_config_parse_size(v, &cfg->max_body_bytes) != 0)
                return usage_error(SERVE_USAGE, "invalid --max-body '%s': expected bytes, e.g. 1048576 or 10m", v);
        } else if (match_opt(a, NULL, "--deadline", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (qr_config_parse_uint(v, 86400000, &u) != 0 || u == 0)
                return usage_error(SERVE_USAGE, "invalid --deadline '%s': expected milliseconds, e.g. 15000", v);
            cfg->deadline_ms = (unsigned)u;
        } else if (match_opt(a, NULL, "--idle-timeout", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (qr_config_parse_uint(v, 86400000, &u) != 0 || u == 0)
                return usage_error(SERVE_USAGE, "invalid --idle-timeout '%s': expected milliseconds, e.g. 30000", v);
            cfg->idle_timeout_ms = (unsigned)u;
        } else if (match_opt(a, "-P", "--pid", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (!*v || strlen(v) >= sizeof cfg->pid_file - 1)
                return usage_error(SERVE_USAGE, "invalid pid file '%s': expected a path, e.g. tmp/pids/server.pid", v);
            pid_file = v;
        } else if (match_opt(a, NULL, "--cable", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            if (strlen(v) >= sizeof cfg->cable_url)
                return usage_error(SERVE_USAGE, "--cable '%s' is too long", v);
            snprintf(cfg->cable_url, sizeof cfg->cable_url, "%s", v); /* redis://, postgres://, redis, postgres */
        } else if (match_opt(a, "-d", "--database", &ol)) {
            if (!(v = opt_value(argc, argv, &i, a, ol, &missing))) goto novalue;
            database = v;
        } else if (strcmp(a, "--profile") == 0) {
            setenv("QUICKRAIL_PROFILE", "1", 1); /* the workers sample their JS stacks (profile.h) */
        } else if (a[0] == '-' && a[1] != 0) {
            return usage_error(SERVE_USAGE, "unknown option '%s'", a);
        } else if (!app_dir) {
            app_dir = a;
        } else {
            return usage_error(SERVE_USAGE, "unexpected argument '%s' (the app directory is already given)", a);
        }
        continue;
    novalue:
        if (missing) return usage_error(SERVE_USAGE, "option '%s' needs a value", missing);
        return usage_error(SERVE_USAGE, "unknown option '%s'", a);
    }
    if (!app_dir) app_dir = app_dir_default;
    if (!app_dir) return usage_error(SERVE_USAGE, "%s", "missing APP_DIR: which app should be served?");
    int r = check_app_dir(app_dir, cfg);
    if (r != 0) return r;
    if (database && (r = apply_database(database, cfg)) != 0) return r;
    /* the one environment everywhere: the zygote, the workers and the app's JS read these */
    setenv("QUICKRAIL_ENV", cfg->env, 1);
    setenv("RAILS_ENV", cfg->env, 1);
    if (strcmp(cfg->env, "production") == 0 && !cfg->secret_key_base[0]) {
        fprintf(stderr,
                "quickrail: refusing to start in production without SECRET_KEY_BASE.\n"
                "  Sessions, CSRF tokens and signed stream names are signed with it, so it must be\n"
                "  secret and the same on every restart and every node. Generate one once, keep it\n"
                "  with your deployment's secrets, and export it before starting, e.g.\n"
                "    export SECRET_KEY_BASE=$(openssl rand -hex 64)\n"
                "    quickrail up -e production\n");
        return QR_ECONFIG;
    }
    if (pid_file) {
        if (pid_file[0] == '/') snprintf(cfg->pid_file, sizeof cfg->pid_file, "%s", pid_file);
        else {
            char cwd[PATH_MAX];
            if (!getcwd(cwd, sizeof cwd) || strlen(cwd) + strlen(pid_file) + 2 > sizeof cfg->pid_file)
                return usage_error(SERVE_USAGE, "pid file path '%s' is too long", pid_file);
            size_t n = strlen(cwd);
            memcpy(cfg->pid_file, cwd, n);
            cfg->pid_file[n] = '/';
            memcpy(cfg->pid_file + n + 1, pid_file, strlen(pid_file) + 1);
        }
    }
    qr_log_set_level((qr_log_level_t)cfg->log_level);
    if (qr_config_finish(cfg) != 0) qr_warn("could not create %s/tmp/secret_key_base; using a per-process secret", cfg->app_dir);
    return 0;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    if (wants_help(argc, argv)) { print_usage(stdout); return 0; }
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    if (qr_cli_parse_serve(argc - 1, argv + 1, NULL, &cfg) != 0) return EXIT_USAGE;
    return qr_supervisor_run(&cfg, argc, argv);
}

static int cmd_up(int argc, char **argv)
{
    if (wants_help(argc, argv)) { print_usage(stdout); return 0; }
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    if (qr_cli_parse_serve(argc - 1, argv + 1, ".", &cfg) != 0) return EXIT_USAGE;
    return qr_supervisor_run(&cfg, argc, argv);
}

static int cmd_zygote(int argc, char **argv)
{
    unsigned long fd;
    if (argc < 3 || qr_config_parse_uint(argv[1], 1 << 20, &fd) != 0) {
        fprintf(stderr, "quickrail: __zygote is started by quickrail serve, not by hand\n");
        return EXIT_USAGE;
    }
    int standby = strcmp(argv[2], "--standby") == 0; /* a standby zygote (zygote.h) */
    if (standby && argc < 4) return EXIT_USAGE;
    argc -= standby;
    argv += standby;
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    const char *def = strcmp(argv[2], "serve") != 0 ? "." : NULL; /* up, server, s */
    if (qr_cli_parse_serve(argc - 3, argv + 3, def, &cfg) != 0) return EXIT_USAGE;
    return qr_zygote_main(&cfg, (int)fd, standby);
}

/* Levenshtein distance of two short names (the suggestion for a mistyped command). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The closest command or db task to `name`, or NULL when nothing is close. */
static const char *closest_command(const char *name)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < QR_ARRAY_LEN(commands) + QR_ARRAY_LEN(db_tasks); i++) {
        const char *c = i < QR_ARRAY_LEN(commands) ? commands[i].name : db_tasks[i - QR_ARRAY_LEN(commands)];
        if (i < QR_ARRAY_LEN(commands) && (commands[i].prefix || commands[i].name[0] == '_' || strlen(c) < 2)) continue;
        size_t d = edit_distance(name, c);
        if (d < bestd) { bestd = d; best = c; }
    }
    size_t len = strlen(name);
    size_t allowed = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return bestd <= allowed ? best : NULL;
}

/* Checks a db: task's name and its NAME=value arguments before the JS task runs. */
static int check_db_task(int argc, char **argv)
{
    int known = 0;
    for (size_t i = 0; i < QR_ARRAY_LEN(db_tasks); i++)
        if (strcmp(argv[0], db_tasks[i]) == 0) known = 1;
    if (!known) {
        const char *near = closest_command(argv[0]);
        fprintf(stderr, "quickrail: unknown database task '%s'", argv[0]);
        if (near) fprintf(stderr, "; did you mean `%s`?", near);
        fprintf(stderr, "\nDatabase tasks: db:create db:drop db:migrate db:rollback db:migrate:redo db:migrate:status\n"
                        "  db:version db:seed db:prepare db:reset (run 'quickrail --help' for all commands)\n");
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        unsigned long u;
        if (strncmp(argv[i], "STEP=", 5) == 0 && (qr_config_parse_uint(argv[i] + 5, 1000000, &u) != 0 || u == 0)) {
            fprintf(stderr, "quickrail: invalid %s: STEP must be a whole number of migrations, 1 or more\n"
                            "Usage: quickrail %s STEP=2\n", argv[i], argv[0]);
            return EXIT_USAGE;
        }
        if (strncmp(argv[i], "VERSION=", 8) == 0 && qr_config_parse_uint(argv[i] + 8, (unsigned long)-1, &u) != 0) {
            fprintf(stderr, "quickrail: invalid %s: VERSION is a migration's timestamp, e.g. VERSION=20260101120000\n"
                            "Usage: quickrail %s VERSION=20260101120000\n", argv[i], argv[0]);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Takes -e ENV / --environment ENV out of a task's arguments and makes it the environment
 * the task's JavaScript sees (QUICKRAIL_ENV and RAILS_ENV). Returns the new argc, or -1. */
static int take_env_option(int argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        size_t ol;
        const char *missing = NULL, *v;
        if (i > 0 && match_opt(argv[i], "-e", "--environment", &ol)) {
            if (!(v = opt_value(argc, argv, &i, argv[i], ol, &missing)) || !*v) {
                usage_error("db:migrate -e production", "option '%s' needs a value: development, production or test", argv[i]);
                return -1;
            }
            setenv("QUICKRAIL_ENV", v, 1);
            setenv("RAILS_ENV", v, 1);
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

static int run_js(const char *module, int argc, char **argv)
{
    if ((argc = take_env_option(argc, argv)) < 0) return EXIT_USAGE;
    if (argc > 0 && strncmp(argv[0], "db:", 3) == 0) {
        int r = check_db_task(argc, argv);
        if (r) return r;
    }
    qr_config_t cfg;
    qr_config_defaults(&cfg);
    qr_log_set_level((qr_log_level_t)cfg.log_level);
    if (!getcwd(cfg.app_dir, sizeof cfg.app_dir)) snprintf(cfg.app_dir, sizeof cfg.app_dir, ".");
    return qr_js_host_run_script(&cfg, module, argc, argv);
}

static int cmd_run(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        if (argc >= 2) { print_usage(stdout); return 0; }
        usage_error("run FILE.js [args...]", "%s", "missing FILE.js: which script should run?");
        return EXIT_USAGE;
    }
    const char *file = argv[1];
    char real[PATH_MAX];
    struct stat st;
    if (stat(file, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            usage_error("run FILE.js [args...]", "'%s' is not a file", file);
            return EXIT_USAGE;
        }
        if (realpath(file, real)) file = real;
    } else if (strncmp(file, "lib/", 4) != 0) {
        usage_error("run FILE.js [args...]", "script '%s' does not exist", file);
        return EXIT_USAGE;
    }
    return run_js(file, argc - 2, argv + 2);
}

#define RELOAD_USAGE "reload [APP_DIR] [-P FILE]"

/* quickrail reload: SIGHUP to the server whose pid is in APP_DIR/tmp/pids/server.pid. */
static int cmd_reload(int argc, char **argv)
{
    if (wants_help(argc, argv)) { print_usage(stdout); return 0; }
    const char *dir = ".", *file = NULL;
    for (int i = 1; i < argc; i++) {
        size_t ol;
        const char *missing = NULL, *v;
        if (match_opt(argv[i], "-P", "--pid", &ol)) {
            if (!(v = opt_value(argc, argv, &i, argv[i], ol, &missing)) || !*v) {
                usage_error(RELOAD_USAGE, "option '%s' needs a value", argv[i]);
                return EXIT_USAGE;
            }
            file = v;
        } else if (argv[i][0] == '-') {
            usage_error(RELOAD_USAGE, "unknown option '%s'", argv[i]);
            return EXIT_USAGE;
        } else if (dir[0] == '.' && dir[1] == 0) {
            dir = argv[i];
        } else {
            usage_error(RELOAD_USAGE, "unexpected argument '%s' (the app directory is already given)", argv[i]);
            return EXIT_USAGE;
        }
    }
    char path[PATH_MAX + 32];
    if (file) snprintf(path, sizeof path, "%s", file);
    else snprintf(path, sizeof path, "%.*s/tmp/pids/server.pid", PATH_MAX - 1, dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "quickrail: no server pid file at %s (%s).\n"
                        "  Is the server running from this folder? `quickrail up` writes it at start;\n"
                        "  give the app folder (quickrail reload APP_DIR) or the file (-P FILE).\n",
                path, strerror(errno));
        return 1;
    }
    long pid = 0;
    int ok = fscanf(f, "%ld", &pid) == 1 && pid > 1;
    fclose(f);
    if (!ok) { fprintf(stderr, "quickrail: %s does not hold a process id\n", path); return 1; }
    if (kill((pid_t)pid, SIGHUP) != 0) {
        fprintf(stderr, "quickrail: cannot signal the server (pid %ld from %s): %s\n"
                        "  It is not running any more (a stale pid file?); start it with `quickrail up`.\n",
                pid, path, strerror(errno));
        return 1;
    }
    printf("Sent SIGHUP to quickrail (pid %ld): it boots the code on disk and replaces its workers one\n"
           "at a time; the old code keeps serving if the new one fails to boot (see the server's log).\n", pid);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    print_usage(stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("quickrail %s\n", QR_VERSION);
    return 0;
}

/* quickrail ruby-ast FILE...: the parser's S-expression dump of each file (ERB templates are
 * first turned into Ruby by erb.c, and that Ruby is printed too). Exits 1 on a syntax error. */
static int cmd_ruby_ast(int argc, char **argv)
{
    if (argc < 2) {
        usage_error("ruby-ast FILE...", "%s", "missing FILE: which .rb or .erb file should be parsed?");
        return EXIT_USAGE;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "quickrail: cannot read '%s': %s\n", argv[i], strerror(errno));
            return EXIT_USAGE;
        }
        qr_buf_t src = QR_BUF_INIT;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) qr_buf_append(&src, chunk, n);
        fclose(f);
        const char *text = src.data ? src.data : "";
        size_t tlen = src.len;
        qr_ruby_error err;
        qr_ruby_erb *e = NULL;
        size_t plen = strlen(argv[i]);
        int erb = plen > 4 && strcmp(argv[i] + plen - 4, ".erb") == 0;
        qr_ruby_ast *ast = NULL;
        if (!erb || qr_ruby_erb_compile(text, tlen, argv[i], &e, &err) == 0) {
            if (e) printf("# %s as Ruby:\n%s\n", argv[i], e->ruby);
            ast = e ? qr_ruby_parse(e->ruby, e->len, argv[i], &err) : qr_ruby_parse(text, tlen, argv[i], &err);
            if (!ast && e) qr_ruby_erb_map(e, src.data, src.len, &err);
        }
        if (ast) {
            char *d = qr_ruby_sexp(ast->root);
            printf("%s\n", d);
            free(d);
            qr_ruby_ast_free(ast);
        } else {
            char *m = qr_ruby_error_format(&err, src.data, src.len);
            fputs(m, stderr);
            free(m);
            rc = 1;
        }
        qr_ruby_erb_free(e);
        qr_buf_free(&src);
    }
    return rc;
}

int qr_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        fprintf(stderr, "\nquickrail: missing command; try 'quickrail serve APP_DIR'\n");
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) return cmd_help(0, NULL);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-v") == 0 || strcmp(cmd, "-V") == 0) return cmd_version(0, NULL);
    for (size_t i = 0; i < QR_ARRAY_LEN(commands); i++) {
        const command_t *c = &commands[i];
        if (c->prefix ? strncmp(cmd, c->name, strlen(c->name)) != 0 : strcmp(cmd, c->name) != 0) continue;
        if (c->run) return c->run(argc - 1, argv + 1);
        return run_js(c->js_module, argc - 1, argv + 1); /* Quickrail.argv = [task, args...] */
    }
    const char *near = cmd[0] == '-' ? NULL : closest_command(cmd);
    if (cmd[0] == '-') fprintf(stderr, "quickrail: unknown option '%s'\n", cmd);
    else if (near) fprintf(stderr, "quickrail: unknown command '%s'; did you mean `%s`?\n", cmd, near);
    else fprintf(stderr, "quickrail: unknown command '%s'\n", cmd);
    fprintf(stderr, "Usage: quickrail up [options]   (run 'quickrail --help' for every command)\n");
    return EXIT_USAGE;
}
