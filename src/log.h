/* log.h — one logger for every process (supervisor, zygote, workers). Lines are written
 * with a single write(2) so lines from several processes never interleave mid-line.
 * Each line is prefixed with the process tag set by qr_log_set_tag ("sup", "zygote", "w3"). */
#ifndef QR_LOG_H
#define QR_LOG_H

typedef enum { QR_LOG_DEBUG = 0, QR_LOG_INFO, QR_LOG_WARN, QR_LOG_ERROR } qr_log_level_t;

void qr_log_set_level(qr_log_level_t level);
qr_log_level_t qr_log_get_level(void);
/* Parses "debug|info|warn|error"; returns 0 or -EINVAL. */
int qr_log_parse_level(const char *s, qr_log_level_t *out);
void qr_log_set_tag(const char *tag); /* copied */
void qr_log(qr_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define qr_debug(...) qr_log(QR_LOG_DEBUG, __VA_ARGS__)
#define qr_info(...)  qr_log(QR_LOG_INFO, __VA_ARGS__)
#define qr_warn(...)  qr_log(QR_LOG_WARN, __VA_ARGS__)
#define qr_error(...) qr_log(QR_LOG_ERROR, __VA_ARGS__)

#endif
