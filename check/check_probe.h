/*
 * check_probe.h — one test client of chatcheck: a TCP or UDP socket to the
 * server under test, whose input is split into lines by shared/'s framer
 * (msg.c) and also kept as raw text (for servers that send no newlines).
 * Every call has a deadline, so nothing a server does can hang a test.
 */
#ifndef REDCHAT_CHECK_PROBE_H
#define REDCHAT_CHECK_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

#include "check.h"

#define PROBE_RAW   65536       /* one read */
#define PROBE_TEXT  8192        /* raw text kept (the latest bytes) */
#define PROBE_SEEN  CHECK_TEXT  /* the latest lines, for a failure report */
#define PROBE_WAIT  1500        /* ms to wait for something expected */
#define PROBE_QUIET 400         /* ms to wait for something not expected */

struct probe {
	int    fd;
	bool   udp, eof;
	struct check_ctx *ctx;
	struct msg_framer fr;
	char   raw[PROBE_RAW];      /* read, not yet framed (TCP) */
	size_t raw_off, raw_len;
	char   text[PROBE_TEXT];    /* everything read, the latest part */
	size_t text_len;
	char   line[MSG_LINE_MAX + 1]; /* the last line, NUL-terminated */
	size_t line_len;
	char   seen[PROBE_SEEN];    /* the latest lines, " | " between */
	size_t seen_len;
	char   reads[PROBE_SEEN];   /* the latest reads (since the last mark),
	                               " | " between: replies without newlines
	                               do not run together in a report */
	size_t reads_len;
	char   nick[24];
};

/* Connect (TCP) or pick the server as peer (UDP). Returns 0, or -1 when the
 * server cannot be reached before the test's deadline. */
int probe_open(struct check_ctx *ctx, struct probe *p);
void probe_close(struct probe *p);

/* Close with a reset (SO_LINGER 0): what a killed client does. */
void probe_reset(struct probe *p);

/* Send len bytes (UDP: one datagram). Returns 0 or -1. */
int probe_send(struct probe *p, const void *data, size_t len);
int probe_sendstr(struct probe *p, const char *s);

/* The next line into p->line: 1, 0 when none came within ms, -1 when the
 * server closed. Lines over MSG_LINE_MAX come back as "[line too long]". */
int probe_line(struct probe *p, unsigned ms);

/* Read lines until one equals want (exact) or contains it (!exact):
 * 1 found, 0 not within ms, -1 closed. */
int probe_expect(struct probe *p, const char *want, bool exact, unsigned ms);

/* Read raw text until it contains want (seed servers send no newlines):
 * 1, 0 or -1 as above. Only text read after the last probe_mark counts. */
int probe_expect_text(struct probe *p, const char *want, unsigned ms);
void probe_mark(struct probe *p);

/* Read raw text until it holds text with nick before it on the same line
 * (NICK: TEXT, [NICK] TEXT, <NICK> TEXT...): 1, 0 or -1 as above. */
int probe_expect_pair(struct probe *p, const char *nick, const char *text,
                      unsigned ms);

/* Whether the server closes the connection within ms. */
bool probe_closed(struct probe *p, unsigned ms);

/* Read and forget for ms (or until the server is quiet that long). */
void probe_drain(struct probe *p, unsigned ms);

/* Join the room: send nick (with "\n" when newline, else alone, as seed
 * 003's client does), then wait up to ms for a line or text naming it (a
 * server need not confirm: the wait just ends). Returns 0, or -1 when the
 * server closed. */
int probe_join(struct probe *p, const char *nick, bool newline,
               unsigned ms);

#endif
