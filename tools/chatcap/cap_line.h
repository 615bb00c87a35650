/*
 * cap_line.h — building one output line in memory: the per-packet text
 * and JSON lines are assembled here, then written whole (wrapped to the
 * terminal's width, kept back to be marked, or copied into a pcapng
 * comment). Appending strings and numbers by hand is several times faster
 * than printf on the hot path; cap_line_fmt is there for the rest. A line
 * that outgrows its buffer is cut (and marked so).
 */
#ifndef CAP_LINE_H
#define CAP_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CAP_LINE_MAX 16384

struct cap_line {
	size_t n;
	bool   cut;                 /* something did not fit */
	char   buf[CAP_LINE_MAX];
};

static inline void
cap_line_clear(struct cap_line *l)
{
	l->n = 0;
	l->cut = false;
}

static inline void
cap_line_mem(struct cap_line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 1 - l->n) {
		n = sizeof(l->buf) - 1 - l->n;
		l->cut = true;
	}
	memcpy(l->buf + l->n, s, n);
	l->n += n;
}

static inline void
cap_line_str(struct cap_line *l, const char *s)
{
	cap_line_mem(l, s, strlen(s));
}

static inline void
cap_line_ch(struct cap_line *l, char c)
{
	cap_line_mem(l, &c, 1);
}

/* The digits of v (1 to 20). */
static inline unsigned
cap_line_digits(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/* "00" "01" ... "99": two digits at a time. */
extern const char cap_line_pairs[200];

/* v (< 10^digits) in decimal, exactly digits digits (leading zeros if v
 * has fewer), into out[0..digits). */
static inline void
cap_line_put_digits(char *out, uint64_t v, unsigned digits)
{
	char *p = out + digits;
	uint32_t w;

	while (v > UINT32_MAX && p - out >= 2) {
		p -= 2;
		memcpy(p, cap_line_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	w = (uint32_t)v;                /* 32-bit division is the faster */
	while (p - out >= 2) {
		p -= 2;
		memcpy(p, cap_line_pairs + 2 * (w % 100), 2);
		w /= 100;
	}
	if (p > out)
		*--p = (char)('0' + w % 10);
}

/* The same with padding, or near the end of the buffer (cap_fmt.c). */
void cap_line_u64_slow(struct cap_line *l, uint64_t v, unsigned width);

/* v in decimal, right-aligned in at least width columns. */
static inline void
cap_line_u64(struct cap_line *l, uint64_t v, unsigned width)
{
	unsigned d = cap_line_digits(v);

	if (width > d || d >= sizeof(l->buf) - l->n) {
		cap_line_u64_slow(l, v, width);
		return;
	}
	cap_line_put_digits(l->buf + l->n, v, d);
	l->n += d;
}

/* Microseconds as seconds with six decimals, "12.000345" (us >= 0). */
static inline void
cap_line_seconds(struct cap_line *l, int64_t us)
{
	char frac[7];

	if (us < 0)
		us = 0;
	cap_line_u64(l, (uint64_t)us / 1000000, 1);
	frac[0] = '.';
	cap_line_put_digits(frac + 1, (uint64_t)us % 1000000, 6);
	cap_line_mem(l, frac, 7);
}

/* s[0..len) as a JSON string: quotes, backslashes and control bytes
 * (DEL too) escaped; UTF-8 passes as it is. */
void cap_line_json(struct cap_line *l, const char *s, size_t len);

/* printf-style, for what is not on the hot path. */
void cap_line_fmt(struct cap_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
