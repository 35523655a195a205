/* test_ruby_erb.c — unit tests of ERB -> Ruby (ruby/erb.c): text, <%= %>, <%== %>, code tags
 * alone on a line (trimmed as Erubi does), the block form `<%= form_with(...) do |f| %>`,
 * comments, `-%>`, `<%%`, line alignment with the template, errors mapped back to the
 * template's line:col, and an unterminated tag. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ruby/ast.h"
#include "ruby/erb.h"
#include "ruby/parser.h"

static char *erb(const char *tpl)
{
    qr_ruby_erb *e;
    qr_ruby_error err;
    assert_int_equal(qr_ruby_erb_compile(tpl, strlen(tpl), "t.html.erb", &e, &err), 0);
    char *r = strdup(e->ruby);
    assert_int_equal(strlen(r), e->len);
    qr_ruby_erb_free(e);
    return r;
}

static int count_nl(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static const struct { const char *tpl, *ruby; } cases[] = {
    {"<h1>Hi</h1>\n", "@output_buffer.safe_append='<h1>Hi</h1>\n';"},
    {"<p><%= @a.title %></p>", "@output_buffer.safe_append='<p>';@output_buffer.append=( @a.title );@output_buffer.safe_append='</p>';"},
    {"<%== raw_html %>", "@output_buffer.safe_expr_append=( raw_html );"},
    {"it's \\ ok", "@output_buffer.safe_append='it\\'s \\\\ ok';"},
    /* a code tag alone on its line takes the indentation and the newline with it */
    {"<ul>\n  <% @a.each do |x| %>\n    <li><%= x %></li>\n  <% end %>\n</ul>\n",
     "@output_buffer.safe_append='<ul>\n';   @a.each do |x| ;\n@output_buffer.safe_append='    <li>';@output_buffer.append=( x );"
     "@output_buffer.safe_append='</li>\n';   end ;\n@output_buffer.safe_append='</ul>\n';"},
    /* a code tag inside a line keeps the text around it */
    {"a <% x = 1 %> b\n", "@output_buffer.safe_append='a '; x = 1 ;@output_buffer.safe_append=' b\n';"},
    /* the block form stays open: its <% end %> closes the call */
    {"<%= form_with(model: a) do |f| %>\n  <%= f.submit %>\n<% end %>\n",
     "@output_buffer.append=  form_with(model: a) do |f| @output_buffer.safe_append='\n';@output_buffer.safe_append='  ';"
     "@output_buffer.append=( f.submit );@output_buffer.safe_append='\n'; end ;\n"},
    {"<%= link_to x do %>y<% end %>", "@output_buffer.append=  link_to x do @output_buffer.safe_append='y'; end ;"},
    /* comments leave only their newlines; -%> drops the newline after the tag */
    {"a\n<%# one\ntwo %>\nb", "@output_buffer.safe_append='a\n';\n\n@output_buffer.safe_append='b';"},
    {"<%= x -%>\ny", "@output_buffer.append=( x );\n@output_buffer.safe_append='y';"},
    {"<%% literal %>", "@output_buffer.safe_append='<% literal %>';"},
    {"", ""},
};

static void test_templates(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *r = erb(cases[i].tpl);
        if (strcmp(r, cases[i].ruby) != 0) {
            print_error("case %zu\n  got      %s\n  expected %s\n", i, r, cases[i].ruby);
            bad++;
        }
        /* the Ruby has the template's lines */
        if (count_nl(r) != count_nl(cases[i].tpl)) { print_error("case %zu: lines differ\n", i); bad++; }
        /* and it parses */
        qr_ruby_error err;
        qr_ruby_ast *ast = qr_ruby_parse(r, strlen(r), "t.html.erb", &err);
        if (!ast) { print_error("case %zu: %d:%d %s\n", i, err.line, err.col, err.message); bad++; }
        qr_ruby_ast_free(ast);
        free(r);
    }
    assert_int_equal(bad, 0);
}

/* The block form parses with the block attached to form_with, inside the append. */
static void test_block_form_tree(void **state)
{
    (void)state;
    char *r = erb("<%= form_with model: @a do |form| %>\n<%= form.label :title %>\n<% end %>\n");
    qr_ruby_ast *ast = qr_ruby_parse(r, strlen(r), "f.html.erb", NULL);
    assert_non_null(ast);
    char *d = qr_ruby_sexp(ast->root);
    assert_string_equal(d, "(seq (call append= [attrasgn] (ivar @output_buffer) (call form_with _ (hash (pair [label] (sym model) (ivar @a))) "
                           "(block (args (arg form)) (seq (call safe_append= [attrasgn] (ivar @output_buffer) (str \"\\n\")) "
                           "(call append= [attrasgn] (ivar @output_buffer) (call label (lvar form) (sym title))) "
                           "(call safe_append= [attrasgn] (ivar @output_buffer) (str \"\\n\")))))))");
    free(d);
    qr_ruby_ast_free(ast);
    free(r);
}

static void test_error_positions(void **state)
{
    (void)state;
    /* a syntax error inside a tag reports the template's line and column */
    const char *tpl = "<h1>Title</h1>\n<p>\n  <%= link_to \"x\", ) %>\n</p>\n";
    qr_ruby_erb *e;
    qr_ruby_error err;
    assert_int_equal(qr_ruby_erb_compile(tpl, strlen(tpl), "v.html.erb", &e, &err), 0);
    assert_null(qr_ruby_parse(e->ruby, e->len, "v.html.erb", &err));
    qr_ruby_erb_map(e, tpl, strlen(tpl), &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 20);
    assert_string_equal(err.message, "unexpected `)`; expected an expression");
    char *m = qr_ruby_error_format(&err, tpl, strlen(tpl));
    assert_string_equal(m, "v.html.erb:3:20: unexpected `)`; expected an expression\n"
                           "    <%= link_to \"x\", ) %>\n"
                           "                     ^\n"
                           "  check the brackets above: this one closes nothing\n");
    free(m);
    qr_ruby_erb_free(e);
    /* a missing <% end %> points at the end of the template */
    tpl = "<% if x %>\n<p>a</p>\n";
    assert_int_equal(qr_ruby_erb_compile(tpl, strlen(tpl), "w.html.erb", &e, &err), 0);
    assert_null(qr_ruby_parse(e->ruby, e->len, "w.html.erb", &err));
    qr_ruby_erb_map(e, tpl, strlen(tpl), &err);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "`end` (to close the `if` at line 1)"));
    qr_ruby_erb_free(e);
    /* an unterminated tag */
    tpl = "<p>\n  <%= x\n</p>\n";
    assert_int_equal(qr_ruby_erb_compile(tpl, strlen(tpl), "u.html.erb", &e, &err), -EINVAL);
    assert_null(e);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 3);
    assert_string_equal(err.path, "u.html.erb");
    assert_non_null(strstr(err.message, "unterminated ERB tag"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_templates),
        cmocka_unit_test(test_block_form_tree),
        cmocka_unit_test(test_error_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
