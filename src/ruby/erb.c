/* ruby/erb.c — ERB template -> Ruby source (ruby/erb.h), following Erubi's trim mode as Rails'
 * ActionView uses it: text becomes @output_buffer.safe_append='...', <%= %> append=( ),
 * <%== %> safe_expr_append=( ), the block form `<%= form_with(...) do |f| %>` stays open so its
 * <% end %> closes the call, tags alone on a line swallow the line's indentation and newline.
 * Lines are preserved one for one, and each code span is recorded in a position map so the
 * parser's errors point into the template. Calls only libc, buf.c and common.c. */
#include "ruby/erb.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "common.h"

typedef struct {
    qr_buf_t out;
    qr_ruby_erb_seg *segs;
    size_t nsegs, cap;
} gen_t;

static void add_seg(gen_t *g, size_t tpl, size_t len)
{
    if (g->nsegs == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 32;
        g->segs = qr_xrealloc(g->segs, g->cap * sizeof *g->segs);
    }
    g->segs[g->nsegs].rb = (uint32_t)g->out.len;
    g->segs[g->nsegs].tpl = (uint32_t)tpl;
    g->segs[g->nsegs].len = (uint32_t)len;
    g->nsegs++;
}

static void add_text(gen_t *g, const char *s, size_t n)
{
    if (!n) return;
    qr_buf_append_str(&g->out, "@output_buffer.safe_append='");
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\'' && s[i] != '\\') continue;
        qr_buf_append(&g->out, s + run, i - run);
        qr_buf_append(&g->out, "\\", 1);
        run = i;
    }
    qr_buf_append(&g->out, s + run, n - run);
    qr_buf_append_str(&g->out, "';");
}

/* Code copied from the template at offset tpl; `;` ends it unless it ends a line. */
static void add_code(gen_t *g, const char *s, size_t n, size_t tpl)
{
    add_seg(g, tpl, n);
    qr_buf_append(&g->out, s, n);
    if (n == 0 || s[n - 1] != '\n') qr_buf_append(&g->out, ";", 1);
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return 0;
    return 1;
}

/* ActionView's BLOCK_EXPR: the code ends in `do`, `do |x|` or `{` (a block follows). */
static int block_expr(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    if (n && s[n - 1] == '|') {
        size_t k = n - 1;
        while (k > 0 && s[k - 1] != '|') k--;
        if (k == 0) return 0;
        n = k - 1; /* before the opening | */
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    }
    if (n && s[n - 1] == '{') return 1;
    if (n >= 2 && s[n - 2] == 'd' && s[n - 1] == 'o') {
        if (n == 2) return 0;
        char c = s[n - 3];
        return c == ' ' || c == '\t' || c == '\n' || c == ')';
    }
    return 0;
}

static void tpl_pos(const char *tpl, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (tpl[i] == '\n') { l++; c = 1; }
        else c++;
    }
    *line = l;
    *col = c;
}

int qr_ruby_erb_compile(const char *tpl, size_t len, const char *path, qr_ruby_erb **out,
                        qr_ruby_error *err)
{
    gen_t g = {QR_BUF_INIT, NULL, 0, 0};
    size_t pos = 0;
    int is_bol = 1;
    *out = NULL;
    for (;;) {
        const char *open = NULL;
        for (size_t i = pos; i + 1 < len; i++)
            if (tpl[i] == '<' && tpl[i + 1] == '%') { open = tpl + i; break; }
        if (!open) break;
        size_t tag = (size_t)(open - tpl);
        size_t i = tag + 2;
        const char *ind = "";
        if (i + 1 < len && tpl[i] == '=' && tpl[i + 1] == '=') { ind = "=="; i += 2; }
        else if (i < len && (tpl[i] == '=' || tpl[i] == '-' || tpl[i] == '#' || tpl[i] == '%')) {
            ind = tpl[i] == '=' ? "=" : tpl[i] == '-' ? "-" : tpl[i] == '#' ? "#" : "%";
            i++;
        }
        size_t code = i, close = 0;
        int found = 0;
        for (size_t k = code; k + 1 < len; k++)
            if (tpl[k] == '%' && tpl[k + 1] == '>') { close = k; found = 1; break; }
        if (!found) {
            if (err) {
                memset(err, 0, sizeof *err);
                snprintf(err->path, sizeof err->path, "%s", path ? path : "");
                tpl_pos(tpl, len, tag, &err->line, &err->col);
                snprintf(err->message, sizeof err->message, "unterminated ERB tag: `<%%` without `%%>`");
                snprintf(err->hint, sizeof err->hint, "close the tag with `%%>`");
            }
            qr_buf_free(&g.out);
            free(g.segs);
            return -EINVAL;
        }
        size_t code_end = close;
        char tailch = 0;
        if (ind[0] != '%' && code_end > code && (tpl[code_end - 1] == '-' || tpl[code_end - 1] == '=')) {
            tailch = tpl[code_end - 1];
            code_end--;
        }
        size_t after = close + 2, rspace_end = after;
        int rspace = 0;
        {
            size_t k = after;
            while (k < len && (tpl[k] == ' ' || tpl[k] == '\t')) k++;
            if (k < len && tpl[k] == '\r' && k + 1 < len && tpl[k + 1] == '\n') k++;
            if (k < len && tpl[k] == '\n') { rspace = 1; rspace_end = k + 1; }
        }
        /* text before the tag, and the indentation (lspace) a lone tag takes with it */
        const char *text = tpl + pos;
        size_t tlen = tag - pos;
        int has_lspace = 0;
        size_t lspace_at = tag, lspace_len = 0;
        if (ind[0] != '=') {
            if (tlen == 0) {
                if (is_bol) has_lspace = 1;
            } else if (text[tlen - 1] == '\n') {
                has_lspace = 1;
            } else {
                size_t nl = tlen;
                while (nl > 0 && text[nl - 1] != '\n') nl--;
                if (nl > 0) {
                    if (is_blank(text + nl, tlen - nl)) {
                        has_lspace = 1;
                        lspace_at = pos + nl;
                        lspace_len = tlen - nl;
                        tlen = nl;
                    }
                } else if (is_bol && is_blank(text, tlen)) {
                    has_lspace = 1;
                    lspace_at = pos;
                    lspace_len = tlen;
                    tlen = 0;
                }
            }
        }
        is_bol = rspace;
        add_text(&g, text, tlen);
        const char *c = tpl + code;
        size_t clen = code_end - code;
        if (ind[0] == '=') {
            qr_buf_append_str(&g.out, ind[1] == '=' ? "@output_buffer.safe_expr_append=" : "@output_buffer.append=");
            if (block_expr(c, clen)) {
                qr_buf_append(&g.out, " ", 1);
                add_seg(&g, code, clen);
                qr_buf_append(&g.out, c, clen);
            } else {
                qr_buf_append(&g.out, "(", 1);
                add_seg(&g, code, clen);
                qr_buf_append(&g.out, c, clen);
                qr_buf_append_str(&g.out, ");");
            }
            if (rspace) {
                if (tailch) qr_buf_append(&g.out, "\n", 1);              /* -%>: no newline output */
                else add_text(&g, tpl + after, rspace_end - after);
            }
        } else if (ind[0] == '#') {
            size_t nls = 0;
            for (size_t k = 0; k < clen; k++) nls += c[k] == '\n';
            if (has_lspace && rspace) {
                for (size_t k = 0; k < nls + 1; k++) qr_buf_append(&g.out, "\n", 1);
            } else {
                add_text(&g, tpl + lspace_at, lspace_len);
                for (size_t k = 0; k < nls; k++) qr_buf_append(&g.out, "\n", 1);
                if (rspace) add_text(&g, tpl + after, rspace_end - after);
            }
        } else if (ind[0] == '%') {
            /* <%% ... %> is the literal text <% ... %> */
            qr_buf_t lit = QR_BUF_INIT;
            qr_buf_append(&lit, tpl + lspace_at, lspace_len);
            qr_buf_append(&lit, "<%", 2);
            qr_buf_append(&lit, tpl + code, close - code);
            qr_buf_append(&lit, "%>", 2);
            if (rspace) qr_buf_append(&lit, tpl + after, rspace_end - after);
            add_text(&g, lit.data, lit.len);
            qr_buf_free(&lit);
        } else {
            if (has_lspace && rspace) {
                /* the whole line is the tag: its indentation and newline go into the code */
                qr_buf_append(&g.out, tpl + lspace_at, lspace_len);
                add_seg(&g, code, clen);
                qr_buf_append(&g.out, c, clen);
                qr_buf_append(&g.out, ";", clen && c[clen - 1] == '\n' ? 0 : 1);
                if (tpl[rspace_end - 2] == '\r') qr_buf_append(&g.out, "\r", 1);
                qr_buf_append(&g.out, "\n", 1);
            } else {
                add_text(&g, tpl + lspace_at, lspace_len);
                add_code(&g, c, clen, code);
                if (rspace) {
                    if (tailch) qr_buf_append(&g.out, "\n", 1);
                    else add_text(&g, tpl + after, rspace_end - after);
                }
            }
        }
        pos = rspace ? rspace_end : after;
    }
    add_text(&g, tpl + pos, len - pos);
    qr_ruby_erb *e = qr_xcalloc(1, sizeof *e);
    e->len = g.out.len;
    e->ruby = g.out.data ? qr_buf_steal(&g.out) : qr_xstrdup("");
    e->segs = g.segs;
    e->nsegs = g.nsegs;
    *out = e;
    return 0;
}

void qr_ruby_erb_map(const qr_ruby_erb *e, const char *tpl, size_t tpl_len, qr_ruby_error *err)
{
    /* the Ruby offset of err's line:col */
    size_t off = 0;
    int line = 1;
    while (off < e->len && line < err->line) {
        if (e->ruby[off] == '\n') line++;
        off++;
    }
    off += err->col > 0 ? (size_t)(err->col - 1) : 0;
    for (size_t i = e->nsegs; i-- > 0;) {
        const qr_ruby_erb_seg *s = &e->segs[i];
        if (s->rb > off) continue;
        if (off <= s->rb + s->len) {
            size_t t = s->tpl + (off - s->rb);
            tpl_pos(tpl, tpl_len, t, &err->line, &err->col);
            return;
        }
        break;
    }
    /* outside any code span: lines are aligned; point at the start of the line */
    err->col = 1;
}

void qr_ruby_erb_free(qr_ruby_erb *e)
{
    if (!e) return;
    free(e->ruby);
    free(e->segs);
    free(e);
}
