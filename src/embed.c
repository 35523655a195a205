/* embed.c — lookup in the table of files compiled into the binary (embed.h). Pure. */
#include "embed.h"
#include <string.h>

const qr_embed_file_t *qr_embed_find(const char *path)
{
    size_t lo = 0, hi = qr_embed_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(path, qr_embed_files[mid].path);
        if (c == 0) return &qr_embed_files[mid];
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return NULL;
}
