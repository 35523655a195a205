/* ruby/erb.h — ERB templates with Ruby inside, turned into Ruby source the way Rails'
 * ActionView (Erubi, trim mode) does, for the parser (ruby/parser.h) and the code generator.
 * The generated Ruby keeps the template's lines: line N of the Ruby is line N of the template,
 * and a position map turns a Ruby line:col back into the template's. Shape of the output:
 *   text            @output_buffer.safe_append='text';        (single-quoted, ' and \ escaped)
 *   <%= x %>        @output_buffer.append=( x );
 *   <%== x %>       @output_buffer.safe_expr_append=( x );
 *   <%= f(a) do |x| %> (a block expression: ends in `do`, `do |x|` or `{`)
 *                   @output_buffer.append= f(a) do |x|        (the block's body follows; its
 *                                                              <% end %> closes the call)
 *   <% code %>      code;  (a tag alone on its line takes the line's indentation and newline)
 *   <%# note %>     nothing but the comment's newlines;  <%% is a literal <%;  -%> drops the
 *                   newline after the tag.
 * Pure computation; no I/O. */
#ifndef QR_RUBY_ERB_H
#define QR_RUBY_ERB_H

#include <stddef.h>
#include <stdint.h>
#include "ruby/parser.h"

typedef struct {
    uint32_t rb, tpl, len;   /* Ruby bytes [rb, rb+len) came from template bytes [tpl, tpl+len) */
} qr_ruby_erb_seg;

typedef struct {
    char *ruby;              /* NUL-terminated Ruby source (owned) */
    size_t len;
    qr_ruby_erb_seg *segs;   /* in increasing rb order (owned) */
    size_t nsegs;
} qr_ruby_erb;

/* Compiles the template tpl[0, len) into *out (free with qr_ruby_erb_free). Returns 0, or
 * -EINVAL with *err filled in (path:line:col of an unterminated `<%`); err may be NULL. */
int qr_ruby_erb_compile(const char *tpl, size_t len, const char *path, qr_ruby_erb **out,
                        qr_ruby_error *err);
/* Rewrites err's line:col, which point into e->ruby, to the template position they came from. */
void qr_ruby_erb_map(const qr_ruby_erb *e, const char *tpl, size_t tpl_len, qr_ruby_error *err);
void qr_ruby_erb_free(qr_ruby_erb *e);

#endif
