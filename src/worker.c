/* worker.c — the loop of a worker process (worker.h), forked from the zygote with the app
 * already loaded: blocking reads of REQUEST/CABLE frames from the supervisor, one at a time,
 * answered through js_host.c (qr_js_host_fetch / qr_js_host_cable); broadcasts made by JS are
 * forwarded as BROADCAST frames the moment they happen. Runs only in worker processes; may
 * block (it is the only thing the process does). Calls js_host.c, frame.c, log.c. */
#include "worker.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "common.h"
#include "frame.h"
#include "js_host.h"
#include "log.h"

#define QR_WORKER_MAX_FIELDS (2 * 8192 + 8)

static int g_fd = -1;
static qr_slice_t g_fields[QR_WORKER_MAX_FIELDS];

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
    qr_frame_begin(&b, QR_F_BROADCAST, 0);
    qr_frame_add(&b, stream, stream_len);
    qr_frame_add(&b, msg, msg_len);
    qr_frame_end(&b);
    send_frame(&b);
    qr_buf_free(&b);
}

static int handle_request(const qr_frame_t *f, qr_buf_t *out)
{
    if (f->nfields < 4 || (f->nfields & 1)) return QR_EPROTO;
    char *method = qr_xstrndup(f->fields[0].ptr, f->fields[0].len);
    char *target = qr_xstrndup(f->fields[1].ptr, f->fields[1].len);
    char *remote = qr_xstrndup(f->fields[2].ptr, f->fields[2].len);
    size_t nh = (size_t)(f->nfields - 4) / 2;
    qr_header_t *hs = qr_xcalloc(nh ? nh : 1, sizeof *hs);
    for (size_t i = 0; i < nh; i++) {
        hs[i].name = f->fields[4 + 2 * i].ptr;
        hs[i].name_len = f->fields[4 + 2 * i].len;
        hs[i].value = f->fields[5 + 2 * i].ptr;
        hs[i].value_len = f->fields[5 + 2 * i].len;
    }
    qr_js_request_t req = {
        .id = f->id, .method = method, .target = target, .remote_addr = remote,
        .headers = hs, .nheaders = nh, .body = f->fields[3].ptr, .body_len = f->fields[3].len,
    };
    qr_js_response_t res;
    memset(&res, 0, sizeof res);
    int rc = qr_js_host_fetch(&req, &res);
    qr_buf_reset(out);
    if (rc == QR_EJS) { /* this worker exits after the answer: say so first, in the same write */
        qr_frame_begin(out, QR_F_RETIRING, f->id);
        qr_frame_end(out);
    }
    qr_frame_begin(out, QR_F_RESPONSE, f->id);
    qr_frame_add_u64(out, (uint64_t)(res.status >= 100 && res.status <= 999 ? res.status : 500));
    qr_frame_add(out, res.body ? res.body : "", res.body ? res.body_len : 0);
    for (size_t i = 0; i < res.nheaders; i++) {
        qr_frame_add_str(out, res.names[i] ? res.names[i] : "");
        qr_frame_add_str(out, res.values[i] ? res.values[i] : "");
    }
    qr_frame_end(out);
    qr_js_response_free(&res);
    free(hs);
    free(method);
    free(target);
    free(remote);
    send_frame(out);
    return rc;
}

static int handle_cable(const qr_frame_t *f, qr_buf_t *out)
{
    if (f->nfields < 1) return QR_EPROTO;
    char *result = NULL;
    size_t rlen = 0;
    int rc = qr_js_host_cable(f->fields[0].ptr, f->fields[0].len, &result, &rlen);
    qr_buf_reset(out);
    if (rc == QR_EJS) {
        qr_frame_begin(out, QR_F_RETIRING, f->id);
        qr_frame_end(out);
    }
    qr_frame_begin(out, QR_F_CABLE_RESULT, f->id);
    if (result) qr_frame_add(out, result, rlen);
    else qr_frame_add_str(out, "{\"error\":\"no result\"}");
    qr_frame_end(out);
    free(result);
    send_frame(out);
    return rc;
}

int qr_worker_main(const qr_config_t *cfg, int fd, uint32_t worker_id)
{
    (void)cfg;
    (void)worker_id;
    g_fd = fd;
    signal(SIGPIPE, SIG_IGN);
    qr_js_host_set_broadcast(on_broadcast, NULL);
    qr_buf_t in = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_frame_begin(&out, QR_F_READY, 0);
    qr_frame_add_u64(&out, (uint64_t)getpid());
    qr_frame_add_u64(&out, (uint64_t)qr_js_host_cable_needs_connect());
    qr_frame_end(&out);
    send_frame(&out);
    for (;;) {
        qr_frame_t f;
        size_t used;
        int r = qr_frame_parse(in.data ? in.data : "", in.len, &f, g_fields, QR_WORKER_MAX_FIELDS, &used);
        if (r < 0) {
            qr_error("bad frame from the supervisor: %s", qr_strerror(r));
            return 1;
        }
        if (r == 0) {
            qr_buf_reserve(&in, 65536);
            ssize_t n = read(fd, in.data + in.len, in.cap - in.len - 1);
            if (n < 0 && errno == EINTR) continue;
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
        if (rc == QR_EJS) {
            qr_warn("the JavaScript runtime is no longer usable; this worker exits and will be replaced");
            return 1;
        }
    }
}
