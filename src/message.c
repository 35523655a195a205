/* message.c — the one function of message.h: a case-insensitive header lookup over a borrowed
 * array. Pure; calls only libc; runs in any process. */
#include "message.h"
#include <string.h>
#include <strings.h>

const char *qr_header_find(const qr_header_t *headers, size_t n, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n; i++) {
        const qr_header_t *h = &headers[i];
        if (h->name_len == nl && strncasecmp(h->name, name, nl) == 0) {
            if (len) *len = h->value_len;
            return h->value;
        }
    }
    return NULL;
}
