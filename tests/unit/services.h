/* services.h — real Redis and PostgreSQL servers for the C tests of the cluster bridge: each
 * started by the test itself on a free 127.0.0.1 port, in a temporary directory, and stopped
 * afterwards (Debian's redis-server and postgresql 15). PostgreSQL refuses to run as root, so
 * as root it runs as the `postgres` system user (or `nobody`). Header-only: static functions
 * for tests/unit/test_bridge_*.c; nothing in src/ uses it. */
#ifndef QR_TEST_SERVICES_H
#define QR_TEST_SERVICES_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"

typedef struct {
    pid_t pid;
    int port;
    char dir[256];
    uid_t uid;
    gid_t gid;
} svc_t;

static inline int svc_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static inline int svc_port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static inline void svc_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline int svc_wait_port(int port, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 50) {
        if (svc_port_open(port)) return 0;
        svc_sleep_ms(50);
    }
    return -1;
}

/* Runs argv as svc->uid (when root) with stdout/stderr to log; returns the pid. */
static inline pid_t svc_spawn(svc_t *s, char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); close(fd); }
        setpgid(0, 0);
        if (getuid() == 0 && s->uid != 0) {
            if (setgid(s->gid) < 0 || setuid(s->uid) < 0) _exit(126);
        }
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* after setuid, which clears it: no orphan if the test dies */
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static inline int svc_wait_exit(pid_t pid, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 20) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        svc_sleep_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static inline void svc_mkdir(svc_t *s, const char *tag)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/qr-%s-XXXXXX", tag);
    if (!mkdtemp(s->dir)) { perror("mkdtemp"); exit(1); }
    s->uid = getuid();
    s->gid = getgid();
    if (getuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw) pw = getpwnam("nobody");
        if (pw) { s->uid = pw->pw_uid; s->gid = pw->pw_gid; }
        if (chown(s->dir, s->uid, s->gid) < 0) perror("chown");
    }
}

/* Starts redis-server on s->port (chosen when 0). Returns 0 or -1. */
static inline int svc_redis_start(svc_t *s)
{
    if (!s->dir[0]) svc_mkdir(s, "redis");
    if (!s->port) s->port = svc_free_port();
    char port[16], log[300];
    snprintf(port, sizeof port, "%d", s->port);
    snprintf(log, sizeof log, "%s/redis.log", s->dir);
    char *argv[] = {"/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", s->dir, NULL};
    s->pid = svc_spawn(s, argv, log);
    return svc_wait_port(s->port, 10000);
}

static inline void svc_stop(svc_t *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        svc_wait_exit(s->pid, 15000);
        s->pid = 0;
    }
}

/* Initialises a PostgreSQL cluster in s->dir (user postgres, trust auth) and starts it on
 * 127.0.0.1:s->port with its unix socket in s->dir. Returns 0 or -1. */
static inline int svc_pg_start(svc_t *s)
{
    char data[300], log[300], port[16], initlog[300];
    if (!s->dir[0]) {
        svc_mkdir(s, "pg");
        snprintf(data, sizeof data, "%s/data", s->dir);
        snprintf(initlog, sizeof initlog, "%s/initdb.log", s->dir);
        char *iargv[] = {PG_BIN "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                         "--no-sync", NULL};
        pid_t ip = svc_spawn(s, iargv, initlog);
        if (svc_wait_exit(ip, 60000) != 0) { fprintf(stderr, "initdb failed, see %s\n", initlog); return -1; }
    }
    snprintf(data, sizeof data, "%s/data", s->dir);
    snprintf(log, sizeof log, "%s/postgres.log", s->dir);
    if (!s->port) s->port = svc_free_port();
    snprintf(port, sizeof port, "%d", s->port);
    char *argv[] = {PG_BIN "/postgres", "-D", data, "-p", port, "-h", "127.0.0.1", "-k", s->dir,
                    "-c", "fsync=off", "-c", "max_connections=50", NULL};
    s->pid = svc_spawn(s, argv, log);
    return svc_wait_port(s->port, 20000);
}

/* svc_pg_start, then waits (up to 10 s) until PostgreSQL accepts connections at url, which it
 * writes (postgres://postgres@127.0.0.1:PORT/postgres; cap bytes). Returns 0 or -1. */
static inline int svc_pg_start_ready(svc_t *s, char *url, size_t cap)
{
    if (svc_pg_start(s) < 0) return -1;
    snprintf(url, cap, "postgres://postgres@127.0.0.1:%d/postgres", s->port);
    for (int i = 0; i < 200 && PQping(url) != PQPING_OK; i++) svc_sleep_ms(50);
    return PQping(url) == PQPING_OK ? 0 : -1;
}

/* Fast shutdown (SIGINT) so that clients see their connections closed. */
static inline void svc_pg_stop(svc_t *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGINT);
        svc_wait_exit(s->pid, 20000);
        s->pid = 0;
    }
}

static inline void svc_cleanup(svc_t *s)
{
    if (s->dir[0]) {
        char cmd[320];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", s->dir);
        s->dir[0] = 0;
    }
}

#endif
