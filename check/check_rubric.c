/*
 * check_rubric.c — points for tests. A rubric is a text file of lines
 * "PATTERN POINTS": PATTERN is a test ID, a shell pattern (TCP-FRAME-*),
 * MUST or SHOULD; POINTS a number. '#' starts a comment. The first line
 * that matches a test gives its points; a test no line matches is worth 0.
 * Without a rubric, a MUST test is worth 2 and a SHOULD test 1, and the
 * verdict on survival (the LIVE tests) 10: a crash costs more than any
 * one bug that leaves the server running.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_report.h"

#define RUBRIC_ROWS 512
#define RUBRIC_LIVE 10        /* default points of a LIVE test */

/* One line into row: 1 a row, 0 nothing (blank or comment), -1 bad. */
static int
parse_line(char *line, struct rubric_row *row)
{
	char *hash = strchr(line, '#'), *end, *pat, *pts;

	if (hash != NULL)
		*hash = '\0';
	pat = strtok(line, " \t\r\n");
	if (pat == NULL)
		return 0;
	pts = strtok(NULL, " \t\r\n");
	if (pts == NULL || strtok(NULL, " \t\r\n") != NULL ||
	    strlen(pat) >= sizeof(row->pattern))
		return -1;
	errno = 0;
	row->points = strtod(pts, &end);
	if (errno != 0 || *end != '\0' || row->points < 0 || row->points > 1e6)
		return -1;
	memcpy(row->pattern, pat, strlen(pat) + 1);
	return 1;
}

int
rubric_load(const char *path, struct rubric *r, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned lineno = 0;
	int k;

	r->n = 0;
	r->rows = calloc(RUBRIC_ROWS, sizeof(*r->rows));
	if (f == NULL || r->rows == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		k = parse_line(line, &r->rows[r->n]);
		if (k < 0 || (k > 0 && r->n + 1 >= RUBRIC_ROWS)) {
			snprintf(err, errlen, TR("%s:%u: expected \"ID POINTS\"",
			         "%s:%u: se esperaba \"ID PUNTOS\""), path, lineno);
			goto fail;
		}
		r->n += (size_t)k;
	}
	fclose(f);
	return 0;
fail:
	if (f != NULL)
		fclose(f);
	rubric_free(r);
	return -1;
}

void
rubric_free(struct rubric *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

static bool
matches(const char *pattern, const struct check_test *t)
{
	if (strcmp(pattern, "MUST") == 0)
		return t->level == CHECK_MUST;
	if (strcmp(pattern, "SHOULD") == 0)
		return t->level == CHECK_SHOULD;
	return fnmatch(pattern, t->id, 0) == 0;
}

double
rubric_points(const struct rubric *r, const struct check_test *t)
{
	size_t i;

	if (r->rows == NULL)
		return t->flags & CHECK_LIVE ? RUBRIC_LIVE
		       : t->level == CHECK_MUST ? 2 : 1;
	for (i = 0; i < r->n; i++)
		if (matches(r->rows[i].pattern, t))
			return r->rows[i].points;
	return 0;
}
