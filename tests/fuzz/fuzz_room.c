/*
 * fuzz_room.c — libFuzzer target for the chat room (shared/server/room.c),
 * driven through a fake transport by a byte code:
 *
 *   byte 0          configuration: max members, greeting, rate limit
 *   then op bytes   op % 8 and conn = (op >> 3) % FUZZ_CONNS:
 *     0 join conn          1 line: length byte, then that many bytes
 *     2 leave (reason)     3 message too long
 *     4 console line       5 clock forward (byte * 37 ms)
 *     6,7 a line from a small dictionary of commands and nicknames
 *
 * Invariants checked on every line the room hands to the transport:
 *   - it goes to a connection in the room (or the one being refused);
 *   - it ends in '\n', is valid UTF-8, has no control byte but tab (and the
 *     '\n' that ends each of its lines), each line at most MSG_LINE_MAX;
 *   - while a member's message is handled, nothing but "*** " notices goes
 *     back to it (chat never returns to its sender, except a private
 *     message to oneself), and chat to others carries its own nickname;
 *   - room_count <= room_connections == members the fuzzer has in the room.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "log.h"
#include "msg.h"
#include "room.h"
#include "text.h"

#define FUZZ_CONNS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake {
	uint64_t            now;
	struct room_member *m[FUZZ_CONNS];
	bool                joining[FUZZ_CONNS];
	int                 speaker;       /* conn whose message runs, or -1 */
	bool                to_self_ok;    /* /msg may reach its own sender */
	char                nick[TEXT_NICK_MAX + 3]; /* "NICK: " prefix */
	size_t              members;
};

static void
check_line(const char *line, size_t len)
{
	size_t i, start = 0;

	if (len == 0 || line[len - 1] != '\n' || !text_utf8_valid(line, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\n') {
			if (i - start + 1 > MSG_LINE_MAX)
				abort();
			start = i + 1;
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			abort();
		}
	}
}

static void
fake_send(void *transport, void *conn, const char *line, size_t len)
{
	struct fake *t = transport;
	int id = (int)(intptr_t)conn;

	if (id < 0 || id >= FUZZ_CONNS || (t->m[id] == NULL && !t->joining[id]))
		abort();                /* a line for a connection not here */
	check_line(line, len);
	if (t->speaker < 0)
		return;
	if (id == t->speaker) {
		if (strncmp(line, "*** ", 4) != 0 && !t->to_self_ok &&
		    !(line[0] == '*' && line[1] == ' '))
			abort();        /* chat (not an action) came back to its
			                 * sender */
	} else if (strncmp(line, "*** ", 4) != 0 && t->nick[0] != '\0' &&
	           strncmp(line, t->nick, strlen(t->nick)) != 0 &&
	           !(line[0] == '*' && line[1] == ' ')) {
		abort();                /* chat under someone else's name */
	}
}

static void
fake_close(void *transport, void *conn)
{
	struct fake *t = transport;
	int id = (int)(intptr_t)conn;

	if (id < 0 || id >= FUZZ_CONNS || t->m[id] == NULL)
		abort();
	t->m[id] = NULL;
	t->members--;
}

static uint64_t
fake_clock(void *transport)
{
	return ((struct fake *)transport)->now;
}

static const struct room_ops ops = { fake_send, fake_close, NULL, NULL };

static const char *const words[] = {
	"ana", "ANA", "\xD0\xB0na", "server", "*** ana", "luis", "/nick ana",
	"/nick luis", "/list", "/listar", "/msg ana hola", "/msg luis x",
	"/privado ANA y", "/me waves", "/me", "/help", "/ping t", "/quit",
	"salir", "hola", "//etc", "/nick", "\x1b[2J", "\xff\xfe", "a\tb",
	"/msg", "/kick ana", "/nick \xe2\x80\xae", "",
};

/* Hand one message of conn id to the room, watching what comes back. */
static void
input(struct room *room, struct fake *t, int id, const char *s, size_t n)
{
	const char *nick = room_member_nick(t->m[id]);
	struct msg m;

	t->speaker = id;
	msg_parse(s, n, &m);
	t->to_self_ok = m.kind == MSG_PRIVATE;
	t->nick[0] = '\0';
	if (nick != NULL && strlen(nick) <= TEXT_NICK_MAX)
		strcat(strcpy(t->nick, nick), ": ");
	if (nick != NULL && m.kind == MSG_PRIVATE)
		strcat(strcpy(t->nick, nick), " ");
	if (nick == NULL || m.kind == MSG_NICK)
		t->nick[0] = '\0';      /* the others see notices only */
	if (room_input(room, t->m[id], s, n) != (t->m[id] != NULL))
		abort();                /* left without closing, or the reverse */
	t->speaker = -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	struct room_config cfg = { 0 };
	struct fake t = { .now = 1, .speaker = -1 };
	struct room *room;
	size_t i = 1, n;
	int op, id, named = 0;

	if (!quiet) {
		log_set_level(LOG_QUIET);
		/* the console's /list and usage lines go to stdout */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		lang_set(LANG_EN);
		quiet = true;
	}
	if (size < 1)
		return 0;
	cfg.max_members = data[0] & 7;           /* 0: no limit */
	cfg.greet = (data[0] & 8) != 0;
	cfg.rate_limit = (data[0] & 16) ? 3 : 0;
	cfg.rate_burst = 4;
	cfg.max_line = (data[0] & 32) ? 40 : 0;
	cfg.idle_timeout = (data[0] & 64) ? 300 : 0;
	cfg.clock_ms = fake_clock;
	lang_set((data[0] & 128) ? LANG_ES : LANG_EN);
	if ((room = room_new(&cfg, &ops, &t)) == NULL)
		return 0;

	while (i < size) {
		op = data[i] & 7;
		id = (data[i] >> 3) % FUZZ_CONNS;
		i++;
		if (op != 0 && op != 4 && op != 5 && t.m[id] == NULL)
			continue;
		switch (op) {
		case 0:
			if (t.m[id] != NULL)
				break;
			t.joining[id] = true;
			t.m[id] = room_join(room, (void *)(intptr_t)id, "10.0.0.1:9");
			t.joining[id] = false;
			t.members += t.m[id] != NULL;
			break;
		case 1:
			n = i < size ? data[i++] : 0;
			if (n > size - i)
				n = size - i;
			input(room, &t, id, (const char *)data + i, n);
			i += n;
			break;
		case 2:
			room_leave(room, t.m[id], (enum room_leave)(id % 3));
			t.m[id] = NULL;
			t.members--;
			break;
		case 3:
			room_too_long(room, t.m[id]);
			break;
		case 4:
			n = i < size ? data[i++] % 40 : 0;
			if (n > size - i)
				n = size - i;
			room_console(room, (const char *)data + i, n);
			i += n;
			break;
		case 5:
			t.now += 37u * (i < size ? data[i++] : 1);
			break;
		default:
			n = i < size ? data[i++] : 0;
			{
				const char *w = words[n % (sizeof(words) /
				                           sizeof(words[0]))];

				input(room, &t, id, w, strlen(w));
			}
			break;
		}
		named = 0;
		for (id = 0; id < FUZZ_CONNS; id++)
			named += t.m[id] != NULL && room_member_named(t.m[id]);
		if (room_connections(room) != t.members ||
		    room_count(room) != (size_t)named)
			abort();
	}
	room_free(room, true);
	return 0;
}
