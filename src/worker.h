/* worker.h — a worker process: forked from the zygote, runs one request at a time. */
#ifndef QR_WORKER_H
#define QR_WORKER_H

#include <stdint.h>
#include "config.h"

/* Blocking loop on fd (the worker's end of its socketpair with the supervisor): says READY,
 * then answers REQUEST with RESPONSE and CABLE with CABLE_RESULT, forwarding broadcasts as
 * BROADCAST frames as they happen. Returns an exit code when the supervisor goes away. */
int qr_worker_main(const qr_config_t *cfg, int fd, uint32_t worker_id);

#endif
