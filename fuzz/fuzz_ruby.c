/* fuzz_ruby.c — the Ruby front end (src/ruby/: lexer, parser, ERB -> Ruby, code generator) on
 * arbitrary source: the first byte picks the Rails file kind (model, controller, routes,
 * migration, seeds, helper, channel, ERB view, jbuilder), the rest is the file. Every input must
 * either compile to JavaScript or be refused with an error that names the file and a line:col
 * inside it; never crash, never both or neither. The parser's own error (qr_ruby_parse) must
 * point inside the source too. */
#include <string.h>
#include "fuzz.h"
#include "ruby/parser.h"
#include "ruby/ruby.h"

static const char *const paths[] = {
    "app/models/article.rb",           "app/controllers/articles_controller.rb",
    "config/routes.rb",                "db/migrate/20250101000001_create_articles.rb",
    "db/seeds.rb",                     "app/helpers/application_helper.rb",
    "app/channels/chat_channel.rb",    "app/views/articles/index.html.erb",
    "app/views/articles/_article.json.jbuilder",
};
#define NPATHS (sizeof paths / sizeof paths[0])

static int lines_in(const char *s, size_t n)
{
    int lines = 1;
    for (size_t i = 0; i < n; i++) lines += s[i] == '\n';
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *path = paths[data[0] % NPATHS];
    const char *src = (const char *)data + 1;
    size_t len = size - 1;

    size_t js_len = 0;
    char *err = NULL;
    char *js = qr_ruby_compile(path, src, len, &js_len, &err);
    FUZZ_CHECK((js == NULL) != (err == NULL));
    if (js) FUZZ_CHECK(strlen(js) == js_len);
    if (err) FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0);
    free(js);
    free(err);

    if (data[0] % NPATHS < 7) { /* plain Ruby: the parser's own error position */
        qr_ruby_error e;
        memset(&e, 0, sizeof e);
        qr_ruby_ast *ast = qr_ruby_parse(src, len, path, &e);
        if (ast) {
            qr_ruby_ast_free(ast);
        } else {
            FUZZ_CHECK(e.line >= 1 && e.line <= lines_in(src, len) && e.col >= 1);
            char *msg = qr_ruby_error_format(&e, src, len);
            FUZZ_CHECK(msg != NULL);
            free(msg);
        }
    }
    return 0;
}
