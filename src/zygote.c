/* zygote.c — the zygote process (zygote.h). Forked (or exec'd) by the supervisor, it boots
 * QuickJS and the app once (qr_js_host_boot; a standby zygote first loads the runtime and
 * lib/quickrail, says STANDBY and loads the app when a LOAD frame comes), says READY, then serves FORK frames arriving on its control
 * socket (SOCK_SEQPACKET, one frame per message, the worker's socket passed with SCM_RIGHTS):
 * fork(), and the child becomes a worker (worker.c) with the app already loaded (copy-on-write).
 * It reaps its children (signalfd) and reports each as EXITED; a boot failure is sent as
 * BOOT_ERROR before exiting. A reload starts a new zygote and closes the old one's control
 * socket: it then exits, its workers live on. Blocking poll loop; runs no
 * request. Calls js_host.c, worker.c, frame.c, log.c. */
#include "zygote.h"
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "common.h"
#include "frame.h"
#include "js_host.h"
#include "log.h"
#include "worker.h"

static int g_ctl = -1;

static void send_ctl(qr_buf_t *b)
{
    ssize_t n;
    do n = send(g_ctl, b->data, b->len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) _exit(0); /* supervisor gone */
}

static void become_worker(const qr_config_t *cfg, int fd, uint32_t id, int sfd, sigset_t *old)
{
    close(g_ctl);
    close(sfd);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, old, NULL);
    char tag[32];
    snprintf(tag, sizeof tag, "w%u", id);
    qr_log_set_tag(tag);
    char comm[16];
    snprintf(comm, sizeof comm, "quickrail-w%u", id);
    prctl(PR_SET_NAME, comm); /* what ps/top show: quickrail-w3 */
    uint64_t t0 = qr_now_ns();
    qr_js_host_after_fork((int)id);
    qr_debug("after_fork took %.2f ms", (double)(qr_now_ns() - t0) / 1e6);
    _exit(qr_worker_main(cfg, fd, id));
}

/* A standby zygote: the runtime and the framework now, then wait for LOAD (a reload). 0 to
 * go on loading the app, else the exit code. */
static int standby_until_load(const qr_config_t *cfg)
{
    char *err = NULL;
    if (qr_js_host_boot_runtime(cfg, 1, &err) != 0) {
        qr_error("the standby zygote could not load the runtime: %s", err ? err : "unknown error");
        free(err);
        return 3;
    }
    qr_buf_t b = QR_BUF_INIT;
    qr_frame_begin(&b, QR_F_STANDBY, 0);
    qr_frame_end(&b);
    send_ctl(&b);
    qr_buf_free(&b);
    char msg[256];
    ssize_t n;
    do n = recv(g_ctl, msg, sizeof msg, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return 4; /* the supervisor dropped the standby: exit quietly */
    qr_slice_t fields[2];
    qr_frame_t f;
    size_t used;
    if (qr_frame_parse(msg, (size_t)n, &f, fields, 2, &used) != 1 || f.type != QR_F_LOAD) {
        qr_error("standby zygote: expected LOAD on the control socket");
        return 1;
    }
    return 0;
}

int qr_zygote_main(const qr_config_t *cfg, int ctl_fd, int standby)
{
    g_ctl = ctl_fd;
    qr_log_set_tag(standby ? "standby" : "zygote");
    prctl(PR_SET_NAME, "quickrail-zyg");
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    qr_debug("zygote main after %.1f ms of cpu (exec, dynamic loader, command line)", (double)qr_cpu_ns() / 1e6);
    if (standby) {
        int rc = standby_until_load(cfg);
        if (rc == 4) return 0;
        if (rc) return rc;
        qr_log_set_tag("zygote");
    }
    uint64_t t0 = qr_now_ns();
    char *err = NULL;
    if ((standby ? qr_js_host_boot_app(&err) : qr_js_host_boot(cfg, &err)) != 0) {
        qr_error("the app in %s failed to load: %s", cfg->app_dir, err ? err : "unknown error");
        /* the supervisor keeps the text: the development error page shows it after a failed reload */
        qr_buf_t eb = QR_BUF_INIT;
        const char *text = err ? err : "unknown error";
        size_t n = strlen(text);
        qr_frame_begin(&eb, QR_F_BOOT_ERROR, 0);
        qr_frame_add(&eb, text, n > 60000 ? 60000 : n);
        qr_frame_end(&eb);
        send_ctl(&eb);
        qr_buf_free(&eb);
        free(err);
        return 3;
    }
    qr_info("app loaded in %.1f ms", (double)(qr_now_ns() - t0) / 1e6);

    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, &old);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) { qr_error("signalfd: %s", strerror(errno)); return 1; }

    qr_buf_t out = QR_BUF_INIT;
    /* READY carries the Turbo stream key: the supervisor adopts it (cable) instead of deriving it */
    unsigned char key[QR_STREAM_KEY_LEN];
    qr_js_host_stream_key(key);
    qr_frame_begin(&out, QR_F_READY, 0);
    qr_frame_add_u64(&out, (uint64_t)getpid());
    qr_frame_add(&out, key, sizeof key);
    qr_frame_end(&out);
    send_ctl(&out);

    char msg[4096];
    char cbuf[CMSG_SPACE(sizeof(int))];
    for (;;) {
        struct pollfd pf[2] = {{ctl_fd, POLLIN, 0}, {sfd, POLLIN, 0}};
        int pr = poll(pf, 2, -1);
        if (pr < 0) { if (errno == EINTR) continue; qr_error("poll: %s", strerror(errno)); return 1; }
        if (pf[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {}
            int st;
            pid_t pid;
            while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
                qr_buf_reset(&out);
                qr_frame_begin(&out, QR_F_EXITED, 0);
                qr_frame_add_u64(&out, (uint64_t)pid);
                qr_frame_add_u64(&out, (uint64_t)(unsigned)st);
                qr_frame_end(&out);
                send_ctl(&out);
            }
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            struct iovec iov = {msg, sizeof msg};
            struct msghdr mh;
            memset(&mh, 0, sizeof mh);
            mh.msg_iov = &iov;
            mh.msg_iovlen = 1;
            mh.msg_control = cbuf;
            mh.msg_controllen = sizeof cbuf;
            ssize_t n = recvmsg(ctl_fd, &mh, MSG_CMSG_CLOEXEC);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return 0; /* the supervisor is gone */
            int fd = -1;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
            qr_slice_t fields[4];
            qr_frame_t f;
            size_t used;
            if (qr_frame_parse(msg, (size_t)n, &f, fields, 4, &used) != 1 || f.type != QR_F_FORK || fd < 0) {
                qr_error("unexpected message on the control socket");
                if (fd >= 0) close(fd);
                continue;
            }
            uint64_t t = qr_now_ns();
            pid_t pid = fork();
            if (pid == 0) become_worker(cfg, fd, f.id, sfd, &old);
            uint64_t fork_ns = qr_now_ns() - t;
            close(fd);
            if (pid < 0) { qr_error("fork: %s", strerror(errno)); continue; }
            qr_buf_reset(&out);
            qr_frame_begin(&out, QR_F_FORKED, f.id);
            qr_frame_add_u64(&out, (uint64_t)pid);
            qr_frame_add_u64(&out, fork_ns);
            qr_frame_end(&out);
            send_ctl(&out);
        }
    }
}
