/*
 * client_impl.h — what the client core's two files share: the session's
 * state and the calls between the state machine (client.c) and the loop
 * (client_loop.c). Not for the programs: they see client.h only.
 */
#ifndef REDCHAT_CLIENT_IMPL_H
#define REDCHAT_CLIENT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "clock.h"
#include "msg.h"
#include "net.h"
#include "term.h"
#include "text.h"

/* Times in microseconds. */
#define CLIENT_NICK_WAIT_US  (3 * 1000000LL) /* for the answer to a nick */
#define CLIENT_QUIET_US      (300 * 1000LL)  /* pipe: replies have stopped */
#define CLIENT_DRAIN_MAX_US  (3 * 1000000LL) /* pipe: longest default wait */
#define CLIENT_QUIT_WAIT_US  (3 * 1000000LL) /* for the server to close */
#define CLIENT_SHUT_AFTER_US (1000000LL)     /* TCP: then half-close */
#define CLIENT_PINGS         8               /* /ping awaiting their pong */
#define CLIENT_MISSED_PINGS  3               /* UDP: "the server is silent" */
/* UDP: the nickname is sent up to CLIENT_NICK_TRIES times, waiting 0.5 s,
 * then 1 s, then 2 s between tries (about 18 s in all); a client that was
 * in the chat keeps trying every CLIENT_RETRY_SLOW_US while a person types
 * (client_udp.c). */
#define CLIENT_NICK_TRIES     10
#define CLIENT_RETRY_FIRST_US (500 * 1000LL)
#define CLIENT_RETRY_MAX_US   (2 * 1000000LL)
#define CLIENT_RETRY_SLOW_US  (10 * 1000000LL)
#define CLIENT_LINES          32              /* UDP: lines remembered */
/* UDP: after the server's goodbye (it is shutting down), the nickname is
 * sent every CLIENT_RETRY_MAX_US for up to CLIENT_AWAY_US, waiting for the
 * server to come back. Piped input goes out at CLIENT_UDP_RATE datagrams a
 * second after a burst of CLIENT_UDP_BURST: under udpchatd's documented
 * rate limit (100 a second, a burst of 500), which drops what is over. */
#define CLIENT_AWAY_US        (300 * 1000000LL)
#define CLIENT_UDP_RATE       90
#define CLIENT_UDP_BURST      100
/* TCP, piped input (client_pipe.c): a server that takes no byte and reads
 * no line for CLIENT_STALL_US has stopped reading; a marker every
 * CLIENT_MARK_LINES lines; the progress line redrawn every
 * CLIENT_PROGRESS_US. */
#define CLIENT_STALL_US       (30 * 1000000LL)
#define CLIENT_MARK_LINES     25
#define CLIENT_PROGRESS_US    (1000000LL)
#define CLIENT_RATE_SAMPLES   6

enum client_state {
	CLIENT_NAMING,   /* no nickname accepted yet */
	CLIENT_CHATTING,
	CLIENT_DRAINING, /* pipe mode: input over, listening a little longer */
	CLIENT_QUITTING, /* /quit sent: waiting for the server to close */
	CLIENT_DONE,
};

struct client_ping {
	unsigned seq;
	int64_t  sent; /* µs; 0: the slot is free */
};

/* UDP: a line typed lately, and whether the server has it (client_udp.c). */
enum client_line_state { LINE_FREE, LINE_SENT, LINE_BOUNCED, LINE_HELD };

struct client_line {
	enum client_line_state state;
	size_t len;
	char   text[MSG_MAX + 1];
};

struct client_udp {
	bool     welcomed;          /* the server has accepted us once */
	bool     rejoining;         /* it forgot us: lines wait, nick resent */
	bool     away;              /* it said goodbye: we wait for it */
	int64_t  away_since;
	double   tokens;            /* datagrams we may send now (pacing) */
	int64_t  tokens_at;         /* when counted; 0: the bucket is full */
	unsigned tries;             /* nickname datagrams sent this time */
	int64_t  first_try, retry_at; /* retry_at 0: no retry planned */
	unsigned next;              /* ring slot of the oldest line */
	struct client_line lines[CLIENT_LINES];
};

/* TCP, piped input: how far the server has read (client_pipe.c). */
struct client_pipe {
	bool     marks;         /* the server answers /ping: markers go out */
	bool     owed;          /* lines wait for the server */
	bool     shut;          /* our side is closed (shutdown SHUT_WR) */
	uint64_t lines;         /* lines sent from the input */
	uint64_t marked;        /* lines the last marker counted */
	uint64_t read;          /* lines the server has read (markers) */
	size_t   unacked;       /* bytes unacknowledged at the last look */
	int64_t  progress;      /* last time the server took or read some */
	int64_t  shown;         /* progress line drawn then; 0: not shown */
	/* lines read by the times the progress line was drawn, the last
	 * CLIENT_RATE_SAMPLES of them: the reading rate over a few seconds */
	int64_t  at[CLIENT_RATE_SAMPLES];
	uint64_t done[CLIENT_RATE_SAMPLES];
	unsigned samples;
};

struct client {
	const struct client_options   *opt;
	const struct client_transport *tr;
	struct term *term;
	int          fd;
	enum client_state   state;
	int          status;
	char         why[512];          /* said on stderr at the end */
	char         where[NET_ADDR_LEN + 8];
	char         nick[TEXT_NICK_MAX + 1];
	bool         nick_pending;      /* a nickname awaits its answer */
	bool         nick_from_option;
	bool         sent_any;
	bool         heard;             /* something arrived since the nick */
	int64_t      nick_sent, last_rx, last_tx, drain_start, quit_start;
	int64_t      keepalive;         /* UDP: µs between pings; 0: off */
	unsigned     keepalive_seq, keepalive_missed;
	bool         silence_told;
	unsigned     ping_seq;
	struct client_ping  pings[CLIENT_PINGS];
	struct client_udp   udp;        /* datagram transports only */
	struct client_pipe  pipe;       /* piped input over a stream only */
};

/* Microseconds on the monotonic clock, signed: the client subtracts them. */
static inline int64_t client_now(void) { return (int64_t)clock_us(); }

/* End the session with status; fmt (may be NULL) is said on stderr at the
 * end. A session already ended keeps its first status. */
void client_finish(struct client *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The connection ended: end with CLIENT_LOST and why (fmt), adding how many
 * piped lines the server had not read. */
void client_lost(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Why a socket call failed (errno), in the user's language when usual. */
const char *client_cause(int err);

/* End with CLIENT_UNREACHABLE, naming the server, its address and why. */
void client_unreachable(struct client *c, const char *why);

/* A send or receive failed with err: say so, end the session if fatal. */
void client_io_failed(struct client *c, int err);

/* The transport has bytes queued (wait for POLLOUT). */
bool client_pending(const struct client *c);

/* Send one message as it is (or say why it could not go). */
void client_send_msg(struct client *c, const char *msg, size_t len);

/* "/ping TOKEN": timed for the user, or a hidden keepalive. */
void client_send_ping(struct client *c, bool keepalive);

/* Send a nickname and wait for its answer. */
void client_send_nick(struct client *c, const char *name, size_t len,
                      bool from_option);

/* The user leaves: send /quit and wait for the server to close. */
void client_leave(struct client *c);

/* Whether to read the user's input now. */
bool client_want_input(const struct client *c);

/* Take what the user typed (readable: poll said so). */
void client_read_input(struct client *c, bool readable);

/* client_pipe.c: piped input over a stream. The server took our nickname
 * (markers may go out); a line of the input was sent; the input ended; a
 * marker's pong (false: not one of ours); lines the server has not read;
 * the timers (stall, progress line: the next time they are due); the
 * connection ended with why: false when nothing was lost, else the session
 * is finished with the count. */
void     client_pipe_accepted(struct client *c);
void     client_pipe_sent(struct client *c);
void     client_pipe_ended(struct client *c);
bool     client_pipe_pong(struct client *c, uint64_t n);
uint64_t client_pipe_unread(struct client *c);
int64_t  client_pipe_timers(struct client *c, int64_t now);
bool     client_pipe_lost(struct client *c, const char *why);

/* client_udp.c: the UDP session. */
struct reply;
void    client_udp_nick(struct client *c);       /* send c->nick, retried */
int64_t client_udp_timers(struct client *c, int64_t now);
void    client_udp_welcomed(struct client *c);
void    client_udp_who(struct client *c, const struct reply *r);
void    client_udp_line(struct client *c, const char *line, size_t len);
void    client_udp_closing(struct client *c);    /* the server's goodbye */
void    client_udp_spend(struct client *c);      /* a datagram went out */
/* Piped input: 0 when a line may go now, else when it may. */
int64_t client_udp_pace(struct client *c, int64_t now);

#endif
