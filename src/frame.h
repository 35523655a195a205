/* frame.h — the framed protocol on the socketpair between the supervisor and a worker (and
 * between the supervisor and the zygote). Pure encoding and decoding: no I/O, no allocation
 * beyond the caller's qr_buf_t, so it is unit-tested on its own (tests/unit/test_frame.c).
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
 *   READY      w->s  [pid, cable_connect]                    worker is initialised and idle;
 *                                                            cable_connect "0": the app has no
 *                                                            connect hook (qr_pool_cable_needs_connect)
 *   REQUEST    s->w  [method, target, remote_addr, body, name1, value1, name2, value2, ...]
 *   RESPONSE   w->s  [status, body, name1, value1, ...]      answers REQUEST id
 *   BROADCAST  w->s  [stream, message_json]                  message_json is the JSON value sent
 *                                                            after "message": to subscribers
 *   CABLE      s->w  [op_json]                               app-defined channel operation
 *   CABLE_RESULT w->s [result_json]                          answers CABLE id
 *   FORK       s->z  []  + an fd passed with SCM_RIGHTS      zygote: fork a worker on that fd
 *   FORKED     z->s  [pid, fork_ns]                          answers FORK id
 *   EXITED     z->s  [pid, wait_status]                      a worker of the zygote was reaped
 *   BOOT_ERROR z->s  [message]                               the app failed to load (the zygote
 *                                                            exits next); message has file:line
 */
#ifndef QR_FRAME_H
#define QR_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

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
    QR_F_BOOT_ERROR,
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

#endif
