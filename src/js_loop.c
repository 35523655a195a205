/* js_loop.c — the event loop of one call in a quickrail runtime (js_priv.h): jobs, timers and
 * microtasks run until the awaited promise settles, and the supervision of that call — the
 * deadline (interrupt handler, plus a backstop in the runtime's allocator), Quickrail.exit(),
 * unhandled rejections, and the draining of an aborted call so nothing of it leaks into the next.
 * Runs in the zygote, workers and script processes, on the runtime's one thread; sleeps only
 * for a JS timer, never past the call's deadline. Calls QuickJS, log.c and js_host.c's
 * exception helpers. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "js_priv.h"
#include "log.h"

/* Settlement of the promise a call is waiting for. */
static uint32_t g_gen;
static int g_settled; /* 0 pending, 1 fulfilled, 2 rejected */
static JSValue g_settled_value;

/* ---- timers ---- */
typedef struct {
    int64_t id;
    uint64_t when;
    uint32_t interval;
    int repeat;
    JSValue fn;
} qr_timer_t;
static qr_timer_t *g_timers;
static size_t g_ntimers, g_timers_cap;
static int64_t g_next_timer_id = 1;

/* ---- unhandled rejections seen while draining jobs ---- */
#define MAX_REJECTIONS 32
static struct {
    JSValue promise, reason;
} g_rejections[MAX_REJECTIONS];
static int g_nrejections;

/* ======================================================================================== */
/* supervision: deadline, allocator, interrupt handler, rejection tracker                   */

int qr__js_deadline_passed(void)
{
    if (qr__js.abort) return 1;
    if (qr__js.deadline_ms && qr_now_ms() >= qr__js.deadline_ms) {
        qr__js.abort = QR__JS_ABORT_DEADLINE;
        return 1;
    }
    return 0;
}

/* The runtime's allocator: QuickJS's default accounting (so JS_SetMemoryLimit and
 * JS_ComputeMemoryUsage work as usual) plus a deadline backstop. The interrupt handler only runs
 * between bytecodes, so a loop whose time goes into native code (big allocations, fills, sorts)
 * may not see it for seconds; once the deadline is 100 ms gone, allocations that grow the heap
 * fail instead, which unwinds such a loop as an out-of-memory error within one iteration. */
#define QR_MALLOC_OVERHEAD 8
static unsigned g_alloc_tick;

static int alloc_past_deadline(void)
{
    if (!qr__js.deadline_ms || (++g_alloc_tick & 63) != 0) return 0;
    if (qr_now_ms() < qr__js.deadline_ms + 100) return 0;
    if (!qr__js.abort) qr__js.abort = QR__JS_ABORT_DEADLINE;
    return 1;
}

static void *rt_malloc(JSMallocState *s, size_t size)
{
    if (s->malloc_size + size > s->malloc_limit || alloc_past_deadline()) return NULL;
    void *p = malloc(size);
    if (!p) return NULL;
    s->malloc_count++;
    s->malloc_size += malloc_usable_size(p) + QR_MALLOC_OVERHEAD;
    return p;
}

static void rt_free(JSMallocState *s, void *p)
{
    if (!p) return;
    s->malloc_count--;
    s->malloc_size -= malloc_usable_size(p) + QR_MALLOC_OVERHEAD;
    free(p);
}

static void *rt_realloc(JSMallocState *s, void *p, size_t size)
{
    if (!p) return size ? rt_malloc(s, size) : NULL;
    size_t old = malloc_usable_size(p);
    if (size == 0) {
        s->malloc_count--;
        s->malloc_size -= old + QR_MALLOC_OVERHEAD;
        free(p);
        return NULL;
    }
    if (s->malloc_size + size - old > s->malloc_limit) return NULL;
    if (size > old && alloc_past_deadline()) return NULL;
    void *q = realloc(p, size);
    if (!q) return NULL;
    s->malloc_size += malloc_usable_size(q) - old;
    return q;
}

static size_t rt_usable_size(const void *p) { return malloc_usable_size((void *)p); }

const JSMallocFunctions qr__js_malloc_funcs = {rt_malloc, rt_free, rt_realloc, rt_usable_size};

static int interrupt_handler(JSRuntime *rt, void *opaque)
{
    if (qr__js.abort) return 1;
    if (qr__js.deadline_ms && qr_now_ms() >= qr__js.deadline_ms) {
        qr__js.abort = QR__JS_ABORT_DEADLINE;
        return 1;
    }
    return 0;
}

static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    if (is_handled) {
        for (int i = 0; i < g_nrejections; i++) {
            if (JS_VALUE_GET_PTR(g_rejections[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, g_rejections[i].promise);
                JS_FreeValue(ctx, g_rejections[i].reason);
                g_rejections[i] = g_rejections[--g_nrejections];
                return;
            }
        }
        return;
    }
    if (g_nrejections == MAX_REJECTIONS) return;
    g_rejections[g_nrejections].promise = JS_DupValue(ctx, promise);
    g_rejections[g_nrejections].reason = JS_DupValue(ctx, reason);
    g_nrejections++;
}

/* The profiler's variant (qr__js_loop_sample_with): the sampler first, then the deadline. */
static void (*g_sampler)(void);

static int interrupt_handler_sampling(JSRuntime *rt, void *opaque)
{
    g_sampler();
    return interrupt_handler(rt, opaque);
}

void qr__js_loop_sample_with(void (*sampler)(void))
{
    g_sampler = sampler;
    JS_SetInterruptHandler(qr__js.rt, sampler ? interrupt_handler_sampling : interrupt_handler, NULL);
}

void qr__js_loop_install(JSRuntime *rt)
{
    JS_SetInterruptHandler(rt, interrupt_handler, NULL);
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
}

/* Drops the pending rejections; logs them first when report is set. */
static void flush_rejections(int report)
{
    while (g_nrejections > 0) {
        g_nrejections--;
        if (report) {
            char *msg, *stack;
            qr__js_exception_text(g_rejections[g_nrejections].reason, &msg, &stack);
            qr_error("unhandled promise rejection: %s%s%s", msg, stack ? "\n" : "", stack ? stack : "");
            free(msg);
            free(stack);
            if (qr__js_script_mode) qr__js.script_failed = 1;
        }
        JS_FreeValue(qr__js.ctx, g_rejections[g_nrejections].promise);
        JS_FreeValue(qr__js.ctx, g_rejections[g_nrejections].reason);
    }
}

/* ======================================================================================== */
/* timers and the loop                                                                      */

static void timer_remove_at(size_t i)
{
    JS_FreeValue(qr__js.ctx, g_timers[i].fn);
    g_timers[i] = g_timers[--g_ntimers];
}

size_t qr__js_timers_clear(void)
{
    size_t n = g_ntimers;
    while (g_ntimers) timer_remove_at(g_ntimers - 1);
    return n;
}

int64_t qr__js_timer_add(JSContext *ctx, JSValueConst fn, uint32_t ms, int repeat)
{
    if (g_ntimers == g_timers_cap) {
        g_timers_cap = g_timers_cap ? g_timers_cap * 2 : 16;
        g_timers = qr_xrealloc(g_timers, g_timers_cap * sizeof *g_timers);
    }
    qr_timer_t *t = &g_timers[g_ntimers++];
    t->id = g_next_timer_id++;
    t->interval = ms;
    t->when = qr_now_ms() + t->interval;
    t->repeat = repeat;
    if (t->repeat && t->interval == 0) t->interval = 1;
    t->fn = JS_DupValue(ctx, fn);
    return t->id;
}

void qr__js_timer_clear(int64_t id)
{
    for (size_t i = 0; i < g_ntimers; i++)
        if (g_timers[i].id == id) { timer_remove_at(i); break; }
}

static JSValue microtask_job(JSContext *ctx, int argc, JSValueConst *argv)
{
    JSValue r = JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
    if (JS_IsException(r)) {
        if (qr__js.abort) return r;
        qr__js_report_exception("uncaught exception in a microtask");
        if (qr__js_script_mode) qr__js.script_failed = 1;
        return JS_UNDEFINED;
    }
    JS_FreeValue(ctx, r);
    return JS_UNDEFINED;
}

int qr__js_queue_microtask(JSContext *ctx, JSValueConst fn)
{
    return JS_EnqueueJob(ctx, microtask_job, 1, &fn) < 0 ? -1 : 0;
}

void qr__js_loop_free(void)
{
    qr__js_timers_clear();
    free(g_timers);
    g_timers = NULL;
    g_timers_cap = 0;
    JS_FreeValue(qr__js.ctx, g_settled_value);
    g_settled_value = JS_UNDEFINED;
    flush_rejections(0);
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

enum { LOOP_SETTLED = -1 };

/* Runs jobs and timers. Stops when the awaited promise settled (wait_settle: LOOP_SETTLED),
 * when nothing is left to do (QR__JS_IDLE), or when the deadline / exit aborted the call
 * (QR__JS_ABORTED). only_due: stop instead of sleeping for a future timer (boot). */
static int run_loop(int wait_settle, int only_due)
{
    JSRuntime *rt = qr__js.rt;
    JSContext *ctx = qr__js.ctx;
    for (;;) {
        JSContext *c;
        int r;
        while ((r = JS_ExecutePendingJob(rt, &c)) != 0) {
            if (r < 0) {
                if (qr__js.abort) return QR__JS_ABORTED;
                qr__js_report_exception("uncaught exception in a job");
                if (qr__js_script_mode) qr__js.script_failed = 1;
            }
        }
        flush_rejections(1);
        if (qr__js.abort) return QR__JS_ABORTED;
        if (wait_settle && g_settled) return LOOP_SETTLED;
        if (g_ntimers == 0) return QR__JS_IDLE;
        size_t best = 0;
        for (size_t i = 1; i < g_ntimers; i++)
            if (g_timers[i].when < g_timers[best].when) best = i;
        uint64_t now = qr_now_ms();
        if (g_timers[best].when > now) {
            if (only_due) return QR__JS_IDLE;
            if (qr__js.deadline_ms && g_timers[best].when >= qr__js.deadline_ms) {
                if (qr__js.deadline_ms > now) sleep_ms(qr__js.deadline_ms - now);
                qr__js.abort = QR__JS_ABORT_DEADLINE;
                return QR__JS_ABORTED;
            }
            sleep_ms(g_timers[best].when - now);
        }
        JSValue fn = JS_DupValue(ctx, g_timers[best].fn);
        if (g_timers[best].repeat) g_timers[best].when = qr_now_ms() + g_timers[best].interval;
        else timer_remove_at(best);
        JSValue ret = JS_Call(ctx, fn, JS_UNDEFINED, 0, NULL);
        JS_FreeValue(ctx, fn);
        if (JS_IsException(ret)) {
            if (qr__js.abort) return QR__JS_ABORTED;
            qr__js_report_exception("uncaught exception in a timer");
            if (qr__js_script_mode) qr__js.script_failed = 1;
        }
        JS_FreeValue(ctx, ret);
    }
}

int qr__js_run_loop(int only_due) { return run_loop(0, only_due); }

void qr__js_drain_aborted(void)
{
    if (!qr__js.abort) qr__js.abort = QR__JS_ABORT_DEADLINE;
    JSContext *c;
    for (int i = 0; i < 1000000 && JS_ExecutePendingJob(qr__js.rt, &c) != 0; i++)
        JS_FreeValue(qr__js.ctx, JS_GetException(qr__js.ctx));
    JS_FreeValue(qr__js.ctx, JS_GetException(qr__js.ctx));
    qr__js_timers_clear();
    flush_rejections(0);
}

static JSValue settle_cb(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                         int magic, JSValue *data)
{
    uint32_t gen;
    JS_ToUint32(ctx, &gen, data[0]);
    if (gen != g_gen || g_settled) return JS_UNDEFINED;
    g_settled = magic;
    JS_FreeValue(ctx, g_settled_value);
    g_settled_value = JS_DupValue(ctx, argc > 0 ? argv[0] : JS_UNDEFINED);
    return JS_UNDEFINED;
}

/* Hands the settled outcome to the caller. */
static int take_settled(JSValue *out)
{
    int r = g_settled == 2 ? QR__JS_REJECTED : QR__JS_FULFILLED;
    *out = g_settled_value;
    g_settled_value = JS_UNDEFINED;
    g_settled = 0;
    g_gen++; /* a late settlement of this call is ignored */
    return r;
}

int qr__js_await(JSValue v, JSValue *out)
{
    JSContext *ctx = qr__js.ctx;
    *out = JS_UNDEFINED;
    g_gen++;
    g_settled = 0;
    JS_FreeValue(ctx, g_settled_value);
    g_settled_value = JS_UNDEFINED;
    if (JS_IsException(v)) {
        if (qr__js.abort) return QR__JS_ABORTED;
        *out = JS_GetException(ctx);
        return QR__JS_REJECTED;
    }
    JSValue then = JS_IsObject(v) ? JS_GetPropertyStr(ctx, v, "then") : JS_UNDEFINED;
    if (JS_IsException(then)) {
        JS_FreeValue(ctx, v);
        *out = JS_GetException(ctx);
        return QR__JS_REJECTED;
    }
    if (!JS_IsFunction(ctx, then)) {
        JS_FreeValue(ctx, then);
        *out = v;
        return QR__JS_FULFILLED;
    }
    JSValue gen = JS_NewUint32(ctx, g_gen);
    JSValue cbs[2] = {JS_NewCFunctionData(ctx, settle_cb, 1, 1, 1, &gen),
                      JS_NewCFunctionData(ctx, settle_cb, 1, 2, 1, &gen)};
    JSValue r = JS_Call(ctx, then, v, 2, (JSValueConst *)cbs);
    JS_FreeValue(ctx, cbs[0]);
    JS_FreeValue(ctx, cbs[1]);
    JS_FreeValue(ctx, then);
    JS_FreeValue(ctx, v);
    if (JS_IsException(r)) {
        if (qr__js.abort) return QR__JS_ABORTED;
        *out = JS_GetException(ctx);
        return QR__JS_REJECTED;
    }
    JS_FreeValue(ctx, r);
    int lr = run_loop(1, 0);
    if (lr == LOOP_SETTLED) return take_settled(out);
    JS_FreeValue(ctx, g_settled_value);
    g_settled_value = JS_UNDEFINED;
    g_settled = 0;
    g_gen++;
    return lr;
}
