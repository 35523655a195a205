/* ruby/codegen.c — Ruby syntax tree (ruby/ast.h) -> ES2020 for lib/quickrail (ruby/codegen.h).
 * Owns the mapping in docs/ruby.md: names (camelCase methods, ivars as this.x), calls with and
 * without parentheses, blocks as arrows (as functions for class-body DSL blocks, which the
 * framework calls with self = the record/controller), truthiness tests inlined, the Rails file
 * shapes (class files, routes, migrations, seeds, helpers, templates). Output stays line-aligned
 * with the Ruby. Calls only buf.c, common.c and the caller's constant resolver; no I/O. Runs
 * wherever Ruby is compiled (zygote boot, `quickrail build`, tests). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "ruby/codegen.h"

#define N(x) QR_RUBY_##x
typedef qr_ruby_node node;

enum { SELF_THIS, SELF_ROUTES, SELF_VIEW, SELF_HELPER, SELF_TOP };
enum { LOOP_NONE, LOOP_JS, LOOP_BLOCK };

typedef struct scope {
    struct scope *up;
    int hard;              /* a def/function boundary: names above it are not visible */
    const char **names;
    int n, cap;
} scope;

typedef struct {
    char name[96];         /* JS binding */
    char spec[512];        /* import specifier */
    int named;             /* import { name } from spec (else default) */
    char orig[96];         /* for named: the exported name */
} import_t;

typedef struct {
    const qr_ruby_gen_opts *opts;
    qr_ruby_file_kind kind;
    const char *path;
    qr_buf_t out;
    int line;
    int failed;
    qr_ruby_error *err;
    import_t imports[64];
    int nimports;
    int need_rb, need_h;
    scope *sc;
    int self_mode;
    int loop;              /* what next/break mean here */
    int in_class_body;     /* emitting a class body DSL statement (blocks become functions) */
    int static_def;        /* inside def self.x */
    const char *blk;       /* JS name of the current method's block parameter, or NULL */
    int uses_yield;
    const node *cls;       /* the class being emitted */
    char cls_name[96];
    const char **defs;     /* method names the class (or helper module) defines */
    int ndefs;
    const char **attrs;    /* attr_accessor/reader/writer names of the class */
    int nattrs;
    int case_seq;
    const char *method;    /* JS name of the method being emitted (for super) */
} gen;

/* ======================================================================================== */
/* output                                                                                   */

static void out(gen *g, const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p == '\n') g->line++;
    qr_buf_append_str(&g->out, s);
}

__attribute__((format(printf, 2, 3))) static void outf(gen *g, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { out(g, tmp); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out(g, big);
    free(big);
}

static void nl_to(gen *g, uint32_t line)
{
    while (g->line < (int)line) { qr_buf_append(&g->out, "\n", 1); g->line++; }
}

__attribute__((format(printf, 4, 5))) static void fail(gen *g, const node *n, const char *hint,
                                                       const char *fmt, ...)
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

static const char *jsname(const char *name, char *buf, size_t cap)
{
    qr_ruby_js_method_name(name, buf, cap);
    return buf;
}

/* A Ruby local/param name as a JS binding. */
static const char *lname(const char *name, char *buf, size_t cap)
{
    if (is_reserved(name)) snprintf(buf, cap, "%s_", name);
    else snprintf(buf, cap, "%s", name);
    return buf;
}

static void out_str_lit(gen *g, const char *s, size_t n)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_json_str(&b, s ? s : "", s ? n : 0);
    qr_buf_append(&b, "", 1);
    /* U+2028/2029 are fine in ES2019+ string literals; JSON escaping has no raw newline */
    out(g, b.data);
    qr_buf_free(&b);
}

static void out_tpl_chunk(gen *g, const char *s, size_t n)
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
    out(g, b.data);
    qr_buf_free(&b);
}

/* ======================================================================================== */
/* scopes                                                                                   */

static void scope_push(gen *g, scope *s, int hard)
{
    memset(s, 0, sizeof *s);
    s->up = g->sc;
    s->hard = hard;
    g->sc = s;
}

static void scope_pop(gen *g)
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

static void scope_add(gen *g, const char *name)
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

static void declare_locals(gen *g, const node *body)
{
    const char *acc[256];
    int nacc = 0;
    collect_assigned(g, body, acc, &nacc, 256);
    if (!nacc) return;
    out(g, " let ");
    for (int i = 0; i < nacc; i++) {
        char b[128];
        outf(g, "%s%s", i ? ", " : "", lname(acc[i], b, sizeof b));
        scope_add(g, acc[i]);
    }
    out(g, ";");
}

/* ======================================================================================== */
/* constants and imports                                                                    */

static const char *add_import(gen *g, const char *name, const char *spec, int named, const char *orig)
{
    for (int i = 0; i < g->nimports; i++)
        if (strcmp(g->imports[i].name, name) == 0) return g->imports[i].name;
    if (g->nimports >= (int)QR_ARRAY_LEN(g->imports)) { fail(g, NULL, NULL, "too many imports"); return name; }
    import_t *im = &g->imports[g->nimports++];
    snprintf(im->name, sizeof im->name, "%s", name);
    snprintf(im->spec, sizeof im->spec, "%s", spec);
    im->named = named;
    snprintf(im->orig, sizeof im->orig, "%s", orig ? orig : name);
    return im->name;
}

/* Full name of a CONST path ("ActiveRecord::Base"); 0 if it is not a plain constant path. */
static int const_path(const node *n, char *buf, size_t cap)
{
    if (!n || n->kind != N(CONST) || !n->str) return 0;
    if (n->a) {
        if (!const_path(n->a, buf, cap)) return 0;
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

/* Emits the JS for constant path cn. */
static void emit_const(gen *g, const node *cn)
{
    char full[256];
    if (!const_path(cn, full, sizeof full)) { fail(g, cn, "name the class directly (`Foo::Bar`)", "unsupported constant scope"); return; }
    if (g->self_mode == SELF_VIEW) {
        /* templates are function bodies (no imports): app constants come from the registry */
        for (size_t i = 0; i < QR_ARRAY_LEN(JS_CONSTS); i++)
            if (strcmp(full, JS_CONSTS[i].ruby) == 0) { out(g, JS_CONSTS[i].js); return; }
        outf(g, "__h.__const(\"%s\")", full);
        return;
    }
    if (g->cls && strcmp(full, g->cls_name) == 0) { out(g, g->static_def || g->in_class_body ? "this" : g->cls_name); return; }
    char *spec = g->opts->resolve_const ? g->opts->resolve_const(g->opts->ud, full) : NULL;
    if (spec) {
        char id[128];
        size_t k = 0;
        for (const char *p = full; *p && k + 2 < sizeof id; p++) {
            if (p[0] == ':' && p[1] == ':') { id[k++] = '$'; p++; }
            else id[k++] = *p;
        }
        id[k] = 0;
        out(g, add_import(g, id, spec, 0, NULL));
        free(spec);
        return;
    }
    for (size_t i = 0; i < QR_ARRAY_LEN(FRAMEWORK_CONSTS); i++)
        if (strcmp(full, FRAMEWORK_CONSTS[i].ruby) == 0) {
            const char *js = FRAMEWORK_CONSTS[i].js;
            if (g->cls && !strcmp(js, g->cls_name)) { /* class ApplicationRecord < ActiveRecord::Base */
                char alias[100];
                snprintf(alias, sizeof alias, "$%s", js);
                out(g, add_import(g, alias, "quickrail", 1, js));
            } else out(g, add_import(g, js, "quickrail", 1, NULL));
            return;
        }
    for (size_t i = 0; i < QR_ARRAY_LEN(JS_CONSTS); i++)
        if (strcmp(full, JS_CONSTS[i].ruby) == 0) { out(g, JS_CONSTS[i].js); return; }
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
    fail(g, cn, hint, "uninitialized constant %s", full);
}

/* ======================================================================================== */
/* expressions                                                                              */

static void emit_expr(gen *g, const node *n);
static void emit_stmt(gen *g, const node *n, int ret);
static void emit_body(gen *g, const node *body, int ret);
static void emit_test(gen *g, const node *n);
static void emit_block_fn(gen *g, const node *blk, int as_function, int splat_pairs);

static int is_literal(const node *n)
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

static int name_is(const node *n, const char *name) { return n && n->str && strcmp(n->str, name) == 0; }

static int is_simple(const node *n)
{
    return n && (n->kind == N(LVAR) || n->kind == N(IVAR) || n->kind == N(SELF) || is_literal(n));
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

static int class_defines(gen *g, const char *name);

/* An ivar named like one of the class's methods (`def article; @article ||= ...`) is read as the
 * object's own property, so the method on the prototype never stands in for it. */
static int ivar_shadowed(gen *g, const char *s)
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

static int class_has_attr(gen *g, const char *name)
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
    if (g->self_mode == SELF_VIEW) outf(g, "__a.%s", s);
    else if (g->static_def || ivar_shadowed(g, s)) outf(g, "this.$%s", s);
    else outf(g, "this.%s", s);
}

static void emit_ivar_lhs(gen *g, const char *name) { emit_ivar(g, name); }

static void emit_self(gen *g)
{
    switch (g->self_mode) {
    case SELF_ROUTES: out(g, "r"); break;
    case SELF_VIEW: out(g, "__c"); break;
    case SELF_HELPER: out(g, "$h"); g->need_h = 1; break;
    default: out(g, "this"); break;
    }
}

static void emit_dstr_parts(gen *g, const node *n)
{
    out(g, "`");
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *p = n->kids[i];
        if (p->kind == N(STR)) out_tpl_chunk(g, p->str ? p->str : "", p->len);
        else if (p->kind == N(EVSTR)) {
            const node *seq = p->a;
            if (!seq || seq->nkids == 0) continue;
            out(g, "${");
            const node *e = seq->kids[seq->nkids - 1];
            if (e->kind == N(STR)) emit_expr(g, e);
            else { g->need_rb = 1; out(g, "$rb.s("); emit_expr(g, e); out(g, ")"); }
            out(g, "}");
        } else if (p->kind == N(DSTR)) {
            out(g, "${");
            emit_expr(g, p);
            out(g, "}");
        }
    }
    out(g, "`");
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
                if (strcmp(s, CAMEL_OPT_KEYS[i]) == 0) { char b[96]; out(g, jsname(s, b, sizeof b)); return; }
        int ident = (s[0] && !(s[0] >= '0' && s[0] <= '9'));
        for (const char *p = s; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$')) ident = 0;
        if (ident) out(g, s);
        else out_str_lit(g, s, strlen(s));
        return;
    }
    out(g, "[");
    emit_expr(g, k);
    out(g, "]");
}

/* Symbols naming methods (`if: :published?`, `with: :handler`) are camelized. */
static int method_ref_key(const node *k)
{
    return k && k->kind == N(SYM) && (name_is(k, "if") || name_is(k, "unless") || name_is(k, "with"));
}

static void emit_hash(gen *g, const node *n, int camel_opts)
{
    if (n->nkids == 0) { out(g, "{}"); return; }
    out(g, "{ ");
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *p = n->kids[i];
        if (i) out(g, ", ");
        if (p->kind == N(DSPLAT)) { out(g, "..."); emit_expr(g, p->a); continue; }
        if (p->kind != N(PAIR) || !p->a) { fail(g, p, NULL, "unexpected hash element"); continue; }
        emit_hash_key(g, p->a, camel_opts);
        out(g, ": ");
        if (camel_opts && method_ref_key(p->a) && p->b && p->b->kind == N(SYM)) {
            char b[128];
            out(g, "\"");
            out(g, jsname(p->b->str, b, sizeof b));
            out(g, "\"");
        } else emit_expr(g, p->b);
    }
    out(g, " }");
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
        else if (*f == 'x') { fail(g, n, "write the pattern without the x flag (no comments or free spacing)", "unsupported: the x (extended) regexp flag"); return; }
    }
    flags[fk] = 0;
    if (interp) {
        out(g, "new RegExp(");
        emit_dstr_parts(g, n);
        outf(g, ", \"%s\")", flags);
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
    outf(g, "/%s/%s", b.data, flags);
    qr_buf_free(&b);
}

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

static int class_defines(gen *g, const char *name)
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

static void emit_block_pass(gen *g, const node *bp)
{
    if (!bp->a) { out(g, g->blk ? g->blk : "$blk"); return; }
    if (bp->a->kind == N(SYM)) {
        char b[128];
        g->need_rb = 1;
        outf(g, "(x) => $rb.g(x, \"%s\")", jsname(bp->a->str, b, sizeof b));
        return;
    }
    emit_expr(g, bp->a);
}

/* Emits the argument list (without parens): positional args, the keyword hash, then the block.
 * method_refs: camelize leading symbol arguments (they name methods). */
static void emit_args(gen *g, const node *n, int first, int method_refs, int block_fn, int splat_pairs)
{
    int k = first;
    const node *bp = block_pass(n);
    for (uint32_t i = 0; i < nargs(n); i++) {
        const node *a = n->kids[i];
        if (k++) out(g, ", ");
        if (a->kind == N(SPLAT)) { out(g, "..."); g->need_rb = 1; out(g, "$rb.toArray("); emit_expr(g, a->a); out(g, ")"); }
        else if (a->kind == N(HASH) && !(a->flags & QR_RUBY_F_BRACES)) emit_hash(g, a, 1);
        else if (method_refs && a->kind == N(SYM)) {
            char b[128];
            out(g, "\"");
            out(g, jsname(a->str, b, sizeof b));
            out(g, "\"");
        } else emit_expr(g, a);
    }
    if (bp) { if (k++) out(g, ", "); emit_block_pass(g, bp); }
    const node *blk = call_block(n);
    if (blk) { if (k++) out(g, ", "); emit_block_fn(g, blk, block_fn, splat_pairs); }
}

static const char *const METHOD_REF_DSL[] = {"before_action", "after_action", "around_action",
    "skip_before_action", "skip_after_action", "prepend_before_action", "validate", "before_validation",
    "after_validation", "before_save", "after_save", "before_create", "after_create", "before_update",
    "after_update", "before_destroy", "after_destroy", "after_commit", "after_create_commit",
    "after_update_commit", "after_destroy_commit", "after_save_commit", "after_rollback", "helper_method",
    "after_initialize", "identified_by"};

static void emit_binop(gen *g, const node *n)
{
    const char *op = n->str;
    const node *l = n->a, *r = n->nkids ? n->kids[0] : NULL;
    if (!r) { fail(g, n, NULL, "operator %s without a right-hand side", op); return; }
    if (!strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "eql?") || !strcmp(op, "equal?")) {
        int neg = op[0] == '!';
        if (l->kind == N(NIL) || r->kind == N(NIL)) {
            out(g, "("); emit_expr(g, l->kind == N(NIL) ? r : l); out(g, neg ? " != null)" : " == null)");
        } else if (is_literal(l) || is_literal(r)) {
            out(g, "("); emit_expr(g, l); out(g, neg ? " !== " : " === "); emit_expr(g, r); out(g, ")");
        } else {
            g->need_rb = 1;
            out(g, neg ? "!$rb.eq(" : "$rb.eq("); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, ")");
        }
        return;
    }
    if (!strcmp(op, "===")) { g->need_rb = 1; out(g, "$rb.caseEq("); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, ")"); return; }
    if (!strcmp(op, "<<")) {
        g->need_rb = 1;
        if (l->kind == N(LVAR) || l->kind == N(IVAR)) {
            out(g, "("); emit_expr(g, l); out(g, " = $rb.shl("); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, "))");
        } else { out(g, "$rb.shl("); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, ")"); }
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
        outf(g, "$rb.%s(", helper); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, ")");
        return;
    }
    if (!strcmp(op, "!~")) { g->need_rb = 1; out(g, "($rb.match("); emit_expr(g, l); out(g, ", "); emit_expr(g, r); out(g, ") == null)"); return; }
    static const char *ok[] = {"+", "-", "*", "/", "<", ">", "<=", ">=", "**", "&", "|", "^", ">>"};
    for (size_t i = 0; i < QR_ARRAY_LEN(ok); i++)
        if (!strcmp(op, ok[i])) { out(g, "("); emit_expr(g, l); outf(g, " %s ", op); emit_expr(g, r); out(g, ")"); return; }
    fail(g, n, NULL, "unsupported operator %s", op);
}

/* `recv` for a call: self, an explicit receiver, or $t (safe navigation, already assigned). */
static void emit_recv(gen *g, const node *n, int safe)
{
    if (safe) out(g, "$t");
    else if (n->a) {
        int wrap = n->a->kind == N(INT) || n->a->kind == N(FLOAT);
        if (wrap) out(g, "(");
        emit_expr(g, n->a);
        if (wrap) out(g, ")");
    } else emit_self(g);
}

static void emit_new(gen *g, const node *n)
{
    out(g, "new ");
    emit_expr(g, n->a);
    out(g, "(");
    emit_args(g, n, 0, 0, 0, 0);
    out(g, ")");
}

/* raise Cls, "msg" -> $rb.raise(Error, "msg", "ArgumentError") for Ruby's own exception classes
 * (JS errors underneath, named as Ruby names them); anything else passes through. */
static void emit_raise_args(gen *g, const node *n)
{
    emit_args(g, n, 0, 0, 0, 0);
    const node *c = n->nkids ? n->kids[0] : NULL;
    if (c && c->kind == N(CONST) && !c->a && c->str && strcmp(c->str, "StandardError") && strcmp(c->str, "Exception"))
        for (size_t i = 0; i < QR_ARRAY_LEN(JS_CONSTS); i++)
            if (!strcmp(c->str, JS_CONSTS[i].ruby) && strstr(c->str, "Error")) {
                outf(g, "%s\"%s\"", n->nkids == 1 ? ", undefined, " : ", ", c->str);
                break;
            }
}

/* Receiver-less call: self.method, a helper, or a Kernel method. */
static void emit_self_call(gen *g, const node *n)
{
    const char *m = n->str;
    char b[160];
    int noargs = n->nkids == 0 && !n->b && !(n->flags & QR_RUBY_F_PARENS);
    if (!strcmp(m, "puts") || !strcmp(m, "p") || !strcmp(m, "print")) {
        g->need_rb = 1;
        outf(g, "$rb.%s(", !strcmp(m, "p") ? "p" : "puts");
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        return;
    }
    if (!strcmp(m, "raise") || !strcmp(m, "fail")) {
        g->need_rb = 1;
        out(g, "(() => { throw $rb.raise(");
        emit_raise_args(g, n);
        out(g, "); })()");
        return;
    }
    if (!strcmp(m, "lambda") || !strcmp(m, "proc")) {
        if (!n->b) { fail(g, n, "write `->(x) { ... }`", "%s without a block", m); return; }
        emit_block_fn(g, n->b, 0, 0);
        return;
    }
    if (!strcmp(m, "define_method") || !strcmp(m, "method_missing") || !strcmp(m, "instance_variable_get") ||
        !strcmp(m, "instance_variable_set") || !strcmp(m, "class_eval") || !strcmp(m, "instance_eval") ||
        !strcmp(m, "eval") || !strcmp(m, "module_eval")) {
        fail(g, n, "write the methods out with `def` (quickrail compiles Ruby ahead of time; code that writes code at run time has no JS equivalent here)", "unsupported: `%s`", m);
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
    if (!strcmp(m, "block_given?")) { out(g, "("); out(g, g->blk ? g->blk : "$blk"); out(g, " != null)"); g->uses_yield = 1; return; }
    if (!strcmp(m, "require") || !strcmp(m, "require_relative")) { out(g, "void 0"); return; }
    if ((!strcmp(m, "Integer") || !strcmp(m, "Float") || !strcmp(m, "String") || !strcmp(m, "Array")) && n->nkids) {
        g->need_rb = 1;
        outf(g, "$rb.to%s(", !strcmp(m, "Array") ? "Array2" : m);
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        return;
    }
    if (!strcmp(m, "loop") && n->b) {
        out(g, "(() => { for (;;) { (");
        emit_block_fn(g, n->b, 0, 0);
        out(g, ")(); } })()");
        return;
    }
    if (g->self_mode == SELF_VIEW) {
        if (!strcmp(m, "content_for?")) { out(g, "__h.hasContentFor("); emit_args(g, n, 0, 0, 0, 0); out(g, ")"); return; }
        if (noargs || (n->flags & QR_RUBY_F_VCALL)) {
            g->need_rb = 1;
            const char *js = jsname(m, b, sizeof b);
            if (strcmp(js, m)) outf(g, "$rb.lv(__l, __h, \"%s\", \"%s\")", m, js);
            else outf(g, "$rb.lv(__l, __h, \"%s\")", m);
            return;
        }
        if (!strcmp(m, "raw")) { out(g, "__h.raw("); emit_args(g, n, 0, 0, 0, 0); out(g, ")"); return; }
        outf(g, "__h.%s(", jsname(m, b, sizeof b));
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        return;
    }
    if (g->self_mode == SELF_HELPER) {
        if (class_defines(g, m)) outf(g, "%s(", jsname(m, b, sizeof b));
        else { g->need_h = 1; outf(g, "$h.%s(", jsname(m, b, sizeof b)); }
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        return;
    }
    if (g->self_mode == SELF_TOP) {
        fail(g, n, "call methods on a class (`Article.create!(...)`) at the top of this file", "undefined method '%s' at the top level", m);
        return;
    }
    if (noargs && g->self_mode == SELF_THIS && !g->static_def && class_has_attr(g, m)) {
        outf(g, "this.%s", jsname(m, b, sizeof b));
        return;
    }
    if ((!strcmp(m, "send") || !strcmp(m, "public_send")) && n->nkids && g->self_mode == SELF_THIS) {
        node rest = *n;
        rest.kids = n->kids + 1;
        rest.nkids = n->nkids - 1;
        g->need_rb = 1;
        out(g, "$rb.send(this, "); emit_expr(g, n->kids[0]); emit_args(g, &rest, 1, 0, 0, 0); out(g, ")");
        return;
    }
    if (!strcmp(m, "new") && g->self_mode == SELF_THIS && g->static_def) {
        out(g, "new this(");
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        return;
    }
    const char *js = jsname(m, b, sizeof b);
    if (noargs && in_list(m, KNOWN_PROP, QR_ARRAY_LEN(KNOWN_PROP)) && g->self_mode == SELF_THIS) {
        outf(g, "this.%s", js);
        return;
    }
    if (noargs && g->self_mode == SELF_THIS && !class_defines(g, m) && !in_list(m, KNOWN_CALL0, QR_ARRAY_LEN(KNOWN_CALL0))) {
        g->need_rb = 1;
        outf(g, "$rb.g(this, \"%s\")", js);
        return;
    }
    emit_self(g);
    outf(g, ".%s(", js);
    int refs = g->in_class_body && in_list(m, METHOD_REF_DSL, QR_ARRAY_LEN(METHOD_REF_DSL));
    int fnblock = g->in_class_body && g->self_mode == SELF_THIS;
    if (g->in_class_body && !strcmp(m, "broadcasts_to") && n->nkids && n->kids[0]->kind == N(SYM)) {
        /* broadcasts_to :article -> the stream is record.article */
        g->need_rb = 1;
        outf(g, "(rec) => $rb.g(rec, \"%s\")", jsname(n->kids[0]->str, b, sizeof b));
        node tmp = *n;
        tmp.kids = n->kids + 1;
        tmp.nkids = n->nkids - 1;
        emit_args(g, &tmp, 1, 0, fnblock, 0);
    } else emit_args(g, n, 0, refs, fnblock, 0);
    out(g, ")");
}

static int is_output_call(const node *n)
{
    return n && n->kind == N(CALL) && n->a && n->a->kind == N(IVAR) && name_is(n->a, "@output_buffer");
}

static int contains_output(const node *n)
{
    if (!n) return 0;
    if (is_output_call(n)) return 1;
    if (contains_output(n->a) || contains_output(n->b) || contains_output(n->c)) return 1;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (contains_output(n->kids[i])) return 1;
    return 0;
}

/* @output_buffer.safe_append='text' / .append=(x) / .safe_expr_append=(x) (ruby/erb.c) */
static void emit_output(gen *g, const node *n)
{
    const node *v = n->nkids ? n->kids[n->nkids - 1] : NULL;
    if (name_is(n, "safe_append=") || name_is(n, "safe_concat")) { out(g, "__c.o.push("); emit_expr(g, v); out(g, ")"); }
    else if (name_is(n, "append=") || name_is(n, "<<") || name_is(n, "concat")) { out(g, "__c.o.push(__e("); emit_expr(g, v); out(g, "))"); }
    else if (name_is(n, "safe_expr_append=")) { out(g, "__c.o.push(__r("); emit_expr(g, v); out(g, "))"); }
    else if (name_is(n, "to_s")) out(g, "__c.o.join(\"\")");
    else fail(g, n, NULL, "unsupported use of @output_buffer (%s)", n->str);
}

/* In a jbuilder template: json.array! / json.extract! ... and json.key(value) -> json.set("key", value). */
static int is_json_recv(gen *g, const node *n)
{
    return g->kind == QR_RUBY_KIND_JBUILDER && n && ((n->kind == N(CALL) && !n->a && name_is(n, "json") && n->nkids == 0) || (n->kind == N(LVAR) && name_is(n, "json")));
}

static void emit_call(gen *g, const node *n)
{
    const char *m = n->str ? n->str : "";
    char b[160];
    if (g->self_mode == SELF_VIEW && is_output_call(n)) { emit_output(g, n); return; }
    if (is_json_recv(g, n)) { out(g, "json"); return; }
    if (n->a && is_json_recv(g, n->a) && !(n->flags & QR_RUBY_F_OP)) {
        size_t l = strlen(m);
        if (l && m[l - 1] == '!') { outf(g, "json.%s(", jsname(m, b, sizeof b)); emit_args(g, n, 0, 0, 0, 0); out(g, ")"); return; }
        out(g, "json.set(");
        out_str_lit(g, m, l);
        emit_args(g, n, 1, 0, 0, 0);
        out(g, ")");
        return;
    }
    if (!n->a) { emit_self_call(g, n); return; }
    if (n->flags & QR_RUBY_F_OP) {
        if (!strcmp(m, "[]")) {
            char full[128];
            if (const_path(n->a, full, sizeof full) && !strcmp(full, "ActiveRecord::Migration")) { emit_expr(g, n->a); return; }
            g->need_rb = 1;
            out(g, "$rb.idx("); emit_expr(g, n->a); emit_args(g, n, 1, 0, 0, 0); out(g, ")");
            return;
        }
        if (!strcmp(m, "[]=")) {
            g->need_rb = 1;
            out(g, "$rb.idxSet("); emit_expr(g, n->a); emit_args(g, n, 1, 0, 0, 0); out(g, ")");
            return;
        }
        if (!strcmp(m, "-@")) { out(g, "(-"); emit_expr(g, n->a); out(g, ")"); return; }
        if (!strcmp(m, "+@")) { out(g, "(+"); emit_expr(g, n->a); out(g, ")"); return; }
        if (!strcmp(m, "~")) { out(g, "(~"); emit_expr(g, n->a); out(g, ")"); return; }
        if (!strcmp(m, "!")) { out(g, "!"); emit_test(g, n->a); return; }
        emit_binop(g, n);
        return;
    }
    int safe = (n->flags & QR_RUBY_F_SAFE_NAV) != 0;
    if (safe) { out(g, "(($t = "); emit_expr(g, n->a); out(g, ") == null ? null : "); }
    int noargs = n->nkids == 0 && !n->b && !(n->flags & QR_RUBY_F_PARENS);
    int has_block = n->b || block_pass(n);
    if ((n->flags & QR_RUBY_F_ATTR_ASGN) && !strcmp(m, "[]=")) {
        g->need_rb = 1;
        out(g, "$rb.idxSet("); emit_recv(g, n, safe); emit_args(g, n, 1, 0, 0, 0); out(g, ")");
    } else if (n->flags & QR_RUBY_F_ATTR_ASGN) {
        /* obj.title = v */
        out(g, "(");
        emit_recv(g, n, safe);
        size_t l = strlen(m);
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(l && m[l - 1] == '=' ? l - 1 : l), m);
        outf(g, ".%s = ", jsname(base, b, sizeof b));
        if (n->nkids) emit_expr(g, n->kids[n->nkids - 1]);
        else out(g, "undefined");
        out(g, ")");
    } else if (!strcmp(m, "new") && !safe) {
        emit_new(g, n);
    } else if (!strcmp(m, "call") || !strcmp(m, "()")) {
        if (n->a->kind == N(CONST)) { emit_recv(g, n, safe); out(g, ".call("); }
        else { out(g, "("); emit_recv(g, n, safe); out(g, ")("); }
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
    } else if (!strcmp(m, "broadcast") && n->a->kind == N(CALL) && name_is(n->a, "server") && n->a->a &&
               n->a->a->kind == N(CONST) && name_is(n->a->a, "ActionCable") && !n->a->a->a) {
        /* ActionCable.server.broadcast("chat", message: "hi") */
        g->need_rb = 1;
        out(g, "$rb.cableBroadcast(");
        emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
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
            emit_call(g, &rest);
        } else {
            g->need_rb = 1;
            out(g, "$rb.send("); emit_recv(g, n, safe); out(g, ", "); emit_expr(g, nm); emit_args(g, &rest, 1, 0, 0, 0); out(g, ")");
        }
    } else if ((!strcmp(m, "freeze") || !strcmp(m, "itself")) && noargs) {
        emit_recv(g, n, safe);
    } else if (!strcmp(m, "class") && noargs) {
        emit_recv(g, n, safe); out(g, ".constructor");
    } else if ((!strcmp(m, "now") || !strcmp(m, "current")) && noargs &&
               ((n->a->kind == N(CONST) && (name_is(n->a, "Time") || name_is(n->a, "DateTime"))) ||
                (n->a->kind == N(CALL) && name_is(n->a, "zone") && n->a->a && n->a->a->kind == N(CONST) && name_is(n->a->a, "Time")))) {
        out(g, "new Date()"); /* Time.now, Time.current, Time.zone.now */
    } else if ((!strcmp(m, "today") || !strcmp(m, "current")) && noargs && n->a->kind == N(CONST) && name_is(n->a, "Date")) {
        g->need_rb = 1; out(g, "$rb.today()");
    } else {
        const node *inner = n->a;
        int chain = has_block && inner->kind == N(CALL) && inner->a && !inner->b && inner->nkids == 0 &&
                    !(inner->flags & QR_RUBY_F_SAFE_NAV);
        if (chain && ((!strcmp(m, "with_index") && (name_is(inner, "map") || name_is(inner, "each"))) ||
                      (!strcmp(m, "map") && name_is(inner, "each_with_index")))) {
            /* enumerator chains: list.map.with_index { |x, i| }, list.each_with_index.map { |x, i| } */
            g->need_rb = 1;
            out(g, name_is(inner, "each") ? "$rb.eachWithIndex(" : "$rb.mapWithIndex(");
            emit_expr(g, inner->a);
            emit_args(g, n, 1, 0, 0, 0);
            out(g, ")");
            if (safe) out(g, ")");
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
            outf(g, "$rb.%s(", core->helper);
            emit_recv(g, n, safe);
            int multi = !strcmp(m, "each_with_index") || !strcmp(m, "inject") || !strcmp(m, "reduce") || !strcmp(m, "each_with_object");
            emit_args(g, n, 1, 0, 0, !multi);
            out(g, ")");
        } else if (noargs && !in_list(m, KNOWN_CALL0, QR_ARRAY_LEN(KNOWN_CALL0))) {
            if (in_list(m, KNOWN_PROP, QR_ARRAY_LEN(KNOWN_PROP))) { emit_recv(g, n, safe); outf(g, ".%s", jsname(m, b, sizeof b)); }
            else { g->need_rb = 1; out(g, "$rb.g("); emit_recv(g, n, safe); outf(g, ", \"%s\")", jsname(m, b, sizeof b)); }
        } else {
            /* recv.m(args): a missing method raises Ruby's NoMethodError naming it and the
             * receiver's class ($rb.nm, on the failure path only), not QuickJS' bare "not a
             * function"; $t is read as the call's base before the arguments run */
            const char *js = jsname(m, b, sizeof b);
            g->need_rb = 1;
            out(g, "(($t = ");
            emit_recv(g, n, safe);
            outf(g, ")?.%s ? $t : $rb.nm($t, \"%s\")).%s(", js, js, js);
            emit_args(g, n, 0, 0, 0, 0);
            out(g, ")");
        }
    }
    if (safe) out(g, ")");
}

/* ---- blocks and lambdas --------------------------------------------------------------- */

static void emit_params(gen *g, const node *args, int splat_pairs, int add_blk)
{
    out(g, "(");
    int k = 0, nkw = 0, has_rest = 0;
    char b[128];
    if (args) {
        int npos = 0;
        for (uint32_t i = 0; i < args->nkids; i++) {
            qr_ruby_kind kd = args->kids[i]->kind;
            if (kd == N(ARG) || kd == N(OPTARG)) npos++;
        }
        if (splat_pairs && npos > 1) out(g, "[");
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            switch (p->kind) {
            case N(ARG):
                if (k++) out(g, ", ");
                if (p->nkids) {
                    out(g, "[");
                    for (uint32_t j = 0; j < p->nkids; j++) {
                        outf(g, "%s%s", j ? ", " : "", lname(p->kids[j]->str ? p->kids[j]->str : "_", b, sizeof b));
                        scope_add(g, p->kids[j]->str);
                    }
                    out(g, "]");
                } else { out(g, lname(p->str ? p->str : "_", b, sizeof b)); scope_add(g, p->str); }
                break;
            case N(OPTARG):
                if (k++) out(g, ", ");
                outf(g, "%s = ", lname(p->str, b, sizeof b));
                scope_add(g, p->str);
                emit_expr(g, p->a);
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
        if (splat_pairs && npos > 1) { out(g, "]"); k = 1; }
        if (nkw) {
            if (k++) out(g, ", ");
            out(g, "{ ");
            int kk = 0;
            for (uint32_t i = 0; i < args->nkids; i++) {
                const node *p = args->kids[i];
                if (p->kind == N(KWARG)) { outf(g, "%s%s", kk++ ? ", " : "", lname(p->str, b, sizeof b)); scope_add(g, p->str); }
                else if (p->kind == N(KWOPTARG)) { outf(g, "%s%s = ", kk++ ? ", " : "", lname(p->str, b, sizeof b)); scope_add(g, p->str); emit_expr(g, p->a); }
            }
            for (uint32_t i = 0; i < args->nkids; i++) {
                const node *p = args->kids[i];
                if (p->kind == N(KWRESTARG) && p->str && *p->str) { outf(g, "%s...%s", kk++ ? ", " : "", lname(p->str, b, sizeof b)); scope_add(g, p->str); }
            }
            out(g, " } = {}");
        }
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            if (p->kind == N(BLOCKARG)) {
                if (has_rest) { fail(g, p, "take the block as the last positional argument instead of *args", "unsupported: *args together with &block"); break; }
                if (k++) out(g, ", ");
                const char *nm = p->str && *p->str ? p->str : "$blk";
                out(g, nm[0] == '$' ? nm : lname(nm, b, sizeof b));
                scope_add(g, p->str);
                add_blk = 0;
            }
        }
        for (uint32_t i = 0; i < args->nkids; i++) {
            const node *p = args->kids[i];
            if (p->kind == N(RESTARG)) {
                if (nkw) { fail(g, p, "use either *args or keyword arguments", "unsupported: *args together with keyword arguments"); break; }
                if (k++) out(g, ", ");
                outf(g, "...%s", p->str && *p->str ? lname(p->str, b, sizeof b) : "$rest");
                scope_add(g, p->str);
            }
        }
    }
    if (add_blk) { if (k++) out(g, ", "); out(g, "$blk"); }
    out(g, ")");
}

static void emit_block_fn(gen *g, const node *blk, int as_function, int splat_pairs)
{
    scope s;
    scope_push(g, &s, 0);
    int saved_loop = g->loop;
    g->loop = LOOP_BLOCK;
    int saved_cb = g->in_class_body, saved_sd = g->static_def;
    g->in_class_body = 0;
    if (as_function) { out(g, "function "); g->static_def = 0; }
    emit_params(g, blk->a, splat_pairs, 0);
    out(g, as_function ? " {" : " => {");
    declare_locals(g, blk->b);
    emit_body(g, blk->b, !(g->self_mode == SELF_VIEW && contains_output(blk->b)));
    if (blk->end_line > blk->line) nl_to(g, blk->end_line);
    out(g, " }");
    g->in_class_body = saved_cb;
    g->static_def = saved_sd;
    g->loop = saved_loop;
    scope_pop(g);
}

/* ---- expressions ---------------------------------------------------------------------- */

/* A statement list as one expression: (a, b, c). */
static void emit_seq_expr(gen *g, const node *seq)
{
    if (!seq || (seq->kind == N(SEQ) && seq->nkids == 0)) { out(g, "null"); return; }
    if (seq->kind != N(SEQ)) { emit_expr(g, seq); return; }
    if (seq->nkids == 1) { emit_expr(g, seq->kids[0]); return; }
    out(g, "(");
    for (uint32_t i = 0; i < seq->nkids; i++) {
        if (i) out(g, ", ");
        emit_expr(g, seq->kids[i]);
    }
    out(g, ")");
}

/* Emits an expression whose value needs statements (case, begin/rescue, while) as an IIFE. */
static void emit_iife(gen *g, const node *n)
{
    int saved = g->loop;
    g->loop = LOOP_BLOCK;
    out(g, "(() => {");
    emit_stmt(g, n, 1);
    out(g, " })()");
    g->loop = saved;
}

static void emit_assign_target(gen *g, const node *t)
{
    char b[128];
    switch (t->kind) {
    case N(LASGN): out(g, lname(t->str, b, sizeof b)); break;
    case N(IASGN): emit_ivar_lhs(g, t->str); break;
    case N(SPLAT): out(g, "..."); emit_assign_target(g, t->a); break;
    case N(CALL):
        if ((t->flags & QR_RUBY_F_ATTR_ASGN) && t->str && strcmp(t->str, "[]=") != 0) {
            size_t l = strlen(t->str);
            char base[128];
            snprintf(base, sizeof base, "%.*s", (int)(l - 1), t->str);
            emit_recv(g, t, 0);
            outf(g, ".%s", jsname(base, b, sizeof b));
        } else if (t->str && !strcmp(t->str, "[]=") && t->nkids >= 1) {
            out(g, "("); emit_expr(g, t->a); out(g, ")["); emit_expr(g, t->kids[0]); out(g, "]");
        } else fail(g, t, NULL, "unsupported assignment target");
        break;
    case N(MASGN):
        out(g, "[");
        for (uint32_t i = 0; i < t->nkids; i++) { if (i) out(g, ", "); emit_assign_target(g, t->kids[i]); }
        out(g, "]");
        break;
    default:
        fail(g, t, "assign to a local, an @ivar or an attribute", "unsupported assignment target");
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
        if (t->kind == N(LVAR)) snprintf(lhs, sizeof lhs, "%s", lname(t->str, b, sizeof b));
        else if (g->self_mode == SELF_VIEW) snprintf(lhs, sizeof lhs, "__a.%s", t->str + 1);
        else snprintf(lhs, sizeof lhs, "this.%s%s", g->static_def || ivar_shadowed(g, t->str + 1) ? "$" : "", t->str + 1);
        snprintf(rd, sizeof rd, "%s", lhs);
        if (logical) {
            if (!strcmp(op, "||")) outf(g, "(($t = %s) != null && $t !== false ? $t : (%s = ", rd, lhs);
            else outf(g, "(($t = %s) == null || $t === false ? $t : (%s = ", rd, lhs);
            emit_expr(g, v);
            out(g, "))");
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
        if (!strcmp(op, "<<")) { emit_binop(g, &bin); return; }
        outf(g, "(%s = ", lhs);
        emit_binop(g, &bin);
        out(g, ")");
        return;
    }
    if (t->kind == N(CALL) && t->str && !strcmp(t->str, "[]") && t->a && is_simple(t->a) && t->nkids == 1 && logical) {
        g->need_rb = 1;
        out(g, "(($t = $rb.idx("); emit_expr(g, t->a); out(g, ", "); emit_expr(g, t->kids[0]); out(g, "))");
        out(g, !strcmp(op, "||") ? " != null && $t !== false ? $t : $rb.idxSet(" : " == null || $t === false ? $t : $rb.idxSet(");
        emit_expr(g, t->a); out(g, ", "); emit_expr(g, t->kids[0]); out(g, ", "); emit_expr(g, v); out(g, "))");
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
        out(g, "$rb.idxSet("); emit_expr(g, t->a); out(g, ", "); emit_expr(g, t->kids[0]); out(g, ", ");
        emit_binop(g, &bin);
        out(g, ")");
        return;
    }
    if (t->kind == N(CALL) && t->str && (!t->a || is_simple(t->a)) && t->nkids == 0 && logical) {
        char js[128];
        jsname(t->str, js, sizeof js);
        out(g, "(($t = "); emit_recv(g, t, 0); outf(g, ".%s)", js);
        out(g, !strcmp(op, "||") ? " != null && $t !== false ? $t : (" : " == null || $t === false ? $t : (");
        emit_recv(g, t, 0); outf(g, ".%s = ", js); emit_expr(g, v); out(g, "))");
        return;
    }
    fail(g, n, "assign to a local variable first (`x = obj.attr; x ||= ...`)", "unsupported: %s= on this target", op);
}

static void emit_expr(gen *g, const node *n)
{
    char b[160];
    if (!n) { out(g, "null"); return; }
    if (g->failed) return;
    switch (n->kind) {
    case N(NIL): out(g, "null"); break;
    case N(TRUE): out(g, "true"); break;
    case N(FALSE): out(g, "false"); break;
    case N(SELF): emit_self(g); break;
    case N(INT): {
        const char *s = n->str ? n->str : "0";
        if (s[0] == '0' && s[1] >= '0' && s[1] <= '7') outf(g, "0o%s", s + 1);
        else if (s[0] == '0' && (s[1] == 'd' || s[1] == 'D')) out(g, s + 2);
        else out(g, s);
        break;
    }
    case N(FLOAT): out(g, n->str ? n->str : "0"); break;
    case N(STR): out_str_lit(g, n->str, n->len); break;
    case N(DSTR): emit_dstr_parts(g, n); break;
    case N(SYM): out_str_lit(g, n->str, n->str ? strlen(n->str) : 0); break;
    case N(DSYM): if (n->nkids && n->kids[0]->kind == N(DSTR)) emit_dstr_parts(g, n->kids[0]); else emit_dstr_parts(g, n); break;
    case N(REGEX): emit_regex(g, n); break;
    case N(ARRAY):
        out(g, "[");
        for (uint32_t i = 0; i < n->nkids; i++) {
            if (i) out(g, ", ");
            if (n->kids[i]->kind == N(SPLAT)) { g->need_rb = 1; out(g, "...$rb.toArray("); emit_expr(g, n->kids[i]->a); out(g, ")"); }
            else if (n->kids[i]->kind == N(HASH)) emit_hash(g, n->kids[i], 0);
            else emit_expr(g, n->kids[i]);
        }
        out(g, "]");
        break;
    case N(HASH): emit_hash(g, n, 0); break;
    case N(RANGE):
        g->need_rb = 1;
        out(g, "$rb.range(");
        emit_expr(g, n->a);
        out(g, ", ");
        if (n->b) emit_expr(g, n->b); else out(g, "Infinity");
        outf(g, ", %s)", n->flags & QR_RUBY_F_EXCL ? "true" : "false");
        break;
    case N(LVAR): out(g, lname(n->str, b, sizeof b)); break;
    case N(IVAR): emit_ivar(g, n->str); break;
    case N(GVAR):
        if (name_is(n, "$stdout") || name_is(n, "$stderr")) out(g, "console");
        else fail(g, n, "use a constant or a class attribute instead", "unsupported: global variable %s", n->str);
        break;
    case N(CVAR): fail(g, n, "use a class-level constant or `self.class` attribute", "unsupported: class variable %s", n->str); break;
    case N(CONST): emit_const(g, n); break;
    case N(LASGN): outf(g, "(%s = ", lname(n->str, b, sizeof b)); emit_expr(g, n->a); out(g, ")"); break;
    case N(IASGN): out(g, "("); emit_ivar_lhs(g, n->str); out(g, " = "); emit_expr(g, n->a); out(g, ")"); break;
    case N(CASGN):
        if (g->sc && g->sc->up == NULL && !g->cls) { outf(g, "(%s = ", n->str); emit_expr(g, n->b); out(g, ")"); }
        else fail(g, n, "define constants at the top of a class body", "unsupported: constant assignment here");
        break;
    case N(OP_ASGN): emit_op_asgn(g, n); break;
    case N(MASGN):
        out(g, "(");
        emit_assign_target(g, n);
        out(g, " = ");
        if (n->a && n->a->kind == N(ARRAY)) emit_expr(g, n->a);
        else { g->need_rb = 1; out(g, "$rb.toArray("); emit_expr(g, n->a); out(g, ")"); }
        out(g, ")");
        break;
    case N(GVASGN): case N(CVASGN):
        fail(g, n, "use a constant or a class attribute instead", "unsupported: global or class variable assignment");
        break;
    case N(CALL): emit_call(g, n); break;
    case N(SPLAT): out(g, "..."); emit_expr(g, n->a); break;
    case N(LAMBDA): {
        node blk = *n;
        blk.kind = N(BLOCK);
        emit_block_fn(g, &blk, 0, 0);
        break;
    }
    case N(BLOCK): emit_block_fn(g, n, 0, 0); break;
    case N(BLOCK_PASS): emit_block_pass(g, n); break;
    case N(YIELD): {
        if (g->self_mode == SELF_VIEW && !g->blk) {
            out(g, "__c.yieldContent(");
            if (n->nkids) emit_expr(g, n->kids[0]);
            out(g, ")");
            break;
        }
        g->uses_yield = 1;
        out(g, g->blk ? g->blk : "$blk");
        out(g, "(");
        for (uint32_t i = 0; i < n->nkids; i++) { if (i) out(g, ", "); emit_expr(g, n->kids[i]); }
        out(g, ")");
        if (g->self_mode == SELF_VIEW) { /* handled by the view wrapper: yield -> __c.yieldContent */ }
        break;
    }
    case N(SUPER): {
        if (!g->method) { fail(g, n, NULL, "`super` outside a method"); break; }
        outf(g, "super.%s(", g->method);
        if (n->flags & QR_RUBY_F_ZSUPER) out(g, "...arguments");
        else emit_args(g, n, 0, 0, 0, 0);
        out(g, ")");
        break;
    }
    case N(DEFINED): out(g, "true"); break;
    case N(AND): case N(OR): {
        int and = n->kind == N(AND);
        if (is_bool(n->a) && is_bool(n->b)) {
            out(g, "(");
            emit_expr(g, n->a);
            out(g, and ? " && " : " || ");
            emit_expr(g, n->b);
            out(g, ")");
        } else if (is_bool(n->a)) {
            out(g, "(");
            emit_expr(g, n->a);
            out(g, and ? " ? " : " ? true : ");
            emit_expr(g, n->b);
            out(g, and ? " : false)" : ")");
        } else {
            out(g, "(($t = ");
            emit_expr(g, n->a);
            out(g, and ? ") == null || $t === false ? $t : " : ") != null && $t !== false ? $t : ");
            emit_expr(g, n->b);
            out(g, ")");
        }
        break;
    }
    case N(NOT): out(g, "!"); emit_test(g, n->a); break;
    case N(IF):
        out(g, "(");
        emit_test(g, n->a);
        out(g, " ? ");
        emit_seq_expr(g, n->b);
        out(g, " : ");
        emit_seq_expr(g, n->c);
        out(g, ")");
        break;
    case N(SEQ): emit_seq_expr(g, n); break;
    case N(CASE): case N(BEGIN): case N(WHILE): case N(UNTIL): case N(FOR):
        emit_iife(g, n);
        break;
    case N(RETURN): case N(NEXT): case N(BREAK):
        fail(g, n, "move it to its own statement: `if cond then return x end`", "unsupported: %s inside an expression", qr_ruby_kind_name(n->kind));
        break;
    case N(DEF):
        fail(g, n, "define methods in a class, module or at the top of a helper", "unsupported: def here");
        break;
    case N(REDO): case N(RETRY):
        fail(g, n, "write a loop instead: `loop do ... break if ok ... end`", "unsupported: `%s`", n->kind == N(REDO) ? "redo" : "retry");
        break;
    default:
        fail(g, n, NULL, "unsupported construct here (%s)", qr_ruby_kind_name(n->kind));
    }
}

/* A truthiness test: only nil and false are false. */
static void emit_test(gen *g, const node *n)
{
    if (is_bool(n)) { emit_expr(g, n); return; }
    if (n && (n->kind == N(LVAR) || n->kind == N(IVAR))) {
        out(g, "(");
        emit_expr(g, n);
        out(g, " != null && ");
        emit_expr(g, n);
        out(g, " !== false)");
        return;
    }
    if (n && (n->kind == N(NIL))) { out(g, "false"); return; }
    if (n && is_literal(n)) { out(g, "true"); return; }
    out(g, "(($t = ");
    emit_expr(g, n);
    out(g, ") != null && $t !== false)");
}

/* ======================================================================================== */
/* statements                                                                               */

static void emit_body(gen *g, const node *body, int ret)
{
    if (!body) { if (ret) out(g, " return null;"); return; }
    if (body->kind != N(SEQ)) { emit_stmt(g, body, ret); return; }
    if (body->nkids == 0) { if (ret) out(g, " return null;"); return; }
    for (uint32_t i = 0; i < body->nkids; i++)
        emit_stmt(g, body->kids[i], ret && i + 1 == body->nkids);
}

static void emit_block_stmt_body(gen *g, const node *body, int ret, uint32_t end_line)
{
    out(g, " {");
    emit_body(g, body, ret);
    if (end_line) nl_to(g, end_line);
    out(g, " }");
}

static int is_each_stmt(const node *n)
{
    if (n->kind != N(CALL) || !n->a || !n->b || (n->flags & QR_RUBY_F_SAFE_NAV) || n->nkids) return 0;
    return name_is(n, "each") || name_is(n, "each_with_index") || name_is(n, "find_each") ||
           (name_is(n, "times") && n->b);
}

static void emit_for_each(gen *g, const node *n, int ret)
{
    const node *blk = n->b;
    const node *args = blk->a;
    char b[128], b2[128];
    scope s;
    scope_push(g, &s, 0);
    int saved_loop = g->loop;
    g->loop = LOOP_JS;
    int idx = name_is(n, "each_with_index");
    int times = name_is(n, "times");
    const char *p0 = args && args->nkids > 0 && args->kids[0]->str ? args->kids[0]->str : NULL;
    const char *p1 = args && args->nkids > 1 && args->kids[1]->str ? args->kids[1]->str : NULL;
    g->need_rb = 1;
    out(g, " {");
    if (times) {
        outf(g, " const $n = "); emit_expr(g, n->a);
        outf(g, "; for (let %s = 0; %s < $n; %s++) {", p0 ? lname(p0, b, sizeof b) : "$i", p0 ? b : "$i", p0 ? b : "$i");
        scope_add(g, p0);
    } else {
        if (idx) outf(g, " let %s = -1;", p1 ? lname(p1, b2, sizeof b2) : "$i");
        out(g, " for (const ");
        if (!idx && p1) outf(g, "[%s, %s]", lname(p0, b, sizeof b), lname(p1, b2, sizeof b2));
        else if (args && args->nkids && args->kids[0]->nkids) {
            out(g, "[");
            for (uint32_t j = 0; j < args->kids[0]->nkids; j++) {
                outf(g, "%s%s", j ? ", " : "", lname(args->kids[0]->kids[j]->str, b, sizeof b));
                scope_add(g, args->kids[0]->kids[j]->str);
            }
            out(g, "]");
        } else out(g, p0 ? lname(p0, b, sizeof b) : "$x");
        scope_add(g, p0);
        if (!idx) scope_add(g, p1);
        out(g, " of $rb.iter(");
        emit_expr(g, n->a);
        out(g, ")) {");
        if (idx) { outf(g, " %s++;", p1 ? b2 : "$i"); scope_add(g, p1); }
    }
    declare_locals(g, blk->b);
    emit_body(g, blk->b, 0);
    nl_to(g, blk->end_line);
    out(g, " } }");
    if (ret) out(g, " return null;");
    g->loop = saved_loop;
    scope_pop(g);
}

static void emit_if_stmt(gen *g, const node *n, int ret)
{
    out(g, " if (");
    if (!n->b && n->c && !(n->flags & QR_RUBY_F_TERNARY)) {
        /* unless */
        out(g, "!");
        emit_test(g, n->a);
        out(g, ")");
        emit_block_stmt_body(g, n->c, ret, 0);
        if (ret) out(g, " else { return null; }");
        return;
    }
    emit_test(g, n->a);
    out(g, ")");
    emit_block_stmt_body(g, n->b, ret, 0);
    if (n->c) {
        if (n->c->kind == N(IF) && n->c->b) {
            nl_to(g, n->c->line);
            out(g, " else");
            emit_if_stmt(g, n->c, ret);
        } else {
            out(g, " else");
            emit_block_stmt_body(g, n->c, ret, 0);
        }
    } else if (ret) out(g, " else { return null; }");
}

static void emit_case_stmt(gen *g, const node *n, int ret)
{
    int id = ++g->case_seq;
    out(g, " {");
    if (n->a) { outf(g, " const $c%d = ", id); emit_expr(g, n->a); out(g, ";"); }
    for (uint32_t i = 0; i < n->nkids; i++) {
        const node *w = n->kids[i];
        nl_to(g, w->line);
        out(g, i ? " else if (" : " if (");
        for (uint32_t j = 0; j < w->nkids; j++) {
            const node *c = w->kids[j];
            if (j) out(g, " || ");
            if (!n->a) emit_test(g, c);
            else if (c->kind == N(SPLAT)) { g->need_rb = 1; outf(g, "$rb.include("); emit_expr(g, c->a); outf(g, ", $c%d)", id); }
            else if (c->kind == N(STR) || c->kind == N(SYM) || c->kind == N(INT) || c->kind == N(NIL) || c->kind == N(TRUE) || c->kind == N(FALSE)) {
                outf(g, "$c%d === ", id); emit_expr(g, c);
            } else { g->need_rb = 1; out(g, "$rb.caseEq("); emit_expr(g, c); outf(g, ", $c%d)", id); }
        }
        out(g, ")");
        emit_block_stmt_body(g, w->a, ret, 0);
    }
    if (n->b) {
        out(g, n->nkids ? " else" : " ");
        emit_block_stmt_body(g, n->b, ret, 0);
    } else if (ret) out(g, n->nkids ? " else { return null; }" : " return null;");
    nl_to(g, n->end_line);
    out(g, " }");
}

static void emit_begin_stmt(gen *g, const node *n, int ret)
{
    out(g, " try {");
    emit_body(g, n->a, ret && !n->b);
    if (n->b) emit_body(g, n->b, ret);
    out(g, " }");
    if (n->nkids) {
        out(g, " catch ($e) {");
        for (uint32_t i = 0; i < n->nkids; i++) {
            const node *r = n->kids[i];
            nl_to(g, r->line);
            int all = r->nkids == 0;
            for (uint32_t j = 0; j < r->nkids; j++)
                if (r->kids[j]->kind == N(CONST) && (name_is(r->kids[j], "StandardError") || name_is(r->kids[j], "Exception")) && !r->kids[j]->a) all = 1;
            out(g, i ? " else if (" : " if (");
            if (all) out(g, "true");
            else
                for (uint32_t j = 0; j < r->nkids; j++) {
                    if (j) out(g, " || ");
                    out(g, "$e instanceof ");
                    emit_expr(g, r->kids[j]);
                }
            out(g, ") {");
            if (r->a) { out(g, " "); emit_assign_target(g, r->a); out(g, " = $e;"); }
            emit_body(g, r->b, ret);
            out(g, " }");
        }
        out(g, " else throw $e; }");
    }
    if (n->c) {
        nl_to(g, n->c->line);
        out(g, " finally {");
        emit_body(g, n->c, 0);
        out(g, " }");
    }
    if (!n->nkids && !n->c) out(g, " catch ($e) { throw $e; }");
}

static void emit_stmt(gen *g, const node *n, int ret)
{
    if (!n || g->failed) return;
    nl_to(g, n->line);
    switch (n->kind) {
    case N(IF):
        if (n->flags & QR_RUBY_F_TERNARY) break;
        emit_if_stmt(g, n, ret);
        return;
    case N(WHILE): case N(UNTIL): {
        int saved = g->loop;
        g->loop = LOOP_JS;
        if (n->flags & QR_RUBY_F_DO_WHILE) {
            out(g, " do");
            emit_block_stmt_body(g, n->b, 0, 0);
            out(g, n->kind == N(WHILE) ? " while (" : " while (!");
            emit_test(g, n->a);
            out(g, ");");
        } else {
            out(g, n->kind == N(WHILE) ? " while (" : " while (!");
            emit_test(g, n->a);
            out(g, ")");
            emit_block_stmt_body(g, n->b, 0, n->end_line);
        }
        g->loop = saved;
        if (ret) out(g, " return null;");
        return;
    }
    case N(FOR): {
        int saved = g->loop;
        g->loop = LOOP_JS;
        g->need_rb = 1;
        out(g, " for (");
        emit_assign_target(g, n->a);
        out(g, " of $rb.iter(");
        emit_expr(g, n->b);
        out(g, "))");
        emit_block_stmt_body(g, n->c, 0, n->end_line);
        g->loop = saved;
        if (ret) out(g, " return null;");
        return;
    }
    case N(CASE): emit_case_stmt(g, n, ret); return;
    case N(BEGIN): emit_begin_stmt(g, n, ret); return;
    case N(SEQ): emit_body(g, n, ret); return;
    case N(RETURN):
        out(g, " return ");
        if (n->a) emit_expr(g, n->a); else out(g, "null");
        out(g, ";");
        return;
    case N(NEXT):
        if (g->loop == LOOP_JS) out(g, " continue;");
        else if (g->loop == LOOP_BLOCK) { out(g, " return "); if (n->a) emit_expr(g, n->a); else out(g, "null"); out(g, ";"); }
        else fail(g, n, NULL, "`next` outside a block or loop");
        return;
    case N(BREAK):
        if (g->loop == LOOP_JS) out(g, " break;");
        else fail(g, n, "use `each` as a statement (it becomes a loop), `find`, or `loop do ... end`", "unsupported: `break` inside this block");
        return;
    case N(CALL):
        if (is_each_stmt(n)) { emit_for_each(g, n, ret); return; }
        if (!n->a && (name_is(n, "raise") || name_is(n, "fail"))) {
            g->need_rb = 1;
            out(g, " throw $rb.raise(");
            emit_raise_args(g, n);
            out(g, ");");
            return;
        }
        if (!n->a && name_is(n, "loop") && n->b) {
            int saved = g->loop;
            g->loop = LOOP_JS;
            out(g, " for (;;)");
            scope s;
            scope_push(g, &s, 0);
            out(g, " {");
            declare_locals(g, n->b->b);
            emit_body(g, n->b->b, 0);
            nl_to(g, n->b->end_line);
            out(g, " }");
            scope_pop(g);
            g->loop = saved;
            if (ret) out(g, " return null;");
            return;
        }
        break;
    default:
        break;
    }
    out(g, ret ? " return " : " ");
    size_t before = g->out.len;
    emit_expr(g, n);
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
    out(g, ";");
}

/* ======================================================================================== */
/* definitions                                                                              */

static int body_uses_yield(const node *n)
{
    if (!n) return 0;
    if (n->kind == N(YIELD)) return 1;
    if (n->kind == N(DEF) || n->kind == N(CLASS) || n->kind == N(MODULE)) return 0;
    if (n->kind == N(CALL) && !n->a && name_is(n, "block_given?")) return 1;
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
        snprintf(js, sizeof js, "set %s", jsname(base, tmp, sizeof tmp));
    } else if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) {
        fail(g, d, "define a named method instead (`def plus(other)`)", "unsupported: operator method `%s`", name);
        return;
    } else jsname(name, js, sizeof js);
    if (!strcmp(js, "constructor") && g->cls) {
        fail(g, d, "models and controllers get their attributes from the framework; use an `after_initialize` callback", "unsupported: `initialize` in a class");
        return;
    }
    scope s;
    scope_push(g, &s, 1);
    const char *saved_blk = g->blk;
    int saved_loop = g->loop;
    g->loop = LOOP_NONE;
    const char *bn = blockarg_name(d->b);
    int yields = body_uses_yield(d->c);
    g->blk = bn ? bn : (yields ? "$blk" : NULL);
    const char *saved_method = g->method;
    g->method = js;
    outf(g, "%s%s", prefix, js);
    emit_params(g, d->b, 0, yields && !bn);
    out(g, " {");
    declare_locals(g, d->c);
    if (!strncmp(js, "set ", 4)) emit_body(g, d->c, 0);
    else emit_body(g, d->c, 1);
    if (d->end_line > d->line) nl_to(g, d->end_line);
    out(g, " }");
    g->blk = saved_blk;
    g->loop = saved_loop;
    g->method = saved_method;
    scope_pop(g);
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
        if (s->kind == N(CALL) && !s->a && name_is(s, "primary_abstract_class")) continue;
        if (s->kind == N(CALL) && (s->flags & QR_RUBY_F_ATTR_ASGN) && s->a && s->a->kind == N(SELF) && name_is(s, "abstract_class=")) continue;
        return 0;
    }
    return 1;
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

    nl_to(g, c->line);
    /* class ApplicationRecord < ActiveRecord::Base; self.abstract_class = true; end */
    char super_name[128] = "";
    if (c->b) const_path(c->b, super_name, sizeof super_name);
    if (!strcmp(super_name, "ActiveRecord::Base") && is_abstract_record_body(body)) {
        const char *ar = strcmp(js_name, "ApplicationRecord") ? add_import(g, "ApplicationRecord", "quickrail", 1, NULL)
                                                              : add_import(g, "$ApplicationRecord", "quickrail", 1, "ApplicationRecord");
        outf(g, " %sclass %s extends %s { static abstractClass = true; }", export_kw, js_name, ar);
        goto done;
    }
    outf(g, " %sclass %s", export_kw, js_name);
    if (c->b) {
        out(g, " extends ");
        emit_expr(g, c->b);
    }
    out(g, " {");
    if (body && body->kind == N(SEQ)) {
        scope s;
        scope_push(g, &s, 1);
        int in_singleton = 0;
        for (uint32_t i = 0; i < body->nkids && !g->failed; i++) {
            const node *st = body->kids[i];
            nl_to(g, st->line);
            if (st->kind == N(DEF)) {
                int stat = st->a != NULL || in_singleton;
                g->static_def = stat;
                out(g, " ");
                emit_def(g, st, stat ? "static " : "");
                g->static_def = 0;
                continue;
            }
            if (st->kind == N(SCLASS) && st->c && st->c->kind == N(SEQ)) {
                for (uint32_t j = 0; j < st->c->nkids; j++) {
                    const node *d = st->c->kids[j];
                    nl_to(g, d->line);
                    if (d->kind == N(DEF)) { g->static_def = 1; out(g, " "); emit_def(g, d, "static "); g->static_def = 0; }
                    else if (d->kind == N(CALL) && !d->a && (name_is(d, "private") || name_is(d, "protected") || name_is(d, "public"))) continue;
                    else fail(g, d, "only `def`s are supported inside `class << self`", "unsupported statement in `class << self`");
                }
                continue;
            }
            if (st->kind == N(CALL) && !st->a && st->str && (name_is(st, "private") || name_is(st, "protected") || name_is(st, "public") || name_is(st, "private_class_method"))) {
                if (st->nkids == 1 && st->kids[0]->kind == N(DEF)) {
                    out(g, " ");
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
                    jsname(st->kids[j]->str, js, sizeof js);
                    snprintf(iv, sizeof iv, "%s%s", ivar_shadowed(g, st->kids[j]->str) ? "$" : "", st->kids[j]->str);
                    if (rd) outf(g, " get %s() { return this.%s; }", js, iv);
                    if (wr) outf(g, " set %s(v) { this.%s = v; }", js, iv);
                }
                continue;
            }
            if (st->kind == N(CALL) && !st->a && (name_is(st, "include") || name_is(st, "extend"))) {
                fail(g, st, "inline the module's methods into the class (concerns are not supported yet)", "unsupported: `%s` of a module", st->str);
                continue;
            }
            if (st->kind == N(CASGN) && !st->a) {
                outf(g, " static %s = ", st->str);
                g->in_class_body = 1;
                emit_expr(g, st->b);
                g->in_class_body = 0;
                out(g, ";");
                continue;
            }
            if (st->kind == N(CLASS) || st->kind == N(MODULE)) {
                fail(g, st, "put each class in its own file, as Rails autoloading expects", "unsupported: a class or module nested in a class");
                continue;
            }
            if (st->kind == N(ALIAS) && st->a && st->b && st->a->str && st->b->str) {
                char a[128], b[128];
                outf(g, " %s(...a) { return this.%s(...a); }", jsname(st->a->str, a, sizeof a), jsname(st->b->str, b, sizeof b));
                continue;
            }
            /* a DSL line: runs once, when the class is defined, with self = the class */
            outf(g, " static $%u = void ", st->line);
            g->in_class_body = 1;
            g->static_def = 1;
            emit_expr(g, st);
            g->static_def = 0;
            g->in_class_body = 0;
            out(g, ";");
        }
        scope_pop(g);
    } else if (body && body->kind == N(BEGIN)) {
        fail(g, body, NULL, "unsupported: rescue in a class body");
    }
    nl_to(g, c->end_line);
    out(g, " }");
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
    nl_to(g, m->line);
    int saved = g->self_mode;
    g->self_mode = SELF_HELPER;
    if (body && body->kind == N(SEQ))
        for (uint32_t i = 0; i < body->nkids && !g->failed; i++) {
            const node *st = body->kids[i];
            nl_to(g, st->line);
            if (st->kind == N(DEF)) { out(g, " "); emit_def(g, st, "export function "); continue; }
            if (st->kind == N(CALL) && !st->a && (name_is(st, "private") || name_is(st, "protected") || name_is(st, "module_function"))) continue;
            if (st->kind == N(CASGN) && !st->a) { outf(g, " export const %s = ", st->str); emit_expr(g, st->b); out(g, ";"); continue; }
            fail(g, st, "a helper module holds `def`s only", "unsupported statement in a helper module");
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
    return s->kind == N(CALL) && !s->a && (name_is(s, "require") || name_is(s, "require_relative"));
}

/* ======================================================================================== */
/* files                                                                                    */

static void emit_class_file(gen *g, const node *root)
{
    const node *mod = NULL;
    const node *cls = find_class(root, &mod);
    if (!cls) {
        if (mod) {
            if (g->kind == QR_RUBY_KIND_HELPER || g->kind == QR_RUBY_KIND_GENERIC) { emit_helper_module(g, mod); return; }
        }
        for (uint32_t i = 0; i < root->nkids; i++)
            if (!is_ignorable_top(root->kids[i])) {
                fail(g, root->kids[i], "a file under app/ defines one class named after the file (app/models/article.rb: `class Article < ApplicationRecord`)", "expected a class definition");
                return;
            }
        out(g, "export {};");
        return;
    }
    for (uint32_t i = 0; i < root->nkids; i++) {
        const node *s = root->kids[i];
        if (s == cls || is_ignorable_top(s)) continue;
        if (s->kind == N(MODULE) && find_class(s->c, NULL) == cls) continue;
        fail(g, s, "keep one class per file, as Rails autoloading expects", "unexpected statement outside the class");
        return;
    }
    emit_class(g, cls, "export default ", class_binding(cls->a));
}

static int is_routes_draw(const node *n)
{
    char full[128];
    return n && n->kind == N(CALL) && name_is(n, "draw") && n->b && n->a && n->a->kind == N(CALL) &&
           name_is(n->a, "routes") && n->a->a && n->a->a->kind == N(CALL) && name_is(n->a->a, "application") &&
           const_path(n->a->a->a, full, sizeof full) && !strcmp(full, "Rails");
}

static void emit_routes_file(gen *g, const node *root)
{
    const node *draw = NULL;
    for (uint32_t i = 0; i < root->nkids; i++) {
        if (is_routes_draw(root->kids[i])) { draw = root->kids[i]; continue; }
        if (is_ignorable_top(root->kids[i])) continue;
        fail(g, root->kids[i], "config/routes.rb holds one `Rails.application.routes.draw do ... end`", "unexpected statement in config/routes.rb");
        return;
    }
    if (!draw) { fail(g, NULL, "write `Rails.application.routes.draw do ... end`", "config/routes.rb has no routes.draw block"); return; }
    nl_to(g, draw->line);
    g->self_mode = SELF_ROUTES;
    out(g, " export default (r) => {");
    scope s;
    scope_push(g, &s, 1);
    declare_locals(g, draw->b->b);
    emit_body(g, draw->b->b, 0);
    scope_pop(g);
    nl_to(g, draw->b->end_line);
    out(g, " };");
}

static void emit_seeds_file(gen *g, const node *root)
{
    g->self_mode = SELF_TOP;
    out(g, " export default function seed() {");
    scope s;
    scope_push(g, &s, 1);
    declare_locals(g, root);
    for (uint32_t i = 0; i < root->nkids && !g->failed; i++) {
        const node *st = root->kids[i];
        if (is_ignorable_top(st)) continue;
        if (st->kind == N(DEF)) { nl_to(g, st->line); out(g, " "); emit_def(g, st, "function "); continue; }
        emit_stmt(g, st, 0);
    }
    scope_pop(g);
    out(g, " }");
}

/* A template function body: (__l, __a, __c, __h) -> string. The Ruby comes from ruby/erb.c. */
static void emit_template(gen *g, const node *root)
{
    g->self_mode = SELF_VIEW;
    scope s;
    scope_push(g, &s, 1);
    int html = g->kind == QR_RUBY_KIND_VIEW;
    if (html) out(g, "const __e = __h.__escape, __r = __h.__raw; const __saved = __c.o; __c.o = [];");
    out(g, " try {");
    declare_locals(g, root);
    for (uint32_t i = 0; i < root->nkids && !g->failed; i++) emit_stmt(g, root->kids[i], 0);
    if (html) out(g, " return __c.o.join(\"\");");
    /* errors name the template and its line (the body is line-aligned with the template) */
    g->need_rb = 1;
    out(g, " } catch ($e) { throw __h.__templateError($e, ");
    const char *name = strstr(g->path, "app/views/"); /* the template as the app names it */
    if (!name) name = g->path;
    out_str_lit(g, name, strlen(name));
    out(g, ", $rb.tplLine($e)); }");
    if (html) out(g, " finally { __c.o = __saved; }");
    scope_pop(g);
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
    if (!ast || !ast->root) { fail(&g, NULL, NULL, "empty tree"); return NULL; }
    const node *root = ast->root;
    switch (g.kind) {
    case QR_RUBY_KIND_ROUTES: emit_routes_file(&g, root); break;
    case QR_RUBY_KIND_SEEDS: emit_seeds_file(&g, root); break;
    case QR_RUBY_KIND_VIEW: case QR_RUBY_KIND_JBUILDER: emit_template(&g, root); break;
    default: emit_class_file(&g, root); break;
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
