/* zygote.h — the zygote process: exec'd by the supervisor as `quickrail __zygote FD <serve
 * args>`, boots QuickJS and the app once (qr_js_host_boot), then forks workers on request. */
#ifndef QR_ZYGOTE_H
#define QR_ZYGOTE_H

#include "config.h"

/* Runs the zygote on control socket ctl_fd (SOCK_SEQPACKET). Returns an exit code. */
int qr_zygote_main(const qr_config_t *cfg, int ctl_fd);

#endif
