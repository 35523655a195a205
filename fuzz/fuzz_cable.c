/* fuzz_cable.c — the Action Cable command decoder (cable_decode.h), which reads every WebSocket
 * message a client sends on /cable and every subscription identifier in it. The input is tried
 * both as a command and as an identifier. Invariants: only the documented codes come back; a
 * decoded command has a known verb, NUL-free strings whose lengths are right, data only for
 * message; a decoded command encoded again as JSON decodes to the same fields (nothing was cut
 * or invented), and so does a decoded identifier's channel and signed stream name. */
#include <errno.h>
#include <string.h>
#include "buf.h"
#include "cable_decode.h"
#include "fuzz.h"

static const char *verbs[] = {NULL, "subscribe", "unsubscribe", "message"};

static void check_ident(const char *s, size_t len)
{
    qr_cable_ident_t id;
    int r = qr_cable_decode_identifier(s, len, &id);
    FUZZ_CHECK(r == 0 || r == -E2BIG || r == -EILSEQ || r == -EBADMSG);
    if (r != 0) {
        FUZZ_CHECK(id.channel == NULL && id.signed_stream_name == NULL);
        return;
    }
    FUZZ_CHECK(len <= QR_CABLE_MAX_IDENTIFIER && memchr(s, 0, len) == NULL);
    qr_buf_t b = QR_BUF_INIT;
    qr_buf_append_str(&b, "{");
    if (id.channel) {
        qr_buf_append_str(&b, "\"channel\":");
        qr_buf_append_json_str(&b, id.channel, strlen(id.channel));
    }
    if (id.signed_stream_name) {
        qr_buf_append_str(&b, id.channel ? ",\"signed_stream_name\":" : "\"signed_stream_name\":");
        qr_buf_append_json_str(&b, id.signed_stream_name, strlen(id.signed_stream_name));
    }
    qr_buf_append_str(&b, "}");
    qr_cable_ident_t again;
    if (b.len <= QR_CABLE_MAX_IDENTIFIER) {
        FUZZ_CHECK(qr_cable_decode_identifier(b.data, b.len, &again) == 0);
        FUZZ_CHECK((id.channel == NULL) == (again.channel == NULL));
        FUZZ_CHECK(!id.channel || strcmp(id.channel, again.channel) == 0);
        FUZZ_CHECK((id.signed_stream_name == NULL) == (again.signed_stream_name == NULL));
        FUZZ_CHECK(!id.signed_stream_name || strcmp(id.signed_stream_name, again.signed_stream_name) == 0);
        qr_cable_ident_free(&again);
    }
    qr_buf_free(&b);
    qr_cable_ident_free(&id);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    qr_cable_cmd_t c;
    int r = qr_cable_decode(s, size, &c);
    FUZZ_CHECK(r == 0 || r == -EBADMSG || r == -EILSEQ || r == -ENOTSUP || r == -EINVAL);
    if (r != 0) {
        FUZZ_CHECK(c.command == 0 && c.identifier == NULL && c.data == NULL);
    } else {
        FUZZ_CHECK(c.command >= QR_CABLE_SUBSCRIBE && c.command <= QR_CABLE_MESSAGE);
        FUZZ_CHECK(c.identifier != NULL && strlen(c.identifier) == c.identifier_len);
        FUZZ_CHECK(c.data == NULL || (c.command == QR_CABLE_MESSAGE && strlen(c.data) == c.data_len));
        FUZZ_CHECK(memchr(s, 0, size) == NULL);
        qr_buf_t b = QR_BUF_INIT;
        qr_buf_appendf(&b, "{\"command\":\"%s\",\"identifier\":", verbs[c.command]);
        qr_buf_append_json_str(&b, c.identifier, c.identifier_len);
        if (c.data) {
            qr_buf_append_str(&b, ",\"data\":");
            qr_buf_append_json_str(&b, c.data, c.data_len);
        }
        qr_buf_append_str(&b, "}");
        qr_cable_cmd_t again;
        FUZZ_CHECK(qr_cable_decode(b.data, b.len, &again) == 0);
        FUZZ_CHECK(again.command == c.command && again.identifier_len == c.identifier_len &&
                   memcmp(again.identifier, c.identifier, c.identifier_len) == 0);
        FUZZ_CHECK((again.data == NULL) == (c.data == NULL));
        FUZZ_CHECK(!c.data || (again.data_len == c.data_len && memcmp(again.data, c.data, c.data_len) == 0));
        qr_cable_cmd_free(&again);
        qr_buf_free(&b);
        check_ident(c.identifier, c.identifier_len);
        qr_cable_cmd_free(&c);
    }
    check_ident(s, size);
    return 0;
}
