/* websocket.c — the server side of RFC 6455 for websocket.h: handshake digest (OpenSSL SHA-1 +
 * Base64), an in-house frame reader fed from memory (a small state machine: fragments joined,
 * pings answered, control-frame rules, UTF-8 of text checked -> 1007, message size -> 1009,
 * protocol errors -> 1002), outgoing frames serialised once into a buffer, the slow-consumer
 * bound, and the end of the closing handshake. Calls OpenSSL, buf.c, log.c and the transport
 * table it is given (never libuv). Supervisor loop; never blocks.
 *
 * Memory: an idle WebSocket holds only struct qr_ws_s (no heap); a message's bytes live on the
 * heap only while it is being received, and are freed once it is delivered. */
#include "websocket.h"
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "log.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

enum { OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10 };
enum { CODE_PROTOCOL = 1002, CODE_NO_STATUS = 1005, CODE_INVALID_DATA = 1007, CODE_TOO_BIG = 1009 };

struct qr_ws_s {
    const qr_ws_io_t *io;
    void *io_ud;
    const qr_ws_cbs_t *cbs;
    void *ud;
    size_t max_message;
    size_t max_outbuf;
    uint64_t closing_since;   /* qr_now_ms() when our close frame went out; 0 before */
    uint64_t remain;          /* payload bytes of the current frame still to read */
    uint64_t msg_total;       /* bytes of the data message being received (all its fragments) */
    qr_buf_t msg;             /* the text message being received (heap only meanwhile) */
    unsigned char hdr[14];    /* the frame header being read */
    unsigned char mask[4];
    unsigned char ctl[125];   /* a control frame's payload */
    unsigned char hlen;       /* header bytes read */
    unsigned char ctl_len;
    unsigned char mpos;       /* payload index mod 4 (mask position) */
    unsigned char op;         /* opcode of the current frame */
    unsigned char msg_op;     /* OP_TEXT / OP_BINARY while a data message is open, else 0 */
    unsigned in_payload : 1;
    unsigned fin : 1;
    unsigned close_sent : 1;
    unsigned failed : 1;      /* we closed for a protocol error: input is no longer read */
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

/* 1 when s[0..n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t k;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c == 0xE0) { k = 2; lo = 0xA0; }
        else if (c == 0xED) { k = 2; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) k = 2;
        else if (c == 0xF0) { k = 3; lo = 0x90; }
        else if (c == 0xF4) { k = 3; hi = 0x8F; }
        else if (c >= 0xF1 && c <= 0xF3) k = 3;
        else return 0;
        if (n - i <= k) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* Appends the header of an unmasked, final frame of opcode and payload length len. */
static size_t frame_header(unsigned char h[10], int opcode, size_t len)
{
    h[0] = (unsigned char)(0x80 | opcode);
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)len >> (8 * (7 - i)));
    return 10;
}

static void close_transport(qr_ws_t *ws, int abort_now)
{
    if (ws->transport_closed) return;
    ws->transport_closed = 1;
    qr_buf_free(&ws->msg);
    ws->io->close(ws->io_ud, abort_now);
}

/* Writes bytes of complete frames under the slow-consumer bound. Returns 0, -EPIPE, or
 * QR_ETOOBIG (the transport has then been aborted). */
static int write_bounded(qr_ws_t *ws, const char *data, size_t len, const char *what)
{
    if (ws->transport_closed) return -EPIPE;
    if (ws->io->write(ws->io_ud, data, len) != 0) return -EPIPE;
    size_t pending = ws->io->pending(ws->io_ud);
    if (pending > ws->max_outbuf) {
        qr_warn("cable: slow consumer disconnected (%zu bytes %sunsent, limit %zu)", pending, what, ws->max_outbuf);
        close_transport(ws, 1);
        return QR_ETOOBIG;
    }
    return 0;
}

/* A control frame (payload <= 125 bytes), through the same bound as data: a client that floods
 * pings and never reads cannot queue pongs without bound. */
static int send_control(qr_ws_t *ws, int opcode, const void *payload, size_t len)
{
    unsigned char f[2 + 125];
    QR_ASSERT(len <= 125);
    size_t hl = frame_header(f, opcode, len);
    if (len) memcpy(f + hl, payload, len);
    return write_bounded(ws, (const char *)f, hl + len, "of control frames ");
}

/* Sends our close frame (once): code 0 or 1005 = an empty body. */
static void send_close(qr_ws_t *ws, unsigned code, const char *reason, size_t reason_len)
{
    if (ws->close_sent || ws->transport_closed) return;
    unsigned char body[125];
    size_t n = 0;
    if (code && code != CODE_NO_STATUS) {
        body[0] = (unsigned char)(code >> 8);
        body[1] = (unsigned char)code;
        if (reason_len > 123) reason_len = 123;
        if (reason_len) memcpy(body + 2, reason, reason_len);
        n = 2 + reason_len;
    }
    ws->close_sent = 1;
    ws->closing_since = qr_now_ms() | 1;
    send_control(ws, OP_CLOSE, body, n);
}

/* The peer broke the protocol: close with code and read nothing more. */
static void fail(qr_ws_t *ws, unsigned code)
{
    qr_debug("websocket: closing with %u (%s)", code,
             code == CODE_TOO_BIG ? "message too big" : code == CODE_INVALID_DATA ? "invalid UTF-8" : "protocol error");
    ws->failed = 1;
    qr_buf_free(&ws->msg);
    send_close(ws, code, NULL, 0);
}

/* RFC 6455 7.4: the close codes a peer may send. */
static int valid_close_code(unsigned code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/* A whole frame header is in ws->hdr: check it and start reading the payload. */
static void start_frame(qr_ws_t *ws, uint64_t plen)
{
    unsigned b0 = ws->hdr[0];
    int fin = (b0 & 0x80) != 0, op = (int)(b0 & 0x0f);
    if ((b0 & 0x70) || !(ws->hdr[1] & 0x80)) { fail(ws, CODE_PROTOCOL); return; } /* RSV bits, unmasked */
    if (op >= OP_CLOSE) {
        if (op > OP_PONG || !fin || plen > 125 || (op == OP_CLOSE && plen == 1)) {
            fail(ws, CODE_PROTOCOL);
            if (op == OP_CLOSE) close_transport(ws, 0); /* the peer is closing anyway */
            return;
        }
    } else if (op == OP_CONT) {
        if (!ws->msg_op) { fail(ws, CODE_PROTOCOL); return; }
    } else if (op == OP_TEXT || op == OP_BINARY) {
        if (ws->msg_op) { fail(ws, CODE_PROTOCOL); return; }
        ws->msg_op = (unsigned char)op;
    } else {
        fail(ws, CODE_PROTOCOL);
        return;
    }
    if (op < OP_CLOSE) {
        if (plen > ws->max_message || ws->msg_total + plen > ws->max_message) { fail(ws, CODE_TOO_BIG); return; }
        ws->msg_total += plen; /* the buffer grows as bytes arrive, not by what a header claims */
    }
    ws->op = (unsigned char)op;
    ws->fin = fin ? 1 : 0;
    ws->remain = plen;
    ws->mpos = 0;
    ws->ctl_len = 0;
    ws->in_payload = 1;
}

/* The current frame's payload is complete. */
static void end_frame(qr_ws_t *ws)
{
    ws->in_payload = 0;
    ws->hlen = 0;
    switch (ws->op) {
    case OP_PING:
        if (!ws->close_sent) send_control(ws, OP_PONG, ws->ctl, ws->ctl_len);
        return;
    case OP_PONG:
        return;
    case OP_CLOSE: {
        unsigned code = CODE_NO_STATUS;
        if (ws->ctl_len >= 2) {
            code = ((unsigned)ws->ctl[0] << 8) | ws->ctl[1];
            unsigned bad = !valid_close_code(code) ? CODE_PROTOCOL
                           : !utf8_valid(ws->ctl + 2, ws->ctl_len - 2u) ? CODE_INVALID_DATA : 0;
            if (bad) { /* answered with our code, and the peer is closing anyway */
                fail(ws, bad);
                close_transport(ws, 0);
                return;
            }
        }
        send_close(ws, code, NULL, 0); /* answers with the peer's code, unless we closed first */
        close_transport(ws, 0);
        return;
    }
    default:
        break;
    }
    if (!ws->fin) return;
    int op = ws->msg_op;
    uint64_t total = ws->msg_total;
    ws->msg_op = 0;
    ws->msg_total = 0;
    if (ws->close_sent) { qr_buf_free(&ws->msg); return; } /* data after our close is dropped */
    if (op == OP_BINARY) {
        qr_info("cable: binary WebSocket message of %zu bytes ignored", (size_t)total);
        return;
    }
    if (!utf8_valid((const unsigned char *)ws->msg.data, ws->msg.len)) { fail(ws, CODE_INVALID_DATA); return; }
    qr_buf_t m = ws->msg; /* on_text may send or close; the buffer is ours until freed */
    ws->msg = (qr_buf_t)QR_BUF_INIT;
    ws->cbs->on_text(ws->ud, m.data ? m.data : "", m.len);
    qr_buf_free(&m);
}

qr_ws_t *qr_ws_new(const qr_ws_io_t *io, void *io_ud, const qr_ws_cbs_t *cbs, void *ud,
                   size_t max_message, size_t max_outbuf)
{
    qr_ws_t *ws = qr_xcalloc(1, sizeof *ws);
    ws->io = io;
    ws->io_ud = io_ud;
    ws->cbs = cbs;
    ws->ud = ud;
    ws->max_message = max_message;
    ws->max_outbuf = max_outbuf;
    return ws;
}

void qr_ws_free(qr_ws_t *ws)
{
    if (!ws) return;
    qr_buf_free(&ws->msg);
    free(ws);
}

void qr_ws_feed(qr_ws_t *ws, const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    while (len && !ws->transport_closed && !ws->failed) {
        if (!ws->in_payload) {
            size_t need = 2;
            if (ws->hlen >= 2) {
                unsigned l7 = ws->hdr[1] & 0x7f;
                need += (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + ((ws->hdr[1] & 0x80) ? 4 : 0);
            }
            size_t n = need - ws->hlen < len ? need - ws->hlen : len;
            memcpy(ws->hdr + ws->hlen, p, n);
            ws->hlen = (unsigned char)(ws->hlen + n);
            p += n;
            len -= n;
            if (ws->hlen < need) continue;
            if (need == 2 && (ws->hdr[1] & 0x7f) >= 126) continue; /* the extended length follows */
            if (need == 2 && (ws->hdr[1] & 0x80)) continue;          /* the mask follows */
            uint64_t plen = ws->hdr[1] & 0x7f;
            size_t at = 2;
            if (plen == 126) {
                plen = ((uint64_t)ws->hdr[2] << 8) | ws->hdr[3];
                at = 4;
            } else if (plen == 127) {
                plen = 0;
                for (int i = 0; i < 8; i++) plen = (plen << 8) | ws->hdr[2 + i];
                at = 10;
                if (plen >> 63) { fail(ws, CODE_PROTOCOL); break; }
            }
            if (ws->hdr[1] & 0x80) memcpy(ws->mask, ws->hdr + at, 4);
            start_frame(ws, plen);
            if (ws->failed) break;
            if (ws->remain == 0) end_frame(ws);
            continue;
        }
        size_t n = ws->remain < len ? (size_t)ws->remain : len;
        unsigned char *dst = NULL;
        if (ws->op >= OP_CLOSE) {
            dst = ws->ctl + ws->ctl_len;
            ws->ctl_len = (unsigned char)(ws->ctl_len + n);
        } else if (ws->msg_op == OP_TEXT && !ws->close_sent) {
            qr_buf_reserve(&ws->msg, n);
            dst = (unsigned char *)ws->msg.data + ws->msg.len;
            ws->msg.len += n;
            ws->msg.data[ws->msg.len] = 0;
        }
        if (dst) {
            unsigned m = ws->mpos;
            for (size_t i = 0; i < n; i++) dst[i] = p[i] ^ ws->mask[(m + i) & 3];
        }
        ws->mpos = (unsigned char)((ws->mpos + n) & 3);
        ws->remain -= n;
        p += n;
        len -= n;
        if (ws->remain == 0) end_frame(ws);
    }
}

void qr_ws_frame_text(qr_buf_t *out, const char *payload, size_t len)
{
    unsigned char h[10];
    size_t hl = frame_header(h, OP_TEXT, len);
    qr_buf_reserve(out, hl + len);
    qr_buf_append(out, h, hl);
    qr_buf_append(out, payload, len);
}

int qr_ws_send_frame(qr_ws_t *ws, const char *frame, size_t len)
{
    if (ws->transport_closed || ws->close_sent) return -EPIPE;
    return write_bounded(ws, frame, len, "");
}

int qr_ws_send_text(qr_ws_t *ws, const char *text, size_t len)
{
    if (ws->transport_closed || ws->close_sent) return -EPIPE;
    char small[1024];
    unsigned char h[10];
    size_t hl = frame_header(h, OP_TEXT, len);
    if (hl + len <= sizeof small) {
        /* the common case (welcome, ping, confirmations): no heap */
        memcpy(small, h, hl);
        memcpy(small + hl, text, len);
        return write_bounded(ws, small, hl + len, "");
    }
    qr_buf_t b = QR_BUF_INIT;
    qr_ws_frame_text(&b, text, len);
    int r = write_bounded(ws, b.data, b.len, "");
    qr_buf_free(&b);
    return r;
}

void qr_ws_close(qr_ws_t *ws, uint16_t code, const char *reason)
{
    send_close(ws, code, reason, reason ? strlen(reason) : 0);
}

int qr_ws_closing(const qr_ws_t *ws)
{
    return ws->transport_closed || ws->close_sent;
}

int qr_ws_expire(qr_ws_t *ws, uint64_t now_ms, uint64_t timeout_ms)
{
    if (ws->transport_closed || ws->closing_since == 0) return 0;
    if (now_ms < ws->closing_since || now_ms - ws->closing_since < timeout_ms) return 0;
    close_transport(ws, 0);
    return 1;
}
