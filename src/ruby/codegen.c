/* ruby/codegen.c — Ruby syntax tree (ruby/ast.h) -> ES2020 for lib/quickrail (ruby/codegen.h):
 * the generator's core and entry point. Owns the output buffer and its line alignment with the
 * Ruby, the errors, Ruby -> JS names (camelCase methods, reserved words), local scopes, and
 * constants and imports; qr_ruby_codegen dispatches on the file kind to codegen_rails.c.
 * Expressions: codegen_expr.c, calls: codegen_call.c, statements: codegen_stmt.c (all through
 * ruby/codegen_priv.h). Calls only buf.c, common.c and the caller's constant resolver; no I/O.
 * Runs wherever Ruby is compiled (zygote boot, `quickrail build`, tests). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen_priv.h"

/* ======================================================================================== */
/* output                                                                                   */

void qr__rg_out(gen *g, const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p == '\n') g->line++;
    qr_buf_append_str(&g->out, s);
}

void qr__rg_outf(gen *g, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { qr__rg_out(g, tmp); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    qr__rg_out(g, big);
    free(big);
}

void qr__rg_nl_to(gen *g, uint32_t line)
{
    while (g->line < (int)line) { qr_buf_append(&g->out, "\n", 1); g->line++; }
}

void qr__rg_fail(gen *g, const node *n, const char *hint, const char *fmt, ...)
{
    if (g->failed) return;
    g->failed = 1;
    if (!g->err) return;
    memset(g->err, 0, sizeof *g->err);
    snprintf(g->err->path, sizeof g->err->path, "%s", g->path ? g->path : "(ruby)");
    g->err->line = n ? (int)n->line : 1;
    g->err->col = n ? (int)n->col : 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->err->message, sizeof g->err->message, fmt, ap);
    va_end(ap);
    snprintf(g->err->hint, sizeof g->err->hint, "%s", hint ? hint : "");
}

/* ======================================================================================== */
/* names                                                                                    */

static int is_reserved(const char *s)
{
    static const char *kw[] = {"break", "case", "catch", "class", "const", "continue", "debugger",
        "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for",
        "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch",
        "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let",
        "static", "await", "implements", "package", "protected", "interface", "private", "public",
        "arguments", "eval", "undefined", "NaN", "Infinity"};
    for (size_t i = 0; i < QR_ARRAY_LEN(kw); i++)
        if (strcmp(s, kw[i]) == 0) return 1;
    return 0;
}

void qr_ruby_js_method_name(const char *name, char *o, size_t cap)
{
    if (!cap) return;
    if (!strcmp(name, "exists?")) { snprintf(o, cap, "exists"); return; } /* the framework's name */
    size_t n = strlen(name), k = 0;
    int pred = n > 1 && name[n - 1] == '?', bang = n > 1 && name[n - 1] == '!';
    int setter = n > 1 && name[n - 1] == '=' && name[n - 2] != '=' && name[n - 2] != '!';
    if (pred || bang || setter) n--;
    if (pred && cap > 3) { o[k++] = 'i'; o[k++] = 's'; }
    int up = pred, lead = 1;
    for (size_t i = 0; i < n && k + 5 < cap; i++) {
        char c = name[i];
        if (c == '_' && !lead) { up = 1; continue; }
        if (c != '_') lead = 0;
        if (up && c >= 'a' && c <= 'z') c = (char)(c - 32);
        up = 0;
        o[k++] = c;
    }
    o[k] = 0;
    if (bang && k + 5 < cap) memcpy(o + k, "Bang", 5);
}

const char *qr__rg_jsname(const char *name, char *buf, size_t cap)
{
    qr_ruby_js_method_name(name, buf, cap);
    return buf;
}

/* A Ruby local/param name as a JS binding. */
const char *qr__rg_lname(const char *name, char *buf, size_t cap)
{
    if (is_reserved(name)) snprintf(buf, cap, "%s_", name);
    else snprintf(buf, cap, "%s", name);
    return buf;
}

void qr__rg_out_str_lit(gen *g, const char *s, size_t n)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_json_str(&b, s ? s : "", s ? n : 0);
    qr_buf_append(&b, "", 1);
    /* U+2028/2029 are fine in ES2019+ string literals; JSON escaping has no raw newline */
    qr__rg_out(g, b.data);
    qr_buf_free(&b);
}

void qr__rg_out_tpl_chunk(gen *g, const char *s, size_t n)
{
    qr_buf_t b = QR_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '`' || c == '\\') { qr_buf_append(&b, "\\", 1); qr_buf_append(&b, s + i, 1); }
        else if (c == '$' && i + 1 < n && s[i + 1] == '{') qr_buf_append(&b, "\\$", 2);
        else if (c == '\n') qr_buf_append(&b, "\\n", 2);
        else if (c == '\r') qr_buf_append(&b, "\\r", 2);
        else if (c == '\t') qr_buf_append(&b, "\\t", 2);
        else if (c < 0x20) qr_buf_appendf(&b, "\\u%04x", c);
        else qr_buf_append(&b, s + i, 1);
    }
    qr_buf_append(&b, "", 1);
    qr__rg_out(g, b.data);
    qr_buf_free(&b);
}

/* ======================================================================================== */
/* scopes                                                                                   */

void qr__rg_scope_push(gen *g, scope *s, int hard)
{
    memset(s, 0, sizeof *s);
    s->up = g->sc;
    s->hard = hard;
    g->sc = s;
}

void qr__rg_scope_pop(gen *g)
{
    scope *s = g->sc;
    g->sc = s->up;
    free(s->names);
}

static int scope_has(gen *g, const char *name)
{
    for (scope *s = g->sc; s; s = s->up) {
        for (int i = 0; i < s->n; i++)
            if (strcmp(s->names[i], name) == 0) return 1;
        if (s->hard) break;
    }
    return 0;
}

void qr__rg_scope_add(gen *g, const char *name)
{
    if (!name || !*name || scope_has(g, name)) return;
    scope *s = g->sc;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->names = qr_xrealloc(s->names, (size_t)s->cap * sizeof *s->names);
    }
    s->names[s->n++] = name;
}

/* Collects local names assigned in n (not inside nested defs, classes, blocks, lambdas) that
 * are not visible yet into the current scope, and writes `let a, b;` for them. */
static void collect_assigned(gen *g, const node *n, const char **acc, int *nacc, int cap)
{
    if (!n) return;
    switch (n->kind) {
    case N(DEF): case N(CLASS): case N(MODULE): case N(SCLASS): case N(BLOCK): case N(LAMBDA):
        return;
    case N(LASGN):
        if (n->str && !scope_has(g, n->str)) {
            for (int i = 0; i < *nacc; i++)
                if (strcmp(acc[i], n->str) == 0) goto kids;
            if (*nacc < cap) acc[(*nacc)++] = n->str;
        }
        break;
    case N(OP_ASGN):
        if (n->a && n->a->kind == N(LVAR) && !scope_has(g, n->a->str)) {
            for (int i = 0; i < *nacc; i++)
                if (strcmp(acc[i], n->a->str) == 0) goto kids;
            if (*nacc < cap) acc[(*nacc)++] = n->a->str;
        }
        break;
    case N(CALL):
        /* a statement-level `each` becomes a for-of whose block locals are its own */
        break;
    default:
        break;
    }
kids:
    collect_assigned(g, n->a, acc, nacc, cap);
    collect_assigned(g, n->b, acc, nacc, cap);
    collect_assigned(g, n->c, acc, nacc, cap);
    for (uint32_t i = 0; i < n->nkids; i++) collect_assigned(g, n->kids[i], acc, nacc, cap);
}

void qr__rg_declare_locals(gen *g, const node *body)
{
    const char *acc[256];
    int nacc = 0;
    collect_assigned(g, body, acc, &nacc, 256);
    if (!nacc) return;
    qr__rg_out(g, " let ");
    for (int i = 0; i < nacc; i++) {
        char b[128];
        qr__rg_outf(g, "%s%s", i ? ", " : "", qr__rg_lname(acc[i], b, sizeof b));
        qr__rg_scope_add(g, acc[i]);
    }
    qr__rg_out(g, ";");
}

/* ======================================================================================== */
/* constants and imports                                                                    */

const char *qr__rg_add_import(gen *g, const char *name, const char *spec, int named, const char *orig)
{
    for (int i = 0; i < g->nimports; i++)
        if (strcmp(g->imports[i].name, name) == 0) return g->imports[i].name;
    if (g->nimports >= (int)QR_ARRAY_LEN(g->imports)) { qr__rg_fail(g, NULL, NULL, "too many imports"); return name; }
    import_t *im = &g->imports[g->nimports++];
    snprintf(im->name, sizeof im->name, "%s", name);
    snprintf(im->spec, sizeof im->spec, "%s", spec);
    im->named = named;
    snprintf(im->orig, sizeof im->orig, "%s", orig ? orig : name);
    return im->name;
}

/* Full name of a CONST path ("ActiveRecord::Base"); 0 if it is not a plain constant path. */
int qr__rg_const_path(const node *n, char *buf, size_t cap)
{
    if (!n || n->kind != N(CONST) || !n->str) return 0;
    if (n->a) {
        if (!qr__rg_const_path(n->a, buf, cap)) return 0;
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "::%s", n->str);
    } else snprintf(buf, cap, "%s", n->str);
    return 1;
}

static const struct { const char *ruby, *js; } FRAMEWORK_CONSTS[] = {
    {"ActiveRecord::Base", "ApplicationRecord"}, {"ApplicationRecord", "ApplicationRecord"},
    {"ActionController::Base", "Controller"}, {"ActionController::API", "Controller"},
    {"ApplicationController", "Controller"},
    {"ActiveRecord::Migration", "Migration"}, {"ActionCable::Channel::Base", "Channel"},
    {"ActionCable::Connection::Base", "Connection"},
    {"ActiveRecord::RecordNotFound", "RecordNotFound"}, {"ActiveRecord::RecordInvalid", "RecordInvalid"},
    {"ActionController::ParameterMissing", "ParameterMissing"},
    {"ActionController::InvalidAuthenticityToken", "InvalidAuthenticityToken"},
};

static const struct { const char *ruby, *js; } JS_CONSTS[] = {
    {"String", "String"}, {"Integer", "Number"}, {"Float", "Number"}, {"Numeric", "Number"},
    {"Array", "Array"}, {"Hash", "Object"}, {"Time", "Date"}, {"Date", "Date"}, {"DateTime", "Date"},
    {"Math", "Math"}, {"JSON", "JSON"}, {"StandardError", "Error"}, {"Exception", "Error"},
    {"RuntimeError", "Error"}, {"ArgumentError", "Error"}, {"NoMethodError", "TypeError"},
    {"TypeError", "TypeError"}, {"NameError", "ReferenceError"}, {"Object", "Object"},
    {"Proc", "Function"}, {"Regexp", "RegExp"}, {"Symbol", "String"}, {"NilClass", "Object"},
};

/* The JS global standing for Ruby core constant ruby ("Integer" -> "Number"), or NULL. */
const char *qr__rg_js_const(const char *ruby)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(JS_CONSTS); i++)
        if (strcmp(ruby, JS_CONSTS[i].ruby) == 0) return JS_CONSTS[i].js;
    return NULL;
}

/* Emits the JS for constant path cn. */
void qr__rg_emit_const(gen *g, const node *cn)
{
    char full[256];
    if (!qr__rg_const_path(cn, full, sizeof full)) { qr__rg_fail(g, cn, "name the class directly (`Foo::Bar`)", "unsupported constant scope"); return; }
    if (g->self_mode == SELF_VIEW) {
        /* templates are function bodies (no imports): app constants come from the registry */
        const char *core = qr__rg_js_const(full);
        if (core) { qr__rg_out(g, core); return; }
        qr__rg_outf(g, "__h.__const(\"%s\")", full);
        return;
    }
    if (g->cls && strcmp(full, g->cls_name) == 0) { qr__rg_out(g, g->static_def || g->in_class_body ? "this" : g->cls_name); return; }
    char *spec = g->opts->resolve_const ? g->opts->resolve_const(g->opts->ud, full) : NULL;
    if (spec) {
        char id[128];
        size_t k = 0;
        for (const char *p = full; *p && k + 2 < sizeof id; p++) {
            if (p[0] == ':' && p[1] == ':') { id[k++] = '$'; p++; }
            else id[k++] = *p;
        }
        id[k] = 0;
        qr__rg_out(g, qr__rg_add_import(g, id, spec, 0, NULL));
        free(spec);
        return;
    }
    for (size_t i = 0; i < QR_ARRAY_LEN(FRAMEWORK_CONSTS); i++)
        if (strcmp(full, FRAMEWORK_CONSTS[i].ruby) == 0) {
            const char *js = FRAMEWORK_CONSTS[i].js;
            if (g->cls && !strcmp(js, g->cls_name)) { /* class ApplicationRecord < ActiveRecord::Base */
                char alias[100];
                snprintf(alias, sizeof alias, "$%s", js);
                qr__rg_out(g, qr__rg_add_import(g, alias, "quickrail", 1, js));
            } else qr__rg_out(g, qr__rg_add_import(g, js, "quickrail", 1, NULL));
            return;
        }
    const char *core = qr__rg_js_const(full);
    if (core) { qr__rg_out(g, core); return; }
    /* a constant defined in this file (nested CASGN / class) or at top level */
    char hint[512];
    char lower[160];
    size_t k = 0;
    for (const char *p = full; *p && k + 3 < sizeof lower; p++) {
        if (p[0] == ':' && p[1] == ':') { lower[k++] = '/'; p++; continue; }
        if (*p >= 'A' && *p <= 'Z') {
            if (p != full && p[-1] != ':' && k) lower[k++] = '_';
            lower[k++] = (char)(*p + 32);
        } else lower[k++] = *p;
    }
    lower[k] = 0;
    snprintf(hint, sizeof hint, "define it in app/models/%s.rb (or app/controllers, app/helpers, app/channels), as Rails autoloading expects", lower);
    qr__rg_fail(g, cn, hint, "uninitialized constant %s", full);
}


char *qr_ruby_codegen(const qr_ruby_ast *ast, const qr_ruby_gen_opts *opts, size_t *len,
                      qr_ruby_error *err)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.opts = opts;
    g.kind = opts->kind;
    g.path = ast && ast->path ? ast->path : "(ruby)";
    g.err = err;
    g.line = 1;
    g.self_mode = SELF_THIS;
    if (!ast || !ast->root) { qr__rg_fail(&g, NULL, NULL, "empty tree"); return NULL; }
    const node *root = ast->root;
    switch (g.kind) {
    case QR_RUBY_KIND_ROUTES: qr__rg_emit_routes_file(&g, root); break;
    case QR_RUBY_KIND_SEEDS: qr__rg_emit_seeds_file(&g, root); break;
    case QR_RUBY_KIND_VIEW: case QR_RUBY_KIND_JBUILDER: qr__rg_emit_template(&g, root); break;
    default: qr__rg_emit_class_file(&g, root); break;
    }
    if (g.failed) { qr_buf_free(&g.out); return NULL; }
    /* the header shares line 1 */
    qr_buf_t head = QR_BUF_INIT;
    if (g.kind != QR_RUBY_KIND_VIEW && g.kind != QR_RUBY_KIND_JBUILDER) {
        for (int i = 0; i < g.nimports; i++) {
            import_t *im = &g.imports[i];
            if (im->named) {
                int merged = 0;
                for (int j = 0; j < i; j++)
                    if (g.imports[j].named && !strcmp(g.imports[j].spec, im->spec)) merged = 1;
                if (merged) continue;
                qr_buf_append_str(&head, "import { ");
                int k = 0;
                for (int j = i; j < g.nimports; j++)
                    if (g.imports[j].named && !strcmp(g.imports[j].spec, im->spec))
                    {
                        if (strcmp(g.imports[j].orig, g.imports[j].name))
                            qr_buf_appendf(&head, "%s%s as %s", k++ ? ", " : "", g.imports[j].orig, g.imports[j].name);
                        else qr_buf_appendf(&head, "%s%s", k++ ? ", " : "", g.imports[j].name);
                    }
                qr_buf_appendf(&head, " } from \"%s\"; ", im->spec);
            } else qr_buf_appendf(&head, "import %s from \"%s\"; ", im->name, im->spec);
        }
        if (g.need_rb) qr_buf_append_str(&head, "import * as $rb from \"quickrail/ruby\"; ");
        if (g.need_h) qr_buf_append_str(&head, "import { helpers as $h } from \"quickrail\"; ");
        qr_buf_append_str(&head, "let $t;");
    } else {
        /* templates are function bodies: no imports; helpers come through __h */
        qr_buf_append_str(&head, g.need_rb ? "let $t; const $rb = __h.__rb; " : "let $t; ");
    }
    qr_buf_append(&head, g.out.data ? g.out.data : "", g.out.len);
    qr_buf_append_str(&head, "\n");
    qr_buf_free(&g.out);
    if (len) *len = head.len;
    return qr_buf_steal(&head);
}
