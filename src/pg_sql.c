/* pg_sql.c — rewrites SQL placeholders into PostgreSQL's $N (pg_sql.h). One pass over the
 * text: 'strings' (with '' doubling), "identifiers", -- and block comments, :: casts and
 * $tag$ ... $tag$ bodies are copied as they are; `?` numbers itself after the highest $N seen,
 * `?N` and `$N` keep N, and each distinct named placeholder gets the next number. Pure string
 * work: calls buf.c and common.c only; used by js_pg.c, tested by tests/unit/test_pg_sql.c. */
#include "pg_sql.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"

static int ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80; }
static int ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

void qr_pg_sql_free(qr_pg_sql_t *q)
{
    if (q->names) {
        for (int i = 0; i < q->nparams; i++) free(q->names[i]);
        free(q->names);
    }
    free(q->sql);
    q->sql = NULL;
    q->names = NULL;
    q->nparams = 0;
}

int qr_pg_sql_translate(const char *sql, qr_pg_sql_t *out, const char **err)
{
    qr_buf_t b = QR_BUF_INIT;
    int next = 0, named = 0, positional = 0, cap = 0;
    char **names = NULL;
    const char *s = sql;
    out->sql = NULL;
    out->names = NULL;
    out->nparams = 0;
    while (*s) {
        char c = *s;
        if (c == '\'' || c == '"') { /* 'string' (with '' doubling) or "identifier" */
            const char *e = s + 1;
            for (; *e; e++) {
                if (*e == c) { if (e[1] == c) { e++; continue; } break; }
            }
            if (*e) e++;
            qr_buf_append(&b, s, (size_t)(e - s));
            s = e;
        } else if (c == '-' && s[1] == '-') {
            const char *e = strchr(s, '\n');
            if (!e) e = s + strlen(s);
            qr_buf_append(&b, s, (size_t)(e - s));
            s = e;
        } else if (c == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            e = e ? e + 2 : s + strlen(s);
            qr_buf_append(&b, s, (size_t)(e - s));
            s = e;
        } else if (c == ':' && s[1] == ':') {
            qr_buf_append(&b, s, 2);
            s += 2;
        } else if (c == '$' && s[1] >= '0' && s[1] <= '9') {
            long n = strtol(s + 1, (char **)&s, 10);
            qr_buf_appendf(&b, "$%ld", n);
            if (n > next) next = (int)n;
            positional = 1;
        } else if (c == '?') {
            long n;
            if (s[1] >= '0' && s[1] <= '9') n = strtol(s + 1, (char **)&s, 10);
            else { n = next + 1; s++; }
            qr_buf_appendf(&b, "$%ld", n);
            if (n > next) next = (int)n;
            positional = 1;
        } else if (c == '$' && (s[1] == '$' || ident_start(s[1]))) {
            const char *e = s + 1;
            while (*e && *e != '$' && ident_char(*e)) e++;
            if (*e == '$') { /* $tag$ ... $tag$ */
                size_t tl = (size_t)(e + 1 - s);
                char tag[64];
                if (tl >= sizeof tag) { *err = "dollar-quote tag too long"; goto fail; }
                memcpy(tag, s, tl);
                tag[tl] = 0;
                const char *close = strstr(e + 1, tag);
                const char *end = close ? close + tl : s + strlen(s);
                qr_buf_append(&b, s, (size_t)(end - s));
                s = end;
                continue;
            }
            goto named_param;
        } else if ((c == ':' || c == '@') && ident_start(s[1]) && !(s > sql && s[-1] == ':')) {
        named_param: {
                const char *e = s + 1;
                while (ident_char(*e)) e++;
                size_t nl = (size_t)(e - s - 1);
                int idx = -1;
                for (int i = 0; i < next; i++)
                    if (names && names[i] && strlen(names[i]) == nl && memcmp(names[i], s + 1, nl) == 0) idx = i;
                if (idx < 0) {
                    while (next + 1 > cap) { /* new slots zeroed: a positional $N may have skipped some */
                        int old = cap;
                        cap = cap ? cap * 2 : 8;
                        names = qr_xrealloc(names, (size_t)cap * sizeof *names);
                        memset(names + old, 0, (size_t)(cap - old) * sizeof *names);
                    }
                    names[next] = qr_xstrndup(s + 1, nl);
                    idx = next++;
                }
                qr_buf_appendf(&b, "$%d", idx + 1);
                named = 1;
                s = e;
            }
        } else {
            qr_buf_append(&b, s, 1);
            s++;
        }
    }
    if (named && positional) {
        *err = "mixing named and positional placeholders is not supported";
        goto fail;
    }
    out->nparams = next;
    out->names = named ? names : NULL;
    out->sql = qr_buf_steal(&b);
    return 0;
fail:
    if (names) {
        for (int i = 0; i < next && i < cap; i++) free(names[i]);
        free(names);
    }
    qr_buf_free(&b);
    return -1;
}
