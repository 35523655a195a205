/* ruby/codegen_priv.h — what the five files of the Ruby code generator share (private to
 * ruby/codegen*.c): the generator state `gen`, its scopes and imports, and the functions each
 * file offers the others. codegen.c: output, names, scopes, constants/imports, the entry point;
 * codegen_expr.c: expressions, hashes, strings, blocks/lambdas; codegen_call.c: calls (self,
 * receivers, core methods, Rails-known names) and operators; codegen_stmt.c: statements and
 * control flow; codegen_rails.c: definitions, Rails-aware class bodies and the file shapes
 * (models, controllers, channels, migrations, helpers, routes, seeds, templates). All emit into
 * g->out; the first error is kept in g->err and later output is discarded by the caller. */
#ifndef QR_RUBY_CODEGEN_PRIV_H
#define QR_RUBY_CODEGEN_PRIV_H

#include <stdint.h>
#include "buf.h"
#include "ruby/codegen.h"

#define N(x) QR_RUBY_##x
typedef qr_ruby_node node;

enum { SELF_THIS, SELF_ROUTES, SELF_VIEW, SELF_HELPER, SELF_TOP };
/* what `next`/`break` mean: nothing, a JS loop's continue/break, a block's return, or refused
 * (inside a begin/rescue with `retry`, whose JS loop would take them) */
enum { LOOP_NONE, LOOP_JS, LOOP_BLOCK, LOOP_RETRY };

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
    int retry_label;       /* > 0: inside a rescue clause whose `retry` is `continue $retryN` */
    int retry_seq;         /* labels handed out in this file */
    int concern;           /* emitting a module that extends ActiveSupport::Concern */
    int in_rescue;         /* > 0: inside a rescue clause (a bare `raise` re-raises $e) */
} gen;

/* ---- codegen.c: output, names, scopes, constants and imports ---- */

/* Appends s to the output (counting its newlines in g->line). */
void qr__rg_out(gen *g, const char *s);
/* printf-style qr__rg_out. */
void qr__rg_outf(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds newlines until the output is at JS line `line` (line alignment with the Ruby). */
void qr__rg_nl_to(gen *g, uint32_t line);
/* Records the first error at n (NULL: line 1) with hint (or NULL); later calls are ignored. */
void qr__rg_fail(gen *g, const node *n, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Ruby method name -> JS name (qr_ruby_js_method_name) into buf; returns buf. */
const char *qr__rg_jsname(const char *name, char *buf, size_t cap);
/* A Ruby local/param name as a JS binding (reserved words renamed) into buf; returns buf. */
const char *qr__rg_lname(const char *name, char *buf, size_t cap);
/* Emits s (n bytes) as a JS string literal. */
void qr__rg_out_str_lit(gen *g, const char *s, size_t n);
/* Emits s (n bytes) escaped for the inside of a JS template literal. */
void qr__rg_out_tpl_chunk(gen *g, const char *s, size_t n);
/* Opens scope s (caller-owned, until qr__rg_scope_pop); hard: outer names are not visible. */
void qr__rg_scope_push(gen *g, scope *s, int hard);
/* Closes the innermost scope (frees its names). */
void qr__rg_scope_pop(gen *g);
/* Declares local name (must outlive the scope: the tree's strings) in the innermost scope. */
void qr__rg_scope_add(gen *g, const char *name);
/* Emits ` let a, b;` for the locals body assigns that are not yet in scope, and declares them. */
void qr__rg_declare_locals(gen *g, const node *body);
/* Imports name from spec (named: `{ orig as name }` or `{ name }`; else default) once; returns
 * the JS binding to use (g-owned). */
const char *qr__rg_add_import(gen *g, const char *name, const char *spec, int named, const char *orig);
/* Full name of a CONST path ("ActiveRecord::Base") into buf; 0 if it is not a plain constant path. */
int qr__rg_const_path(const node *n, char *buf, size_t cap);
/* The JS global standing for Ruby core constant ruby ("Integer" -> "Number"), or NULL. */
const char *qr__rg_js_const(const char *ruby);
/* Emits the JS for constant path cn (an import, a framework class, a JS global, this class). */
void qr__rg_emit_const(gen *g, const node *cn);

/* ---- codegen_expr.c: expressions, hashes, blocks and lambdas ---- */

/* Is n a literal (nil, true, false, number, string, symbol)? */
int qr__rg_is_literal(const node *n);
/* Is n's name exactly name? (n may be NULL) */
int qr__rg_name_is(const node *n, const char *name);
/* Is ivar s (with its @) read as the object's own `$` property (a method shares its name)? */
int qr__rg_ivar_shadowed(gen *g, const char *s);
/* Does the class being emitted declare attr_accessor/reader/writer name? */
int qr__rg_class_has_attr(gen *g, const char *name);
/* Emits self for the current context: this, r (routes), __c (views), $h (helpers). */
void qr__rg_emit_self(gen *g);
/* Emits hash literal n as a JS object; camel_opts: camelize the framework's option keys. */
void qr__rg_emit_hash(gen *g, const node *n, int camel_opts);
/* Emits a parameter list `(a, b = 1, { k } = {})`; splat_pairs: destructure `[k, v]`; add_blk: a trailing $blk. */
void qr__rg_emit_params(gen *g, const node *args, int splat_pairs, int add_blk);
/* Emits block blk as an arrow (as_function: a `function`, for self = the framework's object). */
void qr__rg_emit_block_fn(gen *g, const node *blk, int as_function, int splat_pairs);
/* Emits the left side of an assignment (local, ivar, attribute, element, splat). */
void qr__rg_emit_assign_target(gen *g, const node *t);
/* Emits n as a JS expression. */
void qr__rg_emit_expr(gen *g, const node *n);
/* Emits a truthiness test of n (only nil and false are false), inlined where possible. */
void qr__rg_emit_test(gen *g, const node *n);

/* ---- codegen_call.c: calls and operators ---- */

/* Does the class (or helper module) being emitted define method name? */
int qr__rg_class_defines(gen *g, const char *name);
/* Does n contain a template output call (@output_buffer.safe_append=...)? */
int qr__rg_contains_output(const node *n);
/* Emits the argument list (without parens) from argument first; method_refs: camelize leading
 * symbols (they name methods); block_fn: the block as a function; splat_pairs: see emit_params. */
void qr__rg_emit_args(gen *g, const node *n, int first, int method_refs, int block_fn, int splat_pairs);
/* Emits an operator call (`==`, `+`, `<<`, `/` ...) with Ruby semantics. */
void qr__rg_emit_binop(gen *g, const node *n);
/* Emits `&blk` / `&:name` as a JS function value. */
void qr__rg_emit_block_pass(gen *g, const node *bp);
/* Emits a method call (self, receiver, safe navigation, core methods, Rails-known names). */
void qr__rg_emit_call(gen *g, const node *n);
/* Emits raise's arguments, naming Ruby's own exception classes for $rb.raise ($e: bare raise in rescue). */
void qr__rg_emit_raise_args(gen *g, const node *n);
/* Emits the receiver of call n: self, an explicit receiver, or $t (safe navigation). */
void qr__rg_emit_recv(gen *g, const node *n, int safe);

/* ---- codegen_stmt.c: statements ---- */

/* Emits statement list body; ret: `return` the last value. */
void qr__rg_emit_body(gen *g, const node *body, int ret);
/* Emits one statement; ret: it is the last of a method/block and its value is returned. */
void qr__rg_emit_stmt(gen *g, const node *n, int ret);

/* ---- codegen_rails.c: definitions and the Rails file shapes ---- */

/* A class file: models, controllers, channels, migrations, helpers, any class or module. */
void qr__rg_emit_class_file(gen *g, const node *root);
/* config/routes.rb: export default (r) => { ... }. */
void qr__rg_emit_routes_file(gen *g, const node *root);
/* db/seeds.rb: export default function seed() { ... }. */
void qr__rg_emit_seeds_file(gen *g, const node *root);
/* A template function body (Ruby from ruby/erb.c, or jbuilder). */
void qr__rg_emit_template(gen *g, const node *root);

#endif
