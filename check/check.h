/*
 * check.h — what chatcheck's modules share: the tests' table, the run's
 * context, and what one test found. The tests themselves live in
 * check_tcp_*.c, check_load.c, check_udp.c and check_tp42.c; the rules they
 * quote in check_rules.c; the output in check_report.c and check_rubric.c.
 */
#ifndef REDCHAT_CHECK_H
#define REDCHAT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "catalog.h"

#define CHECK_TEXT 200          /* bytes of a trimmed detail */
#define TR_CONNECT TR("a connection, and the nickname taken", \
                      "una conexión, y el apodo aceptado")

enum check_level { CHECK_MUST, CHECK_SHOULD };
/* CHECK_NORUN: the server was gone before the test could run; it counts
 * as failed at its level and keeps its points in the maximum. */
enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_NORUN };

/* Profiles, as bits: a test belongs to one or more. */
#define CHECK_REDCHAT 1u        /* wire protocol v1 (tcpchatd(1)) */
#define CHECK_TP42    2u        /* what seed 003's statement asks */

/* Flags of a test. */
#define CHECK_GATE    1u        /* the profile's first relay test: after it,
                                   a server that relayed nothing is judged
                                   "not a chat server" and the run stops */
#define CHECK_LIVE    2u        /* the verdict on the server's survival */

struct probe;
struct check_server;            /* --run: the server chatcheck started */

/* The run: where the server is, and a tag that makes nicknames unique. */
struct check_ctx {
	const char             *host;
	int                     port;
	bool                    udp;
	bool                    tp42;   /* the profile's clients send no \n */
	struct sockaddr_storage addr;
	socklen_t               addrlen;
	unsigned                run;    /* from the pid: "k" + 4 hex digits */
	unsigned                seq;    /* nicknames handed out so far */
	bool                    told;   /* tp42: a join was told to others */
	unsigned                untold; /* joins not told within the wait */
	uint64_t                until;  /* the running test's deadline (us) */
	uint32_t                seed;   /* --seed: every random input */
	bool                    seeded; /* the running test used the seed */
	bool                    relayed; /* a client saw another's nickname */
	size_t                  rx;     /* bytes received from the server */
	char                    rx_first[48]; /* the first of them */
	const char             *lost_during; /* the test the server died in */
	char                    lost_how[CHECK_TEXT]; /* what was seen */
	unsigned                crashes; /* times the server was lost */
	struct check_server    *srv;    /* --run, else NULL */
};

/* What one test found: the three parts of a failure, trimmed. */
struct check_out {
	enum check_result result;
	char sent[CHECK_TEXT];
	char expected[CHECK_TEXT];
	char got[CHECK_TEXT];
};

struct check_test {
	const char      *id;        /* stable: TCP-FRAME-03 */
	enum check_level level;
	unsigned         profiles;  /* CHECK_REDCHAT | CHECK_TP42 */
	bool             udp;       /* runs over UDP (else TCP) */
	const char      *rule;      /* key into check_rules.c */
	unsigned         timeout_ms;
	const char      *title_en, *title_es;
	void           (*run)(struct check_ctx *, struct check_out *);
	unsigned         flags;     /* CHECK_GATE, CHECK_LIVE */
};

/* One rule of the protocol, quoted word for word from a man page. */
struct check_rule {
	const char *key;
	const char *source;     /* "tcpchatd(1) PROTOCOL" */
	const char *en, *es;    /* en: the man page's words; es: translated */
};

/* The tests in the order they run (check_tests.c); *n set to the count. */
const struct check_test *check_tests(size_t *n);

/* The rule for key, or NULL. */
const struct check_rule *check_rule(const char *key);

/* A failure: fill out with what was sent, expected and seen (printf-free:
 * each is copied, trimmed, with control bytes shown as \n, \xNN). */
void check_fail(struct check_out *out, const char *sent, size_t sent_len,
                const char *expected, const char *got, size_t got_len);

/* A new unique nickname: "k" + run + seq + tag, at most 20 bytes. */
void check_nick(struct check_ctx *ctx, const char *tag, char *out,
                size_t outlen);

/* n bytes of a fixed pseudo-random sequence (xorshift32 from *x, which
 * goes on from where it stops): the same on every run. */
void check_garbage(uint32_t *x, char *buf, size_t n);

/* Sleep ms milliseconds (never past the test's deadline). */
void check_pause(struct check_ctx *ctx, unsigned ms);

/* Whether the server still accepts a connection (TCP) or does not refuse
 * a datagram (UDP) within ms milliseconds. On this machine's loopback it
 * only looks for the listening socket in /proc/net (a server that dies on
 * a connection closed at once is not killed by the look); --run also asks
 * whether the process lives. */
bool check_reachable(struct check_ctx *ctx, unsigned ms);

/* Whether a socket of that transport is bound to the port in this
 * network (/proc/net): 1, 0, or -1 unknown. */
int check_listening(int port, bool udp);

/* Whether something listens on the port in the other transport (the
 * hint when the server cannot be reached): 1 yes, 0 no, -1 unknown. */
int check_other_transport(const struct check_ctx *ctx);

/* The seed of the running test's random input (and mark it used). */
uint32_t check_seed(struct check_ctx *ctx, uint32_t salt);

/* After input that may kill the server: wait until p's connection is
 * closed or ms pass, then fill out as a failure naming what was sent when
 * the server no longer answers. Returns true when it still answers. */
bool check_survived(struct check_ctx *ctx, struct probe *p, unsigned ms,
                    const char *sent, struct check_out *out);

/* The test functions, one per ID (see check_tests.c for the table). */
#define CHECK_FN(name) void name(struct check_ctx *, struct check_out *)
CHECK_FN(t_tcp_welcome);
CHECK_FN(t_tcp_bytewise);
CHECK_FN(t_tcp_merged);
CHECK_FN(t_tcp_crlf);
CHECK_FN(t_tcp_cuts);
CHECK_FN(t_tcp_utf8_split);
CHECK_FN(t_tcp_silence);
CHECK_FN(t_tcp_nick_first);
CHECK_FN(t_tcp_nick_case);
CHECK_FN(t_tcp_nick_invalid);
CHECK_FN(t_tcp_chat_all);
CHECK_FN(t_tcp_chat_no_echo);
CHECK_FN(t_tcp_join_leave);
CHECK_FN(t_tcp_list);
CHECK_FN(t_tcp_msg);
CHECK_FN(t_tcp_me);
CHECK_FN(t_tcp_nick_change);
CHECK_FN(t_tcp_quit);
CHECK_FN(t_tcp_ping_help);
CHECK_FN(t_tcp_cap);
CHECK_FN(t_tcp_cap_exact);
CHECK_FN(t_tcp_control);
CHECK_FN(t_tcp_rst);
CHECK_FN(t_tcp_garbage);
CHECK_FN(t_tcp_big_1k);
CHECK_FN(t_tcp_big_4k);
CHECK_FN(t_tcp_big_5000);
CHECK_FN(t_tcp_big_64k);
CHECK_FN(t_tcp_big_1m);
CHECK_FN(t_tcp_close_at_once);
CHECK_FN(t_tcp_reset_mid_line);
CHECK_FN(t_tcp_bad_bytes);
CHECK_FN(t_live);
CHECK_FN(t_load_hundred);
CHECK_FN(t_load_stall);
CHECK_FN(t_load_flood);
CHECK_FN(t_udp_nick_first);
CHECK_FN(t_udp_chat);
CHECK_FN(t_udp_nick_case);
CHECK_FN(t_udp_list);
CHECK_FN(t_udp_quit);
CHECK_FN(t_udp_idle);
CHECK_FN(t_udp_cap);
CHECK_FN(t_udp_control);
CHECK_FN(t_udp_garbage);
CHECK_FN(t_udp_hundred);
CHECK_FN(t_tp42_join);
CHECK_FN(t_tp42_chat);
CHECK_FN(t_tp42_list);
CHECK_FN(t_tp42_list_left);
CHECK_FN(t_tp42_quit);
CHECK_FN(t_tp42_many);
CHECK_FN(t_tp42_udp_chat);
CHECK_FN(t_tp42_udp_quit);

#endif
