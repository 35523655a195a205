/* log.h — one logger for every process (supervisor, zygote, workers). Lines are written
 * with a single write(2) so lines from several processes never interleave mid-line.
 * Each line is prefixed with the process tag set by qr_log_set_tag ("sup", "zygote", "w3"). */
#ifndef QR_LOG_H
#define QR_LOG_H

#include <stddef.h>

typedef enum { QR_LOG_DEBUG = 0, QR_LOG_INFO, QR_LOG_WARN, QR_LOG_ERROR } qr_log_level_t;

void qr_log_set_level(qr_log_level_t level);
qr_log_level_t qr_log_get_level(void);
/* Parses "debug|info|warn|error"; returns 0 or -EINVAL. */
int qr_log_parse_level(const char *s, qr_log_level_t *out);
void qr_log_set_tag(const char *tag); /* copied */
void qr_log(qr_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies len bytes of s (borrowed, may hold any byte) into out (cap >= 8) for a log line:
 * control characters, DEL and backslash escaped (\n, \r, \t, \\, \xNN), so input can never
 * forge or split a line; cut with "..." when it does not fit. Returns out. */
char *qr_log_escape(char *out, size_t cap, const char *s, size_t len);

#define qr_debug(...) qr_log(QR_LOG_DEBUG, __VA_ARGS__)
#define qr_info(...)  qr_log(QR_LOG_INFO, __VA_ARGS__)
#define qr_warn(...)  qr_log(QR_LOG_WARN, __VA_ARGS__)
#define qr_error(...) qr_log(QR_LOG_ERROR, __VA_ARGS__)

#endif
