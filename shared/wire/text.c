/*
 * text.c — UTF-8 decoding, terminal-safe copies of untrusted text, and the
 * nickname rules. Everything here works on bytes and lengths; nothing here
 * assumes a NUL-terminated input.
 */
#include <stdint.h>
#include <string.h>

#include "text.h"

#define TEXT_BAD 0xFFFFFFFFu /* decode failure marker */

/* ---------------------------------------------------------------------------
 * UTF-8 decoding (RFC 3629)
 *
 *   U+0000..U+007F     0xxxxxxx
 *   U+0080..U+07FF     110xxxxx 10xxxxxx
 *   U+0800..U+FFFF     1110xxxx 10xxxxxx 10xxxxxx   (no surrogates)
 *   U+10000..U+10FFFF  11110xxx 10xxxxxx 10xxxxxx 10xxxxxx
 *
 * Overlong forms, surrogates and values above U+10FFFF are invalid.
 * ------------------------------------------------------------------------ */

/*
 * Decode one code point from s[0..len), len > 0. Returns it and sets *used
 * to its byte length; on an invalid sequence returns TEXT_BAD with *used = 1
 * (so the caller skips one byte and resynchronises).
 */
static uint32_t
utf8_decode(const unsigned char *s, size_t len, size_t *used)
{
	uint32_t cp, min;
	size_t n, i;

	*used = 1;
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2; cp = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3; cp = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4; cp = s[0] & 0x07; min = 0x10000;
	} else {
		return TEXT_BAD;
	}
	if (len < n)
		return TEXT_BAD;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return TEXT_BAD;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return TEXT_BAD;
	*used = n;
	return cp;
}

bool
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used;

	while (len > 0) {
		if (utf8_decode(p, len, &used) == TEXT_BAD)
			return false;
		p += used;
		len -= used;
	}
	return true;
}

/* ---------------------------------------------------------------------------
 * Terminal safety
 * ------------------------------------------------------------------------ */

/* Code points that reorder or hide text: bidi embeddings, overrides and
 * isolates (the "Trojan Source" characters). */
static bool
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Would a terminal act on this code point instead of printing it? */
static bool
is_unsafe(uint32_t cp)
{
	if (cp == '\t')
		return false;
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       is_bidi_control(cp);
}

bool
text_needs_sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used;
	uint32_t cp;

	while (len > 0) {
		if (*p >= 0x20 && *p < 0x7F) { /* fast path: printable ASCII */
			p++;
			len--;
			continue;
		}
		cp = utf8_decode(p, len, &used);
		if (cp == TEXT_BAD || is_unsafe(cp))
			return true;
		p += used;
		len -= used;
	}
	return false;
}

size_t
text_sanitize(const char *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	char rep[8];
	size_t used, n, o = 0;
	uint32_t cp;

	if (cap == 0)
		return 0;
	while (len > 0) {
		/* A run of printable ASCII, the usual text, is copied as it
		 * is: no character to decode, nothing to replace. */
		for (n = 0; n < len && p[n] >= 0x20 && p[n] < 0x7F; n++)
			;
		if (n > 0) {
			bool cut = o + n >= cap;

			if (cut)
				n = cap - 1 - o;
			memcpy(out + o, p, n);
			o += n;
			p += n;
			len -= n;
			if (cut)
				break;
			continue;
		}
		cp = utf8_decode(p, len, &used);
		if (cp == TEXT_BAD) {
			memcpy(rep, "\xEF\xBF\xBD", 3); /* U+FFFD */
			n = 3;
		} else if (cp < 0x20 || cp == 0x7F) {
			if (cp == '\t') {
				rep[0] = '\t';
				n = 1;
			} else {
				rep[0] = '^';
				rep[1] = (char)(cp ^ 0x40); /* ESC -> '[', DEL -> '?' */
				n = 2;
			}
		} else if (is_unsafe(cp)) {
			rep[0] = '\\';
			rep[1] = 'u';
			rep[2] = hex[(cp >> 12) & 0xF];
			rep[3] = hex[(cp >> 8) & 0xF];
			rep[4] = hex[(cp >> 4) & 0xF];
			rep[5] = hex[cp & 0xF];
			n = 6;
		} else {
			memcpy(rep, p, used);
			n = used;
		}
		if (o + n >= cap) /* keep room for the NUL; never cut a character */
			break;
		memcpy(out + o, rep, n);
		o += n;
		p += used;
		len -= used;
	}
	out[o] = '\0';
	return o;
}

/* ---------------------------------------------------------------------------
 * Nicknames
 * ------------------------------------------------------------------------ */

/* Spaces of any kind, and invisible characters that would let two
 * nicknames look the same. */
static bool
is_space_like(uint32_t cp)
{
	return cp == ' ' || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static bool
is_invisible(uint32_t cp)
{
	return cp == '\t' || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
	       cp == 0x2060 || cp == 0xFEFF;
}

/* Names that would pass for the server's own voice. Compared folded. */
static const char *const reserved_nicks[] = { "server", "servidor", "***" };

enum text_nick
text_nick_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char folded[2 * TEXT_NICK_MAX + 1];
	size_t used, left = len, i, n;
	uint32_t cp;

	if (len == 0)
		return TEXT_NICK_EMPTY;
	if (len > TEXT_NICK_MAX)
		return TEXT_NICK_TOO_LONG;
	if (s[0] == '/')
		return TEXT_NICK_SLASH;
	while (left > 0) {
		cp = utf8_decode(p, left, &used);
		if (cp == TEXT_BAD)
			return TEXT_NICK_BAD_UTF8;
		if (is_space_like(cp))
			return TEXT_NICK_SPACE;
		if (is_unsafe(cp) || is_invisible(cp))
			return TEXT_NICK_CONTROL;
		p += used;
		left -= used;
	}
	n = text_nick_key(s, len, folded);
	for (i = 0; i < sizeof(reserved_nicks) / sizeof(reserved_nicks[0]); i++)
		if (strlen(reserved_nicks[i]) == n &&
		    memcmp(reserved_nicks[i], folded, n) == 0)
			return TEXT_NICK_RESERVED;
	return TEXT_NICK_OK;
}

/* Small letter for the capitals of the scripts a Spanish class meets. */
static uint32_t
fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)     /* Latin-1: À..Þ */
		return cp + 32;
	if (cp == 0x178)                                /* Ÿ */
		return 0xFF;
	if (cp >= 0x100 && cp <= 0x17F) {               /* Latin Extended-A */
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
			return (cp & 1) ? cp + 1 : cp;  /* odd capitals */
		if (cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
		    cp != 0x17F)
			return (cp & 1) ? cp : cp + 1;  /* even capitals */
		return cp;
	}
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)  /* Greek */
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42F)                 /* Cyrillic А..Я */
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)                 /* Cyrillic Ѐ..Џ */
		return cp + 80;
	return cp;
}

static size_t
utf8_encode(uint32_t cp, char *out)
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
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Letters of other scripts that look like a Latin small letter, for the
 * nickname key: Cyrillic а е о р с у х ѕ і ј ԁ һ, Greek ο α ν ι κ ρ τ,
 * and the fullwidth forms of ASCII. A short list against the obvious
 * impersonations ("sеrver" with a Cyrillic е), not Unicode's full
 * confusables table: a named simplification.
 */
static uint32_t
latin_lookalike(uint32_t cp)
{
	static const uint32_t map[][2] = {
		{ 0x430, 'a' }, { 0x435, 'e' }, { 0x43E, 'o' }, { 0x440, 'p' },
		{ 0x441, 'c' }, { 0x443, 'y' }, { 0x445, 'x' }, { 0x455, 's' },
		{ 0x456, 'i' }, { 0x458, 'j' }, { 0x501, 'd' }, { 0x4BB, 'h' },
		{ 0x3BF, 'o' }, { 0x3B1, 'a' }, { 0x3BD, 'v' }, { 0x3B9, 'i' },
		{ 0x3BA, 'k' }, { 0x3C1, 'p' }, { 0x3C4, 't' },
	};
	size_t i;

	if (cp >= 0xFF01 && cp <= 0xFF5E)               /* fullwidth ASCII */
		return fold_cp(cp - 0xFF01 + 0x21);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == cp)
			return map[i][1];
	return cp;
}

/* Fold s into out, each character through fold_cp and, for a key, through
 * latin_lookalike. Invalid bytes are copied as they are. */
static size_t
fold_with(const char *s, size_t len, char *out, bool key)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used, o = 0;
	uint32_t cp;

	while (len > 0) {
		cp = utf8_decode(p, len, &used);
		if (cp == TEXT_BAD) {            /* copied as is: not a nickname */
			out[o++] = (char)*p;
		} else {
			/* a folded letter never needs more than twice the bytes */
			cp = fold_cp(cp);
			o += utf8_encode(key ? latin_lookalike(cp) : cp, out + o);
		}
		p += used;
		len -= used;
	}
	out[o] = '\0';
	return o;
}

size_t
text_nick_fold(const char *s, size_t len, char *out)
{
	return fold_with(s, len, out, false);
}

size_t
text_nick_key(const char *s, size_t len, char *out)
{
	return fold_with(s, len, out, true);
}
