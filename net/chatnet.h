/*
 * chatnet.h — what chatnet's command files share: the network's name, the
 * exit statuses, the usage and error messages, and the commands that live
 * in chatnet_cmds.c (run, cap, impair).
 */
#ifndef CHATNET_CHATNET_H
#define CHATNET_CHATNET_H

#include "topo.h"

#define PROG "chatnet"

/* Exit statuses (chatnet(1)): 0 done, 1 failed and undone, and these. */
enum { EXIT_USAGE = 2, EXIT_ROOT = 3, EXIT_DOWN = 4 };

/* The network's name: --net, else $CHATNET_NET, else "chatnet". */
extern const char *chatnet_net;

/* "chatnet: WHAT: VALUE" and a hint on stderr; returns EXIT_USAGE. */
int chatnet_bad_usage(const char *what, const char *value);

/* "chatnet: WHAT: ERR" on stderr; returns EXIT_FAILURE. */
int chatnet_failed(const char *what, const char *err);

/* Load the network into t; it must be up and host (unless NULL) be one of
 * its hosts. Returns 0, or EXIT_DOWN after saying which is missing. */
int chatnet_need_host(struct topo *t, const char *host);

/* The commands of chatnet_cmds.c: argv[0] is the command's name. */
int chatnet_run(int argc, char **argv);
int chatnet_cap(int argc, char **argv);
int chatnet_impair(int argc, char **argv);

#endif
