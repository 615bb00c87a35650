/*
 * cap_fmt.c — formatting helpers shared by chatcap's output modules:
 * colours, arrows, durations, TCP flags, clipping text for one line.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cap_line.h"
#include "cap_out.h"

const char cap_line_pairs[200] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void
cap_line_u64_slow(struct cap_line *l, uint64_t v, unsigned width)
{
	unsigned d = cap_line_digits(v);
	char tmp[24];

	while (width-- > d)
		cap_line_ch(l, ' ');
	cap_line_put_digits(tmp, v, d);
	cap_line_mem(l, tmp, d);
}

/* True if one of the 8 bytes at s needs escaping in JSON: '"', '\\',
 * below 0x20 or DEL (each test exact on whether any byte matches). */
static bool
json_special8(const char *s)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
	uint64_t v, q, b, d;

	memcpy(&v, s, 8);
	q = v ^ (ones * '"');
	b = v ^ (ones * '\\');
	d = v ^ (ones * 0x7f);
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) |
	        ((v - ones * 0x20) & ~v)) & highs;
}

void
cap_line_json(struct cap_line *l, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run = 0;

	cap_line_ch(l, '"');
	while (i < len) {
		unsigned char ch;

		if (len - i >= 8 && !json_special8(s + i)) {   /* the usual case */
			i += 8;
			continue;
		}
		ch = (unsigned char)s[i++];
		if (ch != '"' && ch != '\\' && ch >= 0x20 && ch != 0x7f)
			continue;
		cap_line_mem(l, s + run, i - 1 - run);
		run = i;
		if (ch == '"' || ch == '\\') {
			cap_line_ch(l, '\\');
			cap_line_ch(l, (char)ch);
		} else {
			cap_line_str(l, "\\u00");
			cap_line_ch(l, hex[ch >> 4]);
			cap_line_ch(l, hex[ch & 15]);
		}
	}
	cap_line_mem(l, s + run, len - run);
	cap_line_ch(l, '"');
}

void
cap_line_fmt(struct cap_line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->buf) - l->n;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(l->buf + l->n, room, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if ((size_t)r >= room) {
		l->n = sizeof(l->buf) - 1;
		l->cut = true;
	} else {
		l->n += (size_t)r;
	}
}

static const char *const colors[] = {
	[CAP_C_RESET]     = "\033[0m",
	[CAP_C_BOLD]      = "\033[1m",
	[CAP_C_DIM]       = "\033[2m",
	[CAP_C_HANDSHAKE] = "\033[32m",    /* green */
	[CAP_C_TEARDOWN]  = "\033[33m",    /* yellow */
	[CAP_C_PROBLEM]   = "\033[1;31m",  /* bold red */
	[CAP_C_UDP]       = "\033[36m",    /* cyan */
	[CAP_C_TEXT]      = "\033[1;35m",  /* bold magenta */
};

const char *
cap_color(const struct cap_out *o, enum cap_color c)
{
	return o->color ? colors[c] : "";
}

const char *
cap_arrow(const struct cap_out *o)
{
	return o->utf8 ? "\u2192" : "->";
}

void
cap_fmt_duration(const struct cap_out *o, int64_t us, char *out, size_t cap)
{
	if (us < 0)
		snprintf(out, cap, "-");
	else if (us < 1000)
		snprintf(out, cap, "%" PRId64 " %s", us, o->utf8 ? "\u00b5s" : "us");
	else if (us < 1000000)
		snprintf(out, cap, "%" PRId64 ".%03" PRId64 " ms", us / 1000,
		         us % 1000);
	else
		snprintf(out, cap, "%" PRId64 ".%03" PRId64 " s", us / 1000000,
		         us / 1000 % 1000);
}

/* d as three decimals: "001" */
static void
line_3(struct cap_line *l, int64_t d)
{
	char c[3] = { (char)('0' + d / 100), (char)('0' + d / 10 % 10),
	              (char)('0' + d % 10) };

	cap_line_mem(l, c, 3);
}

void
cap_line_duration(const struct cap_out *o, struct cap_line *l, int64_t us)
{
	if (us < 0) {
		cap_line_ch(l, '-');
	} else if (us < 1000) {
		cap_line_u64(l, (uint64_t)us, 1);
		cap_line_str(l, o->utf8 ? " \u00b5s" : " us");
	} else if (us < 1000000) {
		cap_line_u64(l, (uint64_t)(us / 1000), 1);
		cap_line_ch(l, '.');
		line_3(l, us % 1000);
		cap_line_str(l, " ms");
	} else {
		cap_line_u64(l, (uint64_t)(us / 1000000), 1);
		cap_line_ch(l, '.');
		line_3(l, us / 1000 % 1000);
		cap_line_str(l, " s");
	}
}

void
cap_fmt_flags(uint8_t flags, char out[12])
{
	static const struct { uint8_t bit; char c; } names[] = {
		{ CAP_SYN, 'S' }, { CAP_FIN, 'F' }, { CAP_RST, 'R' },
		{ CAP_PSH, 'P' }, { CAP_URG, 'U' }, { CAP_ECE, 'E' },
		{ CAP_CWR, 'W' }, { CAP_ACK, '.' },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			out[n++] = names[i].c;
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

size_t
cap_fmt_clip(const struct cap_out *o, const char *s, size_t len, size_t max,
             char *out, size_t cap)
{
	const char *dots = o->utf8 ? "\u2026" : "...";
	size_t n = len, d = strlen(dots);

	if (cap <= d)
		return 0;
	if (n > max)
		n = max;
	if (n < len && n + d + 1 > cap)
		n = cap - d - 1;
	else if (n == len && n + 1 > cap)
		n = cap - d - 1;
	while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;                    /* not inside a character */
	if (o->utf8) {
		memcpy(out, s, n);
	} else {        /* a terminal without UTF-8: one '?' per character */
		size_t i, k = 0;

		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				out[k++] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
		len -= n - k;
		n = k;
	}
	if (n < len) {
		memcpy(out + n, dots, d);
		n += d;
	}
	out[n] = '\0';
	return n;
}

size_t
cap_fmt_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void
cap_fmt_seconds(int64_t us, char *out, size_t cap)
{
	if (us < 0) {
		snprintf(out, cap, "-%" PRId64 ".%06" PRId64, -us / 1000000,
		         -us % 1000000);
		return;
	}
	snprintf(out, cap, "%" PRId64 ".%06" PRId64, us / 1000000,
	         us % 1000000);
}

/* ---------------------------------------------------------------------------
 * Wrapping a line to the width (display columns: a UTF-8 character is one,
 * an ANSI colour sequence none)
 * ------------------------------------------------------------------------ */

#define WRAP_INDENT 14    /* the continuation starts under the conversation */
#define WRAP_OUT    4096  /* bytes of pieces gathered for one fwrite */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static const char spaces[WRAP_INDENT + 1] = "              ";

static bool
continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* Bit 7 of byte j set where s[j] (j < 8) is not plain ASCII or is ESC:
 * exact up to the first such byte, which is all the caller reads. Byte j
 * is bits 8j..8j+7 whatever the machine's byte order. */
static uint64_t
special8(const char *s)
{
	uint64_t v, x;

	memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	x = v ^ (ONES * 0x1b);               /* a zero byte where ESC was */
	return (v | ((x - ONES) & ~x)) & HIGHS;
}

/* The byte offset where cols more columns from s[from] end (or n): a
 * UTF-8 character takes one, a colour code (ESC ... m) none. s is valid
 * UTF-8 (chat text is sanitised before it gets here). Plain ASCII is
 * taken up to 8 bytes at a time (never more than the columns left); a
 * special byte one character or colour code at a time. */
static size_t
advance(const char *s, size_t from, size_t n, size_t cols)
{
	size_t i = from, c = 0, k, p;
	uint64_t bad;

	while (i < n && c < cols) {
		k = cols - c < 8 ? cols - c : 8;
		if (n - i >= 8) {
			bad = special8(s + i);
			if (k < 8)
				bad &= ((uint64_t)1 << (8 * k)) - 1;
			p = bad == 0 ? k : (size_t)__builtin_ctzll(bad) / 8;
			i += p;
			c += p;
			if (bad == 0)
				continue;
		}
		if (s[i] == '\033') {         /* s[i] special, or near the end */
			while (i < n && s[i] != 'm')
				i++;
			i++;
			continue;
		}
		i++;
		c++;
		while (i < n && continuation(s[i]))
			i++;
	}
	return i < n ? i : n;
}

/* The pieces of one wrapped line, gathered for one fwrite. */
struct wrap_out {
	FILE  *f;
	size_t n;
	char   buf[WRAP_OUT];
};

/* s[from..to) less its trailing blanks, after the indent if indent, then
 * a newline. */
static void
put_piece(struct wrap_out *w, const char *s, size_t from, size_t to,
          bool indent)
{
	size_t lead = indent ? WRAP_INDENT : 0;

	while (to > from && s[to - 1] == ' ')
		to--;
	if (lead + to - from + 1 > sizeof(w->buf) - w->n) {
		fwrite_unlocked(w->buf, 1, w->n, w->f);
		w->n = 0;
		if (lead + to - from + 1 > sizeof(w->buf)) {  /* a huge piece */
			fwrite_unlocked(spaces, 1, lead, w->f);
			fwrite_unlocked(s + from, 1, to - from, w->f);
			fputc_unlocked('\n', w->f);
			return;
		}
	}
	memcpy(w->buf + w->n, spaces, lead);
	memcpy(w->buf + w->n + lead, s + from, to - from);
	w->n += lead + to - from;
	w->buf[w->n++] = '\n';
}

void
cap_out_emit(const struct cap_out *o, const char *s, size_t n)
{
	struct wrap_out w;
	size_t start = 0, end, brk, cols;
	unsigned width = o->width;
	bool indent = false;

	if (width == 0 || n <= width) {      /* (one byte: at most a column) */
		fwrite_unlocked(s, 1, n, o->f);
		fputc_unlocked('\n', o->f);
		return;
	}
	if (width < WRAP_INDENT + 20)
		width = WRAP_INDENT + 20;        /* too narrow: keep it readable */
	w.f = o->f;
	w.n = 0;
	for (;;) {
		cols = indent ? width - WRAP_INDENT : width;
		if (n - start <= cols)
			break;                       /* the rest fits: bytes >= columns */
		end = advance(s, start, n, cols);
		if (end >= n)
			break;
		brk = end;                       /* the last space that fits */
		while (brk > start && s[brk] != ' ')
			brk--;
		if (brk == start)
			brk = end;                   /* no space: cut the word */
		put_piece(&w, s, start, brk, indent);
		indent = true;
		start = brk;
		while (start < n && s[start] == ' ')
			start++;
	}
	put_piece(&w, s, start, n, indent);
	fwrite_unlocked(w.buf, 1, w.n, w.f);
}

/* ---------------------------------------------------------------------------
 * Names of endpoints and states
 * ------------------------------------------------------------------------ */

void
cap_endpoint_format(const struct cap_endpoint *e, char *out)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->addr, addr,
	          sizeof(addr));
	snprintf(out, CAP_ENDPOINT_MAX, e->family == 4 ? "%s:%u" : "[%s]:%u",
	         addr, e->port);
}

const char *
cap_state_label(enum cap_state s)
{
	switch (s) {
	case CAP_STATE_OPEN:    return TR("open", "abierta");
	case CAP_STATE_CLOSED:  return TR("closed", "cerrada");
	case CAP_STATE_RESET:   return TR("reset", "abortada");
	case CAP_STATE_REFUSED: return TR("refused", "rechazada");
	}
	return "?";
}

const char *
cap_state_name(enum cap_state s)
{
	switch (s) {
	case CAP_STATE_OPEN:    return "open";
	case CAP_STATE_CLOSED:  return "closed";
	case CAP_STATE_RESET:   return "reset";
	case CAP_STATE_REFUSED: return "refused";
	}
	return "?";
}
