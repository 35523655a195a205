/* static.c — serving APP_DIR/public (static.h): URL path -> file with traversal refused, MIME
 * types, ETags. Runs in the supervisor; the reads are synchronous (small files from the page
 * cache) and bounded by QR_STATIC_MAX. Calls libc and common.c only. */
#include "static.h"
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

#define QR_STATIC_MAX (64u * 1024u * 1024u) /* larger files are left to the app (or a CDN) */

static const struct { const char *ext, *mime; } mimes[] = {
    {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
    {"map", "application/json"}, {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"}, {"csv", "text/csv; charset=utf-8"},
    {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"webp", "image/webp"},
    {"avif", "image/avif"}, {"ico", "image/vnd.microsoft.icon"}, {"bmp", "image/bmp"},
    {"woff", "font/woff"}, {"woff2", "font/woff2"}, {"ttf", "font/ttf"}, {"otf", "font/otf"},
    {"wasm", "application/wasm"}, {"pdf", "application/pdf"}, {"zip", "application/zip"},
    {"gz", "application/gzip"}, {"mp4", "video/mp4"}, {"webm", "video/webm"},
    {"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"}, {"wav", "audio/wav"},
    {"webmanifest", "application/manifest+json"}, {"md", "text/markdown; charset=utf-8"},
};

const char *qr_static_mime(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot)
        for (size_t i = 0; i < QR_ARRAY_LEN(mimes); i++)
            if (strcasecmp(dot + 1, mimes[i].ext) == 0) return mimes[i].mime;
    return "application/octet-stream";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %XX into out (cap bytes); refuses NUL, backslash and "." / ".." segments. */
static int decode_path(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == '%') {
            int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
            if (h < 0 || l < 0) return QR_STATIC_BAD_ESCAPE;
            c = (char)(h * 16 + l);
            p += 2;
            if (c == 0) return QR_STATIC_REFUSED;
        }
        if (c == '\\') return QR_STATIC_REFUSED;
        if (n + 1 >= cap) return QR_STATIC_NOT_FOUND;
        out[n++] = c;
    }
    out[n] = 0;
    if (out[0] != '/') return QR_STATIC_REFUSED;
    /* segment check */
    const char *s = out;
    while (*s) {
        while (*s == '/') s++;
        const char *e = s;
        while (*e && *e != '/') e++;
        size_t len = (size_t)(e - s);
        if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) return QR_STATIC_REFUSED;
        s = e;
    }
    return QR_STATIC_FOUND;
}

/* The root folder, opened once and re-checked at most once a second while it is missing, so
 * an app without public/ costs no system call per request. */
static struct {
    char path[4096];
    int fd;
    time_t checked;
} g_root = {"", -1, 0};

static int root_fd(const char *root)
{
    time_t now = time(NULL);
    if (strcmp(g_root.path, root) != 0) {
        if (g_root.fd >= 0) close(g_root.fd);
        snprintf(g_root.path, sizeof g_root.path, "%s", root);
        g_root.fd = -1;
        g_root.checked = 0;
    }
    if (g_root.fd < 0 && now != g_root.checked) {
        g_root.checked = now;
        g_root.fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    return g_root.fd;
}

/* Opens rel (starting with '/') beneath the root: symlinks may be followed only while they stay
 * inside it (openat2 RESOLVE_BENEATH; EXDEV otherwise). */
static int open_beneath(int rfd, const char *root, const char *rel, int *refused)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    *refused = 0;
    int fd = (int)syscall(SYS_openat2, rfd, rel + 1, &how, sizeof how);
    if (fd >= 0) return fd;
    if (errno == EXDEV) { *refused = 1; return -1; }
    if (errno != ENOSYS) return -1;
    /* kernels before 5.6: resolve and check the prefix by hand */
    char path[8192], real[PATH_MAX];
    snprintf(path, sizeof path, "%s%s", root, rel);
    if (!realpath(path, real)) return -1;
    size_t rl = strlen(root);
    if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != 0)) { *refused = 1; return -1; }
    return open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

static int try_file(const char *root, const char *rel, const char *suffix, int want_body, qr_static_file_t *out)
{
    int rfd = root_fd(root);
    if (rfd < 0) return QR_STATIC_NOT_FOUND;
    char path[8192];
    int n = snprintf(path, sizeof path, "%s%s", rel, suffix);
    if (n < 0 || (size_t)n >= sizeof path) return QR_STATIC_NOT_FOUND;
    int refused;
    int fd = open_beneath(rfd, root, path, &refused);
    if (fd < 0) return refused ? QR_STATIC_REFUSED : QR_STATIC_NOT_FOUND;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > QR_STATIC_MAX) {
        close(fd);
        return QR_STATIC_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    out->len = (size_t)st.st_size;
    out->mime = qr_static_mime(path);
    snprintf(out->etag, sizeof out->etag, "\"%lx-%lx%09lx\"", (unsigned long)st.st_size,
             (unsigned long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
    out->immutable = strncmp(rel, "/assets/", 8) == 0 && strchr(rel, '-') != NULL;
    if (want_body) {
        out->data = qr_xmalloc(out->len + 1);
        size_t got = 0;
        while (got < out->len) {
            ssize_t r = read(fd, out->data + got, out->len - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        out->len = got;
    }
    close(fd);
    return QR_STATIC_FOUND;
}

int qr_static_lookup(const char *root, const char *url_path, int want_body, qr_static_file_t *out)
{
    char rel[4096];
    int r = decode_path(url_path, rel, sizeof rel);
    if (r != QR_STATIC_FOUND) return r;
    size_t len = strlen(rel);
    if (len > 1 && rel[len - 1] != '/') {
        r = try_file(root, rel, "", want_body, out);
        if (r != QR_STATIC_NOT_FOUND) return r;
        r = try_file(root, rel, ".html", want_body, out);
        if (r != QR_STATIC_NOT_FOUND) return r;
    }
    return try_file(root, rel, rel[len - 1] == '/' ? "index.html" : "/index.html", want_body, out);
}

void qr_static_file_free(qr_static_file_t *f)
{
    free(f->data);
    f->data = NULL;
}

int qr_static_etag_matches(const char *v, size_t len, const char *etag)
{
    size_t el = strlen(etag);
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == ',' || v[i] == '\t')) i++;
        size_t s = i;
        while (i < len && v[i] != ',') i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t')) e--;
        if (e - s == 1 && v[s] == '*') return 1;
        if (e - s > 2 && v[s] == 'W' && v[s + 1] == '/') s += 2;
        if (e - s == el && memcmp(v + s, etag, el) == 0) return 1;
    }
    return 0;
}
