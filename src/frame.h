/* frame.h — the framed protocol on the socketpair between the supervisor and a worker (and
 * between the supervisor and the zygote), in ONE place: the generic field encoding and, on top
 * of it, typed encode/decode for every kind (qr_frame_put_* / qr_frame_get_*), so no other
 * file knows a field's position. Pure: no I/O, no allocation beyond the caller's qr_buf_t, so
 * it is unit-tested on its own (tests/unit/test_frame.c). Requests and responses use the
 * neutral types of message.h.
 *
 * Wire format (host byte order; both ends are the same binary on the same machine):
 *   u32 len      bytes that follow this field
 *   u8  type     QR_F_*
 *   u8  flags    0
 *   u16 nfields
 *   u32 id       request or cable-operation id, 0 when unused
 *   nfields x { u32 n; n bytes }
 *
 * Field layouts per type:
 *   READY      w->s  [pid, cable_connect, channels?]                    worker is initialised and idle;
 *                                                            cable_connect "0": the app has no
 *                                                            connect hook (qr_pool_cable_needs_connect)
 *              z->s  [pid, stream_key]                       zygote: app loaded; stream_key the
 *                                                            64-byte Turbo key (cable adopts it)
 *   REQUEST    s->w  [method\0, target\0, remote_addr\0, body, name1, value1, ...]
 *                                                            (the three strings carry their NUL,
 *                                                            so the worker uses them in place)
 *   RESPONSE   w->s  [status, name1, value1, ..., body]      answers REQUEST id; built in place
 *                                                            (begin, header..., end with the body)
 *   BROADCAST  w->s  [stream, message_json]                  message_json is the JSON value sent
 *                                                            after "message": to subscribers
 *   CABLE      s->w  [op_json]                               app-defined channel operation
 *   CABLE_RESULT w->s [result_json]                          answers CABLE id
 *   FORK       s->z  []  + an fd passed with SCM_RIGHTS      zygote: fork a worker on that fd
 *   FORKED     z->s  [pid, fork_ns]                          answers FORK id
 *   EXITED     z->s  [pid, wait_status]                      a worker of the zygote was reaped
 *   RETIRING   w->s  []                                      sent just before the last answer of
 *                                                            a worker that exits after it: the
 *                                                            supervisor hands it nothing more
 *   BOOT_ERROR z->s  [message]                               the app failed to load (the zygote
 *                                                            exits next); message has file:line
 */
#ifndef QR_FRAME_H
#define QR_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "message.h"

enum {
    QR_F_READY = 1,
    QR_F_REQUEST,
    QR_F_RESPONSE,
    QR_F_BROADCAST,
    QR_F_CABLE,
    QR_F_CABLE_RESULT,
    QR_F_FORK,
    QR_F_FORKED,
    QR_F_EXITED,
    QR_F_RETIRING,
    QR_F_BOOT_ERROR,
    QR_F_STANDBY, /* zygote -> supervisor: a standby zygote's runtime and framework are loaded */
    QR_F_LOAD,    /* supervisor -> standby zygote: load the app now (a reload) */
};

#define QR_FRAME_HEADER 12u
#define QR_FRAME_MAX (256u * 1024u * 1024u) /* a frame larger than this is a protocol error */

typedef struct {
    const char *ptr; /* borrowed from the parsed input */
    uint32_t len;
} qr_slice_t;

typedef struct {
    uint8_t type;
    uint32_t id;
    uint16_t nfields;
    const qr_slice_t *fields; /* points into the caller's array */
} qr_frame_t;

/* Encoding: begin, add fields, end (end patches the length and the field count). */
void qr_frame_begin(qr_buf_t *b, uint8_t type, uint32_t id);
void qr_frame_add(qr_buf_t *b, const void *p, size_t n);
void qr_frame_add_str(qr_buf_t *b, const char *s);
void qr_frame_add_u64(qr_buf_t *b, uint64_t v); /* as decimal text */
void qr_frame_end(qr_buf_t *b);

/* Decoding: tries to parse one frame at the start of data[0..len).
 * Returns 1 and sets *out, *consumed when a whole frame is there; 0 when more bytes are
 * needed; QR_EPROTO on a malformed frame; QR_ETOOBIG when the frame has more than
 * max_fields fields or exceeds QR_FRAME_MAX. Fields borrow from data. */
int qr_frame_parse(const char *data, size_t len, qr_frame_t *out, qr_slice_t *fields,
                   size_t max_fields, size_t *consumed);

/* Parses a decimal field; returns 0 or QR_EPROTO. */
int qr_slice_to_u64(qr_slice_t s, uint64_t *out);
/* Drops the frame under construction in b (after qr_frame_begin, before qr_frame_end), if
 * any; complete frames before it stay. */
void qr_frame_abandon(qr_buf_t *b);

/* ---- typed frames. put_* append one complete frame to b. get_* decode a parsed frame f of
 * that type: 0, or QR_EPROTO (wrong type or layout), QR_ETOOBIG (more headers than max);
 * what they fill borrows from f's input bytes. ---- */

/* READY: the worker's pid, whether the app has a cable connect hook (0/1) and, when the app
 * declares them, the names of its channel classes, one per line (channels NULL: not declared;
 * get_ready then sets channels->ptr NULL). */
void qr_frame_put_ready(qr_buf_t *b, uint64_t pid, int cable_connect, const char *channels);
int qr_frame_get_ready(const qr_frame_t *f, uint64_t *pid, int *cable_connect, qr_slice_t *channels);

/* REQUEST: method, target and remote_addr of req must be NUL-terminated (remote_addr may be
 * NULL: sent as ""). get fills method, target, remote_addr (NUL-terminated, in place), body,
 * headers (into headers[0..max)); path and query are NULL, upgrade 0. */
void qr_frame_put_request(qr_buf_t *b, uint32_t id, const qr_request_t *req);
int qr_frame_get_request(const qr_frame_t *f, qr_request_t *req, qr_header_t *headers, size_t max);

/* RESPONSE, built in place: begin (status: outside 100..999 is sent as 500), any number of
 * headers, end (the body; closes the frame). put does all three from a qr_response_t. */
void qr_frame_response_begin(qr_buf_t *b, uint32_t id, int status);
void qr_frame_response_header(qr_buf_t *b, const char *name, size_t name_len, const char *value,
                              size_t value_len);
void qr_frame_response_end(qr_buf_t *b, const void *body, size_t body_len);
void qr_frame_put_response(qr_buf_t *b, uint32_t id, const qr_response_t *res);
/* status is checked to be 100..999. */
int qr_frame_get_response(const qr_frame_t *f, qr_response_t *res, qr_header_t *headers, size_t max);

/* BROADCAST: a stream name and the JSON message for its subscribers. */
void qr_frame_put_broadcast(qr_buf_t *b, const char *stream, size_t stream_len, const char *json,
                            size_t json_len);
int qr_frame_get_broadcast(const qr_frame_t *f, qr_slice_t *stream, qr_slice_t *json);

/* CABLE (type QR_F_CABLE: an operation) and CABLE_RESULT (its answer): one JSON document. */
void qr_frame_put_cable(qr_buf_t *b, uint8_t type, uint32_t id, const char *json, size_t len);
int qr_frame_get_cable(const qr_frame_t *f, uint8_t type, qr_slice_t *json);

#endif
