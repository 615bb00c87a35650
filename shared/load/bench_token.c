/*
 * bench_token.c — encoding chatbench's message tokens and finding them in a
 * byte stream (see the picture in bench_token.h).
 */
#include <string.h>

#include "bench_token.h"

#define HEAD    28 /* "[SSSS:QQQQQQQQ:TTTTTTTTTTTT:" */
#define TAIL     6 /* ":CCCC]" */
#define SID_END  6 /* "[SSSS:" tells a token from any other '[' */

static const char hexdigits[] = "0123456789abcdef";

/* A hex digit's value plus one; 0 for any other byte. */
static const unsigned char hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/*
 * The padding: letters in a rolling alphabet that starts at a place given
 * by sender and sequence. Any byte inserted or lost shows. Checking it is a
 * memcmp against this table (a receiver checks millions per second).
 */
#define PAD_MAX 1000
static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
static char pad_table[PAD_MAX + 26];

/* ---------------------------------------------------------------------------
 * Pieces
 * ------------------------------------------------------------------------ */

static void
put_hex(char *out, uint64_t v, int digits)
{
	while (digits-- > 0) {
		out[digits] = hexdigits[v & 15];
		v >>= 4;
	}
}

/* Parse digits lowercase hex digits; -1 if one is not. */
static int
get_hex(const char *p, int digits, uint64_t *v)
{
	unsigned d;

	*v = 0;
	for (int i = 0; i < digits; i++) {
		if ((d = hexval[(unsigned char)p[i]]) == 0)
			return -1;
		*v = *v << 4 | (d - 1);
	}
	return 0;
}

/* The padding of token t, pad bytes long (pad <= PAD_MAX). */
static const char *
padding(const struct bench_token *t)
{
	if (pad_table[0] == '\0')              /* first use: fill the table */
		for (size_t i = 0; i < sizeof(pad_table); i++)
			pad_table[i] = alphabet[i % 26];
	return pad_table + (t->sender + t->seq) % 26;
}

/* A 16-bit check of the three numbers, so a damaged digit shows. */
static unsigned
checksum(const struct bench_token *t)
{
	uint64_t h = t->sender * 40503u ^ t->seq * 2654435761u ^ t->sent_us;

	return (unsigned)((h ^ h >> 16 ^ h >> 32 ^ h >> 48) & 0xffff);
}

/* ---------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------ */

void
bench_token_encode(const struct bench_token *t, size_t size, char *out)
{
	size_t pad = size - BENCH_TOKEN_MIN;

	out[0] = '[';
	put_hex(out + 1, t->sender, 4);
	out[5] = ':';
	put_hex(out + 6, t->seq, 8);
	out[14] = ':';
	put_hex(out + 15, t->sent_us, 12);
	out[27] = ':';
	memcpy(out + HEAD, padding(t), pad);
	out[HEAD + pad] = ':';
	put_hex(out + HEAD + pad + 1, checksum(t), 4);
	out[size - 1] = ']';
}

enum bench_check
bench_token_check(const char *p, size_t avail, size_t size,
                  struct bench_token *t)
{
	size_t pad = size - BENCH_TOKEN_MIN, i;
	uint64_t v;

	/* "[SSSS:" first: up to there, a prefix that fits may be a token. */
	for (i = 1; i < SID_END && i < avail; i++)
		if (i < 5 ? hexval[(unsigned char)p[i]] == 0 : p[i] != ':')
			return BENCH_TOKEN_NONE;
	if (avail < size)
		return BENCH_TOKEN_MORE;
	get_hex(p + 1, 4, &v);
	t->sender = (unsigned)v;
	t->seq = 0;
	t->sent_us = 0;

	if (get_hex(p + 6, 8, &v) < 0 || p[14] != ':')
		return BENCH_TOKEN_GARBLED;
	t->seq = (uint32_t)v;
	if (get_hex(p + 15, 12, &v) < 0 || p[27] != ':')
		return BENCH_TOKEN_GARBLED;
	t->sent_us = v;
	if (memcmp(p + HEAD, padding(t), pad) != 0 || p[HEAD + pad] != ':' ||
	    p[size - 1] != ']' || get_hex(p + HEAD + pad + 1, 4, &v) < 0 ||
	    v != checksum(t))
		return BENCH_TOKEN_GARBLED;
	return BENCH_TOKEN_OK;
}

size_t
bench_token_scan(const char *buf, size_t len, size_t size, bench_token_fn fn,
                 void *arg)
{
	struct bench_token t;
	const char *p;
	size_t at = 0;

	while (at < len && (p = memchr(buf + at, '[', len - at)) != NULL) {
		at = (size_t)(p - buf);
		switch (bench_token_check(p, len - at, size, &t)) {
		case BENCH_TOKEN_MORE:
			return at;              /* keep from '[' on */
		case BENCH_TOKEN_OK:
			fn(arg, 1, &t);
			at += size;
			break;
		case BENCH_TOKEN_GARBLED:
			fn(arg, 0, &t);
			at++;                   /* resynchronise at the next '[' */
			break;
		case BENCH_TOKEN_NONE:
			at++;
			break;
		}
	}
	return len;
}
