/* ruby/lexer.c — the Ruby lexer of ruby/lexer.h: source bytes to tokens, with Ruby's
 * context-dependent decisions (regexp vs division, unary vs binary minus, array vs index, char
 * literal vs ternary, heredoc vs shift, labels, `?`/`!`/`=` method names), heredoc bodies read
 * out of line, string bodies decoded part by part for the parser. Calls only libc and buf.c;
 * pure computation, no allocation but the line table. */
#include "ruby/lexer.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static const struct { const char *name; qr_ruby_toktype type; int state; } keywords[] = {  /* by name */
    {"alias", QR_T_ALIAS, QR_LEX_FNAME}, {"and", QR_T_AND, QR_LEX_BEG},
    {"begin", QR_T_BEGIN, QR_LEX_BEG}, {"break", QR_T_BREAK, QR_LEX_MID},
    {"case", QR_T_CASE, QR_LEX_BEG}, {"class", QR_T_CLASS, QR_LEX_CLASS},
    {"def", QR_T_DEF, QR_LEX_FNAME}, {"defined?", QR_T_DEFINED, QR_LEX_ARG},
    {"do", QR_T_DO, QR_LEX_BEG}, {"else", QR_T_ELSE, QR_LEX_BEG},
    {"elsif", QR_T_ELSIF, QR_LEX_BEG}, {"end", QR_T_END, QR_LEX_END},
    {"ensure", QR_T_ENSURE, QR_LEX_BEG}, {"false", QR_T_FALSE, QR_LEX_END},
    {"for", QR_T_FOR, QR_LEX_BEG}, {"if", QR_T_IF, QR_LEX_BEG}, {"in", QR_T_IN, QR_LEX_BEG},
    {"module", QR_T_MODULE, QR_LEX_BEG}, {"next", QR_T_NEXT, QR_LEX_MID},
    {"nil", QR_T_NIL, QR_LEX_END}, {"not", QR_T_NOT, QR_LEX_ARG}, {"or", QR_T_OR, QR_LEX_BEG},
    {"redo", QR_T_REDO, QR_LEX_END}, {"rescue", QR_T_RESCUE, QR_LEX_MID},
    {"retry", QR_T_RETRY, QR_LEX_END}, {"return", QR_T_RETURN, QR_LEX_MID},
    {"self", QR_T_SELF, QR_LEX_END}, {"super", QR_T_SUPER, QR_LEX_ARG},
    {"then", QR_T_THEN, QR_LEX_BEG}, {"true", QR_T_TRUE, QR_LEX_END},
    {"undef", QR_T_UNDEF, QR_LEX_FNAME}, {"unless", QR_T_UNLESS, QR_LEX_BEG},
    {"until", QR_T_UNTIL, QR_LEX_BEG}, {"when", QR_T_WHEN, QR_LEX_BEG},
    {"while", QR_T_WHILE, QR_LEX_BEG}, {"yield", QR_T_YIELD, QR_LEX_ARG},
    {"__FILE__", QR_T_KW__FILE__, QR_LEX_END}, {"__LINE__", QR_T_KW__LINE__, QR_LEX_END},
    {"BEGIN", QR_T_KW_BEGIN_UP, QR_LEX_END}, {"END", QR_T_KW_END_UP, QR_LEX_END},
};

static const char *const tok_names[QR_T_COUNT] = {
    [QR_T_EOF] = "end of file", [QR_T_ERROR] = "invalid input", [QR_T_NL] = "end of line",
    [QR_T_INT] = "integer", [QR_T_FLOAT] = "float", [QR_T_IDENT] = "identifier",
    [QR_T_CONST] = "constant", [QR_T_IVAR] = "instance variable", [QR_T_CVAR] = "class variable",
    [QR_T_GVAR] = "global variable", [QR_T_LABEL] = "label", [QR_T_SYMBOL] = "symbol",
    [QR_T_STR_BEG] = "string", [QR_T_WORDS_BEG] = "word list", [QR_T_CHAR] = "character literal",
    [QR_T_LPAREN] = "`(`", [QR_T_LPAREN_CALL] = "`(`", [QR_T_RPAREN] = "`)`",
    [QR_T_LBRACK] = "`[`", [QR_T_LBRACK_IDX] = "`[`", [QR_T_RBRACK] = "`]`",
    [QR_T_LBRACE] = "`{`", [QR_T_RBRACE] = "`}`", [QR_T_COMMA] = "`,`", [QR_T_DOT] = "`.`",
    [QR_T_ANDDOT] = "`&.`", [QR_T_COLON2] = "`::`", [QR_T_COLON3] = "`::`",
    [QR_T_COLON] = "`:`", [QR_T_QMARK] = "`?`", [QR_T_ASSOC] = "`=>`", [QR_T_ASSIGN] = "`=`",
    [QR_T_OP_ASGN] = "an assignment operator", [QR_T_LAMBDA] = "`->`", [QR_T_DOT2] = "`..`",
    [QR_T_DOT3] = "`...`", [QR_T_PIPE] = "`|`", [QR_T_SPLAT] = "`*`", [QR_T_DSPLAT] = "`**`",
    [QR_T_BLOCKAMP] = "`&`", [QR_T_UMINUS] = "`-`", [QR_T_UPLUS] = "`+`", [QR_T_BANG] = "`!`",
    [QR_T_TILDE] = "`~`", [QR_T_PLUS] = "`+`", [QR_T_MINUS] = "`-`", [QR_T_STAR] = "`*`",
    [QR_T_POW] = "`**`", [QR_T_DIV] = "`/`", [QR_T_PERCENT] = "`%`", [QR_T_LSHIFT] = "`<<`",
    [QR_T_RSHIFT] = "`>>`", [QR_T_AMPER] = "`&`", [QR_T_CARET] = "`^`", [QR_T_LT] = "`<`",
    [QR_T_LE] = "`<=`", [QR_T_GT] = "`>`", [QR_T_GE] = "`>=`", [QR_T_CMP] = "`<=>`",
    [QR_T_EQ] = "`==`", [QR_T_EQQ] = "`===`", [QR_T_NEQ] = "`!=`", [QR_T_MATCH] = "`=~`",
    [QR_T_NMATCH] = "`!~`", [QR_T_ANDAND] = "`&&`", [QR_T_OROR] = "`||`",
};

const char *qr__ruby_tok_name(qr_ruby_toktype t)
{
    if (t >= QR_T_KW_FIRST && t <= QR_T_KW_LAST) {
        for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
            if (keywords[i].type == t) return keywords[i].name;
    }
    return (unsigned)t < QR_T_COUNT && tok_names[t] ? tok_names[t] : "token";
}

int qr__ruby_lex_init(qr_ruby_lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    if (len >= UINT32_MAX - 16) return -EFBIG;
    lx->src = src;
    lx->len = (uint32_t)len;
    lx->state = QR_LEX_BEG;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) lx->pos = 3; /* a UTF-8 byte order mark */
    uint32_t cap = 64;
    lx->lines = qr_xmalloc(cap * sizeof *lx->lines);
    lx->lines[0] = 0;
    lx->nlines = 1;
    for (const char *q = src, *end = src + len; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) {
        if (lx->nlines == cap) {
            cap *= 2;
            lx->lines = qr_xrealloc(lx->lines, cap * sizeof *lx->lines);
        }
        lx->lines[lx->nlines++] = (uint32_t)(q - src) + 1;
    }
    return 0;
}

void qr__ruby_lex_free(qr_ruby_lexer *lx)
{
    free(lx->lines);
    lx->lines = NULL;
}

void qr__ruby_lex_pos(qr_ruby_lexer *lx, uint32_t pos, uint32_t *line, uint32_t *col)
{
    /* positions come mostly in order: try the line of the last answer and the next one first */
    uint32_t l = lx->last_line;
    for (uint32_t k = 0; k < 2 && l < lx->nlines; k++, l++) {
        if (lx->lines[l] <= pos && (l + 1 == lx->nlines || pos < lx->lines[l + 1])) {
            lx->last_line = l;
            *line = l + 1;
            *col = pos - lx->lines[l] + 1;
            return;
        }
    }
    uint32_t lo = 0, hi = lx->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (lx->lines[mid] <= pos) lo = mid;
        else hi = mid;
    }
    lx->last_line = lo;
    *line = lo + 1;
    *col = pos - lx->lines[lo] + 1;
}

static int at(const qr_ruby_lexer *lx, uint32_t i)
{
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* Is the byte at i the start of a line (only whitespace before it on its line)? */
static int line_start(const qr_ruby_lexer *lx, uint32_t i)
{
    return i == 0 || lx->src[i - 1] == '\n';
}

static int starts_with(const qr_ruby_lexer *lx, uint32_t i, const char *s)
{
    size_t n = strlen(s);
    return i + n <= lx->len && memcmp(lx->src + i, s, n) == 0;
}

/* Skips blank space, comments and line continuations; stops at a significant newline (returned
 * 1) or a token (0). Newlines where a statement cannot end (after an operator) are skipped. */
static int skip_space(qr_ruby_lexer *lx, int *space, uint32_t *nlpos)
{
    for (;;) {
        int c = at(lx, lx->pos);
        if (is_space(c)) { lx->pos++; *space = 1; continue; }
        if (c == '\\' && at(lx, lx->pos + 1) == '\n') { lx->pos += 2; *space = 1; continue; }
        if (c == '\\' && at(lx, lx->pos + 1) == '\r' && at(lx, lx->pos + 2) == '\n') {
            lx->pos += 3; *space = 1; continue;
        }
        if (c == '#') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n') lx->pos++;
            continue;
        }
        if (c == '=' && line_start(lx, lx->pos) && starts_with(lx, lx->pos, "=begin") &&
            !is_ident_char(at(lx, lx->pos + 6))) {
            uint32_t i = lx->pos;
            for (;;) {
                while (i < lx->len && lx->src[i] != '\n') i++;
                if (i >= lx->len) break;
                i++;
                if (starts_with(lx, i, "=end") && !is_ident_char(at(lx, i + 4))) {
                    while (i < lx->len && lx->src[i] != '\n') i++;
                    break;
                }
            }
            lx->pos = i;
            *space = 1;
            continue;
        }
        if (c == '_' && line_start(lx, lx->pos) && starts_with(lx, lx->pos, "__END__") &&
            (at(lx, lx->pos + 7) == '\n' || at(lx, lx->pos + 7) == '\r' || at(lx, lx->pos + 7) == -1)) {
            lx->pos = lx->len;
            return 0;
        }
        if (c == '\n') {
            *nlpos = lx->pos;
            lx->pos++;
            if (lx->heredoc_resume) { lx->pos = lx->heredoc_resume; lx->heredoc_resume = 0; }
            *space = 1;
            if (lx->state == QR_LEX_BEG || lx->state == QR_LEX_DOT || lx->state == QR_LEX_FNAME ||
                lx->state == QR_LEX_CLASS)
                continue;
            /* A line that starts with `.meth` / `&.meth` continues the previous one. */
            uint32_t i = lx->pos;
            for (;;) {
                while (i < lx->len && (is_space(at(lx, i)) || lx->src[i] == '\n')) i++;
                if (at(lx, i) == '#') {
                    while (i < lx->len && lx->src[i] != '\n') i++;
                    continue;
                }
                break;
            }
            if ((at(lx, i) == '.' && at(lx, i + 1) != '.') || (at(lx, i) == '&' && at(lx, i + 1) == '.')) {
                lx->pos = i;
                continue;
            }
            return 1;
        }
        return 0;
    }
}

static void tok_error(qr_ruby_lexer *lx, qr_ruby_tok *t, const char *msg)
{
    t->type = QR_T_ERROR;
    t->msg = msg;
    t->end = lx->pos > t->start ? lx->pos : t->start;
    lx->pos = lx->len;
}

static char closing_of(char c)
{
    switch (c) {
    case '(': return ')';
    case '[': return ']';
    case '{': return '}';
    case '<': return '>';
    default: return c;
    }
}

/* Registers a heredoc whose `<<~ID` ends at lx->pos; the body is the lines after this one. */
static void lex_heredoc(qr_ruby_lexer *lx, qr_ruby_tok *t)
{
    int squiggly = 0, dash = 0;
    uint32_t i = lx->pos + 2;
    if (at(lx, i) == '~') { squiggly = 1; i++; }
    else if (at(lx, i) == '-') { dash = 1; i++; }
    char quote = 0;
    if (at(lx, i) == '\'' || at(lx, i) == '"') quote = lx->src[i++];
    uint32_t id = i;
    if (quote) {
        while (i < lx->len && lx->src[i] != quote && lx->src[i] != '\n') i++;
        if (at(lx, i) != quote) { lx->pos = i; tok_error(lx, t, "unterminated heredoc identifier"); return; }
    } else {
        while (is_ident_char(at(lx, i))) i++;
    }
    uint32_t idlen = i - id;
    if (quote) i++;
    lx->pos = i;
    uint32_t body = lx->heredoc_resume;
    if (!body) {
        uint32_t e = lx->pos;
        while (e < lx->len && lx->src[e] != '\n') e++;
        body = e < lx->len ? e + 1 : lx->len;
    }
    uint32_t line = body, body_end = 0, resume = 0;
    int found = 0;
    while (line < lx->len) {
        uint32_t e = line;
        while (e < lx->len && lx->src[e] != '\n') e++;
        uint32_t s = line;
        if (squiggly || dash) while (s < e && is_space(at(lx, s))) s++;
        uint32_t te = e;
        if (te > s && lx->src[te - 1] == '\r') te--;
        if (te - s == idlen && memcmp(lx->src + s, lx->src + id, idlen) == 0) {
            body_end = line;
            resume = e < lx->len ? e + 1 : lx->len;
            found = 1;
            break;
        }
        line = e < lx->len ? e + 1 : lx->len;
    }
    if (!found) { t->end = lx->pos; t->type = QR_T_ERROR; t->msg = "unterminated heredoc: its closing identifier line is missing"; lx->pos = lx->len; return; }
    int dedent = 0;
    if (squiggly) {
        dedent = -1;
        uint32_t l = body;
        while (l < body_end) {
            uint32_t e = l;
            while (e < body_end && lx->src[e] != '\n') e++;
            int w = 0;
            uint32_t k = l;
            while (k < e && (lx->src[k] == ' ' || lx->src[k] == '\t')) {
                w = lx->src[k] == '\t' ? (w / 8 + 1) * 8 : w + 1;
                k++;
            }
            int blank = 1;
            for (uint32_t q = k; q < e; q++) if (!is_space(at(lx, q))) { blank = 0; break; }
            if (!blank && (dedent < 0 || w < dedent)) dedent = w;
            l = e + 1;
        }
        if (dedent < 0) dedent = 0;
    }
    lx->heredoc_resume = resume;
    t->type = QR_T_STR_BEG;
    t->str.kind = QR_STR_HEREDOC;
    t->str.interp = quote != '\'';
    t->str.body_end = body_end;
    t->str.dedent = dedent;
    t->str.at_line_start = 1;
    t->str.term = 0;
    /* The parser reads the body: it saves the lexer, jumps to body, reads parts up to
     * body_end, and restores. */
    t->str.body = body;
    t->end = lx->pos;
    lx->state = QR_LEX_END;
}

/* %w[ ] %i[ ] %q( ) %Q( ) %( ) %r{ } %s( ): returns 1 if a literal was lexed. */
static int lex_percent(qr_ruby_lexer *lx, qr_ruby_tok *t)
{
    uint32_t i = lx->pos + 1;
    int c = at(lx, i);
    int kind = QR_STR_DQ, words = 0, interp = 1;
    if (c == 'w' || c == 'W') { kind = QR_STR_WORDS; words = 1; interp = c == 'W'; i++; }
    else if (c == 'i' || c == 'I') { kind = QR_STR_SYMBOLS; words = 1; interp = c == 'I'; i++; }
    else if (c == 'q') { kind = QR_STR_SQ; interp = 0; i++; }
    else if (c == 'Q') { i++; }
    else if (c == 'r') { kind = QR_STR_REGEX; i++; }
    else if (c == 's') { kind = QR_STR_SSYM; interp = 0; i++; }
    else if (c == 'x') { kind = QR_STR_XSTR; i++; }
    int d = at(lx, i);
    if (d < 0 || is_ident_char(d) || is_space(d) || d == '\n' || d == '=') return 0;
    t->type = words ? QR_T_WORDS_BEG : QR_T_STR_BEG;
    t->str.kind = kind;
    t->str.interp = interp;
    t->str.term = closing_of((char)d);
    t->str.open = t->str.term != (char)d ? (char)d : 0;
    lx->pos = i + 1;
    t->end = lx->pos;
    return 1;
}

static void lex_number(qr_ruby_lexer *lx, qr_ruby_tok *t)
{
    uint32_t i = lx->pos;
    t->type = QR_T_INT;
    if (at(lx, i) == '0' && (at(lx, i + 1) == 'x' || at(lx, i + 1) == 'X' || at(lx, i + 1) == 'b' ||
                             at(lx, i + 1) == 'B' || at(lx, i + 1) == 'o' || at(lx, i + 1) == 'O' ||
                             at(lx, i + 1) == 'd' || at(lx, i + 1) == 'D')) {
        i += 2;
        while (is_ident_char(at(lx, i))) i++;
    } else {
        while (is_digit(at(lx, i)) || (at(lx, i) == '_' && is_digit(at(lx, i + 1)))) i++;
        if (at(lx, i) == '.' && is_digit(at(lx, i + 1))) {
            t->type = QR_T_FLOAT;
            i++;
            while (is_digit(at(lx, i)) || (at(lx, i) == '_' && is_digit(at(lx, i + 1)))) i++;
        }
        if ((at(lx, i) == 'e' || at(lx, i) == 'E') &&
            (is_digit(at(lx, i + 1)) || ((at(lx, i + 1) == '-' || at(lx, i + 1) == '+') && is_digit(at(lx, i + 2))))) {
            t->type = QR_T_FLOAT;
            i += 2;
            while (is_digit(at(lx, i))) i++;
        }
    }
    lx->pos = i;
    if (is_ident_char(at(lx, i))) {
        while (is_ident_char(at(lx, lx->pos))) lx->pos++;
        tok_error(lx, t, "invalid number literal");
        return;
    }
    t->end = i;
    lx->state = QR_LEX_END;
}

/* Operator method names allowed after `def`, `:` and `.`, longest first. */
static const char *const op_names[] = {
    "[]=", "===", "<=>", "[]", "==", "!=", "=~", "!~", "<=", ">=", "<<", ">>", "**", "+@", "-@",
    "+", "-", "*", "/", "%", "<", ">", "!", "~", "&", "|", "^",
};

static uint32_t match_op_name(const qr_ruby_lexer *lx, uint32_t i)
{
    for (size_t k = 0; k < sizeof op_names / sizeof *op_names; k++)
        if (starts_with(lx, i, op_names[k])) return (uint32_t)strlen(op_names[k]);
    return 0;
}

/* Identifier: keywords, labels, `?`/`!` suffixes, setter names after def. */
static void lex_ident(qr_ruby_lexer *lx, qr_ruby_tok *t, int prev_state)
{
    uint32_t i = lx->pos;
    while (is_ident_char(at(lx, i))) i++;
    int is_const = lx->src[lx->pos] >= 'A' && lx->src[lx->pos] <= 'Z';
    if (!is_const && (at(lx, i) == '?' || at(lx, i) == '!') && (at(lx, i + 1) != '=' || at(lx, i + 2) == '='))
        i++;
    uint32_t n = i - lx->pos;
    /* label `name:` (not `name::`; not `a ? b: c`) */
    if (at(lx, i) == ':' && at(lx, i + 1) != ':' && prev_state != QR_LEX_DOT && !lx->after_qmark) {
        t->type = QR_T_LABEL;
        t->end = i;
        lx->pos = i + 1;
        lx->state = QR_LEX_BEG;
        return;
    }
    if (prev_state == QR_LEX_FNAME && at(lx, i) == '=' && at(lx, i + 1) != '=' &&
        at(lx, i + 1) != '~' && at(lx, i + 1) != '>' && (at(lx, i + 1) == '(' || is_space(at(lx, i + 1)))) {
        lx->pos = i + 1;
        t->type = QR_T_IDENT;
        t->end = lx->pos;
        lx->state = QR_LEX_END;
        return;
    }
    lx->pos = i;
    t->end = i;
    if (prev_state != QR_LEX_DOT && prev_state != QR_LEX_FNAME) {
        /* keywords are 2 to 8 bytes of lower case (or __FILE__, BEGIN, END) */
        for (size_t k = 0; n >= 2 && n <= 8 && k < sizeof keywords / sizeof *keywords; k++) {
            if (keywords[k].name[0] == lx->src[t->start] && strncmp(keywords[k].name, lx->src + t->start, n) == 0 &&
                keywords[k].name[n] == 0) {
                t->type = keywords[k].type;
                lx->state = keywords[k].state;
                return;
            }
        }
    } else if (prev_state == QR_LEX_FNAME && n == 4 && memcmp(lx->src + t->start, "self", 4) == 0) {
        t->type = QR_T_SELF;
        lx->state = QR_LEX_END;
        return;
    }
    if (is_const) {
        t->type = QR_T_CONST;
        lx->state = prev_state == QR_LEX_DOT ? QR_LEX_ARG : QR_LEX_END;
        return;
    }
    t->type = QR_T_IDENT;
    if (prev_state == QR_LEX_FNAME) { lx->state = QR_LEX_END; return; }
    char last = lx->src[i - 1];
    if (prev_state != QR_LEX_DOT && last != '?' && last != '!' && lx->is_local &&
        lx->is_local(lx->ctx, lx->src + t->start, n))
        lx->state = QR_LEX_END;
    else
        lx->state = QR_LEX_ARG;
}

void qr__ruby_lex_next(qr_ruby_lexer *lx, qr_ruby_tok *t)
{
    memset(t, 0, sizeof *t);
    int after_qmark = lx->after_qmark;
    lx->after_qmark = 0;
    int space = lx->pos == 0 || (lx->pos <= lx->len && line_start(lx, lx->pos));
    int prev = lx->state;
    uint32_t nlpos = 0;
    if (skip_space(lx, &space, &nlpos)) {
        t->type = QR_T_NL;
        t->start = nlpos;
        t->end = nlpos + 1;
        t->space_before = 1;
        lx->state = QR_LEX_BEG;
        return;
    }
    t->start = lx->pos;
    t->space_before = space;
    if (lx->pos >= lx->len) { t->type = QR_T_EOF; t->end = lx->len; return; }
    int c = at(lx, lx->pos), c1 = at(lx, lx->pos + 1), c2 = at(lx, lx->pos + 2);
    /* "Argument position": where `-x`, `[`, `*a`, `/re/`, `:sym`, `?c` start an operand. */
    int beg = prev == QR_LEX_BEG || prev == QR_LEX_MID || prev == QR_LEX_CLASS;
    int argpos = beg || (prev == QR_LEX_ARG && space && c1 >= 0 && !is_space(c1) && c1 != '\n');
    lx->state = QR_LEX_BEG;
#define OP(n, ty) do { lx->pos += (n); t->type = (ty); t->end = lx->pos; return; } while (0)
#define OPEND(n, ty) do { lx->pos += (n); t->type = (ty); t->end = lx->pos; lx->state = QR_LEX_END; return; } while (0)
    if (prev == QR_LEX_FNAME || prev == QR_LEX_DOT) {
        /* method names: keywords are plain names here; operators name methods after def */
        if (is_ident_start(c)) { lex_ident(lx, t, prev); return; }
        if (prev == QR_LEX_FNAME) {
            uint32_t n = match_op_name(lx, lx->pos);
            if (n) { lx->pos += n; t->type = QR_T_IDENT; t->end = lx->pos; lx->state = QR_LEX_END; return; }
        }
    }
    if (is_ident_start(c)) {
        if (prev == QR_LEX_CLASS) prev = QR_LEX_BEG;
        lx->after_qmark = after_qmark;
        lex_ident(lx, t, prev);
        lx->after_qmark = 0;
        return;
    }
    if (is_digit(c)) { lex_number(lx, t); return; }
    switch (c) {
    case '\n': OP(1, QR_T_NL);
    case ';': lx->pos++; t->type = QR_T_NL; t->end = lx->pos; return;
    case '"': case '`': case '\'':
        t->type = QR_T_STR_BEG;
        t->str.kind = c == '"' ? QR_STR_DQ : c == '\'' ? QR_STR_SQ : QR_STR_XSTR;
        t->str.term = (char)c;
        t->str.interp = c != '\'';
        lx->pos++;
        t->end = lx->pos;
        return;
    case '@': {
        uint32_t i = lx->pos + 1;
        int cv = at(lx, i) == '@';
        if (cv) i++;
        if (!is_ident_start(at(lx, i))) { lx->pos = i; tok_error(lx, t, "`@` must be followed by a name"); return; }
        while (is_ident_char(at(lx, i))) i++;
        lx->pos = i;
        t->type = cv ? QR_T_CVAR : QR_T_IVAR;
        t->end = i;
        lx->state = QR_LEX_END;
        return;
    }
    case '$': {
        uint32_t i = lx->pos + 1;
        if (is_ident_start(at(lx, i))) { while (is_ident_char(at(lx, i))) i++; }
        else if (is_digit(at(lx, i))) { while (is_digit(at(lx, i))) i++; }
        else if (at(lx, i) >= 0 && strchr("~*$?!@/\\;,.=:<>\"&`'+0_", at(lx, i))) i++;
        else { lx->pos = i; tok_error(lx, t, "`$` must be followed by a name"); return; }
        lx->pos = i;
        t->type = QR_T_GVAR;
        t->end = i;
        lx->state = QR_LEX_END;
        return;
    }
    case '(': OP(1, (!space && (prev == QR_LEX_ARG || prev == QR_LEX_END || prev == QR_LEX_DOT)) ? QR_T_LPAREN_CALL : QR_T_LPAREN);
    case ')': OPEND(1, QR_T_RPAREN);
    case '[':
        OP(1, beg || (prev == QR_LEX_ARG && space) ? QR_T_LBRACK : QR_T_LBRACK_IDX);
    case ']': OPEND(1, QR_T_RBRACK);
    case '{': OP(1, QR_T_LBRACE);
    case '}': OPEND(1, QR_T_RBRACE);
    case ',': OP(1, QR_T_COMMA);
    case '~': OP(1, QR_T_TILDE);
    case '^': if (c1 == '=') OP(2, QR_T_OP_ASGN); OP(1, QR_T_CARET);
    case '.':
        if (c1 == '.' && c2 == '.') OP(3, QR_T_DOT3);
        if (c1 == '.') OP(2, QR_T_DOT2);
        if (is_digit(c1)) { lx->pos++; tok_error(lx, t, "a float needs a digit before the point: write 0.5, not .5"); return; }
        lx->pos++; t->type = QR_T_DOT; t->end = lx->pos; lx->state = QR_LEX_DOT; return;
    case ':':
        if (c1 == ':') {
            if (beg || (prev == QR_LEX_ARG && space && c2 != ' ')) OP(2, QR_T_COLON3);
            lx->pos += 2; t->type = QR_T_COLON2; t->end = lx->pos; lx->state = QR_LEX_DOT; return;
        }
        if (c1 == '"' || c1 == '\'') {
            lx->pos += 2;
            t->type = QR_T_STR_BEG;
            t->str.kind = c1 == '"' ? QR_STR_DSYM : QR_STR_SSYM;
            t->str.term = (char)c1;
            t->str.interp = c1 == '"';
            t->end = lx->pos;
            return;
        }
        if (prev != QR_LEX_END || space) {
            uint32_t i = lx->pos + 1;
            if (is_ident_start(at(lx, i)) && !(prev == QR_LEX_END && is_space(c1))) {
                while (is_ident_char(at(lx, i))) i++;
                if ((at(lx, i) == '?' || at(lx, i) == '!' || at(lx, i) == '=') && at(lx, i + 1) != '=' &&
                    !(at(lx, i) == '=' && (at(lx, i + 1) == '>' || at(lx, i + 1) == '~')))
                    i++;
                lx->pos = i; t->type = QR_T_SYMBOL; t->end = i; lx->state = QR_LEX_END; return;
            }
            if (at(lx, i) == '@' || at(lx, i) == '$') {
                i++;
                if (at(lx, i) == '@') i++;
                while (is_ident_char(at(lx, i))) i++;
                lx->pos = i; t->type = QR_T_SYMBOL; t->end = i; lx->state = QR_LEX_END; return;
            }
            uint32_t n = match_op_name(lx, i);
            if (n && !is_space(c1)) { lx->pos = i + n; t->type = QR_T_SYMBOL; t->end = lx->pos; lx->state = QR_LEX_END; return; }
        }
        OP(1, QR_T_COLON);
    case '?':
        if (prev != QR_LEX_END && c1 >= 0 && !is_space(c1) && c1 != '\n' && (argpos || beg)) {
            uint32_t i = lx->pos + 1;
            if (c1 == '\\') i += 2;
            else {
                i++;
                while (i < lx->len && ((unsigned char)lx->src[i] & 0xC0) == 0x80) i++;
            }
            if (!is_ident_char(at(lx, i)) || c1 == '\\') {
                lx->pos = i; t->type = QR_T_CHAR; t->end = i; lx->state = QR_LEX_END; return;
            }
        }
        lx->after_qmark = 1;
        OP(1, QR_T_QMARK);
    case '=':
        if (c1 == '=' && c2 == '=') OP(3, QR_T_EQQ);
        if (c1 == '=') OP(2, QR_T_EQ);
        if (c1 == '~') OP(2, QR_T_MATCH);
        if (c1 == '>') OP(2, QR_T_ASSOC);
        OP(1, QR_T_ASSIGN);
    case '!':
        if (c1 == '=') OP(2, QR_T_NEQ);
        if (c1 == '~') OP(2, QR_T_NMATCH);
        OP(1, QR_T_BANG);
    case '<':
        if (c1 == '=' && c2 == '>') OP(3, QR_T_CMP);
        if (c1 == '<' && c2 == '=') OP(3, QR_T_OP_ASGN);
        if (c1 == '<' && prev != QR_LEX_CLASS && (beg || argpos)) {
            int d = c2, k = 2;
            if (d == '~' || d == '-') d = at(lx, lx->pos + 3), k = 3;
            if (d == '"' || d == '\'' || (k == 3 && is_ident_start(d)) || (d >= 'A' && d <= 'Z') || d == '_') {
                lex_heredoc(lx, t);
                return;
            }
        }
        if (c1 == '<') OP(2, QR_T_LSHIFT);
        if (c1 == '=') OP(2, QR_T_LE);
        OP(1, QR_T_LT);
    case '>':
        if (c1 == '>' && c2 == '=') OP(3, QR_T_OP_ASGN);
        if (c1 == '>') OP(2, QR_T_RSHIFT);
        if (c1 == '=') OP(2, QR_T_GE);
        OP(1, QR_T_GT);
    case '+':
        if (c1 == '=' && !argpos) OP(2, QR_T_OP_ASGN);
        if (argpos && c1 != '=') OP(1, QR_T_UPLUS);
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, QR_T_PLUS);
    case '-':
        if (c1 == '>') { lx->pos += 2; t->type = QR_T_LAMBDA; t->end = lx->pos; lx->state = QR_LEX_END; return; }
        if (c1 == '=' && !beg) OP(2, QR_T_OP_ASGN);
        if (argpos) OP(1, QR_T_UMINUS);
        OP(1, QR_T_MINUS);
    case '*':
        if (c1 == '*' && c2 == '=') OP(3, QR_T_OP_ASGN);
        if (c1 == '*') OP(2, beg || (argpos && c2 >= 0 && !is_space(c2)) ? QR_T_DSPLAT : QR_T_POW);
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, argpos ? QR_T_SPLAT : QR_T_STAR);
    case '/':
        if (argpos) {
            lx->pos++;
            t->type = QR_T_STR_BEG;
            t->str.kind = QR_STR_REGEX;
            t->str.term = '/';
            t->str.interp = 1;
            t->end = lx->pos;
            return;
        }
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, QR_T_DIV);
    case '%':
        if (argpos && lex_percent(lx, t)) return;
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, QR_T_PERCENT);
    case '&':
        if (c1 == '&' && c2 == '=') OP(3, QR_T_OP_ASGN);
        if (c1 == '&') OP(2, QR_T_ANDAND);
        if (c1 == '.') { lx->pos += 2; t->type = QR_T_ANDDOT; t->end = lx->pos; lx->state = QR_LEX_DOT; return; }
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, argpos ? QR_T_BLOCKAMP : QR_T_AMPER);
    case '|':
        if (c1 == '|' && c2 == '=') OP(3, QR_T_OP_ASGN);
        if (c1 == '|' && !beg) OP(2, QR_T_OROR);
        if (c1 == '=') OP(2, QR_T_OP_ASGN);
        OP(1, QR_T_PIPE);
    default:
        break;
    }
#undef OP
#undef OPEND
    lx->pos++;
    tok_error(lx, t, c == 0 ? "unexpected NUL byte" : "unexpected character");
}

static void put_utf8(qr_buf_t *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        if (cp > 0x10FFFF) cp = 0xFFFD;
        b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    qr_buf_append(out, b, n);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one backslash escape of a double-quoted string at lx->pos (the backslash). */
static void lex_escape(qr_ruby_lexer *lx, qr_buf_t *out)
{
    uint32_t i = lx->pos + 1;
    int c = at(lx, i);
    lx->pos = i + 1;
    switch (c) {
    case -1: lx->pos = lx->len; return;
    case 'n': qr_buf_append(out, "\n", 1); return;
    case 't': qr_buf_append(out, "\t", 1); return;
    case 'r': qr_buf_append(out, "\r", 1); return;
    case 's': qr_buf_append(out, " ", 1); return;
    case 'e': qr_buf_append(out, "\033", 1); return;
    case 'a': qr_buf_append(out, "\a", 1); return;
    case 'b': qr_buf_append(out, "\b", 1); return;
    case 'f': qr_buf_append(out, "\f", 1); return;
    case 'v': qr_buf_append(out, "\v", 1); return;
    case '\n': return; /* line continuation */
    case 'u': {
        if (at(lx, lx->pos) == '{') {
            uint32_t k = lx->pos + 1;
            for (;;) {
                while (at(lx, k) == ' ') k++;
                uint32_t cp = 0;
                int nd = 0;
                while (hexval(at(lx, k)) >= 0 && nd < 8) { cp = cp * 16 + (uint32_t)hexval(at(lx, k)); k++; nd++; }
                if (!nd) break;
                put_utf8(out, cp);
            }
            if (at(lx, k) == '}') k++;
            lx->pos = k;
            return;
        }
        uint32_t cp = 0;
        int nd = 0;
        while (nd < 4 && hexval(at(lx, lx->pos)) >= 0) { cp = cp * 16 + (uint32_t)hexval(at(lx, lx->pos)); lx->pos++; nd++; }
        put_utf8(out, cp);
        return;
    }
    case 'x': {
        int v = 0, nd = 0;
        while (nd < 2 && hexval(at(lx, lx->pos)) >= 0) { v = v * 16 + hexval(at(lx, lx->pos)); lx->pos++; nd++; }
        char ch = (char)v;
        qr_buf_append(out, &ch, 1);
        return;
    }
    default:
        if (c >= '0' && c <= '7') {
            int v = c - '0', nd = 1;
            while (nd < 3 && at(lx, lx->pos) >= '0' && at(lx, lx->pos) <= '7') { v = v * 8 + at(lx, lx->pos) - '0'; lx->pos++; nd++; }
            char ch = (char)v;
            qr_buf_append(out, &ch, 1);
            return;
        }
        qr_buf_append(out, lx->src + i, 1);
    }
}

int qr__ruby_lex_string(qr_ruby_lexer *lx, qr_ruby_strterm *st, qr_buf_t *out)
{
    int heredoc = st->kind == QR_STR_HEREDOC;
    for (;;) {
        if (heredoc && lx->pos >= st->body_end) return 0;
        if (lx->pos >= lx->len) return -1;
        char c = lx->src[lx->pos];
        if (heredoc && st->at_line_start) {
            st->at_line_start = 0;
            int w = 0;
            while (w < st->dedent && lx->pos < st->body_end &&
                   (lx->src[lx->pos] == ' ' || lx->src[lx->pos] == '\t')) {
                int nw = lx->src[lx->pos] == '\t' ? (w / 8 + 1) * 8 : w + 1;
                if (nw > st->dedent) break;
                w = nw;
                lx->pos++;
            }
            continue;
        }
        if (!heredoc) {
            if (st->open && c == st->open) { st->nest++; qr_buf_append(out, &c, 1); lx->pos++; continue; }
            if (c == st->term) {
                if (st->nest > 0) { st->nest--; qr_buf_append(out, &c, 1); lx->pos++; continue; }
                lx->pos++;
                if (st->kind == QR_STR_REGEX) {
                    size_t n = 0;
                    while (strchr("imxounse", at(lx, lx->pos) > 0 ? at(lx, lx->pos) : '@') && at(lx, lx->pos) > 0) {
                        if (n < sizeof st->opts - 1) st->opts[n++] = lx->src[lx->pos];
                        lx->pos++;
                    }
                    st->opts[n] = 0;
                }
                return 0;
            }
        }
        if (st->interp && c == '#' && at(lx, lx->pos + 1) == '{') { lx->pos += 2; return 1; }
        if (st->interp && c == '#' && st->kind != QR_STR_REGEX &&
            ((at(lx, lx->pos + 1) == '@' && (is_ident_start(at(lx, lx->pos + 2)) ||
                                             (at(lx, lx->pos + 2) == '@' && is_ident_start(at(lx, lx->pos + 3))))) ||
             (at(lx, lx->pos + 1) == '$' && (is_ident_start(at(lx, lx->pos + 2)) || is_digit(at(lx, lx->pos + 2)))))) {
            lx->pos++; /* "#@name", "#@@count", "#$1": the variable is the interpolation */
            return 2;
        }
        if (c == '\\') {
            if (st->kind == QR_STR_REGEX) {
                /* regexp escapes stay as written (JS reads them the same way) */
                if (at(lx, lx->pos + 1) == st->term && st->term != '/') {
                    qr_buf_append(out, &st->term, 1);
                } else {
                    qr_buf_append(out, lx->src + lx->pos, lx->pos + 1 < lx->len ? 2 : 1);
                }
                lx->pos += 2;
                if (lx->pos > lx->len) lx->pos = lx->len;
                continue;
            }
            if (!st->interp) {
                int n = at(lx, lx->pos + 1);
                if (n == '\\' || (n == st->term && st->term) || (st->open && n == st->open)) {
                    char ch = (char)n;
                    qr_buf_append(out, &ch, 1);
                    lx->pos += 2;
                } else {
                    qr_buf_append(out, "\\", 1);
                    lx->pos++;
                }
                continue;
            }
            lex_escape(lx, out);
            continue;
        }
        if (c == '\n' && heredoc) st->at_line_start = 1;
        /* a run of plain bytes at once */
        uint32_t e = lx->pos + 1, lim = heredoc ? st->body_end : lx->len;
        if (c != '\n')
            while (e < lim && lx->src[e] != '\\' && lx->src[e] != '#' && lx->src[e] != '\n' &&
                   (heredoc || (lx->src[e] != st->term && (!st->open || lx->src[e] != st->open))))
                e++;
        qr_buf_append(out, lx->src + lx->pos, e - lx->pos);
        lx->pos = e;
    }
}

int qr__ruby_lex_word(qr_ruby_lexer *lx, qr_ruby_strterm *st, qr_buf_t *out)
{
    while (lx->pos < lx->len && (is_space(at(lx, lx->pos)) || lx->src[lx->pos] == '\n')) lx->pos++;
    if (lx->pos >= lx->len) return -1;
    if (lx->src[lx->pos] == st->term && st->nest == 0) { lx->pos++; return 0; }
    while (lx->pos < lx->len) {
        char c = lx->src[lx->pos];
        if (is_space((unsigned char)c) || c == '\n') return 1;
        if (st->open && c == st->open) st->nest++;
        else if (c == st->term) {
            if (st->nest == 0) return 1;
            st->nest--;
        }
        if (c == '\\' && lx->pos + 1 < lx->len) {
            qr_buf_append(out, lx->src + lx->pos + 1, 1);
            lx->pos += 2;
            continue;
        }
        if (st->interp && c == '#' && at(lx, lx->pos + 1) == '{') return -2;
        qr_buf_append(out, &c, 1);
        lx->pos++;
    }
    return -1;
}
