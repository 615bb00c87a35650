/*
 * cap_out.h — what every output module shares: where to write, colour and
 * UTF-8 choices, and small formatting helpers (cap_fmt.c). The writers are
 * cap_text.c (a line per packet), cap_json.c (JSON Lines), cap_ladder.c
 * (sequence diagrams) and cap_summary.c (TCP against UDP).
 */
#ifndef CAP_OUT_H
#define CAP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cap_conv.h"

enum cap_color {
	CAP_C_RESET, CAP_C_BOLD, CAP_C_DIM, CAP_C_HANDSHAKE, CAP_C_TEARDOWN,
	CAP_C_PROBLEM, CAP_C_UDP, CAP_C_TEXT,
};

struct cap_out {
	FILE       *f;
	bool        color;     /* ANSI colours */
	bool        utf8;      /* arrows, box drawing, "µs"; else ASCII */
	uint16_t    tcp_port, udp_port;
	const char *link_name; /* "EN10MB", ... */
	unsigned    width;     /* wrap lines at this many columns; 0: never */
	const char *file;      /* the capture file read, or NULL (live) */
};

/* Write s[0..n) and a newline on o->f, wrapped at o->width columns (on
 * spaces where it can; later lines indented). s must be valid UTF-8 and
 * ANSI colour codes (chat text is sanitised before it gets here): a
 * character is one column, a colour code none. */
void cap_out_emit(const struct cap_out *o, const char *s, size_t n);

/* The escape sequence for c, or "" without colour. */
const char *cap_color(const struct cap_out *o, enum cap_color c);

/* "→" or "->". */
const char *cap_arrow(const struct cap_out *o);

/* A duration for people: "21 µs", "1.250 ms", "2.000 s". */
void cap_fmt_duration(const struct cap_out *o, int64_t us, char *out,
                      size_t cap);

struct cap_line;

/* The same appended to l, without printf (for the per-packet lines). */
void cap_line_duration(const struct cap_out *o, struct cap_line *l,
                       int64_t us);

/* TCP flags as tcpdump writes them: "S", "S.", "P.", "F.", "R.", "." */
void cap_fmt_flags(uint8_t flags, char out[12]);

/* Copy at most max bytes of s (cut at a UTF-8 character boundary, with an
 * ellipsis when cut) into out[cap]; without UTF-8, every non-ASCII
 * character becomes '?'. Returns the bytes written. */
size_t cap_fmt_clip(const struct cap_out *o, const char *s, size_t len,
                    size_t max, char *out, size_t cap);

/* Display width of UTF-8 text (one column per character: a named
 * simplification, wide CJK characters count as one). */
size_t cap_fmt_width(const char *s);

/* Microseconds as seconds with six decimals: "12.000345". */
void cap_fmt_seconds(int64_t us, char *out, size_t cap);

#endif
