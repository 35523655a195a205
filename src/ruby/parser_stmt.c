/* ruby/parser_stmt.c — the Ruby parser's statements and definitions: statement lists,
 * modifiers (`x if y`, `rescue`), multiple assignment, `and`/`or`/`not`, bodies with
 * rescue/else/ensure, blocks and their parameters, lambdas, def/class/module, if/unless/while/
 * until/for/case and return/break/next. Owns Ruby's `do` binding to the outermost command.
 * Calls the parser core (ruby/parser.c), expressions (parser_expr.c) and literals
 * (parser_lit.c) through ruby/parser_priv.h; pure computation, runs where the parser runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "ruby/parser_priv.h"

/* ---- grammar ---- */

static qr_ruby_node *stmt(P *p);
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
int qr__rp_starts_value(qr_ruby_toktype t)
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
int qr__rp_starts_command_arg(P *p)
{
    qr_ruby_toktype t = p->tok.type;
    if (!p->tok.space_before) return 0;
    if (t == QR_T_LBRACE || t == QR_T_IF || t == QR_T_UNLESS || t == QR_T_WHILE || t == QR_T_UNTIL ||
        t == QR_T_DOT2 || t == QR_T_DOT3)
        return 0;
    return qr__rp_starts_value(t);
}

qr_ruby_node *qr__rp_seq_of(P *p, qr_ruby_node *n)
{
    if (n && n->kind == QR_RUBY_SEQ) return n;
    qr_ruby_node *s = qr__ruby_node(p->ast, QR_RUBY_SEQ, n ? n->line : 1, n ? n->col : 1);
    if (n) { qr__rp_push(p, s, n); s->end_line = n->end_line; }
    return s;
}

/* Statements up to one of stmts_end's tokens (not consumed). */
qr_ruby_node *qr__rp_stmts(P *p)
{
    qr_ruby_node *seq = qr__rp_node(p, QR_RUBY_SEQ);
    qr__rp_skip_nl(p);
    while (!stmts_end(p->tok.type)) {
        qr_ruby_node *s = stmt(p);
        qr__rp_push(p, seq, s);
        if (p->tok.type == QR_T_NL) { qr__rp_skip_nl(p); continue; }
        if (stmts_end(p->tok.type)) break;
        if (p->in_interp) qr__rp_unexpected(p, "`}` closing the `#{` interpolation", NULL);
        qr__rp_unexpected(p, "end of line", "put one statement per line, or separate them with `;`");
    }
    if (seq->nkids) {
        seq->line = seq->kids[0]->line;
        seq->col = seq->kids[0]->col;
        seq->end_line = seq->kids[seq->nkids - 1]->end_line;
    }
    return seq;
}


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
    qr__rp_push(p, m, qr__rp_lvar_target(p, first, 0));
    while (qr__rp_accept(p, QR_T_COMMA)) {
        if (p->tok.type == QR_T_ASSIGN) break; /* `a, = list` */
        qr_ruby_node *t;
        if (p->tok.type == QR_T_SPLAT || p->tok.type == QR_T_STAR) {
            t = qr__rp_node(p, QR_RUBY_SPLAT);
            qr__rp_advance(p);
            if (p->tok.type != QR_T_COMMA && p->tok.type != QR_T_ASSIGN) t->a = qr__rp_lvar_target(p, qr__rp_primary_postfix(p, 0), 0);
        } else {
            t = qr__rp_lvar_target(p, qr__rp_primary_postfix(p, 0), 0);
        }
        qr__rp_push(p, m, t);
    }
    if (p->tok.type != QR_T_ASSIGN) qr__rp_unexpected(p, "`=` (multiple assignment)", NULL);
    qr__rp_advance(p);
    qr__rp_skip_nl(p);
    qr_ruby_node *v = qr__rp_arg(p, 0, 1);
    if (p->tok.type == QR_T_COMMA || v->kind == QR_RUBY_SPLAT) {
        qr_ruby_node *arr = qr__ruby_node(p->ast, QR_RUBY_ARRAY, v->line, v->col);
        qr__rp_push(p, arr, v);
        while (qr__rp_accept(p, QR_T_COMMA)) { qr__rp_skip_nl(p); qr__rp_push(p, arr, qr__rp_arg(p, 0, 0)); }
        qr__rp_finish(p, arr);
        v = arr;
    }
    m->a = v;
    qr__rp_finish(p, m);
    return m;
}

static qr_ruby_node *stmt(P *p)
{
    qr__rp_enter(p);
    qr_ruby_node *n;
    uint32_t start = p->tok.start;
    if (p->tok.type == QR_T_ALIAS) {
        n = qr__rp_node(p, QR_RUBY_ALIAS);
        qr__rp_advance(p);
        for (int i = 0; i < 2; i++) {
            qr_ruby_node *s;
            uint32_t len;
            const char *txt = qr__rp_tok_text(p, &len);
            if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_CONST) {
                s = qr__rp_node(p, QR_RUBY_SYM);
                qr__rp_set_str(p, s, txt, len);
                qr__rp_advance(p);
            } else if (p->tok.type == QR_T_GVAR) {
                s = qr__rp_node(p, QR_RUBY_GVAR);
                qr__rp_set_str(p, s, txt, len);
                qr__rp_advance(p);
            } else if (p->tok.type == QR_T_SYMBOL) {
                s = qr__rp_node(p, QR_RUBY_SYM);
                qr__rp_set_str(p, s, txt + 1, len - 1);
                qr__rp_advance(p);
            } else if (p->tok.type == QR_T_STR_BEG && p->tok.str.kind == QR_STR_DSYM) {
                s = qr__rp_parse_string(p);
            } else {
                qr__rp_unexpected(p, "a method name", "write `alias new_name old_name`");
            }
            if (i == 0) { n->a = s; p->lx.state = QR_LEX_FNAME; }
            else n->b = s;
        }
    } else if (p->tok.type == QR_T_UNDEF) {
        qr__rp_fail_at(p, start, "remove the method from the class instead", "`undef` is not supported");
    } else if (p->tok.type == QR_T_KW_BEGIN_UP || p->tok.type == QR_T_KW_END_UP) {
        qr__rp_fail_at(p, start, "put the code at the top of the file, or in an at_exit-free initializer",
                "`BEGIN { }` / `END { }` blocks are not supported");
    } else {
        n = qr__rp_expr_stmt(p);
        if (p->tok.type == QR_T_COMMA && is_mlhs_item(n)) n = masgn(p, n);
        else if (p->tok.type == QR_T_COMMA && n->kind == QR_RUBY_SPLAT) n = masgn(p, n);
    }
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        if (t == QR_T_IF || t == QR_T_UNLESS) {
            qr__rp_advance(p);
            qr_ruby_node *c = qr__rp_expr_stmt(p);
            qr_ruby_node *i = qr__ruby_node(p->ast, QR_RUBY_IF, n->line, n->col);
            i->flags = QR_RUBY_F_MODIFIER;
            i->a = c;
            if (t == QR_T_IF) i->b = qr__rp_seq_of(p, n);
            else i->c = qr__rp_seq_of(p, n);
            qr__rp_finish(p, i);
            n = i;
        } else if (t == QR_T_WHILE || t == QR_T_UNTIL) {
            qr__rp_advance(p);
            qr_ruby_node *c = qr__rp_expr_stmt(p);
            qr_ruby_node *w = qr__ruby_node(p->ast, t == QR_T_WHILE ? QR_RUBY_WHILE : QR_RUBY_UNTIL, n->line, n->col);
            w->flags = QR_RUBY_F_MODIFIER;
            if (n->kind == QR_RUBY_BEGIN && (n->flags & QR_RUBY_F_KWBEGIN)) w->flags |= QR_RUBY_F_DO_WHILE;
            w->a = c;
            w->b = qr__rp_seq_of(p, n);
            qr__rp_finish(p, w);
            n = w;
        } else if (t == QR_T_RESCUE) {
            qr_ruby_node *r = qr__rp_node(p, QR_RUBY_RESBODY);
            qr__rp_advance(p);
            r->b = qr__rp_seq_of(p, qr__rp_expr_stmt(p));
            qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, n->line, n->col);
            b->flags = QR_RUBY_F_MODIFIER;
            b->a = qr__rp_seq_of(p, n);
            qr__rp_push(p, b, r);
            qr__rp_finish(p, r);
            qr__rp_finish(p, b);
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
        qr_ruby_node *n = qr__rp_node(p, QR_RUBY_NOT);
        qr__rp_advance(p);
        qr__rp_enter(p);
        n->a = not_expr(p);
        p->depth--;
        qr__rp_finish(p, n);
        return n;
    }
    return qr__rp_arg(p, 0, 1);
}

/* `a and b`, `a or b` (same precedence, left to right), `not a`. */
qr_ruby_node *qr__rp_expr_stmt(P *p)
{
    qr_ruby_node *left = not_expr(p);
    while (p->tok.type == QR_T_AND || p->tok.type == QR_T_OR) {
        qr_ruby_node *n = qr__ruby_node(p->ast, p->tok.type == QR_T_AND ? QR_RUBY_AND : QR_RUBY_OR, left->line, left->col);
        qr__rp_advance(p);
        qr__rp_skip_nl(p);
        n->a = left;
        n->b = not_expr(p);
        qr__rp_finish(p, n);
        left = n;
    }
    return left;
}


/* ---- blocks, params, definitions ---- */

static void declare_param(P *p, qr_ruby_node *a)
{
    if (a->str && a->len) qr__rp_declare(p, a->str, a->len);
}

/* One parameter of a def, block or lambda. */
static qr_ruby_node *param(P *p, int block_params)
{
    qr_ruby_toktype t = p->tok.type;
    uint32_t n;
    const char *s = qr__rp_tok_text(p, &n);
    qr_ruby_node *a;
    switch (t) {
    case QR_T_IDENT:
        a = qr__rp_node(p, QR_RUBY_ARG);
        qr__rp_set_str(p, a, s, n);
        declare_param(p, a);
        qr__rp_advance(p);
        if (p->tok.type == QR_T_ASSIGN) {
            qr__rp_advance(p);
            a->kind = QR_RUBY_OPTARG;
            a->a = qr__rp_arg(p, block_params ? PREC_BAND : 0, 0);
        }
        break;
    case QR_T_LABEL:
        a = qr__rp_node(p, QR_RUBY_KWARG);
        qr__rp_set_str(p, a, s, n);
        declare_param(p, a);
        qr__rp_advance(p);
        if (p->tok.type != QR_T_COMMA && p->tok.type != QR_T_RPAREN && p->tok.type != QR_T_PIPE &&
            p->tok.type != QR_T_NL && p->tok.type != QR_T_EOF) {
            a->kind = QR_RUBY_KWOPTARG;
            a->a = qr__rp_arg(p, block_params ? PREC_BAND : 0, 0);
        }
        break;
    case QR_T_SPLAT: case QR_T_STAR: case QR_T_DSPLAT: case QR_T_POW: case QR_T_BLOCKAMP: case QR_T_AMPER:
        a = qr__rp_node(p, t == QR_T_SPLAT || t == QR_T_STAR ? QR_RUBY_RESTARG
                    : t == QR_T_DSPLAT || t == QR_T_POW ? QR_RUBY_KWRESTARG : QR_RUBY_BLOCKARG);
        qr__rp_advance(p);
        if (p->tok.type == QR_T_IDENT) {
            s = qr__rp_tok_text(p, &n);
            qr__rp_set_str(p, a, s, n);
            declare_param(p, a);
            qr__rp_advance(p);
        } else {
            a->str = "";
        }
        break;
    case QR_T_LPAREN: case QR_T_LPAREN_CALL:
        a = qr__rp_node(p, QR_RUBY_ARG);
        qr__rp_advance(p);
        for (;;) {
            qr__rp_push(p, a, param(p, block_params));
            if (!qr__rp_accept(p, QR_T_COMMA)) break;
        }
        qr__rp_expect(p, QR_T_RPAREN, "`)` closing the destructured parameters");
        break;
    case QR_T_DOT3:
        qr__rp_fail_at(p, p->tok.start, "name the arguments: `def f(*args, **opts, &blk)`",
                "argument forwarding `...` is not supported");
    default:
        qr__rp_unexpected(p, "a parameter name", NULL);
    }
    qr__rp_finish(p, a);
    return a;
}

/* Parameters up to closer (RPAREN, PIPE, or NL for `def f a, b`). */
static qr_ruby_node *params(P *p, qr_ruby_toktype closer, int block_params)
{
    qr_ruby_node *args = qr__rp_node(p, QR_RUBY_ARGS);
    if (closer != QR_T_NL) qr__rp_skip_nl(p);
    while (p->tok.type != closer) {
        qr__rp_push(p, args, param(p, block_params));
        if (closer != QR_T_NL) qr__rp_skip_nl(p);
        if (block_params && p->tok.type == QR_T_NL && p->tok.start < p->lx.len && p->lx.src[p->tok.start] == ';') {
            /* |a; b| block-local variables */
            qr__rp_advance(p);
            while (p->tok.type == QR_T_IDENT) {
                uint32_t n;
                const char *s = qr__rp_tok_text(p, &n);
                qr__rp_declare(p, qr__ruby_strdup(p->ast, s, n), n);
                qr__rp_advance(p);
                if (!qr__rp_accept(p, QR_T_COMMA)) break;
            }
            break;
        }
        if (!qr__rp_accept(p, QR_T_COMMA)) break;
        if (closer != QR_T_NL) qr__rp_skip_nl(p);
    }
    if (p->tok.type != closer) {
        if (closer == QR_T_NL && (p->tok.type == QR_T_EOF || p->tok.type == QR_T_ASSIGN)) return args;
        qr__rp_unexpected(p, closer == QR_T_RPAREN ? "`)` or `,` in the parameter list"
                      : closer == QR_T_PIPE ? "`|` or `,` in the block parameters" : "end of line",
                   NULL);
    }
    qr__rp_finish(p, args);
    return args;
}

/* The body of a block or lambda after its `{` / `do` (and parameters), through its `}` / `end`. */
static qr_ruby_node *block_body(P *p, int brace, uint32_t opened, const char *closer)
{
    qr_ruby_node *body;
    if (brace) {
        body = qr__rp_stmts(p);
        if (p->tok.type != QR_T_RBRACE) qr__rp_unexpected(p, closer, NULL);
        qr__rp_advance(p);
    } else {
        body = qr__rp_bodystmt(p, opened);
        qr__rp_expect_end(p, "do", opened);
    }
    return body;
}

/* A block { |x| ... } or do |x| ... end attached to call (which may be a lambda node). */
qr_ruby_node *qr__rp_block(P *p, qr_ruby_node *call)
{
    (void)call;
    qr_ruby_node *b = qr__rp_node(p, QR_RUBY_BLOCK);
    uint32_t opened = p->tok.start;
    int brace = p->tok.type == QR_T_LBRACE;
    if (brace) b->flags = QR_RUBY_F_BRACE;
    qr__rp_advance(p);
    qr__rp_push_scope(p, 0);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    qr__rp_skip_nl(p);
    if (p->tok.type == QR_T_PIPE) {
        qr__rp_advance(p);
        b->a = params(p, QR_T_PIPE, 1);
        qr__rp_advance(p);
    } else if (p->tok.type == QR_T_OROR) {
        b->a = qr__rp_node(p, QR_RUBY_ARGS);
        qr__rp_advance(p);
    }
    b->b = block_body(p, brace, opened, "`}` closing the block");
    p->no_do = saved_no_do;
    qr__rp_pop_scope(p);
    qr__rp_finish(p, b);
    return b;
}

qr_ruby_node *qr__rp_lambda(P *p)
{
    qr_ruby_node *l = qr__rp_node(p, QR_RUBY_LAMBDA);
    qr__rp_advance(p);
    qr__rp_push_scope(p, 0);
    if (p->tok.type == QR_T_LPAREN_CALL || p->tok.type == QR_T_LPAREN) {
        qr__rp_advance(p);
        l->a = params(p, QR_T_RPAREN, 0);
        qr__rp_advance(p);
    } else if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_SPLAT || p->tok.type == QR_T_BLOCKAMP) {
        l->a = qr__rp_node(p, QR_RUBY_ARGS);
        for (;;) {
            qr__rp_push(p, l->a, param(p, 1));
            if (!qr__rp_accept(p, QR_T_COMMA)) break;
        }
    }
    uint32_t opened = p->tok.start;
    int saved_no_do = p->no_do;
    p->no_do = 0;
    if (p->tok.type != QR_T_LBRACE && p->tok.type != QR_T_DO)
        qr__rp_unexpected(p, "`{` or `do` (the lambda's body)", "write `->(x) { ... }`");
    int brace = p->tok.type == QR_T_LBRACE;
    if (brace) l->flags = QR_RUBY_F_BRACE;
    qr__rp_advance(p);
    l->b = block_body(p, brace, opened, "`}` closing the lambda");
    p->no_do = saved_no_do;
    qr__rp_pop_scope(p);
    qr__rp_finish(p, l);
    return l;
}

/* Statements with optional rescue / else / ensure clauses (def, do-block, begin bodies). */
qr_ruby_node *qr__rp_bodystmt(P *p, uint32_t opened_at)
{
    (void)opened_at;
    qr_ruby_node *body = qr__rp_stmts(p);
    if (p->tok.type != QR_T_RESCUE && p->tok.type != QR_T_ENSURE && p->tok.type != QR_T_ELSE) return body;
    qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, body->line, body->col);
    b->a = body;
    while (p->tok.type == QR_T_RESCUE) {
        qr_ruby_node *r = qr__rp_node(p, QR_RUBY_RESBODY);
        qr__rp_advance(p);
        while (p->tok.type != QR_T_THEN && p->tok.type != QR_T_NL && p->tok.type != QR_T_ASSOC) {
            qr__rp_push(p, r, qr__rp_arg(p, 0, 0));
            if (!qr__rp_accept(p, QR_T_COMMA)) break;
            qr__rp_skip_nl(p);
        }
        if (qr__rp_accept(p, QR_T_ASSOC)) {
            qr_ruby_node *v = qr__rp_primary_postfix(p, 0);
            if (v->kind == QR_RUBY_CALL && (v->flags & QR_RUBY_F_VCALL)) {
                qr__rp_declare(p, v->str, v->len);
                v->kind = QR_RUBY_LVAR;
                v->flags = 0;
            }
            r->a = qr__rp_lvar_target(p, v, 0);
        }
        if (p->tok.type != QR_T_THEN && p->tok.type != QR_T_NL)
            qr__rp_unexpected(p, "`then` or a new line after the rescue clause", NULL);
        qr__rp_accept(p, QR_T_THEN);
        r->b = qr__rp_stmts(p);
        qr__rp_finish(p, r);
        qr__rp_push(p, b, r);
    }
    if (p->tok.type == QR_T_ELSE) {
        if (!b->nkids) qr__rp_fail_at(p, p->tok.start, "use `begin ... rescue ... else ... end`", "`else` without `rescue`");
        qr__rp_advance(p);
        b->b = qr__rp_stmts(p);
    }
    if (qr__rp_accept(p, QR_T_ENSURE)) b->c = qr__rp_stmts(p);
    qr__rp_finish(p, b);
    return b;
}

qr_ruby_node *qr__rp_parse_def(P *p)
{
    qr_ruby_node *d = qr__rp_node(p, QR_RUBY_DEF);
    uint32_t opened = p->tok.start;
    qr__rp_advance(p); /* lexer is in FNAME state */
    uint32_t n;
    const char *s = qr__rp_tok_text(p, &n);
    if (p->tok.type == QR_T_SELF || ((p->tok.type == QR_T_CONST || p->tok.type == QR_T_IDENT) &&
                                     p->tok.end < p->lx.len && p->lx.src[p->tok.end] == '.')) {
        qr_ruby_node *r;
        if (p->tok.type == QR_T_SELF) r = qr__rp_node(p, QR_RUBY_SELF);
        else { r = qr__rp_node(p, p->tok.type == QR_T_CONST ? QR_RUBY_CONST : QR_RUBY_LVAR); qr__rp_set_str(p, r, s, n); }
        qr__rp_advance(p);
        if (p->tok.type != QR_T_DOT) qr__rp_unexpected(p, "`.` (def self.name)", NULL);
        p->lx.state = QR_LEX_FNAME;
        qr__rp_advance(p);
        d->a = r;
        s = qr__rp_tok_text(p, &n);
    }
    if (p->tok.type != QR_T_IDENT && p->tok.type != QR_T_CONST &&
        !(p->tok.type >= QR_T_KW_FIRST && p->tok.type <= QR_T_KW_LAST))
        qr__rp_unexpected(p, "a method name after `def`", NULL);
    qr__rp_set_str(p, d, s, n);
    qr__rp_advance(p);
    qr__rp_push_scope(p, 1);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    if (p->tok.type == QR_T_LPAREN_CALL || p->tok.type == QR_T_LPAREN) {
        qr__rp_advance(p);
        d->b = params(p, QR_T_RPAREN, 0);
        qr__rp_advance(p);
    } else if (p->tok.type != QR_T_NL && p->tok.type != QR_T_ASSIGN) {
        d->b = params(p, QR_T_NL, 0);
    } else {
        d->b = qr__rp_node(p, QR_RUBY_ARGS);
    }
    if (p->tok.type == QR_T_ASSIGN) {
        d->flags |= QR_RUBY_F_ENDLESS;
        qr__rp_advance(p);
        qr__rp_skip_nl(p);
        d->c = qr__rp_seq_of(p, stmt(p));
    } else {
        d->c = qr__rp_bodystmt(p, opened);
        qr__rp_expect_end(p, "def", opened);
    }
    p->no_do = saved_no_do;
    qr__rp_pop_scope(p);
    qr__rp_finish(p, d);
    return d;
}

static qr_ruby_node *cpath(P *p)
{
    qr_ruby_node *c = NULL;
    if (p->tok.type == QR_T_COLON3) {
        qr__rp_advance(p);
        c = qr__rp_node(p, QR_RUBY_CONST);
        c->flags = QR_RUBY_F_TOP;
    }
    if (p->tok.type != QR_T_CONST) qr__rp_unexpected(p, "a constant name (class and module names start with a capital letter)", NULL);
    if (!c) c = qr__rp_node(p, QR_RUBY_CONST);
    uint32_t n;
    const char *s = qr__rp_tok_text(p, &n);
    qr__rp_set_str(p, c, s, n);
    qr__rp_advance(p);
    while (p->tok.type == QR_T_COLON2) {
        qr__rp_advance(p);
        if (p->tok.type != QR_T_CONST) qr__rp_unexpected(p, "a constant name after `::`", NULL);
        qr_ruby_node *k = qr__rp_node(p, QR_RUBY_CONST);
        s = qr__rp_tok_text(p, &n);
        qr__rp_set_str(p, k, s, n);
        k->a = c;
        qr__rp_advance(p);
        c = k;
    }
    return c;
}

qr_ruby_node *qr__rp_parse_class(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *k = qr__rp_node(p, QR_RUBY_CLASS);
    qr__rp_advance(p);
    if (p->tok.type == QR_T_LSHIFT) {
        k->kind = QR_RUBY_SCLASS;
        qr__rp_advance(p);
        k->a = qr__rp_expr_stmt(p);
    } else {
        k->a = cpath(p);
        if (qr__rp_accept(p, QR_T_LT)) k->b = qr__rp_arg(p, PREC_CMP + 1, 0);
    }
    if (p->tok.type != QR_T_NL) qr__rp_unexpected(p, "a new line after the class header", NULL);
    qr__rp_push_scope(p, 1);
    k->c = qr__rp_bodystmt(p, opened);
    qr__rp_pop_scope(p);
    qr__rp_expect_end(p, "class", opened);
    qr__rp_finish(p, k);
    return k;
}

qr_ruby_node *qr__rp_parse_module(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *m = qr__rp_node(p, QR_RUBY_MODULE);
    qr__rp_advance(p);
    m->a = cpath(p);
    qr__rp_push_scope(p, 1);
    m->c = qr__rp_bodystmt(p, opened);
    qr__rp_pop_scope(p);
    qr__rp_expect_end(p, "module", opened);
    qr__rp_finish(p, m);
    return m;
}

/* `then` or a line break after a condition. */
static void then_sep(P *p, const char *what)
{
    if (qr__rp_accept(p, QR_T_THEN)) return;
    if (p->tok.type == QR_T_NL) { qr__rp_skip_nl(p); qr__rp_accept(p, QR_T_THEN); return; }
    char b[64];
    snprintf(b, sizeof b, "`then` or a new line after the %s condition", what);
    qr__rp_unexpected(p, b, NULL);
}

qr_ruby_node *qr__rp_parse_if(P *p, int unless)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *i = qr__rp_node(p, QR_RUBY_IF);
    qr__rp_advance(p);
    i->a = qr__rp_expr_stmt(p);
    then_sep(p, unless ? "unless" : "if");
    qr_ruby_node *body = qr__rp_stmts(p);
    qr_ruby_node *els = NULL;
    if (p->tok.type == QR_T_ELSIF) {
        if (unless) qr__rp_fail_at(p, p->tok.start, "use `if` with `elsif`, or nest another `unless`", "`unless` cannot have `elsif`");
        els = qr__rp_parse_if(p, 0);
        if (unless) i->b = els, i->c = body;
        else i->b = body, i->c = els;
        qr__rp_finish(p, i);
        return i;
    }
    if (qr__rp_accept(p, QR_T_ELSE)) els = qr__rp_stmts(p);
    if (unless) { i->b = els; i->c = body; }
    else { i->b = body; i->c = els; }
    qr__rp_expect_end(p, unless ? "unless" : "if", opened);
    qr__rp_finish(p, i);
    return i;
}

qr_ruby_node *qr__rp_parse_while(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *w = qr__rp_node(p, p->tok.type == QR_T_WHILE ? QR_RUBY_WHILE : QR_RUBY_UNTIL);
    qr__rp_advance(p);
    p->no_do++;
    w->a = qr__rp_expr_stmt(p);
    p->no_do--;
    if (!qr__rp_accept(p, QR_T_DO)) {
        if (p->tok.type != QR_T_NL) qr__rp_unexpected(p, "`do` or a new line after the loop condition", NULL);
    }
    w->b = qr__rp_stmts(p);
    qr__rp_expect_end(p, w->kind == QR_RUBY_WHILE ? "while" : "until", opened);
    qr__rp_finish(p, w);
    return w;
}

qr_ruby_node *qr__rp_parse_for(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *f = qr__rp_node(p, QR_RUBY_FOR);
    qr__rp_advance(p);
    qr_ruby_node *first = qr__rp_primary_postfix(p, 0);
    if (p->tok.type == QR_T_COMMA) {
        qr_ruby_node *m = qr__ruby_node(p->ast, QR_RUBY_MASGN, first->line, first->col);
        qr__rp_push(p, m, qr__rp_lvar_target(p, first, 0));
        while (qr__rp_accept(p, QR_T_COMMA)) qr__rp_push(p, m, qr__rp_lvar_target(p, qr__rp_primary_postfix(p, 0), 0));
        f->a = m;
    } else {
        f->a = qr__rp_lvar_target(p, first, 0);
    }
    qr__rp_expect(p, QR_T_IN, "`in` (for x in list)");
    p->no_do++;
    f->b = qr__rp_expr_stmt(p);
    p->no_do--;
    if (!qr__rp_accept(p, QR_T_DO) && p->tok.type != QR_T_NL) qr__rp_unexpected(p, "`do` or a new line", NULL);
    f->c = qr__rp_stmts(p);
    qr__rp_expect_end(p, "for", opened);
    qr__rp_finish(p, f);
    return f;
}

qr_ruby_node *qr__rp_parse_case(P *p)
{
    uint32_t opened = p->tok.start;
    qr_ruby_node *c = qr__rp_node(p, QR_RUBY_CASE);
    qr__rp_advance(p);
    if (p->tok.type != QR_T_NL && p->tok.type != QR_T_WHEN) c->a = qr__rp_expr_stmt(p);
    qr__rp_skip_nl(p);
    if (p->tok.type == QR_T_IN)
        qr__rp_fail_at(p, p->tok.start, "use `case x when ... then ... end`",
                "pattern matching (`case ... in`) is not supported");
    if (p->tok.type != QR_T_WHEN) qr__rp_unexpected(p, "`when`", NULL);
    while (p->tok.type == QR_T_WHEN) {
        qr_ruby_node *w = qr__rp_node(p, QR_RUBY_WHEN);
        qr__rp_advance(p);
        for (;;) {
            qr__rp_push(p, w, qr__rp_arg(p, 0, 0));
            if (!qr__rp_accept(p, QR_T_COMMA)) break;
            qr__rp_skip_nl(p);
        }
        then_sep(p, "when");
        w->a = qr__rp_stmts(p);
        qr__rp_finish(p, w);
        qr__rp_push(p, c, w);
    }
    if (qr__rp_accept(p, QR_T_ELSE)) c->b = qr__rp_stmts(p);
    qr__rp_expect_end(p, "case", opened);
    qr__rp_finish(p, c);
    return c;
}

/* return / break / next with an optional value (several values make an ARRAY). */
qr_ruby_node *qr__rp_jump(P *p, qr_ruby_kind k)
{
    qr_ruby_node *j = qr__rp_node(p, k);
    qr__rp_advance(p);
    if (qr__rp_starts_value(p->tok.type) && p->tok.type != QR_T_IF && p->tok.type != QR_T_UNLESS &&
        p->tok.type != QR_T_WHILE && p->tok.type != QR_T_UNTIL && !(p->tok.type == QR_T_LBRACE)) {
        qr_ruby_node *tmp = qr__ruby_node(p->ast, QR_RUBY_ARRAY, j->line, j->col);
        qr__rp_call_args(p, tmp, QR_T_EOF);
        if (tmp->nkids == 1 && tmp->kids[0]->kind != QR_RUBY_SPLAT) j->a = tmp->kids[0];
        else { qr__rp_finish(p, tmp); j->a = tmp; }
    }
    qr__rp_finish(p, j);
    return j;
}
