/* ruby/ast.c — the Ruby syntax tree's memory and its S-expression dump. Owns the arena every
 * node of one tree lives in (a list of large blocks, freed together), the kind names and
 * qr_ruby_sexp, the stable one-line dump the parser's tests assert. Calls only libc, buf.c and
 * common.c; runs wherever the compiler runs (CLI, zygote), no I/O. */
#include "ruby/ast.h"
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "common.h"

struct qr_ruby_arena {
    struct qr_ruby_arena *next;
    size_t used, cap;
    max_align_t data[];
};

static const char *const kind_names[QR_RUBY_KIND_COUNT] = {
    "nil", "true", "false", "self",
    "int", "float", "str", "dstr", "evstr",
    "sym", "dsym", "regex", "array", "hash", "pair",
    "range",
    "lvar", "ivar", "gvar", "cvar", "const",
    "lasgn", "iasgn", "gvasgn", "cvasgn", "casgn",
    "op_asgn", "masgn",
    "call", "splat", "dsplat", "block_pass", "block",
    "lambda", "super", "yield", "defined",
    "and", "or", "not",
    "if", "while", "until", "for", "case", "when",
    "begin", "resbody", "return", "next", "break",
    "redo", "retry",
    "def", "args", "arg", "optarg", "restarg", "kwarg",
    "kwoptarg", "kwrestarg", "blockarg",
    "class", "sclass", "module", "alias", "seq",
};

static const char *const flag_names[] = {
    "heredoc", "char", "words", "braces", "label", "excl", "top", "safe", "parens", "vcall",
    "attrasgn", "op", "brace", "zsuper", "ternary", "modifier", "dowhile", "kwbegin", "endless",
};

const char *qr_ruby_kind_name(qr_ruby_kind kind)
{
    return (unsigned)kind < QR_RUBY_KIND_COUNT ? kind_names[kind] : "?";
}

qr_ruby_ast *qr__ruby_ast_new(const char *path)
{
    qr_ruby_ast *ast = qr_xcalloc(1, sizeof *ast);
    ast->path = qr__ruby_strdup(ast, path ? path : "", path ? strlen(path) : 0);
    return ast;
}

void *qr__ruby_alloc(qr_ruby_ast *ast, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    qr_ruby_arena *a = ast->arena;
    if (!a || a->cap - a->used < n) {
        /* the first block is small (most files are), later ones grow */
        size_t cap = ast->arena ? 65536 : 8192;
        if (cap < n) cap = n;
        a = qr_xmalloc(sizeof *a + cap);
        a->used = 0;
        a->cap = cap;
        a->next = ast->arena;
        ast->arena = a;
    }
    void *p = (char *)a->data + a->used;
    a->used += n;
    memset(p, 0, n);
    return p;
}

char *qr__ruby_strdup(qr_ruby_ast *ast, const char *s, size_t n)
{
    char *p = qr__ruby_alloc(ast, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

qr_ruby_node *qr__ruby_node(qr_ruby_ast *ast, qr_ruby_kind kind, uint32_t line, uint32_t col)
{
    qr_ruby_node *n = qr__ruby_alloc(ast, sizeof *n);
    n->kind = kind;
    n->line = n->end_line = line;
    n->col = col;
    return n;
}

void qr__ruby_push(qr_ruby_ast *ast, qr_ruby_node *parent, qr_ruby_node *kid)
{
    if (parent->nkids == parent->kids_cap) {
        uint32_t cap = parent->kids_cap ? parent->kids_cap * 2 : 4;
        qr_ruby_node **k = qr__ruby_alloc(ast, cap * sizeof *k);
        if (parent->nkids) memcpy(k, parent->kids, parent->nkids * sizeof *k);
        parent->kids = k;
        parent->kids_cap = cap;
    }
    parent->kids[parent->nkids++] = kid;
}

void qr_ruby_ast_free(qr_ruby_ast *ast)
{
    if (!ast) return;
    qr_ruby_arena *a = ast->arena;
    while (a) {
        qr_ruby_arena *next = a->next;
        free(a);
        a = next;
    }
    free(ast);
}

static int plain_name(const char *s, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '(' || c == ')' || c == '"' || c == '\\' || c >= 0x7f) return 0;
    }
    return 1;
}

static void dump_quoted(qr_buf_t *b, const char *s, size_t n)
{
    qr_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') qr_buf_appendf(b, "\\%c", c);
        else if (c == '\n') qr_buf_append_str(b, "\\n");
        else if (c == '\t') qr_buf_append_str(b, "\\t");
        else if (c < 0x20 || c == 0x7f) qr_buf_appendf(b, "\\x%02x", c);
        else qr_buf_append(b, s + i, 1);
    }
    qr_buf_append(b, "\"", 1);
}

/* Kinds whose `a` field means something: the dump shows `_` for their empty `a`. */
static int uses_a(qr_ruby_kind k)
{
    switch (k) {
    case QR_RUBY_NIL: case QR_RUBY_TRUE: case QR_RUBY_FALSE: case QR_RUBY_SELF: case QR_RUBY_INT:
    case QR_RUBY_FLOAT: case QR_RUBY_STR: case QR_RUBY_DSTR: case QR_RUBY_SYM: case QR_RUBY_DSYM:
    case QR_RUBY_REGEX: case QR_RUBY_ARRAY: case QR_RUBY_HASH: case QR_RUBY_LVAR: case QR_RUBY_IVAR:
    case QR_RUBY_GVAR: case QR_RUBY_CVAR: case QR_RUBY_SUPER: case QR_RUBY_YIELD: case QR_RUBY_ARGS:
    case QR_RUBY_ARG: case QR_RUBY_RESTARG: case QR_RUBY_KWARG: case QR_RUBY_KWRESTARG:
    case QR_RUBY_BLOCKARG: case QR_RUBY_SEQ: case QR_RUBY_REDO: case QR_RUBY_RETRY:
        return 0;
    default:
        return 1;
    }
}

static void dump(qr_buf_t *b, const qr_ruby_node *n, int depth)
{
    if (!n) { qr_buf_append_str(b, "_"); return; }
    if (depth > 2000) { qr_buf_append_str(b, "..."); return; }
    qr_buf_appendf(b, "(%s", qr_ruby_kind_name(n->kind));
    if (n->str) {
        qr_buf_append(b, " ", 1);
        if (n->kind == QR_RUBY_STR || !plain_name(n->str, n->len)) dump_quoted(b, n->str, n->len);
        else qr_buf_append(b, n->str, n->len);
    }
    if (n->flags) {
        int first = 1;
        qr_buf_append_str(b, " [");
        for (size_t i = 0; i < sizeof flag_names / sizeof *flag_names; i++) {
            if (!(n->flags & (1u << i))) continue;
            qr_buf_appendf(b, "%s%s", first ? "" : ",", flag_names[i]);
            first = 0;
        }
        qr_buf_append_str(b, "]");
    }
    /* Children in the order a, kids..., b, c; trailing empty slots are left out, inner ones
     * print as `_` (an empty `a` only for kinds that use it). */
    const qr_ruby_node *tail[2] = {n->b, n->c};
    int ntail = n->c ? 2 : n->b ? 1 : 0;
    int any_after_a = ntail > 0 || n->nkids > 0;
    if (n->a || (any_after_a && uses_a(n->kind))) { qr_buf_append(b, " ", 1); dump(b, n->a, depth + 1); }
    for (uint32_t i = 0; i < n->nkids; i++) { qr_buf_append(b, " ", 1); dump(b, n->kids[i], depth + 1); }
    for (int i = 0; i < ntail; i++) { qr_buf_append(b, " ", 1); dump(b, tail[i], depth + 1); }
    qr_buf_append(b, ")", 1);
}

char *qr_ruby_sexp(const qr_ruby_node *n)
{
    qr_buf_t b = QR_BUF_INIT;
    dump(&b, n, 0);
    return qr_buf_steal(&b);
}
