/* js_sqlite.c — the bun:sqlite Database class over SQLite (placeholder until the full binding
 * lands): runs in workers and scripts; calls QuickJS and SQLite. */
#include "common.h"
#include "js_priv.h"

static JSValue db_ctor(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    return JS_ThrowInternalError(ctx, "Database: not implemented yet");
}

int qr__js_sqlite_init(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue ctor = JS_NewCFunction2(ctx, db_ctor, "Database", 2, JS_CFUNC_constructor, 0);
    JS_SetPropertyStr(ctx, global, "Database", ctor);
    JS_FreeValue(ctx, global);
    return 0;
}

void qr__js_sqlite_close_all(void) {}

static int sqlite_module_init(JSContext *ctx, JSModuleDef *m)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue ctor = JS_GetPropertyStr(ctx, global, "Database");
    JS_FreeValue(ctx, global);
    JS_SetModuleExport(ctx, m, "Database", JS_DupValue(ctx, ctor));
    return JS_SetModuleExport(ctx, m, "default", ctor);
}

JSModuleDef *qr__js_sqlite_module(JSContext *ctx, const char *name)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, sqlite_module_init);
    if (m) {
        JS_AddModuleExport(ctx, m, "Database");
        JS_AddModuleExport(ctx, m, "default");
    }
    return m;
}
