/*
 * topo.h — the shape of a chatnet network: its hosts, their numbers and
 * addresses, the bridge that joins them, and bringing it all up and down.
 *
 *   namespace NET-bridge: br0, with one veth end per host (named as the host)
 *   namespace NET-HOST:   eth0 (the other end), TOPO_NET4.N/24, TOPO_NET6::N/64
 *
 * The server host "srv" is number 1; students are 11, 12, ... in the order
 * they were first named. What chatnet remembers between runs lives in
 * TOPO_STATE/NET/ (the hosts, the impairments and the impairers' pids), and
 * each host's /etc/netns/NET-HOST/hosts, which `ip netns exec` mounts over
 * /etc/hosts so that host names resolve inside the network.
 */
#ifndef CHATNET_TOPO_H
#define CHATNET_TOPO_H

#include <stddef.h>

#include "spec.h"

#define TOPO_NET4       "10.77.0"               /* 10.77.0.0/24 */
#define TOPO_NET6       "fd72:6368:6174:"       /* fd72:6368:6174::/64 */
#define TOPO_STATE      "/run/chatnet"
#define TOPO_ETC        "/etc/netns"
#define TOPO_IF         "eth0"
#define TOPO_MTU        1500
#define TOPO_NET_MAX    40      /* bytes of a network name */

struct topo_host {
	char name[SPEC_HOST_MAX + 1];
	unsigned num;           /* last part of its addresses */
};

struct topo {
	char net[TOPO_NET_MAX + 1];
	unsigned mtu;
	size_t n;
	struct topo_host h[SPEC_HOSTS_MAX];
};

/* A network name: 1 to TOPO_NET_MAX letters, digits, '-' or '_'. */
int topo_net_ok(const char *net);

/* Read network net's state into t (t->n is 0 when it is not up). */
void topo_load(struct topo *t, const char *net);

/* The index of host in t, or -1. */
int topo_find(const struct topo *t, const char *host);

/* "10.77.0.N" / "fd72:6368:6174::N" into buf. */
void topo_addr4(unsigned num, char *buf, size_t len);
void topo_addr6(unsigned num, char *buf, size_t len);

/* The state file path TOPO_STATE/NET/NAME into buf. */
void topo_path(const char *net, const char *name, char *buf, size_t len);

/*
 * Bring network net up with srv and the hosts named (adding those missing
 * to a network already up; hosts already there stay as they are) at the
 * given MTU. On any failure, or a SIGINT/SIGTERM meanwhile, what this call
 * made is removed again. Returns 0, or -1 with err.
 */
int topo_up(struct topo *t, const char *net, char names[][SPEC_HOST_MAX + 1],
            size_t n, unsigned mtu, char *err, size_t errlen);

/* Remove every namespace, file and process of network net, whether or not
 * its state survived. Returns how many namespaces were removed, or -1
 * (err) when one could not be. */
int topo_down(const char *net, char *err, size_t errlen);

/* Set by chatnet's SIGINT/SIGTERM handler: stop and roll back. */
extern volatile int topo_interrupted;

#endif
