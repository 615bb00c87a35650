/*
 * test_catalog.c — unit tests for shared/wire/catalog.c: parsing --lang
 * values, the locale variables' precedence, and the texts themselves
 * (present in both languages, notices marked "*** ", the same printf
 * arguments in both).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "msg.h"
#include "text.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------
 * The environment is saved before each test and put back after it.
 * ------------------------------------------------------------------------ */

static const char *const locale_vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

struct saved_env {
	char *value[3];
};

static int
setup_env(void **state)
{
	struct saved_env *s = calloc(1, sizeof(*s));
	const char *v;
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NELEM(locale_vars); i++) {
		v = getenv(locale_vars[i]);
		s->value[i] = v != NULL ? strdup(v) : NULL;
		unsetenv(locale_vars[i]);
	}
	*state = s;
	return 0;
}

static int
teardown_env(void **state)
{
	struct saved_env *s = *state;
	size_t i;

	for (i = 0; i < NELEM(locale_vars); i++) {
		if (s->value[i] != NULL)
			setenv(locale_vars[i], s->value[i], 1);
		else
			unsetenv(locale_vars[i]);
		free(s->value[i]);
	}
	free(s);
	lang_set(LANG_EN);
	return 0;
}

/* Set the three variables; NULL unsets one. */
static void
set_locale(const char *lc_all, const char *lc_messages, const char *lang)
{
	const char *v[3] = { lc_all, lc_messages, lang };
	size_t i;

	for (i = 0; i < NELEM(locale_vars); i++) {
		if (v[i] != NULL)
			setenv(locale_vars[i], v[i], 1);
		else
			unsetenv(locale_vars[i]);
	}
}

/* ---------------------------------------------------------------------------
 * Choosing the language
 * ------------------------------------------------------------------------ */

static void
test_lang_parse_values(void **state)
{
	static const struct {
		const char *s;
		int         want;
	} cases[] = {
		{ "es", LANG_ES }, { "ES", LANG_ES }, { "Es", LANG_ES },
		{ "es_ES.UTF-8", LANG_ES }, { "es_AR", LANG_ES },
		{ "es-MX", LANG_ES }, { "es.UTF-8", LANG_ES },
		{ "en", LANG_EN }, { "EN", LANG_EN }, { "en_US.UTF-8", LANG_EN },
		{ "en-GB", LANG_EN },
		{ "", -1 }, { "e", -1 }, { "esp", -1 }, { "english", -1 },
		{ "fr", -1 }, { "C", -1 }, { "POSIX", -1 }, { " es", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		if (lang_parse(cases[i].s) != cases[i].want)
			fail_msg("\"%s\": %d, want %d", cases[i].s,
			         lang_parse(cases[i].s), cases[i].want);
	assert_int_equal(lang_parse(NULL), -1);
}

static void
test_lang_from_env_none(void **state)
{
	(void)state;
	set_locale(NULL, NULL, NULL);
	assert_int_equal(lang_from_env(), LANG_EN);
	set_locale("", "", "");                 /* empty is unset */
	assert_int_equal(lang_from_env(), LANG_EN);
}

static void
test_lang_from_env_each_variable(void **state)
{
	(void)state;
	set_locale(NULL, NULL, "es_ES.UTF-8");
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale(NULL, "es_AR.UTF-8", NULL);
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale("es_MX.UTF-8", NULL, NULL);
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale(NULL, NULL, "C.UTF-8");
	assert_int_equal(lang_from_env(), LANG_EN);
	set_locale(NULL, NULL, "fr_FR.UTF-8");
	assert_int_equal(lang_from_env(), LANG_EN);
}

static void
test_lang_from_env_precedence(void **state)
{
	(void)state;
	/* LC_ALL over LC_MESSAGES over LANG, whichever way they point */
	set_locale("es_ES.UTF-8", "en_US.UTF-8", "en_US.UTF-8");
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale("en_US.UTF-8", "es_ES.UTF-8", "es_ES.UTF-8");
	assert_int_equal(lang_from_env(), LANG_EN);
	set_locale("C", NULL, "es_ES.UTF-8");
	assert_int_equal(lang_from_env(), LANG_EN);
	set_locale(NULL, "es_ES.UTF-8", "en_US.UTF-8");
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale(NULL, "en_US.UTF-8", "es_ES.UTF-8");
	assert_int_equal(lang_from_env(), LANG_EN);
	set_locale("", "es_ES.UTF-8", "en_US.UTF-8"); /* empty LC_ALL: skipped */
	assert_int_equal(lang_from_env(), LANG_ES);
	set_locale("", "", "es_ES.UTF-8");
	assert_int_equal(lang_from_env(), LANG_ES);
}

static void
test_lang_set_switches_texts(void **state)
{
	(void)state;
	lang_set(LANG_ES);
	assert_int_equal(lang_current(), LANG_ES);
	assert_string_equal(TR("yes", "s\xC3\xAD"), "s\xC3\xAD");
	assert_non_null(strstr(catalog_text(CAT_WELCOME), "Bienvenido"));
	lang_set(LANG_EN);
	assert_int_equal(lang_current(), LANG_EN);
	assert_string_equal(TR("yes", "s\xC3\xAD"), "yes");
	assert_non_null(strstr(catalog_text(CAT_WELCOME), "Welcome"));
}

/* ---------------------------------------------------------------------------
 * The texts
 * ------------------------------------------------------------------------ */

/* Texts that are pieces of a line, not whole lines. */
static bool
is_fragment(enum cat_id id)
{
	return id == CAT_NICK_ACCEPTED || id == CAT_IDLE_TIMEOUT ||
	       id == CAT_LIST || id == CAT_LIST_MORE || id == CAT_PONG;
}

/* The printf conversions of a format, in order ("%s%zu"). */
static void
conversions(const char *f, char *out, size_t cap)
{
	size_t o = 0;

	for (; *f != '\0'; f++) {
		if (*f != '%')
			continue;
		f++;
		if (*f == '%')
			continue;
		while (*f != '\0' && strchr("diouxXeEfgGcspn", *f) == NULL) {
			assert_true(o + 2 < cap);
			out[o++] = *f++;
		}
		assert_true(*f != '\0');
		assert_true(o + 2 < cap);
		out[o++] = *f;
		out[o++] = ',';
	}
	out[o] = '\0';
}

static void
test_catalog_text_every_id_both_languages(void **state)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	size_t l;
	int id;

	(void)state;
	for (l = 0; l < NELEM(langs); l++) {
		lang_set(langs[l]);
		for (id = 0; id < CAT_COUNT; id++) {
			const char *t = catalog_text((enum cat_id)id);

			assert_non_null(t);
			if (t[0] == '\0')
				fail_msg("lang %zu: text %d is empty", l, id);
			assert_true(text_utf8_valid(t, strlen(t)));
		}
	}
}

static void
test_catalog_text_notices_start_with_stars(void **state)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	size_t l;
	int id;

	(void)state;
	for (l = 0; l < NELEM(langs); l++) {
		lang_set(langs[l]);
		for (id = 0; id < CAT_COUNT; id++) {
			const char *t = catalog_text((enum cat_id)id), *p;

			if (id == CAT_IDLE_TIMEOUT || id == CAT_LIST_MORE ||
			    id == CAT_PRIVATE_FROM)     /* appended, or chat */
				continue;
			if (strncmp(t, "*** ", 4) != 0)
				fail_msg("lang %zu: text %d: \"%s\"", l, id, t);
			/* every line of a several-line text too */
			for (p = t; (p = strchr(p, '\n')) != NULL && p[1] != '\0'; p++)
				if (strncmp(p + 1, "*** ", 4) != 0)
					fail_msg("lang %zu: text %d: line \"%s\"",
					         l, id, p + 1);
		}
	}
}

static void
test_catalog_text_lines_end_with_newline(void **state)
{
	static const enum lang langs[] = { LANG_EN, LANG_ES };
	size_t l, len;
	int id;

	(void)state;
	for (l = 0; l < NELEM(langs); l++) {
		lang_set(langs[l]);
		for (id = 0; id < CAT_COUNT; id++) {
			const char *t = catalog_text((enum cat_id)id);

			len = strlen(t);
			if (is_fragment((enum cat_id)id))
				assert_null(strchr(t, '\n'));
			else if (t[len - 1] != '\n')
				fail_msg("lang %zu: text %d has no newline", l, id);
			if (id != CAT_HELP && !is_fragment((enum cat_id)id))
				assert_ptr_equal(strchr(t, '\n'), t + len - 1);
		}
	}
}

static void
test_catalog_text_same_arguments_in_both(void **state)
{
	char en[64], es[64];
	int id;

	(void)state;
	for (id = 0; id < CAT_COUNT; id++) {
		lang_set(LANG_EN);
		conversions(catalog_text((enum cat_id)id), en, sizeof(en));
		lang_set(LANG_ES);
		conversions(catalog_text((enum cat_id)id), es, sizeof(es));
		if (strcmp(en, es) != 0)
			fail_msg("text %d: English takes %s, Spanish %s", id, en, es);
	}
}

/* Does text hold word whole (not as the start of a longer word)? */
static bool
has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p != NULL; p = strstr(p + 1, word))
		if ((p[n] < 'a' || p[n] > 'z') && (p == text || p[-1] != '/'))
			return true;
	return false;
}

/* /help names every command a member can type, in each language, under
 * both its names (the operator's /kick is the console's help). */
static void
test_catalog_help_names_every_command(void **state)
{
	const enum lang langs[] = { LANG_EN, LANG_ES };
	char word[32];
	const char *name;
	struct msg m;
	size_t i, l;

	(void)state;
	for (l = 0; l < NELEM(langs); l++) {
		lang_set(langs[l]);
		for (i = 0; (name = msg_command_name(i)) != NULL; i++) {
			snprintf(word, sizeof(word), "/%s", name);
			msg_parse(word, strlen(word), &m);
			if (m.kind == MSG_KICK)
				continue;
			if (!has_word(catalog_text(CAT_HELP), word))
				fail_msg("lang %zu: /help lacks %s", l, word);
		}
		assert_true(has_word(catalog_text(CAT_HELP), "salir"));
	}
	assert_null(msg_command_name(i + 1));
}

static void
test_catalog_text_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(catalog_text(CAT_COUNT), "");
	assert_string_equal(catalog_text((enum cat_id)1000), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_parse_values),
		cmocka_unit_test_setup_teardown(test_lang_from_env_none, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_lang_from_env_each_variable, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_lang_from_env_precedence, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_lang_set_switches_texts, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_text_every_id_both_languages, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_text_notices_start_with_stars, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_text_lines_end_with_newline, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_text_same_arguments_in_both, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_help_names_every_command, setup_env, teardown_env),
		cmocka_unit_test_setup_teardown(test_catalog_text_out_of_range, setup_env, teardown_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
