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
enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

/* Profiles, as bits: a test belongs to one or more. */
#define CHECK_REDCHAT 1u        /* wire protocol v1 (tcpchatd(1)) */
#define CHECK_TP42    2u        /* what seed 003's statement asks */

/* The run: where the server is, and a tag that makes nicknames unique. */
struct check_ctx {
	const char             *host;
	int                     port;
	bool                    udp;
	struct sockaddr_storage addr;
	socklen_t               addrlen;
	unsigned                run;    /* from the pid: "k" + 4 hex digits */
	unsigned                seq;    /* nicknames handed out so far */
	bool                    told;   /* tp42: a join was told to others */
	unsigned                untold; /* joins not told within the wait */
	uint64_t                until;  /* the running test's deadline (us) */
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
 * a datagram (UDP) within ms milliseconds. */
bool check_reachable(struct check_ctx *ctx, unsigned ms);

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
