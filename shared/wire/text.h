/*
 * text.h — UTF-8 validation, making text safe to relay and to show on a
 * terminal, and the nickname rules. Pure functions on bytes.
 */
#ifndef REDCHAT_TEXT_H
#define REDCHAT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_NICK_MAX 20 /* bytes of UTF-8 in a nickname */

/* Worst-case output size of text_sanitize() for n input bytes, NUL included. */
#define TEXT_SANITIZE_MAX(n) (3 * (n) + 1)

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool text_utf8_valid(const char *s, size_t len);

/*
 * Copy s[0..len) into out (cap bytes, NUL-terminated) so that no byte of it
 * can be interpreted by a terminal: every invalid UTF-8 sequence becomes
 * U+FFFD, C0 controls other than tab and DEL become caret notation ("^[" for
 * ESC), C1 controls and the bidirectional overrides become "\uXXXX". Output
 * that does not fit is cut at a character boundary. Returns the length
 * written (without the NUL).
 */
size_t text_sanitize(const char *s, size_t len, char *out, size_t cap);

/* True if text_sanitize() would change s (so the caller may skip it). */
bool text_needs_sanitize(const char *s, size_t len);

enum text_nick {
	TEXT_NICK_OK,
	TEXT_NICK_EMPTY,
	TEXT_NICK_TOO_LONG, /* more than TEXT_NICK_MAX bytes */
	TEXT_NICK_BAD_UTF8,
	TEXT_NICK_SPACE,    /* a space of any kind */
	TEXT_NICK_CONTROL,  /* a control or invisible formatting character */
	TEXT_NICK_SLASH,    /* starts with '/' */
	TEXT_NICK_RESERVED, /* "server", "servidor", ... */
};

/* Check s[0..len) against the nickname rules of DESIGN.md. */
enum text_nick text_nick_check(const char *s, size_t len);

/*
 * Fold a valid nickname for case-insensitive comparison: ASCII, Latin-1,
 * Latin Extended-A, Greek and Cyrillic capitals become small letters (other
 * scripts compare as written: a named simplification of full Unicode case
 * folding). out must hold 2 * len + 1 bytes. Returns the folded length.
 */
size_t text_nick_fold(const char *s, size_t len, char *out);

/*
 * The key two nicknames are compared by: folded as above, then the letters
 * of other scripts that look like Latin ones (Cyrillic "е", fullwidth "Ｓ")
 * replaced by them, so that "sеrver" is reserved and "аna" is taken while
 * "ana" is here. out must hold 2 * len + 1 bytes. Returns its length.
 */
size_t text_nick_key(const char *s, size_t len, char *out);

#endif
