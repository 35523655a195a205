/* ruby/parser_lit.c — the Ruby parser's literals: strings with interpolation, symbols,
 * regexps, heredocs (their body pieces arrive from ruby/lexer.c), `%w`/`%i` word lists,
 * character literals, hash and array literals. Interpolated code is parsed by the statement
 * parser (parser_stmt.c). Calls the parser core and the other parser files through
 * ruby/parser_priv.h, buf.c for the string pieces; pure computation, runs where the parser runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "common.h"
#include "ruby/parser_priv.h"

/* ---- literals ---- */

static qr_ruby_node *str_part(P *p, qr_buf_t *b, uint32_t pos)
{
    qr_ruby_node *s = qr__rp_node_at(p, QR_RUBY_STR, pos);
    s->str = qr__ruby_strdup(p->ast, b->data ? b->data : "", b->len);
    s->len = b->len;
    qr_buf_reset(b);
    return s;
}

/* A string, symbol, regexp or heredoc starting at the current QR_T_STR_BEG token. */
qr_ruby_node *qr__rp_parse_string(P *p)
{
    qr_ruby_tok open = p->tok;
    qr_ruby_strterm st = open.str;
    if (st.kind == QR_STR_XSTR)
        qr__rp_fail_at(p, open.start, "quickrail runs no shell commands; remove the backticks",
                "shell commands (backticks, %%x) are not supported");
    qr_ruby_lexer saved;
    int heredoc = st.kind == QR_STR_HEREDOC;
    if (heredoc) {
        saved = p->lx;
        p->lx.pos = st.body;
        p->lx.heredoc_resume = 0;
    }
    qr_ruby_node *d = qr__rp_node_at(p, QR_RUBY_DSTR, open.start);
    qr_buf_t *b = qr__rp_buf_get(p);
    int interp = 0;
    uint32_t part_pos = p->lx.pos;
    int saved_no_do = p->no_do;
    p->no_do = 0;
    for (;;) {
        int r = qr__ruby_lex_string(&p->lx, &st, b);
        if (b->len || (r == 0 && d->nkids == 0)) qr__rp_push(p, d, str_part(p, b, part_pos));
        if (r == 0) break;
        if (r < 0) {
            qr__rp_fail_at(p, open.start, heredoc ? "end the heredoc with its identifier alone on a line" : "close it with its delimiter",
                    heredoc ? "unterminated heredoc" : st.kind == QR_STR_REGEX ? "unterminated regexp" : "unterminated string");
        }
        interp = 1;
        if (r == 2) {
            /* "#@name": lex the variable, then go on reading the string after it */
            qr_ruby_node *e = qr__rp_node_at(p, QR_RUBY_EVSTR, p->lx.pos - 1);
            p->lx.state = QR_LEX_BEG;
            qr__rp_advance(p);
            qr_ruby_node *v = qr__rp_node(p, p->tok.type == QR_T_IVAR ? QR_RUBY_IVAR : p->tok.type == QR_T_CVAR ? QR_RUBY_CVAR : QR_RUBY_GVAR);
            uint32_t vn;
            const char *vs = qr__rp_tok_text(p, &vn);
            qr__rp_set_str(p, v, vs, vn);
            e->a = qr__rp_seq_of(p, v);
            qr__rp_push(p, d, e);
            p->lx.pos = p->tok.end;
            part_pos = p->lx.pos;
            continue;
        }
        /* #{ code } */
        qr_ruby_node *e = qr__rp_node_at(p, QR_RUBY_EVSTR, p->lx.pos - 2);
        p->lx.state = QR_LEX_BEG;
        qr__rp_advance(p);
        p->in_interp++;
        e->a = qr__rp_stmts(p);
        p->in_interp--;
        if (p->tok.type != QR_T_RBRACE) qr__rp_unexpected(p, "`}` closing the interpolation", NULL);
        qr__rp_finish(p, e);
        qr__rp_push(p, d, e);
        part_pos = p->lx.pos;
    }
    qr__rp_buf_put(p);
    p->no_do = saved_no_do;
    if (heredoc) {
        uint32_t line, col;
        qr__ruby_lex_pos(&p->lx, st.body_end, &line, &col);
        d->end_line = line;
        p->lx = saved;
    }
    qr_ruby_node *n = d;
    if (st.kind == QR_STR_REGEX) {
        d->kind = QR_RUBY_REGEX;
        d->str = qr__ruby_strdup(p->ast, st.opts, strlen(st.opts));
        d->len = strlen(st.opts);
    } else if (!interp) {
        n = d->kids[0];
        n->line = d->line;
        n->col = d->col;
        n->end_line = d->end_line > n->end_line ? d->end_line : n->end_line;
        if (st.kind == QR_STR_DSYM || st.kind == QR_STR_SSYM) n->kind = QR_RUBY_SYM;
    } else if (st.kind == QR_STR_DSYM) {
        d->kind = QR_RUBY_DSYM;
    }
    if (heredoc) n->flags |= QR_RUBY_F_HEREDOC;
    p->lx.state = QR_LEX_END;
    if (!heredoc) {
        uint32_t line, col;
        qr__ruby_lex_pos(&p->lx, p->lx.pos ? p->lx.pos - 1 : 0, &line, &col);
        n->end_line = line;
    }
    p->tok.end = p->lx.pos;
    qr__rp_advance(p);
    return n;
}

qr_ruby_node *qr__rp_parse_words(P *p)
{
    qr_ruby_strterm st = p->tok.str;
    qr_ruby_node *a = qr__rp_node(p, QR_RUBY_ARRAY);
    a->flags = QR_RUBY_F_WORDS;
    qr_buf_t b = QR_BUF_INIT;
    for (;;) {
        while (p->lx.pos < p->lx.len && (p->lx.src[p->lx.pos] == ' ' || p->lx.src[p->lx.pos] == '\t' ||
                                         p->lx.src[p->lx.pos] == '\n' || p->lx.src[p->lx.pos] == '\r'))
            p->lx.pos++;
        uint32_t pos = p->lx.pos;
        int r = qr__ruby_lex_word(&p->lx, &st, &b);
        if (r == -2) {
            qr_buf_free(&b);
            qr__rp_fail_at(p, p->lx.pos, "write an array instead: [\"a\", \"#{x}\"]", "interpolation in %%W[] / %%I[] is not supported");
        }
        if (r < 0) { qr_buf_free(&b); qr__rp_fail_at(p, p->tok.start, "close the list with its delimiter", "unterminated word list"); }
        if (r == 0) break;
        qr_ruby_node *w = qr__rp_node_at(p, st.kind == QR_STR_SYMBOLS ? QR_RUBY_SYM : QR_RUBY_STR, pos);
        w->str = qr__ruby_strdup(p->ast, b.data ? b.data : "", b.len);
        w->len = b.len;
        qr_buf_reset(&b);
        qr__rp_push(p, a, w);
    }
    qr_buf_free(&b);
    p->lx.state = QR_LEX_END;
    p->tok.end = p->lx.pos;
    qr__rp_advance(p);
    qr__rp_finish(p, a);
    return a;
}

qr_ruby_node *qr__rp_parse_char(P *p)
{
    qr_ruby_node *s = qr__rp_node(p, QR_RUBY_STR);
    s->flags = QR_RUBY_F_CHAR;
    qr_buf_t b = QR_BUF_INIT;
    if (p->lx.src[p->tok.start + 1] == '\\') {
        /* decode the escape with the string reader */
        qr_ruby_lexer tmp = p->lx;
        tmp.pos = p->tok.start + 1;
        qr_ruby_strterm st = {.kind = QR_STR_DQ, .term = 0, .interp = 1};
        st.body_end = p->tok.end;
        /* read exactly one escape: use a heredoc-like bound */
        st.kind = QR_STR_HEREDOC;
        st.dedent = 0;
        (void)qr__ruby_lex_string(&tmp, &st, &b);
    } else {
        qr_buf_append(&b, p->lx.src + p->tok.start + 1, p->tok.end - p->tok.start - 1);
    }
    s->str = qr__ruby_strdup(p->ast, b.data ? b.data : "", b.len);
    s->len = b.len;
    qr_buf_free(&b);
    qr__rp_advance(p);
    return s;
}

qr_ruby_node *qr__rp_parse_hash(P *p)
{
    qr_ruby_node *h = qr__rp_node(p, QR_RUBY_HASH);
    h->flags = QR_RUBY_F_BRACES;
    qr__rp_advance(p);
    int saved_no_do = p->no_do;
    p->no_do = 0;
    qr__rp_skip_nl(p);
    while (p->tok.type != QR_T_RBRACE) {
        qr__rp_push(p, h, qr__rp_hash_entry(p, QR_T_RBRACE, 1, 0));
        qr__rp_skip_nl(p);
        if (!qr__rp_accept(p, QR_T_COMMA)) break;
        qr__rp_skip_nl(p);
    }
    p->no_do = saved_no_do;
    if (p->tok.type != QR_T_RBRACE) qr__rp_unexpected(p, "`}` or `,` in the hash", NULL);
    qr__rp_advance(p);
    qr__rp_finish(p, h);
    return h;
}

qr_ruby_node *qr__rp_parse_array(P *p)
{
    qr_ruby_node *a = qr__rp_node(p, QR_RUBY_ARRAY);
    qr__rp_advance(p);
    qr__rp_call_args(p, a, QR_T_RBRACK);
    qr__rp_finish(p, a);
    return a;
}
