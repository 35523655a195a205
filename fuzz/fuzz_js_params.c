/* fuzz_js_params.c — the framework's params decoding on outside bytes, inside the real QuickJS
 * runtime: see js_target.h for the harness and fuzz/js-app/app.js for what the route runs. */
#define FUZZ_JS_ROUTE "/params"
#include "js_target.h"
