/*
 * msg.c — wire protocol v1: turning a byte stream into lines, and a line
 * into a chat message or a command. No sockets, no allocation but the
 * framer's partial-line buffer.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"

/* ---------------------------------------------------------------------------
 * Line framing
 *
 * TCP is a byte stream: one recv() may return half a line, or ten lines, or
 * the end of one and the start of the next. The framer keeps what is left
 * of an unfinished line between reads and hands out whole lines.
 *
 *   recv #1: "hola\nque t"      -> line "hola", keep "que t"
 *   recv #2: "al\r\nadios\n"    -> line "que tal", line "adios"
 *
 * A line over the limit (MSG_MAX unless set) is reported once and then
 * skipped up to its newline, so the stream resynchronises and the next line
 * is read normally.
 * ------------------------------------------------------------------------ */

/* The longest line this framer takes. */
static size_t
limit(const struct msg_framer *f)
{
	return f->max != 0 ? f->max : MSG_MAX;
}

/* Remove one '\r' before the '\n' that ended the line. */
static void
strip_cr(const char *line, size_t *len)
{
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
}

/*
 * The rest of an overlong line, data[0..n), ended by nl when not NULL: skip
 * it. Returns true when its newline was reached (the next line is read
 * normally), false when the input ran out first.
 */
static bool
skip_overlong(struct msg_framer *f, const char **data, size_t *len,
              const char *nl, size_t n)
{
	*data += n;
	*len -= n;
	if (nl == NULL)
		return false;
	(*data)++;
	(*len)--;
	f->discarding = false;
	f->newline_seen = true;
	return true;
}

/*
 * The input ends in an unfinished line, data[0..n): keep it for the next
 * read (MSG_FRAME_MORE), or report it as too long already.
 */
static enum msg_frame
keep_partial(struct msg_framer *f, const char **data, size_t *len, size_t n)
{
	/* Over the limit, the line can only still fit if its last byte is
	 * the '\r' of a "\r\n". Otherwise it is too long already: say so
	 * now, or a peer that never sends a newline loses it silently at
	 * the flush. */
	if (f->len + n > limit(f) + 1 ||
	    (f->len + n > limit(f) && (*data)[n - 1] != '\r')) {
		f->len = 0;
		f->discarding = true;
		*data += n;
		*len = 0;
		return MSG_FRAME_TOO_LONG;
	}
	/* limit + 1: room for a '\r' waiting for its '\n' */
	if (f->buf == NULL && (f->buf = malloc(limit(f) + 1)) == NULL) {
		/* Out of memory: the line cannot be kept; report it like an
		 * overlong one rather than lose track. */
		f->discarding = true;
		*data += n;
		*len = 0;
		return MSG_FRAME_TOO_LONG;
	}
	memcpy(f->buf + f->len, *data, n);
	f->len += n;
	*data += n;
	*len = 0;
	return MSG_FRAME_MORE;
}

enum msg_frame
msg_framer_next(struct msg_framer *f, const char **data, size_t *len,
                const char **line, size_t *line_len)
{
	const char *nl;
	size_t n;

	msg_framer_trim(f);     /* a line handed out from buf is done with */

	while (*len > 0) {
		nl = memchr(*data, '\n', *len);
		n = nl != NULL ? (size_t)(nl - *data) : *len;

		if (f->discarding) {            /* skip the rest of an overlong line */
			if (!skip_overlong(f, data, len, nl, n))
				return MSG_FRAME_MORE;
			continue;
		}
		if (nl == NULL)                 /* unfinished: keep it for later */
			return keep_partial(f, data, len, n);

		/* A newline: the line is what was kept plus data[0..n). */
		*data += n + 1;
		*len -= n + 1;
		f->newline_seen = true;
		if (f->len == 0) {              /* whole line in this read: no copy */
			*line = nl - n;
			*line_len = n;
		} else {
			if (f->len + n > limit(f) + 1) {
				f->len = 0;
				return MSG_FRAME_TOO_LONG;
			}
			memcpy(f->buf + f->len, nl - n, n);
			*line = f->buf;
			*line_len = f->len + n;
			f->len = 0;     /* buf stays readable until the next call */
		}
		strip_cr(*line, line_len);
		if (*line_len > limit(f))
			return MSG_FRAME_TOO_LONG;
		return MSG_FRAME_LINE;
	}
	return MSG_FRAME_MORE;
}

bool
msg_framer_pending(const struct msg_framer *f)
{
	return !f->newline_seen && (f->len > 0 || f->discarding);
}

bool
msg_framer_flush(struct msg_framer *f, const char **line, size_t *line_len)
{
	if (f->newline_seen)
		return false;
	if (f->discarding) {                    /* the overlong message ends here */
		f->discarding = false;
		return false;
	}
	if (f->len == 0)
		return false;
	*line = f->buf;
	*line_len = f->len;
	f->len = 0;
	/* The buffer is one byte over the limit only when it ends in a '\r'
	 * that no '\n' followed: that message is too long. */
	return *line_len <= limit(f);
}

bool
msg_framer_finish(struct msg_framer *f, const char **line, size_t *line_len)
{
	if (f->discarding) {    /* an overlong line: reported, stays dropped */
		f->discarding = false;
		f->len = 0;
		return false;
	}
	if (f->len == 0)
		return false;
	*line = f->buf;
	*line_len = f->len;
	f->len = 0;
	if ((*line)[*line_len - 1] == '\r')    /* half of a "\r\n" */
		(*line_len)--;
	return *line_len <= limit(f);
}

void
msg_framer_trim(struct msg_framer *f)
{
	if (f->len == 0 && f->buf != NULL) {
		free(f->buf);
		f->buf = NULL;
	}
}

void
msg_framer_free(struct msg_framer *f)
{
	size_t max = f->max;

	free(f->buf);
	memset(f, 0, sizeof(*f));
	f->max = max;
}

/* ---------------------------------------------------------------------------
 * Parsing one message
 *
 *   "hola a todos"          chat
 *   "/msg luis hola"        command word, first argument, rest of the text
 *   "//etc/passwd"          chat "/etc/passwd" (a doubled slash escapes)
 *   "salir"                 quit (the seed lab's way out)
 *   "/say hola"             chat "hola", never a nickname (UDP sessions)
 * ------------------------------------------------------------------------ */

struct command {
	const char   *name;
	enum msg_kind kind;
};

static const struct command commands[] = {
	{ "nick",    MSG_NICK },
	{ "list",    MSG_LIST },    { "listar",  MSG_LIST },
	{ "msg",     MSG_PRIVATE }, { "privado", MSG_PRIVATE },
	{ "me",      MSG_ME },
	{ "help",    MSG_HELP },    { "ayuda",   MSG_HELP },
	{ "ping",    MSG_PING },
	{ "quit",    MSG_QUIT },    { "quitar",  MSG_QUIT },
	{ "salir",   MSG_QUIT },
	{ "say",     MSG_CHAT },    { "decir",   MSG_CHAT },
	{ "kick",    MSG_KICK },
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Advance *p past blanks, not beyond end. */
static void
skip_blanks(const char **p, const char *end)
{
	while (*p < end && is_blank(**p))
		(*p)++;
}

/* The word at *p (up to a blank or end); advances *p past it. */
static size_t
take_word(const char **p, const char *end)
{
	const char *start = *p;

	while (*p < end && !is_blank(**p))
		(*p)++;
	return (size_t)(*p - start);
}

/* Remove trailing blanks from [start, *end). */
static void
trim_end(const char *start, const char **end)
{
	while (*end > start && is_blank((*end)[-1]))
		(*end)--;
}

static enum msg_kind
lookup_command(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(commands[i].name) == len &&
		    strncasecmp(commands[i].name, word, len) == 0)
			return commands[i].kind;
	return MSG_UNKNOWN;
}

void
msg_parse(const char *line, size_t len, struct msg *out)
{
	const char *p = line, *end = line + len, *word;
	size_t wlen;

	memset(out, 0, sizeof(*out));
	trim_end(line, &end);
	skip_blanks(&p, end);
	if (p == end) {
		out->kind = MSG_EMPTY;
		return;
	}
	if (*p != '/') {
		out->kind = (end - p == 5 && strncasecmp(p, "salir", 5) == 0)
		                ? MSG_QUIT : MSG_CHAT;
		out->arg = line;                /* chat keeps its own spacing */
		out->arg_len = len;
		return;
	}
	if (end - p >= 2 && p[1] == '/') {     /* "//text" is chat "/text" */
		out->kind = MSG_CHAT;
		out->arg = p + 1;
		out->arg_len = (size_t)(end - p - 1);
		return;
	}

	out->cmd = p;
	out->cmd_len = take_word(&p, end);
	out->kind = lookup_command(out->cmd + 1, out->cmd_len - 1);
	skip_blanks(&p, end);
	if (p == end) {
		if (out->kind == MSG_CHAT)      /* "/say" alone: nothing */
			out->kind = MSG_EMPTY;
		return;
	}

	if (out->kind == MSG_PRIVATE) {       /* /msg NICK TEXT */
		word = p;
		wlen = take_word(&p, end);
		out->arg = word;
		out->arg_len = wlen;
		skip_blanks(&p, end);
		if (p < end) {
			out->text = p;
			out->text_len = (size_t)(end - p);
		}
		return;
	}
	out->arg = p;                           /* everything after the word */
	out->arg_len = (size_t)(end - p);
}

bool
msg_nick_shaped(const char *line, size_t len)
{
	const char *p = line, *end = line + len;

	trim_end(line, &end);
	skip_blanks(&p, end);
	if (p == end || *p == '/')
		return false;
	take_word(&p, end);
	return p == end;
}

const char *
msg_command_name(size_t i)
{
	return i < sizeof(commands) / sizeof(commands[0]) ? commands[i].name
	                                                  : NULL;
}

const char *
msg_kind_name(enum msg_kind kind)
{
	switch (kind) {
	case MSG_EMPTY:   return "empty";
	case MSG_CHAT:    return "chat";
	case MSG_NICK:    return "nick";
	case MSG_LIST:    return "list";
	case MSG_PRIVATE: return "msg";
	case MSG_ME:      return "me";
	case MSG_HELP:    return "help";
	case MSG_PING:    return "ping";
	case MSG_QUIT:    return "quit";
	case MSG_KICK:    return "kick";
	case MSG_UNKNOWN: return "unknown";
	}
	return "unknown";
}
