/* ruby/parser.c — the Ruby parser's core and entry points: recursive descent for statements
 * (parser_stmt.c), Pratt for operators and calls (parser_expr.c), literals (parser_lit.c), over
 * the tokens of ruby/lexer.c, building the tree of ruby/ast.h in the tree's arena. This file
 * owns the parser state (ruby/parser_priv.h): tokens, local-variable scopes, node helpers, and
 * the error messages with path:line:col and a hint. The first error stops the parse (longjmp
 * back to qr_ruby_parse, which frees everything). Calls only ruby/ast.c, ruby/lexer.c, buf.c,
 * common.c and the other parser files; pure computation, runs in the CLI and the zygote. */
#include "ruby/parser_priv.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

qr_buf_t *qr__rp_buf_get(P *p)
{
    if (p->nbufs == p->bufs_cap) {
        p->bufs_cap = p->bufs_cap ? p->bufs_cap * 2 : 8;
        p->bufs = qr_xrealloc(p->bufs, p->bufs_cap * sizeof *p->bufs);
    }
    qr_buf_t *b = qr_xcalloc(1, sizeof *b);
    p->bufs[p->nbufs++] = b;
    return b;
}

void qr__rp_buf_put(P *p)
{
    qr_buf_t *b = p->bufs[--p->nbufs];
    qr_buf_free(b);
    free(b);
}



/* ---- errors ---- */

void qr__rp_fail_at(P *p, uint32_t pos, const char *hint, const char *fmt, ...)
{
    if (p->err) {
        qr_ruby_error *e = p->err;
        memset(e, 0, sizeof *e);
        snprintf(e->path, sizeof e->path, "%s", p->path ? p->path : "");
        uint32_t line, col;
        qr__ruby_lex_pos(&p->lx, pos, &line, &col);
        e->line = (int)line;
        e->col = (int)col;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        snprintf(e->hint, sizeof e->hint, "%s", hint ? hint : "");
    }
    longjmp(p->jb, 1);
}

/* A short quote of the current token for messages: `end`, `)`, "identifier `foo`". */
static const char *tok_desc(P *p, char *buf, size_t cap)
{
    qr_ruby_tok *t = &p->tok;
    uint32_t n = t->end - t->start;
    switch (t->type) {
    case QR_T_IDENT: case QR_T_CONST: case QR_T_IVAR: case QR_T_CVAR: case QR_T_GVAR:
    case QR_T_INT: case QR_T_FLOAT: case QR_T_LABEL: case QR_T_SYMBOL:
        snprintf(buf, cap, "%s `%.*s%s`", qr__ruby_tok_name(t->type), (int)(n > 40 ? 40 : n),
                 p->lx.src + t->start, t->type == QR_T_LABEL ? ":" : "");
        return buf;
    case QR_T_EOF: case QR_T_NL: case QR_T_STR_BEG: case QR_T_WORDS_BEG: case QR_T_CHAR:
        if (t->type == QR_T_NL && t->start < p->lx.len && p->lx.src[t->start] == ';') return "`;`";
        return qr__ruby_tok_name(t->type);
    default:
        if (t->type >= QR_T_KW_FIRST && t->type <= QR_T_KW_LAST) {
            snprintf(buf, cap, "`%s`", qr__ruby_tok_name(t->type));
            return buf;
        }
        return qr__ruby_tok_name(t->type);
    }
}

void qr__rp_unexpected(P *p, const char *expected, const char *hint)
{
    char b[96];
    uint32_t pos = p->tok.start;
    if (p->tok.type == QR_T_NL && !(p->tok.start < p->lx.len && p->lx.src[p->tok.start] == ';')) pos = p->prev_end;
    qr__rp_fail_at(p, pos, hint, "unexpected %s; expected %s", tok_desc(p, b, sizeof b), expected);
}

/* ---- locals ---- */

static uint32_t name_hash(const char *name, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h % LOCAL_BUCKETS;
}

int qr__rp_is_local(void *ctx, const char *name, size_t n)
{
    P *p = ctx;
    uint32_t stop = 0;
    for (uint32_t s = p->nscopes; s-- > 0;) {
        if (p->scopes[s] & HARD) { stop = p->scopes[s] & ~HARD; break; }
    }
    for (int32_t i = p->buckets[name_hash(name, n)]; i >= (int32_t)stop; i = p->locals[i].next)
        if (p->locals[i].len == n && memcmp(p->locals[i].name, name, n) == 0) return 1;
    return 0;
}

void qr__rp_declare(P *p, const char *name, size_t n)
{
    if (qr__rp_is_local(p, name, n)) return;
    if (p->nlocals == p->locals_cap) {
        p->locals_cap = p->locals_cap ? p->locals_cap * 2 : 64;
        p->locals = qr_xrealloc(p->locals, p->locals_cap * sizeof *p->locals);
    }
    uint32_t h = name_hash(name, n);
    p->locals[p->nlocals].name = name;
    p->locals[p->nlocals].len = (uint32_t)n;
    p->locals[p->nlocals].next = p->buckets[h];
    p->buckets[h] = (int32_t)p->nlocals;
    p->nlocals++;
}

void qr__rp_push_scope(P *p, int hard)
{
    if (p->nscopes == p->scopes_cap) {
        p->scopes_cap = p->scopes_cap ? p->scopes_cap * 2 : 32;
        p->scopes = qr_xrealloc(p->scopes, p->scopes_cap * sizeof *p->scopes);
    }
    p->scopes[p->nscopes++] = p->nlocals | (hard ? HARD : 0);
}

void qr__rp_pop_scope(P *p)
{
    uint32_t keep = p->scopes[--p->nscopes] & ~HARD;
    while (p->nlocals > keep) {
        local_t *l = &p->locals[--p->nlocals];
        p->buckets[name_hash(l->name, l->len)] = l->next; /* the newest of its bucket */
    }
}

/* ---- tokens ---- */

void qr__rp_advance(P *p)
{
    p->prev_end = p->tok.end;
    p->prev_type = p->tok.type;
    qr__ruby_lex_next(&p->lx, &p->tok);
    if (p->tok.type == QR_T_ERROR) {
        const char *hint = NULL;
        if (p->tok.msg && strstr(p->tok.msg, "heredoc"))
            hint = "end the heredoc with its identifier alone on a line (indented is fine with <<~)";
        qr__rp_fail_at(p, p->tok.start, hint, "%s", p->tok.msg ? p->tok.msg : "invalid input");
    }
}

int qr__rp_accept(P *p, qr_ruby_toktype t)
{
    if (p->tok.type != t) return 0;
    qr__rp_advance(p);
    return 1;
}

void qr__rp_skip_nl(P *p)
{
    while (p->tok.type == QR_T_NL) qr__rp_advance(p);
}

const char *qr__rp_tok_text(P *p, uint32_t *n)
{
    *n = p->tok.end - p->tok.start;
    return p->lx.src + p->tok.start;
}

qr_ruby_node *qr__rp_node_at(P *p, qr_ruby_kind k, uint32_t pos)
{
    uint32_t line, col;
    qr__ruby_lex_pos(&p->lx, pos, &line, &col);
    return qr__ruby_node(p->ast, k, line, col);
}

qr_ruby_node *qr__rp_node(P *p, qr_ruby_kind k)
{
    return qr__rp_node_at(p, k, p->tok.start);
}

void qr__rp_set_str(P *p, qr_ruby_node *n, const char *s, size_t len)
{
    n->str = qr__ruby_strdup(p->ast, s, len);
    n->len = len;
}

void qr__rp_finish(P *p, qr_ruby_node *n)
{
    uint32_t line, col, end = p->prev_end ? p->prev_end - 1 : 0;
    qr__ruby_lex_pos(&p->lx, end, &line, &col);
    if (line > n->end_line) n->end_line = line;
}

void qr__rp_push(P *p, qr_ruby_node *parent, qr_ruby_node *kid)
{
    qr__ruby_push(p->ast, parent, kid);
}

void qr__rp_enter(P *p)
{
    if (++p->depth > MAX_DEPTH)
        qr__rp_fail_at(p, p->tok.start, "split the expression into smaller parts",
                "nesting too deep (more than %d levels)", MAX_DEPTH);
}

/* Column of the first non-blank byte of the line holding pos (1-based). */
static uint32_t indent_of(P *p, uint32_t pos)
{
    uint32_t line, col;
    qr__ruby_lex_pos(&p->lx, pos, &line, &col);
    uint32_t i = p->lx.lines[line - 1], n = 1;
    while (i < p->lx.len && (p->lx.src[i] == ' ' || p->lx.src[i] == '\t')) i++, n++;
    return n;
}

void qr__rp_expect_end(P *p, const char *what, uint32_t opened_at)
{
    uint32_t line, col;
    if (p->tok.type == QR_T_END) {
        /* An `end` alone on its line but not indented like the line it closes is the usual
         * sign of a missing `end` above it: remember the first one for the error, if any. */
        uint32_t ecol;
        qr__ruby_lex_pos(&p->lx, p->tok.start, &line, &ecol);
        if (!p->mis_what && ecol == indent_of(p, p->tok.start) && ecol != indent_of(p, opened_at)) {
            p->mis_what = what;
            p->mis_end = p->tok.start;
            p->mis_open = opened_at;
        }
        qr__rp_advance(p);
        return;
    }
    qr__ruby_lex_pos(&p->lx, opened_at, &line, &col);
    char msg[128];
    snprintf(msg, sizeof msg, "`end` (to close the `%s` at line %u)", what, line);
    char hint[200];
    if (p->mis_what) {
        uint32_t el, ol;
        qr__ruby_lex_pos(&p->lx, p->mis_end, &el, &col);
        qr__ruby_lex_pos(&p->lx, p->mis_open, &ol, &col);
        snprintf(hint, sizeof hint, "the `end` at line %u closes the `%s` at line %u but is not indented like it: "
                 "is that `%s`'s own `end` missing?", el, p->mis_what, ol, p->mis_what);
    } else {
        snprintf(hint, sizeof hint, "every `%s` needs a matching `end`", what);
    }
    qr__rp_unexpected(p, msg, hint);
}

void qr__rp_expect(P *p, qr_ruby_toktype t, const char *what)
{
    if (!qr__rp_accept(p, t)) qr__rp_unexpected(p, what, NULL);
}


/* ---- entry points ---- */

qr_ruby_ast *qr_ruby_parse(const char *src, size_t len, const char *path, qr_ruby_error *err)
{
    P *p = qr_xcalloc(1, sizeof *p);
    p->err = err;
    p->path = path ? path : "";
    if (err) memset(err, 0, sizeof *err);
    if (qr__ruby_lex_init(&p->lx, src ? src : "", src ? len : 0) < 0) {
        if (err) {
            snprintf(err->path, sizeof err->path, "%s", p->path);
            err->line = 1;
            err->col = 1;
            snprintf(err->message, sizeof err->message, "the file is too large to compile");
        }
        free(p);
        return NULL;
    }
    for (int i = 0; i < LOCAL_BUCKETS; i++) p->buckets[i] = -1;
    p->lx.is_local = qr__rp_is_local;
    p->lx.ctx = p;
    p->ast = qr__ruby_ast_new(path);
    qr_ruby_ast *volatile result = NULL;
    if (setjmp(p->jb) == 0) {
        qr__rp_push_scope(p, 1);
        qr__rp_advance(p);
        qr_ruby_node *root = qr__rp_stmts(p);
        if (p->tok.type != QR_T_EOF) {
            if (p->tok.type == QR_T_END)
                qr__rp_unexpected(p, "end of file", "this `end` has nothing to close: remove it, or check the `if`/`do`/`def` above");
            if (p->tok.type == QR_T_RBRACE || p->tok.type == QR_T_RPAREN)
                qr__rp_unexpected(p, "end of file", "check the brackets above: this one closes nothing");
            qr__rp_unexpected(p, "end of file", NULL);
        }
        p->ast->root = root;
        result = p->ast;
    } else {
        qr_ruby_ast_free(p->ast);
    }
    while (p->nbufs) qr__rp_buf_put(p);
    free(p->bufs);
    qr__ruby_lex_free(&p->lx);
    free(p->locals);
    free(p->scopes);
    free(p);
    return result;
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
        if (e > i && src[e - 1] == '\r') e--;
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
