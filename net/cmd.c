/*
 * cmd.c — run one system tool, possibly inside a namespace (see cmd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd.h"
#include "netns.h"

bool cmd_verbose;

/* "+ [ns] ip link add ..." on stderr. */
static void
show(const char *ns, const char *const argv[])
{
	size_t i;

	fprintf(stderr, "+ ");
	if (ns != NULL)
		fprintf(stderr, "ip netns exec %s ", ns);
	for (i = 0; argv[i] != NULL; i++)
		fprintf(stderr, "%s%s", i > 0 ? " " : "", argv[i]);
	fputc('\n', stderr);
}

/* In the child: namespace, stdin, stderr, exec. Never returns. */
static void
child(const char *ns, const char *const argv[], int in_fd, int err_fd)
{
	char err[256];
	int null = open("/dev/null", O_RDWR);

	if (ns != NULL && netns_enter(ns, err, sizeof(err)) < 0) {
		dprintf(err_fd, "%s\n", err);
		_exit(127);
	}
	dup2(in_fd >= 0 ? in_fd : null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execvp(argv[0], (char *const *)argv);
	dprintf(err_fd, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read the child's stderr to the end; keep its first line in err. */
static void
collect(int fd, char *err, size_t errlen)
{
	char buf[512];
	size_t used = 0;
	ssize_t n;

	err[0] = '\0';
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && used + 1 < errlen) {
			size_t take = (size_t)n < errlen - 1 - used
			              ? (size_t)n : errlen - 1 - used;
			memcpy(err + used, buf, take);
			used += take;
			err[used] = '\0';
		}
	err[strcspn(err, "\n")] = '\0';
}

int
cmd_run(const char *ns, const char *const argv[], const char *input,
        char *err, size_t errlen)
{
	int errp[2], inp[2] = { -1, -1 }, status;
	pid_t pid;

	if (cmd_verbose)
		show(ns, argv);
	if (pipe2(errp, O_CLOEXEC) < 0 ||
	    (input != NULL && pipe2(inp, O_CLOEXEC) < 0) || (pid = fork()) < 0) {
		snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(ns, argv, inp[0], errp[1]);
	close(errp[1]);
	if (input != NULL) {
		close(inp[0]);
		if (write(inp[1], input, strlen(input)) < 0)
			(void)0;        /* the tool's own error says more */
		close(inp[1]);
	}
	collect(errp[0], err, errlen);
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (err[0] == '\0')
		snprintf(err, errlen, TR("%s failed", "%s falló"), argv[0]);
	return -1;
}
