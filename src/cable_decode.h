/* cable_decode.h — the Action Cable command decoder: the text of one WebSocket message a client
 * sent on /cable (actioncable-v1-json) -> a command, and a subscription identifier -> its channel
 * and signed stream name. Pure functions: no I/O, no logging, no global state; every outside byte
 * the cable protocol reads passes through here first (fuzz/fuzz_cable.c drives it). JSON as Ruby's
 * JSON.parse and the browser's read it: the whole text is one object (trailing bytes refused) and
 * a repeated member name means its last value; a NUL (raw or \u0000) is refused, as Rails does,
 * because a C string would silently end there. */
#ifndef QR_CABLE_DECODE_H
#define QR_CABLE_DECODE_H

#include <stddef.h>

#define QR_CABLE_MAX_IDENTIFIER 16384 /* bytes of a subscription identifier */

enum { QR_CABLE_SUBSCRIBE = 1, QR_CABLE_UNSUBSCRIBE, QR_CABLE_MESSAGE };

typedef struct {
    int command;           /* QR_CABLE_SUBSCRIBE, QR_CABLE_UNSUBSCRIBE or QR_CABLE_MESSAGE */
    char *identifier;      /* owned; the "identifier" string as received (decoded JSON string) */
    size_t identifier_len; /* strlen(identifier): it holds no NUL */
    char *data;            /* owned; QR_CABLE_MESSAGE: the "data" string, NULL when it is not one */
    size_t data_len;
} qr_cable_cmd_t;

typedef struct {
    char *channel;            /* owned; the "channel" string, NULL when absent or not a string */
    char *signed_stream_name; /* owned; the "signed_stream_name" string, or NULL likewise */
} qr_cable_ident_t;

/* Decodes one client message (len bytes, need not be NUL-terminated) into *out. Returns 0, or
 * -EBADMSG (not one JSON object), -EILSEQ (a NUL in the text), -ENOTSUP (no "command" string
 * naming subscribe, unsubscribe or message), -EINVAL ("identifier" is not a string); on error
 * *out holds nothing to free. On success free it with qr_cable_cmd_free. */
int qr_cable_decode(const char *json, size_t len, qr_cable_cmd_t *out);

/* Frees what *cmd owns and clears it; a cleared or zeroed *cmd is fine. */
void qr_cable_cmd_free(qr_cable_cmd_t *cmd);

/* Decodes a subscription identifier (the JSON object text inside "identifier") into *out.
 * Returns 0, or -E2BIG (over QR_CABLE_MAX_IDENTIFIER bytes), -EILSEQ (a NUL in it), -EBADMSG
 * (not one JSON object); on error *out holds nothing to free. Free it with qr_cable_ident_free. */
int qr_cable_decode_identifier(const char *identifier, size_t len, qr_cable_ident_t *out);

/* Frees what *id owns and clears it; a cleared or zeroed *id is fine. */
void qr_cable_ident_free(qr_cable_ident_t *id);

#endif
