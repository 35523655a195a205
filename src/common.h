/* common.h — what every quickrail source file may use: the error convention, assertions that
 * stay on in release builds, and a few small helpers. Errors: 0 on success, a negative
 * errno-style code on failure (QR_E* below extend errno); qr_strerror() names any of them. */
#ifndef QR_COMMON_H
#define QR_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* quickrail's own codes, below -1000 so they never collide with -errno. */
#define QR_EPROTO   (-1001) /* a peer broke the framing or protocol */
#define QR_ETOOBIG  (-1002) /* a size limit was exceeded */
#define QR_EJS      (-1003) /* the JavaScript engine reported an error */
#define QR_EDB      (-1004) /* the database reported an error */
#define QR_ECONFIG  (-1005) /* bad configuration or command line */

#define QR_VERSION "0.1.0"

/* Returns a static description of a code returned by any qr_ function. */
const char *qr_strerror(int code);

/* Assertion that is never compiled out; logs expression, file, line and pid, then aborts. */
#define QR_ASSERT(e) ((e) ? (void)0 : qr__assert_fail(#e, __FILE__, __LINE__))
_Noreturn void qr__assert_fail(const char *expr, const char *file, int line);

/* Monotonic clock in nanoseconds / milliseconds. */
uint64_t qr_now_ns(void);
static inline uint64_t qr_now_ms(void) { return qr_now_ns() / 1000000u; }
/* CPU time (user + system) this process has used, in nanoseconds (boot breakdowns). */
uint64_t qr_cpu_ns(void);

/* Allocation that aborts (with a log line) instead of returning NULL. */
void *qr_xmalloc(size_t n);
void *qr_xcalloc(size_t n, size_t size);
void *qr_xrealloc(void *p, size_t n);
char *qr_xstrdup(const char *s);
char *qr_xstrndup(const char *s, size_t n);

#define QR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
