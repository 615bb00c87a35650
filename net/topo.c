/*
 * topo.c — a chatnet network's namespaces, links, addresses and name files
 * (see topo.h for the picture).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd.h"
#include "netns.h"
#include "topo.h"

#define TOPO_FIRST_STUDENT 11

volatile int topo_interrupted;

/* ---------------------------------------------------------------------------
 * Names, numbers and the state file
 * ------------------------------------------------------------------------ */

int
topo_net_ok(const char *net)
{
	size_t i, n = strlen(net);

	if (n == 0 || n > TOPO_NET_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)net[i]) && net[i] != '-' &&
		    net[i] != '_')
			return 0;
	return 1;
}

void
topo_path(const char *net, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", TOPO_STATE, net, name[0] ? "/" : "",
	         name);
}

void
topo_addr4(unsigned num, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%u", TOPO_NET4, num);
}

void
topo_addr6(unsigned num, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", TOPO_NET6, num);
}

int
topo_find(const struct topo *t, const char *host)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->h[i].name, host) == 0)
			return (int)i;
	return -1;
}

/* The state file: "mtu N", then "host NAME NUM" per host. */
void
topo_load(struct topo *t, const char *net)
{
	char path[256], line[128], name[SPEC_HOST_MAX + 2];
	unsigned num;
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(t->net, sizeof(t->net), "%s", net);
	t->mtu = TOPO_MTU;
	topo_path(net, "hosts", path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL && t->n < SPEC_HOSTS_MAX) {
		if (sscanf(line, "mtu %u", &num) == 1)
			t->mtu = num;
		else if (sscanf(line, "host %13s %u", name, &num) == 2 &&
		         spec_host_ok(name) && topo_find(t, name) < 0) {
			memcpy(t->h[t->n].name, name, strlen(name) + 1);
			t->h[t->n++].num = num;
		}
	}
	fclose(f);
}

static int
save(const struct topo *t, char *err, size_t errlen)
{
	char path[256];
	size_t i;
	FILE *f;

	topo_path(t->net, "", path, sizeof(path));
	mkdir(TOPO_STATE, 0755);
	mkdir(path, 0755);
	topo_path(t->net, "hosts", path, sizeof(path));
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "mtu %u\n", t->mtu);
	for (i = 0; i < t->n; i++)
		fprintf(f, "host %s %u\n", t->h[i].name, t->h[i].num);
	return fclose(f) == 0 ? 0 : -1;
}

/* Every host's /etc/netns/NET-HOST/hosts names every host. */
static int
write_hosts_files(const struct topo *t, char *err, size_t errlen)
{
	char ns[NETNS_NAME], path[256], a4[32], a6[64];
	size_t i, j;
	FILE *f;

	mkdir(TOPO_ETC, 0755);
	for (i = 0; i < t->n; i++) {
		netns_name(t->net, t->h[i].name, ns);
		snprintf(path, sizeof(path), "%s/%s", TOPO_ETC, ns);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/%s/hosts", TOPO_ETC, ns);
		if ((f = fopen(path, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		fprintf(f, "# chatnet network %s, host %s\n127.0.0.1\tlocalhost\n"
		        "::1\tlocalhost ip6-localhost ip6-loopback\n",
		        t->net, t->h[i].name);
		for (j = 0; j < t->n; j++) {
			topo_addr4(t->h[j].num, a4, sizeof(a4));
			topo_addr6(t->h[j].num, a6, sizeof(a6));
			fprintf(f, "%s\t%s\n%s\t%s\n", a4, t->h[j].name, a6,
			        t->h[j].name);
		}
		fclose(f);
	}
	return 0;
}

/* ---------------------------------------------------------------------------
 * Up
 * ------------------------------------------------------------------------ */

static int
add_bridge(const char *net, char *err, size_t errlen)
{
	char b[NETNS_NAME];

	netns_name(net, NETNS_BRIDGE, b);
	if (netns_add(b, err, errlen) < 0)
		return -1;
	if (CMD(err, errlen, "ip", "-n", b, "link", "add", "br0", "type",
	        "bridge", "mcast_snooping", "0") < 0 ||
	    CMD(err, errlen, "ip", "-n", b, "link", "set", "br0", "up") < 0) {
		snprintf(err + strlen(err), errlen - strlen(err), " (bridge)");
		return -1;
	}
	return 0;
}

/* One host: its namespace, a veth pair from the bridge, addresses. */
static int
add_host(const struct topo *t, const struct topo_host *h, char *err,
         size_t errlen)
{
	char ns[NETNS_NAME], b[NETNS_NAME], mtu[16], a4[40], a6[64];

	netns_name(t->net, h->name, ns);
	netns_name(t->net, NETNS_BRIDGE, b);
	snprintf(mtu, sizeof(mtu), "%u", t->mtu);
	snprintf(a4, sizeof(a4), "%s.%u/24", TOPO_NET4, h->num);
	snprintf(a6, sizeof(a6), "%s:%u/64", TOPO_NET6, h->num);
	if (netns_add(ns, err, errlen) < 0 ||
	    CMD(err, errlen, "ip", "-n", b, "link", "add", h->name, "mtu", mtu,
	        "type", "veth", "peer", "name", TOPO_IF, "netns", ns) < 0 ||
	    CMD(err, errlen, "ip", "-n", b, "link", "set", h->name, "master",
	        "br0", "up") < 0 ||
	    CMD(err, errlen, "ip", "-n", ns, "link", "set", TOPO_IF, "mtu", mtu,
	        "up") < 0 ||
	    CMD(err, errlen, "ip", "-n", ns, "addr", "add", a4, "dev",
	        TOPO_IF) < 0 ||
	    CMD(err, errlen, "ip", "-n", ns, "addr", "add", a6, "dev", TOPO_IF,
	        "nodad") < 0)
		return -1;
	return 0;
}

/* Set the MTU of a host that was already up (up is idempotent). */
static int
set_mtu(const struct topo *t, const struct topo_host *h, char *err,
        size_t errlen)
{
	char ns[NETNS_NAME], b[NETNS_NAME], mtu[16];

	netns_name(t->net, h->name, ns);
	netns_name(t->net, NETNS_BRIDGE, b);
	snprintf(mtu, sizeof(mtu), "%u", t->mtu);
	if (CMD(err, errlen, "ip", "-n", b, "link", "set", h->name, "mtu",
	        mtu) < 0 ||
	    CMD(err, errlen, "ip", "-n", ns, "link", "set", TOPO_IF, "mtu",
	        mtu) < 0)
		return -1;
	return 0;
}

/* Add name to t (a new number) unless it is there. */
static void
plan(struct topo *t, const char *name)
{
	unsigned num = strcmp(name, "srv") == 0 ? 1 : TOPO_FIRST_STUDENT;
	size_t i;

	if (topo_find(t, name) >= 0 || t->n == SPEC_HOSTS_MAX)
		return;
	for (i = 0; i < t->n; i++)
		if (t->h[i].num >= num && num != 1)
			num = t->h[i].num + 1;
	snprintf(t->h[t->n].name, sizeof(t->h[0].name), "%s", name);
	t->h[t->n++].num = num;
}

/* Undo what one topo_up made: the hosts it added, the bridge if new. */
static void
roll_back(const struct topo *t, size_t first_new, int bridge_new)
{
	char ns[NETNS_NAME], ignored[256];
	size_t i;

	for (i = first_new; i < t->n; i++) {
		netns_name(t->net, t->h[i].name, ns);
		if (netns_exists(ns))
			netns_remove(ns, ignored, sizeof(ignored));
	}
	if (bridge_new)
		topo_down(t->net, ignored, sizeof(ignored));
}

int
topo_up(struct topo *t, const char *net, char names[][SPEC_HOST_MAX + 1],
        size_t n, unsigned mtu, char *err, size_t errlen)
{
	char b[NETNS_NAME], ns[NETNS_NAME];
	size_t i, old;
	int bridge_new, rc = 0;

	topo_load(t, net);
	netns_name(net, NETNS_BRIDGE, b);
	bridge_new = !netns_exists(b);
	if (bridge_new)
		t->n = 0;       /* a state file without a network: start anew */
	old = t->n;
	t->mtu = mtu;
	plan(t, "srv");
	for (i = 0; i < n; i++)
		plan(t, names[i]);
	if (bridge_new)
		rc = add_bridge(net, err, errlen);
	for (i = 0; i < t->n && rc == 0; i++) {
		netns_name(net, t->h[i].name, ns);
		rc = i >= old || !netns_exists(ns) ? add_host(t, &t->h[i], err,
		     errlen) : set_mtu(t, &t->h[i], err, errlen);
		if (rc == 0 && topo_interrupted) {
			snprintf(err, errlen, TR("interrupted", "interrumpido"));
			rc = -1;
		}
	}
	if (rc == 0)
		rc = save(t, err, errlen) < 0 ||
		     write_hosts_files(t, err, errlen) < 0 ? -1 : 0;
	if (rc < 0)
		roll_back(t, old, bridge_new);
	return rc;
}

/* ---------------------------------------------------------------------------
 * Down
 * ------------------------------------------------------------------------ */

struct down {
	const char *net;
	int removed, failed;
	char *err;
	size_t errlen;
};

static void
remove_ns(const char *host, void *arg)
{
	struct down *d = arg;
	char ns[NETNS_NAME];

	if (strcmp(host, NETNS_BRIDGE) == 0)
		return;         /* last, once its ports' hosts are gone */
	netns_name(d->net, host, ns);
	if (netns_remove(ns, d->err, d->errlen) < 0)
		d->failed++;
	else
		d->removed++;
}

/* Remove a directory's files, then the directory. */
static void
remove_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* /etc/netns/NET-HOST for every host name, state or no state. */
static void
remove_etc(const char *net)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(TOPO_ETC);
	size_t len = strlen(net);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, net, len) == 0 && e->d_name[len] == '-' &&
		    spec_host_ok(e->d_name + len + 1)) {
			snprintf(path, sizeof(path), "%s/%s", TOPO_ETC, e->d_name);
			remove_dir(path);
		}
	closedir(d);
	rmdir(TOPO_ETC);        /* only if empty: it may hold others' files */
}

int
topo_down(const char *net, char *err, size_t errlen)
{
	struct down d = { net, 0, 0, err, errlen };
	char b[NETNS_NAME], path[256];

	netns_each(net, remove_ns, &d);
	netns_name(net, NETNS_BRIDGE, b);
	if (netns_exists(b)) {
		if (netns_remove(b, err, errlen) < 0)
			d.failed++;
		else
			d.removed++;
	}
	remove_etc(net);
	topo_path(net, "", path, sizeof(path));
	remove_dir(path);
	rmdir(TOPO_STATE);
	return d.failed > 0 ? -1 : d.removed;
}
