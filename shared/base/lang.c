/*
 * lang.c — the language of a run (see lang.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

static enum lang current = LANG_EN;

int
lang_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strncasecmp(s, "es", 2) == 0 && (s[2] == '\0' || s[2] == '_' ||
	                                     s[2] == '-' || s[2] == '.'))
		return LANG_ES;
	if (strncasecmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '_' ||
	                                     s[2] == '-' || s[2] == '.'))
		return LANG_EN;
	return -1;
}

enum lang
lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	/* The first variable that is set decides, as in POSIX locales. */
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return strncmp(v, "es", 2) == 0 ? LANG_ES : LANG_EN;
	}
	return LANG_EN;
}

void
lang_set(enum lang lang)
{
	current = lang;
}

enum lang
lang_current(void)
{
	return current;
}
