/*
 * check_server.h — `chatcheck --run 'CMD {port}'`: the student's server,
 * started by chatcheck on a free port, its output kept, restarted after a
 * crash so that every later test still runs. As root the whole run is in a
 * network namespace of its own (loopback only), and the server runs with
 * limits on memory (512 MiB), open files (1,024) and tasks (1,024
 * processes and threads), but no CPU limit.
 */
#ifndef REDCHAT_CHECK_SERVER_H
#define REDCHAT_CHECK_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SERVER_TAIL   4096      /* bytes of its latest output kept */
#define SERVER_MEM    (512ul << 20) /* memory (cgroup), as root */
#define SERVER_AS     (8ul << 30)   /* address space: threads reserve much */
#define SERVER_FILES  1024
#define SERVER_PIDS   1024          /* processes and threads (cgroup) */
#define SERVER_CGROUPS 2

struct check_server {
	const char     *cmd;        /* "{port}" stands for the port */
	bool            udp;
	int             port;
	pid_t           pid;        /* 0: not running */
	int             status;     /* from waitpid, once it ended */
	bool            ended;
	unsigned        starts;
	bool            netns;      /* the run has its own network */
	char            cgroup[SERVER_CGROUPS][96]; /* "" when none */
	int             out;        /* read end of its stdout + stderr */
	pthread_t       reader;
	bool            reading;
	pthread_mutex_t lock;
	char            tail[SERVER_TAIL];
	size_t          tail_len;
};

/* As root: move this process into a network namespace of its own with
 * loopback up (so the server and the tests see nothing else). Returns 0,
 * or -1 (not root, or no namespaces: the run goes on in the host's). */
int server_isolate(struct check_server *s);

/* Start the server on a free port and wait until it listens (up to
 * wait_ms). Returns 0, or -1 with err filled (it exited, or never
 * listened: err says which, with its last output). */
int server_start(struct check_server *s, unsigned wait_ms, char *err,
                 size_t errlen);

/* Whether it still runs (reaps it when it ended). */
bool server_alive(struct check_server *s);

/* Wait up to ms for it to end by itself: true when it has. */
bool server_wait(struct check_server *s, unsigned ms);

/* How it ended ("exit status 1", "killed by signal 11 (Segmentation
 * fault)") or "still running", into buf. */
void server_how(const struct check_server *s, char *buf, size_t len);

/* Its last n lines of output into buf (control bytes kept: the caller
 * escapes them). */
void server_tail(struct check_server *s, unsigned n, char *buf, size_t len);

/* Stop it (SIGTERM, then SIGKILL after 1 s) and forget its output. */
void server_stop(struct check_server *s);

#endif
