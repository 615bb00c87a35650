/*
 * server.h — what tcpchatd and udpchatd share outside the room: the command
 * line, signals as a file descriptor, the socket, the "listening on" line,
 * and the operator's console (seed 004). Transports stay in tcp/ and udp/.
 */
#ifndef REDCHAT_SERVER_H
#define REDCHAT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

struct room;
struct room_config;

enum server_kind { SERVER_TCP, SERVER_UDP };

#define SERVER_MAX_CLIENTS  4096
#define SERVER_IDLE_TIMEOUT 300
/* tcpchatd's output (tcp/tcp_conn.h): one budget for the room's backlog
 * of shared chunks; near it the senders are held back (not read). A
 * receiver whose socket takes no byte for the soft time while its queue
 * waits is dropped; the cap per receiver is a last resort, never below
 * the budget (a reader may lag by the whole budget and still read it all)
 * and by default 32 MiB above it. */
#define SERVER_MAX_MEMORY       (64u << 20)   /* --max-memory, bytes */
#define SERVER_MAX_QUEUE        (96u << 20)   /* --max-queue, bytes */
#define SERVER_SOFT_QUEUE_TIME  10            /* --soft-queue-time, s */
/* Flood control: a human never comes near it, nor does a script of a few
 * hundred lines (they fit in the burst). Over TCP a client over it is read
 * more slowly (nothing is lost); over UDP the extra datagrams are dropped. */
#define SERVER_RATE_LIMIT   100 /* messages a second from one client... */
#define SERVER_RATE_BURST   500 /* ...with bursts of up to this many */
#define SERVER_NICK_TIMEOUT 60  /* seconds to choose a nickname */

struct server_opts {
	const char *prog;
	const char *bind;         /* NULL: every address, IPv6 and IPv4 */
	int         port;
	unsigned    max_clients;
	bool        threads;      /* tcpchatd --threads */
	unsigned    idle_timeout; /* udpchatd --idle-timeout, seconds */
	size_t      max_line;     /* --max-line: longest message, <= MSG_MAX */
	size_t      max_memory;   /* tcpchatd --max-memory: the backlog's budget */
	size_t      max_queue;    /* tcpchatd --max-queue: one receiver's cap */
	unsigned    soft_queue_time; /* --soft-queue-time: seconds not read */
	unsigned    rate_limit;   /* --rate-limit: messages/s; 0: no limit */
	unsigned    rate_burst;   /* --rate-burst: bucket size, messages */
	unsigned    nick_timeout; /* --nick-timeout: seconds; 0: none */
};

/*
 * The command line (server_cli.c).
 *
 * Parse the command line into *o (defaults for kind first). Returns 0 to
 * run, 1 when --help or --version was answered (exit 0), -1 on a usage
 * error (already reported; exit 1). Also sets the language and log level.
 */
int server_options(int argc, char **argv, enum server_kind kind,
                   struct server_opts *o);

/* The room's configuration from the options: one place for both servers,
 * so a limit means the same over TCP and UDP. */
void server_room_config(const struct server_opts *o, enum server_kind kind,
                        struct room_config *cfg);

/*
 * Ignore SIGPIPE (a write to a closed connection is an error code, not a
 * death), block SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGUSR1, and return a
 * signalfd that becomes readable when one arrives; -1 with err filled on
 * failure. Threads created afterwards inherit the blocked mask.
 * (server_options() has already made SIGTTIN and SIGTTOU harmless.)
 */
int server_signals(char *err);

/*
 * Read what arrived on the signalfd. SIGUSR1 logs a status line (members,
 * connections); returns false when a signal asks the server to stop (the
 * caller then tells the clients and exits 0). In tcpchatd --threads, call
 * it with the room's lock held.
 */
bool server_signal_read(int sigfd, const struct room *room);

/* Raise the soft limit on open descriptors to the hard limit: a shell's
 * usual 1024 would stop a server near a thousand clients. Returns the new
 * soft limit. */
long server_raise_fd_limit(void);

/*
 * What both servers do after server_options(): log the descriptor limit
 * raised, then set *sigfd (server_signals()) and *fd, a socket of type
 * (SOCK_STREAM listening, SOCK_DGRAM bound) on o's address and port.
 * Returns 0, or the exit status with the error logged: 1 when the signals
 * cannot be set up, 2 when the socket cannot be opened.
 */
int server_open(const struct server_opts *o, int type, int *fd, int *sigfd);

/* Log "listening on ADDR:PORT (PROTO)", the line tests wait for. */
void server_announce(int fd, const char *proto);

/*
 * The operator's console (server_console.c): lines typed on the server's
 * terminal. A thread reads the terminal (only while the server is in the
 * foreground: started with '&', it leaves the terminal to the shell until
 * 'fg'), edits the line in raw mode so log lines never cut it, and hands
 * each finished line to the loop through a pipe: fd below.
 */
struct server_console {
	int               fd;     /* the pipe to watch, or -1: no console */
	struct msg_framer framer;
};

/* Start the console when stdin is a terminal; a closed or piped stdin is
 * ignored (the server may run as a service). */
void server_console_init(struct server_console *c);

/*
 * Read the lines the operator finished (call when c->fd is readable):
 * /help and /ayuda are answered on the console, the rest goes to
 * room_console(). Returns false when the operator asked the server to
 * stop. At end of input (Ctrl-D on an empty line) the console closes its
 * pipe, which also takes it out of any epoll set, and c->fd becomes -1.
 */
bool server_console_read(struct server_console *c, struct room *room);

/* Stop the console thread and give the terminal back as it was found. */
void server_console_free(struct server_console *c);

/* The room's answers to the console (room_ops.console): on stdout, where
 * server_console_read() flushes them. */
void server_console_print(void *transport, const char *text, size_t len);

#endif
