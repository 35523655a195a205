/* ruby/ast.h — the Ruby syntax tree the parser (ruby/parser.h) builds and the code generator
 * reads. Every node lives in the tree's arena (one allocation block list per tree, freed at once
 * by qr_ruby_ast_free); no node is ever freed alone. Strings in nodes (names, literal values)
 * are NUL-terminated arena copies, already unescaped. Positions are 1-based line and column
 * (column counted in bytes) of the node's first token; end_line is the line of the node's last
 * token (its `end` or `}` for compound constructs), so generated code can stay line-aligned.
 *
 * Field use per kind (unlisted fields are NULL / 0). "body" fields are always QR_RUBY_SEQ nodes
 * (possibly with no kids) or, when the body has rescue/ensure clauses, a QR_RUBY_BEGIN node.
 *
 *  literals
 *   NIL TRUE FALSE SELF
 *   INT, FLOAT   str = the literal text with `_` removed ("1000", "0x1f", "2.5", "1e3")
 *   STR          str/len = value (may contain NUL bytes); F_HEREDOC, F_CHAR (?a) flags
 *   DSTR         kids = parts, each STR or EVSTR (string with #{} interpolation; also heredocs)
 *   EVSTR        a = SEQ of the statements inside #{ } (a->nkids may be 0)
 *   SYM          str = name without the colon (`:a`, `:"a b"`, `a:` label keys, %i[] items)
 *   DSYM         kids = parts as DSTR (`:"a#{b}"`)
 *   REGEX        kids = parts as DSTR; str = option letters ("i", "mx", "")
 *   ARRAY        kids = elements (SPLAT allowed); F_WORDS for %w[] / %i[]
 *   HASH         kids = PAIR | DSPLAT; F_BRACES when written with { }, else a trailing
 *                call-argument hash (`render :new, status: :x` gives (hash ...) as last arg)
 *   PAIR         a = key, b = value; F_LABEL when written `key:` / `"key":` (key is SYM)
 *   RANGE        a = low or NULL, b = high or NULL; F_EXCL for `...`
 *  variables and constants
 *   LVAR IVAR GVAR CVAR   str = name ("x", "@x", "$x", "@@x"); $1.. are GVAR "$1"
 *   CONST        a = scope (CONST or expr) or NULL, str = name; F_TOP for `::Foo`
 *  assignment
 *   LASGN IASGN GVASGN CVASGN   str = name, a = value (a == NULL inside MASGN / rescue => e)
 *   CASGN        a = scope or NULL, str = name, b = value (F_TOP for ::Foo = 1)
 *   OP_ASGN      a = target (LVAR IVAR GVAR CVAR CONST, CALL attribute read, CALL "[]"),
 *                str = operator without "=" ("||", "&&", "+", "-", "<<", ...), b = value
 *   MASGN        kids = targets (LASGN.. with a == NULL, SPLAT(target), CALL "x=" / "[]="
 *                with the value argument missing), a = value (ARRAY for `a, b = 1, 2`)
 *  calls
 *   CALL         a = receiver or NULL (self call), str = method name ("render", "present?",
 *                "title=", "[]", "[]=", "+", "==", "!", "-@", "call" for `f.()`),
 *                kids = arguments (may include SPLAT, a trailing HASH, BLOCK_PASS last),
 *                b = BLOCK or NULL. Flags: F_SAFE_NAV (`&.`), F_PARENS (written with ( )),
 *                F_VCALL (a bare identifier that is not a local: `notice`, `article`),
 *                F_ATTR_ASGN (`obj.x = v` / `a[k] = v`: the value is the last argument),
 *                F_OP (binary/unary operator written as an operator: `a + b`, `-x`, `a[i]`)
 *   SPLAT DSPLAT BLOCK_PASS   a = expr; BLOCK_PASS a == NULL for anonymous `&`
 *                (`&:sym` is BLOCK_PASS(SYM))
 *   BLOCK        a = ARGS or NULL, b = body; F_BRACE for { } blocks, else do ... end
 *   LAMBDA       a = ARGS or NULL, b = body (`->(x) { }` / `-> do end`); F_BRACE as BLOCK
 *   SUPER        kids = args, b = BLOCK or NULL; F_ZSUPER for bare `super` (pass all args),
 *                F_PARENS when `super(...)`
 *   YIELD        kids = args
 *   DEFINED      a = expr
 *  operators with their own meaning
 *   AND OR       a, b (`&&`/`and`, `||`/`or`)
 *   NOT          a (`!x`, `not x`)
 *  control
 *   IF           a = cond, b = then body or NULL, c = else (body, or IF for elsif) or NULL.
 *                `unless c; x; end` is IF(c, NULL, x); flags F_TERNARY, F_MODIFIER
 *   WHILE UNTIL  a = cond, b = body; F_MODIFIER, F_DO_WHILE (`begin ... end while c`)
 *   FOR          a = target (LASGN/MASGN without value), b = iterable, c = body
 *   CASE         a = subject or NULL, kids = WHEN nodes, b = else body or NULL
 *   WHEN         kids = conditions (SPLAT allowed), a = body
 *   BEGIN        a = body, kids = RESBODY nodes, b = else body or NULL, c = ensure body or NULL;
 *                F_KWBEGIN for an explicit begin...end, F_MODIFIER for `x rescue y`
 *                (one RESBODY with no classes)
 *   RESBODY      kids = exception classes (empty = StandardError), a = LASGN/IASGN target
 *                with a == NULL, or NULL, b = body
 *   RETURN NEXT BREAK   a = value or NULL (ARRAY when `return a, b`)
 *   REDO RETRY
 *  definitions
 *   DEF          a = singleton receiver (SELF, CONST, LVAR) or NULL, str = name ("show",
 *                "valid?", "title=", "==", "[]"), b = ARGS (never NULL), c = body;
 *                F_ENDLESS for `def x = expr`
 *   ARGS         kids = parameters, each one of:
 *   ARG          str = name (required positional); MLHS: kids = nested ARG... for |(a, b)|
 *   OPTARG       str = name, a = default
 *   RESTARG      str = name or "" (`*` / `*args`)
 *   KWARG        str = name (required keyword `name:`)
 *   KWOPTARG     str = name, a = default
 *   KWRESTARG    str = name or "" (`**opts`)
 *   BLOCKARG     str = name or "" (`&block`)
 *   CLASS        a = CONST path, b = superclass expr or NULL, c = body
 *   SCLASS       a = expr (`class << self`), c = body
 *   MODULE       a = CONST path, c = body
 *   ALIAS        a = new name SYM/DSYM/GVAR, b = old name
 *   SEQ          kids = statements, in order (the root of a file is a SEQ)
 */
#ifndef QR_RUBY_AST_H
#define QR_RUBY_AST_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    QR_RUBY_NIL, QR_RUBY_TRUE, QR_RUBY_FALSE, QR_RUBY_SELF,
    QR_RUBY_INT, QR_RUBY_FLOAT, QR_RUBY_STR, QR_RUBY_DSTR, QR_RUBY_EVSTR,
    QR_RUBY_SYM, QR_RUBY_DSYM, QR_RUBY_REGEX, QR_RUBY_ARRAY, QR_RUBY_HASH, QR_RUBY_PAIR,
    QR_RUBY_RANGE,
    QR_RUBY_LVAR, QR_RUBY_IVAR, QR_RUBY_GVAR, QR_RUBY_CVAR, QR_RUBY_CONST,
    QR_RUBY_LASGN, QR_RUBY_IASGN, QR_RUBY_GVASGN, QR_RUBY_CVASGN, QR_RUBY_CASGN,
    QR_RUBY_OP_ASGN, QR_RUBY_MASGN,
    QR_RUBY_CALL, QR_RUBY_SPLAT, QR_RUBY_DSPLAT, QR_RUBY_BLOCK_PASS, QR_RUBY_BLOCK,
    QR_RUBY_LAMBDA, QR_RUBY_SUPER, QR_RUBY_YIELD, QR_RUBY_DEFINED,
    QR_RUBY_AND, QR_RUBY_OR, QR_RUBY_NOT,
    QR_RUBY_IF, QR_RUBY_WHILE, QR_RUBY_UNTIL, QR_RUBY_FOR, QR_RUBY_CASE, QR_RUBY_WHEN,
    QR_RUBY_BEGIN, QR_RUBY_RESBODY, QR_RUBY_RETURN, QR_RUBY_NEXT, QR_RUBY_BREAK,
    QR_RUBY_REDO, QR_RUBY_RETRY,
    QR_RUBY_DEF, QR_RUBY_ARGS, QR_RUBY_ARG, QR_RUBY_OPTARG, QR_RUBY_RESTARG, QR_RUBY_KWARG,
    QR_RUBY_KWOPTARG, QR_RUBY_KWRESTARG, QR_RUBY_BLOCKARG,
    QR_RUBY_CLASS, QR_RUBY_SCLASS, QR_RUBY_MODULE, QR_RUBY_ALIAS, QR_RUBY_SEQ,
    QR_RUBY_KIND_COUNT
} qr_ruby_kind;

enum {
    QR_RUBY_F_HEREDOC = 1 << 0,
    QR_RUBY_F_CHAR = 1 << 1,
    QR_RUBY_F_WORDS = 1 << 2,
    QR_RUBY_F_BRACES = 1 << 3,
    QR_RUBY_F_LABEL = 1 << 4,
    QR_RUBY_F_EXCL = 1 << 5,
    QR_RUBY_F_TOP = 1 << 6,
    QR_RUBY_F_SAFE_NAV = 1 << 7,
    QR_RUBY_F_PARENS = 1 << 8,
    QR_RUBY_F_VCALL = 1 << 9,
    QR_RUBY_F_ATTR_ASGN = 1 << 10,
    QR_RUBY_F_OP = 1 << 11,
    QR_RUBY_F_BRACE = 1 << 12,
    QR_RUBY_F_ZSUPER = 1 << 13,
    QR_RUBY_F_TERNARY = 1 << 14,
    QR_RUBY_F_MODIFIER = 1 << 15,
    QR_RUBY_F_DO_WHILE = 1 << 16,
    QR_RUBY_F_KWBEGIN = 1 << 17,
    QR_RUBY_F_ENDLESS = 1 << 18,
};

typedef struct qr_ruby_node qr_ruby_node;
struct qr_ruby_node {
    qr_ruby_kind kind;
    uint32_t flags;
    uint32_t line, col;      /* first token, 1-based */
    uint32_t end_line;       /* last token's line */
    const char *str;         /* name or literal value (NUL-terminated arena copy), or NULL */
    size_t len;              /* strlen(str), or the byte length of a STR value with NULs */
    qr_ruby_node *a, *b, *c; /* fixed children, meaning per kind (see above) */
    qr_ruby_node **kids;     /* ordered children, meaning per kind */
    uint32_t nkids;
    uint32_t kids_cap;       /* internal: allocated slots */
};

typedef struct qr_ruby_arena qr_ruby_arena;

/* A parsed file. Owns the arena that holds every node; the source text is NOT kept. */
typedef struct {
    qr_ruby_node *root;      /* a QR_RUBY_SEQ */
    qr_ruby_arena *arena;
    char *path;              /* arena copy of the path given to the parser */
} qr_ruby_ast;

/* The lower-case name of a kind ("call", "lasgn"), as used in the S-expression dump. */
const char *qr_ruby_kind_name(qr_ruby_kind kind);
/* Returns a malloc'ed S-expression dump of n (caller frees), e.g. for `render :new, status: :x`:
 * (call nil "render" (sym new) (hash (pair (sym status) (sym x)))). Stable: tests assert it. */
char *qr_ruby_sexp(const qr_ruby_node *n);
/* Frees the tree and everything in its arena; NULL is accepted. */
void qr_ruby_ast_free(qr_ruby_ast *ast);

/* Internals used by the parser (ruby/parser.c): allocation in a tree's arena. */
qr_ruby_ast *qr__ruby_ast_new(const char *path);
void *qr__ruby_alloc(qr_ruby_ast *ast, size_t n);            /* zeroed; aborts on OOM */
char *qr__ruby_strdup(qr_ruby_ast *ast, const char *s, size_t n); /* NUL-terminated copy */
qr_ruby_node *qr__ruby_node(qr_ruby_ast *ast, qr_ruby_kind kind, uint32_t line, uint32_t col);
void qr__ruby_push(qr_ruby_ast *ast, qr_ruby_node *parent, qr_ruby_node *kid);

#endif
