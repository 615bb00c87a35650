/*
 * check_server.c — the server chatcheck starts itself (--run): a free port,
 * its output kept by a reader thread, limits set in the child before it
 * runs the command, and how it ended. See check_server.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "check_server.h"

#define SERVER_POLL_MS 20

static bool reaped(struct check_server *s, unsigned ms);

/* ---------------------------------------------------------------------------
 * The network of the run, and a free port in it
 * ------------------------------------------------------------------------ */

int
server_isolate(struct check_server *s)
{
	struct ifreq ifr = { 0 };
	int fd, r = -1;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	s->netns = r == 0;
	return r;
}

/* A port nothing is bound to now (the kernel's choice for port 0). */
static int
free_port(bool udp)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	socklen_t len = sizeof(a);
	int fd, port = -1;

	fd = socket(AF_INET6, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin6_port);
	close(fd);
	return port;
}

/* ---------------------------------------------------------------------------
 * Its output
 * ------------------------------------------------------------------------ */

static void *
reader_run(void *arg)
{
	struct check_server *s = arg;
	char buf[1024];
	ssize_t n;
	size_t k;

	while ((n = read(s->out, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		k = (size_t)n;
		pthread_mutex_lock(&s->lock);
		if (s->tail_len + k > SERVER_TAIL) {    /* the oldest go */
			size_t drop = s->tail_len + k - SERVER_TAIL;

			if (drop > s->tail_len)
				drop = s->tail_len;
			memmove(s->tail, s->tail + drop, s->tail_len - drop);
			s->tail_len -= drop;
		}
		if (k > SERVER_TAIL)
			k = SERVER_TAIL;
		memcpy(s->tail + s->tail_len, buf + (size_t)n - k, k);
		s->tail_len += k;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

void
server_tail(struct check_server *s, unsigned n, char *buf, size_t len)
{
	size_t end, start;

	pthread_mutex_lock(&s->lock);
	end = s->tail_len;
	while (end > 0 && s->tail[end - 1] == '\n')
		end--;
	for (start = end; start > 0; start--)
		if (s->tail[start - 1] == '\n' && --n == 0)
			break;
	if (end - start >= len)
		start = end - (len - 1);
	memcpy(buf, s->tail + start, end - start);
	buf[end - start] = '\0';
	pthread_mutex_unlock(&s->lock);
}

/* ---------------------------------------------------------------------------
 * The child: limits, then the command
 * ------------------------------------------------------------------------ */

/* Only async-signal-safe calls from here to exec (chatcheck has threads). */
static void
join_cgroup(const char *dir)
{
	char path[128], num[24];
	size_t i = sizeof(num);
	pid_t pid = getpid();
	int fd;

	if (dir[0] == '\0')
		return;
	num[--i] = '\0';
	do {
		num[--i] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid > 0 && i > 0);
	strcpy(path, dir);
	strcat(path, "/cgroup.procs");
	if ((fd = open(path, O_WRONLY)) >= 0) {
		if (write(fd, num + i, strlen(num + i)) < 0)
			_exit(126);
		close(fd);
	}
}

static void
child(struct check_server *s, const char *cmdline, int out)
{
	struct rlimit as = { SERVER_AS, SERVER_AS };
	struct rlimit files = { SERVER_FILES, SERVER_FILES };
	int null = open("/dev/null", O_RDONLY);

	size_t i;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < SERVER_CGROUPS; i++)
		join_cgroup(s->cgroup[i]);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	setrlimit(RLIMIT_AS, &as);
	setrlimit(RLIMIT_NOFILE, &files);
	/* No RLIMIT_NPROC: it counts every process of the user, not the
	 * server's; the tasks are capped by the pids cgroup, as root. */
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmdline, (char *)NULL);
	_exit(127);
}

/* The cgroups (v1) that cap the server's memory and tasks, as root: an
 * address-space limit alone would stop a thread-per-client server (each
 * thread reserves its stack) long before it uses much memory. */
static void
make_cgroups(struct check_server *s)
{
	static const struct { const char *root, *file; unsigned long max; }
	limits[SERVER_CGROUPS] = {
		{ "/sys/fs/cgroup/pids", "pids.max", SERVER_PIDS },
		{ "/sys/fs/cgroup/memory", "memory.limit_in_bytes", SERVER_MEM },
	};
	char path[160];
	size_t i;
	FILE *f;

	for (i = 0; i < SERVER_CGROUPS; i++) {
		s->cgroup[i][0] = '\0';
		if (geteuid() != 0)
			continue;
		snprintf(s->cgroup[i], sizeof(s->cgroup[i]), "%s/chatcheck.%d",
		         limits[i].root, (int)getpid());
		if (mkdir(s->cgroup[i], 0755) < 0 && errno != EEXIST) {
			s->cgroup[i][0] = '\0';
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", s->cgroup[i], limits[i].file);
		if ((f = fopen(path, "w")) != NULL) {
			fprintf(f, "%lu\n", limits[i].max);
			if (fclose(f) == 0)
				continue;
		}
		rmdir(s->cgroup[i]);
		s->cgroup[i][0] = '\0';
	}
}

/* Remove a cgroup once its last task has left it (the group's processes
 * killed a moment ago may still be exiting): up to a second. */
static void
drop_cgroup(const char *dir)
{
	struct timespec ts = { 0, SERVER_POLL_MS * 1000000L };
	unsigned t;

	for (t = 0; rmdir(dir) < 0 && errno == EBUSY && t < 1000;
	     t += SERVER_POLL_MS)
		nanosleep(&ts, NULL);
}

/* cmd with every "{port}" replaced by the port. */
static int
expand(const struct check_server *s, char *buf, size_t len)
{
	const char *c = s->cmd, *p;
	size_t o = 0;
	int n;

	while ((p = strstr(c, "{port}")) != NULL) {
		n = snprintf(buf + o, len - o, "%.*s%d", (int)(p - c), c, s->port);
		if (n < 0 || (size_t)n >= len - o)
			return -1;
		o += (size_t)n;
		c = p + 6;
	}
	n = snprintf(buf + o, len - o, "%s", c);
	return n < 0 || (size_t)n >= len - o ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Starting, watching, stopping
 * ------------------------------------------------------------------------ */

static int
spawn(struct check_server *s, char *err, size_t errlen)
{
	char cmdline[4096];
	int pipefd[2];

	if ((s->port = free_port(s->udp)) < 0 ||
	    expand(s, cmdline, sizeof(cmdline)) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "--run: %s", strerror(errno ? errno : EINVAL));
		return -1;
	}
	make_cgroups(s);
	pthread_mutex_lock(&s->lock);
	s->tail_len = 0;
	pthread_mutex_unlock(&s->lock);
	s->ended = false;
	if ((s->pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (s->pid == 0)
		child(s, cmdline, pipefd[1]);
	close(pipefd[1]);
	s->out = pipefd[0];
	s->starts++;
	s->reading = pthread_create(&s->reader, NULL, reader_run, s) == 0;
	return 0;
}

int
server_start(struct check_server *s, unsigned wait_ms, char *err,
             size_t errlen)
{
	struct timespec ts = { 0, SERVER_POLL_MS * 1000000L };
	char how[64], tail[512];
	unsigned waited;

	if (s->starts == 0)
		pthread_mutex_init(&s->lock, NULL);
	if (spawn(s, err, errlen) < 0)
		return -1;
	for (waited = 0; waited < wait_ms; waited += SERVER_POLL_MS) {
		if (!server_alive(s))
			break;
		if (check_listening(s->port, s->udp) == 1)
			return 0;
		nanosleep(&ts, NULL);
	}
	server_how(s, how, sizeof(how));
	server_stop(s);
	server_tail(s, 3, tail, sizeof(tail));
	snprintf(err, errlen, TR("the server did not listen on port %d within "
	         "%u s (%s); its last output: %s", "el servidor no escuchó en el "
	         "puerto %d en %u s (%s); su última salida: %s"), s->port,
	         wait_ms / 1000, how, tail[0] ? tail : "-");
	return -1;
}

bool
server_alive(struct check_server *s)
{
	int st;

	if (s->pid <= 0)
		return false;
	if (waitpid(s->pid, &st, WNOHANG) != s->pid)
		return true;
	s->status = st;
	s->ended = true;
	kill(-s->pid, SIGKILL);         /* what it started goes too */
	s->pid = 0;
	return false;
}

void
server_how(const struct check_server *s, char *buf, size_t len)
{
	if (!s->ended)
		snprintf(buf, len, "%s", TR("still running", "sigue en marcha"));
	else if (WIFEXITED(s->status))
		snprintf(buf, len, TR("exit status %d", "estado de salida %d"),
		         WEXITSTATUS(s->status));
	else
		snprintf(buf, len, TR("killed by signal %d (%s)",
		         "terminado por la señal %d (%s)"), WTERMSIG(s->status),
		         strsignal(WTERMSIG(s->status)));
}

bool
server_wait(struct check_server *s, unsigned ms)
{
	return reaped(s, ms);
}

/* Wait up to ms for it to end: true when it did. */
static bool
reaped(struct check_server *s, unsigned ms)
{
	struct timespec ts = { 0, SERVER_POLL_MS * 1000000L };
	unsigned t;

	for (t = 0; t <= ms; t += SERVER_POLL_MS) {
		if (!server_alive(s))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

void
server_stop(struct check_server *s)
{
	struct timespec t;
	size_t i;

	if (s->pid > 0) {
		kill(-s->pid, SIGTERM);
		if (!reaped(s, 1000)) {
			kill(-s->pid, SIGKILL);
			reaped(s, 5000);
		}
	}
	if (s->reading) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 2;
		if (pthread_timedjoin_np(s->reader, NULL, &t) == 0)
			close(s->out);
		else    /* a grandchild that left the group holds the pipe */
			pthread_detach(s->reader);
		s->reading = false;
	}
	for (i = 0; i < SERVER_CGROUPS && s->pid <= 0; i++)
		if (s->cgroup[i][0] != '\0')
			drop_cgroup(s->cgroup[i]);  /* made again at the next start */
}
