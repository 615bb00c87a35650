/*
 * test_msg.c — unit tests for shared/wire/msg.c: line framing of a byte
 * stream (every split across reads, merged lines, overlong lines, "\r\n",
 * UTF-8 split across reads, the silence rule) and parsing a line into chat
 * or a command.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* ---------------------------------------------------------------------------
 * A recorder for the framer's output
 *
 * Every event becomes one string: "L:<line>" for MSG_FRAME_LINE and "TOO_LONG"
 * for MSG_FRAME_TOO_LONG, so a whole run compares as one list.
 * ------------------------------------------------------------------------ */

#define EV_MAX 64

struct events {
	char  *ev[EV_MAX];
	size_t n;
};

static void
ev_add(struct events *e, const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix);
	char *copy;

	assert_true(e->n < EV_MAX);
	copy = malloc(plen + len + 1);
	assert_non_null(copy);
	memcpy(copy, prefix, plen);
	memcpy(copy + plen, s, len);
	copy[plen + len] = '\0';
	e->ev[e->n++] = copy;
}

static void
ev_free(struct events *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->ev[i]);
	e->n = 0;
}

/* Feed one read to the framer and record every event it produces. */
static void
feed(struct msg_framer *f, struct events *e, const char *data, size_t len)
{
	const char *line;
	size_t line_len;
	enum msg_frame r;

	for (;;) {
		r = msg_framer_next(f, &data, &len, &line, &line_len);
		if (r == MSG_FRAME_MORE)
			break;
		if (r == MSG_FRAME_LINE) {
			assert_true(line_len <= MSG_MAX);
			ev_add(e, "L:", line, line_len);
		} else {
			assert_int_equal(r, MSG_FRAME_TOO_LONG);
			ev_add(e, "TOO_LONG", "", 0);
		}
	}
	assert_int_equal(len, 0);
}

/* Feed `in` split into reads at the given cut positions (ascending). */
static void
feed_cuts(struct msg_framer *f, struct events *e, const char *in, size_t len,
          const size_t *cuts, size_t ncuts)
{
	size_t i, from = 0;

	for (i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;

		feed(f, e, in + from, to - from);
		from = to;
	}
}

static void
expect_events(const struct events *e, const char *const *want, size_t nwant)
{
	size_t i;

	for (i = 0; i < nwant && i < e->n; i++)
		assert_string_equal(e->ev[i], want[i]);
	assert_int_equal(e->n, nwant);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A string of n copies of c (caller frees). */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---------------------------------------------------------------------------
 * Framing: splits and merges
 * ------------------------------------------------------------------------ */

static const char split_input[] =
	"hola\nque tal\r\n\nadi\xC3\xB3s \xE2\x82\xAC \xF0\x9F\x98\x80\nfin\r\n";
static const char *const split_want[] = {
	"L:hola", "L:que tal", "L:", "L:adi\xC3\xB3s \xE2\x82\xAC \xF0\x9F\x98\x80",
	"L:fin",
};

static void
test_msg_framer_next_one_read(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };

	(void)state;
	feed(&f, &e, split_input, sizeof(split_input) - 1);
	expect_events(&e, split_want, NELEM(split_want));
	assert_null(f.buf);     /* every line came straight from the read */
	ev_free(&e);
	msg_framer_free(&f);
}

static void
test_msg_framer_next_every_split(void **state)
{
	size_t len = sizeof(split_input) - 1, cut;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		struct msg_framer f = { 0 };
		struct events e = { 0 };

		feed_cuts(&f, &e, split_input, len, &cut, 1);
		expect_events(&e, split_want, NELEM(split_want));
		ev_free(&e);
		msg_framer_free(&f);
	}
}

static void
test_msg_framer_next_every_pair_of_splits(void **state)
{
	size_t len = sizeof(split_input) - 1, cuts[2];

	(void)state;
	for (cuts[0] = 0; cuts[0] <= len; cuts[0]++)
		for (cuts[1] = cuts[0]; cuts[1] <= len; cuts[1]++) {
			struct msg_framer f = { 0 };
			struct events e = { 0 };

			feed_cuts(&f, &e, split_input, len, cuts, 2);
			expect_events(&e, split_want, NELEM(split_want));
			ev_free(&e);
			msg_framer_free(&f);
		}
}

static void
test_msg_framer_next_one_byte_reads(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(split_input) - 1; i++)
		feed(&f, &e, split_input + i, 1);
	expect_events(&e, split_want, NELEM(split_want));
	ev_free(&e);
	msg_framer_free(&f);
}

static void
test_msg_framer_next_empty_read(void **state)
{
	struct msg_framer f = { 0 };
	const char *data = "", *line = NULL;
	size_t len = 0, line_len = 0;

	(void)state;
	assert_int_equal(msg_framer_next(&f, &data, &len, &line, &line_len),
	                 MSG_FRAME_MORE);
	assert_null(f.buf);
	assert_false(msg_framer_pending(&f));
	msg_framer_free(&f);
}

static void
test_msg_framer_next_lone_cr_kept(void **state)
{
	static const char in[] = "a\rb\n\r\r\nc\r\r\n";
	static const char *const want[] = { "L:a\rb", "L:\r", "L:c\r" };
	size_t cut;

	(void)state;
	for (cut = 0; cut <= sizeof(in) - 1; cut++) {
		struct msg_framer f = { 0 };
		struct events e = { 0 };

		feed_cuts(&f, &e, in, sizeof(in) - 1, &cut, 1);
		expect_events(&e, want, NELEM(want));
		ev_free(&e);
		msg_framer_free(&f);
	}
}

static void
test_msg_framer_next_utf8_split(void **state)
{
	/* ñ (2 bytes), € (3 bytes), 😀 (4 bytes): split inside each one */
	static const char in[] = "\xC3\xB1\xE2\x82\xAC\xF0\x9F\x98\x80\n";
	static const char *const want[] = {
		"L:\xC3\xB1\xE2\x82\xAC\xF0\x9F\x98\x80"
	};
	size_t cuts[2];

	(void)state;
	for (cuts[0] = 0; cuts[0] < sizeof(in) - 1; cuts[0]++)
		for (cuts[1] = cuts[0]; cuts[1] < sizeof(in) - 1; cuts[1]++) {
			struct msg_framer f = { 0 };
			struct events e = { 0 };

			feed_cuts(&f, &e, in, sizeof(in) - 1, cuts, 2);
			expect_events(&e, want, NELEM(want));
			ev_free(&e);
			msg_framer_free(&f);
		}
}

/* ---------------------------------------------------------------------------
 * Framing: the MSG_MAX cap
 * ------------------------------------------------------------------------ */

/* Frame `body` + `term` + "next\n" cut at every position in a window around
 * the end of the body, and check the events. */
static void
check_long_line(size_t body_len, const char *term, bool fits)
{
	char *body = repeat('x', body_len), *in, *want_line;
	size_t tlen = strlen(term), len, cut;
	const char *want_ok[2], *want_long[2] = { "TOO_LONG", "L:next" };

	len = body_len + tlen + 5;
	in = malloc(len + 1);
	want_line = malloc(body_len + 3);
	assert_non_null(in);
	assert_non_null(want_line);
	sprintf(in, "%s%snext\n", body, term);
	sprintf(want_line, "L:%s", body);
	want_ok[0] = want_line;
	want_ok[1] = "L:next";

	for (cut = 0; cut <= len; cut++) {
		struct msg_framer f = { 0 };
		struct events e = { 0 };

		if (cut > 8 && cut < body_len - 8)
			cut = body_len - 8;     /* the middle is all alike */
		feed_cuts(&f, &e, in, len, &cut, 1);
		expect_events(&e, fits ? want_ok : want_long, 2);
		ev_free(&e);
		msg_framer_free(&f);
	}
	free(body);
	free(in);
	free(want_line);
}

static void
test_msg_framer_next_max_line_accepted(void **state)
{
	(void)state;
	check_long_line(MSG_MAX, "\n", true);
}

static void
test_msg_framer_next_max_line_with_cr_accepted(void **state)
{
	(void)state;
	check_long_line(MSG_MAX, "\r\n", true);
}

static void
test_msg_framer_next_max_plus_one_rejected(void **state)
{
	(void)state;
	check_long_line(MSG_MAX + 1, "\n", false);
}

static void
test_msg_framer_next_max_plus_one_with_cr_rejected(void **state)
{
	(void)state;
	check_long_line(MSG_MAX + 1, "\r\n", false);
}

static void
test_msg_framer_next_much_longer_rejected(void **state)
{
	(void)state;
	check_long_line(3 * MSG_MAX, "\n", false);
}

static void
test_msg_framer_next_max_line_one_byte_reads(void **state)
{
	static const char *const want[] = { "TOO_LONG", "L:ok" };
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	char *body = repeat('y', MSG_MAX + 1);
	size_t i;

	(void)state;
	for (i = 0; i < MSG_MAX + 1; i++)
		feed(&f, &e, body + i, 1);
	feed(&f, &e, "\r", 1);
	feed(&f, &e, "\n", 1);
	feed(&f, &e, "ok\n", 3);
	expect_events(&e, want, NELEM(want));
	ev_free(&e);
	msg_framer_free(&f);
	free(body);
}

static void
test_msg_framer_next_one_mib_line(void **state)
{
	static const char *const want[] = { "L:before", "TOO_LONG", "L:after" };
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	size_t total = 1024 * 1024, chunk = 4096, sent;
	char *block = repeat('z', chunk);

	(void)state;
	feed(&f, &e, "before\nzz", 9);
	for (sent = 2; sent < total; sent += chunk)
		feed(&f, &e, block, chunk);
	assert_true(f.discarding);
	feed(&f, &e, "zzz\nafter\n", 10);
	expect_events(&e, want, NELEM(want));
	assert_false(f.discarding);
	ev_free(&e);
	msg_framer_free(&f);
	free(block);
}

static void
test_msg_framer_next_two_long_lines_two_reports(void **state)
{
	static const char *const want[] = {
		"TOO_LONG", "L:a", "TOO_LONG", "L:b"
	};
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	char *body = repeat('q', 2 * MSG_MAX);

	(void)state;
	feed(&f, &e, body, 2 * MSG_MAX);
	feed(&f, &e, "\na\n", 3);
	feed(&f, &e, body, MSG_MAX + 1);
	feed(&f, &e, "\nb\n", 3);
	expect_events(&e, want, NELEM(want));
	ev_free(&e);
	msg_framer_free(&f);
	free(body);
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* The framer against a model: random streams of short, long and
 * borderline lines with stray '\r's, cut into random reads. The model
 * splits at '\n', strips one '\r' and calls anything over MSG_MAX too
 * long. */
static void
test_msg_framer_next_random_streams(void **state)
{
	enum { STREAM = 12000 };
	static const size_t lens[] = {
		0, 1, 5, 80, MSG_MAX - 1, MSG_MAX, MSG_MAX + 1, MSG_MAX + 2,
		2 * MSG_MAX, 3000,
	};
	static char in[STREAM];
	uint32_t seed = 1;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct msg_framer f = { 0 };
		struct events got = { 0 }, want = { 0 };
		size_t len = 0, from, n, i, start;

		/* build the stream, and what the model expects of it */
		while (want.n < EV_MAX - 1) {
			n = lens[rnd(&seed) % NELEM(lens)];
			if (len + n + 2 > STREAM)
				break;
			start = len;
			for (i = 0; i < n; i++)
				in[len++] = rnd(&seed) % 16 == 0 ? '\r'
				                                 : (char)('a' + rnd(&seed) % 26);
			if (rnd(&seed) % 2)
				in[len++] = '\r';
			n = len - start;
			if (n > 0 && in[len - 1] == '\r')
				n--;
			if (n > MSG_MAX)
				ev_add(&want, "TOO_LONG", "", 0);
			else
				ev_add(&want, "L:", in + start, n);
			in[len++] = '\n';
		}
		/* feed it in random reads */
		for (from = 0; from < len; from += n) {
			n = rnd(&seed) % 3 == 0 ? rnd(&seed) % 8
			                        : rnd(&seed) % 1500;
			if (n > len - from)
				n = len - from;
			feed(&f, &got, in + from, n);
		}
		expect_events(&got, (const char *const *)want.ev, want.n);
		feed(&f, &got, "", 0);
		assert_null(f.buf);
		assert_false(f.discarding);
		ev_free(&got);
		ev_free(&want);
		msg_framer_free(&f);
	}
}

/* ---------------------------------------------------------------------------
 * Framing: the partial buffer and the silence rule
 * ------------------------------------------------------------------------ */

static void
test_msg_framer_next_buffer_freed_when_idle(void **state)
{
	static const char *const want[] = { "L:hola" };
	struct msg_framer f = { 0 };
	struct events e = { 0 };

	(void)state;
	feed(&f, &e, "ho", 2);
	assert_non_null(f.buf);
	assert_int_equal(f.len, 2);
	feed(&f, &e, "la\n", 3);
	expect_events(&e, want, NELEM(want));
	feed(&f, &e, "", 0);            /* the next call, even with no data */
	assert_null(f.buf);
	assert_int_equal(f.len, 0);
	ev_free(&e);
	msg_framer_free(&f);
}

static void
test_msg_framer_free_releases_partial(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };

	(void)state;
	feed(&f, &e, "unfinished", 10);
	assert_non_null(f.buf);
	msg_framer_free(&f);
	assert_null(f.buf);
	assert_int_equal(f.len, 0);
	assert_false(f.discarding);
	assert_false(f.newline_seen);
	assert_int_equal(e.n, 0);
}

static void
test_msg_framer_flush_hands_over_unterminated(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	const char *line;
	size_t line_len;

	(void)state;
	assert_false(msg_framer_pending(&f));
	assert_false(msg_framer_flush(&f, &line, &line_len));
	feed(&f, &e, "ana", 3);
	assert_true(msg_framer_pending(&f));
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, 3);
	assert_memory_equal(line, "ana", 3);
	assert_false(msg_framer_pending(&f));
	assert_false(msg_framer_flush(&f, &line, &line_len));

	/* the next message, itself in two writes before the silence */
	feed(&f, &e, "hola ", 5);
	feed(&f, &e, "a todos", 7);
	assert_true(msg_framer_pending(&f));
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, 12);
	assert_memory_equal(line, "hola a todos", 12);
	feed(&f, &e, "", 0);
	assert_null(f.buf);
	assert_int_equal(e.n, 0);
	msg_framer_free(&f);
}

static void
test_msg_framer_flush_max_unterminated(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	char *body = repeat('m', MSG_MAX);
	const char *line;
	size_t line_len;

	(void)state;
	feed(&f, &e, body, MSG_MAX);
	assert_int_equal(e.n, 0);
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, MSG_MAX);
	assert_memory_equal(line, body, MSG_MAX);
	msg_framer_free(&f);
	free(body);
}

static void
test_msg_framer_pending_false_after_newline(void **state)
{
	static const char *const want[] = { "L:ana", "L:one line" };
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	const char *line;
	size_t line_len;

	(void)state;
	feed(&f, &e, "ana\none ", 8);
	assert_false(msg_framer_pending(&f));
	assert_false(msg_framer_flush(&f, &line, &line_len));
	feed(&f, &e, "line\n", 5);       /* the split line arrives whole */
	expect_events(&e, want, NELEM(want));
	ev_free(&e);
	msg_framer_free(&f);
}

static void
test_msg_framer_flush_overlong_dropped(void **state)
{
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	char *body = repeat('w', 3 * MSG_MAX);
	const char *line;
	size_t line_len;

	(void)state;
	feed(&f, &e, body, MSG_MAX);
	feed(&f, &e, body, 2 * MSG_MAX);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.ev[0], "TOO_LONG");
	assert_true(msg_framer_pending(&f));
	feed(&f, &e, body, MSG_MAX);     /* still the same message */
	assert_int_equal(e.n, 1);
	assert_false(msg_framer_flush(&f, &line, &line_len)); /* silence */
	assert_false(msg_framer_pending(&f));

	feed(&f, &e, "next", 4);         /* the message after the silence */
	assert_int_equal(e.n, 1);
	assert_true(msg_framer_pending(&f));
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, 4);
	assert_memory_equal(line, "next", 4);
	ev_free(&e);
	msg_framer_free(&f);
	free(body);
}

static void
test_msg_framer_flush_one_over_reported(void **state)
{
	/* MSG_MAX + 1 bytes that can no longer end in "\r\n" within the cap
	 * are too long: the sender must hear so, not lose them silently. */
	struct msg_framer f = { 0 };
	struct events e = { 0 };
	char *body = repeat('v', MSG_MAX + 1);
	const char *line;
	size_t line_len;

	(void)state;
	feed(&f, &e, body, MSG_MAX + 1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.ev[0], "TOO_LONG");
	assert_false(msg_framer_flush(&f, &line, &line_len));
	feed(&f, &e, "next", 4);
	assert_true(msg_framer_flush(&f, &line, &line_len));
	assert_int_equal(line_len, 4);
	assert_memory_equal(line, "next", 4);
	ev_free(&e);
	msg_framer_free(&f);
	free(body);
}

/* An overlong line ended by '\n' is dropped, but its newline counts: the
 * peer is one that ends its lines, so the silence rule no longer applies
 * and a later unterminated line waits for its newline. Whatever read the
 * newline arrives in: with the line, after a kept part, after a report,
 * or alone. */
static void
test_msg_framer_newline_of_overlong_line_counts(void **state)
{
	static const size_t cuts[] = { 2 * MSG_MAX + 1, MSG_MAX / 2,
	                               MSG_MAX + 5, 2 * MSG_MAX };
	static const char *const want[] = { "TOO_LONG", "L:half line" };
	char *in = repeat('z', 2 * MSG_MAX + 1);
	const char *line;
	size_t i, line_len;

	(void)state;
	in[2 * MSG_MAX] = '\n';
	for (i = 0; i < NELEM(cuts); i++) {
		struct msg_framer f = { 0 };
		struct events e = { 0 };

		feed(&f, &e, in, cuts[i]);
		feed(&f, &e, in + cuts[i], 2 * MSG_MAX + 1 - cuts[i]);
		assert_true(f.newline_seen);
		feed(&f, &e, "half", 4);
		assert_false(msg_framer_pending(&f));
		assert_false(msg_framer_flush(&f, &line, &line_len));
		feed(&f, &e, " line\n", 6);
		expect_events(&e, want, NELEM(want));
		ev_free(&e);
		msg_framer_free(&f);
	}
	free(in);
}

/* ---------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

struct parse_case {
	const char   *line;
	enum msg_kind kind;
	const char   *arg;   /* NULL: no argument */
	const char   *text;  /* NULL: no text */
	const char   *cmd;   /* checked for MSG_UNKNOWN only */
};

static const struct parse_case parse_cases[] = {
	/* empty and blank */
	{ "",                    MSG_EMPTY,   NULL, NULL, NULL },
	{ "   ",                 MSG_EMPTY,   NULL, NULL, NULL },
	{ " \t \t",              MSG_EMPTY,   NULL, NULL, NULL },
	/* chat keeps its own spacing */
	{ "hola",                MSG_CHAT,    "hola", NULL, NULL },
	/* "/say TEXT": chat that is never a nickname (UDP sessions) */
	{ "/say hola",           MSG_CHAT,    "hola", NULL, NULL },
	{ "/DECIR  hola a todos ", MSG_CHAT,  "hola a todos", NULL, NULL },
	{ "/say",                MSG_EMPTY,   NULL, NULL, NULL },
	{ "/say   ",             MSG_EMPTY,   NULL, NULL, NULL },
	{ "  hola  a todos ",    MSG_CHAT,    "  hola  a todos ", NULL, NULL },
	{ "salir ya",            MSG_CHAT,    "salir ya", NULL, NULL },
	{ "salirr",              MSG_CHAT,    "salirr", NULL, NULL },
	{ "quit",                MSG_CHAT,    "quit", NULL, NULL },
	{ "a/b",                 MSG_CHAT,    "a/b", NULL, NULL },
	{ "//etc/passwd",        MSG_CHAT,    "/etc/passwd", NULL, NULL },
	{ "//",                  MSG_CHAT,    "/", NULL, NULL },
	{ "//list",              MSG_CHAT,    "/list", NULL, NULL },
	/* bare salir, any case, with blanks */
	{ "salir",               MSG_QUIT,    "salir", NULL, NULL },
	{ "SALIR",               MSG_QUIT,    "SALIR", NULL, NULL },
	{ "Salir",               MSG_QUIT,    "Salir", NULL, NULL },
	{ "  salir \t",          MSG_QUIT,    "  salir \t", NULL, NULL },
	/* quit in every name */
	{ "/quit",               MSG_QUIT,    NULL, NULL, NULL },
	{ "/quitar",             MSG_QUIT,    NULL, NULL, NULL },
	{ "/salir",              MSG_QUIT,    NULL, NULL, NULL },
	{ "/QUIT",               MSG_QUIT,    NULL, NULL, NULL },
	{ "/Salir",              MSG_QUIT,    NULL, NULL, NULL },
	{ "/quit bye now",       MSG_QUIT,    "bye now", NULL, NULL },
	/* nick */
	{ "/nick ana",           MSG_NICK,    "ana", NULL, NULL },
	{ "/nick   ana  ",       MSG_NICK,    "ana", NULL, NULL },
	{ "/nick\tana",          MSG_NICK,    "ana", NULL, NULL },
	{ "/NICK Ana",           MSG_NICK,    "Ana", NULL, NULL },
	{ "/nick",               MSG_NICK,    NULL, NULL, NULL },
	{ "/nick   ",            MSG_NICK,    NULL, NULL, NULL },
	{ "/nick ana luis",      MSG_NICK,    "ana luis", NULL, NULL },
	/* list */
	{ "/list",               MSG_LIST,    NULL, NULL, NULL },
	{ "/listar",             MSG_LIST,    NULL, NULL, NULL },
	{ "/LIST",               MSG_LIST,    NULL, NULL, NULL },
	{ "/Listar",             MSG_LIST,    NULL, NULL, NULL },
	{ "  /list  ",           MSG_LIST,    NULL, NULL, NULL },
	/* private */
	{ "/msg luis hola",      MSG_PRIVATE, "luis", "hola", NULL },
	{ "/privado luis hola",  MSG_PRIVATE, "luis", "hola", NULL },
	{ "/MSG luis hola que tal", MSG_PRIVATE, "luis", "hola que tal", NULL },
	{ "/msg  luis \t hola  que  ", MSG_PRIVATE, "luis", "hola  que", NULL },
	{ "/PRIVADO Luis ¡hola!", MSG_PRIVATE, "Luis", "¡hola!", NULL },
	{ "/msg luis",           MSG_PRIVATE, "luis", NULL, NULL },
	{ "/msg luis   ",        MSG_PRIVATE, "luis", NULL, NULL },
	{ "/msg",                MSG_PRIVATE, NULL, NULL, NULL },
	{ "/privado",            MSG_PRIVATE, NULL, NULL, NULL },
	/* me */
	{ "/me saluda",          MSG_ME,      "saluda", NULL, NULL },
	{ "/ME se va  a casa ",  MSG_ME,      "se va  a casa", NULL, NULL },
	{ "/me",                 MSG_ME,      NULL, NULL, NULL },
	/* help */
	{ "/help",               MSG_HELP,    NULL, NULL, NULL },
	{ "/ayuda",              MSG_HELP,    NULL, NULL, NULL },
	{ "/HELP",               MSG_HELP,    NULL, NULL, NULL },
	{ "/Ayuda",              MSG_HELP,    NULL, NULL, NULL },
	/* ping */
	{ "/ping",               MSG_PING,    NULL, NULL, NULL },
	{ "/ping 42",            MSG_PING,    "42", NULL, NULL },
	{ "/PING  t-1 ",         MSG_PING,    "t-1", NULL, NULL },
	/* unknown */
	{ "/",                   MSG_UNKNOWN, NULL, NULL, "/" },
	{ "/foo",                MSG_UNKNOWN, NULL, NULL, "/foo" },
	{ "/foo bar baz",        MSG_UNKNOWN, "bar baz", NULL, "/foo" },
	{ "/lista",              MSG_UNKNOWN, NULL, NULL, "/lista" },
	{ "/lis",                MSG_UNKNOWN, NULL, NULL, "/lis" },
	{ "/kick ana",           MSG_KICK,    "ana", NULL, NULL },
	{ "/KICK",               MSG_KICK,    NULL,  NULL, NULL },
	{ "/nick:ana",           MSG_UNKNOWN, NULL, NULL, "/nick:ana" },
	{ "/ salir",             MSG_UNKNOWN, "salir", NULL, "/" },
};

static void
expect_span(const char *what, const char *want, const char *got,
            size_t got_len, const char *line)
{
	if (want == NULL) {
		if (got != NULL)
			fail_msg("\"%s\": %s should be absent, got \"%.*s\"",
			         line, what, (int)got_len, got);
		return;
	}
	if (got == NULL)
		fail_msg("\"%s\": %s missing, want \"%s\"", line, what, want);
	if (got_len != strlen(want) || memcmp(got, want, got_len) != 0)
		fail_msg("\"%s\": %s is \"%.*s\", want \"%s\"", line, what,
		         (int)got_len, got, want);
}

static void
test_msg_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct msg m;

		msg_parse(c->line, strlen(c->line), &m);
		if (m.kind != c->kind)
			fail_msg("\"%s\": kind %s, want %s", c->line,
			         msg_kind_name(m.kind), msg_kind_name(c->kind));
		expect_span("arg", c->arg, m.arg, m.arg_len, c->line);
		expect_span("text", c->text, m.text, m.text_len, c->line);
		if (c->kind == MSG_UNKNOWN)
			expect_span("cmd", c->cmd, m.cmd, m.cmd_len, c->line);
	}
}

/* The UDP session rule's shape: one word, not starting with '/'. */
static void
test_msg_nick_shaped(void **state)
{
	static const struct { const char *line; bool shaped; } cases[] = {
		{ "ana", true },          { "  ana\t", true },
		{ "María", true },        { "x\n", true },  /* one "word" */
		{ "salir", true },        { "hola que tal", false },
		{ "", false },            { "   ", false },
		{ "/nick ana", false },   { "/say hola", false },
		{ "//ana", false },       { "a\tb", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		if (msg_nick_shaped(cases[i].line, strlen(cases[i].line)) !=
		    cases[i].shaped)
			fail_msg("\"%s\": want %s", cases[i].line,
			         cases[i].shaped ? "shaped" : "not shaped");
}

static void
test_msg_parse_pointers_into_line(void **state)
{
	char line[] = "/msg luis hola";
	struct msg m;

	(void)state;
	msg_parse(line, strlen(line), &m);
	assert_ptr_equal(m.arg, line + 5);
	assert_ptr_equal(m.text, line + 10);
}

static void
test_msg_parse_not_nul_terminated(void **state)
{
	/* Only the first len bytes count: the rest of the buffer is ignored. */
	static const char buf[] = "/list extra";
	struct msg m;

	(void)state;
	msg_parse(buf, 5, &m);
	assert_int_equal(m.kind, MSG_LIST);
	assert_null(m.arg);
	msg_parse("salirX", 5, &m);
	assert_int_equal(m.kind, MSG_QUIT);
	msg_parse("/pingpong", 5, &m);
	assert_int_equal(m.kind, MSG_PING);
}

static void
test_msg_parse_embedded_nul(void **state)
{
	static const char li_t[] = "/li\0t";
	static const char sa_ir[] = "sa\0ir";
	struct msg m;

	(void)state;
	msg_parse(li_t, 5, &m);
	assert_int_equal(m.kind, MSG_UNKNOWN);
	msg_parse(sa_ir, 5, &m);
	assert_int_equal(m.kind, MSG_CHAT);
	assert_int_equal(m.arg_len, 5);
}

static void
test_msg_kind_name_every_kind(void **state)
{
	static const char *const names[] = {
		[MSG_EMPTY] = "empty", [MSG_CHAT] = "chat", [MSG_NICK] = "nick",
		[MSG_LIST] = "list", [MSG_PRIVATE] = "msg", [MSG_ME] = "me",
		[MSG_HELP] = "help", [MSG_PING] = "ping", [MSG_QUIT] = "quit",
		[MSG_KICK] = "kick", [MSG_UNKNOWN] = "unknown",
	};
	size_t k;

	(void)state;
	for (k = 0; k < NELEM(names); k++)
		assert_string_equal(msg_kind_name((enum msg_kind)k), names[k]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_framer_next_one_read),
		cmocka_unit_test(test_msg_framer_next_every_split),
		cmocka_unit_test(test_msg_framer_next_every_pair_of_splits),
		cmocka_unit_test(test_msg_framer_next_one_byte_reads),
		cmocka_unit_test(test_msg_framer_next_empty_read),
		cmocka_unit_test(test_msg_framer_next_lone_cr_kept),
		cmocka_unit_test(test_msg_framer_next_utf8_split),
		cmocka_unit_test(test_msg_framer_next_max_line_accepted),
		cmocka_unit_test(test_msg_framer_next_max_line_with_cr_accepted),
		cmocka_unit_test(test_msg_framer_next_max_plus_one_rejected),
		cmocka_unit_test(test_msg_framer_next_max_plus_one_with_cr_rejected),
		cmocka_unit_test(test_msg_framer_next_much_longer_rejected),
		cmocka_unit_test(test_msg_framer_next_max_line_one_byte_reads),
		cmocka_unit_test(test_msg_framer_next_one_mib_line),
		cmocka_unit_test(test_msg_framer_next_two_long_lines_two_reports),
		cmocka_unit_test(test_msg_framer_next_random_streams),
		cmocka_unit_test(test_msg_framer_next_buffer_freed_when_idle),
		cmocka_unit_test(test_msg_framer_free_releases_partial),
		cmocka_unit_test(test_msg_framer_flush_hands_over_unterminated),
		cmocka_unit_test(test_msg_framer_flush_max_unterminated),
		cmocka_unit_test(test_msg_framer_pending_false_after_newline),
		cmocka_unit_test(test_msg_framer_flush_overlong_dropped),
		cmocka_unit_test(test_msg_framer_flush_one_over_reported),
		cmocka_unit_test(test_msg_framer_newline_of_overlong_line_counts),
		cmocka_unit_test(test_msg_parse_table),
		cmocka_unit_test(test_msg_nick_shaped),
		cmocka_unit_test(test_msg_parse_pointers_into_line),
		cmocka_unit_test(test_msg_parse_not_nul_terminated),
		cmocka_unit_test(test_msg_parse_embedded_nul),
		cmocka_unit_test(test_msg_kind_name_every_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
