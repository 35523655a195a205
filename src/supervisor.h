/* supervisor.h — the serving process: the libuv loop, signals, the zygote's lifecycle, the
 * restart budget, the stats document and graceful shutdown; it wires the layers below it
 * (http.c with serve.c's handler, pool.c with its ops table, cable.c). Runs no JavaScript. */
#ifndef QR_SUPERVISOR_H
#define QR_SUPERVISOR_H

#include "config.h"

/* Runs `quickrail serve`: never returns before shutdown; returns the process exit code.
 * zygote_argv is the argument vector the zygote is exec'd with after "__zygote FD"
 * (the serve command line, so it re-parses the same configuration). Borrowed. */
int qr_supervisor_run(qr_config_t *cfg, int zygote_argc, char **zygote_argv);

#endif
