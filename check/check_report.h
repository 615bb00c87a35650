/*
 * check_report.h — chatcheck's results: a table for people (es/en), JSON
 * Lines for scripts, a Markdown scorecard a student can hand in; and the
 * rubric that turns results into points.
 */
#ifndef REDCHAT_CHECK_REPORT_H
#define REDCHAT_CHECK_REPORT_H

#include <stdio.h>

#include "check.h"

/* A rubric: "PATTERN POINTS" lines, first match wins (see chatcheck(1)). */
struct rubric_row {
	char   pattern[48];
	double points;
};

struct rubric {
	struct rubric_row *rows;        /* NULL: the default, MUST 2, SHOULD 1 */
	size_t             n;
};

/* Read a rubric file. Returns 0, or -1 with err filled ("FILE:LINE: why"). */
int rubric_load(const char *path, struct rubric *r, char *err, size_t errlen);
void rubric_free(struct rubric *r);

/* What test t is worth under r. */
double rubric_points(const struct rubric *r, const struct check_test *t);

/* One test's outcome in a run. */
struct check_done {
	const struct check_test *t;
	struct check_out         out;
	double                   seconds, points, max;
};

/* The whole run. */
struct check_run {
	const char        *host, *profile;
	int                port;
	bool               udp, json;
	struct check_done *done;
	size_t             n;
	double             seconds;
	const char        *lost_after;  /* the test after which the server went */
};

/* Counts over the run. */
struct check_sum {
	size_t passed, failed, skipped, must_failed;
	double points, max;
};
void report_sum(const struct check_run *run, struct check_sum *s);

/* The table's head, one test's rows, the summary (people); or JSON Lines. */
void report_head(const struct check_run *run);
void report_test(const struct check_run *run, const struct check_done *d);
void report_end(const struct check_run *run);

/* The scorecard in Markdown into path. Returns 0, or -1 (errno set). */
int report_markdown(const struct check_run *run, const char *path);

#endif
