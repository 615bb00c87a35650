/*
 * bench_token.h — the token chatbench puts in every message, and the
 * scanner that finds tokens again in whatever bytes a receiver reads.
 * Pure functions on bytes: no sockets, no clock.
 *
 * A message of SIZE bytes (newline not counted) is one token:
 *
 *   [SSSS:QQQQQQQQ:TTTTTTTTTTTT:pad...pad:CCCC]
 *    |    |        |            |         +-- checksum of S, Q and T (hex)
 *    |    |        |            +-- letters that depend on S, Q and place
 *    |    |        +-- send time, microseconds (hex)
 *    |    +-- sequence number of this sender (hex)
 *    +-- sender (hex)
 *
 * A server may deliver tokens glued together, split across reads, behind a
 * "NICK: " prefix, or with a prefix inserted in the middle (the seed 003
 * server prefixes every raw recv() chunk). The scanner finds each '[' that
 * starts a token and says whether the SIZE bytes from there are intact.
 */
#ifndef REDCHAT_BENCH_TOKEN_H
#define REDCHAT_BENCH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_TOKEN_MIN     34      /* header, checksum, no padding */
#define BENCH_TOKEN_MAX     1034    /* 1000 bytes of padding */
#define BENCH_TOKEN_SENDERS 0x10000 /* four hex digits */

struct bench_token {
	unsigned sender;
	uint32_t seq;
	uint64_t sent_us;
};

enum bench_check {
	BENCH_TOKEN_OK,       /* intact: *t filled */
	BENCH_TOKEN_MORE,     /* could be a token: need more bytes */
	BENCH_TOKEN_GARBLED,  /* starts like a token, then is not one */
	BENCH_TOKEN_NONE,     /* not a token at all */
};

/* Write the token for t into out (exactly size bytes, no terminator);
 * BENCH_TOKEN_MIN <= size <= BENCH_TOKEN_MAX. */
void bench_token_encode(const struct bench_token *t, size_t size, char *out);

/* Check the bytes p[0..avail) that start with '[' against a token of size
 * bytes. On BENCH_TOKEN_OK *t is filled; on GARBLED t->sender is known. */
enum bench_check bench_token_check(const char *p, size_t avail, size_t size,
                                   struct bench_token *t);

/* Called for every token found: ok is 1 for intact, 0 for garbled. */
typedef void (*bench_token_fn)(void *arg, int ok, const struct bench_token *t);

/*
 * Scan buf[0..len) for tokens of size bytes and call fn for each. Returns
 * how many bytes were used up; the caller keeps buf[returned..len) (fewer
 * than size bytes: the start of a token split across reads) and puts it
 * in front of the next read.
 */
size_t bench_token_scan(const char *buf, size_t len, size_t size,
                        bench_token_fn fn, void *arg);

#endif
