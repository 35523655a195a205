/* ruby/parser_expr.c — the Ruby parser's expressions: the Pratt loop over binary operators,
 * unary operators, assignment and op-assignment targets, call arguments (with and without
 * parentheses, trailing `key: v` pairs, `&blk`), method calls and their postfix chains, and the
 * primary expressions (the dispatch on the current token, local variables vs method calls).
 * Calls the parser core (ruby/parser.c), statements (parser_stmt.c) and literals (parser_lit.c)
 * through ruby/parser_priv.h; pure computation, runs where the parser runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "ruby/parser_priv.h"

/* ---- operators ---- */

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
    if (argn) qr__rp_push(p, c, argn);
    qr__rp_finish(p, c);
    return c;
}

/* Converts an expression written on the left of `=` into its assignment node (value unset). */
qr_ruby_node *qr__rp_lvar_target(P *p, qr_ruby_node *n, int op_asgn)
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
        if (n->a) n->a = qr__rp_lvar_target(p, n->a, 0);
        return n;
    case QR_RUBY_CALL:
        if ((n->flags & QR_RUBY_F_VCALL) && !n->a) {
            qr__rp_declare(p, n->str, n->len);
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
    qr__rp_fail_at(p, pos, "assign to a variable, an attribute (`obj.name = v`) or an element (`h[:k] = v`)",
            "cannot assign to this expression");
}

/* The right side of `=`: a command call is allowed, and `x = y rescue z` rescues y. */
static qr_ruby_node *asgn_rhs(P *p, int cmd)
{
    qr__rp_skip_nl(p);
    qr_ruby_node *v = qr__rp_arg(p, 0, cmd);
    if (cmd && p->tok.type == QR_T_RESCUE) {
        qr_ruby_node *r = qr__rp_node(p, QR_RUBY_RESBODY);
        qr__rp_advance(p);
        r->b = qr__rp_seq_of(p, qr__rp_arg(p, 0, 1));
        qr__rp_finish(p, r);
        qr_ruby_node *b = qr__ruby_node(p->ast, QR_RUBY_BEGIN, v->line, v->col);
        b->flags = QR_RUBY_F_MODIFIER;
        b->a = qr__rp_seq_of(p, v);
        qr__rp_push(p, b, r);
        qr__rp_finish(p, b);
        v = b;
    }
    return v;
}

static qr_ruby_node *assignment(P *p, qr_ruby_node *target, int cmd)
{
    if (p->tok.type == QR_T_ASSIGN) {
        qr__rp_advance(p);
        qr_ruby_node *t = qr__rp_lvar_target(p, target, 0);
        qr_ruby_node *v = asgn_rhs(p, cmd);
        if (t->kind == QR_RUBY_CALL) qr__rp_push(p, t, v);   /* obj.x = v, h[k] = v */
        else if (t->kind == QR_RUBY_CASGN) t->b = v;
        else t->a = v;
        qr__rp_finish(p, t);
        return t;
    }
    /* op-assign: `||=`, `+=` ... */
    uint32_t n = p->tok.end - p->tok.start;
    qr_ruby_node *o = qr__ruby_node(p->ast, QR_RUBY_OP_ASGN, target->line, target->col);
    o->str = qr__ruby_strdup(p->ast, p->lx.src + p->tok.start, n - 1);
    o->len = n - 1;
    qr__rp_advance(p);
    o->a = qr__rp_lvar_target(p, target, 1);
    o->b = asgn_rhs(p, cmd);
    qr__rp_finish(p, o);
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
        n = qr__rp_node(p, QR_RUBY_NOT);
        qr__rp_advance(p);
        n->a = qr__rp_arg(p, PREC_NOT, 0);
        qr__rp_finish(p, n);
        return n;
    case QR_T_NOT:
        n = qr__rp_node(p, QR_RUBY_NOT);
        qr__rp_advance(p);
        n->a = qr__rp_arg(p, PREC_NOT, 0);
        qr__rp_finish(p, n);
        return n;
    case QR_T_TILDE: case QR_T_UPLUS: {
        qr__rp_advance(p);
        qr_ruby_node *v = qr__rp_arg(p, PREC_NOT, 0);
        n = op_call(p, v, t == QR_T_TILDE ? "~" : "+@", NULL);
        n->line = v->line; (void)pos;
        return n;
    }
    case QR_T_UMINUS: {
        qr__rp_advance(p);
        qr_ruby_node *v = qr__rp_arg(p, PREC_UMINUS, 0);
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
        n = qr__rp_node(p, t == QR_T_SPLAT || t == QR_T_STAR ? QR_RUBY_SPLAT : QR_RUBY_DSPLAT);
        qr__rp_advance(p);
        n->a = qr__rp_arg(p, PREC_RANGE, 0);
        qr__rp_finish(p, n);
        return n;
    case QR_T_BLOCKAMP: case QR_T_AMPER:
        n = qr__rp_node(p, QR_RUBY_BLOCK_PASS);
        qr__rp_advance(p);
        if (p->tok.type != QR_T_RPAREN && p->tok.type != QR_T_COMMA && p->tok.type != QR_T_NL &&
            p->tok.type != QR_T_RBRACK && p->tok.type != QR_T_EOF)
            n->a = qr__rp_arg(p, PREC_RANGE, 0);
        qr__rp_finish(p, n);
        return n;
    case QR_T_DOT2: case QR_T_DOT3:
        n = qr__rp_node(p, QR_RUBY_RANGE);
        if (t == QR_T_DOT3) n->flags = QR_RUBY_F_EXCL;
        qr__rp_advance(p);
        n->b = qr__rp_arg(p, PREC_RANGE + 1, 0);
        qr__rp_finish(p, n);
        return n;
    default: {
        qr_ruby_node *v = qr__rp_primary_postfix(p, cmd);
        if ((p->tok.type == QR_T_ASSIGN || p->tok.type == QR_T_OP_ASGN) && assignable(v))
            return assignment(p, v, cmd);
        return v;
    }
    }
}

/* Pratt loop over binary operators binding tighter than min (0: any). cmd allows a command
 * call (`render :new, status: :x`) as the leftmost operand. */
qr_ruby_node *qr__rp_arg(P *p, int min, int cmd)
{
    qr__rp_enter(p);
    int saved_depth = p->depth;
    qr_ruby_node *left = unary(p, cmd);
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        int prec = binprec(t);
        if (!prec || prec < min) break;
        qr__rp_enter(p); /* each operator deepens the tree: `1+1+1...` is bounded like nesting */
        if (left->kind == QR_RUBY_LASGN || left->kind == QR_RUBY_IASGN || left->kind == QR_RUBY_OP_ASGN ||
            left->kind == QR_RUBY_GVASGN || left->kind == QR_RUBY_CVASGN || left->kind == QR_RUBY_CASGN ||
            (left->kind == QR_RUBY_CALL && (left->flags & QR_RUBY_F_ATTR_ASGN)))
            break; /* `x = a ? b : c` already took the operator in its value */
        if (t == QR_T_QMARK) {
            qr__rp_advance(p);
            qr__rp_skip_nl(p);
            qr_ruby_node *i = qr__ruby_node(p->ast, QR_RUBY_IF, left->line, left->col);
            i->flags = QR_RUBY_F_TERNARY;
            i->a = left;
            i->b = qr__rp_arg(p, PREC_TERN, 0);
            qr__rp_skip_nl(p);
            if (p->tok.type == QR_T_LABEL) {
                /* `a ? b: c` lexed `b:` as a label: not supported by this lexer */
                qr__rp_unexpected(p, "`:` of the ternary", "put spaces around the `:` of `a ? b : c`");
            }
            if (p->tok.type != QR_T_COLON)
                qr__rp_unexpected(p, "`:` (the ternary `a ? b : c`)", "put spaces around `?` and `:`");
            qr__rp_advance(p);
            qr__rp_skip_nl(p);
            i->c = qr__rp_arg(p, PREC_TERN, 0);
            qr__rp_finish(p, i);
            left = i;
            continue;
        }
        if (t == QR_T_DOT2 || t == QR_T_DOT3) {
            qr_ruby_node *r = qr__ruby_node(p->ast, QR_RUBY_RANGE, left->line, left->col);
            if (t == QR_T_DOT3) r->flags = QR_RUBY_F_EXCL;
            qr__rp_advance(p);
            r->a = left;
            if (qr__rp_starts_value(p->tok.type) && p->tok.type != QR_T_LBRACE) r->b = qr__rp_arg(p, PREC_RANGE + 1, 0);
            qr__rp_finish(p, r);
            left = r;
            continue;
        }
        qr__rp_advance(p);
        qr__rp_skip_nl(p);
        int next_min = prec == PREC_POW ? prec : prec + 1;
        qr_ruby_node *right = qr__rp_arg(p, next_min, 0);
        if (t == QR_T_ANDAND || t == QR_T_OROR) {
            qr_ruby_node *n = qr__ruby_node(p->ast, t == QR_T_ANDAND ? QR_RUBY_AND : QR_RUBY_OR, left->line, left->col);
            n->a = left;
            n->b = right;
            qr__rp_finish(p, n);
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
        int local = qr__rp_is_local(p, key->str, key->len);
        qr_ruby_node *v = qr__ruby_node(p->ast, local ? QR_RUBY_LVAR : QR_RUBY_CALL, key->line, key->col);
        v->str = key->str;
        v->len = key->len;
        if (!local) v->flags = QR_RUBY_F_VCALL;
        return v;
    }
    return qr__rp_arg(p, 0, 0);
}

/* One hash entry at the current token: `key: v`, `"key": v`, `k => v` (a PAIR) or `**h` (a
 * DSPLAT). With positional set (call arguments), a value not followed by `=>` / `:` is
 * returned as it is: the caller's positional argument. nl: newlines may separate the parts. */
qr_ruby_node *qr__rp_hash_entry(P *p, qr_ruby_toktype closer, int nl, int positional)
{
    if (p->tok.type == QR_T_DSPLAT || p->tok.type == QR_T_POW) return unary(p, 0);
    qr_ruby_node *pair = qr__rp_node(p, QR_RUBY_PAIR);
    if (p->tok.type == QR_T_LABEL) {
        uint32_t n;
        const char *s = qr__rp_tok_text(p, &n);
        qr_ruby_node *key = qr__rp_node(p, QR_RUBY_SYM);
        qr__rp_set_str(p, key, s, n);
        qr__rp_advance(p);
        if (nl) qr__rp_skip_nl(p);
        pair->flags = QR_RUBY_F_LABEL;
        pair->a = key;
        pair->b = label_value(p, key, closer, !nl);
        qr__rp_finish(p, pair);
        return pair;
    }
    qr_ruby_node *k = qr__rp_arg(p, 0, positional);
    if (nl) qr__rp_skip_nl(p);
    int label = p->tok.type == QR_T_COLON && !p->tok.space_before && (k->kind == QR_RUBY_STR || k->kind == QR_RUBY_DSTR);
    if (!label && p->tok.type != QR_T_ASSOC) {
        if (positional) return k;
        qr__rp_unexpected(p, "`=>` or `key:` in the hash", "write `{ key: value }` or `{ \"key\" => value }`");
    }
    if (label) { /* "key": value */
        k->kind = k->kind == QR_RUBY_STR ? QR_RUBY_SYM : QR_RUBY_DSYM;
        pair->flags = QR_RUBY_F_LABEL;
    }
    qr__rp_advance(p);
    qr__rp_skip_nl(p);
    pair->line = k->line;
    pair->col = k->col;
    pair->a = k;
    pair->b = qr__rp_arg(p, 0, 0);
    qr__rp_finish(p, pair);
    return pair;
}

void qr__rp_call_args(P *p, qr_ruby_node *call, qr_ruby_toktype closer)
{
    int parens = closer != QR_T_EOF;
    qr_ruby_node *hash = NULL;
    int saved_no_do = p->no_do;
    if (parens) p->no_do = 0;
    else p->no_do++;
    for (;;) {
        if (parens) qr__rp_skip_nl(p);
        if (parens && p->tok.type == closer) break;
        if (p->tok.type == QR_T_BLOCKAMP || p->tok.type == QR_T_AMPER) {
            qr__rp_push(p, call, unary(p, 0));
            if (parens) qr__rp_skip_nl(p);
            break;
        }
        qr_ruby_node *e = qr__rp_hash_entry(p, closer, parens, 1);
        if (e->kind == QR_RUBY_PAIR || e->kind == QR_RUBY_DSPLAT) {
            if (!hash) {
                hash = qr__ruby_node(p->ast, QR_RUBY_HASH, e->line, e->col);
                qr__rp_push(p, call, hash);
            }
            qr__rp_push(p, hash, e);
        } else {
            if (hash)
                qr__rp_fail_at(p, p->prev_end, "put positional arguments before the `key: value` ones",
                        "a positional argument after keyword arguments");
            qr__rp_push(p, call, e);
        }
        if (parens) qr__rp_skip_nl(p);
        if (p->tok.type != QR_T_COMMA) break;
        qr__rp_advance(p);
        qr__rp_skip_nl(p);
    }
    if (hash) qr__rp_finish(p, hash);
    p->no_do = saved_no_do;
    if (parens) {
        if (p->tok.type != closer)
            qr__rp_unexpected(p, closer == QR_T_RPAREN ? "`)` or `,`" : "`]` or `,`", NULL);
        qr__rp_advance(p);
    }
}

/* Parses the rest of a method call whose name was just consumed: (args), command args, a block. */
static qr_ruby_node *call_rest(P *p, qr_ruby_node *c, int cmd)
{
    int command = 0;
    if (p->tok.type == QR_T_LPAREN_CALL) {
        qr__rp_advance(p);
        c->flags |= QR_RUBY_F_PARENS;
        qr__rp_call_args(p, c, QR_T_RPAREN);
    } else if (cmd && qr__rp_starts_command_arg(p)) {
        qr__rp_call_args(p, c, QR_T_EOF);
        command = 1;
    }
    if (!command && p->tok.type == QR_T_LBRACE) c->b = qr__rp_block(p, c);
    else if (p->tok.type == QR_T_DO && p->no_do == 0) c->b = qr__rp_block(p, c);
    if (!(c->flags & QR_RUBY_F_PARENS) && !command && !c->b && !c->a && c->nkids == 0) c->flags |= QR_RUBY_F_VCALL;
    qr__rp_finish(p, c);
    return c;
}

static qr_ruby_node *method_call(P *p, qr_ruby_node *recv, int cmd, int safe)
{
    qr_ruby_node *c = qr__rp_node(p, QR_RUBY_CALL);
    if (recv) { c->line = recv->line; c->col = recv->col; }
    c->a = recv;
    if (safe) c->flags |= QR_RUBY_F_SAFE_NAV;
    uint32_t n;
    const char *s = qr__rp_tok_text(p, &n);
    if (p->tok.type == QR_T_LPAREN_CALL) {
        c->str = "call";  /* f.(x) */
        c->len = 4;
    } else if (p->tok.type == QR_T_IDENT || p->tok.type == QR_T_CONST) {
        qr__rp_set_str(p, c, s, n);
        qr__rp_advance(p);
    } else if (p->tok.type >= QR_T_KW_FIRST && p->tok.type <= QR_T_KW_LAST) {
        qr__rp_set_str(p, c, s, n);
        qr__rp_advance(p);
    } else {
        qr__rp_unexpected(p, "a method name after `.`", NULL);
    }
    return call_rest(p, c, cmd);
}

static qr_ruby_node *primary(P *p, int cmd);

qr_ruby_node *qr__rp_primary_postfix(P *p, int cmd)
{
    qr__rp_enter(p);
    int saved_depth = p->depth;
    qr_ruby_node *n = primary(p, cmd);
    for (;;) {
        qr_ruby_toktype t = p->tok.type;
        if (t == QR_T_DOT || t == QR_T_ANDDOT || t == QR_T_COLON2 || t == QR_T_LBRACK_IDX) qr__rp_enter(p);
        if (t == QR_T_DOT || t == QR_T_ANDDOT) {
            qr__rp_advance(p);
            qr__rp_skip_nl(p);
            n = method_call(p, n, cmd, t == QR_T_ANDDOT);
            if (n->nkids && !(n->flags & QR_RUBY_F_PARENS) && !n->b) break; /* command call ends here */
        } else if (t == QR_T_COLON2) {
            qr__rp_advance(p);
            if (p->tok.type == QR_T_CONST) {
                uint32_t len;
                const char *s = qr__rp_tok_text(p, &len);
                qr_ruby_node *c = qr__rp_node(p, QR_RUBY_CONST);
                c->line = n->line;
                c->col = n->col;
                qr__rp_set_str(p, c, s, len);
                c->a = n;
                qr__rp_advance(p);
                if (p->tok.type == QR_T_LPAREN_CALL) {
                    c->kind = QR_RUBY_CALL;
                    n = call_rest(p, c, cmd);
                } else {
                    qr__rp_finish(p, c);
                    n = c;
                }
            } else {
                n = method_call(p, n, cmd, 0);
                if (n->nkids && !(n->flags & QR_RUBY_F_PARENS) && !n->b) break;
            }
        } else if (t == QR_T_LBRACK_IDX) {
            qr__rp_advance(p);
            qr_ruby_node *c = qr__ruby_node(p->ast, QR_RUBY_CALL, n->line, n->col);
            c->a = n;
            c->str = "[]";
            c->len = 2;
            c->flags = QR_RUBY_F_OP;
            qr__rp_call_args(p, c, QR_T_RBRACK);
            qr__rp_finish(p, c);
            n = c;
        } else {
            break;
        }
    }
    p->depth = saved_depth - 1;
    return n;
}


static qr_ruby_node *ident_call(P *p, int cmd)
{
    uint32_t n;
    const char *s = qr__rp_tok_text(p, &n);
    qr_ruby_node *c = qr__rp_node(p, QR_RUBY_CALL);
    qr__rp_set_str(p, c, s, n);
    qr__rp_advance(p);
    return call_rest(p, c, cmd);
}

static qr_ruby_node *primary(P *p, int cmd)
{
    qr_ruby_node *n;
    uint32_t len;
    const char *s = qr__rp_tok_text(p, &len);
    switch (p->tok.type) {
    case QR_T_INT: case QR_T_FLOAT: {
        n = qr__rp_node(p, p->tok.type == QR_T_INT ? QR_RUBY_INT : QR_RUBY_FLOAT);
        char *v = qr__ruby_alloc(p->ast, len + 1);
        size_t k = 0;
        for (uint32_t i = 0; i < len; i++) if (s[i] != '_') v[k++] = s[i];
        v[k] = 0;
        n->str = v;
        n->len = k;
        qr__rp_advance(p);
        return n;
    }
    case QR_T_STR_BEG: {
        n = qr__rp_parse_string(p);
        /* "a" "b": adjacent literals concatenate */
        while (p->tok.type == QR_T_STR_BEG && (p->tok.str.kind == QR_STR_DQ || p->tok.str.kind == QR_STR_SQ) &&
               (n->kind == QR_RUBY_STR || n->kind == QR_RUBY_DSTR) && !(n->flags & QR_RUBY_F_HEREDOC)) {
            qr_ruby_node *m = qr__rp_parse_string(p);
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
                qr__rp_push(p, d, n);
            }
            if (m->kind == QR_RUBY_STR) qr__rp_push(p, d, m);
            else for (uint32_t i = 0; i < m->nkids; i++) qr__rp_push(p, d, m->kids[i]);
            qr__rp_finish(p, d);
            n = d;
        }
        return n;
    }
    case QR_T_WORDS_BEG:
        return qr__rp_parse_words(p);
    case QR_T_CHAR:
        return qr__rp_parse_char(p);
    case QR_T_SYMBOL:
        n = qr__rp_node(p, QR_RUBY_SYM);
        qr__rp_set_str(p, n, s + 1, len - 1);
        qr__rp_advance(p);
        return n;
    case QR_T_LABEL:
        qr__rp_unexpected(p, "an expression", "`key: value` pairs go inside a hash `{ }` or at the end of a method call's arguments");
    case QR_T_IVAR: case QR_T_CVAR: case QR_T_GVAR:
        n = qr__rp_node(p, p->tok.type == QR_T_IVAR ? QR_RUBY_IVAR : p->tok.type == QR_T_CVAR ? QR_RUBY_CVAR : QR_RUBY_GVAR);
        qr__rp_set_str(p, n, s, len);
        qr__rp_advance(p);
        return n;
    case QR_T_CONST:
        n = qr__rp_node(p, QR_RUBY_CONST);
        qr__rp_set_str(p, n, s, len);
        qr__rp_advance(p);
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
        qr__rp_advance(p);
        if (p->tok.type != QR_T_CONST) qr__rp_unexpected(p, "a constant name after `::`", NULL);
        n = qr__rp_node(p, QR_RUBY_CONST);
        s = qr__rp_tok_text(p, &len);
        qr__rp_set_str(p, n, s, len);
        n->flags = QR_RUBY_F_TOP;
        qr__rp_advance(p);
        return n;
    case QR_T_IDENT:
        if (qr__rp_is_local(p, s, len) && p->tok.type == QR_T_IDENT) {
            /* peek: a local followed directly by `(` is a method call */
            qr_ruby_lexer save = p->lx;
            qr_ruby_tok t;
            qr__ruby_lex_next(&p->lx, &t);
            p->lx = save;
            if (t.type != QR_T_LPAREN_CALL) {
                n = qr__rp_node(p, QR_RUBY_LVAR);
                qr__rp_set_str(p, n, s, len);
                qr__rp_advance(p);
                return n;
            }
        }
        return ident_call(p, cmd);
    case QR_T_NIL: n = qr__rp_node(p, QR_RUBY_NIL); qr__rp_advance(p); return n;
    case QR_T_TRUE: n = qr__rp_node(p, QR_RUBY_TRUE); qr__rp_advance(p); return n;
    case QR_T_FALSE: n = qr__rp_node(p, QR_RUBY_FALSE); qr__rp_advance(p); return n;
    case QR_T_SELF: n = qr__rp_node(p, QR_RUBY_SELF); qr__rp_advance(p); return n;
    case QR_T_KW__LINE__: {
        n = qr__rp_node(p, QR_RUBY_INT);
        char buf[16];
        snprintf(buf, sizeof buf, "%u", n->line);
        qr__rp_set_str(p, n, buf, strlen(buf));
        qr__rp_advance(p);
        return n;
    }
    case QR_T_KW__FILE__:
        qr__rp_fail_at(p, p->tok.start, "use Rails.root.join(\"...\") or a path relative to the app",
                "`__FILE__` is not supported");
    case QR_T_LPAREN: case QR_T_LPAREN_CALL: {
        uint32_t open = p->tok.start;
        qr__rp_advance(p);
        int saved_no_do = p->no_do;
        p->no_do = 0;
        qr_ruby_node *body = qr__rp_stmts(p);
        p->no_do = saved_no_do;
        if (p->tok.type != QR_T_RPAREN) qr__rp_unexpected(p, "`)`", NULL);
        qr__rp_advance(p);
        if (body->nkids == 0) { n = qr__rp_node_at(p, QR_RUBY_NIL, open); return n; }
        if (body->nkids == 1) return body->kids[0];
        qr__ruby_lex_pos(&p->lx, open, &body->line, &body->col);
        qr__rp_finish(p, body);
        return body;
    }
    case QR_T_LBRACK:
        return qr__rp_parse_array(p);
    case QR_T_LBRACE:
        return qr__rp_parse_hash(p);
    case QR_T_LAMBDA:
        return qr__rp_lambda(p);
    case QR_T_DEF:
        return qr__rp_parse_def(p);
    case QR_T_CLASS:
        return qr__rp_parse_class(p);
    case QR_T_MODULE:
        return qr__rp_parse_module(p);
    case QR_T_IF: return qr__rp_parse_if(p, 0);
    case QR_T_UNLESS: return qr__rp_parse_if(p, 1);
    case QR_T_WHILE: case QR_T_UNTIL: return qr__rp_parse_while(p);
    case QR_T_FOR: return qr__rp_parse_for(p);
    case QR_T_CASE: return qr__rp_parse_case(p);
    case QR_T_BEGIN: {
        uint32_t opened = p->tok.start;
        n = qr__rp_node(p, QR_RUBY_BEGIN);
        qr__rp_advance(p);
        qr_ruby_node *body = qr__rp_bodystmt(p, opened);
        qr__rp_expect_end(p, "begin", opened);
        if (body->kind == QR_RUBY_BEGIN) {
            body->line = n->line;
            body->col = n->col;
            n = body;
        } else {
            n->a = body;
        }
        n->flags |= QR_RUBY_F_KWBEGIN;
        qr__rp_finish(p, n);
        return n;
    }
    case QR_T_RETURN: return qr__rp_jump(p, QR_RUBY_RETURN);
    case QR_T_BREAK: return qr__rp_jump(p, QR_RUBY_BREAK);
    case QR_T_NEXT: return qr__rp_jump(p, QR_RUBY_NEXT);
    case QR_T_REDO: n = qr__rp_node(p, QR_RUBY_REDO); qr__rp_advance(p); return n;
    case QR_T_RETRY: n = qr__rp_node(p, QR_RUBY_RETRY); qr__rp_advance(p); return n;
    case QR_T_YIELD:
        n = qr__rp_node(p, QR_RUBY_YIELD);
        qr__rp_advance(p);
        if (p->tok.type == QR_T_LPAREN_CALL) { qr__rp_advance(p); qr__rp_call_args(p, n, QR_T_RPAREN); }
        else if (qr__rp_starts_command_arg(p)) qr__rp_call_args(p, n, QR_T_EOF);
        qr__rp_finish(p, n);
        return n;
    case QR_T_SUPER: {
        n = qr__rp_node(p, QR_RUBY_SUPER);
        qr__rp_advance(p);
        int command = 0;
        if (p->tok.type == QR_T_LPAREN_CALL) { qr__rp_advance(p); n->flags |= QR_RUBY_F_PARENS; qr__rp_call_args(p, n, QR_T_RPAREN); }
        else if (cmd && qr__rp_starts_command_arg(p)) { qr__rp_call_args(p, n, QR_T_EOF); command = 1; }
        else n->flags |= QR_RUBY_F_ZSUPER;
        if (!command && p->tok.type == QR_T_LBRACE) n->b = qr__rp_block(p, n);
        else if (p->tok.type == QR_T_DO && p->no_do == 0) n->b = qr__rp_block(p, n);
        qr__rp_finish(p, n);
        return n;
    }
    case QR_T_DEFINED: {
        n = qr__rp_node(p, QR_RUBY_DEFINED);
        qr__rp_advance(p);
        if (p->tok.type == QR_T_LPAREN_CALL) {
            qr__rp_advance(p);
            qr__rp_skip_nl(p);
            n->a = qr__rp_expr_stmt(p);
            qr__rp_skip_nl(p);
            qr__rp_expect(p, QR_T_RPAREN, "`)`");
        } else {
            n->a = qr__rp_arg(p, PREC_NOT, 0);
        }
        qr__rp_finish(p, n);
        return n;
    }
    case QR_T_NOT: case QR_T_BANG: case QR_T_UMINUS: case QR_T_SPLAT: case QR_T_DSPLAT:
    case QR_T_BLOCKAMP: case QR_T_TILDE: case QR_T_UPLUS:
        return unary(p, 0);
    case QR_T_DOT2: case QR_T_DOT3:
        return unary(p, 0);
    case QR_T_END:
        if (p->prev_type == QR_T_COMMA)
            qr__rp_unexpected(p, "an expression", "the line before ends with `,`: add the missing argument, or remove the comma");
        if (binprec(p->prev_type) || p->prev_type == QR_T_ASSIGN || p->prev_type == QR_T_OP_ASGN)
            qr__rp_unexpected(p, "an expression", "the expression before it is not finished");
        qr__rp_unexpected(p, "an expression", "this `end` has nothing to close: remove it, or check the `if`/`do`/`def` above");
    case QR_T_RBRACE: case QR_T_RPAREN: case QR_T_RBRACK:
        qr__rp_unexpected(p, "an expression", "check the brackets above: this one closes nothing");
    case QR_T_ELSE: case QR_T_ELSIF: case QR_T_WHEN: case QR_T_RESCUE: case QR_T_ENSURE:
        qr__rp_unexpected(p, "an expression", "is a statement before it missing its `if`/`case`/`begin`?");
    case QR_T_IN:
        qr__rp_fail_at(p, p->tok.start, "use `case x when ... then ... end`", "pattern matching (`in`) is not supported");
    default:
        qr__rp_unexpected(p, "an expression", NULL);
    }
}
