/* ruby/parser_priv.h — what the four files of the Ruby parser share (private to ruby/parser*.c):
 * the parser state P and the functions each file offers the others. parser.c: state, tokens,
 * locals, errors, entry points; parser_stmt.c: statements, blocks, params, definitions and
 * control structures; parser_expr.c: operators, assignments, calls, primaries; parser_lit.c:
 * strings, symbols, regexps, heredocs, words, hashes and arrays. Every node is allocated in
 * p->ast's arena (freed with the tree); errors longjmp to qr_ruby_parse. Nothing outside
 * ruby/parser*.c includes this. */
#ifndef QR_RUBY_PARSER_PRIV_H
#define QR_RUBY_PARSER_PRIV_H

#include <setjmp.h>
#include <stdint.h>
#include "buf.h"
#include "ruby/lexer.h"
#include "ruby/parser.h"

#define MAX_DEPTH 1000

typedef struct {
    const char *name;
    uint32_t len;
    int32_t next;             /* the previous local in the same hash bucket, or -1 */
} local_t;

/* Binding powers of the binary operators (qr__rp_arg's min), loosest first. */
enum {
    PREC_NONE = 0, PREC_TERN = 1, PREC_RANGE, PREC_OROR, PREC_ANDAND, PREC_NOTKW, PREC_EQ,
    PREC_CMP, PREC_BOR, PREC_BAND, PREC_SHIFT, PREC_ADD, PREC_MUL, PREC_UMINUS, PREC_POW,
    PREC_NOT
};

#define LOCAL_BUCKETS 1024
#define HARD 0x80000000u      /* bit of P.scopes: a hard scope (def, class) */

typedef struct {
    qr_ruby_lexer lx;
    qr_ruby_tok tok;          /* the current token */
    uint32_t prev_end;        /* end offset of the previous token */
    qr_ruby_toktype prev_type; /* and its type */
    qr_ruby_ast *ast;
    qr_ruby_error *err;
    const char *path;
    jmp_buf jb;
    int depth;
    int no_do;                /* > 0: a `do` here belongs to an outer command call or loop */
    int in_interp;            /* > 0: parsing the code of a #{ } */
    const char *mis_what;     /* the first `end` indented unlike its opener: what it closed, */
    uint32_t mis_end, mis_open; /* where it is, and where its opener is */
    local_t *locals;          /* every visible local, innermost scope last */
    uint32_t nlocals, locals_cap;
    int32_t buckets[LOCAL_BUCKETS]; /* newest local per name hash, or -1 */
    uint32_t *scopes;         /* start index in locals of each scope; bit 31: hard scope */
    uint32_t nscopes, scopes_cap;
    qr_buf_t **bufs;          /* string buffers in use (freed here if an error unwinds them) */
    uint32_t nbufs, bufs_cap;
} P;

/* ---- parser.c: buffers, errors, locals, tokens, nodes ---- */

/* A fresh string buffer owned by p until qr__rp_buf_put (or an error unwinding the parse). */
qr_buf_t *qr__rp_buf_get(P *p);
/* Frees the most recent qr__rp_buf_get buffer. */
void qr__rp_buf_put(P *p);
/* Fills p->err (path:line:col of byte pos, message fmt, hint or NULL) and ends the parse. */
void qr__rp_fail_at(P *p, uint32_t pos, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
/* Ends the parse with "unexpected <current token>; expected <expected>" and hint (or NULL). */
void qr__rp_unexpected(P *p, const char *expected, const char *hint) __attribute__((noreturn));
/* Is name (n bytes) a local visible here? (ctx is P; also the lexer's callback). */
int qr__rp_is_local(void *ctx, const char *name, size_t n);
/* Declares local name (n bytes, must outlive the parse: source or arena) in the innermost scope. */
void qr__rp_declare(P *p, const char *name, size_t n);
/* Opens a scope of locals; hard: names of outer scopes are not visible (def, class). */
void qr__rp_push_scope(P *p, int hard);
/* Closes the innermost scope, forgetting its locals. */
void qr__rp_pop_scope(P *p);
/* Moves to the next token (a lexer error ends the parse). */
void qr__rp_advance(P *p);
/* Consumes the current token if it is t: 1, else 0. */
int qr__rp_accept(P *p, qr_ruby_toktype t);
/* Consumes newlines and `;`. */
void qr__rp_skip_nl(P *p);
/* The current token's bytes (in the source, not NUL-terminated), its length in *n. */
const char *qr__rp_tok_text(P *p, uint32_t *n);
/* A new node of kind k at byte pos (arena-owned). */
qr_ruby_node *qr__rp_node_at(P *p, qr_ruby_kind k, uint32_t pos);
/* A new node of kind k at the current token (arena-owned). */
qr_ruby_node *qr__rp_node(P *p, qr_ruby_kind k);
/* Sets n's name to a copy of s (len bytes) in the arena. */
void qr__rp_set_str(P *p, qr_ruby_node *n, const char *s, size_t len);
/* Extends n's end line to the previous token's. */
void qr__rp_finish(P *p, qr_ruby_node *n);
/* Appends kid to parent's children. */
void qr__rp_push(P *p, qr_ruby_node *parent, qr_ruby_node *kid);
/* One more level of nesting (too deep ends the parse). */
void qr__rp_enter(P *p);
/* Consumes the `end` closing what (opened at byte opened_at), or fails with a hint. */
void qr__rp_expect_end(P *p, const char *what, uint32_t opened_at);
/* Consumes a token t, or fails with "expected <what>". */
void qr__rp_expect(P *p, qr_ruby_toktype t, const char *what);

/* ---- parser_stmt.c: statements, blocks, definitions, control structures ---- */

/* Can token t begin an operand (a value)? */
int qr__rp_starts_value(qr_ruby_toktype t);
/* Does the current token start the first argument of a call written without parentheses? */
int qr__rp_starts_command_arg(P *p);
/* n as a SEQ node (n itself when it is one; an empty SEQ for NULL). */
qr_ruby_node *qr__rp_seq_of(P *p, qr_ruby_node *n);
/* Statements up to `end`, `else`, `}` ... (not consumed), as a SEQ. */
qr_ruby_node *qr__rp_stmts(P *p);
/* `a and b`, `a or b`, `not a` over expressions. */
qr_ruby_node *qr__rp_expr_stmt(P *p);
/* Statements with optional rescue / else / ensure clauses (def, do-block, begin bodies). */
qr_ruby_node *qr__rp_bodystmt(P *p, uint32_t opened_at);
/* A block { |x| ... } or do |x| ... end attached to call (which may be a lambda node). */
qr_ruby_node *qr__rp_block(P *p, qr_ruby_node *call);
/* `->(a) { ... }` at the current `->`. */
qr_ruby_node *qr__rp_lambda(P *p);
/* return / break / next (kind k) with an optional value. */
qr_ruby_node *qr__rp_jump(P *p, qr_ruby_kind k);
/* `def ... end` at the current `def`. */
qr_ruby_node *qr__rp_parse_def(P *p);
/* `class ... end` at the current `class`. */
qr_ruby_node *qr__rp_parse_class(P *p);
/* `module ... end` at the current `module`. */
qr_ruby_node *qr__rp_parse_module(P *p);
/* `if`/`unless` (unless set) ... end at the current keyword. */
qr_ruby_node *qr__rp_parse_if(P *p, int unless);
/* `while`/`until` ... end at the current keyword. */
qr_ruby_node *qr__rp_parse_while(P *p);
/* `for x in y ... end` at the current `for`. */
qr_ruby_node *qr__rp_parse_for(P *p);
/* `case ... when ... end` at the current `case`. */
qr_ruby_node *qr__rp_parse_case(P *p);

/* ---- parser_expr.c: operators, assignments, calls, primaries ---- */

/* Pratt loop over binary operators binding tighter than min (0: any); cmd allows a command call. */
qr_ruby_node *qr__rp_arg(P *p, int min, int cmd);
/* An expression written left of `=` turned into its assignment node (op_asgn: for `+=` etc.). */
qr_ruby_node *qr__rp_lvar_target(P *p, qr_ruby_node *n, int op_asgn);
/* One hash entry (`k: v`, `k => v`, `**h`); positional: a bare value is returned as it is. */
qr_ruby_node *qr__rp_hash_entry(P *p, qr_ruby_toktype closer, int nl, int positional);
/* Arguments of call up to closer (RPAREN / RBRACK), or without parentheses when QR_T_EOF. */
void qr__rp_call_args(P *p, qr_ruby_node *call, qr_ruby_toktype closer);
/* A primary with its postfix chain (`.x`, `[i]`, `::C`, blocks); cmd allows a command call. */
qr_ruby_node *qr__rp_primary_postfix(P *p, int cmd);

/* ---- parser_lit.c: literals ---- */

/* A string, symbol, regexp or heredoc starting at the current QR_T_STR_BEG token. */
qr_ruby_node *qr__rp_parse_string(P *p);
/* `%w[...]` / `%i[...]` at the current QR_T_WORDS_BEG token. */
qr_ruby_node *qr__rp_parse_words(P *p);
/* A character literal `?a`. */
qr_ruby_node *qr__rp_parse_char(P *p);
/* `{ ... }` as a hash literal at the current `{`. */
qr_ruby_node *qr__rp_parse_hash(P *p);
/* `[ ... ]` at the current `[`. */
qr_ruby_node *qr__rp_parse_array(P *p);

#endif
