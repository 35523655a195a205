/* fuzz_websocket.c — the WebSocket frame reader (websocket.h) on a memory transport: the input
 * is cut into reads at points the input itself chooses (first byte), fed to qr_ws_feed, and
 * every message delivered must be valid UTF-8 no longer than the message limit; what the
 * server writes back must stay under the slow-consumer bound plus one frame. Replies are sent
 * from on_text like cable.c does, so re-entrant sends are covered too. */
#include <string.h>
#include "buf.h"
#include "fuzz.h"
#include "websocket.h"

#define MAX_MESSAGE 4096
#define MAX_OUTBUF 65536

typedef struct {
    size_t written;
    int closed;
    qr_ws_t *ws;
    int texts;
} io_t;

static int io_write(void *p, const char *d, size_t n)
{
    io_t *io = p;
    (void)d;
    if (io->closed) return -32;
    io->written += n;
    return 0;
}
static size_t io_pending(void *p) { return ((io_t *)p)->written; }
static void io_close(void *p, int abort_now)
{
    (void)abort_now;
    ((io_t *)p)->closed = 1;
}
static const qr_ws_io_t mem_io = {io_write, io_pending, io_close};

static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
        else return 0;
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void on_text(void *ud, const char *text, size_t len)
{
    io_t *io = ud;
    FUZZ_CHECK(len <= MAX_MESSAGE);
    FUZZ_CHECK(utf8_valid((const unsigned char *)text, len));
    io->texts++;
    if (io->texts % 3 == 0) (void)qr_ws_send_text(io->ws, text, len);
    if (io->texts == 7) qr_ws_close(io->ws, 1000, "bye");
}
static const qr_ws_cbs_t cbs = {on_text};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t step = (size_t)data[0] % 17 + 1; /* read sizes 1..17 bytes, or all at once when 17 */
    data++;
    size--;
    io_t io = {0};
    io.ws = qr_ws_new(&mem_io, &io, &cbs, &io, MAX_MESSAGE, MAX_OUTBUF);
    FUZZ_CHECK(io.ws != NULL);
    size_t off = 0;
    while (off < size && !io.closed) {
        size_t n = step == 17 ? size - off : (size - off < step ? size - off : step);
        qr_ws_feed(io.ws, (const char *)data + off, n);
        off += n;
        FUZZ_CHECK(io.written <= MAX_OUTBUF + MAX_MESSAGE + 16 || io.closed);
    }
    (void)qr_ws_expire(io.ws, 10000, 1000);
    qr_ws_free(io.ws);
    return 0;
}
