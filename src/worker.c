/* worker.c — the loop of a worker process (worker.h), forked from the zygote with the app
 * already loaded: blocking reads of REQUEST/CABLE frames from the supervisor, one at a time,
 * answered through js_host.c (qr_js_host_fetch / qr_js_host_cable); broadcasts made by JS are
 * forwarded as BROADCAST frames the moment they happen. Frames are decoded and encoded only
 * through frame.h's typed functions; a request's strings are used in place (no copies).
 * Runs only in worker processes; may block (it is the only thing the process does).
 * Flushes the profiler between requests and at exit (profile.h). After a request, when no frame
 * arrives for QR_WORKER_IDLE_TRIM_MS, returns glibc's freed pages to the system (malloc_trim):
 * under load the poll answers at once and nothing is trimmed. Calls js_host.c, frame.c,
 * log.c, profile.c. */
#include "worker.h"
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "buf.h"
#include "common.h"
#include "frame.h"
#include "js_host.h"
#include "log.h"
#include "profile.h"

#define QR_WORKER_MAX_FIELDS (2 * 8192 + 8)
/* idle time after a request before the freed heap is handed back (bench: -1.3 MB PSS, 4 workers) */
#define QR_WORKER_IDLE_TRIM_MS 100

static int g_fd = -1;
static qr_slice_t g_fields[QR_WORKER_MAX_FIELDS];
static qr_header_t g_headers[QR_WORKER_MAX_FIELDS / 2];

static int write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(g_fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void send_frame(qr_buf_t *b)
{
    if (write_all(b->data, b->len) != 0) {
        /* the supervisor is gone: nothing left to do for anyone */
        _exit(0);
    }
}

static void on_broadcast(const char *stream, size_t stream_len, const char *msg, size_t msg_len, void *ud)
{
    (void)ud;
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_put_broadcast(&b, stream, stream_len, msg, msg_len);
    send_frame(&b);
    qr_buf_free(&b);
}

/* This worker exits after the answer in out: a RETIRING frame goes before it, in the same write,
 * so the supervisor hands it nothing more (pool.c). */
static void retiring_first(qr_buf_t *out, uint32_t id)
{
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_RETIRING, id);
    qr_frame_end(&b);
    qr_buf_append(&b, out->data, out->len);
    qr_buf_free(out);
    *out = b;
}

static int handle_request(const qr_frame_t *f, qr_buf_t *out)
{
    qr_request_t req;
    int r = qr_frame_get_request(f, &req, g_headers, QR_ARRAY_LEN(g_headers));
    if (r != 0) return r;
    qr_buf_reset(out);
    static int served;
    struct rusage ru0, ru1;
    uint64_t w0 = served ? 0 : qr_now_ns(), c0 = served ? 0 : qr_cpu_ns();
    if (!served) getrusage(RUSAGE_SELF, &ru0);
    int rc = qr_js_host_fetch(&req, f->id, out);
    if (!served++) { /* the boot breakdown: a fresh worker's first request (copy-on-write, lazy work) */
        getrusage(RUSAGE_SELF, &ru1);
        qr_debug("first request %s %s: %.1f ms (cpu %.1f ms, %ld page faults)", req.method, req.target,
                 (double)(qr_now_ns() - w0) / 1e6, (double)(qr_cpu_ns() - c0) / 1e6, ru1.ru_minflt - ru0.ru_minflt);
    }
    if (rc == QR_EJS) retiring_first(out, f->id);
    send_frame(out);
    return rc;
}

static int handle_cable(const qr_frame_t *f, qr_buf_t *out)
{
    qr_slice_t op;
    if (qr_frame_get_cable(f, QR_F_CABLE, &op) != 0) return QR_EPROTO;
    char *result = NULL;
    size_t rlen = 0;
    int rc = qr_js_host_cable(op.ptr, op.len, &result, &rlen);
    qr_buf_reset(out);
    static const char none[] = "{\"error\":\"no result\"}";
    if (result) qr_frame_put_cable(out, QR_F_CABLE_RESULT, f->id, result, rlen);
    else qr_frame_put_cable(out, QR_F_CABLE_RESULT, f->id, none, sizeof none - 1);
    if (rc == QR_EJS) retiring_first(out, f->id);
    free(result);
    send_frame(out);
    return rc;
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
/* Resident set of this process in KB (/proc/self/statm), -1 if unknown; for the debug log. */
static long resident_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = -1;
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = -1;
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}
#endif

/* Waits up to QR_WORKER_IDLE_TRIM_MS for the next frame; if none comes, trims the heap.
 * glibc keeps the pages of freed chunks (a request frees most of what it allocated), so an idle
 * worker would otherwise hold its peak. */
static void trim_when_idle(int fd)
{
#ifdef __GLIBC__
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r = poll(&pfd, 1, QR_WORKER_IDLE_TRIM_MS);
    /* SIGUSR2 (write the profile) interrupts the poll as it does the read: answer it here,
     * the read after this would never see the EINTR */
    if (r < 0 && errno == EINTR) { qr_profile_idle(); return; }
    if (r != 0) return; /* a frame: serve it */
#if defined(__SANITIZE_ADDRESS__)
    qr_debug("idle: heap trim skipped (the ASan allocator holds the heap, not glibc)");
#else
    long before = resident_kb();
    malloc_trim(0);
    qr_debug("idle: heap trimmed, resident %ld KB -> %ld KB", before, resident_kb());
#endif
#else
    (void)fd;
#endif
}

static int worker_loop(int fd)
{
    g_fd = fd;
    signal(SIGPIPE, SIG_IGN);
    qr_js_host_set_broadcast(on_broadcast, NULL);
    qr_buf_t in = QR_BUF_INIT, out = QR_BUF_INIT;
    char *channels = qr_js_host_cable_channels();
    qr_frame_put_ready(&out, (uint64_t)getpid(), qr_js_host_cable_needs_connect(), channels);
    free(channels);
    send_frame(&out);
    int served = 0; /* a request ran since the last trim */
    for (;;) {
        qr_frame_t f;
        size_t used;
        int r = qr_frame_parse(in.data ? in.data : "", in.len, &f, g_fields, QR_WORKER_MAX_FIELDS, &used);
        if (r < 0) {
            qr_error("bad frame from the supervisor: %s", qr_strerror(r));
            return 1;
        }
        if (r == 0) {
            if (served) { trim_when_idle(fd); served = 0; }
            qr_buf_reserve(&in, 65536);
            ssize_t n = read(fd, in.data + in.len, in.cap - in.len - 1);
            if (n < 0 && errno == EINTR) { qr_profile_idle(); continue; } /* SIGUSR2: profile files */
            if (n <= 0) return 0; /* the supervisor closed our channel: stop */
            in.len += (size_t)n;
            continue;
        }
        int rc = 0;
        if (f.type == QR_F_REQUEST) rc = handle_request(&f, &out);
        else if (f.type == QR_F_CABLE) rc = handle_cable(&f, &out);
        else {
            qr_error("unexpected frame type %u from the supervisor", f.type);
            return 1;
        }
        qr_buf_consume(&in, used);
        if (in.cap > (4u << 20) && in.len < 65536) {
            qr_buf_t small = QR_BUF_INIT;
            qr_buf_append(&small, in.data, in.len);
            qr_buf_free(&in);
            in = small;
        }
        if (out.cap > (4u << 20)) qr_buf_free(&out);
        qr_profile_idle();
        served = 1;
        if (rc == QR_EJS) {
            qr_warn("the JavaScript runtime is no longer usable; this worker exits and will be replaced");
            return 1;
        }
    }
}

int qr_worker_main(const qr_config_t *cfg, int fd, uint32_t worker_id)
{
    (void)cfg;
    (void)worker_id;
    int rc = worker_loop(fd);
    qr_profile_stop();
    return rc;
}
