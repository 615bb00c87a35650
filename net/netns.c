/*
 * netns.c — chatnet's network namespaces (see netns.h). Making and removing
 * them goes through `ip netns`, so they are the ordinary kind every other
 * tool (ip netns exec, ip -n, tc -n) knows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd.h"
#include "netns.h"
#include "spec.h"

void
netns_name(const char *net, const char *host, char *buf)
{
	snprintf(buf, NETNS_NAME, "%s-%s", net, host);
}

bool
netns_exists(const char *ns)
{
	char path[NETNS_NAME + sizeof(NETNS_DIR) + 1];

	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, ns);
	return access(path, F_OK) == 0;
}

int
netns_add(const char *ns, char *err, size_t errlen)
{
	if (cmd_run(NULL, (const char *const[]){ "ip", "netns", "add", ns,
	            NULL }, NULL, err, errlen) < 0)
		return -1;
	return cmd_run(NULL, (const char *const[]){ "ip", "-n", ns, "link",
	               "set", "lo", "up", NULL }, NULL, err, errlen);
}

int
netns_enter(const char *ns, char *err, size_t errlen)
{
	char path[NETNS_NAME + sizeof(NETNS_DIR) + 1];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    setns(fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The inode that identifies namespace file path (0 when none). */
static ino_t
ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

bool
netns_holds(const char *ns, int pid)
{
	char a[NETNS_NAME + sizeof(NETNS_DIR) + 1], b[64];
	ino_t want;

	snprintf(a, sizeof(a), "%s/%s", NETNS_DIR, ns);
	snprintf(b, sizeof(b), "/proc/%d/ns/net", pid);
	want = ns_inode(a);
	return want != 0 && pid > 0 && ns_inode(b) == want;
}

/* Send sig to every process in ns; returns how many there were. */
static int
signal_all(const char *ns, int sig)
{
	struct dirent *e;
	DIR *d = opendir("/proc");
	int pid, n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		pid = atoi(e->d_name);
		if (pid > 0 && pid != getpid() && netns_holds(ns, pid)) {
			kill(pid, sig);
			n++;
		}
	}
	closedir(d);
	return n;
}

int
netns_remove(const char *ns, char *err, size_t errlen)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int i;

	if (signal_all(ns, SIGTERM) > 0) {
		for (i = 0; i < 20 && signal_all(ns, 0) > 0; i++)
			nanosleep(&tick, NULL);
		signal_all(ns, SIGKILL);
	}
	return cmd_run(NULL, (const char *const[]){ "ip", "netns", "delete", ns,
	               NULL }, NULL, err, errlen);
}

int
netns_each(const char *net, void (*fn)(const char *host, void *arg),
           void *arg)
{
	static char found[SPEC_HOSTS_MAX * 2][NETNS_NAME];
	struct dirent *e;
	size_t len = strlen(net);
	DIR *d = opendir(NETNS_DIR);
	const char *host;
	int n = 0, i;

	if (d == NULL)
		return 0;
	/* Names first, then calls: fn may remove what it is given. */
	while ((e = readdir(d)) != NULL && n < SPEC_HOSTS_MAX * 2) {
		if (strncmp(e->d_name, net, len) != 0 || e->d_name[len] != '-')
			continue;
		host = e->d_name + len + 1;
		if (spec_host_ok(host) || strcmp(host, NETNS_BRIDGE) == 0)
			snprintf(found[n++], NETNS_NAME, "%s", host);
	}
	closedir(d);
	for (i = 0; i < n; i++)
		fn(found[i], arg);
	return n;
}
