/* ruby/codegen_rails.c — the code generator's definitions and Rails file shapes (docs/ruby.md
 * "Classes and files"): `def` (block params, yield, rescue), class bodies whose DSL lines
 * (has_many, validates, before_action, scope, callbacks ...) become static fields run once,
 * attr_accessor, helper modules as named exports, and the files: models, controllers,
 * channels, migrations, generic classes, config/routes.rb, db/seeds.rb, ERB templates and
 * jbuilder. Calls the other codegen files through ruby/codegen_priv.h; pure computation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen_priv.h"

/* ======================================================================================== */
/* definitions                                                                              */

static int body_uses_yield(const node *n)
{
    if (!n) return 0;
    if (n->kind == N(YIELD)) return 1;
    if (n->kind == N(DEF) || n->kind == N(CLASS) || n->kind == N(MODULE)) return 0;
    if (n->kind == N(CALL) && !n->a && qr__rg_name_is(n, "block_given?")) return 1;
    if (body_uses_yield(n->a) || body_uses_yield(n->b) || body_uses_yield(n->c)) return 1;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (body_uses_yield(n->kids[i])) return 1;
    return 0;
}

static const char *blockarg_name(const node *args)
{
    if (!args) return NULL;
    for (uint32_t i = 0; i < args->nkids; i++)
        if (args->kids[i]->kind == N(BLOCKARG)) return args->kids[i]->str && *args->kids[i]->str ? args->kids[i]->str : "$blk";
    return NULL;
}

/* Emits `name(params) { body }` (prefix: "static ", "export function ", "function ", ""). */
static void emit_def(gen *g, const node *d, const char *prefix)
{
    char js[160];
    const char *name = d->str ? d->str : "";
    size_t l = strlen(name);
    if (!strcmp(name, "to_s")) snprintf(js, sizeof js, "toString");
    else if (!strcmp(name, "==")) snprintf(js, sizeof js, "equals");
    else if (!strcmp(name, "initialize")) snprintf(js, sizeof js, "constructor");
    else if (l > 1 && name[l - 1] == '=' && name[l - 2] != '=') {
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(l - 1), name);
        char tmp[128];
        snprintf(js, sizeof js, "set %s", qr__rg_jsname(base, tmp, sizeof tmp));
    } else if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) {
        qr__rg_fail(g, d, "define a named method instead (`def plus(other)`)", "unsupported: operator method `%s`", name);
        return;
    } else qr__rg_jsname(name, js, sizeof js);
    if (!strcmp(js, "constructor") && g->cls) {
        qr__rg_fail(g, d, "models and controllers get their attributes from the framework; use an `after_initialize` callback", "unsupported: `initialize` in a class");
        return;
    }
    scope s;
    qr__rg_scope_push(g, &s, 1);
    const char *saved_blk = g->blk;
    int saved_loop = g->loop;
    g->loop = LOOP_NONE;
    const char *bn = blockarg_name(d->b);
    int yields = body_uses_yield(d->c);
    g->blk = bn ? bn : (yields ? "$blk" : NULL);
    const char *saved_method = g->method;
    g->method = js;
    qr__rg_outf(g, "%s%s", prefix, js);
    qr__rg_emit_params(g, d->b, 0, yields && !bn);
    qr__rg_out(g, " {");
    qr__rg_declare_locals(g, d->c);
    if (!strncmp(js, "set ", 4)) qr__rg_emit_body(g, d->c, 0);
    else qr__rg_emit_body(g, d->c, 1);
    if (d->end_line > d->line) qr__rg_nl_to(g, d->end_line);
    qr__rg_out(g, " }");
    g->blk = saved_blk;
    g->loop = saved_loop;
    g->method = saved_method;
    qr__rg_scope_pop(g);
}

static void collect_defs(gen *g, const node *body, const char ***defs, int *n)
{
    if (!body) return;
    if (body->kind == N(BEGIN)) body = body->a;
    if (!body || body->kind != N(SEQ)) return;
    for (uint32_t i = 0; i < body->nkids; i++) {
        const node *s = body->kids[i];
        if (s->kind == N(DEF) && s->str) {
            *defs = qr_xrealloc(*defs, (size_t)(*n + 1) * sizeof **defs);
            (*defs)[(*n)++] = s->str;
        }
        /* (attr_accessor :a is a plain property: `@a` is this.a, `obj.a` reads it, not a method) */
    }
    (void)g;
}

static int is_abstract_record_body(const node *body)
{
    if (!body || body->kind != N(SEQ)) return 0;
    for (uint32_t i = 0; i < body->nkids; i++) {
        const node *s = body->kids[i];
        if (s->kind == N(CALL) && !s->a && qr__rg_name_is(s, "primary_abstract_class")) continue;
        if (s->kind == N(CALL) && (s->flags & QR_RUBY_F_ATTR_ASGN) && s->a && s->a->kind == N(SELF) && qr__rg_name_is(s, "abstract_class=")) continue;
        return 0;
    }
    return 1;
}

/* Class-body macros the runtime (lib/quickrail/ruby/macros.js) implements, called with the
 * class: `delegate :a, to: :b` -> `$rb.delegate(this, "a", { to: "b" })`. method_refs: leading
 * symbols name methods (camelized). */
struct macro { const char *ruby, *js; int method_refs; };
static const struct macro MACROS[] = {
    {"define_method", "defineMethod", 0}, {"delegate", "delegate", 0}, {"enum", "enumMacro", 0},
    {"around_action", "aroundAction", 1}, {"helper_method", "helperMethod", 0}, {"include", "includeConcern", 0},
};

static const struct macro *macro_of(const node *st)
{
    if (st->kind != N(CALL) || st->a || !st->str) return NULL;
    for (size_t i = 0; i < QR_ARRAY_LEN(MACROS); i++)
        if (!strcmp(st->str, MACROS[i].ruby)) return &MACROS[i];
    return NULL;
}

/* `extend ActiveSupport::Concern` */
static int is_concern_extend(const node *st)
{
    char full[128];
    return st->kind == N(CALL) && !st->a && qr__rg_name_is(st, "extend") && st->nkids == 1 &&
           qr__rg_const_path(st->kids[0], full, sizeof full) && !strcmp(full, "ActiveSupport::Concern");
}

/* Class-level statements run with self = the class inside a function (a concern's included
 * block, a class body's `each`): macros go to the runtime, other lines are DSL lines. */
static void emit_class_level_stmts(gen *g, const node *body)
{
    for (uint32_t i = 0; body && body->kind == N(SEQ) && i < body->nkids && !g->failed; i++) {
        const node *st = body->kids[i];
        qr__rg_nl_to(g, st->line);
        const struct macro *mac = macro_of(st);
        g->in_class_body = 1;
        g->static_def = 1;
        if (mac) {
            g->need_rb = 1;
            qr__rg_outf(g, " $rb.%s(this", mac->js);
            qr__rg_emit_args(g, st, 1, mac->method_refs, 1, 0);
            qr__rg_out(g, ");");
        } else if (st->kind == N(DEF)) {
            qr__rg_fail(g, st, "define methods in the class (or the concern's module) body, or with `define_method`", "unsupported: def inside a class-level block");
        } else {
            qr__rg_out(g, " ");
            qr__rg_emit_expr(g, st);
            qr__rg_out(g, ";");
        }
        g->static_def = 0;
        g->in_class_body = 0;
    }
}

/* A concern's `included do ... end`: a function run with self = the including class, whose
 * lines are class-body DSL lines (has_many, scope, validates, before_action ...). */
static void emit_included(gen *g, const node *blk)
{
    qr__rg_out(g, " static $included = function () {");
    emit_class_level_stmts(g, blk->b);
    if (blk->end_line > blk->line) qr__rg_nl_to(g, blk->end_line);
    qr__rg_out(g, " };");
}

/* `%w[draft published].each do |s| define_method("#{s}?") { ... } end` in a class body: an
 * arrow over the values (self stays the class), its lines class-level statements. */
static int is_class_each(const node *st)
{
    return st->kind == N(CALL) && st->a && st->b && st->nkids == 0 && qr__rg_name_is(st, "each");
}

static void emit_class_each(gen *g, const node *st)
{
    const node *blk = st->b;
    g->need_rb = 1;
    qr__rg_outf(g, " static $%u = void $rb.each(", st->line);
    g->in_class_body = 1;
    g->static_def = 1;
    qr__rg_emit_expr(g, st->a);
    g->static_def = 0;
    g->in_class_body = 0;
    qr__rg_out(g, ", ");
    scope s;
    qr__rg_scope_push(g, &s, 0);
    qr__rg_emit_params(g, blk->a, 0, 0);
    qr__rg_out(g, " => {");
    qr__rg_declare_locals(g, blk->b);
    emit_class_level_stmts(g, blk->b);
    if (blk->end_line > blk->line) qr__rg_nl_to(g, blk->end_line);
    qr__rg_out(g, " });");
    qr__rg_scope_pop(g);
}

/* A concern's `class_methods do def x ... end end`: static methods of the including class. */
static void emit_class_methods(gen *g, const node *blk)
{
    const node *body = blk->b;
    for (uint32_t i = 0; body && i < (body->kind == N(SEQ) ? body->nkids : 1) && !g->failed; i++) {
        const node *d = body->kind == N(SEQ) ? body->kids[i] : body;
        qr__rg_nl_to(g, d->line);
        if (d->kind == N(DEF)) { g->static_def = 1; qr__rg_out(g, " "); emit_def(g, d, "static "); g->static_def = 0; }
        else if (d->kind == N(CALL) && !d->a && (qr__rg_name_is(d, "private") || qr__rg_name_is(d, "protected") || qr__rg_name_is(d, "public"))) continue;
        else qr__rg_fail(g, d, "only `def`s go in `class_methods do ... end`", "unsupported statement in `class_methods`");
    }
}

/* Emits a class: header, body items, closing brace. export: "export default " or "". */
static void emit_class(gen *g, const node *c, const char *export_kw, const char *js_name)
{
    const node *saved_cls = g->cls;
    char saved_name[96];
    snprintf(saved_name, sizeof saved_name, "%s", g->cls_name);
    const char **saved_defs = g->defs;
    int saved_ndefs = g->ndefs;
    g->cls = c;
    snprintf(g->cls_name, sizeof g->cls_name, "%s", js_name);
    g->defs = NULL;
    g->ndefs = 0;
    const char **saved_attrs = g->attrs;
    int saved_nattrs = g->nattrs;
    g->attrs = NULL;
    g->nattrs = 0;
    const node *body = c->c;
    collect_defs(g, body, &g->defs, &g->ndefs);
    if (body && body->kind == N(SEQ))
        for (uint32_t i = 0; i < body->nkids; i++) {
            const node *st = body->kids[i];
            if (st->kind == N(CALL) && !st->a && st->str && !strncmp(st->str, "attr_", 5))
                for (uint32_t j = 0; j < st->nkids; j++)
                    if (st->kids[j]->kind == N(SYM)) {
                        g->attrs = qr_xrealloc(g->attrs, (size_t)(g->nattrs + 1) * sizeof *g->attrs);
                        g->attrs[g->nattrs++] = st->kids[j]->str;
                    }
        }

    qr__rg_nl_to(g, c->line);
    /* class ApplicationRecord < ActiveRecord::Base; self.abstract_class = true; end */
    char super_name[128] = "";
    if (c->b) qr__rg_const_path(c->b, super_name, sizeof super_name);
    if (!strcmp(super_name, "ActiveRecord::Base") && is_abstract_record_body(body)) {
        const char *ar = strcmp(js_name, "ApplicationRecord") ? qr__rg_add_import(g, "ApplicationRecord", "quickrail", 1, NULL)
                                                              : qr__rg_add_import(g, "$ApplicationRecord", "quickrail", 1, "ApplicationRecord");
        qr__rg_outf(g, " %sclass %s extends %s { static abstractClass = true; }", export_kw, js_name, ar);
        goto done;
    }
    qr__rg_outf(g, " %sclass %s", export_kw, js_name);
    if (c->b) {
        qr__rg_out(g, " extends ");
        qr__rg_emit_expr(g, c->b);
    }
    qr__rg_out(g, " {");
    if (body && body->kind == N(SEQ)) {
        scope s;
        qr__rg_scope_push(g, &s, 1);
        int in_singleton = 0;
        for (uint32_t i = 0; i < body->nkids && !g->failed; i++) {
            const node *st = body->kids[i];
            qr__rg_nl_to(g, st->line);
            if (st->kind == N(DEF)) {
                int stat = st->a != NULL || in_singleton;
                g->static_def = stat;
                qr__rg_out(g, " ");
                emit_def(g, st, stat ? "static " : "");
                g->static_def = 0;
                continue;
            }
            if (st->kind == N(SCLASS) && st->c && st->c->kind == N(SEQ)) {
                for (uint32_t j = 0; j < st->c->nkids; j++) {
                    const node *d = st->c->kids[j];
                    qr__rg_nl_to(g, d->line);
                    if (d->kind == N(DEF)) { g->static_def = 1; qr__rg_out(g, " "); emit_def(g, d, "static "); g->static_def = 0; }
                    else if (d->kind == N(CALL) && !d->a && (qr__rg_name_is(d, "private") || qr__rg_name_is(d, "protected") || qr__rg_name_is(d, "public"))) continue;
                    else qr__rg_fail(g, d, "only `def`s are supported inside `class << self`", "unsupported statement in `class << self`");
                }
                continue;
            }
            if (st->kind == N(CALL) && !st->a && st->str && (qr__rg_name_is(st, "private") || qr__rg_name_is(st, "protected") || qr__rg_name_is(st, "public") || qr__rg_name_is(st, "private_class_method"))) {
                if (st->nkids == 1 && st->kids[0]->kind == N(DEF)) {
                    qr__rg_out(g, " ");
                    emit_def(g, st->kids[0], st->kids[0]->a ? "static " : "");
                }
                continue;
            }
            if (st->kind == N(CALL) && !st->a && st->str && !strncmp(st->str, "attr_", 5)) {
                /* attr_accessor :label_text -> get/set labelText() over the ivar (this.label_text) */
                int rd = !strcmp(st->str, "attr_accessor") || !strcmp(st->str, "attr_reader");
                int wr = !strcmp(st->str, "attr_accessor") || !strcmp(st->str, "attr_writer");
                for (uint32_t j = 0; j < st->nkids; j++) {
                    if (st->kids[j]->kind != N(SYM)) continue;
                    char js[128], iv[160];
                    qr__rg_jsname(st->kids[j]->str, js, sizeof js);
                    snprintf(iv, sizeof iv, "%s%s", qr__rg_ivar_shadowed(g, st->kids[j]->str) ? "$" : "", st->kids[j]->str);
                    if (rd) qr__rg_outf(g, " get %s() { return this.%s; }", js, iv);
                    if (wr) qr__rg_outf(g, " set %s(v) { this.%s = v; }", js, iv);
                }
                continue;
            }
            if (g->concern && is_concern_extend(st)) continue;
            if (g->concern && st->kind == N(CALL) && !st->a && st->b && !st->nkids && qr__rg_name_is(st, "included")) {
                emit_included(g, st->b);
                continue;
            }
            if (g->concern && st->kind == N(CALL) && !st->a && st->b && !st->nkids && qr__rg_name_is(st, "class_methods")) {
                emit_class_methods(g, st->b);
                continue;
            }
            if (st->kind == N(CALL) && !st->a && qr__rg_name_is(st, "extend")) {
                qr__rg_fail(g, st, "a concern's class methods go in `class_methods do ... end` (app/models/concerns)", "unsupported: `extend` of a module");
                continue;
            }
            if (st->kind == N(CALL) && !st->a && qr__rg_name_is(st, "has_secure_password")) {
                qr__rg_fail(g, st, "quickrail has no bcrypt: keep a password digest column and compare it in the model yourself", "unsupported: `has_secure_password`");
                continue;
            }
            if (g->concern && st->kind == N(CALL) && !st->a && !macro_of(st)) {
                qr__rg_fail(g, st, "class-level calls of a concern go in `included do ... end`", "unsupported: `%s` directly in a concern", st->str ? st->str : "call");
                continue;
            }
            if (is_class_each(st) && g->concern) { qr__rg_fail(g, st, "class-level calls of a concern go in `included do ... end`", "unsupported: `each` directly in a concern"); continue; }
            if (is_class_each(st)) { emit_class_each(g, st); continue; }
            const struct macro *mac = macro_of(st);
            if (mac) {
                /* a Rails macro the runtime implements on the class: $rb.delegate(this, ...) */
                g->need_rb = 1;
                qr__rg_outf(g, " static $%u = void $rb.%s(this", st->line, mac->js);
                g->in_class_body = 1;
                g->static_def = 1;
                qr__rg_emit_args(g, st, 1, mac->method_refs, 1, 0);
                g->static_def = 0;
                g->in_class_body = 0;
                qr__rg_out(g, ");");
                continue;
            }
            if (st->kind == N(CASGN) && !st->a) {
                qr__rg_outf(g, " static %s = ", st->str);
                g->in_class_body = 1;
                qr__rg_emit_expr(g, st->b);
                g->in_class_body = 0;
                qr__rg_out(g, ";");
                continue;
            }
            if (st->kind == N(CLASS) || st->kind == N(MODULE)) {
                qr__rg_fail(g, st, "put each class in its own file, as Rails autoloading expects", "unsupported: a class or module nested in a class");
                continue;
            }
            if (st->kind == N(ALIAS) && st->a && st->b && st->a->str && st->b->str) {
                char a[128], b[128];
                qr__rg_outf(g, " %s(...a) { return this.%s(...a); }", qr__rg_jsname(st->a->str, a, sizeof a), qr__rg_jsname(st->b->str, b, sizeof b));
                continue;
            }
            /* a DSL line: runs once, when the class is defined, with self = the class */
            qr__rg_outf(g, " static $%u = void ", st->line);
            g->in_class_body = 1;
            g->static_def = 1;
            qr__rg_emit_expr(g, st);
            g->static_def = 0;
            g->in_class_body = 0;
            qr__rg_out(g, ";");
        }
        qr__rg_scope_pop(g);
    } else if (body && body->kind == N(BEGIN)) {
        qr__rg_fail(g, body, NULL, "unsupported: rescue in a class body");
    }
    qr__rg_nl_to(g, c->end_line);
    qr__rg_out(g, " }");
done:
    free(g->defs);
    g->defs = saved_defs;
    g->ndefs = saved_ndefs;
    free(g->attrs);
    g->attrs = saved_attrs;
    g->nattrs = saved_nattrs;
    g->cls = saved_cls;
    snprintf(g->cls_name, sizeof g->cls_name, "%s", saved_name);
}

/* The JS binding for a class named by path cn (the last segment). */
static const char *class_binding(const node *cn) { return cn && cn->str ? cn->str : "Anonymous"; }

/* module ApplicationHelper ... end -> export function ... */
static void emit_helper_module(gen *g, const node *m)
{
    const node *body = m->c;
    g->defs = NULL;
    g->ndefs = 0;
    collect_defs(g, body, &g->defs, &g->ndefs);
    qr__rg_nl_to(g, m->line);
    int saved = g->self_mode;
    g->self_mode = SELF_HELPER;
    if (body && body->kind == N(SEQ))
        for (uint32_t i = 0; i < body->nkids && !g->failed; i++) {
            const node *st = body->kids[i];
            qr__rg_nl_to(g, st->line);
            if (st->kind == N(DEF)) { qr__rg_out(g, " "); emit_def(g, st, "export function "); continue; }
            if (st->kind == N(CALL) && !st->a && (qr__rg_name_is(st, "private") || qr__rg_name_is(st, "protected") || qr__rg_name_is(st, "module_function"))) continue;
            if (st->kind == N(CASGN) && !st->a) { qr__rg_outf(g, " export const %s = ", st->str); qr__rg_emit_expr(g, st->b); qr__rg_out(g, ";"); continue; }
            qr__rg_fail(g, st, "a helper module holds `def`s only", "unsupported statement in a helper module");
        }
    g->self_mode = saved;
    free(g->defs);
    g->defs = NULL;
    g->ndefs = 0;
}

/* Finds the one class of a class file, looking through `module X ... end` wrappers. */
static const node *find_class(const node *seq, const node **module_out)
{
    if (!seq || seq->kind != N(SEQ)) return NULL;
    for (uint32_t i = 0; i < seq->nkids; i++) {
        const node *s = seq->kids[i];
        if (s->kind == N(CLASS)) return s;
        if (s->kind == N(MODULE)) {
            const node *inner = find_class(s->c, module_out);
            if (inner) return inner;
            if (module_out) *module_out = s;
        }
    }
    return NULL;
}

static int is_ignorable_top(const node *s)
{
    return s->kind == N(CALL) && !s->a && (qr__rg_name_is(s, "require") || qr__rg_name_is(s, "require_relative"));
}

/* Does module m extend ActiveSupport::Concern? */
static int is_concern(const node *m)
{
    const node *body = m->c;
    for (uint32_t i = 0; body && body->kind == N(SEQ) && i < body->nkids; i++)
        if (is_concern_extend(body->kids[i])) return 1;
    return body && is_concern_extend(body);
}

/* ======================================================================================== */
/* files                                                                                    */

void qr__rg_emit_class_file(gen *g, const node *root)
{
    const node *mod = NULL;
    const node *cls = find_class(root, &mod);
    if (!cls && mod && is_concern(mod)) {
        /* module Trashable; extend ActiveSupport::Concern ... end -> a class the runtime turns
         * into a concern ($rb.concern): its methods, class_methods and included block */
        g->concern = 1;
        g->need_rb = 1;
        emit_class(g, mod, "export default $rb.concern(", class_binding(mod->a));
        qr__rg_out(g, ");");
        g->concern = 0;
        return;
    }
    if (!cls) {
        if (mod) {
            if (g->kind == QR_RUBY_KIND_HELPER || g->kind == QR_RUBY_KIND_GENERIC) { emit_helper_module(g, mod); return; }
        }
        for (uint32_t i = 0; i < root->nkids; i++)
            if (!is_ignorable_top(root->kids[i])) {
                qr__rg_fail(g, root->kids[i], "a file under app/ defines one class named after the file (app/models/article.rb: `class Article < ApplicationRecord`)", "expected a class definition");
                return;
            }
        qr__rg_out(g, "export {};");
        return;
    }
    for (uint32_t i = 0; i < root->nkids; i++) {
        const node *s = root->kids[i];
        if (s == cls || is_ignorable_top(s)) continue;
        if (s->kind == N(MODULE) && find_class(s->c, NULL) == cls) continue;
        qr__rg_fail(g, s, "keep one class per file, as Rails autoloading expects", "unexpected statement outside the class");
        return;
    }
    emit_class(g, cls, "export default ", class_binding(cls->a));
}

static int is_routes_draw(const node *n)
{
    char full[128];
    return n && n->kind == N(CALL) && qr__rg_name_is(n, "draw") && n->b && n->a && n->a->kind == N(CALL) &&
           qr__rg_name_is(n->a, "routes") && n->a->a && n->a->a->kind == N(CALL) && qr__rg_name_is(n->a->a, "application") &&
           qr__rg_const_path(n->a->a->a, full, sizeof full) && !strcmp(full, "Rails");
}

void qr__rg_emit_routes_file(gen *g, const node *root)
{
    const node *draw = NULL;
    for (uint32_t i = 0; i < root->nkids; i++) {
        if (is_routes_draw(root->kids[i])) { draw = root->kids[i]; continue; }
        if (is_ignorable_top(root->kids[i])) continue;
        qr__rg_fail(g, root->kids[i], "config/routes.rb holds one `Rails.application.routes.draw do ... end`", "unexpected statement in config/routes.rb");
        return;
    }
    if (!draw) { qr__rg_fail(g, NULL, "write `Rails.application.routes.draw do ... end`", "config/routes.rb has no routes.draw block"); return; }
    qr__rg_nl_to(g, draw->line);
    g->self_mode = SELF_ROUTES;
    qr__rg_out(g, " export default (r) => {");
    scope s;
    qr__rg_scope_push(g, &s, 1);
    qr__rg_declare_locals(g, draw->b->b);
    qr__rg_emit_body(g, draw->b->b, 0);
    qr__rg_scope_pop(g);
    qr__rg_nl_to(g, draw->b->end_line);
    qr__rg_out(g, " };");
}

void qr__rg_emit_seeds_file(gen *g, const node *root)
{
    g->self_mode = SELF_TOP;
    qr__rg_out(g, " export default function seed() {");
    scope s;
    qr__rg_scope_push(g, &s, 1);
    qr__rg_declare_locals(g, root);
    for (uint32_t i = 0; i < root->nkids && !g->failed; i++) {
        const node *st = root->kids[i];
        if (is_ignorable_top(st)) continue;
        if (st->kind == N(DEF)) { qr__rg_nl_to(g, st->line); qr__rg_out(g, " "); emit_def(g, st, "function "); continue; }
        qr__rg_emit_stmt(g, st, 0);
    }
    qr__rg_scope_pop(g);
    qr__rg_out(g, " }");
}

/* A template function body: (__l, __a, __c, __h) -> string. The Ruby comes from ruby/erb.c. */
void qr__rg_emit_template(gen *g, const node *root)
{
    g->self_mode = SELF_VIEW;
    scope s;
    qr__rg_scope_push(g, &s, 1);
    int html = g->kind == QR_RUBY_KIND_VIEW;
    if (html) qr__rg_out(g, "const __e = __h.__escape, __r = __h.__raw; const __saved = __c.o; __c.o = [];");
    qr__rg_out(g, " try {");
    qr__rg_declare_locals(g, root);
    for (uint32_t i = 0; i < root->nkids && !g->failed; i++) qr__rg_emit_stmt(g, root->kids[i], 0);
    if (html) qr__rg_out(g, " return __c.o.join(\"\");");
    /* errors name the template and its line (the body is line-aligned with the template) */
    g->need_rb = 1;
    qr__rg_out(g, " } catch ($e) { throw __h.__templateError($e, ");
    const char *name = strstr(g->path, "app/views/"); /* the template as the app names it */
    if (!name) name = g->path;
    qr__rg_out_str_lit(g, name, strlen(name));
    qr__rg_out(g, ", $rb.tplLine($e)); }");
    if (html) qr__rg_out(g, " finally { __c.o = __saved; }");
    qr__rg_scope_pop(g);
}
