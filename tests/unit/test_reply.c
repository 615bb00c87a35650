/*
 * test_reply.c — unit tests for shared/wire/reply.c: the client's reading of
 * the server's lines, in both languages whatever the client's own, built
 * from the same catalogue texts the room sends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "reply.h"

/* Parse a NUL-terminated line (no terminator, as the framer hands it). */
static struct reply
parse(const char *line)
{
	struct reply r;

	reply_parse(line, strlen(line), &r);
	return r;
}

/* A catalogue line as the server would send it in lang, without its '\n'. */
static const char *
server_line(char *buf, size_t cap, enum lang lang, enum cat_id id,
            const char *arg)
{
	enum lang was = lang_current();
	size_t n;

	lang_set(lang);
	snprintf(buf, cap, catalog_text(id), arg);
	lang_set(was);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static void
test_reply_parse_chat_line(void **state)
{
	struct reply r = parse("ana: hola, ¿qué tal?");

	(void)state;
	assert_int_equal(r.kind, REPLY_CHAT);
	assert_int_equal(r.nick_len, 3);
	assert_memory_equal(r.nick, "ana", 3);
}

static void
test_reply_parse_chat_nick_with_colon(void **state)
{
	struct reply r = parse("a:b: x: y");

	(void)state;
	assert_int_equal(r.kind, REPLY_CHAT);
	assert_int_equal(r.nick_len, 3);
}

static void
test_reply_parse_action(void **state)
{
	struct reply r = parse("* luis saluda");

	(void)state;
	assert_int_equal(r.kind, REPLY_ACTION);
	assert_int_equal(r.nick_len, 4);
	assert_memory_equal(r.nick, "luis", 4);
}

static void
test_reply_parse_private_both_languages(void **state)
{
	struct reply en = parse("eva (private): secret");
	struct reply es = parse("eva (privado): secreto");

	(void)state;
	assert_int_equal(en.kind, REPLY_PRIVATE);
	assert_int_equal(es.kind, REPLY_PRIVATE);
	assert_int_equal(es.nick_len, 3);
}

static void
test_reply_parse_accepted_with_idle_timeout(void **state)
{
	const char *en = "*** Hello ana, you are in the chat (2 online). Type "
	                 "/help for the commands. [idle-timeout=300]";
	const char *es = "*** Hola ana, ya estás en el chat (1 en línea). "
	                 "Escribe /ayuda para ver los comandos.";
	struct reply r;

	(void)state;
	r = parse(en);
	assert_int_equal(r.kind, REPLY_ACCEPTED);
	assert_int_equal(r.idle_timeout, 300);
	r = parse(es);
	assert_int_equal(r.kind, REPLY_ACCEPTED);
	assert_int_equal(r.idle_timeout, 0);
}

static void
test_reply_parse_notices_from_catalogue(void **state)
{
	static const struct { enum cat_id id; enum reply_kind kind; } cases[] = {
		{ CAT_WELCOME,        REPLY_WELCOME },
		{ CAT_NEED_NICK,      REPLY_NEED_NICK },
		{ CAT_SERVER_CLOSING, REPLY_CLOSING },
		{ CAT_KICKED,         REPLY_KICKED },
		{ CAT_BYE,            REPLY_BYE },
		{ CAT_NICK_TAKEN,     REPLY_ERROR },
		{ CAT_NICK_SPACE,     REPLY_ERROR },
		{ CAT_JOINED,         REPLY_NOTICE },
		{ CAT_LEFT,           REPLY_NOTICE },
	};
	enum lang langs[] = { LANG_EN, LANG_ES };
	char buf[512];
	size_t i, l, me;

	(void)state;
	/* The client's own language must not matter. */
	for (me = 0; me < 2; me++) {
		lang_set(langs[me]);
		for (l = 0; l < 2; l++)
			for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
				struct reply r = parse(server_line(buf, sizeof(buf),
				                                   langs[l], cases[i].id,
				                                   "ana"));
				assert_int_equal(r.kind, cases[i].kind);
			}
	}
	lang_set(LANG_EN);
}

static void
test_reply_parse_bye_before_nick(void **state)
{
	(void)state;
	assert_int_equal(parse("*** Goodbye!").kind, REPLY_BYE);
	assert_int_equal(parse("*** ¡Adiós!").kind, REPLY_BYE);
}

static void
test_reply_parse_pong_token(void **state)
{
	struct reply r = parse("*** pong t12");

	(void)state;
	assert_int_equal(r.kind, REPLY_PONG);
	assert_int_equal(r.token_len, 3);
	assert_memory_equal(r.token, "t12", 3);
	r = parse("*** pong");
	assert_int_equal(r.kind, REPLY_PONG);
	assert_int_equal(r.token_len, 0);
	assert_int_equal(parse("*** pongo").kind, REPLY_NOTICE);
}

/* UDP: "who are you?" in either language, with the message echoed back;
 * "already called" answers a nickname sent again, so it accepts. */
static void
test_reply_parse_who_and_same(void **state)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	char buf[1024];
	struct reply r;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		r = parse(server_line(buf, sizeof(buf), langs[i],
		                      CAT_WHO_ARE_YOU, "sigo aquí"));
		assert_int_equal(r.kind, REPLY_WHO);
		assert_int_equal(r.echo_len, strlen("sigo aquí"));
		assert_memory_equal(r.echo, "sigo aquí", r.echo_len);
		r = parse(server_line(buf, sizeof(buf), langs[i], CAT_NICK_SAME,
		                      "uli"));
		assert_int_equal(r.kind, REPLY_ACCEPTED);
	}
	r = parse("*** You are already called uli. [idle-timeout=30]");
	assert_int_equal(r.kind, REPLY_ACCEPTED);
	assert_int_equal(r.idle_timeout, 30);
}

static void
test_reply_parse_renamed_both_languages(void **state)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	enum lang was = lang_current();
	char buf[256];
	struct reply r;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		lang_set(langs[i]);
		snprintf(buf, sizeof(buf), catalog_text(CAT_NICK_CHANGED), "uli",
		         "ulises");
		lang_set(was);
		buf[strlen(buf) - 1] = '\0';
		r = parse(buf);
		assert_int_equal(r.kind, REPLY_RENAMED);
		assert_int_equal(r.nick_len, 3);
		assert_memory_equal(r.nick, "uli", 3);
		assert_int_equal(r.renamed_len, 6);
		assert_memory_equal(r.renamed, "ulises", 6);
		assert_true(reply_is_notice(r.kind));
	}
	/* a chat line that only looks like it is chat */
	assert_int_equal(parse("ana: *** uli is now called x").kind, REPLY_CHAT);
	assert_int_equal(parse("*** uli is now called two words").kind,
	                 REPLY_NOTICE);
}

static void
test_reply_parse_other_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("").kind, REPLY_OTHER);
	assert_int_equal(parse("bienvenido al chat! escribe 'salir'").kind,
	                 REPLY_OTHER);
	assert_int_equal(parse("usuario 65316: hola").kind, REPLY_OTHER);
	assert_int_equal(parse("***").kind, REPLY_OTHER);
	assert_true(reply_is_notice(parse("*** x").kind));
	assert_false(reply_is_notice(parse("ana: x").kind));
}

static void
test_reply_parse_truncated_prefixes(void **state)
{
	const char *line = "*** Hello ana, you are in the chat (2 online).";
	struct reply r;
	size_t n;

	(void)state;
	/* Every prefix parses without reading past its end (ASan checks). */
	for (n = 0; n <= strlen(line); n++)
		reply_parse(line, n, &r);
	assert_int_equal(r.kind, REPLY_ACCEPTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_parse_chat_line),
		cmocka_unit_test(test_reply_parse_chat_nick_with_colon),
		cmocka_unit_test(test_reply_parse_action),
		cmocka_unit_test(test_reply_parse_private_both_languages),
		cmocka_unit_test(test_reply_parse_accepted_with_idle_timeout),
		cmocka_unit_test(test_reply_parse_notices_from_catalogue),
		cmocka_unit_test(test_reply_parse_bye_before_nick),
		cmocka_unit_test(test_reply_parse_pong_token),
		cmocka_unit_test(test_reply_parse_who_and_same),
		cmocka_unit_test(test_reply_parse_renamed_both_languages),
		cmocka_unit_test(test_reply_parse_other_lines),
		cmocka_unit_test(test_reply_parse_truncated_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
