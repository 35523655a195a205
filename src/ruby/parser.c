/* ruby/parser.c — the Ruby parser: recursive descent for statements, Pratt for operators, over
 * the tokens of ruby/lexer.c, building the tree of ruby/ast.h in the tree's arena. Owns Ruby's
 * binding rules (command calls without parens, `do` binding to the outermost command, `{` block
 * vs hash, local variables vs method calls) and the error messages with path:line:col. Calls only
 * ruby/ast.c, ruby/lexer.c, buf.c and common.c; pure computation, runs in the CLI and zygote. */
#include "ruby/parser.h"
#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "common.h"

static void set_error(qr_ruby_error *err, const char *path, int line, int col, const char *msg,
                      const char *hint)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    err->line = line;
    err->col = col;
    snprintf(err->message, sizeof err->message, "%s", msg);
    snprintf(err->hint, sizeof err->hint, "%s", hint ? hint : "");
}

qr_ruby_ast *qr_ruby_parse(const char *src, size_t len, const char *path, qr_ruby_error *err)
{
    (void)src;
    (void)len;
    set_error(err, path, 1, 1, "the Ruby parser is not implemented yet", "");
    return NULL;
}

char *qr_ruby_error_format(const qr_ruby_error *err, const char *src, size_t len)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_appendf(&b, "%s:%d:%d: %s\n", err->path, err->line, err->col, err->message);
    if (src && err->line > 0) {
        size_t i = 0;
        for (int l = 1; l < err->line && i < len; i++)
            if (src[i] == '\n') l++;
        size_t e = i;
        while (e < len && src[e] != '\n') e++;
        if (i < len || e > i) {
            qr_buf_append_str(&b, "  ");
            qr_buf_append(&b, src + i, e - i);
            qr_buf_append_str(&b, "\n  ");
            for (int c = 1; c < err->col && i + (size_t)c - 1 < e; c++)
                qr_buf_append(&b, src[i + c - 1] == '\t' ? "\t" : " ", 1);
            qr_buf_append_str(&b, "^\n");
        }
    }
    if (err->hint[0]) qr_buf_appendf(&b, "  %s\n", err->hint);
    return qr_buf_steal(&b);
}
