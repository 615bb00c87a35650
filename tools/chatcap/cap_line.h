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

/* v in decimal, right-aligned in at least width columns. */
static inline void
cap_line_u64(struct cap_line *l, uint64_t v, unsigned width)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (sizeof(d) - i < width && i > 0)
		d[--i] = ' ';
	cap_line_mem(l, d + i, sizeof(d) - i);
}

/* Microseconds as seconds with six decimals, "12.000345" (us >= 0). */
static inline void
cap_line_seconds(struct cap_line *l, int64_t us)
{
	char frac[7];
	uint64_t f;
	int i;

	if (us < 0)
		us = 0;
	cap_line_u64(l, (uint64_t)us / 1000000, 1);
	f = (uint64_t)us % 1000000;
	for (i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	frac[6] = '.';
	cap_line_ch(l, '.');
	cap_line_mem(l, frac, 6);
}

/* printf-style, for what is not on the hot path. */
void cap_line_fmt(struct cap_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
