/* ruby/codegen_expr.c — the code generator's expressions (docs/ruby.md "Statements and
 * expressions"): literals, strings with interpolation, hashes (framework option keys
 * camelized), regexps, instance variables and self per context, assignments and op-assignments
 * (`||=`), truthiness tests inlined, blocks and lambdas as arrows (as functions for class-body
 * DSL blocks) with their parameters. Calls the core (codegen.c), calls (codegen_call.c) and
 * statements (codegen_stmt.c) through ruby/codegen_priv.h; pure computation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen_priv.h"

/* ======================================================================================== */
/* expressions                                                                              */


int qr__rg_is_literal(const node *n)
{
    if (!n) return 0;
    switch (n->kind) {
    case N(NIL): case N(TRUE): case N(FALSE): case N(INT): case N(FLOAT): case N(STR): case N(SYM):
    case N(DSTR):
        return 1;
    default:
        return 0;
    }
}

int qr__rg_name_is(const node *n, const char *name) { return n && n->str && strcmp(n->str, name) == 0; }

static int is_simple(const node *n)
{
    return n && (n->kind == N(LVAR) || n->kind == N(IVAR) || n->kind == N(SELF) || qr__rg_is_literal(n));
}

static const char *const BOOL_METHODS[] = {"save", "update", "==", "!=", "<", ">", "<=", ">=", "!",
                                          "block_given?", "eql?", "equal?", "===", "=~", "!~"};

static int is_bool(const node *n)
{
    if (!n) return 0;
    switch (n->kind) {
    case N(TRUE): case N(FALSE): case N(NOT): case N(DEFINED):
        return 1;
    case N(AND): case N(OR):
        return is_bool(n->a) && is_bool(n->b);
    case N(CALL): {
        if (!n->str) return 0;
        size_t l = strlen(n->str);
        if (l > 1 && n->str[l - 1] == '?') return 1;
        for (size_t i = 0; i < QR_ARRAY_LEN(BOOL_METHODS); i++)
            if (strcmp(n->str, BOOL_METHODS[i]) == 0) return strcmp(n->str, "=~") != 0;
        return 0;
    }
    default:
        return 0;
    }
}


/* An ivar named like one of the class's methods (`def article; @article ||= ...`) is read as the
 * object's own property, so the method on the prototype never stands in for it. */
int qr__rg_ivar_shadowed(gen *g, const char *s)
{
    if (g->self_mode == SELF_VIEW) return 0;
    char b[160];
    for (int i = 0; i < g->ndefs; i++) {
        qr_ruby_js_method_name(g->defs[i], b, sizeof b);
        if (!strcmp(b, s)) return 1;
    }
    for (int i = 0; i < g->nattrs; i++) {
        qr_ruby_js_method_name(g->attrs[i], b, sizeof b);
        if (!strcmp(b, s)) return 1;
    }
    return 0;
}

int qr__rg_class_has_attr(gen *g, const char *name)
{
    for (int i = 0; i < g->nattrs; i++)
        if (!strcmp(g->attrs[i], name)) return 1;
    return 0;
}

/* @x is this.x, except where it would meet a method: class-level ivars (never the class's
 * static methods) and ivars named like one of the class's methods (`def article; @article ||=
 * ...`) live in this.$x (a controller's assigns strip the `$`). */
static void emit_ivar(gen *g, const char *name)
{
    const char *s = name && name[0] == '@' ? name + 1 : name;
    if (g->self_mode == SELF_VIEW) qr__rg_outf(g, "__a.%s", s);
    else if (g->static_def || qr__rg_ivar_shadowed(g, s)) qr__rg_outf(g, "this.$%s", s);
    else qr__rg_outf(g, "this.%s", s);
}

static void emit_ivar_lhs(gen *g, const char *name) { emit_ivar(g, name); }

void qr__rg_emit_self(gen *g)
{
    switch (g->self_mode) {
    case SELF_ROUTES: qr__rg_out(g, "r"); break;
    case SELF_VIEW: qr__rg_out(g, "__c"); break;
    case SELF_HELPER: qr__rg_out(g, "$h"); g->need_h = 1; break;
    default: qr__rg_out(g, "this"); break;
    }
}

static void emit_dstr_parts(gen *g, const node *n)
{
    qr__rg_out(g, "`");
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *p = n->kids[i];
        if (p->kind == N(STR)) qr__rg_out_tpl_chunk(g, p->str ? p->str : "", p->len);
        else if (p->kind == N(EVSTR)) {
            const node *seq = p->a;
            if (!seq || seq->nkids == 0) continue;
            qr__rg_out(g, "${");
            const node *e = seq->kids[seq->nkids - 1];
            if (e->kind == N(STR)) qr__rg_emit_expr(g, e);
            else { g->need_rb = 1; qr__rg_out(g, "$rb.s("); qr__rg_emit_expr(g, e); qr__rg_out(g, ")"); }
            qr__rg_out(g, "}");
        } else if (p->kind == N(DSTR)) {
            qr__rg_out(g, "${");
            qr__rg_emit_expr(g, p);
            qr__rg_out(g, "}");
        }
    }
    qr__rg_out(g, "`");
}

static const char *const CAMEL_OPT_KEYS[] = {"inserts_by", "foreign_key", "class_name", "inverse_of",
    "fallback_location", "content_type", "counter_cache", "primary_key", "partial_path", "to_table",
    "on_delete", "on_update", "turbo_stream"};

static void emit_hash_key(gen *g, const node *k, int camel_opts)
{
    if (k->kind == N(SYM) || k->kind == N(STR)) {
        const char *s = k->str ? k->str : "";
        if (camel_opts && k->kind == N(SYM))
            for (size_t i = 0; i < QR_ARRAY_LEN(CAMEL_OPT_KEYS); i++)
                if (strcmp(s, CAMEL_OPT_KEYS[i]) == 0) { char b[96]; qr__rg_out(g, qr__rg_jsname(s, b, sizeof b)); return; }
        int ident = (s[0] && !(s[0] >= '0' && s[0] <= '9'));
        for (const char *p = s; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$')) ident = 0;
        if (ident) qr__rg_out(g, s);
        else qr__rg_out_str_lit(g, s, strlen(s));
        return;
    }
    qr__rg_out(g, "[");
    qr__rg_emit_expr(g, k);
    qr__rg_out(g, "]");
}

/* Symbols naming methods (`if: :published?`, `with: :handler`) are camelized. */
static int method_ref_key(const node *k)
{
    return k && k->kind == N(SYM) && (qr__rg_name_is(k, "if") || qr__rg_name_is(k, "unless") || qr__rg_name_is(k, "with"));
}

void qr__rg_emit_hash(gen *g, const node *n, int camel_opts)
{
    if (n->nkids == 0) { qr__rg_out(g, "{}"); return; }
    qr__rg_out(g, "{ ");
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *p = n->kids[i];
        if (i) qr__rg_out(g, ", ");
        if (p->kind == N(DSPLAT)) { qr__rg_out(g, "..."); qr__rg_emit_expr(g, p->a); continue; }
        if (p->kind != N(PAIR) || !p->a) { qr__rg_fail(g, p, NULL, "unexpected hash element"); continue; }
        emit_hash_key(g, p->a, camel_opts);
        qr__rg_out(g, ": ");
        if (camel_opts && method_ref_key(p->a) && p->b && p->b->kind == N(SYM)) {
            char b[128];
            qr__rg_out(g, "\"");
            qr__rg_out(g, qr__rg_jsname(p->b->str, b, sizeof b));
            qr__rg_out(g, "\"");
        } else qr__rg_emit_expr(g, p->b);
    }
    qr__rg_out(g, " }");
}

static void emit_regex(gen *g, const node *n)
{
    int interp = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (n->kids[i]->kind != N(STR)) interp = 1;
    char flags[8] = "";
    size_t fk = 0;
    for (const char *f = n->str ? n->str : ""; *f; f++) {
        if (*f == 'i') flags[fk++] = 'i';
        else if (*f == 'm') flags[fk++] = 's';
        else if (*f == 'x') { qr__rg_fail(g, n, "write the pattern without the x flag (no comments or free spacing)", "unsupported: the x (extended) regexp flag"); return; }
    }
    flags[fk] = 0;
    if (interp) {
        qr__rg_out(g, "new RegExp(");
        emit_dstr_parts(g, n);
        qr__rg_outf(g, ", \"%s\")", flags);
        return;
    }
    qr_buf_t b = QR_BUF_INIT;
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *p = n->kids[i];
        const char *s = p->str ? p->str : "";
        for (size_t j = 0; j < p->len; j++) {
            if (s[j] == '\\' && j + 1 < p->len && (s[j + 1] == 'A')) { qr_buf_append(&b, "^", 1); j++; }
            else if (s[j] == '\\' && j + 1 < p->len && (s[j + 1] == 'z' || s[j + 1] == 'Z')) { qr_buf_append(&b, "$", 1); j++; }
            else if (s[j] == '\\' && j + 1 < p->len && s[j + 1] == 'h') { qr_buf_append(&b, "[0-9a-fA-F]", 11); j++; }
            else if (s[j] == '\\' && j + 1 < p->len) { qr_buf_append(&b, s + j, 2); j++; }
            else if (s[j] == '/') qr_buf_append(&b, "\\/", 2);
            else if (s[j] == '\n') qr_buf_append(&b, "\\n", 2);
            else qr_buf_append(&b, s + j, 1);
        }
    }
    if (b.len == 0) qr_buf_append(&b, "(?:)", 4);
    qr_buf_append(&b, "", 1);
    qr__rg_outf(g, "/%s/%s", b.data, flags);
    qr_buf_free(&b);
}


/* ---- blocks and lambdas --------------------------------------------------------------- */

void qr__rg_emit_params(gen *g, const node *args, int splat_pairs, int add_blk)
{
    qr__rg_out(g, "(");
    int k = 0, nkw = 0, has_rest = 0;
    char b[128];
    if (args) {
        int npos = 0;
        for (uint32_t i = 0; i < args->nkids; i++) {
            qr_ruby_kind kd = args->kids[i]->kind;
            if (kd == N(ARG) || kd == N(OPTARG)) npos++;
        }
        if (splat_pairs && npos > 1) qr__rg_out(g, "[");
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            switch (p->kind) {
            case N(ARG):
                if (k++) qr__rg_out(g, ", ");
                if (p->nkids) {
                    qr__rg_out(g, "[");
                    for (uint32_t j = 0; j < p->nkids; j++) {
                        qr__rg_outf(g, "%s%s", j ? ", " : "", qr__rg_lname(p->kids[j]->str ? p->kids[j]->str : "_", b, sizeof b));
                        qr__rg_scope_add(g, p->kids[j]->str);
                    }
                    qr__rg_out(g, "]");
                } else { qr__rg_out(g, qr__rg_lname(p->str ? p->str : "_", b, sizeof b)); qr__rg_scope_add(g, p->str); }
                break;
            case N(OPTARG):
                if (k++) qr__rg_out(g, ", ");
                qr__rg_outf(g, "%s = ", qr__rg_lname(p->str, b, sizeof b));
                qr__rg_scope_add(g, p->str);
                qr__rg_emit_expr(g, p->a);
                break;
            case N(RESTARG):
                has_rest = 1;
                break;
            case N(KWARG): case N(KWOPTARG): case N(KWRESTARG):
                nkw++;
                break;
            default:
                break;
            }
        }
        if (splat_pairs && npos > 1) { qr__rg_out(g, "]"); k = 1; }
        if (nkw) {
            if (k++) qr__rg_out(g, ", ");
            qr__rg_out(g, "{ ");
            int kk = 0;
            for (uint32_t i = 0; i < args->nkids; i++) {
                const node *p = args->kids[i];
                if (p->kind == N(KWARG)) { qr__rg_outf(g, "%s%s", kk++ ? ", " : "", qr__rg_lname(p->str, b, sizeof b)); qr__rg_scope_add(g, p->str); }
                else if (p->kind == N(KWOPTARG)) { qr__rg_outf(g, "%s%s = ", kk++ ? ", " : "", qr__rg_lname(p->str, b, sizeof b)); qr__rg_scope_add(g, p->str); qr__rg_emit_expr(g, p->a); }
            }
            for (uint32_t i = 0; i < args->nkids; i++) {
                const node *p = args->kids[i];
                if (p->kind == N(KWRESTARG) && p->str && *p->str) { qr__rg_outf(g, "%s...%s", kk++ ? ", " : "", qr__rg_lname(p->str, b, sizeof b)); qr__rg_scope_add(g, p->str); }
            }
            qr__rg_out(g, " } = {}");
        }
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            if (p->kind == N(BLOCKARG)) {
                if (has_rest) { qr__rg_fail(g, p, "take the block as the last positional argument instead of *args", "unsupported: *args together with &block"); break; }
                if (k++) qr__rg_out(g, ", ");
                const char *nm = p->str && *p->str ? p->str : "$blk";
                qr__rg_out(g, nm[0] == '$' ? nm : qr__rg_lname(nm, b, sizeof b));
                qr__rg_scope_add(g, p->str);
                add_blk = 0;
            }
        }
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            if (p->kind == N(RESTARG)) {
                if (nkw) { qr__rg_fail(g, p, "use either *args or keyword arguments", "unsupported: *args together with keyword arguments"); break; }
                if (k++) qr__rg_out(g, ", ");
                qr__rg_outf(g, "...%s", p->str && *p->str ? qr__rg_lname(p->str, b, sizeof b) : "$rest");
                qr__rg_scope_add(g, p->str);
            }
        }
    }
    if (add_blk) { if (k++) qr__rg_out(g, ", "); qr__rg_out(g, "$blk"); }
    qr__rg_out(g, ")");
}

void qr__rg_emit_block_fn(gen *g, const node *blk, int as_function, int splat_pairs)
{
    scope s;
    qr__rg_scope_push(g, &s, 0);
    int saved_loop = g->loop;
    g->loop = LOOP_BLOCK;
    int saved_cb = g->in_class_body, saved_sd = g->static_def;
    g->in_class_body = 0;
    if (as_function) { qr__rg_out(g, "function "); g->static_def = 0; }
    qr__rg_emit_params(g, blk->a, splat_pairs, 0);
    qr__rg_out(g, as_function ? " {" : " => {");
    qr__rg_declare_locals(g, blk->b);
    qr__rg_emit_body(g, blk->b, !(g->self_mode == SELF_VIEW && qr__rg_contains_output(blk->b)));
    if (blk->end_line > blk->line) qr__rg_nl_to(g, blk->end_line);
    qr__rg_out(g, " }");
    g->in_class_body = saved_cb;
    g->static_def = saved_sd;
    g->loop = saved_loop;
    qr__rg_scope_pop(g);
}

/* ---- expressions ---------------------------------------------------------------------- */

/* A statement list as one expression: (a, b, c). */
static void emit_seq_expr(gen *g, const node *seq)
{
    if (!seq || (seq->kind == N(SEQ) && seq->nkids == 0)) { qr__rg_out(g, "null"); return; }
    if (seq->kind != N(SEQ)) { qr__rg_emit_expr(g, seq); return; }
    if (seq->nkids == 1) { qr__rg_emit_expr(g, seq->kids[0]); return; }
    qr__rg_out(g, "(");
    for (uint32_t i = 0; i < seq->nkids; i++) {
        if (i) qr__rg_out(g, ", ");
        qr__rg_emit_expr(g, seq->kids[i]);
    }
    qr__rg_out(g, ")");
}

/* Emits an expression whose value needs statements (case, begin/rescue, while) as an IIFE. */
static void emit_iife(gen *g, const node *n)
{
    int saved = g->loop;
    g->loop = LOOP_BLOCK;
    qr__rg_out(g, "(() => {");
    qr__rg_emit_stmt(g, n, 1);
    qr__rg_out(g, " })()");
    g->loop = saved;
}

void qr__rg_emit_assign_target(gen *g, const node *t)
{
    char b[128];
    switch (t->kind) {
    case N(LASGN): qr__rg_out(g, qr__rg_lname(t->str, b, sizeof b)); break;
    case N(IASGN): emit_ivar_lhs(g, t->str); break;
    case N(SPLAT): /* a bare `*` is handled by MASGN (a trailing one is an elision) */
        if (!t->a) { qr__rg_fail(g, t, "name it (`*rest`) or drop it", "a splat without a name is not supported here"); break; }
        qr__rg_out(g, "..."); qr__rg_emit_assign_target(g, t->a); break;
    case N(CALL):
        if ((t->flags & QR_RUBY_F_ATTR_ASGN) && t->str && strcmp(t->str, "[]=") != 0) {
            size_t l = strlen(t->str);
            char base[128];
            snprintf(base, sizeof base, "%.*s", (int)(l - 1), t->str);
            qr__rg_emit_recv(g, t, 0);
            qr__rg_outf(g, ".%s", qr__rg_jsname(base, b, sizeof b));
        } else if (t->str && !strcmp(t->str, "[]=") && t->nkids >= 1) {
            qr__rg_out(g, "("); qr__rg_emit_expr(g, t->a); qr__rg_out(g, ")["); qr__rg_emit_expr(g, t->kids[0]); qr__rg_out(g, "]");
        } else qr__rg_fail(g, t, NULL, "unsupported assignment target");
        break;
    case N(MASGN):
        qr__rg_out(g, "[");
        for (uint32_t i = 0; i < t->nkids; i++) {
            const node *k = t->kids[i];
            int last = i + 1 == t->nkids;
            if (i) qr__rg_out(g, ", ");
            /* JS destructuring takes a rest element last only: `a, *b, c = list` is refused;
             * a trailing bare `*` (`a, * = list`) drops the rest: an elision */
            if (k->kind == N(SPLAT) && !last) {
                qr__rg_fail(g, k, "put the splat last (`a, b, *rest = list`)", "a splat before other assignment targets is not supported");
                break;
            }
            if (k->kind == N(SPLAT) && !k->a) continue;
            qr__rg_emit_assign_target(g, k);
        }
        qr__rg_out(g, "]");
        break;
    default:
        qr__rg_fail(g, t, "assign to a local, an @ivar or an attribute", "unsupported assignment target");
    }
}

static void emit_op_asgn(gen *g, const node *n)
{
    const node *t = n->a, *v = n->b;
    const char *op = n->str ? n->str : "";
    int logical = !strcmp(op, "||") || !strcmp(op, "&&");
    char b[128];
    if (t->kind == N(LVAR) || t->kind == N(IVAR)) {
        char lhs[160], rd[200];
        if (t->kind == N(LVAR)) snprintf(lhs, sizeof lhs, "%s", qr__rg_lname(t->str, b, sizeof b));
        else if (g->self_mode == SELF_VIEW) snprintf(lhs, sizeof lhs, "__a.%s", t->str + 1);
        else snprintf(lhs, sizeof lhs, "this.%s%s", g->static_def || qr__rg_ivar_shadowed(g, t->str + 1) ? "$" : "", t->str + 1);
        snprintf(rd, sizeof rd, "%s", lhs);
        if (logical) {
            if (!strcmp(op, "||")) qr__rg_outf(g, "(($t = %s) != null && $t !== false ? $t : (%s = ", rd, lhs);
            else qr__rg_outf(g, "(($t = %s) == null || $t === false ? $t : (%s = ", rd, lhs);
            qr__rg_emit_expr(g, v);
            qr__rg_out(g, "))");
            return;
        }
        /* x += 1 -> x = x + 1 through the operator rules */
        node bin;
        memset(&bin, 0, sizeof bin);
        bin.kind = N(CALL);
        bin.flags = QR_RUBY_F_OP;
        bin.str = op;
        bin.a = (node *)t;
        node *kids[1] = {(node *)v};
        bin.kids = kids;
        bin.nkids = 1;
        bin.line = n->line; bin.col = n->col;
        if (!strcmp(op, "<<")) { qr__rg_emit_binop(g, &bin); return; }
        qr__rg_outf(g, "(%s = ", lhs);
        qr__rg_emit_binop(g, &bin);
        qr__rg_out(g, ")");
        return;
    }
    if (t->kind == N(CALL) && t->str && !strcmp(t->str, "[]") && t->a && is_simple(t->a) && t->nkids == 1 && logical) {
        g->need_rb = 1;
        qr__rg_out(g, "(($t = $rb.idx("); qr__rg_emit_expr(g, t->a); qr__rg_out(g, ", "); qr__rg_emit_expr(g, t->kids[0]); qr__rg_out(g, "))");
        qr__rg_out(g, !strcmp(op, "||") ? " != null && $t !== false ? $t : $rb.idxSet(" : " == null || $t === false ? $t : $rb.idxSet(");
        qr__rg_emit_expr(g, t->a); qr__rg_out(g, ", "); qr__rg_emit_expr(g, t->kids[0]); qr__rg_out(g, ", "); qr__rg_emit_expr(g, v); qr__rg_out(g, "))");
        return;
    }
    if (t->kind == N(CALL) && t->str && !strcmp(t->str, "[]") && t->a && is_simple(t->a) && t->nkids == 1 && !logical) {
        /* h[k] += v -> $rb.idxSet(h, k, h[k] + v) */
        node rd = *t, bin;
        memset(&bin, 0, sizeof bin);
        bin.kind = N(CALL);
        bin.flags = QR_RUBY_F_OP;
        bin.str = op;
        bin.a = &rd;
        node *kids[1] = {(node *)v};
        bin.kids = kids;
        bin.nkids = 1;
        bin.line = n->line; bin.col = n->col;
        g->need_rb = 1;
        qr__rg_out(g, "$rb.idxSet("); qr__rg_emit_expr(g, t->a); qr__rg_out(g, ", "); qr__rg_emit_expr(g, t->kids[0]); qr__rg_out(g, ", ");
        qr__rg_emit_binop(g, &bin);
        qr__rg_out(g, ")");
        return;
    }
    if (t->kind == N(CALL) && t->str && (!t->a || is_simple(t->a)) && t->nkids == 0 && logical) {
        char js[128];
        qr__rg_jsname(t->str, js, sizeof js);
        qr__rg_out(g, "(($t = "); qr__rg_emit_recv(g, t, 0); qr__rg_outf(g, ".%s)", js);
        qr__rg_out(g, !strcmp(op, "||") ? " != null && $t !== false ? $t : (" : " == null || $t === false ? $t : (");
        qr__rg_emit_recv(g, t, 0); qr__rg_outf(g, ".%s = ", js); qr__rg_emit_expr(g, v); qr__rg_out(g, "))");
        return;
    }
    qr__rg_fail(g, n, "assign to a local variable first (`x = obj.attr; x ||= ...`)", "unsupported: %s= on this target", op);
}

void qr__rg_emit_expr(gen *g, const node *n)
{
    char b[160];
    if (!n) { qr__rg_out(g, "null"); return; }
    if (g->failed) return;
    switch (n->kind) {
    case N(NIL): qr__rg_out(g, "null"); break;
    case N(TRUE): qr__rg_out(g, "true"); break;
    case N(FALSE): qr__rg_out(g, "false"); break;
    case N(SELF): qr__rg_emit_self(g); break;
    case N(INT): {
        const char *s = n->str ? n->str : "0";
        if (s[0] == '0' && s[1] >= '0' && s[1] <= '7') qr__rg_outf(g, "0o%s", s + 1);
        else if (s[0] == '0' && (s[1] == 'd' || s[1] == 'D')) qr__rg_out(g, s + 2);
        else qr__rg_out(g, s);
        break;
    }
    case N(FLOAT): qr__rg_out(g, n->str ? n->str : "0"); break;
    case N(STR): qr__rg_out_str_lit(g, n->str, n->len); break;
    case N(DSTR): emit_dstr_parts(g, n); break;
    case N(SYM): qr__rg_out_str_lit(g, n->str, n->str ? strlen(n->str) : 0); break;
    case N(DSYM): if (n->nkids && n->kids[0]->kind == N(DSTR)) emit_dstr_parts(g, n->kids[0]); else emit_dstr_parts(g, n); break;
    case N(REGEX): emit_regex(g, n); break;
    case N(ARRAY):
        qr__rg_out(g, "[");
        for (uint32_t i = 0; i < n->nkids; i++) {
            if (i) qr__rg_out(g, ", ");
            if (n->kids[i]->kind == N(SPLAT)) { g->need_rb = 1; qr__rg_out(g, "...$rb.toArray("); qr__rg_emit_expr(g, n->kids[i]->a); qr__rg_out(g, ")"); }
            else if (n->kids[i]->kind == N(HASH)) qr__rg_emit_hash(g, n->kids[i], 0);
            else qr__rg_emit_expr(g, n->kids[i]);
        }
        qr__rg_out(g, "]");
        break;
    case N(HASH): qr__rg_emit_hash(g, n, 0); break;
    case N(RANGE):
        g->need_rb = 1;
        qr__rg_out(g, "$rb.range(");
        qr__rg_emit_expr(g, n->a);
        qr__rg_out(g, ", ");
        if (n->b) qr__rg_emit_expr(g, n->b); else qr__rg_out(g, "Infinity");
        qr__rg_outf(g, ", %s)", n->flags & QR_RUBY_F_EXCL ? "true" : "false");
        break;
    case N(LVAR): qr__rg_out(g, qr__rg_lname(n->str, b, sizeof b)); break;
    case N(IVAR): emit_ivar(g, n->str); break;
    case N(GVAR):
        if (qr__rg_name_is(n, "$stdout") || qr__rg_name_is(n, "$stderr")) qr__rg_out(g, "console");
        else qr__rg_fail(g, n, "use a constant or a class attribute instead", "unsupported: global variable %s", n->str);
        break;
    case N(CVAR): qr__rg_fail(g, n, "use a class-level constant or `self.class` attribute", "unsupported: class variable %s", n->str); break;
    case N(CONST): qr__rg_emit_const(g, n); break;
    case N(LASGN): qr__rg_outf(g, "(%s = ", qr__rg_lname(n->str, b, sizeof b)); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); break;
    case N(IASGN): qr__rg_out(g, "("); emit_ivar_lhs(g, n->str); qr__rg_out(g, " = "); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); break;
    case N(CASGN):
        if (g->sc && g->sc->up == NULL && !g->cls) { qr__rg_outf(g, "(%s = ", n->str); qr__rg_emit_expr(g, n->b); qr__rg_out(g, ")"); }
        else qr__rg_fail(g, n, "define constants at the top of a class body", "unsupported: constant assignment here");
        break;
    case N(OP_ASGN): emit_op_asgn(g, n); break;
    case N(MASGN):
        qr__rg_out(g, "(");
        qr__rg_emit_assign_target(g, n);
        qr__rg_out(g, " = ");
        if (n->a && n->a->kind == N(ARRAY)) qr__rg_emit_expr(g, n->a);
        else { g->need_rb = 1; qr__rg_out(g, "$rb.toArray("); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); }
        qr__rg_out(g, ")");
        break;
    case N(GVASGN): case N(CVASGN):
        qr__rg_fail(g, n, "use a constant or a class attribute instead", "unsupported: global or class variable assignment");
        break;
    case N(CALL): qr__rg_emit_call(g, n); break;
    case N(SPLAT): qr__rg_out(g, "..."); qr__rg_emit_expr(g, n->a); break;
    case N(LAMBDA): {
        node blk = *n;
        blk.kind = N(BLOCK);
        qr__rg_emit_block_fn(g, &blk, 0, 0);
        break;
    }
    case N(BLOCK): qr__rg_emit_block_fn(g, n, 0, 0); break;
    case N(BLOCK_PASS): qr__rg_emit_block_pass(g, n); break;
    case N(YIELD): {
        if (g->self_mode == SELF_VIEW && !g->blk) {
            qr__rg_out(g, "__c.yieldContent(");
            if (n->nkids) qr__rg_emit_expr(g, n->kids[0]);
            qr__rg_out(g, ")");
            break;
        }
        g->uses_yield = 1;
        qr__rg_out(g, g->blk ? g->blk : "$blk");
        qr__rg_out(g, "(");
        for (uint32_t i = 0; i < n->nkids; i++) { if (i) qr__rg_out(g, ", "); qr__rg_emit_expr(g, n->kids[i]); }
        qr__rg_out(g, ")");
        if (g->self_mode == SELF_VIEW) { /* handled by the view wrapper: yield -> __c.yieldContent */ }
        break;
    }
    case N(SUPER): {
        if (!g->method) { qr__rg_fail(g, n, NULL, "`super` outside a method"); break; }
        if (g->concern) { qr__rg_fail(g, n, "give the concern's method its own name and call it from the class's method", "unsupported: `super` in a concern's method"); break; }
        qr__rg_outf(g, "super.%s(", g->method);
        if (n->flags & QR_RUBY_F_ZSUPER) qr__rg_out(g, "...arguments");
        else qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        break;
    }
    case N(DEFINED): qr__rg_out(g, "true"); break;
    case N(AND): case N(OR): {
        int and = n->kind == N(AND);
        if (is_bool(n->a) && is_bool(n->b)) {
            qr__rg_out(g, "(");
            qr__rg_emit_expr(g, n->a);
            qr__rg_out(g, and ? " && " : " || ");
            qr__rg_emit_expr(g, n->b);
            qr__rg_out(g, ")");
        } else if (is_bool(n->a)) {
            qr__rg_out(g, "(");
            qr__rg_emit_expr(g, n->a);
            qr__rg_out(g, and ? " ? " : " ? true : ");
            qr__rg_emit_expr(g, n->b);
            qr__rg_out(g, and ? " : false)" : ")");
        } else {
            qr__rg_out(g, "(($t = ");
            qr__rg_emit_expr(g, n->a);
            qr__rg_out(g, and ? ") == null || $t === false ? $t : " : ") != null && $t !== false ? $t : ");
            qr__rg_emit_expr(g, n->b);
            qr__rg_out(g, ")");
        }
        break;
    }
    case N(NOT): qr__rg_out(g, "!"); qr__rg_emit_test(g, n->a); break;
    case N(IF):
        qr__rg_out(g, "(");
        qr__rg_emit_test(g, n->a);
        qr__rg_out(g, " ? ");
        emit_seq_expr(g, n->b);
        qr__rg_out(g, " : ");
        emit_seq_expr(g, n->c);
        qr__rg_out(g, ")");
        break;
    case N(SEQ): emit_seq_expr(g, n); break;
    case N(CASE): case N(BEGIN): case N(WHILE): case N(UNTIL): case N(FOR):
        emit_iife(g, n);
        break;
    case N(RETURN): case N(NEXT): case N(BREAK):
        qr__rg_fail(g, n, "move it to its own statement: `if cond then return x end`", "unsupported: %s inside an expression", qr_ruby_kind_name(n->kind));
        break;
    case N(DEF):
        qr__rg_fail(g, n, "define methods in a class, module or at the top of a helper", "unsupported: def here");
        break;
    case N(REDO): case N(RETRY):
        if (n->kind == N(RETRY))
            qr__rg_fail(g, n, "write a loop instead: `loop do ... break if ok ... end` (`retry` works inside a rescue clause)", "unsupported: `retry` outside a rescue clause");
        else qr__rg_fail(g, n, "write a loop instead: `loop do ... break if ok ... end`", "unsupported: `redo`");
        break;
    default:
        qr__rg_fail(g, n, NULL, "unsupported construct here (%s)", qr_ruby_kind_name(n->kind));
    }
}

/* A truthiness test: only nil and false are false. */
void qr__rg_emit_test(gen *g, const node *n)
{
    if (is_bool(n)) { qr__rg_emit_expr(g, n); return; }
    if (n && (n->kind == N(LVAR) || n->kind == N(IVAR))) {
        qr__rg_out(g, "(");
        qr__rg_emit_expr(g, n);
        qr__rg_out(g, " != null && ");
        qr__rg_emit_expr(g, n);
        qr__rg_out(g, " !== false)");
        return;
    }
    if (n && (n->kind == N(NIL))) { qr__rg_out(g, "false"); return; }
    if (n && qr__rg_is_literal(n)) { qr__rg_out(g, "true"); return; }
    qr__rg_out(g, "(($t = ");
    qr__rg_emit_expr(g, n);
    qr__rg_out(g, ") != null && $t !== false)");
}
