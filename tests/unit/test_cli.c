/*
 * test_cli.c — unit tests for shared/base/cli.c: bounded number parsing, port
 * numbers, --lang and --color (NO_COLOR, terminal or not).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------
 * Capturing what a function prints on one of our streams
 * ------------------------------------------------------------------------ */

struct capture {
	FILE *stream;
	int   fd, saved;
	FILE *tmp;
};

static void
capture_start(struct capture *c, FILE *stream)
{
	c->stream = stream;
	c->fd = fileno(stream);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	fflush(stream);
	c->saved = dup(c->fd);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), c->fd) >= 0);
}

static void
capture_end(struct capture *c, char *out, size_t cap)
{
	size_t n;

	fflush(c->stream);
	assert_true(dup2(c->saved, c->fd) >= 0);
	close(c->saved);
	rewind(c->tmp);
	n = fread(out, 1, cap - 1, c->tmp);
	out[n] = '\0';
	fclose(c->tmp);
}

static int
teardown_lang(void **state)
{
	(void)state;
	lang_set(LANG_EN);
	return 0;
}

/* ---------------------------------------------------------------------------
 * cli_number
 * ------------------------------------------------------------------------ */

static void
test_cli_number_in_range(void **state)
{
	static const struct {
		const char *s;
		long long   min, max, want;
	} cases[] = {
		{ "0", 0, 10, 0 }, { "10", 0, 10, 10 }, { "5", 5, 5, 5 },
		{ "-3", -5, 5, -3 }, { "+7", 0, 10, 7 }, { "-0", 0, 0, 0 },
		{ "007", 0, 10, 7 },
		{ "9223372036854775807", 0, LLONG_MAX, LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN, 0, LLONG_MIN },
	};
	const char *what;
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		what = NULL;
		v = 12345;
		if (cli_number(cases[i].s, cases[i].min, cases[i].max, &v,
		               &what) != 0)
			fail_msg("\"%s\" refused: %s", cases[i].s, what);
		assert_true(v == cases[i].want);
	}
}

static void
test_cli_number_out_of_range(void **state)
{
	static const struct {
		const char *s;
		long long   min, max;
		const char *what;
	} cases[] = {
		{ "", 0, 10, "invalid" },
		{ "abc", 0, 10, "invalid" },
		{ "12x", 0, 100, "invalid" },
		{ "5 ", 0, 10, "invalid" },
		{ "0x10", 0, 100, "invalid" },
		{ "1e3", 0, 10000, "invalid" },
		{ "-", 0, 10, "invalid" },
		{ "+", 0, 10, "invalid" },
		{ "-1", 0, 10, "too small" },
		{ "4", 5, 10, "too small" },
		{ "11", 0, 10, "too large" },
		{ "65536", 0, 65535, "too large" },
		{ "9223372036854775808", 0, LLONG_MAX, "too large" },
		{ "99999999999999999999999", 0, 10, "too large" },
		{ "-9223372036854775809", LLONG_MIN, 0, "too small" },
		{ "-99999999999999999999999", 0, 10, "too small" },
	};
	const char *what;
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		what = NULL;
		v = 12345;
		if (cli_number(cases[i].s, cases[i].min, cases[i].max, &v,
		               &what) != -1)
			fail_msg("\"%s\" accepted as %lld", cases[i].s, v);
		assert_non_null(what);
		if (strcmp(what, cases[i].what) != 0)
			fail_msg("\"%s\": %s, want %s", cases[i].s, what,
			         cases[i].what);
		assert_true(v == 12345);        /* *out untouched on error */
	}
}

static void
test_cli_number_spanish(void **state)
{
	const char *what;
	long long v;

	(void)state;
	lang_set(LANG_ES);
	assert_int_equal(cli_number("x", 0, 1, &v, &what), -1);
	assert_string_equal(what, "no v\xC3\xA1lido");
	assert_int_equal(cli_number("2", 0, 1, &v, &what), -1);
	assert_string_equal(what, "demasiado grande");
	assert_int_equal(cli_number("-2", 0, 1, &v, &what), -1);
	assert_string_equal(what, "demasiado peque\xC3\xB1o");
}

/* ---------------------------------------------------------------------------
 * cli_port, cli_lang, cli_version
 * ------------------------------------------------------------------------ */

static void
test_cli_port_valid(void **state)
{
	struct capture c;
	char out[256];

	(void)state;
	capture_start(&c, stderr);
	assert_int_equal(cli_port("tcpchatd", "-p", "5000"), 5000);
	assert_int_equal(cli_port("tcpchatd", "-p", "0"), 0);
	assert_int_equal(cli_port("tcpchatd", "-p", "65535"), 65535);
	capture_end(&c, out, sizeof(out));
	assert_string_equal(out, "");
}

static void
test_cli_port_invalid(void **state)
{
	static const char *const bad[] = { "65536", "-1", "http", "", "50 00" };
	struct capture c;
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		capture_start(&c, stderr);
		assert_int_equal(cli_port("tcpchatd", "--port", bad[i]), -1);
		capture_end(&c, out, sizeof(out));
		assert_non_null(strstr(out, "tcpchatd"));
		assert_non_null(strstr(out, "--port"));
		assert_non_null(strstr(out, "0-65535"));
		assert_int_equal(out[strlen(out) - 1], '\n');
	}
}

static void
test_cli_lang_values(void **state)
{
	struct capture c;
	char out[256];

	(void)state;
	assert_int_equal(cli_lang("x", "es"), 0);
	assert_int_equal(lang_current(), LANG_ES);
	assert_int_equal(cli_lang("x", "EN"), 0);
	assert_int_equal(lang_current(), LANG_EN);
	capture_start(&c, stderr);
	assert_int_equal(cli_lang("udpchat", "fr"), -1);
	capture_end(&c, out, sizeof(out));
	assert_non_null(strstr(out, "udpchat"));
	assert_non_null(strstr(out, "fr"));
	assert_int_equal(lang_current(), LANG_EN);
}

static void
test_cli_lang_from_locale(void **state)
{
	char *saved[3];
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		saved[i] = v != NULL ? strdup(v) : NULL;
		unsetenv(vars[i]);
	}
	setenv("LANG", "es_ES.UTF-8", 1);
	assert_int_equal(cli_lang("x", NULL), 0);
	assert_int_equal(lang_current(), LANG_ES);
	setenv("LC_ALL", "en_US.UTF-8", 1);
	assert_int_equal(cli_lang("x", NULL), 0);
	assert_int_equal(lang_current(), LANG_EN);
	for (i = 0; i < 3; i++) {
		if (saved[i] != NULL)
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
	}
}

static void
test_cli_version_prints(void **state)
{
	struct capture c;
	char out[256], want[256];

	(void)state;
	capture_start(&c, stdout);
	cli_version("tcpchat");
	capture_end(&c, out, sizeof(out));
	snprintf(want, sizeof(want), "tcpchat (redchat) %s\n", REDCHAT_VERSION);
	assert_string_equal(out, want);
}

/* ---------------------------------------------------------------------------
 * cli_color
 * ------------------------------------------------------------------------ */

struct color_fds {
	int   tty, pty_master, pipe[2];
	char *no_color;
};

static int
setup_color(void **state)
{
	struct color_fds *f = calloc(1, sizeof(*f));
	const char *v;

	if (f == NULL)
		return -1;
	v = getenv("NO_COLOR");
	f->no_color = v != NULL ? strdup(v) : NULL;
	unsetenv("NO_COLOR");
	/* a terminal of our own, so the test does not depend on how it runs */
	f->pty_master = posix_openpt(O_RDWR | O_NOCTTY);
	if (f->pty_master < 0 || grantpt(f->pty_master) < 0 ||
	    unlockpt(f->pty_master) < 0)
		return -1;
	f->tty = open(ptsname(f->pty_master), O_RDWR | O_NOCTTY);
	if (f->tty < 0 || pipe(f->pipe) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown_color(void **state)
{
	struct color_fds *f = *state;

	close(f->tty);
	close(f->pty_master);
	close(f->pipe[0]);
	close(f->pipe[1]);
	if (f->no_color != NULL)
		setenv("NO_COLOR", f->no_color, 1);
	else
		unsetenv("NO_COLOR");
	free(f->no_color);
	free(f);
	return 0;
}

static void
test_cli_color_explicit(void **state)
{
	struct color_fds *f = *state;

	assert_int_equal(cli_color("always", f->pipe[1]), 1);
	assert_int_equal(cli_color("never", f->tty), 0);
	setenv("NO_COLOR", "1", 1);             /* an explicit choice wins */
	assert_int_equal(cli_color("always", f->pipe[1]), 1);
	assert_int_equal(cli_color("always", f->tty), 1);
	assert_int_equal(cli_color("bogus", f->tty), -1);
	assert_int_equal(cli_color("", f->tty), -1);
	assert_int_equal(cli_color("ALWAYS", f->tty), -1);
}

static void
test_cli_color_auto_terminal(void **state)
{
	struct color_fds *f = *state;

	assert_int_equal(cli_color("auto", f->tty), 1);
	assert_int_equal(cli_color(NULL, f->tty), 1);
	assert_int_equal(cli_color("auto", f->pipe[1]), 0);
	assert_int_equal(cli_color(NULL, f->pipe[1]), 0);
	assert_int_equal(cli_color("auto", -1), 0);
}

static void
test_cli_color_auto_no_color(void **state)
{
	struct color_fds *f = *state;

	setenv("NO_COLOR", "1", 1);
	assert_int_equal(cli_color("auto", f->tty), 0);
	assert_int_equal(cli_color(NULL, f->tty), 0);
	setenv("NO_COLOR", "anything", 1);
	assert_int_equal(cli_color("auto", f->tty), 0);
	setenv("NO_COLOR", "", 1);              /* empty: as if unset */
	assert_int_equal(cli_color("auto", f->tty), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_number_in_range),
		cmocka_unit_test(test_cli_number_out_of_range),
		cmocka_unit_test_teardown(test_cli_number_spanish, teardown_lang),
		cmocka_unit_test(test_cli_port_valid),
		cmocka_unit_test(test_cli_port_invalid),
		cmocka_unit_test_teardown(test_cli_lang_values, teardown_lang),
		cmocka_unit_test_teardown(test_cli_lang_from_locale, teardown_lang),
		cmocka_unit_test(test_cli_version_prints),
		cmocka_unit_test_setup_teardown(test_cli_color_explicit, setup_color, teardown_color),
		cmocka_unit_test_setup_teardown(test_cli_color_auto_terminal, setup_color, teardown_color),
		cmocka_unit_test_setup_teardown(test_cli_color_auto_no_color, setup_color, teardown_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
