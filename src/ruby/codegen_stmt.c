/* ruby/codegen_stmt.c — the code generator's statements: statement lists with the implicit
 * return of the last value, if/unless/case/while/until/loop, `each` loops as for-of, begin/
 * rescue/else/ensure as try/catch/finally, return/next/break, multiple assignment. Keeps JS
 * lines aligned with the Ruby. Calls the core (codegen.c), expressions (codegen_expr.c) and
 * calls (codegen_call.c) through ruby/codegen_priv.h; pure computation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen_priv.h"

/* ======================================================================================== */
/* statements                                                                               */

void qr__rg_emit_body(gen *g, const node *body, int ret)
{
    if (!body) { if (ret) qr__rg_out(g, " return null;"); return; }
    if (body->kind != N(SEQ)) { qr__rg_emit_stmt(g, body, ret); return; }
    if (body->nkids == 0) { if (ret) qr__rg_out(g, " return null;"); return; }
    for (uint32_t i = 0; i < body->nkids; i++)
        qr__rg_emit_stmt(g, body->kids[i], ret && i + 1 == body->nkids);
}

static void emit_block_stmt_body(gen *g, const node *body, int ret, uint32_t end_line)
{
    qr__rg_out(g, " {");
    qr__rg_emit_body(g, body, ret);
    if (end_line) qr__rg_nl_to(g, end_line);
    qr__rg_out(g, " }");
}

static int is_each_stmt(const node *n)
{
    if (n->kind != N(CALL) || !n->a || !n->b || (n->flags & QR_RUBY_F_SAFE_NAV) || n->nkids) return 0;
    return qr__rg_name_is(n, "each") || qr__rg_name_is(n, "each_with_index") || qr__rg_name_is(n, "find_each") ||
           (qr__rg_name_is(n, "times") && n->b);
}

static void emit_for_each(gen *g, const node *n, int ret)
{
    const node *blk = n->b;
    const node *args = blk->a;
    char b[128], b2[128];
    scope s;
    qr__rg_scope_push(g, &s, 0);
    int saved_loop = g->loop;
    g->loop = LOOP_JS;
    int idx = qr__rg_name_is(n, "each_with_index");
    int times = qr__rg_name_is(n, "times");
    const char *p0 = args && args->nkids > 0 && args->kids[0]->str ? args->kids[0]->str : NULL;
    const char *p1 = args && args->nkids > 1 && args->kids[1]->str ? args->kids[1]->str : NULL;
    g->need_rb = 1;
    qr__rg_out(g, " {");
    if (times) {
        qr__rg_outf(g, " const $n = "); qr__rg_emit_expr(g, n->a);
        qr__rg_outf(g, "; for (let %s = 0; %s < $n; %s++) {", p0 ? qr__rg_lname(p0, b, sizeof b) : "$i", p0 ? b : "$i", p0 ? b : "$i");
        qr__rg_scope_add(g, p0);
    } else {
        if (idx) qr__rg_outf(g, " let %s = -1;", p1 ? qr__rg_lname(p1, b2, sizeof b2) : "$i");
        qr__rg_out(g, " for (const ");
        if (!idx && p1) qr__rg_outf(g, "[%s, %s]", qr__rg_lname(p0, b, sizeof b), qr__rg_lname(p1, b2, sizeof b2));
        else if (args && args->nkids && args->kids[0]->nkids) {
            qr__rg_out(g, "[");
            for (uint32_t j = 0; j < args->kids[0]->nkids; j++) {
                qr__rg_outf(g, "%s%s", j ? ", " : "", qr__rg_lname(args->kids[0]->kids[j]->str, b, sizeof b));
                qr__rg_scope_add(g, args->kids[0]->kids[j]->str);
            }
            qr__rg_out(g, "]");
        } else qr__rg_out(g, p0 ? qr__rg_lname(p0, b, sizeof b) : "$x");
        qr__rg_scope_add(g, p0);
        if (!idx) qr__rg_scope_add(g, p1);
        qr__rg_out(g, " of $rb.iter(");
        qr__rg_emit_expr(g, n->a);
        qr__rg_out(g, ")) {");
        if (idx) { qr__rg_outf(g, " %s++;", p1 ? b2 : "$i"); qr__rg_scope_add(g, p1); }
    }
    qr__rg_declare_locals(g, blk->b);
    qr__rg_emit_body(g, blk->b, 0);
    qr__rg_nl_to(g, blk->end_line);
    qr__rg_out(g, " } }");
    if (ret) qr__rg_out(g, " return null;");
    g->loop = saved_loop;
    qr__rg_scope_pop(g);
}

static void emit_if_stmt(gen *g, const node *n, int ret)
{
    qr__rg_out(g, " if (");
    if (!n->b && n->c && !(n->flags & QR_RUBY_F_TERNARY)) {
        /* unless */
        qr__rg_out(g, "!");
        qr__rg_emit_test(g, n->a);
        qr__rg_out(g, ")");
        emit_block_stmt_body(g, n->c, ret, 0);
        if (ret) qr__rg_out(g, " else { return null; }");
        return;
    }
    qr__rg_emit_test(g, n->a);
    qr__rg_out(g, ")");
    emit_block_stmt_body(g, n->b, ret, 0);
    if (n->c) {
        if (n->c->kind == N(IF) && n->c->b) {
            qr__rg_nl_to(g, n->c->line);
            qr__rg_out(g, " else");
            emit_if_stmt(g, n->c, ret);
        } else {
            qr__rg_out(g, " else");
            emit_block_stmt_body(g, n->c, ret, 0);
        }
    } else if (ret) qr__rg_out(g, " else { return null; }");
}

static void emit_case_stmt(gen *g, const node *n, int ret)
{
    int id = ++g->case_seq;
    qr__rg_out(g, " {");
    if (n->a) { qr__rg_outf(g, " const $c%d = ", id); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ";"); }
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *w = n->kids[i];
        qr__rg_nl_to(g, w->line);
        qr__rg_out(g, i ? " else if (" : " if (");
        for (uint32_t j = 0; j < w->nkids; j++) {
            const node *c = w->kids[j];
            if (j) qr__rg_out(g, " || ");
            if (!n->a) qr__rg_emit_test(g, c);
            else if (c->kind == N(SPLAT)) { g->need_rb = 1; qr__rg_outf(g, "$rb.include("); qr__rg_emit_expr(g, c->a); qr__rg_outf(g, ", $c%d)", id); }
            else if (c->kind == N(STR) || c->kind == N(SYM) || c->kind == N(INT) || c->kind == N(NIL) || c->kind == N(TRUE) || c->kind == N(FALSE)) {
                qr__rg_outf(g, "$c%d === ", id); qr__rg_emit_expr(g, c);
            } else { g->need_rb = 1; qr__rg_out(g, "$rb.caseEq("); qr__rg_emit_expr(g, c); qr__rg_outf(g, ", $c%d)", id); }
        }
        qr__rg_out(g, ")");
        emit_block_stmt_body(g, w->a, ret, 0);
    }
    if (n->b) {
        qr__rg_out(g, n->nkids ? " else" : " ");
        emit_block_stmt_body(g, n->b, ret, 0);
    } else if (ret) qr__rg_out(g, n->nkids ? " else { return null; }" : " return null;");
    qr__rg_nl_to(g, n->end_line);
    qr__rg_out(g, " }");
}

/* Does a rescue clause body use `retry` for its own begin (not an inner begin's, def's or block's)? */
static int uses_retry(const node *n)
{
    if (!n) return 0;
    if (n->kind == N(RETRY)) return 1;
    if (n->kind == N(DEF) || n->kind == N(CLASS) || n->kind == N(MODULE) || n->kind == N(LAMBDA) || n->kind == N(BLOCK)) return 0;
    if (n->kind == N(BEGIN)) return uses_retry(n->a) || uses_retry(n->b) || uses_retry(n->c);
    if (uses_retry(n->a) || uses_retry(n->b) || uses_retry(n->c)) return 1;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (uses_retry(n->kids[i])) return 1;
    return 0;
}

/* begin/rescue/else/ensure -> try/catch/finally. With `retry` in a rescue clause the whole is a
 * labelled loop: `$retryN: for (;;) { try { ... } catch ($e) { ... continue $retryN; ... } break; }`. */
static void emit_begin_stmt(gen *g, const node *n, int ret)
{
    int retry = 0, saved_loop = g->loop, saved_label = g->retry_label;
    for (uint32_t i = 0; i < n->nkids && !retry; i++) retry = uses_retry(n->kids[i]->b);
    if (retry) {
        retry = ++g->retry_seq;
        qr__rg_outf(g, " $retry%d: for (;;) {", retry);
        if (g->loop == LOOP_JS) g->loop = LOOP_RETRY;
    }
    qr__rg_out(g, " try {");
    qr__rg_emit_body(g, n->a, ret && !n->b);
    if (n->b) qr__rg_emit_body(g, n->b, ret);
    qr__rg_out(g, " }");
    if (n->nkids) {
        qr__rg_out(g, " catch ($e) {");
        for (uint32_t i = 0; i < n->nkids; i++) {
            const node *r = n->kids[i];
            qr__rg_nl_to(g, r->line);
            int all = r->nkids == 0;
            for (uint32_t j = 0; j < r->nkids; j++)
                if (r->kids[j]->kind == N(CONST) && (qr__rg_name_is(r->kids[j], "StandardError") || qr__rg_name_is(r->kids[j], "Exception")) && !r->kids[j]->a) all = 1;
            qr__rg_out(g, i ? " else if (" : " if (");
            if (all) qr__rg_out(g, "true");
            else
                for (uint32_t j = 0; j < r->nkids; j++) {
                    if (j) qr__rg_out(g, " || ");
                    qr__rg_out(g, "$e instanceof ");
                    qr__rg_emit_expr(g, r->kids[j]);
                }
            qr__rg_out(g, ") {");
            if (r->a) { qr__rg_out(g, " "); qr__rg_emit_assign_target(g, r->a); qr__rg_out(g, " = $e;"); }
            if (retry) g->retry_label = retry;
            g->in_rescue++;
            qr__rg_emit_body(g, r->b, ret);
            g->in_rescue--;
            g->retry_label = saved_label;
            qr__rg_out(g, " }");
        }
        qr__rg_out(g, " else throw $e; }");
    }
    if (n->c) {
        qr__rg_nl_to(g, n->c->line);
        qr__rg_out(g, " finally {");
        qr__rg_emit_body(g, n->c, 0);
        qr__rg_out(g, " }");
    }
    if (!n->nkids && !n->c) qr__rg_out(g, " catch ($e) { throw $e; }");
    if (retry) {
        qr__rg_out(g, " break; }");
        g->loop = saved_loop;
    }
}

void qr__rg_emit_stmt(gen *g, const node *n, int ret)
{
    if (!n || g->failed) return;
    qr__rg_nl_to(g, n->line);
    switch (n->kind) {
    case N(IF):
        if (n->flags & QR_RUBY_F_TERNARY) break;
        emit_if_stmt(g, n, ret);
        return;
    case N(WHILE): case N(UNTIL): {
        int saved = g->loop;
        g->loop = LOOP_JS;
        if (n->flags & QR_RUBY_F_DO_WHILE) {
            qr__rg_out(g, " do");
            emit_block_stmt_body(g, n->b, 0, 0);
            qr__rg_out(g, n->kind == N(WHILE) ? " while (" : " while (!");
            qr__rg_emit_test(g, n->a);
            qr__rg_out(g, ");");
        } else {
            qr__rg_out(g, n->kind == N(WHILE) ? " while (" : " while (!");
            qr__rg_emit_test(g, n->a);
            qr__rg_out(g, ")");
            emit_block_stmt_body(g, n->b, 0, n->end_line);
        }
        g->loop = saved;
        if (ret) qr__rg_out(g, " return null;");
        return;
    }
    case N(FOR): {
        int saved = g->loop;
        g->loop = LOOP_JS;
        g->need_rb = 1;
        qr__rg_out(g, " for (");
        qr__rg_emit_assign_target(g, n->a);
        qr__rg_out(g, " of $rb.iter(");
        qr__rg_emit_expr(g, n->b);
        qr__rg_out(g, "))");
        emit_block_stmt_body(g, n->c, 0, n->end_line);
        g->loop = saved;
        if (ret) qr__rg_out(g, " return null;");
        return;
    }
    case N(CASE): emit_case_stmt(g, n, ret); return;
    case N(BEGIN): emit_begin_stmt(g, n, ret); return;
    case N(SEQ): qr__rg_emit_body(g, n, ret); return;
    case N(RETURN):
        qr__rg_out(g, " return ");
        if (n->a) qr__rg_emit_expr(g, n->a); else qr__rg_out(g, "null");
        qr__rg_out(g, ";");
        return;
    case N(RETRY):
        if (!g->retry_label) break; /* outside a rescue clause: refused by emit_expr */
        qr__rg_outf(g, " continue $retry%d;", g->retry_label);
        return;
    case N(NEXT):
        if (g->loop == LOOP_RETRY) { qr__rg_fail(g, n, "move the begin/rescue with `retry` into a method and call it from the loop", "unsupported: `next` inside a begin/rescue that uses `retry`"); return; }
        if (g->loop == LOOP_JS) qr__rg_out(g, " continue;");
        else if (g->loop == LOOP_BLOCK) { qr__rg_out(g, " return "); if (n->a) qr__rg_emit_expr(g, n->a); else qr__rg_out(g, "null"); qr__rg_out(g, ";"); }
        else qr__rg_fail(g, n, NULL, "`next` outside a block or loop");
        return;
    case N(BREAK):
        if (g->loop == LOOP_RETRY) { qr__rg_fail(g, n, "move the begin/rescue with `retry` into a method and call it from the loop", "unsupported: `break` inside a begin/rescue that uses `retry`"); return; }
        if (g->loop == LOOP_JS) qr__rg_out(g, " break;");
        else qr__rg_fail(g, n, "use `each` as a statement (it becomes a loop), `find`, or `loop do ... end`", "unsupported: `break` inside this block");
        return;
    case N(CALL):
        if (is_each_stmt(n)) { emit_for_each(g, n, ret); return; }
        if (!n->a && (qr__rg_name_is(n, "raise") || qr__rg_name_is(n, "fail"))) {
            g->need_rb = 1;
            qr__rg_out(g, " throw $rb.raise(");
            qr__rg_emit_raise_args(g, n);
            qr__rg_out(g, ");");
            return;
        }
        if (!n->a && qr__rg_name_is(n, "loop") && n->b) {
            int saved = g->loop;
            g->loop = LOOP_JS;
            qr__rg_out(g, " for (;;)");
            scope s;
            qr__rg_scope_push(g, &s, 0);
            qr__rg_out(g, " {");
            qr__rg_declare_locals(g, n->b->b);
            qr__rg_emit_body(g, n->b->b, 0);
            qr__rg_nl_to(g, n->b->end_line);
            qr__rg_out(g, " }");
            qr__rg_scope_pop(g);
            g->loop = saved;
            if (ret) qr__rg_out(g, " return null;");
            return;
        }
        break;
    default:
        break;
    }
    qr__rg_out(g, ret ? " return " : " ");
    size_t before = g->out.len;
    qr__rg_emit_expr(g, n);
    /* an expression statement must not start with `{` or `function` (JS would parse a block) */
    if (!ret && g->out.len > before && (g->out.data[before] == '{' || strncmp(g->out.data + before, "function", 8) == 0)) {
        qr_buf_t tmp = QR_BUF_INIT;
        qr_buf_append(&tmp, g->out.data + before, g->out.len - before);
        g->out.len = before;
        qr_buf_append(&g->out, "(", 1);
        qr_buf_append(&g->out, tmp.data, tmp.len);
        qr_buf_append(&g->out, ")", 1);
        qr_buf_free(&tmp);
    }
    qr__rg_out(g, ";");
}
