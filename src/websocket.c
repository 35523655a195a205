/* websocket.c — the server side of RFC 6455 for websocket.h: handshake digest (OpenSSL SHA-1 +
 * Base64), incoming frames through a wslay event context fed from memory (wslay joins
 * fragments, answers pings, checks UTF-8 -> 1007 and the message size -> 1009), outgoing text
 * frames serialised once by wslay's frame layer into a buffer, the slow-consumer bound, and
 * the end of the closing handshake. Calls wslay, OpenSSL, buf.c, log.c and the transport
 * table it is given (never libuv). Supervisor loop; never blocks.
 *
 * Ordering: every byte wslay produces is handed to the transport inside the same call (the
 * transport copies and never refuses), so wslay's send queue is empty between calls and
 * frames written with qr_ws_send_frame can never land inside one of wslay's frames. */
#include "websocket.h"
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>
#include "common.h"
#include "log.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct qr_ws_s {
    wslay_event_context_ptr ctx;
    const qr_ws_io_t *io;
    void *io_ud;
    const qr_ws_cbs_t *cbs;
    void *ud;
    size_t max_outbuf;
    const char *in;          /* bytes being fed, during qr_ws_feed only */
    size_t in_len;
    uint64_t closing_since;  /* qr_now_ms() when our close frame went out; 0 before */
    unsigned transport_closed : 1;
};

int qr_ws_accept_key(const char *key, size_t key_len, char out[29])
{
    unsigned char nonce[32];
    if (key_len != 24) return QR_EPROTO;
    for (size_t i = 0; i < 22; i++) {
        char c = key[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
            return QR_EPROTO;
    }
    if (key[22] != '=' || key[23] != '=') return QR_EPROTO;
    if (EVP_DecodeBlock(nonce, (const unsigned char *)key, 24) != 18) return QR_EPROTO; /* 16 + 2 pad */

    char text[24 + sizeof WS_GUID];
    memcpy(text, key, 24);
    memcpy(text + 24, WS_GUID, sizeof WS_GUID - 1);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int ok = EVP_Digest(text, 24 + sizeof WS_GUID - 1, md, &md_len, EVP_sha1(), NULL);
    QR_ASSERT(ok == 1 && md_len == 20);
    int n = EVP_EncodeBlock((unsigned char *)out, md, 20);
    QR_ASSERT(n == 28);
    out[28] = 0;
    return 0;
}

/* ---- wslay event callbacks ---- */

static void close_transport(qr_ws_t *ws, int abort_now)
{
    if (ws->transport_closed) return;
    ws->transport_closed = 1;
    ws->io->close(ws->io_ud, abort_now);
}


static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    qr_ws_t *ws = user;
    if (ws->in_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    size_t n = len < ws->in_len ? len : ws->in_len;
    memcpy(buf, ws->in, n);
    ws->in += n;
    ws->in_len -= n;
    return (ssize_t)n;
}

/* wslay's own frames (pongs, close): the same slow-consumer bound as qr_ws_send_frame, so a
 * client that floods pings and never reads cannot queue pongs without bound. */
static ssize_t send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
    qr_ws_t *ws = user;
    if (ws->transport_closed || ws->io->write(ws->io_ud, (const char *)data, len) != 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    if (ws->io->pending(ws->io_ud) > ws->max_outbuf) {
        qr_warn("cable: slow consumer disconnected (%zu bytes of control frames unsent, limit %zu)",
                ws->io->pending(ws->io_ud), ws->max_outbuf);
        close_transport(ws, 1);
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

/* RFC 6455 5.5.1: a close frame's body is empty or starts with a 2-byte code; a 1-byte body
 * is a protocol error (wslay would read it as "no code" and answer with an empty close). */
static void frame_start_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_frame_recv_start_arg *arg,
                           void *user)
{
    if (arg->opcode == WSLAY_CONNECTION_CLOSE && arg->payload_length == 1)
        wslay_event_queue_close(ctx, WSLAY_CODE_PROTOCOL_ERROR, NULL, 0);
}

static void on_msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    qr_ws_t *ws = user;
    if (arg->opcode == WSLAY_TEXT_FRAME) {
        if (!ws->transport_closed && !wslay_event_get_close_sent(ctx))
            ws->cbs->on_text(ws->ud, (const char *)arg->msg, arg->msg_length);
    } else if (arg->opcode == WSLAY_BINARY_FRAME) {
        qr_info("cable: binary WebSocket message of %zu bytes ignored", arg->msg_length);
    }
}

static const struct wslay_event_callbacks event_cbs = {
    recv_cb, send_cb, NULL, frame_start_cb, NULL, NULL, on_msg_cb,
};

qr_ws_t *qr_ws_new(const qr_ws_io_t *io, void *io_ud, const qr_ws_cbs_t *cbs, void *ud,
                   size_t max_message, size_t max_outbuf)
{
    qr_ws_t *ws = qr_xcalloc(1, sizeof *ws);
    ws->io = io;
    ws->io_ud = io_ud;
    ws->cbs = cbs;
    ws->ud = ud;
    ws->max_outbuf = max_outbuf;
    if (wslay_event_context_server_init(&ws->ctx, &event_cbs, ws) != 0) {
        qr_error("websocket: out of memory creating a wslay context");
        abort();
    }
    wslay_event_config_set_max_recv_msg_length(ws->ctx, max_message);
    return ws;
}

void qr_ws_free(qr_ws_t *ws)
{
    if (!ws) return;
    wslay_event_context_free(ws->ctx);
    free(ws);
}

/* Hands whatever wslay queued to the transport, then ends the connection when both directions
 * are done: at once when the peer's close arrived; when we sent close first (an error, or
 * qr_ws_close), the peer's answer or qr_ws_expire ends it. */
static void flush(qr_ws_t *ws)
{
    if (ws->transport_closed) return;
    if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0) {
        close_transport(ws, 1);
        return;
    }
    if (wslay_event_get_close_sent(ws->ctx) && ws->closing_since == 0) ws->closing_since = qr_now_ms() | 1;
    if (!wslay_event_want_read(ws->ctx) && !wslay_event_want_write(ws->ctx) &&
        wslay_event_get_close_received(ws->ctx))
        close_transport(ws, 0);
}

void qr_ws_feed(qr_ws_t *ws, const char *data, size_t len)
{
    if (ws->transport_closed) return;
    if (!wslay_event_want_read(ws->ctx)) return; /* closing after our close frame: discard */
    ws->in = data;
    ws->in_len = len;
    int r = wslay_event_recv(ws->ctx);
    ws->in = NULL;
    ws->in_len = 0;
    if (r != 0) {
        qr_debug("websocket: receive failed (%d), closing", r);
        close_transport(ws, 1);
        return;
    }
    flush(ws);
}

/* wslay's frame layer writing into a buffer: one context for the process, used only here. */
static ssize_t frame_send_cb(const uint8_t *data, size_t len, int flags, void *user)
{
    qr_buf_append(*(qr_buf_t **)user, data, len);
    return (ssize_t)len;
}
static ssize_t frame_recv_cb(uint8_t *buf, size_t len, int flags, void *user) { return -1; }
static int frame_genmask_cb(uint8_t *buf, size_t len, void *user) { return -1; }

void qr_ws_frame_text(qr_buf_t *out, const char *payload, size_t len)
{
    static const struct wslay_frame_callbacks cbs = {frame_send_cb, frame_recv_cb, frame_genmask_cb};
    static wslay_frame_context_ptr fctx;
    static qr_buf_t *target;
    if (!fctx && wslay_frame_context_init(&fctx, &cbs, &target) != 0) {
        qr_error("websocket: out of memory creating a wslay frame context");
        abort();
    }
    target = out;
    struct wslay_frame_iocb iocb;
    memset(&iocb, 0, sizeof iocb);
    iocb.fin = 1;
    iocb.opcode = WSLAY_TEXT_FRAME;
    iocb.mask = 0;
    iocb.payload_length = len;
    iocb.data = (const uint8_t *)payload;
    iocb.data_length = len;
    ssize_t r = wslay_frame_send(fctx, &iocb);
    QR_ASSERT(r == (ssize_t)len);
    target = NULL;
}

int qr_ws_send_frame(qr_ws_t *ws, const char *frame, size_t len)
{
    if (ws->transport_closed || wslay_event_get_close_sent(ws->ctx)) return -EPIPE;
    if (ws->io->write(ws->io_ud, frame, len) != 0) return -EPIPE;
    if (ws->io->pending(ws->io_ud) > ws->max_outbuf) {
        qr_warn("cable: slow consumer disconnected (%zu bytes unsent, limit %zu)",
                ws->io->pending(ws->io_ud), ws->max_outbuf);
        close_transport(ws, 1);
        return QR_ETOOBIG;
    }
    return 0;
}

int qr_ws_send_text(qr_ws_t *ws, const char *text, size_t len)
{
    if (ws->transport_closed || wslay_event_get_close_sent(ws->ctx)) return -EPIPE;
    char small[1024];
    qr_buf_t b = QR_BUF_INIT;
    int r;
    if (len + 10 < sizeof small) {
        /* the common case (welcome, ping, confirmations): no heap */
        qr_buf_t tmp = {small, 0, sizeof small};
        qr_ws_frame_text(&tmp, text, len);
        QR_ASSERT(tmp.data == small);
        r = qr_ws_send_frame(ws, tmp.data, tmp.len);
    } else {
        qr_ws_frame_text(&b, text, len);
        r = qr_ws_send_frame(ws, b.data, b.len);
        qr_buf_free(&b);
    }
    return r;
}

void qr_ws_close(qr_ws_t *ws, uint16_t code, const char *reason)
{
    if (ws->transport_closed || wslay_event_get_close_sent(ws->ctx)) return;
    wslay_event_queue_close(ws->ctx, code, (const uint8_t *)reason, reason ? strlen(reason) : 0);
    flush(ws);
}

int qr_ws_closing(const qr_ws_t *ws)
{
    return ws->transport_closed || wslay_event_get_close_sent(ws->ctx);
}

int qr_ws_expire(qr_ws_t *ws, uint64_t now_ms, uint64_t timeout_ms)
{
    if (ws->transport_closed || ws->closing_since == 0) return 0;
    if (now_ms < ws->closing_since || now_ms - ws->closing_since < timeout_ms) return 0;
    close_transport(ws, 0);
    return 1;
}
