/* ruby/lexer.h — the Ruby lexer's contract, used only by the parser (ruby/parser.c) and its
 * tests. The lexer turns source bytes into tokens on demand. Ruby's lexing depends on context
 * (`/` regexp or division, `-1` argument or subtraction, `[` array or index, `?a` char or
 * ternary, `<<~X` heredoc or shift, `{`), so the lexer keeps Ruby's state (after an operand,
 * at an expression start, after a method name that may take arguments) and asks the parser,
 * through is_local, whether an identifier is a local variable. String bodies are read by the
 * parser part by part (qr__ruby_lex_string) so that #{ } is parsed by the parser itself.
 * The lexer allocates nothing but its line table (freed by qr__ruby_lex_free). */
#ifndef QR_RUBY_LEXER_H
#define QR_RUBY_LEXER_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

typedef enum {
    QR_T_EOF, QR_T_ERROR, QR_T_NL,           /* NL: a newline or `;` ending a statement */
    QR_T_INT, QR_T_FLOAT, QR_T_IDENT, QR_T_CONST, QR_T_IVAR, QR_T_CVAR, QR_T_GVAR,
    QR_T_LABEL,                              /* `name:` (text = name, without the colon) */
    QR_T_SYMBOL,                             /* `:name`, `:+`, `:[]=` (text = name) */
    QR_T_STR_BEG,                            /* a string, dsym, regexp or heredoc starts; see str */
    QR_T_WORDS_BEG,                          /* %w[ / %i[ (str.kind says which) */
    QR_T_CHAR,                               /* ?a (text = the character) */
    /* keywords */
    QR_T_KW_FIRST,
    QR_T_ALIAS = QR_T_KW_FIRST, QR_T_AND, QR_T_BEGIN, QR_T_BREAK, QR_T_CASE, QR_T_CLASS,
    QR_T_DEF, QR_T_DEFINED, QR_T_DO, QR_T_ELSE, QR_T_ELSIF, QR_T_END, QR_T_ENSURE,
    QR_T_FALSE, QR_T_FOR, QR_T_IF, QR_T_IN, QR_T_MODULE, QR_T_NEXT, QR_T_NIL, QR_T_NOT,
    QR_T_OR, QR_T_REDO, QR_T_RESCUE, QR_T_RETRY, QR_T_RETURN, QR_T_SELF, QR_T_SUPER,
    QR_T_THEN, QR_T_TRUE, QR_T_UNDEF, QR_T_UNLESS, QR_T_UNTIL, QR_T_WHEN, QR_T_WHILE,
    QR_T_YIELD, QR_T_KW__FILE__, QR_T_KW__LINE__, QR_T_KW_BEGIN_UP, QR_T_KW_END_UP,
    QR_T_KW_LAST = QR_T_KW_END_UP,
    /* punctuation */
    QR_T_LPAREN,        /* ( starting an expression */
    QR_T_LPAREN_CALL,   /* ( directly after a method name: argument list */
    QR_T_RPAREN, QR_T_LBRACK /* [ array */, QR_T_LBRACK_IDX /* [ index */, QR_T_RBRACK,
    QR_T_LBRACE, QR_T_RBRACE, QR_T_COMMA, QR_T_DOT, QR_T_ANDDOT, QR_T_COLON2, QR_T_COLON3,
    QR_T_COLON, QR_T_QMARK, QR_T_ASSOC /* => */, QR_T_ASSIGN, QR_T_OP_ASGN /* += ||= ... */,
    QR_T_LAMBDA /* -> */, QR_T_DOT2, QR_T_DOT3, QR_T_PIPE,
    QR_T_SPLAT /* *a */, QR_T_DSPLAT /* **h */, QR_T_BLOCKAMP /* &blk */,
    QR_T_UMINUS, QR_T_UPLUS, QR_T_BANG, QR_T_TILDE,
    QR_T_PLUS, QR_T_MINUS, QR_T_STAR, QR_T_POW, QR_T_DIV, QR_T_PERCENT,
    QR_T_LSHIFT, QR_T_RSHIFT, QR_T_AMPER, QR_T_CARET,
    QR_T_LT, QR_T_LE, QR_T_GT, QR_T_GE, QR_T_CMP, QR_T_EQ, QR_T_EQQ, QR_T_NEQ,
    QR_T_MATCH, QR_T_NMATCH, QR_T_ANDAND, QR_T_OROR,
    QR_T_COUNT
} qr_ruby_toktype;

/* What kind of literal a QR_T_STR_BEG / QR_T_WORDS_BEG opens, and how to read its body. */
enum { QR_STR_DQ, QR_STR_SQ, QR_STR_REGEX, QR_STR_DSYM, QR_STR_SSYM, QR_STR_HEREDOC,
       QR_STR_WORDS, QR_STR_SYMBOLS, QR_STR_XSTR };

typedef struct {
    int kind;              /* QR_STR_* */
    char term, open;       /* closing delimiter; opening one if it nests ( [ { <, else 0 */
    int interp;            /* #{ } and escapes are processed */
    int nest;              /* current nesting depth of open/term pairs */
    uint32_t body;         /* heredoc: the body starts here (the line after the `<<~ID`) */
    uint32_t body_end;     /* heredoc: the body ends here (the terminator line starts) */
    int dedent;            /* <<~ heredoc: columns of indentation to strip per line, else 0 */
    int at_line_start;     /* heredoc: the next byte starts a line */
    char opts[8];          /* regexp options after the closing / */
} qr_ruby_strterm;

typedef struct {
    qr_ruby_toktype type;
    uint32_t start, end;   /* byte offsets of the token's text */
    int space_before;      /* whitespace or a line start directly before the token */
    qr_ruby_strterm str;   /* QR_T_STR_BEG / QR_T_WORDS_BEG */
    const char *msg;       /* QR_T_ERROR: what is wrong (static string) */
} qr_ruby_tok;

/* Lexer states (Ruby's EXPR_*, simplified). */
enum { QR_LEX_BEG, QR_LEX_END, QR_LEX_ARG, QR_LEX_MID, QR_LEX_DOT, QR_LEX_FNAME,
       QR_LEX_CLASS };

typedef struct {
    const char *src;
    uint32_t len, pos;
    int state;
    uint32_t heredoc_resume;   /* after this line's newline, continue here (0: none) */
    int after_qmark;           /* the previous token was the ternary `?` (no label can follow) */
    uint32_t *lines;           /* offsets of line starts (malloc'ed) */
    uint32_t nlines;
    uint32_t last_line;        /* qr__ruby_lex_pos's last answer (0-based), a lookup hint */
    int (*is_local)(void *ctx, const char *name, size_t n);
    void *ctx;
} qr_ruby_lexer;

/* Prepares lx over src[0, len) (len < 4 GB). Returns 0, or -EFBIG. */
int qr__ruby_lex_init(qr_ruby_lexer *lx, const char *src, size_t len);
void qr__ruby_lex_free(qr_ruby_lexer *lx);
/* Reads the next token at lx->pos into *t and advances. */
void qr__ruby_lex_next(qr_ruby_lexer *lx, qr_ruby_tok *t);
/* Reads string content of the literal described by st from lx->pos, appending the decoded
 * text to out. Returns 0 at the closing delimiter (consumed; regexp options in st->opts), 1 at
 * `#{` (consumed: the parser parses the code, then calls again after the `}`), 2 at `#@x` /
 * `#@@x` / `#$x` (the `#` consumed, lx->pos at the variable, which is the interpolation), or
 * -1 when the literal is unterminated (lx->pos is left at the end). */
int qr__ruby_lex_string(qr_ruby_lexer *lx, qr_ruby_strterm *st, qr_buf_t *out);
/* Reads one word of a %w / %i literal into out. Returns 1 for a word, 0 at the closing
 * delimiter (consumed), -1 when unterminated, -2 at a `#{` in %W / %I (not supported). */
int qr__ruby_lex_word(qr_ruby_lexer *lx, qr_ruby_strterm *st, qr_buf_t *out);
/* 1-based line and column of byte offset pos. */
void qr__ruby_lex_pos(qr_ruby_lexer *lx, uint32_t pos, uint32_t *line, uint32_t *col);
/* A printable name for a token type ("`end`", "identifier", "end of file"). */
const char *qr__ruby_tok_name(qr_ruby_toktype t);

#endif
