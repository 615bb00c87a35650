/*
 * netns.h — chatnet's network namespaces: their names ("NET-HOST", with
 * NET the network's name, "chatnet" unless --net says otherwise), whether
 * they exist, making, entering, emptying and removing them. Namespaces are
 * the files `ip netns` keeps in /run/netns.
 */
#ifndef CHATNET_NETNS_H
#define CHATNET_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#define NETNS_DIR     "/run/netns"
#define NETNS_NAME    64        /* bytes of a namespace name, NUL included */
#define NETNS_BRIDGE  "bridge"  /* the host part of the bridge's namespace */

/* "NET-HOST" into buf (NETNS_NAME bytes). */
void netns_name(const char *net, const char *host, char *buf);

bool netns_exists(const char *ns);

/* `ip netns add` and bring its loopback up. Returns 0 or -1 (err). */
int netns_add(const char *ns, char *err, size_t errlen);

/* Move the calling thread into the namespace. Returns 0 or -1 (err). */
int netns_enter(const char *ns, char *err, size_t errlen);

/* Is process pid inside namespace ns? */
bool netns_holds(const char *ns, int pid);

/* End every process inside ns (SIGTERM, then SIGKILL after a second) and
 * remove it. Returns 0, or -1 (err) when it could not be removed. */
int netns_remove(const char *ns, char *err, size_t errlen);

/* Call fn(host, arg) for each namespace of network net ("NET-HOST" where
 * HOST is a host name or NETNS_BRIDGE). Returns how many. */
int netns_each(const char *net, void (*fn)(const char *host, void *arg),
               void *arg);

#endif
