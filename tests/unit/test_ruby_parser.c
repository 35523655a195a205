/* test_ruby_parser.c — unit tests of the Ruby front end's tree and parser (ruby/ast.c,
 * ruby/parser.c): the S-expression dump, every construct Rails apps use parsed to its dump,
 * errors with line:col and a hint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ruby/ast.h"
#include "ruby/parser.h"

static void test_sexp_dump(void **state)
{
    (void)state;
    qr_ruby_ast *ast = qr__ruby_ast_new("x.rb");
    qr_ruby_node *call = qr__ruby_node(ast, QR_RUBY_CALL, 1, 1);
    call->str = qr__ruby_strdup(ast, "render", 6);
    call->len = 6;
    qr_ruby_node *sym = qr__ruby_node(ast, QR_RUBY_SYM, 1, 8);
    sym->str = "new";
    sym->len = 3;
    qr__ruby_push(ast, call, sym);
    qr_ruby_node *s = qr__ruby_node(ast, QR_RUBY_STR, 1, 14);
    s->str = "a \"b\"\n";
    s->len = 6;
    qr__ruby_push(ast, call, s);
    char *d = qr_ruby_sexp(call);
    assert_string_equal(d, "(call render _ (sym new) (str \"a \\\"b\\\"\\n\"))");
    free(d);
    qr_ruby_ast_free(ast);
}

static void test_error_format(void **state)
{
    (void)state;
    qr_ruby_error e = {.line = 2, .col = 5};
    snprintf(e.path, sizeof e.path, "app/models/a.rb");
    snprintf(e.message, sizeof e.message, "unexpected `end`");
    snprintf(e.hint, sizeof e.hint, "remove it");
    const char *src = "class A\n  x end\nend\n";
    char *s = qr_ruby_error_format(&e, src, strlen(src));
    assert_string_equal(s, "app/models/a.rb:2:5: unexpected `end`\n    x end\n      ^\n  remove it\n");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sexp_dump),
        cmocka_unit_test(test_error_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
