/* test_ruby_lexer.c — unit tests of the Ruby lexer (ruby/lexer.c): Ruby's context-dependent
 * token decisions (regexp vs division, unary vs binary minus, array vs index, splat vs multiply,
 * char literal vs ternary, heredoc vs shift, labels, symbols, `?`/`!`/`=` method names,
 * keywords as method names), newlines that do / do not end a statement, heredoc bodies read out
 * of line, string escapes, and positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "buf.h"
#include "ruby/lexer.h"

/* `x` is a local variable in these tests; every other identifier is a method. */
static int x_is_local(void *ctx, const char *name, size_t n)
{
    (void)ctx;
    return n == 1 && name[0] == 'x';
}

/* Lexes src and returns the tokens as "type:text" words separated by spaces. */
static char *lex_all(const char *src)
{
    qr_ruby_lexer lx;
    assert_int_equal(qr__ruby_lex_init(&lx, src, strlen(src)), 0);
    lx.is_local = x_is_local;
    qr_buf_t out = QR_BUF_INIT;
    for (int guard = 0; guard < 1000; guard++) {
        qr_ruby_tok t;
        qr__ruby_lex_next(&lx, &t);
        if (t.type == QR_T_EOF) break;
        if (out.len) qr_buf_append(&out, " ", 1);
        if (t.type == QR_T_NL) { qr_buf_append_str(&out, "NL"); continue; }
        if (t.type == QR_T_ERROR) { qr_buf_appendf(&out, "ERROR(%s)", t.msg); break; }
        if (t.type == QR_T_STR_BEG || t.type == QR_T_WORDS_BEG) {
            /* read the literal's body the way the parser does (no interpolation here) */
            qr_ruby_strterm st = t.str;
            qr_buf_t body = QR_BUF_INIT;
            qr_ruby_lexer saved = lx;
            if (st.kind == QR_STR_HEREDOC) lx.pos = st.body;
            int r;
            if (t.type == QR_T_WORDS_BEG) {
                while ((r = qr__ruby_lex_word(&lx, &st, &body)) == 1) qr_buf_append(&body, ",", 1);
            } else {
                r = qr__ruby_lex_string(&lx, &st, &body);
            }
            if (st.kind == QR_STR_HEREDOC) lx = saved;
            else lx.state = QR_LEX_END;
            qr_buf_appendf(&out, "%s[%.*s]%s%s", t.type == QR_T_WORDS_BEG ? "words" : st.kind == QR_STR_REGEX ? "regex"
                           : st.kind == QR_STR_HEREDOC ? "heredoc" : "str", (int)body.len, body.data ? body.data : "",
                           st.opts, r == 1 ? "+interp" : r < 0 ? "+unterminated" : "");
            qr_buf_free(&body);
            continue;
        }
        const char *name = qr__ruby_tok_name(t.type);
        if (t.type == QR_T_UMINUS) name = "u-";
        else if (t.type == QR_T_SPLAT) name = "splat";
        else if (t.type == QR_T_DSPLAT) name = "dsplat";
        else if (t.type == QR_T_BLOCKAMP) name = "blockamp";
        else if (t.type == QR_T_LBRACK_IDX) name = "index[";
        else if (t.type == QR_T_LPAREN_CALL) name = "call(";
        else if (t.type == QR_T_COLON3) name = "top::";
        else if (t.type == QR_T_OP_ASGN) name = "opasgn";
        qr_buf_appendf(&out, "%s:%.*s", name, (int)(t.end - t.start), src + t.start);
    }
    qr__ruby_lex_free(&lx);
    return qr_buf_steal(&out);
}

static const struct { const char *src, *toks; } cases[] = {
    /* regexp vs division */
    {"foo /a/", "identifier:foo regex[a]"},
    {"x / 2", "identifier:x `/`:/ integer:2"},
    {"foo / 2", "identifier:foo `/`:/ integer:2"},
    {"(/a b/i)", "`(`:( regex[a b]i `)`:)"},
    /* unary vs binary minus, by spacing and locals */
    {"foo -1", "identifier:foo u-:- integer:1"},
    {"foo - 1", "identifier:foo `-`:- integer:1"},
    {"x -1", "identifier:x `-`:- integer:1"},
    {"a = -b", "identifier:a `=`:= u-:- identifier:b"},
    /* array vs index */
    {"foo [1]", "identifier:foo `[`:[ integer:1 `]`:]"},
    {"foo[1]", "identifier:foo index[:[ integer:1 `]`:]"},
    {"x [1]", "identifier:x index[:[ integer:1 `]`:]"},
    /* splat / block pass / double splat vs operators */
    {"f *a, **h, &b", "identifier:f splat:* identifier:a `,`:, dsplat:** identifier:h `,`:, blockamp:& identifier:b"},
    {"x * y ** 2 & z", "identifier:x `*`:* identifier:y `**`:** integer:2 `&`:& identifier:z"},
    {"map(&:name)", "identifier:map call(:( blockamp:& symbol::name `)`:)"},
    /* char literal vs ternary */
    {"?a", "character literal:?a"},
    {"x ? y : z", "identifier:x `?`:? identifier:y `:`:: identifier:z"},
    {"a.nil? ? 1 : 2", "identifier:a `.`:. identifier:nil? `?`:? integer:1 `:`:: integer:2"},
    /* labels, symbols, constants */
    {"f a: 1, if: :x, \"b\": 2", "identifier:f label:a integer:1 `,`:, label:if symbol::x `,`:, str[b] `:`:: integer:2"},
    {"A::B ::C", "constant:A `::`::: constant:B top::::: constant:C"},
    {":a? :b= :[] :<=> :@x", "symbol::a? symbol::b= symbol::[] symbol::<=> symbol::@x"},
    /* method names */
    {"a.valid? b.save! c != d", "identifier:a `.`:. identifier:valid? identifier:b `.`:. identifier:save! identifier:c `!=`:!= identifier:d"},
    {"def title=(v)", "def:def identifier:title= call(:( identifier:v `)`:)"},
    {"def ==(o)", "def:def identifier:== call(:( identifier:o `)`:)"},
    {"x.class.end", "identifier:x `.`:. identifier:class `.`:. identifier:end"},
    {"defined?(x)", "defined?:defined? call(:( identifier:x `)`:)"},
    /* assignment operators */
    {"x ||= 1; y += 2", "identifier:x opasgn:||= integer:1 NL identifier:y opasgn:+= integer:2"},
    /* newlines: ignored after operators and commas, and before a leading .method */
    {"a +\n b", "identifier:a `+`:+ identifier:b"},
    {"f a,\n b", "identifier:f identifier:a `,`:, identifier:b"},
    {"a\n  .b\n  &.c", "identifier:a `.`:. identifier:b `&.`:&. identifier:c"},
    {"a # note\nb", "identifier:a NL identifier:b"},
    {"a\n=begin\nx\n=end\nb", "identifier:a NL identifier:b"},
    {"a\n__END__\nb c", "identifier:a NL"},
    /* heredocs: body out of line, the line's rest lexes normally */
    {"f(<<~A, 1)\n  x\n   y\nA\nz", "identifier:f call(:( heredoc[x\n y\n] `,`:, integer:1 `)`:) NL identifier:z"},
    {"a = <<-EOS\n  k\n  EOS", "identifier:a `=`:= heredoc[  k\n] NL"},
    {"x << y", "identifier:x `<<`:<< identifier:y"},
    {"class << self", "class:class `<<`:<< self:self"},
    /* strings and escapes */
    {"'a\\'b\\n'", "str[a'b\\n]"},
    {"\"a\\tb\\u00e9\\x41\"", "str[a\tbéA]"},
    {"\"a#{", "str[a]+interp"},
    {"\"abc", "str[abc]+unterminated"},
    {"%w[a b  c], %i(d e)", "words[a,b,c,] `,`:, words[d,e,]"},
    {"%q(a (b) c)", "str[a (b) c]"},
    /* numbers */
    {"1_000 2.5 1e3 0x1f 1.day", "integer:1_000 float:2.5 float:1e3 integer:0x1f integer:1 `.`:. identifier:day"},
    {"1abc", "ERROR(invalid number literal)"},
    /* lambdas and ranges */
    {"->(a) { }", "`->`:-> call(:( identifier:a `)`:) `{`:{ `}`:}"},
    {"1..2 3...4", "integer:1 `..`:.. integer:2 integer:3 `...`:... integer:4"},
    {"@a @@b $c $1", "instance variable:@a class variable:@@b global variable:$c global variable:$1"},
};

static void test_tokens(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = lex_all(cases[i].src);
        if (strcmp(got, cases[i].toks) != 0) {
            print_error("case %zu `%s`\n  got      %s\n  expected %s\n", i, cases[i].src, got, cases[i].toks);
            bad++;
        }
        free(got);
    }
    assert_int_equal(bad, 0);
}

static void test_positions(void **state)
{
    (void)state;
    const char *src = "a\n  bc\n\nd";
    qr_ruby_lexer lx;
    assert_int_equal(qr__ruby_lex_init(&lx, src, strlen(src)), 0);
    uint32_t line, col;
    qr__ruby_lex_pos(&lx, 0, &line, &col);
    assert_int_equal(line, 1); assert_int_equal(col, 1);
    qr__ruby_lex_pos(&lx, 4, &line, &col);
    assert_int_equal(line, 2); assert_int_equal(col, 3);
    qr__ruby_lex_pos(&lx, 8, &line, &col);
    assert_int_equal(line, 4); assert_int_equal(col, 1);
    qr__ruby_lex_free(&lx);
}

static void test_squiggly_dedent(void **state)
{
    (void)state;
    /* blank lines do not count for the indentation; tabs count to the next multiple of 8 */
    char *got = lex_all("<<~X\n    a\n\n      b\n    c\nX\n");
    assert_string_equal(got, "heredoc[a\n\n  b\nc\n] NL");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_squiggly_dedent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
