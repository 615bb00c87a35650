/*
 * test_room.c — unit tests for shared/server/room.c, driven through a fake
 * transport: a struct that records every (conn, line) the room sends,
 * every connection it closes and what it answers the console, on a fake
 * clock. No sockets anywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "log.h"
#include "msg.h"
#include "room.h"
#include "text.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXC     256 /* connections a recording fixture knows */

/* ---------------------------------------------------------------------------
 * The fake transport
 *
 * A connection is a small integer disguised as a pointer. Every line is
 * checked on arrival: it ends with its one '\n' (the help text has several
 * lines, each ended), holds no NUL and is valid UTF-8.
 * ------------------------------------------------------------------------ */

struct sent {
	int    conn;
	char  *line;
	size_t len;
};

struct fake {
	struct sent *sent;
	size_t       n, cap;
	int          closed[MAXC];
	size_t       nclosed;
	bool         count_only;    /* for big rooms: count, do not keep */
	size_t       count;
	char         console[8192]; /* what the room told the console */
	size_t       console_len;
	uint64_t     now;           /* the room's clock, ms */
};

#define CONN(id) ((void *)(intptr_t)(id))

static void
fake_send(void *transport, void *conn, const char *line, size_t len)
{
	struct fake *t = transport;

	t->count++;
	assert_true(len > 0);
	assert_int_equal(line[len - 1], '\n');
	if (t->count_only)
		return;
	assert_null(memchr(line, '\0', len));
	assert_true(text_utf8_valid(line, len));
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->sent = realloc(t->sent, t->cap * sizeof(*t->sent));
		assert_non_null(t->sent);
	}
	t->sent[t->n].conn = (int)(intptr_t)conn;
	t->sent[t->n].line = malloc(len + 1);
	assert_non_null(t->sent[t->n].line);
	memcpy(t->sent[t->n].line, line, len);
	t->sent[t->n].line[len] = '\0';
	t->sent[t->n].len = len;
	t->n++;
}

static void
fake_close(void *transport, void *conn)
{
	struct fake *t = transport;

	assert_true(t->nclosed < MAXC);
	t->closed[t->nclosed++] = (int)(intptr_t)conn;
}

static void
fake_clear(struct fake *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->sent[i].line);
	t->n = 0;
	t->nclosed = 0;
	t->count = 0;
}

static void
fake_console(void *transport, const char *text, size_t len)
{
	struct fake *t = transport;

	assert_true(len > 0 && text[len - 1] == '\n');
	assert_true(t->console_len + len < sizeof(t->console));
	memcpy(t->console + t->console_len, text, len);
	t->console_len += len;
	t->console[t->console_len] = '\0';
}

static uint64_t
fake_clock(void *transport)
{
	return ((struct fake *)transport)->now;
}

static const struct room_ops fake_ops = { fake_send, fake_close, NULL,
                                          fake_console };

/* ---------------------------------------------------------------------------
 * Fixture: a room, its fake transport and the members by connection id
 * ------------------------------------------------------------------------ */

struct fx {
	struct fake         t;
	struct room        *room;
	struct room_config  cfg;
	struct room_member *m[MAXC];
};

static struct fx *
fx_open(struct fx *fx)
{
	fx->room = room_new(&fx->cfg, &fake_ops, &fx->t);
	assert_non_null(fx->room);
	return fx;
}

static int
setup_with(void **state, unsigned max, unsigned idle, bool greet)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->cfg.max_members = max;
	fx->cfg.idle_timeout = idle;
	fx->cfg.greet = greet;
	fx->cfg.clock_ms = fake_clock;
	lang_set(LANG_EN);
	*state = fx_open(fx);
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, 0, 0, true);
}

static int
setup_no_greet(void **state)
{
	return setup_with(state, 0, 0, false);
}

static int
setup_idle(void **state)
{
	return setup_with(state, 0, 300, false);
}

/* A room with these timeouts (seconds), its clock at 0. */
static int
setup_timeouts(void **state, unsigned nick, unsigned idle)
{
	int r = setup_with(state, 0, idle, false);
	struct fx *fx = *state;

	if (r == 0) {               /* the timeouts are read at room_new */
		room_free(fx->room, false);
		fx->cfg.nick_timeout = nick;
		fx_open(fx);
	}
	return r;
}

static int
setup_tcp_timeouts(void **state)
{
	return setup_timeouts(state, 60, 0);
}

static int
setup_udp_timeouts(void **state)
{
	return setup_timeouts(state, 60, 300);
}

static int
setup_short_idle(void **state)
{
	return setup_timeouts(state, 60, 2);
}

static int
setup_max2(void **state)
{
	return setup_with(state, 2, 0, true);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	room_free(fx->room, false);
	fake_clear(&fx->t);
	free(fx->t.sent);
	free(fx);
	lang_set(LANG_EN);
	return 0;
}

/* Send one line as member id. */
static bool
say(struct fx *fx, int id, const char *line)
{
	return room_input(fx->room, fx->m[id], line, strlen(line));
}

/* Connect id and, when nick is not NULL, have it choose that nickname;
 * forget whatever was sent. */
static void
join(struct fx *fx, int id, const char *nick)
{
	fx->m[id] = room_join(fx->room, CONN(id), "127.0.0.1:40000");
	assert_non_null(fx->m[id]);
	if (nick != NULL) {
		assert_true(say(fx, id, nick));
		assert_true(room_member_named(fx->m[id]));
	}
	fake_clear(&fx->t);
}

/* An expected line: a catalogue format filled in. Rotating buffers so that
 * a few may be alive at once. */
static const char *__attribute__((format(printf, 1, 2)))
fmt(const char *f, ...)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(bufs[0]), f, ap);
	va_end(ap);
	return b;
}

static size_t
count_to(const struct fx *fx, int id)
{
	size_t i, n = 0;

	for (i = 0; i < fx->t.n; i++)
		n += fx->t.sent[i].conn == id;
	return n;
}

/* The k-th line sent to id, or NULL. */
static const char *
line_to(const struct fx *fx, int id, size_t k)
{
	size_t i;

	for (i = 0; i < fx->t.n; i++)
		if (fx->t.sent[i].conn == id && k-- == 0)
			return fx->t.sent[i].line;
	return NULL;
}

/* id got exactly one line since the last clear, and it is want. */
static void
expect_only(const struct fx *fx, int id, const char *want)
{
	const char *got = line_to(fx, id, 0);

	if (got == NULL)
		fail_msg("conn %d got nothing, want \"%s\"", id, want);
	assert_string_equal(got, want);
	assert_int_equal(count_to(fx, id), 1);
}

static void
expect_none(const struct fx *fx, int id)
{
	if (count_to(fx, id) != 0)
		fail_msg("conn %d got \"%s\", want nothing", id,
		         line_to(fx, id, 0));
}

static bool
was_closed(const struct fx *fx, int id)
{
	size_t i;

	for (i = 0; i < fx->t.nclosed; i++)
		if (fx->t.closed[i] == id)
			return true;
	return false;
}

/* ---------------------------------------------------------------------------
 * Joining and choosing a nickname
 * ------------------------------------------------------------------------ */

static void
test_room_join_welcome(void **state)
{
	struct fx *fx = *state;

	fx->m[1] = room_join(fx->room, CONN(1), "127.0.0.1:1");
	assert_non_null(fx->m[1]);
	expect_only(fx, 1, catalog_text(CAT_WELCOME));
	assert_int_equal(room_connections(fx->room), 1);
	assert_int_equal(room_count(fx->room), 0);
	assert_false(room_member_named(fx->m[1]));
	assert_null(room_member_nick(fx->m[1]));
}

static void
test_room_join_no_welcome_without_greet(void **state)
{
	struct fx *fx = *state;

	fx->m[1] = room_join(fx->room, CONN(1), "127.0.0.1:1");
	assert_non_null(fx->m[1]);
	assert_int_equal(fx->t.n, 0);
}

static void
test_room_input_nick_accepted(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, NULL);
	assert_true(say(fx, 1, "ana"));
	expect_only(fx, 1, fmt("%s\n", fmt(catalog_text(CAT_NICK_ACCEPTED),
	                                   "ana", (size_t)1)));
	assert_string_equal(room_member_nick(fx->m[1]), "ana");
	assert_int_equal(room_count(fx->room), 1);
	fake_clear(&fx->t);

	join(fx, 2, NULL);
	assert_true(say(fx, 2, "  luis \t"));   /* blanks around are not kept */
	expect_only(fx, 2, fmt("%s\n", fmt(catalog_text(CAT_NICK_ACCEPTED),
	                                   "luis", (size_t)2)));
	expect_only(fx, 1, fmt(catalog_text(CAT_JOINED), "luis"));
	assert_string_equal(room_member_nick(fx->m[2]), "luis");
	assert_int_equal(room_count(fx->room), 2);
	assert_int_equal(room_connections(fx->room), 2);
}

static void
test_room_input_nick_accepted_states_idle_timeout(void **state)
{
	struct fx *fx = *state;
	const char *got;

	join(fx, 1, NULL);
	assert_true(say(fx, 1, "ana"));
	expect_only(fx, 1, fmt("%s%s\n",
	                       fmt(catalog_text(CAT_NICK_ACCEPTED), "ana",
	                           (size_t)1),
	                       fmt(catalog_text(CAT_IDLE_TIMEOUT), 300u)));
	got = line_to(fx, 1, 0);
	assert_non_null(strstr(got, "idle-timeout=300"));
}

static void
test_room_input_nick_accepted_no_timeout_stated(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, NULL);
	assert_true(say(fx, 1, "ana"));
	assert_null(strstr(line_to(fx, 1, 0), "idle-timeout"));
}

static void
test_room_input_invalid_nicks_then_valid(void **state)
{
	static const struct {
		const char *line;
		enum cat_id err;
	} cases[] = {
		{ "ana luis",                    CAT_NICK_SPACE },
		{ "ana\xC2\xA0luis",             CAT_NICK_SPACE },
		{ "aaaaaaaaaaaaaaaaaaaaa",       CAT_NICK_TOO_LONG },
		{ "ana\xFF",                     CAT_NICK_BAD_UTF8 },
		{ "ana\x1B[31m",                 CAT_NICK_CONTROL },
		{ "an\xE2\x80\x8B" "a",          CAT_NICK_CONTROL },
		{ "SERVER",                      CAT_NICK_RESERVED },
		{ "servidor",                    CAT_NICK_RESERVED },
		{ "//ana",                       CAT_NICK_SLASH },
	};
	struct fx *fx = *state;
	size_t i;

	join(fx, 1, "eva");
	join(fx, 2, NULL);
	for (i = 0; i < NELEM(cases); i++) {
		const char *want;

		assert_true(say(fx, 2, cases[i].line));
		if (cases[i].err == CAT_NICK_TOO_LONG)
			want = fmt(catalog_text(cases[i].err), TEXT_NICK_MAX);
		else if (cases[i].err == CAT_NICK_RESERVED)
			want = fmt(catalog_text(cases[i].err), cases[i].line);
		else
			want = catalog_text(cases[i].err);
		expect_only(fx, 2, want);
		expect_none(fx, 1);
		assert_false(room_member_named(fx->m[2]));
		fake_clear(&fx->t);
	}
	assert_int_equal(room_count(fx->room), 1);
	assert_true(say(fx, 2, "ana"));
	assert_true(room_member_named(fx->m[2]));
	expect_only(fx, 1, fmt(catalog_text(CAT_JOINED), "ana"));
}

static void
test_room_input_before_nick(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "eva");
	join(fx, 2, NULL);
	assert_true(say(fx, 2, ""));            /* blank lines: nothing */
	assert_true(say(fx, 2, "   "));
	expect_none(fx, 2);
	assert_true(say(fx, 2, "/list"));
	expect_only(fx, 2, catalog_text(CAT_NEED_NICK));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/ana"));
	expect_only(fx, 2, catalog_text(CAT_NEED_NICK));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/ayuda"));
	expect_only(fx, 2, catalog_text(CAT_HELP));
	expect_none(fx, 1);
	assert_false(room_member_named(fx->m[2]));
}

/* UDP sessions (cfg.ask_who): a member without a nickname is asked who it
 * is when its message is not a nickname; one word or "/nick NAME" still
 * is. Without ask_who (TCP), the same text is a bad nickname. */
static void
test_room_input_ask_who(void **state)
{
	struct fx *fx = *state;
	char line[2048];

	fx->cfg.ask_who = true;
	room_free(fx->room, false);
	fx_open(fx);
	join(fx, 1, "eva");
	join(fx, 2, NULL);
	assert_true(say(fx, 2, "sigo aquí"));
	expect_only(fx, 2, fmt(catalog_text(CAT_WHO_ARE_YOU), "sigo aquí"));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/say hola"));
	expect_only(fx, 2, fmt(catalog_text(CAT_WHO_ARE_YOU), "/say hola"));
	fake_clear(&fx->t);
	memset(line, 'z', sizeof(line));        /* the echo is cut */
	line[1] = ' ';
	assert_true(room_input(fx->room, fx->m[2], line, 1000));
	line[MSG_WHO_ECHO - 1] = '\0';
	expect_only(fx, 2, fmt(catalog_text(CAT_WHO_ARE_YOU), line));
	expect_none(fx, 1);
	assert_false(room_member_named(fx->m[2]));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "x y"));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/nick uli"));
	assert_true(room_member_named(fx->m[2]));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/nick uli"));   /* again: states the timeout */
	expect_only(fx, 2, "*** You are already called uli. "
	                   "[idle-timeout=300]\n");
}

static void
test_room_input_no_ask_who_over_tcp(void **state)
{
	struct fx *fx = *state;

	join(fx, 2, NULL);
	assert_true(say(fx, 2, "sigo aquí"));
	expect_only(fx, 2, catalog_text(CAT_NICK_SPACE));
}

static void
test_room_input_duplicate_nicks(void **state)
{
	static const struct {
		const char *first, *second;
	} cases[] = {
		{ "ana", "ana" },
		{ "ana", "ANA" },
		{ "ana", "aNa" },
		{ "\xC3\x91" "and\xC3\xBA", "\xC3\xB1" "AND\xC3\x9A" }, /* Ñandú */
		{ "\xC3\x91" "AND\xC3\x9A", "\xC3\xB1" "and\xC3\xBA" }, /* ÑANDÚ */
		{ "Jos\xC3\xA9", "JOS\xC3\x89" },
		{ "\xD0\x9C\xD0\xB0\xD1\x88\xD0\xB0",                /* Маша */
		  "\xD0\x9C\xD0\x90\xD0\xA8\xD0\x90" },               /* МАША */
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		void *st;
		struct fx *fx;

		assert_int_equal(setup_no_greet(&st), 0);
		fx = st;
		join(fx, 1, cases[i].first);
		join(fx, 2, NULL);
		assert_true(say(fx, 2, cases[i].second));
		expect_only(fx, 2, fmt(catalog_text(CAT_NICK_TAKEN),
		                       cases[i].second));
		expect_none(fx, 1);
		assert_false(room_member_named(fx->m[2]));
		fake_clear(&fx->t);
		assert_true(say(fx, 2, "otro"));   /* a free one is taken */
		assert_true(room_member_named(fx->m[2]));
		assert_int_equal(room_count(fx->room), 2);
		teardown(&st);
	}
	(void)state;
}

static void
test_room_input_accented_nicks_distinct(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "nandu");
	join(fx, 2, "\xC3\xB1" "and\xC3\xBA");   /* ñandú differs from nandu */
	assert_int_equal(room_count(fx->room), 2);
}

/* ---------------------------------------------------------------------------
 * Chat
 * ------------------------------------------------------------------------ */

static void
test_room_input_chat_to_all_but_sender(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, "eva");
	join(fx, 4, NULL);                       /* no nickname yet */
	assert_true(say(fx, 1, "hola a todos"));
	expect_none(fx, 1);
	expect_only(fx, 2, "ana: hola a todos\n");
	expect_only(fx, 3, "ana: hola a todos\n");
	expect_none(fx, 4);
	fake_clear(&fx->t);

	assert_true(say(fx, 3, "\xC2\xA1" "Qu\xC3\xA9 tal, se\xC3\xB1or! \xE2\x82\xAC"));
	expect_only(fx, 1, "eva: \xC2\xA1" "Qu\xC3\xA9 tal, se\xC3\xB1or! \xE2\x82\xAC\n");
	expect_none(fx, 3);
}

static void
test_room_input_chat_sanitised(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "\x1B[31mrojo\x1B[0m\x07 \xFF \xE2\x80\xAE" "x"));
	expect_only(fx, 2, "ana: ^[[31mrojo^[[0m^G \xEF\xBF\xBD \\u202Ex\n");
	fake_clear(&fx->t);
	assert_true(room_input(fx->room, fx->m[1], "a\0b\rc", 5));
	expect_only(fx, 2, "ana: a^@b^Mc\n");
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "//etc/passwd"));
	expect_only(fx, 2, "ana: /etc/passwd\n");
}

static void
test_room_input_chat_longest_fits(void **state)
{
	/* A MSG_MAX message that triples when sanitised still arrives whole. */
	struct fx *fx = *state;
	char in[MSG_MAX], want[3 * MSG_MAX + 64];
	size_t i, n;

	join(fx, 1, "aaaaaaaaaaaaaaaaaaaa");
	join(fx, 2, "luis");
	memset(in, 0xFF, sizeof(in));
	assert_true(room_input(fx->room, fx->m[1], in, sizeof(in)));
	n = (size_t)sprintf(want, "aaaaaaaaaaaaaaaaaaaa: ");
	for (i = 0; i < MSG_MAX; i++)
		n += (size_t)sprintf(want + n, "\xEF\xBF\xBD");
	want[n++] = '\n';
	want[n] = '\0';
	expect_only(fx, 2, want);
}

static void
test_room_input_me(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/me saluda"));
	expect_only(fx, 1, "* ana saluda\n");  /* the sender sees it too */
	expect_only(fx, 2, "* ana saluda\n");
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/ME \x1B[2J"));
	expect_only(fx, 1, "* ana ^[[2J\n");
	expect_only(fx, 2, "* ana ^[[2J\n");
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/me"));
	expect_only(fx, 1, catalog_text(CAT_USAGE_ME));
	expect_none(fx, 2);
}

static void
test_room_input_unknown_command(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/foo bar"));
	expect_only(fx, 1, fmt(catalog_text(CAT_UNKNOWN_COMMAND), "/foo"));
	expect_none(fx, 2);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/\x1B[31m"));
	expect_only(fx, 1, fmt(catalog_text(CAT_UNKNOWN_COMMAND), "/^[[31m"));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "   "));
	expect_none(fx, 1);
	expect_none(fx, 2);
}

/* ---------------------------------------------------------------------------
 * /list
 * ------------------------------------------------------------------------ */

static void
test_room_input_list(void **state)
{
	struct fx *fx = *state;
	const char *want;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	join(fx, 4, "\xC3\x91" "and\xC3\xBA");
	want = fmt("%s\n", fmt(catalog_text(CAT_LIST), (size_t)3,
	                       "ana, luis, \xC3\x91" "and\xC3\xBA"));
	assert_true(say(fx, 2, "/list"));
	expect_only(fx, 2, want);
	expect_none(fx, 1);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/LISTAR"));
	expect_only(fx, 1, want);
}

static void
test_room_input_list_many_cut(void **state)
{
	/* 150 members of 20 bytes: more than the names a line shows. */
	struct fx *fx = *state;
	char nick[TEXT_NICK_MAX + 1], head[64], more[64];
	const char *line, *p;
	size_t shown = 1, total = 0, i;
	int id;

	for (id = 1; id <= 150; id++) {
		snprintf(nick, sizeof(nick), "member%014d", id);
		join(fx, id, nick);
	}
	assert_true(say(fx, 1, "/list"));
	assert_int_equal(count_to(fx, 1), 1);
	line = line_to(fx, 1, 0);
	snprintf(head, sizeof(head), catalog_text(CAT_LIST), (size_t)150, "");
	assert_memory_equal(line, head, strlen(head));
	for (p = line; (p = strstr(p, ", ")) != NULL; p += 2)
		shown++;
	assert_true(shown < 150);
	snprintf(more, sizeof(more), catalog_text(CAT_LIST_MORE), 150 - shown);
	assert_non_null(strstr(line, more));
	assert_string_equal(line + strlen(line) - strlen(more) - 1, fmt("%s\n", more));
	/* the names shown are the first ones, in order of arrival */
	for (i = 1, p = line + strlen(head); i <= shown; i++) {
		snprintf(nick, sizeof(nick), "member%014zu", i);
		assert_memory_equal(p, nick, strlen(nick));
		p += strlen(nick) + 2;
		total++;
	}
	assert_int_equal(total, shown);
}

/* ---------------------------------------------------------------------------
 * /msg and /privado
 * ------------------------------------------------------------------------ */

static void
test_room_input_private(void **state)
{
	static const char *const forms[] = {
		"/msg luis hola que tal", "/privado luis hola que tal",
		"/MSG LUIS hola que tal", "/msg   Luis   hola que tal  ",
	};
	struct fx *fx = *state;
	size_t i;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, "eva");
	for (i = 0; i < NELEM(forms); i++) {
		assert_true(say(fx, 1, forms[i]));
		expect_only(fx, 2, fmt(catalog_text(CAT_PRIVATE_FROM), "ana",
		                       "hola que tal"));
		expect_only(fx, 1, fmt(catalog_text(CAT_PRIVATE_TO), "luis",
		                       "hola que tal"));
		expect_none(fx, 3);
		fake_clear(&fx->t);
	}
}

static void
test_room_input_private_accented_nick(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "\xC3\x91" "and\xC3\xBA");
	assert_true(say(fx, 1, "/privado \xC3\xB1" "AND\xC3\x9A hola"));
	expect_only(fx, 2, fmt(catalog_text(CAT_PRIVATE_FROM), "ana", "hola"));
	expect_only(fx, 1, fmt(catalog_text(CAT_PRIVATE_TO),
	                       "\xC3\x91" "and\xC3\xBA", "hola"));
}

static void
test_room_input_private_sanitised(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/msg luis \x1B[5mhola"));
	expect_only(fx, 2, fmt(catalog_text(CAT_PRIVATE_FROM), "ana",
	                       "^[[5mhola"));
}

static void
test_room_input_private_missing_nick(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/msg pepe hola"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NO_SUCH_NICK), "pepe"));
	expect_none(fx, 2);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/msg aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa hola"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NO_SUCH_NICK),
	                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/msg \x1B[2J hola"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NO_SUCH_NICK), "^[[2J"));
	expect_none(fx, 2);
}

static void
test_room_input_private_usage(void **state)
{
	static const char *const bad[] = {
		"/msg", "/msg luis", "/privado", "/privado luis  ",
	};
	struct fx *fx = *state;
	size_t i;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	for (i = 0; i < NELEM(bad); i++) {
		assert_true(say(fx, 1, bad[i]));
		expect_only(fx, 1, catalog_text(CAT_USAGE_MSG));
		expect_none(fx, 2);
		fake_clear(&fx->t);
	}
}

/* ---------------------------------------------------------------------------
 * /nick
 * ------------------------------------------------------------------------ */

static void
test_room_input_nick_change_announced(void **state)
{
	struct fx *fx = *state;
	const char *want;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	assert_true(say(fx, 1, "/nick anita"));
	want = fmt(catalog_text(CAT_NICK_CHANGED), "ana", "anita");
	expect_only(fx, 1, want);
	expect_only(fx, 2, want);
	expect_none(fx, 3);
	assert_string_equal(room_member_nick(fx->m[1]), "anita");
	assert_int_equal(room_count(fx->room), 2);
	fake_clear(&fx->t);

	/* the new name is found, the old one is free again */
	assert_true(say(fx, 2, "/msg ANITA hola"));
	expect_only(fx, 1, fmt(catalog_text(CAT_PRIVATE_FROM), "luis", "hola"));
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/msg ana hola"));
	expect_only(fx, 2, fmt(catalog_text(CAT_NO_SUCH_NICK), "ana"));
	assert_true(say(fx, 3, "ana"));
	assert_true(room_member_named(fx->m[3]));
}

static void
test_room_input_nick_taken_same_case(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/nick LUIS"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_TAKEN), "LUIS"));
	expect_none(fx, 2);
	fake_clear(&fx->t);

	assert_true(say(fx, 1, "/nick ana"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_SAME), "ana"));
	expect_none(fx, 2);
	fake_clear(&fx->t);

	assert_true(say(fx, 1, "/nick Ana"));    /* a case change is allowed */
	expect_only(fx, 2, fmt(catalog_text(CAT_NICK_CHANGED), "ana", "Ana"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_CHANGED), "ana", "Ana"));
	assert_string_equal(room_member_nick(fx->m[1]), "Ana");
	fake_clear(&fx->t);

	join(fx, 3, NULL);
	assert_true(say(fx, 3, "ANA"));           /* still taken, any case */
	expect_only(fx, 3, fmt(catalog_text(CAT_NICK_TAKEN), "ANA"));
}

static void
test_room_input_nick_invalid(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/nick"));
	expect_only(fx, 1, catalog_text(CAT_USAGE_NICK));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/nick ana maria"));
	expect_only(fx, 1, catalog_text(CAT_NICK_SPACE));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/nick /ana"));
	expect_only(fx, 1, catalog_text(CAT_NICK_SLASH));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/nick servidor"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_RESERVED), "servidor"));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/nick aaaaaaaaaaaaaaaaaaaaa"));
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_TOO_LONG), TEXT_NICK_MAX));
	expect_none(fx, 2);
	assert_string_equal(room_member_nick(fx->m[1]), "ana");
}

/* ---------------------------------------------------------------------------
 * /ping and /help
 * ------------------------------------------------------------------------ */

static void
test_room_input_ping(void **state)
{
	struct fx *fx = *state;
	char token[200], want[200];

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	assert_true(say(fx, 1, "/ping"));
	expect_only(fx, 1, fmt("%s\n", catalog_text(CAT_PONG)));
	expect_none(fx, 2);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/ping 1234-abc"));
	expect_only(fx, 1, fmt("%s 1234-abc\n", catalog_text(CAT_PONG)));
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/ping \x1B[2J"));
	expect_only(fx, 1, fmt("%s ^[[2J\n", catalog_text(CAT_PONG)));
	fake_clear(&fx->t);

	/* a long token is echoed only in part */
	memset(token, 't', 150);
	token[150] = '\0';
	assert_true(say(fx, 1, fmt("/ping %s", token)));
	snprintf(want, sizeof(want), "%s %.64s\n", catalog_text(CAT_PONG), token);
	expect_only(fx, 1, want);
}

static void
test_room_input_help_both_languages(void **state)
{
	struct fx *fx = *state;
	const char *en, *es;

	join(fx, 1, "ana");
	lang_set(LANG_EN);
	en = catalog_text(CAT_HELP);
	assert_true(say(fx, 1, "/help"));
	expect_only(fx, 1, en);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/ayuda"));
	expect_only(fx, 1, en);
	fake_clear(&fx->t);

	lang_set(LANG_ES);
	es = catalog_text(CAT_HELP);
	assert_string_not_equal(en, es);
	assert_non_null(strstr(es, "/privado"));
	assert_true(say(fx, 1, "/help"));
	expect_only(fx, 1, es);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/AYUDA"));
	expect_only(fx, 1, es);
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/listar"));
	expect_only(fx, 1, "*** Usuarios (1): ana\n");
}

/* ---------------------------------------------------------------------------
 * Leaving
 * ------------------------------------------------------------------------ */

static void
test_room_input_quit_every_form(void **state)
{
	static const char *const forms[] = {
		"/quit", "/quitar", "/salir", "salir", "SALIR", "  Salir ",
		"/QUIT bye",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(forms); i++) {
		void *st;
		struct fx *fx;

		assert_int_equal(setup_no_greet(&st), 0);
		fx = st;
		join(fx, 1, "ana");
		join(fx, 2, "luis");
		join(fx, 3, NULL);
		assert_false(say(fx, 1, forms[i]));
		expect_only(fx, 1, fmt(catalog_text(CAT_BYE), "ana"));
		expect_only(fx, 2, fmt(catalog_text(CAT_LEFT), "ana"));
		expect_none(fx, 3);
		assert_int_equal(fx->t.nclosed, 1);
		assert_true(was_closed(fx, 1));
		assert_int_equal(room_count(fx->room), 1);
		assert_int_equal(room_connections(fx->room), 2);
		fake_clear(&fx->t);

		/* the nickname is free again */
		assert_true(say(fx, 3, "ANA"));
		assert_true(room_member_named(fx->m[3]));
		teardown(&st);
	}
}

static void
test_room_input_quit_before_nick(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, NULL);
	assert_false(say(fx, 2, "salir"));
	assert_int_equal(count_to(fx, 2), 1);
	assert_memory_equal(line_to(fx, 2, 0), "*** ", 4);
	expect_none(fx, 1);
	assert_true(was_closed(fx, 2));
	assert_int_equal(room_connections(fx->room), 1);
}

static void
test_room_leave_every_reason(void **state)
{
	static const struct {
		enum room_leave why;
		enum cat_id     notice;
	} cases[] = {
		{ ROOM_LEAVE_CLOSED,  CAT_LEFT },
		{ ROOM_LEAVE_TIMEOUT, CAT_LEFT_TIMEOUT },
		{ ROOM_LEAVE_DROPPED, CAT_LEFT_DROPPED },
	};
	struct fx *fx = *state;
	size_t i;

	join(fx, 1, "ana");
	for (i = 0; i < NELEM(cases); i++) {
		join(fx, 2, "luis");
		join(fx, 3, NULL);
		room_leave(fx->room, fx->m[2], cases[i].why);
		expect_only(fx, 1, fmt(catalog_text(cases[i].notice), "luis"));
		expect_none(fx, 2);
		expect_none(fx, 3);
		assert_int_equal(fx->t.nclosed, 0);  /* the transport closes */
		assert_int_equal(room_count(fx->room), 1);
		fake_clear(&fx->t);

		room_leave(fx->room, fx->m[3], cases[i].why); /* no nickname */
		assert_int_equal(fx->t.n, 0);
		assert_int_equal(room_connections(fx->room), 1);
	}
}

static void
test_room_leave_middle_of_list(void **state)
{
	/* Leaving from the head, middle and tail keeps the others reachable. */
	struct fx *fx = *state;

	join(fx, 1, "a1");
	join(fx, 2, "a2");
	join(fx, 3, "a3");
	join(fx, 4, "a4");
	join(fx, 5, "a5");
	room_leave(fx->room, fx->m[3], ROOM_LEAVE_CLOSED);
	room_leave(fx->room, fx->m[1], ROOM_LEAVE_CLOSED);
	room_leave(fx->room, fx->m[5], ROOM_LEAVE_CLOSED);
	fake_clear(&fx->t);
	assert_true(say(fx, 2, "/list"));
	expect_only(fx, 2, fmt("%s\n", fmt(catalog_text(CAT_LIST), (size_t)2,
	                                   "a2, a4")));
	join(fx, 6, "a6");
	assert_true(say(fx, 4, "hola"));
	expect_only(fx, 2, "a4: hola\n");
	expect_only(fx, 6, "a4: hola\n");
}

static void
test_room_too_long(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	room_too_long(fx->room, fx->m[1]);
	expect_only(fx, 1, fmt(catalog_text(CAT_TOO_LONG), MSG_MAX));
	expect_none(fx, 2);
	fake_clear(&fx->t);
	room_too_long(fx->room, fx->m[3]);       /* before a nickname too */
	expect_only(fx, 3, fmt(catalog_text(CAT_TOO_LONG), MSG_MAX));
	assert_true(room_member_named(fx->m[1]));
}

/* ---------------------------------------------------------------------------
 * The operator's console
 * ------------------------------------------------------------------------ */

/* Run room_console; what it answers the console goes into out. */
static bool
console(struct fx *fx, const char *line, char *out, size_t cap)
{
	bool r;

	fx->t.console_len = 0;
	fx->t.console[0] = '\0';
	r = room_console(fx->room, line, strlen(line));
	assert_true(fx->t.console_len < cap);
	memcpy(out, fx->t.console, fx->t.console_len + 1);
	return r;
}

static void
test_room_console_list(void **state)
{
	struct fx *fx = *state;
	char out[4096];

	join(fx, 1, "ana");
	join(fx, 2, NULL);
	assert_true(console(fx, "/list", out, sizeof(out)));
	assert_non_null(strstr(out, "ana"));
	assert_non_null(strstr(out, "1 user, 2 connections\n"));
	assert_int_equal(fx->t.n, 0);            /* nothing to the members */
	assert_true(console(fx, "/listar", out, sizeof(out)));
	assert_non_null(strstr(out, "ana"));
	join(fx, 3, "luis");
	lang_set(LANG_ES);
	assert_true(console(fx, "/listar", out, sizeof(out)));
	assert_non_null(strstr(out, "2 usuarios, 3 conexiones\n"));
	room_leave(fx->room, fx->m[2], ROOM_LEAVE_CLOSED);
	room_leave(fx->room, fx->m[3], ROOM_LEAVE_CLOSED);
	assert_true(console(fx, "/listar", out, sizeof(out)));
	assert_non_null(strstr(out, "1 usuario, 1 conexión\n"));
}

static void
test_room_console_kick(void **state)
{
	struct fx *fx = *state;
	char out[4096];

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	assert_true(console(fx, "/kick LUIS", out, sizeof(out)));
	expect_only(fx, 2, catalog_text(CAT_KICKED));
	expect_only(fx, 1, fmt(catalog_text(CAT_LEFT_KICKED), "luis"));
	expect_none(fx, 3);
	assert_int_equal(fx->t.nclosed, 1);
	assert_true(was_closed(fx, 2));
	assert_int_equal(room_count(fx->room), 1);
	fake_clear(&fx->t);

	assert_true(console(fx, "/KICK Ana", out, sizeof(out))); /* any case */
	expect_only(fx, 1, catalog_text(CAT_KICKED));
	assert_true(was_closed(fx, 1));
	assert_int_equal(room_count(fx->room), 0);
	fake_clear(&fx->t);

	assert_true(console(fx, "/kick luis", out, sizeof(out)));
	assert_int_equal(fx->t.n, 0);
	assert_int_equal(fx->t.nclosed, 0);
	assert_true(strlen(out) > 0);            /* "no such user" */
	assert_true(console(fx, "/kick", out, sizeof(out)));
	assert_int_equal(fx->t.n, 0);
	assert_int_equal(fx->t.nclosed, 0);
}

static void
test_room_console_quit(void **state)
{
	struct fx *fx = *state;
	char out[256];

	join(fx, 1, "ana");
	assert_false(console(fx, "/quit", out, sizeof(out)));
	assert_false(console(fx, "/salir", out, sizeof(out)));
	assert_int_equal(fx->t.n, 0);
	assert_true(console(fx, "", out, sizeof(out)));
	assert_int_equal(fx->t.n, 0);
}

static void
test_room_console_text_to_everyone(void **state)
{
	struct fx *fx = *state;
	char out[256];
	const char *want;

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	assert_true(console(fx, "hola a todos", out, sizeof(out)));
	want = fmt(catalog_text(CAT_SERVER_SAYS), "hola a todos");
	expect_only(fx, 1, want);
	expect_only(fx, 2, want);
	expect_none(fx, 3);
	fake_clear(&fx->t);
	assert_true(console(fx, "\x1B[31malerta", out, sizeof(out)));
	expect_only(fx, 1, fmt(catalog_text(CAT_SERVER_SAYS), "^[[31malerta"));
	fake_clear(&fx->t);
	assert_true(console(fx, "/foo", out, sizeof(out)));
	assert_int_equal(fx->t.n, 0);            /* the console's own help */
	assert_true(strlen(out) > 0);
}

/* ---------------------------------------------------------------------------
 * Limits, size and the end
 * ------------------------------------------------------------------------ */

static void
test_room_join_full(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, "eva");
	assert_null(room_join(fx->room, CONN(3), "127.0.0.1:3"));
	expect_only(fx, 3, fmt(catalog_text(CAT_FULL), 2u));
	expect_none(fx, 1);
	expect_none(fx, 2);
	assert_int_equal(room_connections(fx->room), 2);
	fake_clear(&fx->t);

	room_leave(fx->room, fx->m[2], ROOM_LEAVE_CLOSED);
	join(fx, 3, "luis");                     /* room again */
	assert_int_equal(room_count(fx->room), 2);
}

static void
test_room_join_full_nameless_gives_way(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, NULL);                       /* never says a nickname */
	fx->m[3] = room_join(fx->room, CONN(3), "127.0.0.1:3");
	assert_non_null(fx->m[3]);               /* 2 made room for 3 */
	assert_true(was_closed(fx, 2));
	assert_true(say(fx, 3, "luis"));
	expect_only(fx, 1, fmt(catalog_text(CAT_JOINED), "luis"));
	assert_int_equal(room_connections(fx->room), 2);
	assert_int_equal(room_count(fx->room), 2);
}

static void
test_room_join_full_told_why_when_giving_way(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, NULL);
	assert_non_null(room_join(fx->room, CONN(3), "127.0.0.1:3"));
	expect_only(fx, 2, catalog_text(CAT_NAMELESS_EVICTED));
	expect_none(fx, 1);                      /* no leave: it had no name */
	assert_true(was_closed(fx, 2));
	fx->m[2] = NULL;
}

static void
test_room_join_ten_thousand(void **state)
{
	enum { N = 10000 };
	struct fx *fx = *state;
	struct room_member **m = calloc(N + 2, sizeof(*m));
	char nick[32];
	size_t i;

	assert_non_null(m);
	fx->t.count_only = true;
	for (i = 0; i < N; i++) {
		m[i] = room_join(fx->room, CONN(1000 + i), "[::1]:9");
		assert_non_null(m[i]);
		snprintf(nick, sizeof(nick), "User%05zu", i);
		assert_true(room_input(fx->room, m[i], nick, strlen(nick)));
		assert_true(room_member_named(m[i]));
	}
	assert_int_equal(room_count(fx->room), N);
	/* every join told everyone already there */
	assert_int_equal(fx->t.count, (size_t)N * (N - 1) / 2 + N);
	fx->t.count_only = false;
	fake_clear(&fx->t);

	/* every name is still unique, in any case */
	m[N] = room_join(fx->room, CONN(1), "[::1]:9");
	for (i = 0; i < N; i += 97) {
		snprintf(nick, sizeof(nick), "uSER%05zu", i);
		assert_true(room_input(fx->room, m[N], nick, strlen(nick)));
		assert_false(room_member_named(m[N]));
	}
	assert_int_equal(fx->t.n, (N + 96) / 97);
	assert_string_equal(line_to(fx, 1, 0),
	                    fmt(catalog_text(CAT_NICK_TAKEN), "uSER00000"));
	fake_clear(&fx->t);

	/* a private message finds any of them */
	fx->t.count_only = false;
	assert_true(room_input(fx->room, m[0], "/msg user09999 hola", 19));
	expect_only(fx, 1000 + N - 1, fmt(catalog_text(CAT_PRIVATE_FROM),
	                                  "User00000", "hola"));
	fake_clear(&fx->t);

	/* half of them leave; the rest are found, the freed names are free */
	fx->t.count_only = true;
	for (i = 0; i < N; i += 2)
		room_leave(fx->room, m[i], ROOM_LEAVE_CLOSED);
	fx->t.count_only = false;
	fake_clear(&fx->t);
	assert_int_equal(room_count(fx->room), N / 2);
	assert_true(room_input(fx->room, m[1], "/msg USER09999 hola", 19));
	expect_only(fx, 1000 + N - 1, fmt(catalog_text(CAT_PRIVATE_FROM),
	                                  "User00001", "hola"));
	fake_clear(&fx->t);
	fx->t.count_only = true;
	assert_true(room_input(fx->room, m[N], "user00042", 9));
	assert_true(room_member_named(m[N]));
	assert_int_equal(room_count(fx->room), N / 2 + 1);
	fx->t.count_only = false;
	free(m);
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Random joins, nicknames, chat, renames, leaves and quits against a model
 * of who is named what: after each step every connection got exactly the
 * lines the model predicts. */
static void
test_room_input_random_against_model(void **state)
{
	enum { IDS = 40, STEPS = 4000 };
	struct fx *fx = *state;
	char nick[IDS + 1][16], line[16], low[16];
	int named[IDS + 1] = { 0 }, present[IDS + 1] = { 0 };
	uint32_t seed = 99;
	size_t count = 0, conns = 0;
	int step, id, other, k;

	for (step = 0; step < STEPS; step++) {
		id = 1 + (int)(rnd(&seed) % IDS);
		k = (int)(rnd(&seed) % 30);
		snprintf(line, sizeof(line), rnd(&seed) % 2 ? "n%d" : "N%d", k);
		snprintf(low, sizeof(low), "n%d", k);
		fake_clear(&fx->t);

		if (!present[id]) {                     /* join */
			join(fx, id, NULL);
			present[id] = 1;
			conns++;
		} else if (!named[id]) {                /* choose a nickname */
			int taken = 0;

			for (other = 1; other <= IDS; other++)
				if (named[other] && strcasecmp(nick[other], low) == 0)
					taken = 1;
			assert_true(say(fx, id, line));
			if (taken) {
				expect_only(fx, id, fmt(catalog_text(CAT_NICK_TAKEN), line));
			} else {
				assert_int_equal(count_to(fx, id), 1);
				for (other = 1; other <= IDS; other++)
					if (other != id && named[other])
						expect_only(fx, other, fmt(catalog_text(CAT_JOINED), line));
				named[id] = 1;
				snprintf(nick[id], sizeof(nick[id]), "%s", line);
				count++;
			}
		} else {
			switch (rnd(&seed) % 4) {
			case 0:                         /* chat */
				assert_true(say(fx, id, "hola"));
				expect_none(fx, id);
				for (other = 1; other <= IDS; other++)
					if (other != id && named[other])
						expect_only(fx, other, fmt("%s: hola\n", nick[id]));
				break;
			case 1: {                       /* rename */
				int taken = 0;

				for (other = 1; other <= IDS; other++)
					if (other != id && named[other] &&
					    strcasecmp(nick[other], low) == 0)
						taken = 1;
				assert_true(say(fx, id, fmt("/nick %s", line)));
				if (taken)
					expect_only(fx, id, fmt(catalog_text(CAT_NICK_TAKEN), line));
				else if (strcmp(nick[id], line) == 0)
					expect_only(fx, id, fmt(catalog_text(CAT_NICK_SAME), line));
				else {
					for (other = 1; other <= IDS; other++)
						if (named[other])
							expect_only(fx, other, fmt(catalog_text(CAT_NICK_CHANGED), nick[id], line));
					snprintf(nick[id], sizeof(nick[id]), "%s", line);
				}
				break;
			}
			case 2:                         /* connection lost */
				room_leave(fx->room, fx->m[id], ROOM_LEAVE_CLOSED);
				expect_none(fx, id);
				goto gone;
			default:                        /* quit */
				assert_false(say(fx, id, "/quit"));
				expect_only(fx, id, fmt(catalog_text(CAT_BYE), nick[id]));
				assert_true(was_closed(fx, id));
			gone:
				for (other = 1; other <= IDS; other++)
					if (other != id && named[other])
						expect_only(fx, other, fmt(catalog_text(CAT_LEFT), nick[id]));
				named[id] = present[id] = 0;
				fx->m[id] = NULL;
				count--;
				conns--;
				break;
			}
		}
		for (other = 1; other <= IDS; other++)  /* no one else heard */
			if (!named[other] && other != id)
				expect_none(fx, other);
		assert_int_equal(room_count(fx->room), count);
		assert_int_equal(room_connections(fx->room), conns);
	}
}

static void
test_room_free_announces(void **state)
{
	struct fx *fx = *state;
	const char *want = catalog_text(CAT_SERVER_CLOSING);

	join(fx, 1, "ana");
	join(fx, 2, "luis");
	join(fx, 3, NULL);
	room_free(fx->room, true);
	fx->room = NULL;
	expect_only(fx, 1, want);
	expect_only(fx, 2, want);
	expect_only(fx, 3, want);
	assert_int_equal(fx->t.nclosed, 0);
}

static void
test_room_free_silent(void **state)
{
	struct fx *fx = *state;

	join(fx, 1, "ana");
	join(fx, 2, NULL);
	room_free(fx->room, false);
	fx->room = NULL;
	assert_int_equal(fx->t.n, 0);
	room_free(NULL, true);
}

/* ---------------------------------------------------------------------------
 * Time: room_tick() and room_deadline(), on the fake clock
 * ------------------------------------------------------------------------ */

/* Join id at time t (ms) without a nickname; forget what was sent. */
static void
join_at(struct fx *fx, int id, uint64_t t)
{
	fx->t.now = t;
	join(fx, id, NULL);
}

static void
test_room_tick_nick_timeout(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(room_deadline(fx->room), UINT64_MAX);
	join_at(fx, 1, 0);
	join_at(fx, 2, 1000);
	assert_int_equal(room_deadline(fx->room), 60000);
	assert_int_equal(room_tick(fx->room, 59999), 60000);
	assert_int_equal(fx->t.n, 0);
	assert_int_equal(fx->t.nclosed, 0);
	/* At the second, not before: told why, then closed. */
	assert_int_equal(room_tick(fx->room, 60000), 61000);
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_TIMEOUT), 60u));
	assert_true(was_closed(fx, 1));
	assert_false(was_closed(fx, 2));
	assert_int_equal(room_connections(fx->room), 1);
	fake_clear(&fx->t);
	assert_int_equal(room_tick(fx->room, 200000), UINT64_MAX);
	assert_true(was_closed(fx, 2));
	assert_int_equal(room_connections(fx->room), 0);
}

static void
test_room_tick_named_in_time_stays(void **state)
{
	struct fx *fx = *state;

	join_at(fx, 1, 0);
	join_at(fx, 2, 0);
	fx->t.now = 59999;
	assert_true(say(fx, 1, "ana"));
	fake_clear(&fx->t);
	/* Only 2 is waited for; chatting never restarts a nameless clock. */
	assert_true(say(fx, 2, "/help"));
	assert_int_equal(room_tick(fx->room, 60000), UINT64_MAX);
	assert_false(was_closed(fx, 1));
	assert_true(was_closed(fx, 2));
	/* Over TCP (no idle timeout) a named member stays however silent. */
	assert_int_equal(room_tick(fx->room, UINT64_MAX - 1), UINT64_MAX);
	assert_int_equal(room_count(fx->room), 1);
}

static void
test_room_tick_idle_timeout(void **state)
{
	struct fx *fx = *state;

	join_at(fx, 1, 0);
	assert_true(say(fx, 1, "ana"));
	join_at(fx, 2, 1000);
	assert_true(say(fx, 2, "luis"));
	join_at(fx, 3, 2000);
	assert_true(say(fx, 3, "eva"));
	fake_clear(&fx->t);
	fx->t.now = 250000;
	assert_true(say(fx, 1, "/ping"));        /* ana spoke last: luis, eva, ana */
	fake_clear(&fx->t);
	assert_int_equal(room_deadline(fx->room), 301000);
	assert_int_equal(room_tick(fx->room, 300999), 301000);
	assert_int_equal(fx->t.n, 0);
	assert_int_equal(room_tick(fx->room, 301000), 302000);
	/* luis hears why it is out, as the others do */
	expect_only(fx, 2, fmt(catalog_text(CAT_LEFT_TIMEOUT), "luis"));
	expect_only(fx, 1, fmt(catalog_text(CAT_LEFT_TIMEOUT), "luis"));
	expect_only(fx, 3, fmt(catalog_text(CAT_LEFT_TIMEOUT), "luis"));
	assert_true(was_closed(fx, 2));
	fake_clear(&fx->t);
	assert_int_equal(room_tick(fx->room, 549999), 550000);
	assert_true(was_closed(fx, 3));
	assert_false(was_closed(fx, 1));
	assert_int_equal(room_count(fx->room), 1);
}

static void
test_room_tick_every_message_counts(void **state)
{
	struct fx *fx = *state;
	char big[2000];

	join_at(fx, 1, 0);
	assert_true(say(fx, 1, "ana"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fx->t.now = 100000;
	assert_true(say(fx, 1, big));            /* too long: still a sign */
	assert_int_equal(room_deadline(fx->room), 400000);
	fx->t.now = 200000;
	room_too_long(fx->room, fx->m[1]);       /* cut by the transport */
	assert_int_equal(room_deadline(fx->room), 500000);
	fx->t.now = 300000;
	assert_true(say(fx, 1, ""));             /* even an empty one */
	assert_int_equal(room_deadline(fx->room), 600000);
}

static void
test_room_tick_nick_bounded_by_idle(void **state)
{
	struct fx *fx = *state;

	join_at(fx, 1, 0);
	assert_int_equal(room_deadline(fx->room), 2000);
	assert_int_equal(room_tick(fx->room, 2000), UINT64_MAX);
	expect_only(fx, 1, fmt(catalog_text(CAT_NICK_TIMEOUT), 2u));
	assert_true(was_closed(fx, 1));
}

static void
test_room_tick_quit_and_leave_forget_the_clock(void **state)
{
	struct fx *fx = *state;

	join_at(fx, 1, 0);
	join_at(fx, 2, 10);
	assert_true(say(fx, 2, "luis"));
	join_at(fx, 3, 20);
	assert_false(say(fx, 1, "/quit"));
	room_leave(fx->room, fx->m[2], ROOM_LEAVE_CLOSED);
	assert_int_equal(room_deadline(fx->room), 60020);
	room_leave(fx->room, fx->m[3], ROOM_LEAVE_CLOSED);
	assert_int_equal(room_deadline(fx->room), UINT64_MAX);
	fake_clear(&fx->t);
	assert_int_equal(room_tick(fx->room, UINT64_MAX - 1), UINT64_MAX);
	assert_int_equal(fx->t.nclosed, 0);
}

static void
test_room_tick_no_timeouts(void **state)
{
	struct fx *fx = *state;

	join_at(fx, 1, 0);
	assert_int_equal(room_deadline(fx->room), UINT64_MAX);
	assert_int_equal(room_tick(fx->room, UINT64_MAX - 1), UINT64_MAX);
	assert_int_equal(room_connections(fx->room), 1);
}

static void
test_room_lines_in_spanish(void **state)
{
	struct fx *fx = *state;

	lang_set(LANG_ES);
	join(fx, 1, "ana");
	join(fx, 2, NULL);
	assert_true(say(fx, 2, "Jos\xC3\xA9"));
	expect_only(fx, 1, "*** Jos\xC3\xA9 se ha unido al chat\n");
	fake_clear(&fx->t);
	assert_true(say(fx, 1, "/privado nadie hola"));
	expect_only(fx, 1, "*** Error: no hay ning\xC3\xBAn usuario llamado nadie\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_room_join_welcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_join_no_welcome_without_greet, setup_no_greet, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_accepted_states_idle_timeout, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_accepted_no_timeout_stated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_invalid_nicks_then_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_before_nick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_ask_who, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_no_ask_who_over_tcp, setup, teardown),
		cmocka_unit_test(test_room_input_duplicate_nicks),
		cmocka_unit_test_setup_teardown(test_room_input_accented_nicks_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_chat_to_all_but_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_chat_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_chat_longest_fits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_me, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_unknown_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_list_many_cut, setup_no_greet, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_private_accented_nick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_private_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_private_missing_nick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_private_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_change_announced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_taken_same_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_nick_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_help_both_languages, setup, teardown),
		cmocka_unit_test(test_room_input_quit_every_form),
		cmocka_unit_test_setup_teardown(test_room_input_quit_before_nick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_leave_every_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_leave_middle_of_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_console_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_console_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_console_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_console_text_to_everyone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_input_random_against_model, setup_no_greet, teardown),
		cmocka_unit_test_setup_teardown(test_room_join_full, setup_max2, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_join_full_nameless_gives_way, setup_max2, teardown),
		cmocka_unit_test_setup_teardown(
		    test_room_join_full_told_why_when_giving_way, setup_max2,
		    teardown),
		cmocka_unit_test_setup_teardown(test_room_join_ten_thousand, setup_no_greet, teardown),
		cmocka_unit_test_setup_teardown(test_room_free_announces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_free_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_lines_in_spanish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_nick_timeout, setup_tcp_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_named_in_time_stays, setup_tcp_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_idle_timeout, setup_udp_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_every_message_counts, setup_udp_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_nick_bounded_by_idle, setup_short_idle, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_quit_and_leave_forget_the_clock, setup_tcp_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_room_tick_no_timeouts, setup, teardown),
	};

	log_set_level(LOG_QUIET);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
