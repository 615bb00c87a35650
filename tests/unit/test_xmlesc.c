/*
 * test_xmlesc.c — unit tests for shared/base/xmlesc.c: the markup
 * characters as entities under every rule, control bytes as each rule says
 * (kept, '?', \xNN with newline as &#10;), tab and UTF-8 untouched, and the
 * length and a NUL both end the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlesc.h"

/* What xmlesc_write makes of n bytes of s, as a string the caller frees. */
static char *
escaped(const char *s, size_t n, enum xmlesc_ctl ctl)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	xmlesc_write(f, s, n, ctl);
	assert_false(ferror(f));
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
assert_escaped(const char *s, size_t n, enum xmlesc_ctl ctl, const char *want)
{
	char *got = escaped(s, n, ctl);

	assert_string_equal(got, want);
	free(got);
}

static void
test_xmlesc_write_markup_under_every_rule(void **state)
{
	const char *s = "a<b>&\"c\" 'd'";
	const char *want = "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;";

	(void)state;
	assert_escaped(s, strlen(s), XMLESC_KEEP, want);
	assert_escaped(s, strlen(s), XMLESC_MARK, want);
	assert_escaped(s, strlen(s), XMLESC_HEX, want);
	assert_escaped("&amp;", 5, XMLESC_KEEP, "&amp;amp;");   /* never twice */
}

static void
test_xmlesc_write_controls_by_rule(void **state)
{
	const char *s = "a\tb\nc\rd\x1b[31m\x01";

	(void)state;
	assert_escaped(s, strlen(s), XMLESC_KEEP, s);
	assert_escaped(s, strlen(s), XMLESC_MARK, "a\tb?c?d?[31m?");
	assert_escaped(s, strlen(s), XMLESC_HEX,
	               "a\tb&#10;c\\x0dd\\x1b[31m\\x01");
}

static void
test_xmlesc_write_utf8_and_high_bytes_as_they_are(void **state)
{
	const char *s = "caf\xc3\xa9 \xe2\x86\x92 \x7f\xff";

	(void)state;
	assert_escaped(s, strlen(s), XMLESC_MARK, s);
	assert_escaped(s, strlen(s), XMLESC_HEX, s);
}

static void
test_xmlesc_write_stops_at_n_and_at_nul(void **state)
{
	const char s[] = "ab<cd\0<ef";

	(void)state;
	assert_escaped(s, 3, XMLESC_HEX, "ab&lt;");
	assert_escaped(s, 2, XMLESC_HEX, "ab");
	assert_escaped(s, 0, XMLESC_HEX, "");
	assert_escaped(s, sizeof(s), XMLESC_MARK, "ab&lt;cd");
	assert_escaped("", 10, XMLESC_KEEP, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xmlesc_write_markup_under_every_rule),
		cmocka_unit_test(test_xmlesc_write_controls_by_rule),
		cmocka_unit_test(test_xmlesc_write_utf8_and_high_bytes_as_they_are),
		cmocka_unit_test(test_xmlesc_write_stops_at_n_and_at_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
