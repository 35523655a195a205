/* message.h — the neutral shape of one HTTP exchange, shared by every layer that carries it:
 * http.c parses into a qr_request_t, pool.c and worker.c carry it in frames (frame.h), the
 * JavaScript host reads it, and a qr_response_t comes back the same way. Types and one lookup
 * only (message.c): no I/O, no allocation, includes nothing of the server. Runs anywhere. */
#ifndef QR_MESSAGE_H
#define QR_MESSAGE_H

#include <stddef.h>

/* One header. Both strings are borrowed; neither needs a NUL terminator. */
typedef struct {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} qr_header_t;

/* A request. Everything is borrowed from whoever built it and valid only as long as it says
 * (http.c: during the handler's on_request call). Header names keep the client's case. */
typedef struct {
    const char *method;      /* "GET" ... NUL-terminated */
    const char *target;      /* raw request target (path and query), NUL-terminated */
    const char *path;        /* target up to '?', NUL-terminated; NULL when unknown (worker side) */
    const char *query;       /* after '?', or ""; NULL when unknown (worker side) */
    const qr_header_t *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *remote_addr; /* NUL-terminated, "" when unknown */
    int upgrade;             /* 1: the client asked to switch protocols (Connection: upgrade) */
} qr_request_t;

/* A response. Borrowed like a request. */
typedef struct {
    int status;
    const qr_header_t *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
} qr_response_t;

/* The value of the first header called name (ASCII case-insensitive) in headers[0..n), or NULL;
 * *len is set when found and len is not NULL. */
const char *qr_header_find(const qr_header_t *headers, size_t n, const char *name, size_t *len);

#endif
