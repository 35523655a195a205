/* fuzz_js_session.c — the framework's session decoding on outside bytes, inside the real QuickJS
 * runtime: see js_target.h for the harness and fuzz/js-app/app.js for what the route runs. */
#define FUZZ_JS_ROUTE "/session"
#include "js_target.h"
