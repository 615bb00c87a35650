/*
 * impaird.h — the userspace impairer: the process chatnet leaves running
 * in a host's namespace when the kernel has no sch_netem. iptables NFQUEUE
 * rules (impair.c) hand it every packet the host sends or receives on eth0;
 * it decides each one's fate (fate.c), holds the delayed ones (hold.c) and
 * releases them with a verdict when their time comes, drops the lost ones,
 * and sends a copy of the duplicated ones through a raw socket. The copies
 * carry IMPAIRD_MARK, which the rules let pass untouched.
 */
#ifndef CHATNET_IMPAIRD_H
#define CHATNET_IMPAIRD_H

#include "spec.h"

#define IMPAIRD_QUEUE  14               /* NFQUEUE number (per namespace) */
#define IMPAIRD_MARK   0x72636e         /* "rcn" */
#define IMPAIRD_HELD   8192             /* packets held at most */

/*
 * Run the impairer in the calling process, which must already be in the
 * host's namespace. Once the queue is bound it writes "ok\n" to ready_fd
 * (or one line saying what failed, then returns -1), closes it, and serves
 * packets until SIGTERM or SIGINT; then it lets every held packet go and
 * returns 0.
 */
int impaird_run(const struct spec_impair *sp, int ready_fd);

#endif
