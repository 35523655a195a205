/* ruby/parser.h — the Ruby parser's contract: Ruby source text in, a syntax tree (ruby/ast.h)
 * out, or an error that says where (path:line:col), what went wrong and, where we know it, what
 * to write instead. Never crashes on any input (nesting is depth-limited); pure computation,
 * no I/O, callable from any process. The Ruby accepted is the Ruby Rails apps are written in
 * (see docs/ruby.md); constructs outside it are reported as errors with a hint. */
#ifndef QR_RUBY_PARSER_H
#define QR_RUBY_PARSER_H

#include <stddef.h>
#include "ruby/ast.h"

typedef struct {
    char path[512];          /* the path given to the parser (truncated if longer) */
    int line, col;           /* 1-based; col counts bytes */
    char message[256];       /* what was wrong: "unexpected `end`; expected an expression" */
    char hint[256];          /* what to write instead, or "" */
} qr_ruby_error;

/* Parses len bytes of src (need not be NUL-terminated). path names the file in errors. Returns
 * a tree the caller frees with qr_ruby_ast_free, or NULL with *err filled in (err may be NULL).
 * The tree does not point into src. */
qr_ruby_ast *qr_ruby_parse(const char *src, size_t len, const char *path, qr_ruby_error *err);

/* Formats err as a developer reads it, into a malloc'ed string the caller frees:
 *   path:line:col: message
 *     <the source line>
 *     <caret under col>
 *   hint (when there is one)
 * src/len is the source that was parsed (for the line), or NULL to omit it. */
char *qr_ruby_error_format(const qr_ruby_error *err, const char *src, size_t len);

#endif
