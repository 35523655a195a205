/* ruby/parser.c — the Ruby parser: recursive descent for statements, Pratt for operators, over
 * the tokens of ruby/lexer.c, building the tree of ruby/ast.h in the tree's arena. Owns Ruby's
 * binding rules (command calls without parens, `do` binding to the outermost command while `{`
 * binds to the nearest call, `{` block vs hash, local variables vs method calls, modifiers) and
 * the error messages with path:line:col and a hint. The first error stops the parse (longjmp
 * back to qr_ruby_parse, which frees everything). Calls only ruby/ast.c, ruby/lexer.c, buf.c
 * and common.c; pure computation, runs in the CLI and the zygote. */
#include "ruby/parser.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "common.h"
#include "ruby/lexer.h"

#define MAX_DEPTH 1000

typedef struct {
    const char *name;
    uint32_t len;
    int32_t next;             /* the previous local in the same hash bucket, or -1 */
} local_t;

#define LOCAL_BUCKETS 1024

typedef struct {
    qr_ruby_lexer lx;
    qr_ruby_tok tok;          /* the current token */
    uint32_t prev_end;        /* end offset of the previous token */
    qr_ruby_toktype prev_type; /* and its type */
    qr_ruby_ast *ast;
    qr_ruby_error *err;
    const char *path;
    jmp_buf jb;
    int depth;
    int no_do;                /* > 0: a `do` here belongs to an outer command call or loop */
    int in_interp;            /* > 0: parsing the code of a #{ } */
    const char *mis_what;     /* the first `end` indented unlike its opener: what it closed, */
    uint32_t mis_end, mis_open; /* where it is, and where its opener is */
    local_t *locals;          /* every visible local, innermost scope last */
    uint32_t nlocals, locals_cap;
    int32_t buckets[LOCAL_BUCKETS]; /* newest local per name hash, or -1 */
    uint32_t *scopes;         /* start index in locals of each scope; bit 31: hard scope */
    uint32_t nscopes, scopes_cap;
    qr_buf_t **bufs;          /* string buffers in use (freed here if an error unwinds them) */
    uint32_t nbufs, bufs_cap;
} P;

static qr_buf_t *buf_get(P *p)
{
    if (p->nbufs == p->bufs_cap) {
        p->bufs_cap = p->bufs_cap ? p->bufs_cap * 2 : 8;
        p->bufs = qr_xrealloc(p->bufs, p->bufs_cap * sizeof *p->bufs);
    }
    qr_buf_t *b = qr_xcalloc(1, sizeof *b);
    p->bufs[p->nbufs++] = b;
    return b;
}

static void buf_put(P *p) /* releases the most recent buf_get */
{
    qr_buf_t *b = p->bufs[--p->nbufs];
    qr_buf_free(b);
    free(b);
}

#define HARD 0x80000000u

/* ---- errors ---- */

static void fail_at(P *p, uint32_t pos, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

static void fail_at(P *p, uint32_t pos, const char *hint, const char *fmt, ...)
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

static void unexpected(P *p, const char *expected, const char *hint) __attribute__((noreturn));
static void unexpected(P *p, const char *expected, const char *hint)
{
    char b[96];
    uint32_t pos = p->tok.start;
    if (p->tok.type == QR_T_NL && !(p->tok.start < p->lx.len && p->lx.src[p->tok.start] == ';')) pos = p->prev_end;
    fail_at(p, pos, hint, "unexpected %s; expected %s", tok_desc(p, b, sizeof b), expected);
}

/* ---- locals ---- */

static uint32_t name_hash(const char *name, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h % LOCAL_BUCKETS;
}

static int is_local(void *ctx, const char *name, size_t n)
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

static void declare(P *p, const char *name, size_t n)
{
    if (is_local(p, name, n)) return;
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

static void push_scope(P *p, int hard)
{
    if (p->nscopes == p->scopes_cap) {
        p->scopes_cap = p->scopes_cap ? p->scopes_cap * 2 : 32;
        p->scopes = qr_xrealloc(p->scopes, p->scopes_cap * sizeof *p->scopes);
    }
    p->scopes[p->nscopes++] = p->nlocals | (hard ? HARD : 0);
}

static void pop_scope(P *p)
{
    uint32_t keep = p->scopes[--p->nscopes] & ~HARD;
    while (p->nlocals > keep) {
        local_t *l = &p->locals[--p->nlocals];
        p->buckets[name_hash(l->name, l->len)] = l->next; /* the newest of its bucket */
    }
}

/* ---- tokens ---- */

static void advance(P *p)
{
    p->prev_end = p->tok.end;
    p->prev_type = p->tok.type;
    qr__ruby_lex_next(&p->lx, &p->tok);
    if (p->tok.type == QR_T_ERROR) {
        const char *hint = NULL;
        if (p->tok.msg && strstr(p->tok.msg, "heredoc"))
            hint = "end the heredoc with its identifier alone on a line (indented is fine with <<~)";
        fail_at(p, p->tok.start, hint, "%s", p->tok.msg ? p->tok.msg : "invalid input");
    }
}

static int accept(P *p, qr_ruby_toktype t)
{
    if (p->tok.type != t) return 0;
    advance(p);
    return 1;
}

static void skip_nl(P *p)
{
    while (p->tok.type == QR_T_NL) advance(p);
}

static const char *tok_text(P *p, uint32_t *n)
{
    *n = p->tok.end - p->tok.start;
    return p->lx.src + p->tok.start;
}

static qr_ruby_node *node_at(P *p, qr_ruby_kind k, uint32_t pos)
{
    uint32_t line, col;
    qr__ruby_lex_pos(&p->lx, pos, &line, &col);
    return qr__ruby_node(p->ast, k, line, col);
}

static qr_ruby_node *node(P *p, qr_ruby_kind k)
{
    return node_at(p, k, p->tok.start);
}

static void set_str(P *p, qr_ruby_node *n, const char *s, size_t len)
{
    n->str = qr__ruby_strdup(p->ast, s, len);
    n->len = len;
}

static void finish(P *p, qr_ruby_node *n)
{
    uint32_t line, col, end = p->prev_end ? p->prev_end - 1 : 0;
    qr__ruby_lex_pos(&p->lx, end, &line, &col);
    if (line > n->end_line) n->end_line = line;
}

static void push(P *p, qr_ruby_node *parent, qr_ruby_node *kid)
{
    qr__ruby_push(p->ast, parent, kid);
}

static void enter(P *p)
{
    if (++p->depth > MAX_DEPTH)
        fail_at(p, p->tok.start, "split the expression into smaller parts",
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

static void expect_end(P *p, const char *what, uint32_t opened_at)
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
        advance(p);
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
    unexpected(p, msg, hint);
}

static void expect(P *p, qr_ruby_toktype t, const char *what)
{
    if (!accept(p, t)) unexpected(p, what, NULL);
}

/* ---- grammar ---- */

static qr_ruby_node *stmts(P *p);
static qr_ruby_node *stmt(P *p);
static qr_ruby_node *expr_stmt(P *p);
static qr_ruby_node *arg(P *p, int min, int cmd);
static qr_ruby_node *primary_postfix(P *p, int cmd);
static qr_ruby_node *bodystmt(P *p, uint32_t opened_at);
static qr_ruby_node *parse_string(P *p);
static void call_args(P *p, qr_ruby_node *call, qr_ruby_toktype closer);
static qr_ruby_node *block(P *p, qr_ruby_node *call);
static qr_ruby_node *params(P *p, qr_ruby_toktype closer, int block_params);

static int stmts_end(qr_ruby_toktype t)
{
    switch (t) {
    case QR_T_EOF: case QR_T_END: case QR_T_ELSE: case QR_T_ELSIF: case QR_T_WHEN: case QR_T_IN:
    case QR_T_RESCUE: case QR_T_ENSURE: case QR_T_RBRACE: case QR_T_RPAREN: case QR_T_THEN:
        return 1;
    default:
        return 0;
    }
}

/* Can this token begin an operand (a value)? */
static int starts_value(qr_ruby_toktype t)
{
    switch (t) {
    case QR_T_INT: case QR_T_FLOAT: case QR_T_IDENT: case QR_T_CONST: case QR_T_IVAR:
    case QR_T_CVAR: case QR_T_GVAR: case QR_T_LABEL: case QR_T_SYMBOL: case QR_T_STR_BEG:
    case QR_T_WORDS_BEG: case QR_T_CHAR: case QR_T_NIL: case QR_T_TRUE: case QR_T_FALSE:
    case QR_T_SELF: case QR_T_LBRACK: case QR_T_LPAREN: case QR_T_UMINUS: case QR_T_UPLUS:
    case QR_T_BANG: case QR_T_TILDE: case QR_T_SPLAT: case QR_T_DSPLAT: case QR_T_BLOCKAMP:
    case QR_T_COLON3: case QR_T_LAMBDA: case QR_T_DEFINED: case QR_T_NOT: case QR_T_SUPER:
    case QR_T_YIELD: case QR_T_DEF: case QR_T_KW__FILE__: case QR_T_KW__LINE__: case QR_T_CASE:
    case QR_T_IF: case QR_T_UNLESS: case QR_T_WHILE: case QR_T_UNTIL: case QR_T_BEGIN:
    case QR_T_LBRACE: case QR_T_DOT2: case QR_T_DOT3:
        return 1;
    default:
        return 0;
    }
}

/* Does the current token start the first argument of a call written without parentheses?
 * (`render :new`, `validates :a, presence: true`, `puts -x`, `private def x`). The lexer has
 * already decided `-x` / `[` / `*a` / `/re/` by spacing and state. */
static int starts_command_arg(P *p)
{
    qr_ruby_toktype t = p->tok.type;
    if (!p->tok.space_before) return 0;
    if (t == QR_T_LBRACE || t == QR_T_IF || t == QR_T_UNLESS || t == QR_T_WHILE || t == QR_T_UNTIL ||
        t == QR_T_DOT2 || t == QR_T_DOT3)
        return 0;
    return starts_value(t);
}

static qr_ruby_node *seq_of(P *p, qr_ruby_node *n)
{
    if (n && n->kind == QR_RUBY_SEQ) return n;
    qr_ruby_node *s = qr__ruby_node(p->ast, QR_RUBY_SEQ, n ? n->line : 1, n ? n->col : 1);
    if (n) { push(p, s, n); s->end_line = n->end_line; }
    return s;
}

/* Statements up to one of stmts_end's tokens (not consumed). */
static qr_ruby_node *stmts(P *p)
{
    qr_ruby_node *seq = node(p, QR_RUBY_SEQ);
    skip_nl(p);
    while (!stmts_end(p->tok.type)) {
        qr_ruby_node *s = stmt(p);
        push(p, seq, s);
        if (p->tok.type == QR_T_NL) { skip_nl(p); continue; }
        if (stmts_end(p->tok.type)) break;
        if (p->in_interp) unexpected(p, "`}` closing the `#{` interpolation", NULL);
        unexpected(p, "end of line", "put one statement per line, or separate them with `;`");
    }
    if (seq->nkids) {
        seq->line = seq->kids[0]->line;
        seq->col = seq->kids[0]->col;
        seq->end_line = seq->kids[seq->nkids - 1]->end_line;
    }
    return seq;
}

static qr_ruby_node *lvar_target(P *p, qr_ruby_node *n, int op_asgn);

static int is_mlhs_item(qr_ruby_node *n)
{
    switch (n->kind) {
    case QR_RUBY_LVAR: case QR_RUBY_IVAR: case QR_RUBY_GVAR: case QR_RUBY_CVAR: case QR_RUBY_CONST:
        return 1;
    case QR_RUBY_SPLAT:
        return !n->a || is_mlhs_item(n->a);
    case QR_RUBY_CALL:
        return (n->flags & QR_RUBY_F_VCALL) ||
               (n->a && !n->b && !(n->flags & QR_RUBY_F_PARENS) && n->nkids == 0) ||
               (n->str && strcmp(n->str, "[]") == 0 && (n->flags & QR_RUBY_F_OP));
    default:
        return 0;
    }
}

/* `a, b = 1, 2`, `a, *b = list`, `x.y, @z = ...`; first is already parsed, tok is `,`. */
static qr_ruby_node *masgn(P *p, qr_ruby_node *first)
{
    qr_ruby_node *m = qr__ruby_node(p->ast, QR_RUBY_MASGN, first->line, first->col);
    push(p, m, lvar_target(p, first, 0));
    while (accept(p, QR_T_COMMA)) {
        if (p->tok.type == QR_T_ASSIGN) break; /* `a, = list` */
        qr_ruby_node *t;
        if (p->tok.type == QR_T_SPLAT || p->tok.type == QR_T_STAR) {
            t = node(p, QR_RUBY_SPLAT);
            advance(p);
            if (p->tok.type != QR_T_COMMA && p->tok.type != QR_T_ASSIGN) t->a = lvar_target(p, primary_postfix(p, 0), 0);
        } else {
            t = lvar_target(p, primary_postfix(p, 0), 0);
        }
        push(p, m, t);
    }
    if (p->tok.type != QR_T_ASSIGN) unexpected(p, "`=` (multiple assignment)", NULL);
    advance(p);
    skip_nl(p);
    qr_ruby_node *v = arg(p, 0, 1);
    if (p->tok.type == QR_T_COMMA || v->kind == QR_RUBY_SPLAT) {
        qr_ruby_node *arr = qr__ruby_node(p->ast, QR_RUBY_ARRAY, v->line, v->col);
        push(p, arr, v);
        while (accept(p, QR_T_COMMA)) { skip_nl(p); push(p, arr, arg(p, 0, 0)); }
        finish(p, arr);
        v = arr;
    }
    m->a = v;
    finish(p, m);
    return m;
}

static qr_ruby_node *stmt(P *p)
{
    enter(p);
    qr_ruby_node *n;
    uint32_t start = p->tok.start;
    if (p->tok.type == QR_T_ALIAS) {
        n = node(p, QR_RUBY_ALIAS);
        advance(p);
        for (int i = 0; i < 2; i++) {
            qr_ruby_node *s;
            uint32_t len;
            const char *txt = tok_text(p, &len);
            if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_CONST) {
                s = node(p, QR_RUBY_SYM);
                set_str(p, s, txt, len);
                advance(p);
            } else if (p->tok.type == QR_T_GVAR) {
                s = node(p, QR_RUBY_GVAR);
                set_str(p, s, txt, len);
                advance(p);
            } else if (p->tok.type == QR_T_SYMBOL) {
                s = node(p, QR_RUBY_SYM);
                set_str(p, s, txt + 1, len - 1);
                advance(p);
            } else if (p->tok.type == QR_T_STR_BEG && p->tok.str.kind == QR_STR_DSYM) {
                s = parse_string(p);
            } else {
                unexpected(p, "a method name", "write `alias new_name old_name`");
            }
            if (i == 0) { n->a = s; p->lx.state = QR_LEX_FNAME; }
            else n->b = s;
        }
    } else if (p->tok.type == QR_T_UNDEF) {
        fail_at(p, start, "remove the method from the class instead", "`undef` is not supported");
    } else if (p->tok.type == QR_T_KW_BEGIN_UP || p->tok.type == QR_T_KW_END_UP) {
        fail_at(p, start, "put the code at the top of the file, or in an at_exit-free initializer",
                "`BEGIN { }` / `END { }` blocks are not supported");
    } else {
        n = expr_stmt(p);
        if (p->tok.type == QR_T_COMMA && is_mlhs_item(n)) n = masgn(p, n);
        else if (p->tok.type == QR_T_COMMA && n->kind == QR_RUBY_SPLAT) n = masgn(p, n);
    }
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        if (t == QR_T_IF || t == QR_T_UNLESS) {
            advance(p);
            qr_ruby_node *c = expr_stmt(p);
            qr_ruby_node *i = qr__ruby_node(p->ast, QR_RUBY_IF, n->line, n->col);
            i->flags = QR_RUBY_F_MODIFIER;
            i->a = c;
            if (t == QR_T_IF) i->b = seq_of(p, n);
            else i->c = seq_of(p, n);
            finish(p, i);
            n = i;
        } else if (t == QR_T_WHILE || t == QR_T_UNTIL) {
            advance(p);
            qr_ruby_node *c = expr_stmt(p);
            qr_ruby_node *w = qr__ruby_node(p->ast, t == QR_T_WHILE ? QR_RUBY_WHILE : QR_RUBY_UNTIL, n->line, n->col);
            w->flags = QR_RUBY_F_MODIFIER;
            if (n->kind == QR_RUBY_BEGIN && (n->flags & QR_RUBY_F_KWBEGIN)) w->flags |= QR_RUBY_F_DO_WHILE;
            w->a = c;
            w->b = seq_of(p, n);
            finish(p, w);
            n = w;
        } else if (t == QR_T_RESCUE) {
            qr_ruby_node *r = node(p, QR_RUBY_RESBODY);
            advance(p);
            r->b = seq_of(p, expr_stmt(p));
            qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, n->line, n->col);
            b->flags = QR_RUBY_F_MODIFIER;
            b->a = seq_of(p, n);
            push(p, b, r);
            finish(p, r);
            finish(p, b);
            n = b;
        } else {
            break;
        }
    }
    p->depth--;
    return n;
}

static qr_ruby_node *not_expr(P *p)
{
    if (p->tok.type == QR_T_NOT) {
        qr_ruby_node *n = node(p, QR_RUBY_NOT);
        advance(p);
        enter(p);
        n->a = not_expr(p);
        p->depth--;
        finish(p, n);
        return n;
    }
    return arg(p, 0, 1);
}

/* `a and b`, `a or b` (same precedence, left to right), `not a`. */
static qr_ruby_node *expr_stmt(P *p)
{
    qr_ruby_node *left = not_expr(p);
    while (p->tok.type == QR_T_AND || p->tok.type == QR_T_OR) {
        qr_ruby_node *n = qr__ruby_node(p->ast, p->tok.type == QR_T_AND ? QR_RUBY_AND : QR_RUBY_OR, left->line, left->col);
        advance(p);
        skip_nl(p);
        n->a = left;
        n->b = not_expr(p);
        finish(p, n);
        left = n;
    }
    return left;
}

/* ---- operators ---- */

enum {
    PREC_NONE = 0, PREC_TERN = 1, PREC_RANGE, PREC_OROR, PREC_ANDAND, PREC_NOTKW, PREC_EQ,
    PREC_CMP, PREC_BOR, PREC_BAND, PREC_SHIFT, PREC_ADD, PREC_MUL, PREC_UMINUS, PREC_POW,
    PREC_NOT
};

static int binprec(qr_ruby_toktype t)
{
    switch (t) {
    case QR_T_QMARK: return PREC_TERN;
    case QR_T_DOT2: case QR_T_DOT3: return PREC_RANGE;
    case QR_T_OROR: return PREC_OROR;
    case QR_T_ANDAND: return PREC_ANDAND;
    case QR_T_CMP: case QR_T_EQ: case QR_T_EQQ: case QR_T_NEQ: case QR_T_MATCH: case QR_T_NMATCH:
        return PREC_EQ;
    case QR_T_LT: case QR_T_LE: case QR_T_GT: case QR_T_GE: return PREC_CMP;
    case QR_T_PIPE: case QR_T_CARET: return PREC_BOR;
    case QR_T_AMPER: return PREC_BAND;
    case QR_T_LSHIFT: case QR_T_RSHIFT: return PREC_SHIFT;
    case QR_T_PLUS: case QR_T_MINUS: return PREC_ADD;
    case QR_T_STAR: case QR_T_DIV: case QR_T_PERCENT: return PREC_MUL;
    case QR_T_POW: return PREC_POW;
    default: return 0;
    }
}

static const char *op_name(qr_ruby_toktype t)
{
    switch (t) {
    case QR_T_CMP: return "<=>";
    case QR_T_EQ: return "==";
    case QR_T_EQQ: return "===";
    case QR_T_NEQ: return "!=";
    case QR_T_MATCH: return "=~";
    case QR_T_NMATCH: return "!~";
    case QR_T_LT: return "<";
    case QR_T_LE: return "<=";
    case QR_T_GT: return ">";
    case QR_T_GE: return ">=";
    case QR_T_PIPE: return "|";
    case QR_T_CARET: return "^";
    case QR_T_AMPER: return "&";
    case QR_T_LSHIFT: return "<<";
    case QR_T_RSHIFT: return ">>";
    case QR_T_PLUS: return "+";
    case QR_T_MINUS: return "-";
    case QR_T_STAR: return "*";
    case QR_T_DIV: return "/";
    case QR_T_PERCENT: return "%";
    case QR_T_POW: return "**";
    default: return "?";
    }
}

static qr_ruby_node *op_call(P *p, qr_ruby_node *recv, const char *name, qr_ruby_node *argn)
{
    qr_ruby_node *c = qr__ruby_node(p->ast, QR_RUBY_CALL, recv->line, recv->col);
    c->a = recv;
    c->str = name;
    c->len = strlen(name);
    c->flags = QR_RUBY_F_OP;
    if (argn) push(p, c, argn);
    finish(p, c);
    return c;
}

/* Converts an expression written on the left of `=` into its assignment node (value unset). */
static qr_ruby_node *lvar_target(P *p, qr_ruby_node *n, int op_asgn)
{
    switch (n->kind) {
    case QR_RUBY_LVAR:
        if (op_asgn) return n;
        n->kind = QR_RUBY_LASGN;
        return n;
    case QR_RUBY_IVAR: if (!op_asgn) n->kind = QR_RUBY_IASGN; return n;
    case QR_RUBY_GVAR: if (!op_asgn) n->kind = QR_RUBY_GVASGN; return n;
    case QR_RUBY_CVAR: if (!op_asgn) n->kind = QR_RUBY_CVASGN; return n;
    case QR_RUBY_CONST:
        if (!op_asgn) n->kind = QR_RUBY_CASGN;
        return n;
    case QR_RUBY_SPLAT:
        if (n->a) n->a = lvar_target(p, n->a, 0);
        return n;
    case QR_RUBY_CALL:
        if ((n->flags & QR_RUBY_F_VCALL) && !n->a) {
            declare(p, n->str, n->len);
            n->kind = op_asgn ? QR_RUBY_LVAR : QR_RUBY_LASGN;
            n->flags = 0;
            return n;
        }
        if (n->str && strcmp(n->str, "[]") == 0 && (n->flags & QR_RUBY_F_OP) && !n->b) {
            if (op_asgn) return n;
            n->str = "[]=";
            n->len = 3;
            n->flags = QR_RUBY_F_ATTR_ASGN;
            return n;
        }
        if (n->a && !n->b && n->nkids == 0 && !(n->flags & QR_RUBY_F_PARENS) && n->str &&
            n->str[n->len - 1] != '?' && n->str[n->len - 1] != '!' && !(n->flags & QR_RUBY_F_OP)) {
            if (op_asgn) return n;
            char *s = qr__ruby_alloc(p->ast, n->len + 2);
            memcpy(s, n->str, n->len);
            s[n->len] = '=';
            s[n->len + 1] = 0;
            n->str = s;
            n->len++;
            n->flags = (n->flags & QR_RUBY_F_SAFE_NAV) | QR_RUBY_F_ATTR_ASGN;
            return n;
        }
        break;
    default:
        break;
    }
    uint32_t pos = p->tok.start;
    fail_at(p, pos, "assign to a variable, an attribute (`obj.name = v`) or an element (`h[:k] = v`)",
            "cannot assign to this expression");
}

/* The right side of `=`: a command call is allowed, and `x = y rescue z` rescues y. */
static qr_ruby_node *asgn_rhs(P *p, int cmd)
{
    skip_nl(p);
    qr_ruby_node *v = arg(p, 0, cmd);
    if (cmd && p->tok.type == QR_T_RESCUE) {
        qr_ruby_node *r = node(p, QR_RUBY_RESBODY);
        advance(p);
        r->b = seq_of(p, arg(p, 0, 1));
        finish(p, r);
        qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, v->line, v->col);
        b->flags = QR_RUBY_F_MODIFIER;
        b->a = seq_of(p, v);
        push(p, b, r);
        finish(p, b);
        v = b;
    }
    return v;
}

static qr_ruby_node *assignment(P *p, qr_ruby_node *target, int cmd)
{
    if (p->tok.type == QR_T_ASSIGN) {
        advance(p);
        qr_ruby_node *t = lvar_target(p, target, 0);
        qr_ruby_node *v = asgn_rhs(p, cmd);
        if (t->kind == QR_RUBY_CALL) push(p, t, v);   /* obj.x = v, h[k] = v */
        else if (t->kind == QR_RUBY_CASGN) t->b = v;
        else t->a = v;
        finish(p, t);
        return t;
    }
    /* op-assign: `||=`, `+=` ... */
    uint32_t n = p->tok.end - p->tok.start;
    qr_ruby_node *o = qr__ruby_node(p->ast, QR_RUBY_OP_ASGN, target->line, target->col);
    o->str = qr__ruby_strdup(p->ast, p->lx.src + p->tok.start, n - 1);
    o->len = n - 1;
    advance(p);
    o->a = lvar_target(p, target, 1);
    o->b = asgn_rhs(p, cmd);
    finish(p, o);
    return o;
}

static int assignable(qr_ruby_node *n)
{
    switch (n->kind) {
    case QR_RUBY_LVAR: case QR_RUBY_IVAR: case QR_RUBY_GVAR: case QR_RUBY_CVAR: case QR_RUBY_CONST:
        return 1;
    case QR_RUBY_CALL:
        return !n->b && !(n->flags & QR_RUBY_F_PARENS) &&
               ((n->flags & QR_RUBY_F_VCALL) || (n->a && n->nkids == 0) ||
                (n->str && strcmp(n->str, "[]") == 0 && (n->flags & QR_RUBY_F_OP)));
    default:
        return 0;
    }
}

static qr_ruby_node *unary(P *p, int cmd)
{
    qr_ruby_toktype t = p->tok.type;
    uint32_t pos = p->tok.start;
    qr_ruby_node *n;
    switch (t) {
    case QR_T_BANG:
        n = node(p, QR_RUBY_NOT);
        advance(p);
        n->a = arg(p, PREC_NOT, 0);
        finish(p, n);
        return n;
    case QR_T_NOT:
        n = node(p, QR_RUBY_NOT);
        advance(p);
        n->a = arg(p, PREC_NOT, 0);
        finish(p, n);
        return n;
    case QR_T_TILDE: case QR_T_UPLUS: {
        advance(p);
        qr_ruby_node *v = arg(p, PREC_NOT, 0);
        n = op_call(p, v, t == QR_T_TILDE ? "~" : "+@", NULL);
        n->line = v->line; (void)pos;
        return n;
    }
    case QR_T_UMINUS: {
        advance(p);
        qr_ruby_node *v = arg(p, PREC_UMINUS, 0);
        if ((v->kind == QR_RUBY_INT || v->kind == QR_RUBY_FLOAT) && v->str[0] != '-') {
            char *s = qr__ruby_alloc(p->ast, v->len + 2);
            s[0] = '-';
            memcpy(s + 1, v->str, v->len + 1);
            v->str = s;
            v->len++;
            qr__ruby_lex_pos(&p->lx, pos, &v->line, &v->col);
            return v;
        }
        n = op_call(p, v, "-@", NULL);
        qr__ruby_lex_pos(&p->lx, pos, &n->line, &n->col);
        return n;
    }
    case QR_T_SPLAT: case QR_T_STAR: case QR_T_DSPLAT: case QR_T_POW:
        n = node(p, t == QR_T_SPLAT || t == QR_T_STAR ? QR_RUBY_SPLAT : QR_RUBY_DSPLAT);
        advance(p);
        n->a = arg(p, PREC_RANGE, 0);
        finish(p, n);
        return n;
    case QR_T_BLOCKAMP: case QR_T_AMPER:
        n = node(p, QR_RUBY_BLOCK_PASS);
        advance(p);
        if (p->tok.type != QR_T_RPAREN && p->tok.type != QR_T_COMMA && p->tok.type != QR_T_NL &&
            p->tok.type != QR_T_RBRACK && p->tok.type != QR_T_EOF)
            n->a = arg(p, PREC_RANGE, 0);
        finish(p, n);
        return n;
    case QR_T_DOT2: case QR_T_DOT3:
        n = node(p, QR_RUBY_RANGE);
        if (t == QR_T_DOT3) n->flags = QR_RUBY_F_EXCL;
        advance(p);
        n->b = arg(p, PREC_RANGE + 1, 0);
        finish(p, n);
        return n;
    default: {
        qr_ruby_node *v = primary_postfix(p, cmd);
        if ((p->tok.type == QR_T_ASSIGN || p->tok.type == QR_T_OP_ASGN) && assignable(v))
            return assignment(p, v, cmd);
        return v;
    }
    }
}

/* Pratt loop over binary operators binding tighter than min (0: any). cmd allows a command
 * call (`render :new, status: :x`) as the leftmost operand. */
static qr_ruby_node *arg(P *p, int min, int cmd)
{
    enter(p);
    int saved_depth = p->depth;
    qr_ruby_node *left = unary(p, cmd);
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        int prec = binprec(t);
        if (!prec || prec < min) break;
        enter(p); /* each operator deepens the tree: `1+1+1...` is bounded like nesting */
        if (left->kind == QR_RUBY_LASGN || left->kind == QR_RUBY_IASGN || left->kind == QR_RUBY_OP_ASGN ||
            left->kind == QR_RUBY_GVASGN || left->kind == QR_RUBY_CVASGN || left->kind == QR_RUBY_CASGN ||
            (left->kind == QR_RUBY_CALL && (left->flags & QR_RUBY_F_ATTR_ASGN)))
            break; /* `x = a ? b : c` already took the operator in its value */
        if (t == QR_T_QMARK) {
            advance(p);
            skip_nl(p);
            qr_ruby_node *i = qr__ruby_node(p->ast, QR_RUBY_IF, left->line, left->col);
            i->flags = QR_RUBY_F_TERNARY;
            i->a = left;
            i->b = arg(p, PREC_TERN, 0);
            skip_nl(p);
            if (p->tok.type == QR_T_LABEL) {
                /* `a ? b: c` lexed `b:` as a label: not supported by this lexer */
                unexpected(p, "`:` of the ternary", "put spaces around the `:` of `a ? b : c`");
            }
            if (p->tok.type != QR_T_COLON)
                unexpected(p, "`:` (the ternary `a ? b : c`)", "put spaces around `?` and `:`");
            advance(p);
            skip_nl(p);
            i->c = arg(p, PREC_TERN, 0);
            finish(p, i);
            left = i;
            continue;
        }
        if (t == QR_T_DOT2 || t == QR_T_DOT3) {
            qr_ruby_node *r = qr__ruby_node(p->ast, QR_RUBY_RANGE, left->line, left->col);
            if (t == QR_T_DOT3) r->flags = QR_RUBY_F_EXCL;
            advance(p);
            r->a = left;
            if (starts_value(p->tok.type) && p->tok.type != QR_T_LBRACE) r->b = arg(p, PREC_RANGE + 1, 0);
            finish(p, r);
            left = r;
            continue;
        }
        advance(p);
        skip_nl(p);
        int next_min = prec == PREC_POW ? prec : prec + 1;
        qr_ruby_node *right = arg(p, next_min, 0);
        if (t == QR_T_ANDAND || t == QR_T_OROR) {
            qr_ruby_node *n = qr__ruby_node(p->ast, t == QR_T_ANDAND ? QR_RUBY_AND : QR_RUBY_OR, left->line, left->col);
            n->a = left;
            n->b = right;
            finish(p, n);
            left = n;
        } else {
            left = op_call(p, left, op_name(t), right);
        }
    }
    p->depth = saved_depth - 1;
    return left;
}

/* ---- calls ---- */

/* Arguments of a call up to closer (RPAREN / RBRACK), or without parentheses when closer is
 * QR_T_EOF (then they end at the first token that is not `,`). Trailing `key: v` / `k => v`
 * pairs collect into one HASH argument; `&blk` must come last. */
/* The value of `key:` at the current token: an expression, or nothing (`f(x:)`, `{ x: }`):
 * then the value is the local or method named like the key. */
static qr_ruby_node *label_value(P *p, qr_ruby_node *key, qr_ruby_toktype closer, int stop_at_nl)
{
    if (p->tok.type == QR_T_COMMA || p->tok.type == closer || (stop_at_nl && p->tok.type == QR_T_NL)) {
        int local = is_local(p, key->str, key->len);
        qr_ruby_node *v = qr__ruby_node(p->ast, local ? QR_RUBY_LVAR : QR_RUBY_CALL, key->line, key->col);
        v->str = key->str;
        v->len = key->len;
        if (!local) v->flags = QR_RUBY_F_VCALL;
        return v;
    }
    return arg(p, 0, 0);
}

/* One hash entry at the current token: `key: v`, `"key": v`, `k => v` (a PAIR) or `**h` (a
 * DSPLAT). With positional set (call arguments), a value not followed by `=>` / `:` is
 * returned as it is: the caller's positional argument. nl: newlines may separate the parts. */
static qr_ruby_node *hash_entry(P *p, qr_ruby_toktype closer, int nl, int positional)
{
    if (p->tok.type == QR_T_DSPLAT || p->tok.type == QR_T_POW) return unary(p, 0);
    qr_ruby_node *pair = node(p, QR_RUBY_PAIR);
    if (p->tok.type == QR_T_LABEL) {
        uint32_t n;
        const char *s = tok_text(p, &n);
        qr_ruby_node *key = node(p, QR_RUBY_SYM);
        set_str(p, key, s, n);
        advance(p);
        if (nl) skip_nl(p);
        pair->flags = QR_RUBY_F_LABEL;
        pair->a = key;
        pair->b = label_value(p, key, closer, !nl);
        finish(p, pair);
        return pair;
    }
    qr_ruby_node *k = arg(p, 0, positional);
    if (nl) skip_nl(p);
    int label = p->tok.type == QR_T_COLON && !p->tok.space_before && (k->kind == QR_RUBY_STR || k->kind == QR_RUBY_DSTR);
    if (!label && p->tok.type != QR_T_ASSOC) {
        if (positional) return k;
        unexpected(p, "`=>` or `key:` in the hash", "write `{ key: value }` or `{ \"key\" => value }`");
    }
    if (label) { /* "key": value */
        k->kind = k->kind == QR_RUBY_STR ? QR_RUBY_SYM : QR_RUBY_DSYM;
        pair->flags = QR_RUBY_F_LABEL;
    }
    advance(p);
    skip_nl(p);
    pair->line = k->line;
    pair->col = k->col;
    pair->a = k;
    pair->b = arg(p, 0, 0);
    finish(p, pair);
    return pair;
}

static void call_args(P *p, qr_ruby_node *call, qr_ruby_toktype closer)
{
    int parens = closer != QR_T_EOF;
    qr_ruby_node *hash = NULL;
    int saved_no_do = p->no_do;
    if (parens) p->no_do = 0;
    else p->no_do++;
    for (;;) {
        if (parens) skip_nl(p);
        if (parens && p->tok.type == closer) break;
        if (p->tok.type == QR_T_BLOCKAMP || p->tok.type == QR_T_AMPER) {
            push(p, call, unary(p, 0));
            if (parens) skip_nl(p);
            break;
        }
        qr_ruby_node *e = hash_entry(p, closer, parens, 1);
        if (e->kind == QR_RUBY_PAIR || e->kind == QR_RUBY_DSPLAT) {
            if (!hash) {
                hash = qr__ruby_node(p->ast, QR_RUBY_HASH, e->line, e->col);
                push(p, call, hash);
            }
            push(p, hash, e);
        } else {
            if (hash)
                fail_at(p, p->prev_end, "put positional arguments before the `key: value` ones",
                        "a positional argument after keyword arguments");
            push(p, call, e);
        }
        if (parens) skip_nl(p);
        if (p->tok.type != QR_T_COMMA) break;
        advance(p);
        skip_nl(p);
    }
    if (hash) finish(p, hash);
    p->no_do = saved_no_do;
    if (parens) {
        if (p->tok.type != closer)
            unexpected(p, closer == QR_T_RPAREN ? "`)` or `,`" : "`]` or `,`", NULL);
        advance(p);
    }
}

/* Parses the rest of a method call whose name was just consumed: (args), command args, a block. */
static qr_ruby_node *call_rest(P *p, qr_ruby_node *c, int cmd)
{
    int command = 0;
    if (p->tok.type == QR_T_LPAREN_CALL) {
        advance(p);
        c->flags |= QR_RUBY_F_PARENS;
        call_args(p, c, QR_T_RPAREN);
    } else if (cmd && starts_command_arg(p)) {
        call_args(p, c, QR_T_EOF);
        command = 1;
    }
    if (!command && p->tok.type == QR_T_LBRACE) c->b = block(p, c);
    else if (p->tok.type == QR_T_DO && p->no_do == 0) c->b = block(p, c);
    if (!(c->flags & QR_RUBY_F_PARENS) && !command && !c->b && !c->a && c->nkids == 0) c->flags |= QR_RUBY_F_VCALL;
    finish(p, c);
    return c;
}

static qr_ruby_node *method_call(P *p, qr_ruby_node *recv, int cmd, int safe)
{
    qr_ruby_node *c = node(p, QR_RUBY_CALL);
    if (recv) { c->line = recv->line; c->col = recv->col; }
    c->a = recv;
    if (safe) c->flags |= QR_RUBY_F_SAFE_NAV;
    uint32_t n;
    const char *s = tok_text(p, &n);
    if (p->tok.type == QR_T_LPAREN_CALL) {
        c->str = "call";  /* f.(x) */
        c->len = 4;
    } else if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_CONST) {
        set_str(p, c, s, n);
        advance(p);
    } else if (p->tok.type >= QR_T_KW_FIRST && p->tok.type <= QR_T_KW_LAST) {
        set_str(p, c, s, n);
        advance(p);
    } else {
        unexpected(p, "a method name after `.`", NULL);
    }
    return call_rest(p, c, cmd);
}

static qr_ruby_node *primary(P *p, int cmd);

static qr_ruby_node *primary_postfix(P *p, int cmd)
{
    enter(p);
    int saved_depth = p->depth;
    qr_ruby_node *n = primary(p, cmd);
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        if (t == QR_T_DOT || t == QR_T_ANDDOT || t == QR_T_COLON2 || t == QR_T_LBRACK_IDX) enter(p);
        if (t == QR_T_DOT || t == QR_T_ANDDOT) {
            advance(p);
            skip_nl(p);
            n = method_call(p, n, cmd, t == QR_T_ANDDOT);
            if (n->nkids && !(n->flags & QR_RUBY_F_PARENS) && !n->b) break; /* command call ends here */
        } else if (t == QR_T_COLON2) {
            advance(p);
            if (p->tok.type == QR_T_CONST) {
                uint32_t len;
                const char *s = tok_text(p, &len);
                qr_ruby_node *c = node(p, QR_RUBY_CONST);
                c->line = n->line;
                c->col = n->col;
                set_str(p, c, s, len);
                c->a = n;
                advance(p);
                if (p->tok.type == QR_T_LPAREN_CALL) {
                    c->kind = QR_RUBY_CALL;
                    n = call_rest(p, c, cmd);
                } else {
                    finish(p, c);
                    n = c;
                }
            } else {
                n = method_call(p, n, cmd, 0);
                if (n->nkids && !(n->flags & QR_RUBY_F_PARENS) && !n->b) break;
            }
        } else if (t == QR_T_LBRACK_IDX) {
            advance(p);
            qr_ruby_node *c = qr__ruby_node(p->ast, QR_RUBY_CALL, n->line, n->col);
            c->a = n;
            c->str = "[]";
            c->len = 2;
            c->flags = QR_RUBY_F_OP;
            call_args(p, c, QR_T_RBRACK);
            finish(p, c);
            n = c;
        } else {
            break;
        }
    }
    p->depth = saved_depth - 1;
    return n;
}

/* ---- blocks, params, definitions ---- */

static void declare_param(P *p, qr_ruby_node *a)
{
    if (a->str && a->len) declare(p, a->str, a->len);
}

/* One parameter of a def, block or lambda. */
static qr_ruby_node *param(P *p, int block_params)
{
    qr_ruby_toktype t = p->tok.type;
    uint32_t n;
    const char *s = tok_text(p, &n);
    qr_ruby_node *a;
    switch (t) {
    case QR_T_IDENT:
        a = node(p, QR_RUBY_ARG);
        set_str(p, a, s, n);
        declare_param(p, a);
        advance(p);
        if (p->tok.type == QR_T_ASSIGN) {
            advance(p);
            a->kind = QR_RUBY_OPTARG;
            a->a = arg(p, block_params ? PREC_BAND : 0, 0);
        }
        break;
    case QR_T_LABEL:
        a = node(p, QR_RUBY_KWARG);
        set_str(p, a, s, n);
        declare_param(p, a);
        advance(p);
        if (p->tok.type != QR_T_COMMA && p->tok.type != QR_T_RPAREN && p->tok.type != QR_T_PIPE &&
            p->tok.type != QR_T_NL && p->tok.type != QR_T_EOF) {
            a->kind = QR_RUBY_KWOPTARG;
            a->a = arg(p, block_params ? PREC_BAND : 0, 0);
        }
        break;
    case QR_T_SPLAT: case QR_T_STAR: case QR_T_DSPLAT: case QR_T_POW: case QR_T_BLOCKAMP: case QR_T_AMPER:
        a = node(p, t == QR_T_SPLAT || t == QR_T_STAR ? QR_RUBY_RESTARG
                    : t == QR_T_DSPLAT || t == QR_T_POW ? QR_RUBY_KWRESTARG : QR_RUBY_BLOCKARG);
        advance(p);
        if (p->tok.type == QR_T_IDENT) {
            s = tok_text(p, &n);
            set_str(p, a, s, n);
            declare_param(p, a);
            advance(p);
        } else {
            a->str = "";
        }
        break;
    case QR_T_LPAREN: case QR_T_LPAREN_CALL:
        a = node(p, QR_RUBY_ARG);
        advance(p);
        for (;;) {
            push(p, a, param(p, block_params));
            if (!accept(p, QR_T_COMMA)) break;
        }
        expect(p, QR_T_RPAREN, "`)` closing the destructured parameters");
        break;
    case QR_T_DOT3:
        fail_at(p, p->tok.start, "name the arguments: `def f(*args, **opts, &blk)`",
                "argument forwarding `...` is not supported");
    default:
        unexpected(p, "a parameter name", NULL);
    }
    finish(p, a);
    return a;
}

/* Parameters up to closer (RPAREN, PIPE, or NL for `def f a, b`). */
static qr_ruby_node *params(P *p, qr_ruby_toktype closer, int block_params)
{
    qr_ruby_node *args = node(p, QR_RUBY_ARGS);
    if (closer != QR_T_NL) skip_nl(p);
    while (p->tok.type != closer) {
        push(p, args, param(p, block_params));
        if (closer != QR_T_NL) skip_nl(p);
        if (block_params && p->tok.type == QR_T_NL && p->tok.start < p->lx.len && p->lx.src[p->tok.start] == ';') {
            /* |a; b| block-local variables */
            advance(p);
            while (p->tok.type == QR_T_IDENT) {
                uint32_t n;
                const char *s = tok_text(p, &n);
                declare(p, qr__ruby_strdup(p->ast, s, n), n);
                advance(p);
                if (!accept(p, QR_T_COMMA)) break;
            }
            break;
        }
        if (!accept(p, QR_T_COMMA)) break;
        if (closer != QR_T_NL) skip_nl(p);
    }
    if (p->tok.type != closer) {
        if (closer == QR_T_NL && (p->tok.type == QR_T_EOF || p->tok.type == QR_T_ASSIGN)) return args;
        unexpected(p, closer == QR_T_RPAREN ? "`)` or `,` in the parameter list"
                      : closer == QR_T_PIPE ? "`|` or `,` in the block parameters" : "end of line",
                   NULL);
    }
    finish(p, args);
    return args;
}

/* The body of a block or lambda after its `{` / `do` (and parameters), through its `}` / `end`. */
static qr_ruby_node *block_body(P *p, int brace, uint32_t opened, const char *closer)
{
    qr_ruby_node *body;
    if (brace) {
        body = stmts(p);
        if (p->tok.type != QR_T_RBRACE) unexpected(p, closer, NULL);
        advance(p);
    } else {
        body = bodystmt(p, opened);
        expect_end(p, "do", opened);
    }
    return body;
}

/* A block { |x| ... } or do |x| ... end attached to call (which may be a lambda node). */
static qr_ruby_node *block(P *p, qr_ruby_node *call)
{
    (void)call;
    qr_ruby_node *b = node(p, QR_RUBY_BLOCK);
    uint32_t opened = p->tok.start;
    int brace = p->tok.type == QR_T_LBRACE;
    if (brace) b->flags = QR_RUBY_F_BRACE;
    advance(p);
    push_scope(p, 0);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    skip_nl(p);
    if (p->tok.type == QR_T_PIPE) {
        advance(p);
        b->a = params(p, QR_T_PIPE, 1);
        advance(p);
    } else if (p->tok.type == QR_T_OROR) {
        b->a = node(p, QR_RUBY_ARGS);
        advance(p);
    }
    b->b = block_body(p, brace, opened, "`}` closing the block");
    p->no_do = saved_no_do;
    pop_scope(p);
    finish(p, b);
    return b;
}

static qr_ruby_node *lambda(P *p)
{
    qr_ruby_node *l = node(p, QR_RUBY_LAMBDA);
    advance(p);
    push_scope(p, 0);
    if (p->tok.type == QR_T_LPAREN_CALL || p->tok.type == QR_T_LPAREN) {
        advance(p);
        l->a = params(p, QR_T_RPAREN, 0);
        advance(p);
    } else if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_SPLAT || p->tok.type == QR_T_BLOCKAMP) {
        l->a = node(p, QR_RUBY_ARGS);
        for (;;) {
            push(p, l->a, param(p, 1));
            if (!accept(p, QR_T_COMMA)) break;
        }
    }
    uint32_t opened = p->tok.start;
    int saved_no_do = p->no_do;
    p->no_do = 0;
    if (p->tok.type != QR_T_LBRACE && p->tok.type != QR_T_DO)
        unexpected(p, "`{` or `do` (the lambda's body)", "write `->(x) { ... }`");
    int brace = p->tok.type == QR_T_LBRACE;
    if (brace) l->flags = QR_RUBY_F_BRACE;
    advance(p);
    l->b = block_body(p, brace, opened, "`}` closing the lambda");
    p->no_do = saved_no_do;
    pop_scope(p);
    finish(p, l);
    return l;
}

/* Statements with optional rescue / else / ensure clauses (def, do-block, begin bodies). */
static qr_ruby_node *bodystmt(P *p, uint32_t opened_at)
{
    (void)opened_at;
    qr_ruby_node *body = stmts(p);
    if (p->tok.type != QR_T_RESCUE && p->tok.type != QR_T_ENSURE && p->tok.type != QR_T_ELSE) return body;
    qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, body->line, body->col);
    b->a = body;
    while (p->tok.type == QR_T_RESCUE) {
        qr_ruby_node *r = node(p, QR_RUBY_RESBODY);
        advance(p);
        while (p->tok.type != QR_T_THEN && p->tok.type != QR_T_NL && p->tok.type != QR_T_ASSOC) {
            push(p, r, arg(p, 0, 0));
            if (!accept(p, QR_T_COMMA)) break;
            skip_nl(p);
        }
        if (accept(p, QR_T_ASSOC)) {
            qr_ruby_node *v = primary_postfix(p, 0);
            if (v->kind == QR_RUBY_CALL && (v->flags & QR_RUBY_F_VCALL)) {
                declare(p, v->str, v->len);
                v->kind = QR_RUBY_LVAR;
                v->flags = 0;
            }
            r->a = lvar_target(p, v, 0);
        }
        if (p->tok.type != QR_T_THEN && p->tok.type != QR_T_NL)
            unexpected(p, "`then` or a new line after the rescue clause", NULL);
        accept(p, QR_T_THEN);
        r->b = stmts(p);
        finish(p, r);
        push(p, b, r);
    }
    if (p->tok.type == QR_T_ELSE) {
        if (!b->nkids) fail_at(p, p->tok.start, "use `begin ... rescue ... else ... end`", "`else` without `rescue`");
        advance(p);
        b->b = stmts(p);
    }
    if (accept(p, QR_T_ENSURE)) b->c = stmts(p);
    finish(p, b);
    return b;
}

static qr_ruby_node *parse_def(P *p)
{
    qr_ruby_node *d = node(p, QR_RUBY_DEF);
    uint32_t opened = p->tok.start;
    advance(p); /* lexer is in FNAME state */
    uint32_t n;
    const char *s = tok_text(p, &n);
    if (p->tok.type == QR_T_SELF || ((p->tok.type == QR_T_CONST || p->tok.type == QR_T_IDENT) &&
                                     p->tok.end < p->lx.len && p->lx.src[p->tok.end] == '.')) {
        qr_ruby_node *r;
        if (p->tok.type == QR_T_SELF) r = node(p, QR_RUBY_SELF);
        else { r = node(p, p->tok.type == QR_T_CONST ? QR_RUBY_CONST : QR_RUBY_LVAR); set_str(p, r, s, n); }
        advance(p);
        if (p->tok.type != QR_T_DOT) unexpected(p, "`.` (def self.name)", NULL);
        p->lx.state = QR_LEX_FNAME;
        advance(p);
        d->a = r;
        s = tok_text(p, &n);
    }
    if (p->tok.type != QR_T_IDENT && p->tok.type != QR_T_CONST &&
        !(p->tok.type >= QR_T_KW_FIRST && p->tok.type <= QR_T_KW_LAST))
        unexpected(p, "a method name after `def`", NULL);
    set_str(p, d, s, n);
    advance(p);
    push_scope(p, 1);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    if (p->tok.type == QR_T_LPAREN_CALL || p->tok.type == QR_T_LPAREN) {
        advance(p);
        d->b = params(p, QR_T_RPAREN, 0);
        advance(p);
    } else if (p->tok.type != QR_T_NL && p->tok.type != QR_T_ASSIGN) {
        d->b = params(p, QR_T_NL, 0);
    } else {
        d->b = node(p, QR_RUBY_ARGS);
    }
    if (p->tok.type == QR_T_ASSIGN) {
        d->flags |= QR_RUBY_F_ENDLESS;
        advance(p);
        skip_nl(p);
        d->c = seq_of(p, stmt(p));
    } else {
        d->c = bodystmt(p, opened);
        expect_end(p, "def", opened);
    }
    p->no_do = saved_no_do;
    pop_scope(p);
    finish(p, d);
    return d;
}

static qr_ruby_node *cpath(P *p)
{
    qr_ruby_node *c = NULL;
    if (p->tok.type == QR_T_COLON3) {
        advance(p);
        c = node(p, QR_RUBY_CONST);
        c->flags = QR_RUBY_F_TOP;
    }
    if (p->tok.type != QR_T_CONST) unexpected(p, "a constant name (class and module names start with a capital letter)", NULL);
    if (!c) c = node(p, QR_RUBY_CONST);
    uint32_t n;
    const char *s = tok_text(p, &n);
    set_str(p, c, s, n);
    advance(p);
    while (p->tok.type == QR_T_COLON2) {
        advance(p);
        if (p->tok.type != QR_T_CONST) unexpected(p, "a constant name after `::`", NULL);
        qr_ruby_node *k = node(p, QR_RUBY_CONST);
        s = tok_text(p, &n);
        set_str(p, k, s, n);
        k->a = c;
        advance(p);
        c = k;
    }
    return c;
}

static qr_ruby_node *parse_class(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *k = node(p, QR_RUBY_CLASS);
    advance(p);
    if (p->tok.type == QR_T_LSHIFT) {
        k->kind = QR_RUBY_SCLASS;
        advance(p);
        k->a = expr_stmt(p);
    } else {
        k->a = cpath(p);
        if (accept(p, QR_T_LT)) k->b = arg(p, PREC_CMP + 1, 0);
    }
    if (p->tok.type != QR_T_NL) unexpected(p, "a new line after the class header", NULL);
    push_scope(p, 1);
    k->c = bodystmt(p, opened);
    pop_scope(p);
    expect_end(p, "class", opened);
    finish(p, k);
    return k;
}

static qr_ruby_node *parse_module(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *m = node(p, QR_RUBY_MODULE);
    advance(p);
    m->a = cpath(p);
    push_scope(p, 1);
    m->c = bodystmt(p, opened);
    pop_scope(p);
    expect_end(p, "module", opened);
    finish(p, m);
    return m;
}

/* `then` or a line break after a condition. */
static void then_sep(P *p, const char *what)
{
    if (accept(p, QR_T_THEN)) return;
    if (p->tok.type == QR_T_NL) { skip_nl(p); accept(p, QR_T_THEN); return; }
    char b[64];
    snprintf(b, sizeof b, "`then` or a new line after the %s condition", what);
    unexpected(p, b, NULL);
}

static qr_ruby_node *parse_if(P *p, int unless)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *i = node(p, QR_RUBY_IF);
    advance(p);
    i->a = expr_stmt(p);
    then_sep(p, unless ? "unless" : "if");
    qr_ruby_node *body = stmts(p);
    qr_ruby_node *els = NULL;
    if (p->tok.type == QR_T_ELSIF) {
        if (unless) fail_at(p, p->tok.start, "use `if` with `elsif`, or nest another `unless`", "`unless` cannot have `elsif`");
        els = parse_if(p, 0);
        if (unless) i->b = els, i->c = body;
        else i->b = body, i->c = els;
        finish(p, i);
        return i;
    }
    if (accept(p, QR_T_ELSE)) els = stmts(p);
    if (unless) { i->b = els; i->c = body; }
    else { i->b = body; i->c = els; }
    expect_end(p, unless ? "unless" : "if", opened);
    finish(p, i);
    return i;
}

static qr_ruby_node *parse_while(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *w = node(p, p->tok.type == QR_T_WHILE ? QR_RUBY_WHILE : QR_RUBY_UNTIL);
    advance(p);
    p->no_do++;
    w->a = expr_stmt(p);
    p->no_do--;
    if (!accept(p, QR_T_DO)) {
        if (p->tok.type != QR_T_NL) unexpected(p, "`do` or a new line after the loop condition", NULL);
    }
    w->b = stmts(p);
    expect_end(p, w->kind == QR_RUBY_WHILE ? "while" : "until", opened);
    finish(p, w);
    return w;
}

static qr_ruby_node *parse_for(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *f = node(p, QR_RUBY_FOR);
    advance(p);
    qr_ruby_node *first = primary_postfix(p, 0);
    if (p->tok.type == QR_T_COMMA) {
        qr_ruby_node *m = qr__ruby_node(p->ast, QR_RUBY_MASGN, first->line, first->col);
        push(p, m, lvar_target(p, first, 0));
        while (accept(p, QR_T_COMMA)) push(p, m, lvar_target(p, primary_postfix(p, 0), 0));
        f->a = m;
    } else {
        f->a = lvar_target(p, first, 0);
    }
    expect(p, QR_T_IN, "`in` (for x in list)");
    p->no_do++;
    f->b = expr_stmt(p);
    p->no_do--;
    if (!accept(p, QR_T_DO) && p->tok.type != QR_T_NL) unexpected(p, "`do` or a new line", NULL);
    f->c = stmts(p);
    expect_end(p, "for", opened);
    finish(p, f);
    return f;
}

static qr_ruby_node *parse_case(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *c = node(p, QR_RUBY_CASE);
    advance(p);
    if (p->tok.type != QR_T_NL && p->tok.type != QR_T_WHEN) c->a = expr_stmt(p);
    skip_nl(p);
    if (p->tok.type == QR_T_IN)
        fail_at(p, p->tok.start, "use `case x when ... then ... end`",
                "pattern matching (`case ... in`) is not supported");
    if (p->tok.type != QR_T_WHEN) unexpected(p, "`when`", NULL);
    while (p->tok.type == QR_T_WHEN) {
        qr_ruby_node *w = node(p, QR_RUBY_WHEN);
        advance(p);
        for (;;) {
            push(p, w, arg(p, 0, 0));
            if (!accept(p, QR_T_COMMA)) break;
            skip_nl(p);
        }
        then_sep(p, "when");
        w->a = stmts(p);
        finish(p, w);
        push(p, c, w);
    }
    if (accept(p, QR_T_ELSE)) c->b = stmts(p);
    expect_end(p, "case", opened);
    finish(p, c);
    return c;
}

/* return / break / next with an optional value (several values make an ARRAY). */
static qr_ruby_node *jump(P *p, qr_ruby_kind k)
{
    qr_ruby_node *j = node(p, k);
    advance(p);
    if (starts_value(p->tok.type) && p->tok.type != QR_T_IF && p->tok.type != QR_T_UNLESS &&
        p->tok.type != QR_T_WHILE && p->tok.type != QR_T_UNTIL && !(p->tok.type == QR_T_LBRACE)) {
        qr_ruby_node *tmp = qr__ruby_node(p->ast, QR_RUBY_ARRAY, j->line, j->col);
        call_args(p, tmp, QR_T_EOF);
        if (tmp->nkids == 1 && tmp->kids[0]->kind != QR_RUBY_SPLAT) j->a = tmp->kids[0];
        else { finish(p, tmp); j->a = tmp; }
    }
    finish(p, j);
    return j;
}

/* ---- literals ---- */

static qr_ruby_node *str_part(P *p, qr_buf_t *b, uint32_t pos)
{
    qr_ruby_node *s = node_at(p, QR_RUBY_STR, pos);
    s->str = qr__ruby_strdup(p->ast, b->data ? b->data : "", b->len);
    s->len = b->len;
    qr_buf_reset(b);
    return s;
}

/* A string, symbol, regexp or heredoc starting at the current QR_T_STR_BEG token. */
static qr_ruby_node *parse_string(P *p)
{
    qr_ruby_tok open = p->tok;
    qr_ruby_strterm st = open.str;
    if (st.kind == QR_STR_XSTR)
        fail_at(p, open.start, "quickrail runs no shell commands; remove the backticks",
                "shell commands (backticks, %%x) are not supported");
    qr_ruby_lexer saved;
    int heredoc = st.kind == QR_STR_HEREDOC;
    if (heredoc) {
        saved = p->lx;
        p->lx.pos = st.body;
        p->lx.heredoc_resume = 0;
    }
    qr_ruby_node *d = node_at(p, QR_RUBY_DSTR, open.start);
    qr_buf_t *b = buf_get(p);
    int interp = 0;
    uint32_t part_pos = p->lx.pos;
    int saved_no_do = p->no_do;
    p->no_do = 0;
    for (;;) {
        int r = qr__ruby_lex_string(&p->lx, &st, b);
        if (b->len || (r == 0 && d->nkids == 0)) push(p, d, str_part(p, b, part_pos));
        if (r == 0) break;
        if (r < 0) {
            fail_at(p, open.start, heredoc ? "end the heredoc with its identifier alone on a line" : "close it with its delimiter",
                    heredoc ? "unterminated heredoc" : st.kind == QR_STR_REGEX ? "unterminated regexp" : "unterminated string");
        }
        interp = 1;
        if (r == 2) {
            /* "#@name": lex the variable, then go on reading the string after it */
            qr_ruby_node *e = node_at(p, QR_RUBY_EVSTR, p->lx.pos - 1);
            p->lx.state = QR_LEX_BEG;
            advance(p);
            qr_ruby_node *v = node(p, p->tok.type == QR_T_IVAR ? QR_RUBY_IVAR : p->tok.type == QR_T_CVAR ? QR_RUBY_CVAR : QR_RUBY_GVAR);
            uint32_t vn;
            const char *vs = tok_text(p, &vn);
            set_str(p, v, vs, vn);
            e->a = seq_of(p, v);
            push(p, d, e);
            p->lx.pos = p->tok.end;
            part_pos = p->lx.pos;
            continue;
        }
        /* #{ code } */
        qr_ruby_node *e = node_at(p, QR_RUBY_EVSTR, p->lx.pos - 2);
        p->lx.state = QR_LEX_BEG;
        advance(p);
        p->in_interp++;
        e->a = stmts(p);
        p->in_interp--;
        if (p->tok.type != QR_T_RBRACE) unexpected(p, "`}` closing the interpolation", NULL);
        finish(p, e);
        push(p, d, e);
        part_pos = p->lx.pos;
    }
    buf_put(p);
    p->no_do = saved_no_do;
    if (heredoc) {
        uint32_t line, col;
        qr__ruby_lex_pos(&p->lx, st.body_end, &line, &col);
        d->end_line = line;
        p->lx = saved;
    }
    qr_ruby_node *n = d;
    if (st.kind == QR_STR_REGEX) {
        d->kind = QR_RUBY_REGEX;
        d->str = qr__ruby_strdup(p->ast, st.opts, strlen(st.opts));
        d->len = strlen(st.opts);
    } else if (!interp) {
        n = d->kids[0];
        n->line = d->line;
        n->col = d->col;
        n->end_line = d->end_line > n->end_line ? d->end_line : n->end_line;
        if (st.kind == QR_STR_DSYM || st.kind == QR_STR_SSYM) n->kind = QR_RUBY_SYM;
    } else if (st.kind == QR_STR_DSYM) {
        d->kind = QR_RUBY_DSYM;
    }
    if (heredoc) n->flags |= QR_RUBY_F_HEREDOC;
    p->lx.state = QR_LEX_END;
    if (!heredoc) {
        uint32_t line, col;
        qr__ruby_lex_pos(&p->lx, p->lx.pos ? p->lx.pos - 1 : 0, &line, &col);
        n->end_line = line;
    }
    p->tok.end = p->lx.pos;
    advance(p);
    return n;
}

static qr_ruby_node *parse_words(P *p)
{
    qr_ruby_strterm st = p->tok.str;
    qr_ruby_node *a = node(p, QR_RUBY_ARRAY);
    a->flags = QR_RUBY_F_WORDS;
    qr_buf_t b = QR_BUF_INIT;
    for (;;) {
        while (p->lx.pos < p->lx.len && (p->lx.src[p->lx.pos] == ' ' || p->lx.src[p->lx.pos] == '\t' ||
                                         p->lx.src[p->lx.pos] == '\n' || p->lx.src[p->lx.pos] == '\r'))
            p->lx.pos++;
        uint32_t pos = p->lx.pos;
        int r = qr__ruby_lex_word(&p->lx, &st, &b);
        if (r == -2) {
            qr_buf_free(&b);
            fail_at(p, p->lx.pos, "write an array instead: [\"a\", \"#{x}\"]", "interpolation in %%W[] / %%I[] is not supported");
        }
        if (r < 0) { qr_buf_free(&b); fail_at(p, p->tok.start, "close the list with its delimiter", "unterminated word list"); }
        if (r == 0) break;
        qr_ruby_node *w = node_at(p, st.kind == QR_STR_SYMBOLS ? QR_RUBY_SYM : QR_RUBY_STR, pos);
        w->str = qr__ruby_strdup(p->ast, b.data ? b.data : "", b.len);
        w->len = b.len;
        qr_buf_reset(&b);
        push(p, a, w);
    }
    qr_buf_free(&b);
    p->lx.state = QR_LEX_END;
    p->tok.end = p->lx.pos;
    advance(p);
    finish(p, a);
    return a;
}

static qr_ruby_node *parse_char(P *p)
{
    qr_ruby_node *s = node(p, QR_RUBY_STR);
    s->flags = QR_RUBY_F_CHAR;
    qr_buf_t b = QR_BUF_INIT;
    if (p->lx.src[p->tok.start + 1] == '\\') {
        /* decode the escape with the string reader */
        qr_ruby_lexer tmp = p->lx;
        tmp.pos = p->tok.start + 1;
        qr_ruby_strterm st = {.kind = QR_STR_DQ, .term = 0, .interp = 1};
        st.body_end = p->tok.end;
        /* read exactly one escape: use a heredoc-like bound */
        st.kind = QR_STR_HEREDOC;
        st.dedent = 0;
        (void)qr__ruby_lex_string(&tmp, &st, &b);
    } else {
        qr_buf_append(&b, p->lx.src + p->tok.start + 1, p->tok.end - p->tok.start - 1);
    }
    s->str = qr__ruby_strdup(p->ast, b.data ? b.data : "", b.len);
    s->len = b.len;
    qr_buf_free(&b);
    advance(p);
    return s;
}

static qr_ruby_node *parse_hash(P *p)
{
    qr_ruby_node *h = node(p, QR_RUBY_HASH);
    h->flags = QR_RUBY_F_BRACES;
    advance(p);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    skip_nl(p);
    while (p->tok.type != QR_T_RBRACE) {
        push(p, h, hash_entry(p, QR_T_RBRACE, 1, 0));
        skip_nl(p);
        if (!accept(p, QR_T_COMMA)) break;
        skip_nl(p);
    }
    p->no_do = saved_no_do;
    if (p->tok.type != QR_T_RBRACE) unexpected(p, "`}` or `,` in the hash", NULL);
    advance(p);
    finish(p, h);
    return h;
}

static qr_ruby_node *parse_array(P *p)
{
    qr_ruby_node *a = node(p, QR_RUBY_ARRAY);
    advance(p);
    call_args(p, a, QR_T_RBRACK);
    finish(p, a);
    return a;
}

static qr_ruby_node *ident_call(P *p, int cmd)
{
    uint32_t n;
    const char *s = tok_text(p, &n);
    qr_ruby_node *c = node(p, QR_RUBY_CALL);
    set_str(p, c, s, n);
    advance(p);
    return call_rest(p, c, cmd);
}

static qr_ruby_node *primary(P *p, int cmd)
{
    qr_ruby_node *n;
    uint32_t len;
    const char *s = tok_text(p, &len);
    switch (p->tok.type) {
    case QR_T_INT: case QR_T_FLOAT: {
        n = node(p, p->tok.type == QR_T_INT ? QR_RUBY_INT : QR_RUBY_FLOAT);
        char *v = qr__ruby_alloc(p->ast, len + 1);
        size_t k = 0;
        for (uint32_t i = 0; i < len; i++) if (s[i] != '_') v[k++] = s[i];
        v[k] = 0;
        n->str = v;
        n->len = k;
        advance(p);
        return n;
    }
    case QR_T_STR_BEG: {
        n = parse_string(p);
        /* "a" "b": adjacent literals concatenate */
        while (p->tok.type == QR_T_STR_BEG && (p->tok.str.kind == QR_STR_DQ || p->tok.str.kind == QR_STR_SQ) &&
               (n->kind == QR_RUBY_STR || n->kind == QR_RUBY_DSTR) && !(n->flags & QR_RUBY_F_HEREDOC)) {
            qr_ruby_node *m = parse_string(p);
            if (n->kind == QR_RUBY_STR && m->kind == QR_RUBY_STR) {
                /* 'a' 'b' is the one string "ab" */
                char *v = qr__ruby_alloc(p->ast, n->len + m->len + 1);
                memcpy(v, n->str, n->len);
                memcpy(v + n->len, m->str, m->len);
                v[n->len + m->len] = 0;
                n->str = v;
                n->len += m->len;
                n->end_line = m->end_line;
                continue;
            }
            qr_ruby_node *d = n;
            if (n->kind == QR_RUBY_STR) {
                d = qr__ruby_node(p->ast, QR_RUBY_DSTR, n->line, n->col);
                push(p, d, n);
            }
            if (m->kind == QR_RUBY_STR) push(p, d, m);
            else for (uint32_t i = 0; i < m->nkids; i++) push(p, d, m->kids[i]);
            finish(p, d);
            n = d;
        }
        return n;
    }
    case QR_T_WORDS_BEG:
        return parse_words(p);
    case QR_T_CHAR:
        return parse_char(p);
    case QR_T_SYMBOL:
        n = node(p, QR_RUBY_SYM);
        set_str(p, n, s + 1, len - 1);
        advance(p);
        return n;
    case QR_T_LABEL:
        unexpected(p, "an expression", "`key: value` pairs go inside a hash `{ }` or at the end of a method call's arguments");
    case QR_T_IVAR: case QR_T_CVAR: case QR_T_GVAR:
        n = node(p, p->tok.type == QR_T_IVAR ? QR_RUBY_IVAR : p->tok.type == QR_T_CVAR ? QR_RUBY_CVAR : QR_RUBY_GVAR);
        set_str(p, n, s, len);
        advance(p);
        return n;
    case QR_T_CONST:
        n = node(p, QR_RUBY_CONST);
        set_str(p, n, s, len);
        advance(p);
        if (p->tok.type == QR_T_LPAREN_CALL) {
            n->kind = QR_RUBY_CALL;
            return call_rest(p, n, cmd);
        }
        if (cmd && p->tok.type == QR_T_STR_BEG && p->tok.space_before) {
            /* `Integer "1"`-style command call on a capitalised method name */
            n->kind = QR_RUBY_CALL;
            return call_rest(p, n, cmd);
        }
        return n;
    case QR_T_COLON3:
        advance(p);
        if (p->tok.type != QR_T_CONST) unexpected(p, "a constant name after `::`", NULL);
        n = node(p, QR_RUBY_CONST);
        s = tok_text(p, &len);
        set_str(p, n, s, len);
        n->flags = QR_RUBY_F_TOP;
        advance(p);
        return n;
    case QR_T_IDENT:
        if (is_local(p, s, len) && p->tok.type == QR_T_IDENT) {
            /* peek: a local followed directly by `(` is a method call */
            qr_ruby_lexer save = p->lx;
            qr_ruby_tok t;
            qr__ruby_lex_next(&p->lx, &t);
            p->lx = save;
            if (t.type != QR_T_LPAREN_CALL) {
                n = node(p, QR_RUBY_LVAR);
                set_str(p, n, s, len);
                advance(p);
                return n;
            }
        }
        return ident_call(p, cmd);
    case QR_T_NIL: n = node(p, QR_RUBY_NIL); advance(p); return n;
    case QR_T_TRUE: n = node(p, QR_RUBY_TRUE); advance(p); return n;
    case QR_T_FALSE: n = node(p, QR_RUBY_FALSE); advance(p); return n;
    case QR_T_SELF: n = node(p, QR_RUBY_SELF); advance(p); return n;
    case QR_T_KW__LINE__: {
        n = node(p, QR_RUBY_INT);
        char buf[16];
        snprintf(buf, sizeof buf, "%u", n->line);
        set_str(p, n, buf, strlen(buf));
        advance(p);
        return n;
    }
    case QR_T_KW__FILE__:
        fail_at(p, p->tok.start, "use Rails.root.join(\"...\") or a path relative to the app",
                "`__FILE__` is not supported");
    case QR_T_LPAREN: case QR_T_LPAREN_CALL: {
        uint32_t open = p->tok.start;
        advance(p);
        int saved_no_do = p->no_do;
        p->no_do = 0;
        qr_ruby_node *body = stmts(p);
        p->no_do = saved_no_do;
        if (p->tok.type != QR_T_RPAREN) unexpected(p, "`)`", NULL);
        advance(p);
        if (body->nkids == 0) { n = node_at(p, QR_RUBY_NIL, open); return n; }
        if (body->nkids == 1) return body->kids[0];
        qr__ruby_lex_pos(&p->lx, open, &body->line, &body->col);
        finish(p, body);
        return body;
    }
    case QR_T_LBRACK:
        return parse_array(p);
    case QR_T_LBRACE:
        return parse_hash(p);
    case QR_T_LAMBDA:
        return lambda(p);
    case QR_T_DEF:
        return parse_def(p);
    case QR_T_CLASS:
        return parse_class(p);
    case QR_T_MODULE:
        return parse_module(p);
    case QR_T_IF: return parse_if(p, 0);
    case QR_T_UNLESS: return parse_if(p, 1);
    case QR_T_WHILE: case QR_T_UNTIL: return parse_while(p);
    case QR_T_FOR: return parse_for(p);
    case QR_T_CASE: return parse_case(p);
    case QR_T_BEGIN: {
        uint32_t opened = p->tok.start;
        n = node(p, QR_RUBY_BEGIN);
        advance(p);
        qr_ruby_node *body = bodystmt(p, opened);
        expect_end(p, "begin", opened);
        if (body->kind == QR_RUBY_BEGIN) {
            body->line = n->line;
            body->col = n->col;
            n = body;
        } else {
            n->a = body;
        }
        n->flags |= QR_RUBY_F_KWBEGIN;
        finish(p, n);
        return n;
    }
    case QR_T_RETURN: return jump(p, QR_RUBY_RETURN);
    case QR_T_BREAK: return jump(p, QR_RUBY_BREAK);
    case QR_T_NEXT: return jump(p, QR_RUBY_NEXT);
    case QR_T_REDO: n = node(p, QR_RUBY_REDO); advance(p); return n;
    case QR_T_RETRY: n = node(p, QR_RUBY_RETRY); advance(p); return n;
    case QR_T_YIELD:
        n = node(p, QR_RUBY_YIELD);
        advance(p);
        if (p->tok.type == QR_T_LPAREN_CALL) { advance(p); call_args(p, n, QR_T_RPAREN); }
        else if (starts_command_arg(p)) call_args(p, n, QR_T_EOF);
        finish(p, n);
        return n;
    case QR_T_SUPER: {
        n = node(p, QR_RUBY_SUPER);
        advance(p);
        int command = 0;
        if (p->tok.type == QR_T_LPAREN_CALL) { advance(p); n->flags |= QR_RUBY_F_PARENS; call_args(p, n, QR_T_RPAREN); }
        else if (cmd && starts_command_arg(p)) { call_args(p, n, QR_T_EOF); command = 1; }
        else n->flags |= QR_RUBY_F_ZSUPER;
        if (!command && p->tok.type == QR_T_LBRACE) n->b = block(p, n);
        else if (p->tok.type == QR_T_DO && p->no_do == 0) n->b = block(p, n);
        finish(p, n);
        return n;
    }
    case QR_T_DEFINED: {
        n = node(p, QR_RUBY_DEFINED);
        advance(p);
        if (p->tok.type == QR_T_LPAREN_CALL) {
            advance(p);
            skip_nl(p);
            n->a = expr_stmt(p);
            skip_nl(p);
            expect(p, QR_T_RPAREN, "`)`");
        } else {
            n->a = arg(p, PREC_NOT, 0);
        }
        finish(p, n);
        return n;
    }
    case QR_T_NOT: case QR_T_BANG: case QR_T_UMINUS: case QR_T_SPLAT: case QR_T_DSPLAT:
    case QR_T_BLOCKAMP: case QR_T_TILDE: case QR_T_UPLUS:
        return unary(p, 0);
    case QR_T_DOT2: case QR_T_DOT3:
        return unary(p, 0);
    case QR_T_END:
        if (p->prev_type == QR_T_COMMA)
            unexpected(p, "an expression", "the line before ends with `,`: add the missing argument, or remove the comma");
        if (binprec(p->prev_type) || p->prev_type == QR_T_ASSIGN || p->prev_type == QR_T_OP_ASGN)
            unexpected(p, "an expression", "the expression before it is not finished");
        unexpected(p, "an expression", "this `end` has nothing to close: remove it, or check the `if`/`do`/`def` above");
    case QR_T_RBRACE: case QR_T_RPAREN: case QR_T_RBRACK:
        unexpected(p, "an expression", "check the brackets above: this one closes nothing");
    case QR_T_ELSE: case QR_T_ELSIF: case QR_T_WHEN: case QR_T_RESCUE: case QR_T_ENSURE:
        unexpected(p, "an expression", "is a statement before it missing its `if`/`case`/`begin`?");
    case QR_T_IN:
        fail_at(p, p->tok.start, "use `case x when ... then ... end`", "pattern matching (`in`) is not supported");
    default:
        unexpected(p, "an expression", NULL);
    }
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
    p->lx.is_local = is_local;
    p->lx.ctx = p;
    p->ast = qr__ruby_ast_new(path);
    qr_ruby_ast *volatile result = NULL;
    if (setjmp(p->jb) == 0) {
        push_scope(p, 1);
        advance(p);
        qr_ruby_node *root = stmts(p);
        if (p->tok.type != QR_T_EOF) {
            if (p->tok.type == QR_T_END)
                unexpected(p, "end of file", "this `end` has nothing to close: remove it, or check the `if`/`do`/`def` above");
            if (p->tok.type == QR_T_RBRACE || p->tok.type == QR_T_RPAREN)
                unexpected(p, "end of file", "check the brackets above: this one closes nothing");
            unexpected(p, "end of file", NULL);
        }
        p->ast->root = root;
        result = p->ast;
    } else {
        qr_ruby_ast_free(p->ast);
    }
    while (p->nbufs) buf_put(p);
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
