/*
 * test_text.c — unit tests for shared/wire/text.c: UTF-8 validation,
 * terminal-safe copies of untrusted text (every output cap), the nickname
 * rules and the case folding used to compare nicknames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A test string with its length, so that NUL bytes may appear inside. */
struct bytes {
	const char *s;
	size_t      len;
};
#define B(lit) { (lit), sizeof(lit) - 1 }

/* ---------------------------------------------------------------------------
 * UTF-8 validity
 * ------------------------------------------------------------------------ */

static const struct bytes utf8_valid[] = {
	B(""), B("abc"), B("a\0b"), B("\t"), B("\x7F"),
	B("\xC2\x80"),                  /* U+0080, smallest 2-byte */
	B("\xC3\xB1"),                  /* ñ */
	B("\xDF\xBF"),                  /* U+07FF, largest 2-byte */
	B("\xE0\xA0\x80"),              /* U+0800, smallest 3-byte */
	B("\xE2\x82\xAC"),              /* € */
	B("\xED\x9F\xBF"),              /* U+D7FF, just below the surrogates */
	B("\xEE\x80\x80"),              /* U+E000, just above them */
	B("\xEF\xBF\xBD"),              /* U+FFFD */
	B("\xEF\xBF\xBF"),              /* U+FFFF */
	B("\xF0\x90\x80\x80"),          /* U+10000, smallest 4-byte */
	B("\xF0\x9F\x98\x80"),          /* 😀 */
	B("\xF4\x8F\xBF\xBF"),          /* U+10FFFF, the last code point */
	B("Espa\xC3\xB1" "a \xE2\x82\xAC \xF0\x9F\x98\x80 fin"),
};

static const struct bytes utf8_invalid[] = {
	B("\x80"), B("\xBF"), B("a\x80z"),             /* stray continuation */
	B("\xC0\x80"), B("\xC0\xAF"), B("\xC1\xBF"),   /* overlong 2-byte */
	B("\xE0\x80\x80"), B("\xE0\x9F\xBF"),          /* overlong 3-byte */
	B("\xF0\x80\x80\x80"), B("\xF0\x8F\xBF\xBF"),  /* overlong 4-byte */
	B("\xED\xA0\x80"), B("\xED\xAF\xBF"),          /* high surrogates */
	B("\xED\xB0\x80"), B("\xED\xBF\xBF"),          /* low surrogates */
	B("\xED\xA0\xBD\xED\xB8\x80"),                 /* CESU-8 pair */
	B("\xF4\x90\x80\x80"),                         /* U+110000 */
	B("\xF5\x80\x80\x80"), B("\xF7\xBF\xBF\xBF"),  /* leads F5..F7 */
	B("\xF8\x88\x80\x80\x80"),                     /* 5-byte form */
	B("\xFC\x84\x80\x80\x80\x80"),                 /* 6-byte form */
	B("\xFE"), B("\xFF"), B("\xFE\xFF"),
	B("\xC3"), B("\xE2\x82"), B("\xF0\x9F\x98"),   /* truncated at end */
	B("\xC3z"), B("\xE2\x82z"), B("\xF0\x9F\x98z"),/* truncated inside */
	B("\xC3\xC3\xB1"), B("\xE2\xE2\x82\xAC"),
	B("ok\xF0\x9F\x98"),
};

static void
test_text_utf8_valid_accepts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(utf8_valid); i++)
		if (!text_utf8_valid(utf8_valid[i].s, utf8_valid[i].len))
			fail_msg("valid case %zu rejected", i);
}

static void
test_text_utf8_valid_rejects(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(utf8_invalid); i++)
		if (text_utf8_valid(utf8_invalid[i].s, utf8_invalid[i].len))
			fail_msg("invalid case %zu accepted", i);
}

static void
test_text_utf8_valid_cut_characters(void **state)
{
	/* Every cut inside a multi-byte character leaves invalid UTF-8. */
	static const char *const chars[] = {
		"\xC3\xB1", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
	};
	size_t i, cut;

	(void)state;
	for (i = 0; i < NELEM(chars); i++) {
		size_t len = strlen(chars[i]);

		assert_true(text_utf8_valid(chars[i], len));
		for (cut = 1; cut < len; cut++) {
			assert_false(text_utf8_valid(chars[i], cut));
			assert_false(text_utf8_valid(chars[i] + cut, len - cut));
		}
	}
}

static void
test_text_utf8_valid_only_len_counts(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("ab\xFF", 2));
	assert_true(text_utf8_valid("\xC3\xB1\xC3", 2));
}

/* ---------------------------------------------------------------------------
 * Sanitising
 * ------------------------------------------------------------------------ */

struct sanitize_case {
	struct bytes in;
	const char  *out;
};

#define FFFD "\xEF\xBF\xBD"

static const struct sanitize_case sanitize_cases[] = {
	{ B(""), "" },
	{ B("hola"), "hola" },
	{ B("a\tb"), "a\tb" },                              /* tab kept */
	{ B("\xC3\xB1" "and\xC3\xBA \xE2\x82\xAC \xF0\x9F\x98\x80"),
	  "\xC3\xB1" "and\xC3\xBA \xE2\x82\xAC \xF0\x9F\x98\x80" },
	{ B("\x1B[31mrojo\x1B[0m"), "^[[31mrojo^[[0m" },    /* CSI colours */
	{ B("\x1B[2J\x1B[H"), "^[[2J^[[H" },                /* clear screen */
	{ B("\x1B]0;title\x07"), "^[]0;title^G" },          /* OSC title */
	{ B("\x07"), "^G" },                                /* BEL */
	{ B("\x7F"), "^?" },                                /* DEL */
	{ B("\0"), "^@" },
	{ B("a\rb\nc"), "a^Mb^Jc" },
	{ B("\x08\x0B\x0C\x1F"), "^H^K^L^_" },
	{ B("\xC2\x80"), "\\u0080" },                       /* C1 controls */
	{ B("\xC2\x85"), "\\u0085" },
	{ B("\xC2\x9B" "31m"), "\\u009B31m" },              /* 8-bit CSI */
	{ B("\xC2\x9F"), "\\u009F" },
	{ B("\xC2\xA0"), "\xC2\xA0" },                      /* NBSP is text */
	{ B("\xE2\x80\xAA"), "\\u202A" },                   /* bidi LRE */
	{ B("abc\xE2\x80\xAE" "fed"), "abc\\u202Efed" },    /* bidi RLO */
	{ B("\xE2\x81\xA6"), "\\u2066" },                   /* isolates */
	{ B("\xE2\x81\xA9"), "\\u2069" },
	{ B("\xE2\x80\xA9"), "\xE2\x80\xA9" },              /* U+2029 kept */
	{ B("\xFF"), FFFD },                                /* invalid bytes */
	{ B("\x9B"), FFFD },
	{ B("a\xC3"), "a" FFFD },
	{ B("\xC0\xAF"), FFFD FFFD },
	{ B("\xED\xA0\x80"), FFFD FFFD FFFD },
	{ B("\xF8\x88\x80\x80\x80"), FFFD FFFD FFFD FFFD FFFD },
	{ B("\xE2\x82z"), FFFD FFFD "z" },
	{ B("x\x1B\xC2\x9B\xE2\x80\xAE\xFF\ty"), "x^[\\u009B\\u202E" FFFD "\ty" },
};

/* Sanitise into a heap block of exactly cap bytes, so that ASan sees any
 * write past it. */
static size_t
sanitize_exact(const struct bytes *in, size_t cap, char **out)
{
	size_t n;

	*out = malloc(cap ? cap : 1);
	assert_non_null(*out);
	n = text_sanitize(in->s, in->len, *out, cap);
	return n;
}

static void
test_text_sanitize_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sanitize_cases); i++) {
		const struct sanitize_case *c = &sanitize_cases[i];
		size_t cap = TEXT_SANITIZE_MAX(c->in.len), n;
		char *out;

		n = sanitize_exact(&c->in, cap, &out);
		if (n != strlen(c->out) || strcmp(out, c->out) != 0)
			fail_msg("case %zu: got \"%s\" (%zu), want \"%s\"", i,
			         out, n, c->out);
		free(out);
	}
}

/* For every cap from 0 up: never more than cap - 1 bytes and a NUL, always a
 * prefix of the full output, growing with the cap, and never a cut
 * character (the output stays valid UTF-8). */
static void
check_every_cap(const struct bytes *in)
{
	size_t full_cap = TEXT_SANITIZE_MAX(in->len), cap, n, prev = 0;
	char *full, *out;
	size_t full_len;

	full_len = sanitize_exact(in, full_cap, &full);
	for (cap = 0; cap <= full_len + 2; cap++) {
		n = sanitize_exact(in, cap, &out);
		if (cap == 0) {
			assert_int_equal(n, 0);
		} else {
			assert_true(n < cap);
			assert_int_equal(out[n], '\0');
			assert_memory_equal(out, full, n);
			assert_true(text_utf8_valid(out, n));
			assert_true(n >= prev); /* grows with the cap */
			prev = n;
		}
		if (cap > full_len)
			assert_int_equal(n, full_len);
		free(out);
	}
	free(full);
}

static void
test_text_sanitize_every_cap(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sanitize_cases); i++)
		check_every_cap(&sanitize_cases[i].in);
}

static void
test_text_sanitize_cut_at_unit_boundaries(void **state)
{
	/* "a" then ESC (2 bytes out) then U+202E (6) then ñ (2) then FFFD (3) */
	static const struct bytes in = B("a\x1B\xE2\x80\xAE\xC3\xB1\xFF");
	static const size_t fits[] = {
		/* cap: 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 */
		        0, 0, 1, 1, 3, 3, 3, 3, 3, 3, 9, 9,11,11,11,14,14,
	};
	size_t cap;

	(void)state;
	for (cap = 0; cap < NELEM(fits); cap++) {
		char *out;
		size_t n = sanitize_exact(&in, cap, &out);

		if (n != fits[cap])
			fail_msg("cap %zu: %zu bytes, want %zu", cap, n, fits[cap]);
		free(out);
	}
}

static void
test_text_sanitize_worst_case_fits(void **state)
{
	/* Each input byte may grow to three (U+FFFD) and each 2-byte C1
	 * control to six: TEXT_SANITIZE_MAX must hold both. */
	static char ff[1024], c1[1024];
	struct bytes a = { ff, sizeof(ff) }, b = { c1, sizeof(c1) };
	size_t i;
	char *out;

	(void)state;
	memset(ff, 0xFF, sizeof(ff));
	for (i = 0; i < sizeof(c1); i += 2) {
		c1[i] = '\xC2';
		c1[i + 1] = '\x9B';
	}
	assert_int_equal(sanitize_exact(&a, TEXT_SANITIZE_MAX(a.len), &out),
	                 3 * sizeof(ff));
	free(out);
	assert_int_equal(sanitize_exact(&b, TEXT_SANITIZE_MAX(b.len), &out),
	                 3 * sizeof(c1));
	free(out);
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Random bytes biased towards the interesting ones. */
static size_t
random_text(uint32_t *seed, char *buf, size_t max)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\t", "\x1B", "[", "\x07", "\x7F", "\0", "\r",
		"\n", "\xC3\xB1", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\x9B",
		"\xC2\x85", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xC2\xA0", "\xFF",
		"\xC3", "\xE2\x82", "\xF0\x9F", "\x80", "\xED\xA0\x80",
		"\xC0\xAF", "\xF4\x90\x80\x80", "~",
	};
	size_t len = 0, n = rnd(seed) % 12, i, plen;

	for (i = 0; i < n; i++) {
		const char *p = pieces[rnd(seed) % NELEM(pieces)];

		plen = p[0] == '\0' ? 1 : strlen(p);
		if (len + plen > max)
			break;
		memcpy(buf + len, p, plen);
		len += plen;
	}
	return len;
}

static void
test_text_needs_sanitize_agrees(void **state)
{
	uint32_t seed = 2024;
	char in[64], out[TEXT_SANITIZE_MAX(64)];
	size_t i, len, n;
	bool changed;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = random_text(&seed, in, sizeof(in));
		n = text_sanitize(in, len, out, sizeof(out));
		changed = n != len || memcmp(in, out, len) != 0;
		if (text_needs_sanitize(in, len) != changed)
			fail_msg("iteration %zu: needs_sanitize says %d", i,
			         !changed);
		/* the output itself is safe and valid: sanitising is idempotent */
		assert_true(text_utf8_valid(out, n));
		assert_false(text_needs_sanitize(out, n));
	}
}

static void
test_text_needs_sanitize_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sanitize_cases); i++) {
		const struct sanitize_case *c = &sanitize_cases[i];
		bool same = c->in.len == strlen(c->out) &&
		            memcmp(c->in.s, c->out, c->in.len) == 0;

		if (text_needs_sanitize(c->in.s, c->in.len) == same)
			fail_msg("case %zu", i);
	}
}

/* ---------------------------------------------------------------------------
 * Nicknames
 * ------------------------------------------------------------------------ */

struct nick_case {
	struct bytes   nick;
	enum text_nick want;
};

static const struct nick_case nick_cases[] = {
	{ B(""), TEXT_NICK_EMPTY },
	{ B("a"), TEXT_NICK_OK },
	{ B("ana"), TEXT_NICK_OK },
	{ B("Ana_93-x.y"), TEXT_NICK_OK },
	{ B("a/b"), TEXT_NICK_OK },
	{ B("aaaaaaaaaaaaaaaaaaaa"), TEXT_NICK_OK },             /* 20 bytes */
	{ B("aaaaaaaaaaaaaaaaaaaaa"), TEXT_NICK_TOO_LONG },      /* 21 */
	{ B("Jos\xC3\xA9"), TEXT_NICK_OK },                      /* José */
	{ B("\xC3\x91" "and\xC3\xBA"), TEXT_NICK_OK },           /* Ñandú */
	{ B("M\xC3\xBC" "ller"), TEXT_NICK_OK },                 /* Müller */
	{ B("\xD0\x9C\xD0\xB0\xD1\x88\xD0\xB0"), TEXT_NICK_OK }, /* Маша */
	{ B("\xE6\x97\xA5\xE6\x9C\xAC"), TEXT_NICK_OK },         /* 日本 */
	/* ten ñ: 20 bytes of multi-byte characters */
	{ B("\xC3\xB1\xC3\xB1\xC3\xB1\xC3\xB1\xC3\xB1"
	    "\xC3\xB1\xC3\xB1\xC3\xB1\xC3\xB1\xC3\xB1"), TEXT_NICK_OK },
	/* five emoji: 20 bytes */
	{ B("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	    "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), TEXT_NICK_OK },
	/* seven €: 21 bytes */
	{ B("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"
	    "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"), TEXT_NICK_TOO_LONG },
	/* spaces of every kind */
	{ B("ana luis"), TEXT_NICK_SPACE },
	{ B(" ana"), TEXT_NICK_SPACE },
	{ B("ana\xC2\xA0luis"), TEXT_NICK_SPACE },               /* NBSP */
	{ B("ana\xE2\x80\x83"), TEXT_NICK_SPACE },               /* em space */
	{ B("ana\xE2\x80\xAF"), TEXT_NICK_SPACE },               /* narrow NBSP */
	{ B("\xE3\x80\x80"), TEXT_NICK_SPACE },                  /* ideographic */
	{ B("a\xE2\x80\xA8" "b"), TEXT_NICK_SPACE },             /* line sep. */
	/* control and invisible characters */
	{ B("ana\tx"), TEXT_NICK_CONTROL },
	{ B("ana\x1B[31m"), TEXT_NICK_CONTROL },
	{ B("ana\x07"), TEXT_NICK_CONTROL },
	{ B("ana\x7F"), TEXT_NICK_CONTROL },
	{ B("a\0b"), TEXT_NICK_CONTROL },
	{ B("ana\r"), TEXT_NICK_CONTROL },
	{ B("ana\xC2\x85"), TEXT_NICK_CONTROL },                 /* C1 NEL */
	{ B("an\xC2\xAD" "a"), TEXT_NICK_CONTROL },              /* soft hyphen */
	{ B("an\xE2\x80\x8B" "a"), TEXT_NICK_CONTROL },          /* ZWSP */
	{ B("an\xE2\x80\x8D" "a"), TEXT_NICK_CONTROL },          /* ZWJ */
	{ B("an\xE2\x81\xA0" "a"), TEXT_NICK_CONTROL },          /* word joiner */
	{ B("\xEF\xBB\xBF" "ana"), TEXT_NICK_CONTROL },          /* BOM */
	{ B("ana\xE2\x80\xAE"), TEXT_NICK_CONTROL },             /* RLO */
	{ B("ana\xE2\x81\xA6"), TEXT_NICK_CONTROL },             /* LRI */
	/* bad UTF-8 */
	{ B("ana\xFF"), TEXT_NICK_BAD_UTF8 },
	{ B("ana\xC3"), TEXT_NICK_BAD_UTF8 },
	{ B("\xC0\xAF"), TEXT_NICK_BAD_UTF8 },
	{ B("\xED\xA0\x80"), TEXT_NICK_BAD_UTF8 },
	{ B("\xF8\x88\x80\x80\x80"), TEXT_NICK_BAD_UTF8 },
	/* a leading slash */
	{ B("/ana"), TEXT_NICK_SLASH },
	{ B("/"), TEXT_NICK_SLASH },
	{ B("//"), TEXT_NICK_SLASH },
	/* the server's own names, any case */
	{ B("server"), TEXT_NICK_RESERVED },
	{ B("SERVER"), TEXT_NICK_RESERVED },
	{ B("Server"), TEXT_NICK_RESERVED },
	{ B("servidor"), TEXT_NICK_RESERVED },
	{ B("SerVidor"), TEXT_NICK_RESERVED },
	{ B("***"), TEXT_NICK_RESERVED },
	{ B("servers"), TEXT_NICK_OK },
	{ B("serve"), TEXT_NICK_OK },
	{ B("**"), TEXT_NICK_OK },
};

static const char *
nick_rule_name(enum text_nick r)
{
	static const char *const names[] = {
		"OK", "EMPTY", "TOO_LONG", "BAD_UTF8", "SPACE", "CONTROL",
		"SLASH", "RESERVED",
	};

	return (size_t)r < NELEM(names) ? names[r] : "?";
}

static void
test_text_nick_check_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(nick_cases); i++) {
		const struct nick_case *c = &nick_cases[i];
		enum text_nick got = text_nick_check(c->nick.s, c->nick.len);

		if (got != c->want)
			fail_msg("case %zu: %s, want %s", i, nick_rule_name(got),
			         nick_rule_name(c->want));
	}
}

static void
test_text_nick_check_only_len_counts(void **state)
{
	(void)state;
	assert_int_equal(text_nick_check("ana luis", 3), TEXT_NICK_OK);
	assert_int_equal(text_nick_check("serverx", 6), TEXT_NICK_RESERVED);
	assert_int_equal(text_nick_check("ana", 0), TEXT_NICK_EMPTY);
}

/* ---------------------------------------------------------------------------
 * Folding
 * ------------------------------------------------------------------------ */

static void
expect_fold(const char *in, const char *want)
{
	char out[2 * 64 + 1];
	size_t n;

	assert_true(strlen(in) <= 64);
	n = text_nick_fold(in, strlen(in), out);
	if (n != strlen(want) || strcmp(out, want) != 0)
		fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void
test_text_nick_fold_ascii(void **state)
{
	(void)state;
	expect_fold("", "");
	expect_fold("ANA", "ana");
	expect_fold("aNa_X-9", "ana_x-9");
	expect_fold("@[`{", "@[`{");            /* neighbours of A-Z, a-z */
}

static void
test_text_nick_fold_spanish(void **state)
{
	(void)state;
	expect_fold("\xC3\x81\xC3\x89\xC3\x8D\xC3\x93\xC3\x9A\xC3\x91\xC3\x9C",
	            "\xC3\xA1\xC3\xA9\xC3\xAD\xC3\xB3\xC3\xBA\xC3\xB1\xC3\xBC");
	expect_fold("\xC3\x91" "AND\xC3\x9A", "\xC3\xB1" "and\xC3\xBA");
	expect_fold("\xC3\xB1" "and\xC3\xBA", "\xC3\xB1" "and\xC3\xBA");
}

static void
test_text_nick_fold_latin1_edges(void **state)
{
	(void)state;
	expect_fold("\xC3\x80\xC3\x98\xC3\x9E", "\xC3\xA0\xC3\xB8\xC3\xBE");
	expect_fold("\xC3\x97", "\xC3\x97");     /* × is not a letter */
	expect_fold("\xC3\x9F", "\xC3\x9F");     /* ß stays */
	expect_fold("\xC5\xB8", "\xC3\xBF");     /* Ÿ -> ÿ */
}

static void
test_text_nick_fold_latin_ext_a(void **state)
{
	(void)state;
	expect_fold("\xC4\x80", "\xC4\x81");     /* Ā -> ā */
	expect_fold("\xC4\x81", "\xC4\x81");
	expect_fold("\xC5\x81\xC4\x84" "KA", "\xC5\x82\xC4\x85" "ka"); /* ŁĄKA */
	expect_fold("\xC4\xB9", "\xC4\xBA");     /* Ĺ -> ĺ */
	expect_fold("\xC5\x87", "\xC5\x88");     /* Ň -> ň */
	expect_fold("\xC5\x8A", "\xC5\x8B");     /* Ŋ -> ŋ */
	expect_fold("\xC5\x92", "\xC5\x93");     /* Œ -> œ */
	expect_fold("\xC5\xA0", "\xC5\xA1");     /* Š -> š */
	expect_fold("\xC5\xB9\xC5\xBD", "\xC5\xBA\xC5\xBE"); /* ŹŽ -> źž */
	expect_fold("\xC4\xB0\xC4\xB1", "\xC4\xB0\xC4\xB1"); /* İ ı unchanged */
	expect_fold("\xC4\xB8\xC5\x89\xC5\xBF", "\xC4\xB8\xC5\x89\xC5\xBF");
}

static void
test_text_nick_fold_greek(void **state)
{
	(void)state;
	/* ΑΒΓΔ -> αβγδ, Σ -> σ, Ω -> ω */
	expect_fold("\xCE\x91\xCE\x92\xCE\x93\xCE\x94",
	            "\xCE\xB1\xCE\xB2\xCE\xB3\xCE\xB4");
	expect_fold("\xCE\xA3\xCE\xA9", "\xCF\x83\xCF\x89");
}

static void
test_text_nick_fold_cyrillic(void **state)
{
	(void)state;
	/* МОСКВА -> москва, Ё -> ё, Ж -> ж, Я -> я */
	expect_fold("\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90",
	            "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");
	expect_fold("\xD0\x81\xD0\x96\xD0\xAF", "\xD1\x91\xD0\xB6\xD1\x8F");
}

static void
test_text_nick_fold_other_scripts_unchanged(void **state)
{
	(void)state;
	expect_fold("\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC");
	expect_fold("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");
}

static void
test_text_nick_fold_case_insensitive_equal(void **state)
{
	static const char *const pairs[][2] = {
		{ "\xC3\x91" "AND\xC3\x9A", "\xC3\xB1" "and\xC3\xBA" }, /* ÑANDÚ */
		{ "Jos\xC3\xA9", "JOS\xC3\x89" },
		{ "Ana", "aNA" },
		{ "\xD0\x9C\xD0\xB0\xD1\x88\xD0\xB0", "\xD0\xBC\xD0\x90\xD0\xA8\xD0\x90" },
	};
	char a[64], b[64];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(pairs); i++) {
		text_nick_fold(pairs[i][0], strlen(pairs[i][0]), a);
		text_nick_fold(pairs[i][1], strlen(pairs[i][1]), b);
		assert_string_equal(a, b);
	}
	text_nick_fold("\xC3\xB1", 2, a);       /* ñ is not n */
	text_nick_fold("n", 1, b);
	assert_string_not_equal(a, b);
}

static size_t
encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static void
test_text_nick_fold_idempotent(void **state)
{
	/* Folding a folded character changes nothing, and never changes the
	 * length, for every code point the fold table knows about. */
	char in[4], once[16], twice[16];
	size_t n, n1, n2;
	uint32_t cp;

	(void)state;
	for (cp = 0x20; cp < 0x800; cp++) {
		n = encode(cp, in);
		n1 = text_nick_fold(in, n, once);
		n2 = text_nick_fold(once, n1, twice);
		if (n1 != n || n2 != n1 || memcmp(once, twice, n1) != 0)
			fail_msg("U+%04X folds unstably", (unsigned)cp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_utf8_valid_accepts),
		cmocka_unit_test(test_text_utf8_valid_rejects),
		cmocka_unit_test(test_text_utf8_valid_cut_characters),
		cmocka_unit_test(test_text_utf8_valid_only_len_counts),
		cmocka_unit_test(test_text_sanitize_table),
		cmocka_unit_test(test_text_sanitize_every_cap),
		cmocka_unit_test(test_text_sanitize_cut_at_unit_boundaries),
		cmocka_unit_test(test_text_sanitize_worst_case_fits),
		cmocka_unit_test(test_text_needs_sanitize_agrees),
		cmocka_unit_test(test_text_needs_sanitize_table),
		cmocka_unit_test(test_text_nick_check_table),
		cmocka_unit_test(test_text_nick_check_only_len_counts),
		cmocka_unit_test(test_text_nick_fold_ascii),
		cmocka_unit_test(test_text_nick_fold_spanish),
		cmocka_unit_test(test_text_nick_fold_latin1_edges),
		cmocka_unit_test(test_text_nick_fold_latin_ext_a),
		cmocka_unit_test(test_text_nick_fold_greek),
		cmocka_unit_test(test_text_nick_fold_cyrillic),
		cmocka_unit_test(test_text_nick_fold_other_scripts_unchanged),
		cmocka_unit_test(test_text_nick_fold_case_insensitive_equal),
		cmocka_unit_test(test_text_nick_fold_idempotent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
