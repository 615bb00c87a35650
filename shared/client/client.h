/*
 * client.h — the chat client's core, shared by tcpchat and udpchat: the
 * command line, the nickname, the connection loop (poll on stdin and the
 * socket), /ping timing, leaving cleanly, and what to say when the server
 * is not there. The two programs differ only in the transport they plug
 * in (struct client_transport): how a message goes out and how bytes that
 * come in become messages.
 */
#ifndef REDCHAT_CLIENT_H
#define REDCHAT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct term;

/* Exit statuses, documented in tcpchat(1) and udpchat(1). */
enum client_status {
	CLIENT_OK          = 0, /* left normally */
	CLIENT_USAGE       = 1, /* bad command line or local failure */
	CLIENT_UNREACHABLE = 2, /* the server could not be reached */
	CLIENT_LOST        = 3, /* the server closed or the connection broke */
	CLIENT_NICK        = 4, /* pipe mode: the -n nickname was refused */
};

struct client;

/*
 * A transport. state belongs to it; fd is the connected socket, already
 * non-blocking. Functions that fail return -1 with errno set; EAGAIN never
 * reaches the core.
 */
struct client_transport {
	const char *prog;         /* "tcpchat" */
	const char *server;       /* "tcpchatd", named in error messages */
	int         sock_type;    /* SOCK_STREAM or SOCK_DGRAM */
	int         default_port;
	bool        datagram;     /* no connection: the client keeps itself
	                           * alive and times out an unanswered nick */
	void       *state;
	/* The socket is connected: set its options. NULL: nothing to do. */
	int  (*connected)(void *state, int fd);
	/* Send (or queue) one message of at most MSG_MAX bytes, without its
	 * terminator. errno ENOBUFS: not sent, the connection is fine. */
	int  (*send)(void *state, int fd, const char *msg, size_t len);
	/* Write what is queued (the socket is writable). NULL: never queues. */
	int  (*flush)(void *state, int fd);
	/* Whether bytes wait to be written. NULL: never. */
	bool (*pending)(const void *state);
	/*
	 * The socket is readable: read all there is and hand every message
	 * to client_message() (or client_overlong()). Returns 1, 0 when the
	 * server closed the connection, or -1.
	 */
	int  (*receive)(void *state, int fd, struct client *c);
	/* A typed line the client answers itself (tcpchat's /tcp), shown on
	 * t; true when it was one. NULL: none. */
	bool (*local)(void *state, int fd, const char *line, size_t len,
	              struct term *t);
	/* Stream: how many lines sent are not yet acknowledged by the
	 * server's side (queued here, or unacknowledged in the socket), their
	 * bytes in *bytes. NULL: not known (datagrams). */
	size_t (*unacked)(void *state, int fd, size_t *bytes);
};

struct client_options {
	const char *host;
	int         port;
	const char *nick;       /* NULL: ask, or the first input line */
	bool        color;
	bool        timestamps;
	long        wait_ms;    /* pipe mode, after the input ends: -1 for
	                         * "until the replies stop" */
};

/*
 * Parse the command line (and apply --lang). Returns 0 to run, 1 when
 * --help or --version was answered, -1 on a usage error (already printed).
 */
int client_cli_parse(int argc, char **argv, const struct client_transport *t,
                     struct client_options *o);

/* Connect, chat until the user or the server ends it; returns the exit
 * status (enum client_status). Prints its own errors. */
int client_run(const struct client_options *o,
               const struct client_transport *t);

/* One message from the server (no terminator). For transports only. */
void client_message(struct client *c, const char *line, size_t len);

/* The server sent a line over MSG_MAX bytes, dropped by the framer. */
void client_overlong(struct client *c);

/*
 * UDP: a datagram we sent came back as ICMP "port unreachable" (no server
 * listens there). data[0..len) is its start when the transport knows it
 * (IP_RECVERR), else NULL. For transports only.
 */
void client_bounced(struct client *c, const char *data, size_t len);

#endif
