/* log.c — the logger of log.h. Formats a whole line into a stack buffer and writes it to
 * stdout with one write(2), so lines of the supervisor, the zygote and the workers never
 * interleave. Safe to call from any process; calls only libc (it is the lowest unit: common.c
 * logs through it, so it includes nothing of the server). */
#include "log.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static qr_log_level_t g_level = QR_LOG_INFO;
static char g_tag[32] = "quickrail";

void qr_log_set_level(qr_log_level_t level) { g_level = level; }
qr_log_level_t qr_log_get_level(void) { return g_level; }

int qr_log_parse_level(const char *s, qr_log_level_t *out)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, names[i]) == 0) { *out = (qr_log_level_t)i; return 0; }
    return -EINVAL;
}

void qr_log_set_tag(const char *tag) { snprintf(g_tag, sizeof g_tag, "%s", tag); }

void qr_log(qr_log_level_t level, const char *fmt, ...)
{
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    if (level < g_level) return;
    char line[8192];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s [%s] ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, names[level], g_tag);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(STDOUT_FILENO, line, len);
    (void)w;
}

char *qr_log_escape(char *out, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[4];
        size_t n = 0;
        if (ch == '\n') { esc[0] = '\\'; esc[1] = 'n'; n = 2; }
        else if (ch == '\r') { esc[0] = '\\'; esc[1] = 'r'; n = 2; }
        else if (ch == '\t') { esc[0] = '\\'; esc[1] = 't'; n = 2; }
        else if (ch == '\\') { esc[0] = '\\'; esc[1] = '\\'; n = 2; }
        else if (ch < 0x20 || ch == 0x7f) { esc[0] = '\\'; esc[1] = 'x'; esc[2] = hex[ch >> 4]; esc[3] = hex[ch & 15]; n = 4; }
        else { esc[0] = (char)ch; n = 1; }
        if (o + n + 4 > cap) { memcpy(out + o, "...", 3); o += 3; break; }
        memcpy(out + o, esc, n);
        o += n;
    }
    out[o] = 0;
    return out;
}
