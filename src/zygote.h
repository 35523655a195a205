/* zygote.h — the zygote process: forked by the supervisor (the first one) or exec'd as
 * `quickrail __zygote FD [--standby] <serve args>`, boots QuickJS and the app once
 * (qr_js_host_boot), then forks workers on request. A standby zygote (development reloads)
 * loads the runtime and lib/quickrail, says STANDBY, and loads the app only when told LOAD. */
#ifndef QR_ZYGOTE_H
#define QR_ZYGOTE_H

#include "config.h"

/* Runs the zygote on control socket ctl_fd (SOCK_SEQPACKET); standby: wait for LOAD before
 * loading the app (above). Returns an exit code. */
int qr_zygote_main(const qr_config_t *cfg, int ctl_fd, int standby);

#endif
