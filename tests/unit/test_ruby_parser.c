/* test_ruby_parser.c — unit tests of the Ruby parser (ruby/parser.c, ruby/ast.c): every
 * construct Rails apps use, parsed to its S-expression (command calls with trailing hashes and
 * blocks, `do` binding to the outermost command, `{` block vs hash, heredocs, `/` regexp vs
 * division, `?`/`!`/`=` names, modifiers, ...), positions, errors with line:col and a hint,
 * depth limits, every Ruby file and Ruby-ERB template of the repo's fixtures and examples, and
 * a seeded mutation loop (20k mutants) that must never crash (run it under SAN=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "buf.h"
#include "ruby/ast.h"
#include "ruby/erb.h"
#include "ruby/parser.h"
#include "ruby_test.h"

static const struct { const char *src, *sexp; } cases[] = {
    {"render :new, status: :unprocessable_entity",
     "(seq (call render _ (sym new) (hash (pair [label] (sym status) (sym unprocessable_entity)))))"},
    {"redirect_to @article, notice: \"Created.\"",
     "(seq (call redirect_to _ (ivar @article) (hash (pair [label] (sym notice) (str \"Created.\")))))"},
    {"validates :body, presence: true, length: { minimum: 10 }",
     "(seq (call validates _ (sym body) (hash (pair [label] (sym presence) (true)) (pair [label] (sym length) (hash [braces] (pair [label] (sym minimum) (int 10)))))))"},
    {"foo bar do |x| x end",
     "(seq (call foo _ (call bar [vcall]) (block (args (arg x)) (seq (lvar x)))))"},
    {"foo bar { |x| x }",
     "(seq (call foo _ (call bar _ (block [brace] (args (arg x)) (seq (lvar x))))))"},
    {"foo a, b.map do |x| x end",
     "(seq (call foo _ (call a [vcall]) (call map (call b [vcall])) (block (args (arg x)) (seq (lvar x)))))"},
    {"x = { a: 1, \"b\" => 2, **h }",
     "(seq (lasgn x (hash [braces] (pair [label] (sym a) (int 1)) (pair (str \"b\") (int 2)) (dsplat (call h [vcall])))))"},
    {"foo({ a: 1 })",
     "(seq (call foo [parens] _ (hash [braces] (pair [label] (sym a) (int 1)))))"},
    {"render json: { a: 1 }",
     "(seq (call render _ (hash (pair [label] (sym json) (hash [braces] (pair [label] (sym a) (int 1)))))))"},
    {"f = ->(x) { x * 2 }",
     "(seq (lasgn f (lambda [brace] (args (arg x)) (seq (call * [op] (lvar x) (int 2))))))"},
    {"-> { 1 }",
     "(seq (lambda [brace] _ (seq (int 1))))"},
    {"items.map(&:name)",
     "(seq (call map [parens] (call items [vcall]) (block_pass (sym name))))"},
    {"def f(a, b = 1, *c, d:, e: 2, **f, &g)\nend",
     "(seq (def f _ (args (arg a) (optarg b (int 1)) (restarg c) (kwarg d) (kwoptarg e (int 2)) (kwrestarg f) (blockarg g)) (seq)))"},
    {"def valid? = true",
     "(seq (def valid? [endless] _ (args) (seq (true))))"},
    {"def title=(v)\n  @title = v\nend",
     "(seq (def title= _ (args (arg v)) (seq (iasgn @title (lvar v)))))"},
    {"def ==(o)\nend",
     "(seq (def == _ (args (arg o)) (seq)))"},
    {"a&.b&.c",
     "(seq (call c [safe] (call b [safe] (call a [vcall]))))"},
    {"x ||= 1",
     "(seq (op_asgn || (lvar x) (int 1)))"},
    {"@a ||= []",
     "(seq (op_asgn || (ivar @a) (array)))"},
    {"h[:x] ||= 0",
     "(seq (op_asgn || (call [] [op] (call h [vcall]) (sym x)) (int 0)))"},
    {"obj.count += 1",
     "(seq (op_asgn + (call count (call obj [vcall])) (int 1)))"},
    {"a, b = 1, 2",
     "(seq (masgn (array (int 1) (int 2)) (lasgn a) (lasgn b)))"},
    {"a, *b = list",
     "(seq (masgn (call list [vcall]) (lasgn a) (splat (lasgn b))))"},
    {"x = y if z",
     "(seq (if [modifier] (call z [vcall]) (seq (lasgn x (call y [vcall])))))"},
    {"x = y unless z",
     "(seq (if [modifier] (call z [vcall]) _ (seq (lasgn x (call y [vcall])))))"},
    {"i += 1 while i < 10",
     "(seq (while [modifier] (call < [op] (lvar i) (int 10)) (seq (op_asgn + (lvar i) (int 1)))))"},
    {"x rescue nil",
     "(seq (begin [modifier] (seq (call x [vcall])) (resbody _ (seq (nil)))))"},
    {"a = b rescue c",
     "(seq (lasgn a (begin [modifier] (seq (call b [vcall])) (resbody _ (seq (call c [vcall]))))))"},
    {"a ? b : c",
     "(seq (if [ternary] (call a [vcall]) (call b [vcall]) (call c [vcall])))"},
    {"a ? b ? 1 : 2 : 3",
     "(seq (if [ternary] (call a [vcall]) (if [ternary] (call b [vcall]) (int 1) (int 2)) (int 3)))"},
    {"x.nil? ? 1 : 2",
     "(seq (if [ternary] (call nil? (call x [vcall])) (int 1) (int 2)))"},
    {"?a",
     "(seq (str \"a\" [char]))"},
    {"x = y / 2",
     "(seq (lasgn x (call / [op] (call y [vcall]) (int 2))))"},
    {"r = /ab+c/i",
     "(seq (lasgn r (regex i (str \"ab+c\"))))"},
    {"r = %r{a/b}",
     "(seq (lasgn r (regex \"\" (str \"a/b\"))))"},
    {"foo /re/",
     "(seq (call foo _ (regex \"\" (str \"re\"))))"},
    {"foo -1",
     "(seq (call foo _ (int -1)))"},
    {"foo - 1",
     "(seq (call - [op] (call foo [vcall]) (int 1)))"},
    {"foo [1]",
     "(seq (call foo _ (array (int 1))))"},
    {"foo[1]",
     "(seq (call [] [op] (call foo [vcall]) (int 1)))"},
    {"foo *args",
     "(seq (call foo _ (splat (call args [vcall]))))"},
    {"foo(*args, **opts, &blk)",
     "(seq (call foo [parens] _ (splat (call args [vcall])) (hash (dsplat (call opts [vcall]))) (block_pass (call blk [vcall]))))"},
    {"a * b",
     "(seq (call * [op] (call a [vcall]) (call b [vcall])))"},
    {":\"a b\"",
     "(seq (sym \"a b\"))"},
    {":\"a#{b}\"",
     "(seq (dsym (str \"a\") (evstr (seq (call b [vcall])))))"},
    {"%w[a b c]",
     "(seq (array [words] (str \"a\") (str \"b\") (str \"c\")))"},
    {"%i[a b]",
     "(seq (array [words] (sym a) (sym b)))"},
    {"\"a #{b \"#{c}\"} d\"",
     "(seq (dstr (str \"a \") (evstr (seq (call b _ (dstr (evstr (seq (call c [vcall]))))))) (str \" d\")))"},
    {"'it''s'",
     "(seq (str \"its\"))"},
    {"'a\\'b'",
     "(seq (str \"a'b\"))"},
    {"\"\\t\\n\\u00e9\"",
     "(seq (str \"\\t\\né\"))"},
    {"1..10",
     "(seq (range (int 1) (int 10)))"},
    {"1...10",
     "(seq (range [excl] (int 1) (int 10)))"},
    {"(1..)",
     "(seq (range (int 1)))"},
    {"x = 1_000",
     "(seq (lasgn x (int 1000)))"},
    {"2.5e3",
     "(seq (float 2.5e3))"},
    {"0x1f",
     "(seq (int 0x1f))"},
    {"ActiveRecord::Migration[7.1]",
     "(seq (call [] [op] (const Migration (const ActiveRecord)) (float 7.1)))"},
    {"::Foo::Bar",
     "(seq (const Bar (const Foo [top])))"},
    {"Foo::bar",
     "(seq (call bar (const Foo)))"},
    {"Foo::Bar.new(1)",
     "(seq (call new [parens] (const Bar (const Foo)) (int 1)))"},
    {"if a then b elsif c then d else e end",
     "(seq (if (call a [vcall]) (seq (call b [vcall])) (if (call c [vcall]) (seq (call d [vcall])) (seq (call e [vcall])))))"},
    {"unless a\n  b\nelse\n  c\nend",
     "(seq (if (call a [vcall]) (seq (call c [vcall])) (seq (call b [vcall]))))"},
    {"case\nwhen a then 1\nend",
     "(seq (case _ (when (seq (int 1)) (call a [vcall]))))"},
    {"while a do b end",
     "(seq (while (call a [vcall]) (seq (call b [vcall]))))"},
    {"until a\n  b\nend",
     "(seq (until (call a [vcall]) (seq (call b [vcall]))))"},
    {"for x in list do puts x end",
     "(seq (for (lasgn x) (call list [vcall]) (seq (call puts _ (lvar x)))))"},
    {"begin\n  a\nrescue Foo, Bar => e\n  b\nrescue\n  c\nelse\n  d\nensure\n  e\nend",
     "(seq (begin [kwbegin] (seq (call a [vcall])) (resbody (lasgn e) (const Foo) (const Bar) (seq (call b [vcall]))) (resbody _ (seq (call c [vcall]))) (seq (call d [vcall])) (seq (lvar e))))"},
    {"begin\n  a\nend while b",
     "(seq (while [modifier,dowhile] (call b [vcall]) (seq (begin [kwbegin] (seq (call a [vcall]))))))"},
    {"def f\n  x\nrescue => e\n  y\nend",
     "(seq (def f _ (args) (begin (seq (call x [vcall])) (resbody (lasgn e) (seq (call y [vcall]))))))"},
    {"return 1, 2",
     "(seq (return (array (int 1) (int 2))))"},
    {"return",
     "(seq (return))"},
    {"next if x",
     "(seq (if [modifier] (call x [vcall]) (seq (next))))"},
    {"break x",
     "(seq (break (call x [vcall])))"},
    {"yield a, b",
     "(seq (yield (call a [vcall]) (call b [vcall])))"},
    {"super",
     "(seq (super [zsuper]))"},
    {"super()",
     "(seq (super [parens]))"},
    {"super(a) { }",
     "(seq (super [parens] (call a [vcall]) (block [brace] _ (seq))))"},
    {"defined?(@x)",
     "(seq (defined (ivar @x)))"},
    {"not a",
     "(seq (not (call a [vcall])))"},
    {"!a",
     "(seq (not (call a [vcall])))"},
    {"a and b or c",
     "(seq (or (and (call a [vcall]) (call b [vcall])) (call c [vcall])))"},
    {"a && b || c",
     "(seq (or (and (call a [vcall]) (call b [vcall])) (call c [vcall])))"},
    {"a == b && c != d",
     "(seq (and (call == [op] (call a [vcall]) (call b [vcall])) (call != [op] (call c [vcall]) (call d [vcall]))))"},
    {"a <=> b",
     "(seq (call <=> [op] (call a [vcall]) (call b [vcall])))"},
    {"a =~ /x/",
     "(seq (call =~ [op] (call a [vcall]) (regex \"\" (str \"x\"))))"},
    {"x = <<~EOS\n  a\n    b\nEOS",
     "(seq (lasgn x (str \"a\\n  b\\n\" [heredoc])))"},
    {"foo(<<~A, <<~B)\n  one\nA\n  two\nB",
     "(seq (call foo [parens] _ (str \"one\\n\" [heredoc]) (str \"two\\n\" [heredoc])))"},
    {"x = <<-EOS\n  keep\n  EOS",
     "(seq (lasgn x (str \"  keep\\n\" [heredoc])))"},
    {"class Foo < Bar\n  attr_accessor :a\n  private\n  def x; end\nend",
     "(seq (class (const Foo) (const Bar) (seq (call attr_accessor _ (sym a)) (call private [vcall]) (def x _ (args) (seq)))))"},
    {"class << self\n  def y; end\nend",
     "(seq (sclass (self) _ (seq (def y _ (args) (seq)))))"},
    {"module A::B\nend",
     "(seq (module (const B (const A)) _ (seq)))"},
    {"private def foo\nend",
     "(seq (call private _ (def foo _ (args) (seq))))"},
    {"alias new_name old_name",
     "(seq (alias (sym new_name) (sym old_name)))"},
    {"a.b = c",
     "(seq (call b= [attrasgn] (call a [vcall]) (call c [vcall])))"},
    {"a[1, 2] = 3",
     "(seq (call []= [attrasgn] (call a [vcall]) (int 1) (int 2) (int 3)))"},
    {"a.b\n .c\n .d",
     "(seq (call d (call c (call b (call a [vcall])))))"},
    {"foo.bar baz, qux: 1 do |x|\nend",
     "(seq (call bar (call foo [vcall]) (call baz [vcall]) (hash (pair [label] (sym qux) (int 1))) (block (args (arg x)) (seq))))"},
    {"Rails.application.routes.draw do\n  resources :articles do\n    resources :comments\n  end\n  root \"articles#index\"\nend",
     "(seq (call draw (call routes (call application (const Rails))) (block _ (seq (call resources _ (sym articles) (block _ (seq (call resources _ (sym comments))))) (call root _ (str \"articles#index\"))))))"},
    {"create_table :articles do |t|\n  t.string :title\n  t.timestamps\nend",
     "(seq (call create_table _ (sym articles) (block (args (arg t)) (seq (call string (lvar t) (sym title)) (call timestamps (lvar t))))))"},
    {"params.require(:article).permit(:title, :body)",
     "(seq (call permit [parens] (call require [parens] (call params [vcall]) (sym article)) (sym title) (sym body)))"},
    {"params.expect(comment: [:commenter, :body])",
     "(seq (call expect [parens] (call params [vcall]) (hash (pair [label] (sym comment) (array (sym commenter) (sym body))))))"},
    {"puts \"x\" if a.present?",
     "(seq (if [modifier] (call present? (call a [vcall])) (seq (call puts _ (str \"x\")))))"},
    {"lambda { |x| x }",
     "(seq (call lambda _ (block [brace] (args (arg x)) (seq (lvar x)))))"},
    {"[1, *rest, 3]",
     "(seq (array (int 1) (splat (call rest [vcall])) (int 3)))"},
    {"[a: 1]",
     "(seq (array (hash (pair [label] (sym a) (int 1)))))"},
    {"foo a: 1, b:",
     "(seq (call foo _ (hash (pair [label] (sym a) (int 1)) (pair [label] (sym b) (call b [vcall])))))"},
    {"foo(x:)",
     "(seq (call foo [parens] _ (hash (pair [label] (sym x) (call x [vcall])))))"},
    {"t.references :article, null: false, foreign_key: true",
     "(seq (call references (call t [vcall]) (sym article) (hash (pair [label] (sym null) (false)) (pair [label] (sym foreign_key) (true)))))"},
    {"json.array! @articles, partial: \"articles/article\", as: :article",
     "(seq (call array! (call json [vcall]) (ivar @articles) (hash (pair [label] (sym partial) (str \"articles/article\")) (pair [label] (sym as) (sym article)))))"},
    {"json.extract! article, :id, :title",
     "(seq (call extract! (call json [vcall]) (call article [vcall]) (sym id) (sym title)))"},
    {"{ \"a\": 1 }",
     "(seq (hash [braces] (pair [label] (sym a) (int 1))))"},
    {"foo.()",
     "(seq (call call [parens] (call foo [vcall])))"},
    {"a.each_with_index do |(k, v), i|\nend",
     "(seq (call each_with_index (call a [vcall]) (block (args (arg (arg k) (arg v)) (arg i)) (seq))))"},
    {"x = if a then 1 else 2 end",
     "(seq (lasgn x (if (call a [vcall]) (seq (int 1)) (seq (int 2)))))"},
    {"$stdout.puts x",
     "(seq (call puts (gvar $stdout) (call x [vcall])))"},
    {"@@count",
     "(seq (cvar @@count))"},
    {"x = nil.to_s",
     "(seq (lasgn x (call to_s (nil))))"},
    {"\"a\" \"b\"",
     "(seq (str \"ab\"))"},
    {"a = *b",
     "(seq (lasgn a (splat (call b [vcall]))))"},
    {"p(-2 ** 2)",
     "(seq (call p [parens] _ (call -@ [op] (call ** [op] (int 2) (int 2)))))"},
    {"!foo.bar?",
     "(seq (not (call bar? (call foo [vcall]))))"},
    {"a.b!",
     "(seq (call b! (call a [vcall])))"},
    {"x = !y",
     "(seq (lasgn x (not (call y [vcall]))))"},
    {"f(\n  a: 1,\n  b: 2\n)\ng(\n  1\n)",
     "(seq (call f [parens] _ (hash (pair [label] (sym a) (int 1)) (pair [label] (sym b) (int 2)))) (call g [parens] _ (int 1)))"},
    {"\"#@a-#@@b-#$1-#{c} #x\"",
     "(seq (dstr (evstr (seq (ivar @a))) (str \"-\") (evstr (seq (cvar @@b))) (str \"-\") (evstr (seq (gvar $1))) (str \"-\") (evstr (seq (call c [vcall]))) (str \" #x\")))"},
    {"\xEF\xBB\xBFputs 1", "(seq (call puts _ (int 1)))"},
    {"x = a ? b: c", "(seq (lasgn x (if [ternary] (call a [vcall]) (call b [vcall]) (call c [vcall]))))"},
    {"f(a ? 1: 2, k: 3)", "(seq (call f [parens] _ (if [ternary] (call a [vcall]) (int 1) (int 2)) (hash (pair [label] (sym k) (int 3)))))"},
    {"%W[a b]", "(seq (array [words] (str \"a\") (str \"b\")))"},
    {"foo.map { |x| x }.select { |y| y }",
     "(seq (call select (call map (call foo [vcall]) (block [brace] (args (arg x)) (seq (lvar x)))) (block [brace] (args (arg y)) (seq (lvar y)))))"},
};

static char *parse_dump(const char *src, qr_ruby_error *err)
{
    qr_ruby_ast *ast = qr_ruby_parse(src, strlen(src), "t.rb", err);
    if (!ast) return NULL;
    char *d = qr_ruby_sexp(ast->root);
    qr_ruby_ast_free(ast);
    return d;
}

static void test_constructs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        qr_ruby_error err;
        char *d = parse_dump(cases[i].src, &err);
        if (!d) fail_msg("case %zu `%s`: %s:%d:%d: %s", i, cases[i].src, err.path, err.line, err.col, err.message);
        if (strcmp(d, cases[i].sexp) != 0)
            fail_msg("case %zu `%s`\n  got      %s\n  expected %s", i, cases[i].src, d, cases[i].sexp);
        free(d);
    }
}

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

/* Locals decide between a variable and a method call: `x -1` / `x [1]` after x = ... */
static void test_locals(void **state)
{
    (void)state;
    char *d = parse_dump("x = 1\nx -1\nx [1]\ny -1\n", NULL);
    assert_non_null(d);
    assert_string_equal(d, "(seq (lasgn x (int 1)) (call - [op] (lvar x) (int 1)) (call [] [op] (lvar x) (int 1)) (call y _ (int -1)))");
    free(d);
    /* block parameters are locals inside the block only; def starts a fresh scope */
    d = parse_dump("a.each { |v| v }\nv\ndef m(q)\n  q\nend\nq\n", NULL);
    assert_string_equal(d, "(seq (call each (call a [vcall]) (block [brace] (args (arg v)) (seq (lvar v)))) (call v [vcall]) (def m _ (args (arg q)) (seq (lvar q))) (call q [vcall]))");
    free(d);
    /* a local followed directly by ( is a method call */
    d = parse_dump("p = 1\np(2)\n", NULL);
    assert_string_equal(d, "(seq (lasgn p (int 1)) (call p [parens] _ (int 2)))");
    free(d);
}

static void test_positions(void **state)
{
    (void)state;
    const char *src = "class A\n  def show\n    @a = A.find(\n      params[:id])\n  end\nend\n";
    qr_ruby_ast *ast = qr_ruby_parse(src, strlen(src), "a.rb", NULL);
    assert_non_null(ast);
    qr_ruby_node *k = ast->root->kids[0];
    assert_int_equal(k->kind, QR_RUBY_CLASS);
    assert_int_equal(k->line, 1);
    assert_int_equal(k->end_line, 6);
    qr_ruby_node *d = k->c->kids[0];
    assert_int_equal(d->kind, QR_RUBY_DEF);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->col, 3);
    assert_int_equal(d->end_line, 5);
    qr_ruby_node *as = d->c->kids[0];
    assert_int_equal(as->kind, QR_RUBY_IASGN);
    assert_int_equal(as->line, 3);
    assert_int_equal(as->col, 5);
    assert_int_equal(as->end_line, 4);
    assert_string_equal(ast->path, "a.rb");
    qr_ruby_ast_free(ast);
    /* heredoc: the statement after it is on the line after the terminator */
    src = "x = <<~EOS\n  a\nEOS\ny = 1\n";
    ast = qr_ruby_parse(src, strlen(src), "h.rb", NULL);
    assert_non_null(ast);
    assert_int_equal(ast->root->nkids, 2);
    assert_int_equal(ast->root->kids[1]->line, 4);
    qr_ruby_ast_free(ast);
}

static const struct { const char *src; int line, col; const char *msg, *hint; } errors[] = {
    {"class Foo\n  def bar\n  end\n", 4, 1, "unexpected end of file; expected `end` (to close the `class` at line 1)", "every `class` needs a matching `end`"},
    {"class A\n  def show\n    if x\n      y\n  end\nend\n", 7, 1, "unexpected end of file; expected `end` (to close the `class` at line 1)",
     "the `end` at line 5 closes the `if` at line 3 but is not indented like it: is that `if`'s own `end` missing?"},
    {"def x\n  foo(1, 2\nend\n", 3, 1, "unexpected `end`; expected `)` or `,`", ""},
    {"end\n", 1, 1, "unexpected `end`; expected end of file", "this `end` has nothing to close"},
    {"def a\n  f 1,\nend\n", 3, 1, "unexpected `end`; expected an expression", "the line before ends with `,`"},
    {"def a\n  x = 1 +\nend\n", 3, 1, "unexpected `end`; expected an expression", "not finished"},
    {"x = \"abc\n", 1, 5, "unterminated string", "close it"},
    {"if x\n  y\nelse\n  z\nend\nend\n", 6, 1, "unexpected `end`; expected end of file", "nothing to close"},
    {"x = <<~EOS\n  body\n", 1, 5, "unterminated heredoc: its closing identifier line is missing", "identifier alone on a line"},
    {"a ? b\n", 2, 1, "unexpected end of file; expected `:` (the ternary `a ? b : c`)", "spaces"},
    {"`ls`\n", 1, 1, "shell commands (backticks, %x) are not supported", "remove the backticks"},
    {"case x\nin Integer then 1\nend\n", 2, 1, "pattern matching (`case ... in`) is not supported", "case x when"},
    {"undef foo\n", 1, 1, "`undef` is not supported", "remove the method"},
    {"x = [1, 2\n", 2, 1, "unexpected end of file; expected `]` or `,`", ""},
    {"{ a 1 }\n", 1, 5, "unexpected integer `1`; expected `=>` or `key:` in the hash", "{ key: value }"},
    {"def f(...)\nend\n", 1, 7, "argument forwarding `...` is not supported", "*args"},
    {"1 +\n", 2, 1, "unexpected end of file; expected an expression", ""},
    {"foo }\n", 1, 5, "unexpected `}`; expected end of file", "brackets"},
    {"@\n", 1, 1, "`@` must be followed by a name", ""},
    {"__FILE__\n", 1, 1, "`__FILE__` is not supported", "Rails.root"},
    {"%w[a b\n", 1, 1, "unterminated word list", "close the list"},
    {"x = %W[a #{b}]\n", 1, 10, "interpolation in %W[] / %I[] is not supported", "write an array"},
    {"x = 1 2\n", 1, 7, "unexpected integer `2`; expected end of line", "one statement per line"},
    {"foo(1))\n", 1, 7, "unexpected `)`; expected end of file", "brackets"},
    {"validates :a, presence: true,\n", 2, 1, "unexpected end of file; expected an expression", ""},
    {"x = 1 + )", 1, 9, "unexpected `)`; expected an expression", "closes nothing"},
    {"foo(a b: 1", 1, 11, "unexpected end of file; expected `)` or `,`", ""},
    {"\"#{a\"", 1, 5, "unexpected string; expected `}` closing the `#{` interpolation", ""},
    {"1.5.5.x", 1, 4, "a float needs a digit before the point: write 0.5, not .5", ""},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
        qr_ruby_error err;
        qr_ruby_ast *ast = qr_ruby_parse(errors[i].src, strlen(errors[i].src), "app/x.rb", &err);
        if (ast) fail_msg("error case %zu `%s` parsed", i, errors[i].src);
        if (err.line != errors[i].line || err.col != errors[i].col || strcmp(err.message, errors[i].msg) != 0 ||
            !strstr(err.hint, errors[i].hint))
            fail_msg("error case %zu `%s`: got %d:%d %s (hint %s)", i, errors[i].src, err.line, err.col,
                     err.message, err.hint);
        assert_string_equal(err.path, "app/x.rb");
    }
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

static void test_depth_limits(void **state)
{
    (void)state;
    const char *units[] = {"(", "[", "{a: ", "-", "!", "not ", "\"#{", "foo(", "x.y { ", "a = ", "if a\n", "->{ ", "[*"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        qr_buf_t b = QR_BUF_INIT;
        for (int i = 0; i < 20000; i++) qr_buf_append_str(&b, units[u]);
        qr_ruby_error err;
        qr_ruby_ast *ast = qr_ruby_parse(b.data, b.len, "deep.rb", &err);
        assert_null(ast);
        assert_true(err.line >= 1 && err.col >= 1 && err.message[0]);
        qr_buf_free(&b);
    }
    /* long flat chains are bounded too (the tree would be as deep as the chain) */
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "a");
    for (int i = 0; i < 50000; i++) qr_buf_append_str(&b, ".b");
    qr_ruby_error err;
    assert_null(qr_ruby_parse(b.data, b.len, "chain.rb", &err));
    assert_non_null(strstr(err.message, "nesting too deep"));
    qr_buf_free(&b);
    /* but realistic depth is fine */
    qr_buf_t ok = QR_BUF_INIT;
    for (int i = 0; i < 60; i++) qr_buf_append_str(&ok, "if a\n");
    qr_buf_append_str(&ok, "x\n");
    for (int i = 0; i < 60; i++) qr_buf_append_str(&ok, "end\n");
    qr_ruby_ast *ast = qr_ruby_parse(ok.data, ok.len, "ok.rb", &err);
    assert_non_null(ast);
    qr_ruby_ast_free(ast);
    qr_buf_free(&ok);
}

/* ---- every Ruby file of the repo ---- */

typedef struct {
    char **paths;
    size_t n, cap;
} files_t;

/* A template is Ruby ERB when its app folder is a Ruby app (has config/routes.rb). */
static int ruby_app_file(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) return 0;
        *slash = 0;
        char probe[1100];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/config/routes.rb", dir);
        if (stat(probe, &st) == 0) return 1;
        snprintf(probe, sizeof probe, "%s/app", dir);
        if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    }
}

static void walk(const char *dir, files_t *f)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) { walk(path, f); continue; }
        if (!ends_with(path, ".rb") && !ends_with(path, ".jbuilder") &&
            !(ends_with(path, ".erb") && ruby_app_file(path)))
            continue;
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 64;
            f->paths = realloc(f->paths, f->cap * sizeof *f->paths);
        }
        f->paths[f->n++] = strdup(path);
    }
    closedir(d);
}

/* Parses a .rb / .jbuilder file, or an .erb template through erb.c. Returns 0 or -1 (err set). */
static int parse_file_src(const char *path, const char *src, size_t len, qr_ruby_error *err)
{
    if (ends_with(path, ".erb")) {
        qr_ruby_erb *e;
        if (qr_ruby_erb_compile(src, len, path, &e, err) < 0) return -1;
        qr_ruby_ast *ast = qr_ruby_parse(e->ruby, e->len, path, err);
        if (!ast) qr_ruby_erb_map(e, src, len, err);
        qr_ruby_erb_free(e);
        if (!ast) return -1;
        qr_ruby_ast_free(ast);
        return 0;
    }
    qr_ruby_ast *ast = qr_ruby_parse(src, len, path, err);
    if (!ast) return -1;
    qr_ruby_ast_free(ast);
    return 0;
}

static files_t corpus;

static const char *root_dir(void)
{
    const char *r = getenv("QUICKRAIL_ROOT");
    return r && *r ? r : ".";
}

static void load_corpus(void)
{
    if (corpus.n) return;
    const char *dirs[] = {"tests/fixtures", "examples", "tests/ruby"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char d[1024];
        snprintf(d, sizeof d, "%s/%s", root_dir(), dirs[i]);
        walk(d, &corpus);
    }
}

static void test_repo_files_parse(void **state)
{
    (void)state;
    load_corpus();
    /* the Rails scaffold fixture is there: at least its controllers, models, migrations, views */
    assert_true(corpus.n >= 20);
    int failed = 0;
    for (size_t i = 0; i < corpus.n; i++) {
        size_t len;
        char *src = read_all(corpus.paths[i], &len);
        assert_non_null(src);
        qr_ruby_error err;
        if (parse_file_src(corpus.paths[i], src, len, &err) < 0) {
            char *m = qr_ruby_error_format(&err, NULL, 0);
            fprintf(stderr, "%s", m);
            free(m);
            failed++;
        }
        free(src);
    }
    assert_int_equal(failed, 0);
}

/* ---- seeded mutation loop ---- */

static void test_mutations_never_crash(void **state)
{
    (void)state;
    load_corpus();
    static const char *const pieces[] = {"{", "}", "(", ")", "[", "]", "|", "\"", "'", "#{", "/", "%w[", "<<~E",
                                         "\nE\n", "do", "end", "?", ":", "::", "&.", "->", "*", "**", "&", "\n",
                                         " ", "if ", "rescue", "=", "||=", "`", "\\", "<%", "%>", "", "\xff", ".."};
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    int parsed = 0, rejected = 0;
    const int N = 20000;
    for (int iter = 0; iter < N; iter++) {
        const char *path;
        char *src;
        size_t len;
        if (corpus.n && rnd(&rng, 4) != 0) {
            path = corpus.paths[rnd(&rng, (uint32_t)corpus.n)];
            src = read_all(path, &len);
        } else {
            size_t c = rnd(&rng, sizeof cases / sizeof *cases);
            path = "case.rb";
            src = strdup(cases[c].src);
            len = strlen(src);
        }
        qr_buf_t b = QR_BUF_INIT;
        qr_buf_append(&b, src, len);
        int nmut = 1 + (int)rnd(&rng, 4);
        for (int m = 0; m < nmut; m++) mutate(&b, &rng, pieces, sizeof pieces / sizeof *pieces);
        /* parse as Ruby, and as an ERB template */
        qr_ruby_error err;
        qr_ruby_ast *ast = qr_ruby_parse(b.data ? b.data : "", b.len, path, &err);
        if (ast) {
            parsed++;
            char *d = qr_ruby_sexp(ast->root);
            free(d);
            qr_ruby_ast_free(ast);
        } else {
            rejected++;
            if (err.line < 1 || err.col < 1 || !err.message[0]) fail_msg("mutant %d: error without position/message", iter);
            char *m = qr_ruby_error_format(&err, b.data, b.len);
            free(m);
        }
        if (parse_file_src("t.html.erb", b.data ? b.data : "", b.len, &err) < 0 &&
            (err.line < 1 || err.col < 1))
            fail_msg("mutant %d: ERB error without position", iter);
        qr_buf_free(&b);
        free(src);
    }
    /* both outcomes happen: the mutants are neither all broken nor all valid */
    assert_true(parsed > N / 50);
    assert_true(rejected > N / 50);
}

static void free_corpus(void)
{
    for (size_t i = 0; i < corpus.n; i++) free(corpus.paths[i]);
    free(corpus.paths);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sexp_dump),
        cmocka_unit_test(test_constructs),
        cmocka_unit_test(test_locals),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_repo_files_parse),
        cmocka_unit_test(test_mutations_never_crash),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free_corpus();
    return rc;
}
