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
#define CHECK_NOTE 1024        /* what happened to the server at a test */

struct check_done {
	const struct check_test *t;
	struct check_out         out;
	double                   seconds, points, max;
	bool                     seeded;        /* used --seed's input */
	char                     note[CHECK_NOTE]; /* the server died here */
};

/* The whole run. */
struct check_run {
	const char        *host, *profile, *cmd;   /* cmd: --run, or NULL */
	int                port;
	bool               udp, json;
	uint32_t           seed;
	struct check_done *done;
	size_t             n;
	double             seconds;
	uint64_t           started;     /* clock_us() when chatcheck began */
	const char        *lost_during; /* the first test the server died in */
	unsigned           crashes;     /* times it died */
	const char        *stopped;     /* why the run stopped early, or NULL */
	bool               not_chat;    /* stopped: not a chat server */
	bool               seeded;      /* some test used --seed's input */
	char               opening[512]; /* what happened, said first */
	char               why[CHECK_TEXT]; /* room for stopped's words */
};

/* Counts over the run (a test not run counts as failed at its level). */
struct check_sum {
	size_t passed, failed, norun, must_failed;
	double points, max;
};
void report_sum(const struct check_run *run, struct check_sum *s);

/* The table's head, one test's rows, the summary (people); or JSON Lines. */
void report_head(const struct check_run *run);
void report_test(const struct check_run *run, const struct check_done *d);
void report_end(const struct check_run *run);

/* The scorecard in Markdown into path. Returns 0, or -1 (errno set). */
int report_markdown(const struct check_run *run, const char *path);

/* JUnit XML (one testcase per test) and Gradescope's results.json.
 * Return 0, or -1 (errno set). */
int report_junit(const struct check_run *run, const char *path);
int report_gradescope(const struct check_run *run, const char *path);

/* A failure in one line: "sent: ...; expected: ...; got: ..." (and the
 * seed, and what happened to the server), into buf. */
void report_detail(const struct check_run *run, const struct check_done *d,
                   char *buf, size_t len);

/* The test's rule, its source, its title, in the run's language. */
const char *report_rule(const struct check_test *t);
const char *report_source(const struct check_test *t);
const char *report_title(const struct check_test *t);

/* Run every chosen test (check_run.c): fills run, writes the report as it
 * goes. Returns the exit status (0, or 1 when a MUST test did not pass). */
struct rubric;
int check_run_all(struct check_run *run, struct check_ctx *ctx,
                  const struct rubric *rb, bool (*chosen)(const void *,
                  const struct check_test *), const void *arg,
                  double time_limit);

#endif
