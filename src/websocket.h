/* websocket.h — server-side WebSocket (RFC 6455) over any byte transport: the handshake
 * digest, incoming frames parsed by a small in-house reader (fragments joined, UTF-8 of text
 * checked -> close 1007, size limit -> close 1009, protocol errors -> close 1002, pings
 * answered, close handshake; an idle WebSocket holds no heap), outgoing text
 * frames built once into a buffer (so one broadcast frame can be written to many sockets) and
 * a slow-consumer bound on the transport's unsent bytes. No libuv and no sockets here: the
 * transport is a small table of functions (cable.c plugs in qr_conn_*, unit tests plug in
 * memory buffers). Runs on the supervisor's loop; never blocks. */
#ifndef QR_WEBSOCKET_H
#define QR_WEBSOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

typedef struct qr_ws_s qr_ws_t;

/* The byte transport under a WebSocket. All three are required. */
typedef struct {
    int (*write)(void *io, const char *data, size_t len); /* copies; 0 or negative */
    size_t (*pending)(void *io);                          /* bytes queued, not yet sent */
    void (*close)(void *io, int abort);                   /* graceful (after queued bytes) or abort */
} qr_ws_io_t;

typedef struct {
    /* A complete text message (valid UTF-8); text is borrowed during the call. */
    void (*on_text)(void *ud, const char *text, size_t len);
} qr_ws_cbs_t;

/* Computes Sec-WebSocket-Accept for key (base64(SHA-1(key + GUID))) into out (NUL-terminated,
 * 28 characters). Returns 0, or QR_EPROTO when key is not a 16-byte nonce in Base64. */
int qr_ws_accept_key(const char *key, size_t key_len, char out[29]);

/* Creates the WebSocket state of an upgraded connection. io and cbs are borrowed for the life
 * of ws (static tables); io_ud and ud are passed back. max_message: larger messages -> 1009;
 * max_outbuf: a write that leaves more than this unsent aborts the transport (slow consumer).
 * Returns owned; free with qr_ws_free. */
qr_ws_t *qr_ws_new(const qr_ws_io_t *io, void *io_ud, const qr_ws_cbs_t *cbs, void *ud,
                   size_t max_message, size_t max_outbuf);
/* Frees ws. Does not touch the transport. */
void qr_ws_free(qr_ws_t *ws);

/* Feeds bytes read from the transport (borrowed). May call on_text (any number of times),
 * write control frames, and close the transport when the closing handshake is done or the
 * peer broke the protocol. Safe to call qr_ws_send_* and qr_ws_close from on_text. */
void qr_ws_feed(qr_ws_t *ws, const char *data, size_t len);

/* Builds an unmasked, final text frame of payload into out (appended). */
void qr_ws_frame_text(qr_buf_t *out, const char *payload, size_t len);

/* Sends a text message. Returns 0; -EPIPE once closing; QR_ETOOBIG when the slow-consumer
 * bound was exceeded (the transport has then been aborted). */
int qr_ws_send_text(qr_ws_t *ws, const char *text, size_t len);
/* Same for a complete frame built by qr_ws_frame_text (borrowed). */
int qr_ws_send_frame(qr_ws_t *ws, const char *frame, size_t len);

/* Starts the closing handshake with code (and an optional short reason): sends the close
 * frame; the transport is closed when the peer answers, or by qr_ws_expire. */
void qr_ws_close(qr_ws_t *ws, uint16_t code, const char *reason);

/* 1 once a close frame was sent or the transport was closed (nothing more can be sent). */
int qr_ws_closing(const qr_ws_t *ws);
/* Closes the transport of a WebSocket whose closing handshake started more than
 * timeout_ms before now_ms (the peer never answered). Returns 1 when it did. */
int qr_ws_expire(qr_ws_t *ws, uint64_t now_ms, uint64_t timeout_ms);

#endif
