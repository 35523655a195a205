/* ruby/codegen_call.c — the code generator's method calls and operators (docs/ruby.md "Calls",
 * "Controllers"): receiver-less calls (self methods, helpers, Kernel, the Rails DSL names whose
 * symbols name methods), calls on receivers with and without parentheses, safe navigation, the
 * core methods mapped to $rb helpers with Ruby semantics, the names known to be attributes or
 * methods, template output calls and jbuilder, and Ruby operators (`==`, `/`, `<<` ...).
 * Calls the core (codegen.c) and expressions (codegen_expr.c) through ruby/codegen_priv.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen_priv.h"

/* ---- calls ---------------------------------------------------------------------------- */

typedef struct { const char *ruby, *helper; int needs_block; } core_t;
static const core_t CORE[] = {
    {"present?", "present", 0}, {"blank?", "blank", 0}, {"presence", "presence", 0},
    {"empty?", "empty", 0}, {"any?", "any", 0}, {"all?", "all", 0}, {"none?", "none", 0},
    {"nil?", "nil", 0}, {"include?", "include", 0}, {"member?", "include", 0},
    {"size", "size", 0}, {"length", "size", 0}, {"count", "count", 0}, {"first", "first", 0},
    {"last", "last", 0}, {"join", "join", 0}, {"strip", "strip", 0}, {"upcase", "upcase", 0},
    {"downcase", "downcase", 0}, {"capitalize", "capitalize", 0}, {"titleize", "titleize", 0},
    {"humanize", "humanize", 0}, {"to_s", "s", 0}, {"to_i", "toI", 0}, {"to_f", "toF", 0},
    {"to_sym", "toSym", 0}, {"to_a", "toArray", 0}, {"inspect", "inspect", 0},
    {"each", "each", 1}, {"find_each", "each", 1}, {"each_with_index", "eachWithIndex", 1},
    {"map", "map", 1}, {"collect", "map", 1}, {"flat_map", "flatMap", 1}, {"select", "select", 1},
    {"filter", "select", 1}, {"reject", "reject", 1}, {"find", "find", 1}, {"detect", "find", 1},
    {"sum", "sum", 2}, {"sort_by", "sortBy", 1}, {"min_by", "minBy", 1}, {"max_by", "maxBy", 1},
    {"group_by", "groupBy", 1}, {"index_by", "indexBy", 1}, {"each_slice", "eachSlice", 0},
    {"key?", "key", 0}, {"has_key?", "key", 0}, {"is_a?", "isA", 0}, {"kind_of?", "isA", 0},
    {"instance_of?", "isA", 0}, {"respond_to?", "respondTo", 0}, {"start_with?", "startWith", 0},
    {"end_with?", "endWith", 0}, {"split", "split", 0}, {"gsub", "gsub", 0}, {"sub", "sub", 0},
    {"fetch", "fetch", 0}, {"dig", "dig", 0}, {"merge", "merge", 0}, {"keys", "keys", 0},
    {"values", "values", 0}, {"compact", "compact", 0}, {"uniq", "uniq", 0},
    {"flatten", "flatten", 0}, {"reverse", "reverse", 0}, {"sort", "sort", 0}, {"tap", "tap", 1},
    {"then", "then", 1}, {"zero?", "zero", 0}, {"dup", "dup", 0}, {"clone", "dup", 0},
    {"inject", "core.inject", 1}, {"reduce", "core.inject", 1}, {"times", "core.times", 1},
    {"upto", "core.upto", 1}, {"each_with_object", "core.eachWithObject", 1},
    {"transform_values", "core.transformValues", 1}, {"squish", "core0.squish", 0},
    {"to_json", "core0.toJson", 0}, {"html_safe", "core0.htmlSafe", 0}, {"truncate", "core.truncate", 0},
    {"ljust", "core.ljust", 0}, {"rjust", "core.rjust", 0}, {"parameterize", "core0.parameterize", 0},
    {"strftime", "strftime", 0}, {"to_sentence", "toSentence", 0},
};

/* zero-argument methods known to be methods (called directly) or getters (read directly) */
static const char *const KNOWN_CALL0[] = {"save", "save!", "destroy", "destroy!", "reload", "all", "valid?",
    "invalid?", "new_record?", "persisted?", "destroyed?", "changed?", "to_param", "to_key", "touch",
    "delete", "timestamps", "html", "json", "turbo_stream", "xml", "build", "none", "ids", "exists?",
    "load", "to_partial_path", "destroy_all", "delete_all", "stream_from", "reject_unauthorized_connection",
    "stop_all_streams", "reset"};
static const char *const KNOWN_PROP[] = {"id", "errors", "full_messages", "attributes", "model_name",
    "params", "request", "session", "flash", "cookies", "response", "headers", "action_name",
    "controller_name", "controller_path", "format", "attribute_names", "messages", "changes"};

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

int qr__rg_class_defines(gen *g, const char *name)
{
    for (int i = 0; i < g->ndefs; i++)
        if (strcmp(g->defs[i], name) == 0) return 1;
    return 0;
}

static const node *call_block(const node *n) { return n->kind == N(CALL) || n->kind == N(SUPER) ? n->b : NULL; }

static const node *block_pass(const node *n)
{
    if (n->nkids && n->kids[n->nkids - 1]->kind == N(BLOCK_PASS)) return n->kids[n->nkids - 1];
    return NULL;
}

static uint32_t nargs(const node *n) { return n->nkids - (block_pass(n) ? 1 : 0); }

void qr__rg_emit_block_pass(gen *g, const node *bp)
{
    if (!bp->a) { qr__rg_out(g, g->blk ? g->blk : "$blk"); return; }
    if (bp->a->kind == N(SYM)) {
        char b[128];
        g->need_rb = 1;
        qr__rg_outf(g, "(x) => $rb.g(x, \"%s\")", qr__rg_jsname(bp->a->str, b, sizeof b));
        return;
    }
    qr__rg_emit_expr(g, bp->a);
}

/* Emits the argument list (without parens): positional args, the keyword hash, then the block.
 * method_refs: camelize leading symbol arguments (they name methods). */
void qr__rg_emit_args(gen *g, const node *n, int first, int method_refs, int block_fn, int splat_pairs)
{
    int k = first;
    const node *bp = block_pass(n);
    for (uint32_t i = 0; i < nargs(n); i++) {
        const node *a = n->kids[i];
        if (k++) qr__rg_out(g, ", ");
        if (a->kind == N(SPLAT)) { qr__rg_out(g, "..."); g->need_rb = 1; qr__rg_out(g, "$rb.toArray("); qr__rg_emit_expr(g, a->a); qr__rg_out(g, ")"); }
        else if (a->kind == N(HASH) && !(a->flags & QR_RUBY_F_BRACES)) qr__rg_emit_hash(g, a, 1);
        else if (method_refs && a->kind == N(SYM)) {
            char b[128];
            qr__rg_out(g, "\"");
            qr__rg_out(g, qr__rg_jsname(a->str, b, sizeof b));
            qr__rg_out(g, "\"");
        } else qr__rg_emit_expr(g, a);
    }
    if (bp) { if (k++) qr__rg_out(g, ", "); qr__rg_emit_block_pass(g, bp); }
    const node *blk = call_block(n);
    if (blk) { if (k++) qr__rg_out(g, ", "); qr__rg_emit_block_fn(g, blk, block_fn, splat_pairs); }
}

static const char *const METHOD_REF_DSL[] = {"before_action", "after_action", "around_action",
    "skip_before_action", "skip_after_action", "prepend_before_action", "validate", "before_validation",
    "after_validation", "before_save", "after_save", "before_create", "after_create", "before_update",
    "after_update", "before_destroy", "after_destroy", "after_commit", "after_create_commit",
    "after_update_commit", "after_destroy_commit", "after_save_commit", "after_rollback", "helper_method",
    "after_initialize", "identified_by"};

void qr__rg_emit_binop(gen *g, const node *n)
{
    const char *op = n->str;
    const node *l = n->a, *r = n->nkids ? n->kids[0] : NULL;
    if (!r) { qr__rg_fail(g, n, NULL, "operator %s without a right-hand side", op); return; }
    if (!strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "eql?") || !strcmp(op, "equal?")) {
        int neg = op[0] == '!';
        if (l->kind == N(NIL) || r->kind == N(NIL)) {
            qr__rg_out(g, "("); qr__rg_emit_expr(g, l->kind == N(NIL) ? r : l); qr__rg_out(g, neg ? " != null)" : " == null)");
        } else if (qr__rg_is_literal(l) || qr__rg_is_literal(r)) {
            qr__rg_out(g, "("); qr__rg_emit_expr(g, l); qr__rg_out(g, neg ? " !== " : " === "); qr__rg_emit_expr(g, r); qr__rg_out(g, ")");
        } else {
            g->need_rb = 1;
            qr__rg_out(g, neg ? "!$rb.eq(" : "$rb.eq("); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, ")");
        }
        return;
    }
    if (!strcmp(op, "===")) { g->need_rb = 1; qr__rg_out(g, "$rb.caseEq("); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, ")"); return; }
    if (!strcmp(op, "<<")) {
        g->need_rb = 1;
        if (l->kind == N(LVAR) || l->kind == N(IVAR)) {
            qr__rg_out(g, "("); qr__rg_emit_expr(g, l); qr__rg_out(g, " = $rb.shl("); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, "))");
        } else { qr__rg_out(g, "$rb.shl("); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, ")"); }
        return;
    }
    const char *helper = NULL;
    int num = (l->kind == N(INT) || l->kind == N(FLOAT)) || (r->kind == N(INT) || r->kind == N(FLOAT));
    int flt = l->kind == N(FLOAT) || r->kind == N(FLOAT);
    if (!strcmp(op, "/") && !flt) helper = "div";
    else if (!strcmp(op, "%")) helper = "mod";
    else if (!strcmp(op, "<=>")) helper = "cmp";
    else if (!strcmp(op, "=~")) helper = "match";
    /* `+`/`-` are JS operators when a side is a number or string literal; otherwise they may be
     * arrays (`a.to_a + b`), which JS would turn into a string */
    else if (!strcmp(op, "+") && !(num || l->kind == N(STR) || l->kind == N(DSTR) || r->kind == N(STR) || r->kind == N(DSTR))) helper = "add";
    else if (!strcmp(op, "-") && !num) helper = "sub2";
    else if (!strcmp(op, "*") && !(num && l->kind != N(STR) && l->kind != N(ARRAY))) helper = "mul";
    if (helper) {
        g->need_rb = 1;
        if (!strcmp(op, "=~") && l->kind == N(REGEX)) { const node *t = l; l = r; r = t; }
        qr__rg_outf(g, "$rb.%s(", helper); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, ")");
        return;
    }
    if (!strcmp(op, "!~")) { g->need_rb = 1; qr__rg_out(g, "($rb.match("); qr__rg_emit_expr(g, l); qr__rg_out(g, ", "); qr__rg_emit_expr(g, r); qr__rg_out(g, ") == null)"); return; }
    static const char *ok[] = {"+", "-", "*", "/", "<", ">", "<=", ">=", "**", "&", "|", "^", ">>"};
    for (size_t i = 0; i < QR_ARRAY_LEN(ok); i++)
        if (!strcmp(op, ok[i])) { qr__rg_out(g, "("); qr__rg_emit_expr(g, l); qr__rg_outf(g, " %s ", op); qr__rg_emit_expr(g, r); qr__rg_out(g, ")"); return; }
    qr__rg_fail(g, n, NULL, "unsupported operator %s", op);
}

/* `recv` for a call: self, an explicit receiver, or $t (safe navigation, already assigned). */
void qr__rg_emit_recv(gen *g, const node *n, int safe)
{
    if (safe) qr__rg_out(g, "$t");
    else if (n->a) {
        int wrap = n->a->kind == N(INT) || n->a->kind == N(FLOAT);
        if (wrap) qr__rg_out(g, "(");
        qr__rg_emit_expr(g, n->a);
        if (wrap) qr__rg_out(g, ")");
    } else qr__rg_emit_self(g);
}

static void emit_new(gen *g, const node *n)
{
    /* in a template a constant is a call (__h.__const("Note")): `new (...)(args)`, or JS would
     * construct __h.__const itself */
    int wrap = g->self_mode == SELF_VIEW;
    qr__rg_out(g, wrap ? "new (" : "new ");
    qr__rg_emit_expr(g, n->a);
    qr__rg_out(g, wrap ? ")(" : "(");
    qr__rg_emit_args(g, n, 0, 0, 0, 0);
    qr__rg_out(g, ")");
}

/* raise Cls, "msg" -> $rb.raise(Error, "msg", "ArgumentError") for Ruby's own exception classes
 * (JS errors underneath, named as Ruby names them); anything else passes through. */
void qr__rg_emit_raise_args(gen *g, const node *n)
{
    if (n->nkids == 0 && !n->b && g->in_rescue) { qr__rg_out(g, "$e"); return; } /* bare raise re-raises */
    qr__rg_emit_args(g, n, 0, 0, 0, 0);
    const node *c = n->nkids ? n->kids[0] : NULL;
    if (c && c->kind == N(CONST) && !c->a && c->str && strcmp(c->str, "StandardError") && strcmp(c->str, "Exception"))
        if (qr__rg_js_const(c->str) && strstr(c->str, "Error"))
            qr__rg_outf(g, "%s\"%s\"", n->nkids == 1 ? ", undefined, " : ", ", c->str);
}

/* Receiver-less call: self.method, a helper, or a Kernel method. */
static void emit_self_call(gen *g, const node *n)
{
    const char *m = n->str;
    char b[160];
    int noargs = n->nkids == 0 && !n->b && !(n->flags & QR_RUBY_F_PARENS);
    if (!strcmp(m, "puts") || !strcmp(m, "p") || !strcmp(m, "print")) {
        g->need_rb = 1;
        qr__rg_outf(g, "$rb.%s(", !strcmp(m, "p") ? "p" : "puts");
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    if (!strcmp(m, "raise") || !strcmp(m, "fail")) {
        g->need_rb = 1;
        qr__rg_out(g, "(() => { throw $rb.raise(");
        qr__rg_emit_raise_args(g, n);
        qr__rg_out(g, "); })()");
        return;
    }
    if (!strcmp(m, "lambda") || !strcmp(m, "proc")) {
        if (!n->b) { qr__rg_fail(g, n, "write `->(x) { ... }`", "%s without a block", m); return; }
        qr__rg_emit_block_fn(g, n->b, 0, 0);
        return;
    }
    if (!strcmp(m, "define_method") || !strcmp(m, "method_missing") || !strcmp(m, "instance_variable_get") ||
        !strcmp(m, "instance_variable_set") || !strcmp(m, "class_eval") || !strcmp(m, "instance_eval") ||
        !strcmp(m, "eval") || !strcmp(m, "module_eval")) {
        qr__rg_fail(g, n, "write the methods out with `def` (quickrail compiles Ruby ahead of time; code that writes code at run time has no JS equivalent here)", "unsupported: `%s`", m);
        return;
    }
    if ((!strcmp(m, "send") || !strcmp(m, "public_send") || !strcmp(m, "__send__")) && n->nkids &&
        (n->kids[0]->kind == N(SYM) || n->kids[0]->kind == N(STR))) {
        node rest = *n;
        rest.str = n->kids[0]->str;
        rest.kids = n->kids + 1;
        rest.nkids = n->nkids - 1;
        rest.flags = (rest.flags | QR_RUBY_F_PARENS) & ~(uint32_t)QR_RUBY_F_VCALL;
        emit_self_call(g, &rest);
        return;
    }
    if (!strcmp(m, "block_given?")) { qr__rg_out(g, "("); qr__rg_out(g, g->blk ? g->blk : "$blk"); qr__rg_out(g, " != null)"); g->uses_yield = 1; return; }
    if (!strcmp(m, "require") || !strcmp(m, "require_relative")) { qr__rg_out(g, "void 0"); return; }
    if ((!strcmp(m, "Integer") || !strcmp(m, "Float") || !strcmp(m, "String") || !strcmp(m, "Array")) && n->nkids) {
        g->need_rb = 1;
        qr__rg_outf(g, "$rb.to%s(", !strcmp(m, "Array") ? "Array2" : m);
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    if (!strcmp(m, "loop") && n->b) {
        qr__rg_out(g, "(() => { for (;;) { (");
        qr__rg_emit_block_fn(g, n->b, 0, 0);
        qr__rg_out(g, ")(); } })()");
        return;
    }
    if (g->self_mode == SELF_VIEW) {
        if (!strcmp(m, "content_for?")) { qr__rg_out(g, "__h.hasContentFor("); qr__rg_emit_args(g, n, 0, 0, 0, 0); qr__rg_out(g, ")"); return; }
        if (noargs || (n->flags & QR_RUBY_F_VCALL)) {
            g->need_rb = 1;
            const char *js = qr__rg_jsname(m, b, sizeof b);
            if (strcmp(js, m)) qr__rg_outf(g, "$rb.lv(__l, __h, \"%s\", \"%s\")", m, js);
            else qr__rg_outf(g, "$rb.lv(__l, __h, \"%s\")", m);
            return;
        }
        if (!strcmp(m, "raw")) { qr__rg_out(g, "__h.raw("); qr__rg_emit_args(g, n, 0, 0, 0, 0); qr__rg_out(g, ")"); return; }
        qr__rg_outf(g, "__h.%s(", qr__rg_jsname(m, b, sizeof b));
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    if (g->self_mode == SELF_HELPER) {
        if (qr__rg_class_defines(g, m)) qr__rg_outf(g, "%s(", qr__rg_jsname(m, b, sizeof b));
        else { g->need_h = 1; qr__rg_outf(g, "$h.%s(", qr__rg_jsname(m, b, sizeof b)); }
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    if (g->self_mode == SELF_TOP) {
        qr__rg_fail(g, n, "call methods on a class (`Article.create!(...)`) at the top of this file", "undefined method '%s' at the top level", m);
        return;
    }
    if (noargs && g->self_mode == SELF_THIS && !g->static_def && qr__rg_class_has_attr(g, m)) {
        qr__rg_outf(g, "this.%s", qr__rg_jsname(m, b, sizeof b));
        return;
    }
    if ((!strcmp(m, "send") || !strcmp(m, "public_send")) && n->nkids && g->self_mode == SELF_THIS) {
        node rest = *n;
        rest.kids = n->kids + 1;
        rest.nkids = n->nkids - 1;
        g->need_rb = 1;
        qr__rg_out(g, "$rb.send(this, "); qr__rg_emit_expr(g, n->kids[0]); qr__rg_emit_args(g, &rest, 1, 0, 0, 0); qr__rg_out(g, ")");
        return;
    }
    if (!strcmp(m, "new") && g->self_mode == SELF_THIS && g->static_def) {
        qr__rg_out(g, "new this(");
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    const char *js = qr__rg_jsname(m, b, sizeof b);
    if (noargs && in_list(m, KNOWN_PROP, QR_ARRAY_LEN(KNOWN_PROP)) && g->self_mode == SELF_THIS) {
        qr__rg_outf(g, "this.%s", js);
        return;
    }
    if (noargs && g->self_mode == SELF_THIS && !qr__rg_class_defines(g, m) && !in_list(m, KNOWN_CALL0, QR_ARRAY_LEN(KNOWN_CALL0))) {
        g->need_rb = 1;
        qr__rg_outf(g, "$rb.g(this, \"%s\")", js);
        return;
    }
    qr__rg_emit_self(g);
    qr__rg_outf(g, ".%s(", js);
    int refs = g->in_class_body && in_list(m, METHOD_REF_DSL, QR_ARRAY_LEN(METHOD_REF_DSL));
    int fnblock = g->in_class_body && g->self_mode == SELF_THIS;
    if (g->in_class_body && !strcmp(m, "broadcasts_to") && n->nkids && n->kids[0]->kind == N(SYM)) {
        /* broadcasts_to :article -> the stream is record.article */
        g->need_rb = 1;
        qr__rg_outf(g, "(rec) => $rb.g(rec, \"%s\")", qr__rg_jsname(n->kids[0]->str, b, sizeof b));
        node tmp = *n;
        tmp.kids = n->kids + 1;
        tmp.nkids = n->nkids - 1;
        qr__rg_emit_args(g, &tmp, 1, 0, fnblock, 0);
    } else qr__rg_emit_args(g, n, 0, refs, fnblock, 0);
    qr__rg_out(g, ")");
}

static int is_output_call(const node *n)
{
    return n && n->kind == N(CALL) && n->a && n->a->kind == N(IVAR) && qr__rg_name_is(n->a, "@output_buffer");
}

int qr__rg_contains_output(const node *n)
{
    if (!n) return 0;
    if (is_output_call(n)) return 1;
    if (qr__rg_contains_output(n->a) || qr__rg_contains_output(n->b) || qr__rg_contains_output(n->c)) return 1;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (qr__rg_contains_output(n->kids[i])) return 1;
    return 0;
}

/* @output_buffer.safe_append='text' / .append=(x) / .safe_expr_append=(x) (ruby/erb.c) */
static void emit_output(gen *g, const node *n)
{
    const node *v = n->nkids ? n->kids[n->nkids - 1] : NULL;
    if (qr__rg_name_is(n, "safe_append=") || qr__rg_name_is(n, "safe_concat")) { qr__rg_out(g, "__c.o.push("); qr__rg_emit_expr(g, v); qr__rg_out(g, ")"); }
    else if (qr__rg_name_is(n, "append=") || qr__rg_name_is(n, "<<") || qr__rg_name_is(n, "concat")) { qr__rg_out(g, "__c.o.push(__e("); qr__rg_emit_expr(g, v); qr__rg_out(g, "))"); }
    else if (qr__rg_name_is(n, "safe_expr_append=")) { qr__rg_out(g, "__c.o.push(__r("); qr__rg_emit_expr(g, v); qr__rg_out(g, "))"); }
    else if (qr__rg_name_is(n, "to_s")) qr__rg_out(g, "__c.o.join(\"\")");
    else qr__rg_fail(g, n, NULL, "unsupported use of @output_buffer (%s)", n->str);
}

/* In a jbuilder template: json.array! / json.extract! ... and json.key(value) -> json.set("key", value). */
static int is_json_recv(gen *g, const node *n)
{
    return g->kind == QR_RUBY_KIND_JBUILDER && n && ((n->kind == N(CALL) && !n->a && qr__rg_name_is(n, "json") && n->nkids == 0) || (n->kind == N(LVAR) && qr__rg_name_is(n, "json")));
}

void qr__rg_emit_call(gen *g, const node *n)
{
    const char *m = n->str ? n->str : "";
    char b[160];
    if (g->self_mode == SELF_VIEW && is_output_call(n)) { emit_output(g, n); return; }
    if (is_json_recv(g, n)) { qr__rg_out(g, "json"); return; }
    if (n->a && is_json_recv(g, n->a) && !(n->flags & QR_RUBY_F_OP)) {
        size_t l = strlen(m);
        if (l && m[l - 1] == '!') { qr__rg_outf(g, "json.%s(", qr__rg_jsname(m, b, sizeof b)); qr__rg_emit_args(g, n, 0, 0, 0, 0); qr__rg_out(g, ")"); return; }
        qr__rg_out(g, "json.set(");
        qr__rg_out_str_lit(g, m, l);
        qr__rg_emit_args(g, n, 1, 0, 0, 0);
        qr__rg_out(g, ")");
        return;
    }
    if (!n->a) { emit_self_call(g, n); return; }
    if (n->flags & QR_RUBY_F_OP) {
        if (!strcmp(m, "[]")) {
            char full[128];
            if (qr__rg_const_path(n->a, full, sizeof full) && !strcmp(full, "ActiveRecord::Migration")) { qr__rg_emit_expr(g, n->a); return; }
            g->need_rb = 1;
            qr__rg_out(g, "$rb.idx("); qr__rg_emit_expr(g, n->a); qr__rg_emit_args(g, n, 1, 0, 0, 0); qr__rg_out(g, ")");
            return;
        }
        if (!strcmp(m, "[]=")) {
            g->need_rb = 1;
            qr__rg_out(g, "$rb.idxSet("); qr__rg_emit_expr(g, n->a); qr__rg_emit_args(g, n, 1, 0, 0, 0); qr__rg_out(g, ")");
            return;
        }
        if (!strcmp(m, "-@")) { qr__rg_out(g, "(-"); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); return; }
        if (!strcmp(m, "+@")) { qr__rg_out(g, "(+"); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); return; }
        if (!strcmp(m, "~")) { qr__rg_out(g, "(~"); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ")"); return; }
        if (!strcmp(m, "!")) { qr__rg_out(g, "!"); qr__rg_emit_test(g, n->a); return; }
        qr__rg_emit_binop(g, n);
        return;
    }
    int safe = (n->flags & QR_RUBY_F_SAFE_NAV) != 0;
    if (safe) { qr__rg_out(g, "(($t = "); qr__rg_emit_expr(g, n->a); qr__rg_out(g, ") == null ? null : "); }
    int noargs = n->nkids == 0 && !n->b && !(n->flags & QR_RUBY_F_PARENS);
    int has_block = n->b || block_pass(n);
    if ((n->flags & QR_RUBY_F_ATTR_ASGN) && !strcmp(m, "[]=")) {
        g->need_rb = 1;
        qr__rg_out(g, "$rb.idxSet("); qr__rg_emit_recv(g, n, safe); qr__rg_emit_args(g, n, 1, 0, 0, 0); qr__rg_out(g, ")");
    } else if (n->flags & QR_RUBY_F_ATTR_ASGN) {
        /* obj.title = v */
        qr__rg_out(g, "(");
        qr__rg_emit_recv(g, n, safe);
        size_t l = strlen(m);
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(l && m[l - 1] == '=' ? l - 1 : l), m);
        qr__rg_outf(g, ".%s = ", qr__rg_jsname(base, b, sizeof b));
        if (n->nkids) qr__rg_emit_expr(g, n->kids[n->nkids - 1]);
        else qr__rg_out(g, "undefined");
        qr__rg_out(g, ")");
    } else if (!strcmp(m, "new") && !safe) {
        emit_new(g, n);
    } else if (!strcmp(m, "call") || !strcmp(m, "()")) {
        if (n->a->kind == N(CONST)) { qr__rg_emit_recv(g, n, safe); qr__rg_out(g, ".call("); }
        else { qr__rg_out(g, "("); qr__rg_emit_recv(g, n, safe); qr__rg_out(g, ")("); }
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
    } else if (!strcmp(m, "broadcast") && n->a->kind == N(CALL) && qr__rg_name_is(n->a, "server") && n->a->a &&
               n->a->a->kind == N(CONST) && qr__rg_name_is(n->a->a, "ActionCable") && !n->a->a->a) {
        /* ActionCable.server.broadcast("chat", message: "hi") */
        g->need_rb = 1;
        qr__rg_out(g, "$rb.cableBroadcast(");
        qr__rg_emit_args(g, n, 0, 0, 0, 0);
        qr__rg_out(g, ")");
    } else if ((!strcmp(m, "send") || !strcmp(m, "public_send") || !strcmp(m, "__send__")) && n->nkids) {
        /* obj.send(:name, args) -> obj.name(args); a computed name goes through $rb.send */
        const node *nm = n->kids[0];
        node rest = *n;
        rest.kids = n->kids + 1;
        rest.nkids = n->nkids - 1;
        rest.flags |= QR_RUBY_F_PARENS;
        if (nm->kind == N(SYM) || nm->kind == N(STR)) {
            rest.str = nm->str;
            rest.a = n->a;
            qr__rg_emit_call(g, &rest);
        } else {
            g->need_rb = 1;
            qr__rg_out(g, "$rb.send("); qr__rg_emit_recv(g, n, safe); qr__rg_out(g, ", "); qr__rg_emit_expr(g, nm); qr__rg_emit_args(g, &rest, 1, 0, 0, 0); qr__rg_out(g, ")");
        }
    } else if ((!strcmp(m, "freeze") || !strcmp(m, "itself")) && noargs) {
        qr__rg_emit_recv(g, n, safe);
    } else if (!strcmp(m, "class") && noargs) {
        qr__rg_emit_recv(g, n, safe); qr__rg_out(g, ".constructor");
    } else if ((!strcmp(m, "now") || !strcmp(m, "current")) && noargs &&
               ((n->a->kind == N(CONST) && (qr__rg_name_is(n->a, "Time") || qr__rg_name_is(n->a, "DateTime"))) ||
                (n->a->kind == N(CALL) && qr__rg_name_is(n->a, "zone") && n->a->a && n->a->a->kind == N(CONST) && qr__rg_name_is(n->a->a, "Time")))) {
        qr__rg_out(g, "new Date()"); /* Time.now, Time.current, Time.zone.now */
    } else if ((!strcmp(m, "today") || !strcmp(m, "current")) && noargs && n->a->kind == N(CONST) && qr__rg_name_is(n->a, "Date")) {
        g->need_rb = 1; qr__rg_out(g, "$rb.today()");
    } else {
        const node *inner = n->a;
        int chain = has_block && inner->kind == N(CALL) && inner->a && !inner->b && inner->nkids == 0 &&
                    !(inner->flags & QR_RUBY_F_SAFE_NAV);
        if (chain && ((!strcmp(m, "with_index") && (qr__rg_name_is(inner, "map") || qr__rg_name_is(inner, "each"))) ||
                      (!strcmp(m, "map") && qr__rg_name_is(inner, "each_with_index")))) {
            /* enumerator chains: list.map.with_index { |x, i| }, list.each_with_index.map { |x, i| } */
            g->need_rb = 1;
            qr__rg_out(g, qr__rg_name_is(inner, "each") ? "$rb.eachWithIndex(" : "$rb.mapWithIndex(");
            qr__rg_emit_expr(g, inner->a);
            qr__rg_emit_args(g, n, 1, 0, 0, 0);
            qr__rg_out(g, ")");
            if (safe) qr__rg_out(g, ")");
            return;
        }
        const core_t *core = NULL;
        for (size_t i = 0; i < QR_ARRAY_LEN(CORE); i++)
            if (!strcmp(m, CORE[i].ruby)) { core = &CORE[i]; break; }
        if (core && core->needs_block == 1 && !has_block) core = NULL;
        if (core && core->needs_block == 2 && !has_block && nargs(n)) core = NULL;
        if (core && n->a->kind == N(CONST)) core = NULL; /* Article.find / Article.count / Article.first */
        if (core) {
            g->need_rb = 1;
            qr__rg_outf(g, "$rb.%s(", core->helper);
            qr__rg_emit_recv(g, n, safe);
            int multi = !strcmp(m, "each_with_index") || !strcmp(m, "inject") || !strcmp(m, "reduce") || !strcmp(m, "each_with_object");
            qr__rg_emit_args(g, n, 1, 0, 0, !multi);
            qr__rg_out(g, ")");
        } else if (noargs && !in_list(m, KNOWN_CALL0, QR_ARRAY_LEN(KNOWN_CALL0))) {
            if (in_list(m, KNOWN_PROP, QR_ARRAY_LEN(KNOWN_PROP))) { qr__rg_emit_recv(g, n, safe); qr__rg_outf(g, ".%s", qr__rg_jsname(m, b, sizeof b)); }
            else { g->need_rb = 1; qr__rg_out(g, "$rb.g("); qr__rg_emit_recv(g, n, safe); qr__rg_outf(g, ", \"%s\")", qr__rg_jsname(m, b, sizeof b)); }
        } else {
            /* recv.m(args): a missing method raises Ruby's NoMethodError naming it and the
             * receiver's class ($rb.nm, on the failure path only), not QuickJS' bare "not a
             * function"; $t is read as the call's base before the arguments run */
            const char *js = qr__rg_jsname(m, b, sizeof b);
            g->need_rb = 1;
            qr__rg_out(g, "(($t = ");
            qr__rg_emit_recv(g, n, safe);
            qr__rg_outf(g, ")?.%s ? $t : $rb.nm($t, \"%s\")).%s(", js, js, js);
            qr__rg_emit_args(g, n, 0, 0, 0, 0);
            qr__rg_out(g, ")");
        }
    }
    if (safe) qr__rg_out(g, ")");
}
