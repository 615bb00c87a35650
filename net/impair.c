/*
 * impair.c — putting an impairment on a host and taking it off (see
 * impair.h). The rules and qdiscs live inside chatnet's own namespaces
 * only; removing a namespace removes them too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cc.h"
#include "cmd.h"
#include "impair.h"
#include "impaird.h"
#include "netns.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* The host's filter tables while the impairer runs: eth0 both ways to the
 * queue, except our own duplicates (marked) and, for IPv6, neighbour
 * discovery (without which no address would resolve). */
#define RULES_HEAD \
	"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n" \
	":OUTPUT ACCEPT [0:0]\n"
#define RULES_IN "-A INPUT -i " TOPO_IF " -j CHATNET\n"
#define RULES_CHAIN \
	":CHATNET - [0:0]\n" \
	"-A OUTPUT -o " TOPO_IF " -j CHATNET\n" \
	"-A CHATNET -m mark --mark " STR(IMPAIRD_MARK) " -j RETURN\n"
#define RULES_ND6 \
	"-A CHATNET -p icmpv6 --icmpv6-type 133 -j RETURN\n" \
	"-A CHATNET -p icmpv6 --icmpv6-type 134 -j RETURN\n" \
	"-A CHATNET -p icmpv6 --icmpv6-type 135 -j RETURN\n" \
	"-A CHATNET -p icmpv6 --icmpv6-type 136 -j RETURN\n"
#define RULES_QUEUE \
	"-A CHATNET -j NFQUEUE --queue-num " STR(IMPAIRD_QUEUE) \
	" --queue-bypass\nCOMMIT\n"

/* [0] both ways, [1] what the host sends only (--egress) */
static const char *const rules4[2] = {
	RULES_HEAD RULES_CHAIN RULES_IN RULES_QUEUE,
	RULES_HEAD RULES_CHAIN RULES_QUEUE };
static const char *const rules6[2] = {
	RULES_HEAD RULES_CHAIN RULES_IN RULES_ND6 RULES_QUEUE,
	RULES_HEAD RULES_CHAIN RULES_ND6 RULES_QUEUE };
static const char empty[] = RULES_HEAD "COMMIT\n";

/* ---------------------------------------------------------------------------
 * The impairer process
 * ------------------------------------------------------------------------ */

static int
read_pid(const char *net, const char *host)
{
	char path[256], name[64];
	int pid = 0;
	FILE *f;

	snprintf(name, sizeof(name), "impaird-%s.pid", host);
	topo_path(net, name, path, sizeof(path));
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* Stop host's impairer, if one runs (it lets its held packets go). */
static void
stop_impairer(const struct topo *t, const char *host)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	char ns[NETNS_NAME];
	int pid = read_pid(t->net, host), i;

	netns_name(t->net, host, ns);
	if (pid <= 0 || !netns_holds(ns, pid))
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 100 && kill(pid, 0) == 0 && netns_holds(ns, pid); i++)
		nanosleep(&tick, NULL);
	if (netns_holds(ns, pid))
		kill(pid, SIGKILL);
}

/* In the child: detach (its errors go to TOPO_STATE/NET/impaird-HOST.log),
 * enter the namespace, run until told to stop. */
static void
impairer_child(const struct topo *t, const char *host,
               const struct spec_impair *sp, int ready)
{
	char err[256], ns[NETNS_NAME], path[256], name[64];
	int null = open("/dev/null", O_RDWR), log;

	snprintf(name, sizeof(name), "impaird-%s.log", host);
	topo_path(t->net, name, path, sizeof(path));
	log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	netns_name(t->net, host, ns);
	setsid();
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(log >= 0 ? log : null, STDERR_FILENO);
	if (netns_enter(ns, err, sizeof(err)) < 0) {
		dprintf(ready, "%s\n", err);
		_exit(1);
	}
	_exit(impaird_run(sp, ready) < 0 ? 1 : 0);
}

/* Start the impairer in host's namespace; wait until its queue is bound. */
static int
start_impairer(const struct topo *t, const char *host,
               const struct spec_impair *sp, char *err, size_t errlen)
{
	char ns[NETNS_NAME], path[256], name[64];
	struct pollfd p;
	int fds[2];
	ssize_t n;
	pid_t pid;
	FILE *f;

	netns_name(t->net, host, ns);
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		impairer_child(t, host, sp, fds[1]);
	}
	close(fds[1]);
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	n = poll(&p, 1, 5000) > 0 ? read(fds[0], err, errlen - 1) : -1;
	close(fds[0]);
	err[n > 0 ? n : 0] = '\0';
	err[strcspn(err, "\n")] = '\0';
	if (strcmp(err, "ok") != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, TR("the impairer did not start",
			         "el degradador no arrancó"));
		kill(pid, SIGKILL);
		return -1;
	}
	snprintf(name, sizeof(name), "impaird-%s.pid", host);
	topo_path(t->net, name, path, sizeof(path));
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%d\n", (int)pid);
		fclose(f);
	}
	return 0;
}

/* ---------------------------------------------------------------------------
 * Qdiscs: netem, or tbf for the rate
 * ------------------------------------------------------------------------ */

/* Append "name value" to argv when value is not empty. */
static void
arg2(const char **argv, size_t *n, const char *name, const char *value)
{
	if (value[0] == '\0')
		return;
	argv[(*n)++] = name;
	argv[(*n)++] = value;
}

/* `tc -n NS qdisc replace dev DEV root netem ...` from sp. */
static int
netem(const char *ns, const char *dev, const struct spec_impair *sp,
      char *err, size_t errlen)
{
	char d[32] = "", j[32] = "", l[32] = "", u[32] = "", r[32] = "",
	     rate[32] = "", seed[32] = "";
	const char *argv[32] = { "tc", "-n", ns, "qdisc", "replace", "dev", dev,
	                         "root", "netem" };
	size_t n = 9;

	if (sp->delay_us > 0 || sp->jitter_us > 0)
		snprintf(d, sizeof(d), "%lluus", (unsigned long long)sp->delay_us);
	if (sp->jitter_us > 0)
		snprintf(j, sizeof(j), "%lluus", (unsigned long long)sp->jitter_us);
	if (sp->loss > 0)
		snprintf(l, sizeof(l), "%g%%", sp->loss * 100);
	if (sp->dup > 0)
		snprintf(u, sizeof(u), "%g%%", sp->dup * 100);
	if (sp->reorder > 0)
		snprintf(r, sizeof(r), "%g%%", sp->reorder * 100);
	if (sp->rate_bps > 0)
		snprintf(rate, sizeof(rate), "%llubit",
		         (unsigned long long)sp->rate_bps);
	if (sp->has_seed)
		snprintf(seed, sizeof(seed), "%llu",
		         (unsigned long long)sp->seed);
	arg2(argv, &n, "delay", d);
	if (j[0] != '\0')
		argv[n++] = j;
	arg2(argv, &n, "loss", l);
	arg2(argv, &n, "duplicate", u);
	arg2(argv, &n, "reorder", r);
	arg2(argv, &n, "rate", rate);
	arg2(argv, &n, "seed", seed);
	return cmd_run(NULL, argv, NULL, err, errlen);
}

/* The rate as a token bucket: a burst of two full frames or 20 ms. */
static int
tbf(const char *ns, const char *dev, const struct topo *t,
    const struct spec_impair *sp, char *err, size_t errlen)
{
	char rate[32], burst[32];
	uint64_t b = sp->rate_bps / 8 / 50;

	if (b < 2ull * t->mtu + 200)
		b = 2ull * t->mtu + 200;
	snprintf(rate, sizeof(rate), "%llubit", (unsigned long long)sp->rate_bps);
	snprintf(burst, sizeof(burst), "%llu", (unsigned long long)b);
	return CMD(err, errlen, "tc", "-n", ns, "qdisc", "replace", "dev", dev,
	           "root", "tbf", "rate", rate, "burst", burst, "latency",
	           "100ms");
}

/* ---------------------------------------------------------------------------
 * The two ways
 * ------------------------------------------------------------------------ */

static int
via_netem(const struct topo *t, const char *host, const struct spec_impair *sp,
          char *err, size_t errlen)
{
	char ns[NETNS_NAME], b[NETNS_NAME];

	netns_name(t->net, host, ns);
	netns_name(t->net, NETNS_BRIDGE, b);
	if (netem(ns, TOPO_IF, sp, err, errlen) < 0) {
		struct spec_impair unseeded = *sp;

		/* Older tc has no "seed": netem still works, unrepeatably. */
		unseeded.has_seed = false;
		if (strstr(err, "seed") == NULL ||
		    netem(ns, TOPO_IF, &unseeded, err, errlen) < 0)
			return -1;
		return sp->egress ? 0 : netem(b, host, &unseeded, err, errlen);
	}
	return sp->egress ? 0 : netem(b, host, sp, err, errlen);
}

static int
via_nfqueue(const struct topo *t, const char *host,
            const struct spec_impair *sp, char *err, size_t errlen)
{
	char ns[NETNS_NAME], b[NETNS_NAME];

	netns_name(t->net, host, ns);
	netns_name(t->net, NETNS_BRIDGE, b);
	if (sp->rate_bps > 0 && (tbf(ns, TOPO_IF, t, sp, err, errlen) < 0 ||
	                         (!sp->egress &&
	                          tbf(b, host, t, sp, err, errlen) < 0)))
		return -1;
	if (!spec_needs_packets(sp))
		return 0;
	if (start_impairer(t, host, sp, err, errlen) < 0)
		return -1;
	if (cmd_run(ns, (const char *const[]){ "iptables-restore", "-w", NULL },
	            rules4[sp->egress], err, errlen) < 0 ||
	    cmd_run(ns, (const char *const[]){ "ip6tables-restore", "-w", NULL },
	            rules6[sp->egress], err, errlen) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------------------
 * Apply, clear, describe
 * ------------------------------------------------------------------------ */

static void
state_path(const struct topo *t, const char *host, char *buf, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "impair-%s", host);
	topo_path(t->net, name, buf, len);
}

int
impair_clear(const struct topo *t, const char *host, char *err,
             size_t errlen)
{
	char ns[NETNS_NAME], b[NETNS_NAME], path[256], ignored[256];

	netns_name(t->net, host, ns);
	netns_name(t->net, NETNS_BRIDGE, b);
	stop_impairer(t, host);
	/* Whatever is not there fails harmlessly: its error is ignored. */
	cmd_run(ns, (const char *const[]){ "iptables-restore", "-w", NULL },
	        empty, ignored, sizeof(ignored));
	cmd_run(ns, (const char *const[]){ "ip6tables-restore", "-w", NULL },
	        empty, ignored, sizeof(ignored));
	CMD(ignored, sizeof(ignored), "tc", "-n", ns, "qdisc", "del", "dev",
	    TOPO_IF, "root");
	CMD(ignored, sizeof(ignored), "tc", "-n", b, "qdisc", "del", "dev",
	    host, "root");
	state_path(t, host, path, sizeof(path));
	unlink(path);
	cc_state_path(t, host, path, sizeof(path));
	unlink(path);
	snprintf(path, sizeof(path), "impaird-%s.pid", host);
	topo_path(t->net, path, ignored, sizeof(ignored));
	unlink(ignored);
	snprintf(path, sizeof(path), "impaird-%s.log", host);
	topo_path(t->net, path, ignored, sizeof(ignored));
	unlink(ignored);
	(void)err;
	(void)errlen;
	return 0;
}

/* Try netem unless told not to; fall back to NFQUEUE when the kernel has
 * no netem (auto only). Sets *how to what was used. */
static int
choose(const struct topo *t, const char *host, const struct spec_impair *sp,
       enum impair_via via, const char **how, char *err, size_t errlen)
{
	if (via != IMPAIR_NFQUEUE) {
		*how = "netem";
		if (via_netem(t, host, sp, err, errlen) == 0)
			return 0;
		if (via == IMPAIR_NETEM)
			return -1;
		impair_clear(t, host, err, errlen);
	}
	*how = !spec_needs_packets(sp) ? "tbf"
	     : via == IMPAIR_NFQUEUE ? "nfqueue" : "nfqueue, no sch_netem";
	return via_nfqueue(t, host, sp, err, errlen);
}

int
impair_apply(const struct topo *t, const char *host, struct spec_impair *sp,
             enum impair_via via, char *err, size_t errlen)
{
	char desc[256], path[256];
	const char *how = "none";
	FILE *f;

	impair_clear(t, host, err, errlen);
	if (!sp->has_seed) {
		sp->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
		sp->seed %= 1000000;
		sp->has_seed = true;
	}
	spec_format(sp, desc, sizeof(desc));
	if ((spec_needs_packets(sp) || sp->rate_bps > 0) &&
	    choose(t, host, sp, via, &how, err, errlen) < 0) {
		impair_clear(t, host, desc, sizeof(desc));
		return -1;
	}
	state_path(t, host, path, sizeof(path));
	if (strcmp(how, "none") != 0 && (f = fopen(path, "w")) != NULL) {
		fprintf(f, "%s\t%s\t%llu %llu %.17g %.17g %.17g %llu %llu %d\n",
		        desc, how, (unsigned long long)sp->delay_us,
		        (unsigned long long)sp->jitter_us, sp->loss, sp->dup,
		        sp->reorder, (unsigned long long)sp->rate_bps,
		        (unsigned long long)sp->seed, (int)sp->egress);
		fclose(f);
	}
	if (strcmp(how, "none") == 0)
		printf(TR("%s: no impairment\n", "%s: sin degradación\n"), host);
	else if (strchr(how, ' ') == NULL)       /* netem, tbf */
		printf("%s: %s (%s)\n", host, desc, how);
	else
		printf(TR("%s: %s (userspace impairer: NFQUEUE%s)\n",
		          "%s: %s (degradador en espacio de usuario: NFQUEUE%s)\n"),
		       host, desc, strchr(how, ',') != NULL
		       ? TR("; this kernel has no sch_netem",
		            "; este núcleo no tiene sch_netem") : "");
	return 0;
}

/* The state file's line for host: "DESC\tHOW\tNUMBERS"; 0 or -1. */
static int
read_state(const struct topo *t, const char *host, char *line, size_t len)
{
	char path[256];
	FILE *f;
	int rc = -1;

	state_path(t, host, path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, (int)len, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		rc = strchr(line, '\t') != NULL ? 0 : -1;
	}
	fclose(f);
	return rc;
}

int
impair_kept(const struct topo *t, const char *host, struct spec_impair *sp)
{
	unsigned long long d, j, r, seed;
	char line[320], *nums;
	int egress;

	if (read_state(t, host, line, sizeof(line)) < 0 ||
	    (nums = strchr(strchr(line, '\t') + 1, '\t')) == NULL ||
	    sscanf(nums + 1, "%llu %llu %lg %lg %lg %llu %llu %d", &d, &j,
	           &sp->loss, &sp->dup, &sp->reorder, &r, &seed, &egress) != 8)
		return -1;
	sp->egress = egress != 0;
	sp->delay_us = d;
	sp->jitter_us = j;
	sp->rate_bps = r;
	sp->seed = seed;
	sp->has_seed = true;
	return 0;
}

/* Does host's NFQUEUE impairer still run? (Without root its namespace
 * cannot be read: a live process of another user counts.) */
static bool
impairer_alive(const struct topo *t, const char *host)
{
	char ns[NETNS_NAME];
	int pid = read_pid(t->net, host);

	netns_name(t->net, host, ns);
	if (pid <= 0 || (kill(pid, 0) < 0 && errno != EPERM))
		return false;
	return geteuid() != 0 || netns_holds(ns, pid);
}

void
impair_describe(const struct topo *t, const char *host, char *buf,
                size_t len)
{
	char line[320], *how, *tab;

	snprintf(buf, len, TR("none", "ninguna"));
	if (read_state(t, host, line, sizeof(line)) < 0)
		return;
	how = strchr(line, '\t');
	*how++ = '\0';
	if ((tab = strchr(how, '\t')) != NULL)
		*tab = '\0';
	if (strstr(how, "nfqueue") != NULL && !impairer_alive(t, host))
		snprintf(buf, len, TR("none: the impairer of \"%s\" died, packets "
		         "pass unimpaired (chatnet impair %s restarts it)",
		         "ninguna: murió el degradador de \"%s\", los paquetes "
		         "pasan sin degradar (chatnet impair %s lo reinicia)"),
		         line, host);
	else            /* HOW as stored is English: say it in the run's language */
		snprintf(buf, len, "%s (%s)", line, strcmp(how, "nfqueue, no "
		         "sch_netem") != 0 ? how : TR("nfqueue, no sch_netem",
		         "nfqueue, sin sch_netem"));
}
