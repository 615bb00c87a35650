/*
 * reply.c — recognising the server's lines on the client side. The notices
 * are matched against the catalogue's own texts, in both languages, so a
 * Spanish client understands an English server and the other way round.
 * Nothing here reads a socket or prints.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "reply.h"
#include "text.h"

/* ---------------------------------------------------------------------------
 * The catalogue's texts, in either language
 * ------------------------------------------------------------------------ */

/* The text of id in lang, leaving the process's own language as it was. */
static const char *
text_in(enum cat_id id, enum lang lang)
{
	enum lang was = lang_current();
	const char *s;

	lang_set(lang);
	s = catalog_text(id);
	lang_set(was);
	return s;
}

static bool
starts_with(const char *s, size_t len, const char *prefix, size_t plen)
{
	return plen <= len && memcmp(s, prefix, plen) == 0;
}

/*
 * Does line start with the first n bytes of id's text, where n is where the
 * text first holds one of the bytes in `stop` (or its end)? Tried in both
 * languages. Returns the length matched, or 0.
 */
static size_t
match_start(const char *line, size_t len, enum cat_id id, const char *stop)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	const char *t;
	size_t i, n;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		t = text_in(id, langs[i]);
		n = strcspn(t, stop);
		if (n > 0 && starts_with(line, len, t, n))
			return n;
	}
	return 0;
}

/* Is line exactly id's text (a fixed notice), its newline aside? */
static bool
match_whole(const char *line, size_t len, enum cat_id id)
{
	return match_start(line, len, id, "\n") == len;
}

/*
 * The literal text between the first and the second "%s" of id's format,
 * e.g. " (private): " in "%s (private): %s\n", in lang. Returns its length
 * (0 when the format has no such part) and sets *mid.
 */
static size_t
middle(enum cat_id id, enum lang lang, const char **mid)
{
	const char *t = text_in(id, lang), *a, *b;

	if ((a = strstr(t, "%s")) == NULL || (b = strstr(a + 2, "%s")) == NULL)
		return 0;
	*mid = a + 2;
	return (size_t)(b - (a + 2));
}

/* ---------------------------------------------------------------------------
 * Lines from other members: "NICK: TEXT", "* NICK TEXT", "NICK (private): TEXT"
 * ------------------------------------------------------------------------ */

/* Length of the nickname at the start of s: bytes up to a space or ':'
 * (nicknames hold no spaces), at most TEXT_NICK_MAX. 0 if none. */
static size_t
nick_span(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && n <= TEXT_NICK_MAX)
		n++;
	return n <= TEXT_NICK_MAX ? n : 0;
}

static bool
parse_member_line(const char *line, size_t len, struct reply *out)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	const char *mid, *colon;
	size_t n, m, i;

	if (starts_with(line, len, "* ", 2) &&
	    (n = nick_span(line + 2, len - 2)) > 0) {
		out->kind = REPLY_ACTION;
		out->nick = line + 2;
		out->nick_len = n;
		return true;
	}
	n = nick_span(line, len);
	for (i = 0; n > 0 && i < sizeof(langs) / sizeof(langs[0]); i++) {
		m = middle(CAT_PRIVATE_FROM, langs[i], &mid);
		if (m > 0 && starts_with(line + n, len - n, mid, m)) {
			out->kind = REPLY_PRIVATE;
			out->nick = line;
			out->nick_len = n;
			return true;
		}
	}
	/* "NICK: TEXT": the first ": " ends the nickname, which may itself
	 * hold a ':' but no space. */
	colon = memmem(line, len < TEXT_NICK_MAX + 2 ? len : TEXT_NICK_MAX + 2,
	               ": ", 2);
	if (colon != NULL && colon > line &&
	    memchr(line, ' ', (size_t)(colon - line)) == NULL) {
		out->kind = REPLY_CHAT;
		out->nick = line;
		out->nick_len = (size_t)(colon - line);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------------
 * Notices: "*** ..."
 * ------------------------------------------------------------------------ */

/* "... [idle-timeout=300]": the seconds, or 0. */
static unsigned
idle_timeout(const char *line, size_t len)
{
	static const char key[] = "idle-timeout=";
	const char *p = memmem(line, len, key, sizeof(key) - 1);
	const char *end = line + len;
	unsigned long v = 0;

	if (p == NULL)
		return 0;
	for (p += sizeof(key) - 1; p < end && *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long)(*p - '0')) > 86400UL * 365)
			return 0;
	return (unsigned)v;
}

/* "*** OLD is now called NEW" (either language): fills nick and renamed. */
static bool
parse_renamed(const char *line, size_t len, struct reply *out)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	const char *mid, *p = line + 4, *end = line + len;
	size_t n, m, i;

	if ((n = nick_span(p, (size_t)(end - p))) == 0)
		return false;
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		m = middle(CAT_NICK_CHANGED, langs[i], &mid);
		if (m == 0 || !starts_with(p + n, (size_t)(end - p - n), mid, m))
			continue;
		out->renamed = p + n + m;
		out->renamed_len = (size_t)(end - out->renamed);
		if (out->renamed_len == 0 || out->renamed_len > TEXT_NICK_MAX ||
		    memchr(out->renamed, ' ', out->renamed_len) != NULL)
			return false;
		out->kind = REPLY_RENAMED;
		out->nick = p;
		out->nick_len = n;
		return true;
	}
	return false;
}

static void
parse_notice(const char *line, size_t len, struct reply *out)
{
	size_t n;

	out->kind = REPLY_NOTICE;
	if (match_whole(line, len, CAT_SERVER_CLOSING))
		out->kind = REPLY_CLOSING;
	else if (match_whole(line, len, CAT_KICKED))
		out->kind = REPLY_KICKED;
	else if (match_whole(line, len, CAT_WELCOME))
		out->kind = REPLY_WELCOME;
	else if (match_whole(line, len, CAT_NEED_NICK))
		out->kind = REPLY_NEED_NICK;
	else if ((n = match_start(line, len, CAT_WHO_ARE_YOU, "%")) > 0) {
		out->kind = REPLY_WHO;
		out->echo = line + n;
		out->echo_len = len - n;
	} else if (match_start(line, len, CAT_NICK_ACCEPTED, "%") > 0 ||
	           match_start(line, len, CAT_NICK_SAME, "%") > 0) {
		/* "You are already called NICK": the answer to a nickname
		 * sent again (UDP, its first answer lost) is an acceptance */
		out->kind = REPLY_ACCEPTED;
		out->idle_timeout = idle_timeout(line, len);
	} else if (match_start(line, len, CAT_BYE, ",%!") > 0)
		out->kind = REPLY_BYE;
	else if ((n = match_start(line, len, CAT_PONG, "%\n")) > 0 &&
	         (n == len || line[n] == ' ')) {
		out->kind = REPLY_PONG;
		out->token = line + (n < len ? n + 1 : n);
		out->token_len = n < len ? len - n - 1 : 0;
	} else if (starts_with(line, len, REPLY_ERROR_PREFIX,
	                       sizeof(REPLY_ERROR_PREFIX) - 1))
		out->kind = REPLY_ERROR;
	else
		parse_renamed(line, len, out);
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

void
reply_parse(const char *line, size_t len, struct reply *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = REPLY_OTHER;
	if (starts_with(line, len, "*** ", 4))
		parse_notice(line, len, out);
	else
		parse_member_line(line, len, out);
}

int
reply_is_notice(enum reply_kind kind)
{
	return kind >= REPLY_NOTICE;
}
