/* common.c — the error names, the always-on assertion, the monotonic clock and the aborting
 * allocators declared in common.h. Used by every process; calls only libc and log.c. */
#include "common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

const char *qr_strerror(int code)
{
    switch (code) {
    case 0: return "ok";
    case QR_EPROTO: return "protocol error";
    case QR_ETOOBIG: return "size limit exceeded";
    case QR_EJS: return "JavaScript error";
    case QR_EDB: return "database error";
    case QR_ECONFIG: return "configuration error";
    default: return code < 0 ? strerror(-code) : "unknown error";
    }
}

_Noreturn void qr__assert_fail(const char *expr, const char *file, int line)
{
    qr_error("assertion failed: %s at %s:%d (pid %d)", expr, file, line, (int)getpid());
    abort();
}

uint64_t qr_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t qr_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *oom(size_t n)
{
    qr_error("out of memory allocating %zu bytes (pid %d)", n, (int)getpid());
    abort();
}

void *qr_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *qr_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n * size);
}

void *qr_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *qr_xstrdup(const char *s) { return qr_xstrndup(s, strlen(s)); }

char *qr_xstrndup(const char *s, size_t n)
{
    char *p = qr_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
