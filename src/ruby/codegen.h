/* ruby/codegen.h — the Ruby code generator's contract: a syntax tree (ruby/ast.h) in, one ES2020
 * module (or, for templates, one function body) out, targeting lib/quickrail and the runtime
 * helpers in lib/quickrail/ruby. Output is line-aligned: line N of the JS is line N of the Ruby
 * (imports share line 1), so a JS stack line is the Ruby line. Pure computation: files are
 * looked up only through the resolver callback the caller passes (ruby/rails.c does that). */
#ifndef QR_RUBY_CODEGEN_H
#define QR_RUBY_CODEGEN_H

#include <stddef.h>
#include "ruby/ast.h"
#include "ruby/parser.h"

typedef enum {
    QR_RUBY_KIND_GENERIC,    /* any other .rb: its class or module is the default export */
    QR_RUBY_KIND_MODEL,      /* app/models: model callbacks/validate blocks run with self = record */
    QR_RUBY_KIND_CONTROLLER, /* app/controllers */
    QR_RUBY_KIND_HELPER,     /* app/helpers: a module of functions (named exports) */
    QR_RUBY_KIND_CHANNEL,    /* app/channels */
    QR_RUBY_KIND_ROUTES,     /* config/routes.rb: export default (r) => { ... } */
    QR_RUBY_KIND_MIGRATION,  /* db/migrate */
    QR_RUBY_KIND_SEEDS,      /* db/seeds.rb: export default function seed() { ... } */
    QR_RUBY_KIND_VIEW,       /* Ruby produced by ruby/erb.c: a template function body */
    QR_RUBY_KIND_JBUILDER,   /* *.jbuilder: a template function body writing to `json` */
} qr_ruby_file_kind;

typedef struct {
    qr_ruby_file_kind kind;
    /* Resolves a constant the code names ("Article", "ApplicationCable::Channel") to an import
     * specifier ("../models/article.rb"), malloc'ed (the generator frees it), or NULL when no
     * app file defines it. May be NULL (then only framework and JS constants resolve). */
    char *(*resolve_const)(void *ud, const char *name);
    void *ud;
} qr_ruby_gen_opts;

/* Generates the JS for ast. Returns malloc'ed NUL-terminated text (*len its length; the caller
 * frees it), or NULL with *err filled in (path:line:col, message, hint for unsupported
 * features). Never crashes on any tree the parser builds. */
char *qr_ruby_codegen(const qr_ruby_ast *ast, const qr_ruby_gen_opts *opts, size_t *len,
                      qr_ruby_error *err);

/* Writes the JS name of Ruby method name into out: snake_case -> camelCase, `valid?` ->
 * `isValid`, `save!` -> `saveBang`, `title=` -> `title`. */
void qr_ruby_js_method_name(const char *name, char *out, size_t cap);

#endif
