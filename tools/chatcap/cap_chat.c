/*
 * cap_chat.c — reading chat messages out of captured payload, with the same
 * framing and parsing the servers use (shared/wire/msg.c), so chatcap shows
 * what the server understood.
 */
#include <string.h>

#include "cap_chat.h"
#include "reply.h"
#include "text.h"

/* s[0..len) sanitised into dst[CAP_NICK_TEXT] (cut), NUL-terminated. */
static void
nick_copy(char *dst, const char *s, size_t len)
{
	dst[text_sanitize(s, len, dst, CAP_NICK_TEXT)] = '\0';
}

/* The server's acceptance of a nickname, "*** Hello NICK, ..." (either
 * language): NICK into out->said_nick. */
static void
server_said_nick(const char *line, size_t len, struct cap_chat *out)
{
	static const char *const hello[] = { "*** Hello ", "*** Hola " };
	struct reply r;
	size_t i, k, n;

	for (i = 0; i < 2; i++) {
		k = strlen(hello[i]);
		if (len <= k || memcmp(line, hello[i], k) != 0)
			continue;           /* cheap first: most lines are not it */
		reply_parse(line, len, &r);
		if (r.kind != REPLY_ACCEPTED)
			return;
		for (n = k; n < len && line[n] != ' '; n++)
			;
		if (n > k && line[n - 1] == ',')
			n--;
		nick_copy(out->said_nick, line + k, n - k);
		return;
	}
}

/* Name one message and keep its sanitised text in out. */
static void
add_message(struct cap_chat_dir *d, bool to_server, bool first_is_nick,
            const char *line, size_t len, bool too_long,
            struct cap_chat *out)
{
	struct cap_msg *m;
	struct msg parsed;
	size_t room;

	out->total++;
	d->messages++;
	if (out->n == CAP_CHAT_MSGS || out->used >= sizeof(out->text) - 1)
		return;
	m = &out->msg[out->n++];
	m->kind = MSG_CHAT;
	m->ended_early = false;
	if (too_long) {
		m->role = CAP_ROLE_TOO_LONG;
	} else if (!to_server) {
		m->role = len >= 4 && memcmp(line, "*** ", 4) == 0
		          ? CAP_ROLE_NOTICE : CAP_ROLE_RELAY;
	} else if (first_is_nick && !d->nick_known &&
	           (len == 0 || line[0] != '/')) {    /* no nickname starts so */
		m->role = CAP_ROLE_NICKNAME;
		nick_copy(d->nick, line, len);
	} else {
		msg_parse(line, len, &parsed);
		m->kind = parsed.kind;
		m->role = parsed.kind == MSG_CHAT  ? CAP_ROLE_CHAT
		        : parsed.kind == MSG_EMPTY ? CAP_ROLE_EMPTY
		        : CAP_ROLE_COMMAND;
	}
	if (to_server && !too_long && m->role != CAP_ROLE_COMMAND)
		d->nick_known = true;
	if (!to_server && !too_long)
		server_said_nick(line, len, out);

	room = sizeof(out->text) - out->used;
	m->text = out->text + out->used;
	m->len = too_long ? 0 : text_sanitize(line, len, out->text + out->used,
	                                      room);
	out->text[out->used + m->len] = '\0';
	out->used += m->len + 1;
}

void
cap_chat_stream(struct cap_chat_dir *d, bool to_server, bool first_is_nick,
                const uint8_t *data, size_t len, int64_t t_us,
                struct cap_chat *out)
{
	const char *p = (const char *)data, *line, *nl;
	size_t line_len;
	enum msg_frame r;

	cap_chat_silence(d, to_server, first_is_nick, t_us, out);
	if (d->skip_line) {                  /* the tail of a cut line */
		if ((nl = memchr(p, '\n', len)) == NULL)
			return;
		len -= (size_t)(nl + 1 - p);
		p = nl + 1;
		d->skip_line = false;
	}
	for (;;) {
		r = msg_framer_next(&d->framer, &p, &len, &line, &line_len);
		if (r == MSG_FRAME_MORE)
			break;
		add_message(d, to_server, first_is_nick, line, line_len,
		            r == MSG_FRAME_TOO_LONG, out);
	}
	d->last_us = t_us;
	out->pending = d->framer.len;
}

void
cap_chat_silence(struct cap_chat_dir *d, bool to_server, bool first_is_nick,
                 int64_t t_us, struct cap_chat *out)
{
	const char *line;
	size_t line_len;

	if (msg_framer_pending(&d->framer) &&
	    (t_us == INT64_MAX || t_us - d->last_us >= CAP_CHAT_SILENCE_US) &&
	    msg_framer_flush(&d->framer, &line, &line_len)) {
		add_message(d, to_server, first_is_nick, line, line_len, false,
		            out);
		if (out->n > 0)
			out->msg[out->n - 1].ended_early = true;
	}
}

void
cap_chat_finish(struct cap_chat_dir *d, bool to_server, bool first_is_nick,
                struct cap_chat *out)
{
	const char *line;
	size_t line_len;

	if (!d->skip_line && msg_framer_finish(&d->framer, &line, &line_len)) {
		add_message(d, to_server, first_is_nick, line, line_len, false,
		            out);
		if (out->n > 0)
			out->msg[out->n - 1].ended_early = true;
	}
}

void
cap_chat_datagram(struct cap_chat_dir *d, bool to_server, const uint8_t *data,
                  size_t len, struct cap_chat *out)
{
	const char *line = (const char *)data;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	add_message(d, to_server, true, line, len, len > MSG_MAX, out);
}

void
cap_chat_resync(struct cap_chat_dir *d)
{
	bool seen = d->framer.newline_seen;

	msg_framer_free(&d->framer);
	d->framer.newline_seen = seen;
	d->skip_line = seen;
}

bool
cap_chat_nick_truth(struct cap_chat_dir *client, const struct cap_chat *out,
                    char inferred[CAP_NICK_TEXT])
{
	bool differs;

	if (out->said_nick[0] == '\0')
		return false;
	differs = client->nick[0] != '\0' &&
	          strcmp(client->nick, out->said_nick) != 0;
	memcpy(inferred, client->nick, CAP_NICK_TEXT);
	memcpy(client->nick, out->said_nick, CAP_NICK_TEXT);
	client->nick_known = true;
	return differs;
}

void
cap_chat_dir_free(struct cap_chat_dir *d)
{
	msg_framer_free(&d->framer);
}

const char *
cap_role_name(enum cap_role role)
{
	switch (role) {
	case CAP_ROLE_NICKNAME: return "nickname";
	case CAP_ROLE_CHAT:     return "chat";
	case CAP_ROLE_COMMAND:  return "command";
	case CAP_ROLE_EMPTY:    return "empty";
	case CAP_ROLE_NOTICE:   return "notice";
	case CAP_ROLE_RELAY:    return "relay";
	case CAP_ROLE_TOO_LONG: return "too_long";
	}
	return "?";
}
