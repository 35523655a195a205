/* profile_svg.c — folded stacks in, merged folded stacks or an SVG flame graph out
 * (profile_svg.h). The stacks become a tree of frames (one node per distinct path from the
 * root); the flame graph draws it the way flamegraph.pl does: root at the bottom, x by
 * cumulative samples of the siblings sorted by name, width by samples. Pure and reentrant: no
 * I/O, no globals; runs wherever profile.c flushes (workers). Calls buf.c and common.c only. */
#include "profile_svg.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct {
    const char *name; /* borrowed from the input text */
    uint32_t nlen;
    uint64_t total;
    int32_t first_child, next_sibling;
} node_t;

typedef struct {
    node_t *n;
    size_t len, cap;
    int max_depth;
} tree_t;

#define MAX_DEPTH 512

static int32_t tree_add(tree_t *t, const char *name, uint32_t nlen)
{
    if (t->len == t->cap) t->n = qr_xrealloc(t->n, (t->cap = t->cap ? t->cap * 2 : 256) * sizeof *t->n);
    t->n[t->len] = (node_t){name, nlen, 0, -1, -1};
    return (int32_t)t->len++;
}

/* One line "a;b;c 12": its stack (borrowed) and count; 0 when the line is not folded. */
static int parse_line(const char *p, size_t n, const char **stack, size_t *slen, uint64_t *count)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ')) n--;
    size_t sp = n;
    while (sp && p[sp - 1] != ' ') sp--;
    if (sp < 2 || sp == n) return 0;
    uint64_t c = 0;
    for (size_t i = sp; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        c = c * 10 + (uint64_t)(p[i] - '0');
    }
    *stack = p;
    *slen = sp - 1;
    *count = c;
    return c > 0;
}

/* Calls fn(stack, slen, count, ud) for every folded line of text. */
static void each_line(const char *text, size_t len, void (*fn)(const char *, size_t, uint64_t, void *), void *ud)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *stack;
        size_t slen;
        uint64_t count;
        if (parse_line(p, n, &stack, &slen, &count)) fn(stack, slen, count, ud);
        p += n + 1;
    }
}

static void add_stack(const char *s, size_t len, uint64_t count, void *ud)
{
    tree_t *t = ud;
    int32_t cur = 0;
    t->n[0].total += count;
    int depth = 0;
    size_t i = 0;
    while (i < len && depth < MAX_DEPTH) {
        size_t j = i;
        while (j < len && s[j] != ';') j++;
        uint32_t fl = (uint32_t)(j - i);
        int32_t c = t->n[cur].first_child, last = -1;
        while (c >= 0 && !(t->n[c].nlen == fl && memcmp(t->n[c].name, s + i, fl) == 0)) { last = c; c = t->n[c].next_sibling; }
        if (c < 0) {
            c = tree_add(t, s + i, fl);
            if (last < 0) t->n[cur].first_child = c;
            else t->n[last].next_sibling = c;
        }
        t->n[c].total += count;
        cur = c;
        depth++;
        i = j + 1;
    }
    if (depth > t->max_depth) t->max_depth = depth;
}

/* ---- merged folded text ---- */
typedef struct {
    const char *stack;
    size_t len;
    uint64_t count;
} line_t;

typedef struct {
    line_t *l;
    size_t len, cap;
} lines_t;

static void add_line(const char *s, size_t len, uint64_t count, void *ud)
{
    lines_t *ls = ud;
    if (ls->len == ls->cap) ls->l = qr_xrealloc(ls->l, (ls->cap = ls->cap ? ls->cap * 2 : 256) * sizeof *ls->l);
    ls->l[ls->len++] = (line_t){s, len, count};
}

static int cmp_line(const void *a, const void *b)
{
    const line_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->stack, y->stack, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

uint64_t qr_profile_fold_merge(const char *text, size_t len, qr_buf_t *out)
{
    lines_t ls = {0};
    each_line(text, len, add_line, &ls);
    if (ls.len) qsort(ls.l, ls.len, sizeof *ls.l, cmp_line);
    uint64_t total = 0;
    for (size_t i = 0; i < ls.len;) {
        uint64_t c = 0;
        size_t j = i;
        while (j < ls.len && cmp_line(&ls.l[i], &ls.l[j]) == 0) c += ls.l[j++].count;
        qr_buf_append(out, ls.l[i].stack, ls.l[i].len);
        qr_buf_appendf(out, " %llu\n", (unsigned long long)c);
        total += c;
        i = j;
    }
    free(ls.l);
    return total;
}

/* ---- the flame graph ---- */
enum { WIDTH = 1200, PAD = 10, ROW = 16, TOP = 40, BOTTOM = 10 };

static void xml_text(qr_buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': qr_buf_append_str(out, "&lt;"); break;
        case '>': qr_buf_append_str(out, "&gt;"); break;
        case '&': qr_buf_append_str(out, "&amp;"); break;
        case '"': qr_buf_append_str(out, "&quot;"); break;
        default:
            if ((unsigned char)s[i] >= 0x20) qr_buf_append(out, s + i, 1);
        }
    }
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int cmp_child(const void *a, const void *b, void *tree)
{
    const tree_t *t = tree;
    const node_t *x = &t->n[*(const int32_t *)a], *y = &t->n[*(const int32_t *)b];
    size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

typedef struct {
    const tree_t *t;
    qr_buf_t *out;
    double scale; /* px per sample */
    uint64_t total;
    int height;
} draw_t;

static void draw(draw_t *d, int32_t id, uint64_t offset, int depth)
{
    const node_t *nd = &d->t->n[id];
    double x = PAD + (double)offset * d->scale, w = (double)nd->total * d->scale;
    if (w < 0.1) return;
    int y = d->height - BOTTOM - (depth + 1) * ROW;
    uint32_t h = name_hash(nd->name, nd->nlen);
    int r = 205 + (int)(h % 51), g = (int)((h >> 8) % 231), b = (int)((h >> 16) % 56);
    qr_buf_append_str(d->out, "<g><title>");
    xml_text(d->out, nd->name, nd->nlen);
    qr_buf_appendf(d->out, " (%llu samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                           "fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>",
                   (unsigned long long)nd->total, 100.0 * (double)nd->total / (double)d->total, x, y, w, ROW - 1,
                   r, g, b);
    int fit = (int)((w - 6) / 7);
    if (fit >= 3) {
        qr_buf_appendf(d->out, "<text x=\"%.1f\" y=\"%d\">", x + 3, y + ROW - 4);
        if ((int)nd->nlen <= fit) xml_text(d->out, nd->name, nd->nlen);
        else {
            xml_text(d->out, nd->name, (size_t)(fit - 2));
            qr_buf_append_str(d->out, "..");
        }
        qr_buf_append_str(d->out, "</text>");
    }
    qr_buf_append_str(d->out, "</g>\n");
    size_t nkids = 0;
    for (int32_t c = nd->first_child; c >= 0; c = d->t->n[c].next_sibling) nkids++;
    if (!nkids) return;
    int32_t *kids = qr_xmalloc(nkids * sizeof *kids);
    nkids = 0;
    for (int32_t c = nd->first_child; c >= 0; c = d->t->n[c].next_sibling) kids[nkids++] = c;
    qsort_r(kids, nkids, sizeof *kids, cmp_child, (void *)d->t);
    for (size_t i = 0; i < nkids; i++) {
        draw(d, kids[i], offset, depth + 1);
        offset += d->t->n[kids[i]].total;
    }
    free(kids);
}

uint64_t qr_profile_svg(const char *title, const char *text, size_t len, qr_buf_t *out)
{
    tree_t t = {0};
    tree_add(&t, "all", 3);
    each_line(text, len, add_stack, &t);
    int height = TOP + (t.max_depth + 1) * ROW + BOTTOM;
    qr_buf_appendf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                        "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        "xmlns=\"http://www.w3.org/2000/svg\">\n"
                        "<style>text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}"
                        "g:hover rect{stroke:#000;stroke-width:0.5}</style>\n"
                        "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#f8f8f8\"/>\n"
                        "<text x=\"%d\" y=\"24\" style=\"font-size:17px\">",
                   WIDTH, height, WIDTH, height, PAD);
    xml_text(out, title, strlen(title));
    if (t.n[0].total)
        qr_buf_appendf(out, " (%llu samples)</text>\n", (unsigned long long)t.n[0].total);
    else
        qr_buf_append_str(out, ": no samples</text>\n");
    if (t.n[0].total) {
        draw_t d = {&t, out, (double)(WIDTH - 2 * PAD) / (double)t.n[0].total, t.n[0].total, height};
        draw(&d, 0, 0, 0);
    }
    qr_buf_append_str(out, "</svg>\n");
    uint64_t total = t.n[0].total;
    free(t.n);
    return total;
}
