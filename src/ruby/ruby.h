/* ruby/ruby.h — the one door the rest of the server uses to run Ruby source: compile a Rails
 * app's .rb (model, controller, helper, channel, routes, migration, seeds), Ruby-ERB template or
 * jbuilder file to JavaScript for lib/quickrail. The JS is line-aligned with the Ruby (line N is
 * line N), so the line table is the identity and a JS stack line is the Ruby line. No I/O beyond
 * checking which app files exist (to import the constants a file names). */
#ifndef QR_RUBY_H
#define QR_RUBY_H

#include <stddef.h>

/* 1 when path is Ruby the loader compiles on import (ends in ".rb"). */
int qr_ruby_is_module_path(const char *path);

/* Compiles len bytes of src, the file at path (its Rails kind comes from the path: app/models/,
 * app/controllers/, config/routes.rb, db/migrate/, db/seeds.rb, *.erb, *.jbuilder ...).
 * Returns the malloc'ed JS (NUL-terminated; *js_len its length; caller frees): an ES module for
 * .rb files, the body of `function (__l, __a, __c, __h)` for templates. On error returns NULL and
 * sets *err to a malloc'ed message the caller frees:
 *   path:line:col: what was wrong / the source line / a caret / what to write instead. */
char *qr_ruby_compile(const char *path, const char *src, size_t len, size_t *js_len, char **err);

#endif
