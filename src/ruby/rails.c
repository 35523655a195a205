/* ruby/rails.c — Rails conventions for the Ruby compiler (ruby/rails.h) and the compile entry
 * point (ruby/ruby.h): file kinds by path, the app root, constants to files by Rails naming
 * (Article -> app/models/article.rb, ApplicationCable::Channel ->
 * app/channels/application_cable/channel.rb), and parse -> codegen with formatted errors.
 * Calls ruby/parser.c, ruby/erb.c (templates -> Ruby), ruby/codegen.c, embed.c; stats files, never reads them.
 * Runs wherever Ruby is compiled: the zygote's module loader, `quickrail build`, tests. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "embed.h"
#include "ruby/codegen.h"
#include "ruby/parser.h"
#include "ruby/rails.h"
#include "ruby/ruby.h"
#include "ruby/erb.h"

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && memcmp(s + a - b, suf, b) == 0;
}

/* Offset of the app-relative part of path ("app/models/x.rb"), or -1. */
static long app_rel(const char *path)
{
    static const char *marks[] = {"app/", "config/", "db/", "lib/"};
    long best = -1;
    for (size_t i = 0; i < QR_ARRAY_LEN(marks); i++) {
        size_t ml = strlen(marks[i]);
        if (strncmp(path, marks[i], ml) == 0 && best < 0) best = 0;
        for (const char *p = path; (p = strstr(p, marks[i])) != NULL; p++)
            if (p > path && p[-1] == '/') {
                long off = (long)(p - path);
                /* the last app/ wins for app/, the first for the others is fine too */
                if (i == 0 || best < 0) best = off;
            }
    }
    return best;
}

qr_ruby_file_kind qr_ruby_rails_kind(const char *path)
{
    long off = app_rel(path);
    const char *rel = off >= 0 ? path + off : path;
    if (ends_with(path, ".erb")) return QR_RUBY_KIND_VIEW;
    if (ends_with(path, ".jbuilder")) return QR_RUBY_KIND_JBUILDER;
    if (!strncmp(rel, "app/models/", 11)) return QR_RUBY_KIND_MODEL;
    if (!strncmp(rel, "app/controllers/", 16)) return QR_RUBY_KIND_CONTROLLER;
    if (!strncmp(rel, "app/helpers/", 12)) return QR_RUBY_KIND_HELPER;
    if (!strncmp(rel, "app/channels/", 13)) return QR_RUBY_KIND_CHANNEL;
    if (!strcmp(rel, "config/routes.rb")) return QR_RUBY_KIND_ROUTES;
    if (!strncmp(rel, "db/migrate/", 11)) return QR_RUBY_KIND_MIGRATION;
    if (!strcmp(rel, "db/seeds.rb")) return QR_RUBY_KIND_SEEDS;
    return QR_RUBY_KIND_GENERIC;
}

int qr_ruby_is_module_path(const char *path) { return path && ends_with(path, ".rb"); }

static int file_exists(const char *path)
{
    if (path[0] != '/') return qr_embed_find(path) != NULL;
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "ApplicationCable::Channel" -> "application_cable/channel" */
static void underscore_path(const char *name, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = name; *p && k + 3 < cap; p++) {
        if (p[0] == ':' && p[1] == ':') { out[k++] = '/'; p++; continue; }
        if (*p >= 'A' && *p <= 'Z') {
            if (k && out[k - 1] != '/' && p[-1] != ':' &&
                ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9') ||
                 (p[1] >= 'a' && p[1] <= 'z' && p[-1] >= 'A' && p[-1] <= 'Z')))
                out[k++] = '_';
            out[k++] = (char)(*p + 32);
        } else out[k++] = *p;
    }
    out[k] = 0;
}

char *qr_ruby_rails_resolve(void *ud, const char *name)
{
    const char *path = ud;
    long off = app_rel(path);
    if (off < 0) return NULL;
    char under[256];
    underscore_path(name, under, sizeof under);
    static const char *dirs[] = {"app/models/", "app/controllers/", "app/helpers/", "app/channels/",
                                 "app/models/concerns/", "app/controllers/concerns/", "app/jobs/", "lib/"};
    static const char *exts[] = {".rb", ".js"};
    char cand[PATH_MAX];
    for (size_t d = 0; d < QR_ARRAY_LEN(dirs); d++)
        for (size_t e = 0; e < QR_ARRAY_LEN(exts); e++) {
            snprintf(cand, sizeof cand, "%.*s%s%s%s", (int)off, path, dirs[d], under, exts[e]);
            if (!file_exists(cand)) continue;
            if (!strcmp(cand, path)) return NULL; /* the file itself */
            /* relative from the file's folder: one "../" per folder below the root */
            char rel[PATH_MAX];
            size_t k = 0;
            int depth = 0;
            for (const char *p = path + off; *p; p++)
                if (*p == '/') depth++;
            if (depth == 0) k += (size_t)snprintf(rel, sizeof rel, "./");
            for (int i = 0; i < depth && k + 4 < sizeof rel; i++) k += (size_t)snprintf(rel + k, sizeof rel - k, "../");
            snprintf(rel + k, sizeof rel - k, "%s%s%s", dirs[d], under, exts[e]);
            return qr_xstrdup(rel);
        }
    return NULL;
}

/* Errors name the file as Rails does, relative to the app (app/models/article.rb:4:3). */
static char *format_error(qr_ruby_error *e, const char *src, size_t len)
{
    long off = app_rel(e->path);
    if (off > 0) memmove(e->path, e->path + off, strlen(e->path + off) + 1);
    return qr_ruby_error_format(e, src, len);
}

char *qr_ruby_compile(const char *path, const char *src, size_t len, size_t *js_len, char **err)
{
    if (err) *err = NULL;
    qr_ruby_file_kind kind = qr_ruby_rails_kind(path);
    qr_ruby_error e;
    memset(&e, 0, sizeof e);
    const char *rb = src;
    size_t rb_len = len;
    qr_ruby_erb *erb = NULL;
    if (kind == QR_RUBY_KIND_VIEW) {
        /* ERB -> Ruby (same lines) -> JS; errors point back into the template */
        if (qr_ruby_erb_compile(src, len, path, &erb, &e) != 0) {
            if (err) *err = format_error(&e, src, len);
            return NULL;
        }
        rb = erb->ruby;
        rb_len = erb->len;
    }
    qr_ruby_ast *ast = qr_ruby_parse(rb, rb_len, path, &e);
    if (!ast) {
        if (erb) { qr_ruby_erb_map(erb, src, len, &e); qr_ruby_erb_free(erb); }
        if (err) *err = format_error(&e, src, len);
        return NULL;
    }
    qr_ruby_gen_opts opts = {kind, qr_ruby_rails_resolve, (void *)path};
    char *js = qr_ruby_codegen(ast, &opts, js_len, &e);
    qr_ruby_ast_free(ast);
    if (erb) {
        if (!js) qr_ruby_erb_map(erb, src, len, &e);
        qr_ruby_erb_free(erb);
    }
    if (!js && err) *err = format_error(&e, src, len);
    return js;
}
