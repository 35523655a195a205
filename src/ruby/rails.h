/* ruby/rails.h — Rails conventions for the Ruby compiler: which kind of file a path is, where
 * the app's root is, and which app file defines a constant (autoloading by naming). Reads only
 * file metadata (stat) and the embedded file table. */
#ifndef QR_RUBY_RAILS_H
#define QR_RUBY_RAILS_H

#include "ruby/codegen.h"

/* The Rails kind of the file at path (by its folder and name). */
qr_ruby_file_kind qr_ruby_rails_kind(const char *path);

/* Resolver for qr_ruby_gen_opts.resolve_const: ud is the path of the file being compiled (const
 * char *). Returns a malloc'ed import specifier relative to that file ("../models/article.rb",
 * or ".js" when the app has the JS file), or NULL. */
char *qr_ruby_rails_resolve(void *ud, const char *name);

#endif
