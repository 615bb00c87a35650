/*
 * check_export.c — the run for an instructor's CI: JUnit XML (what GitLab
 * and Jenkins read: one testcase per test, its level and section as
 * properties, a failure whose text is the rule and what was sent, expected
 * and received) and Gradescope's results.json (score, max_score, one entry
 * per test whose scores sum to the score).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_report.h"
#include "xmlesc.h"

/* ---------------------------------------------------------------------------
 * Escaping
 * ------------------------------------------------------------------------ */

/* s for an XML attribute or text: markup escaped, newline as &#10; and
 * the bytes XML 1.0 forbids (controls but tab) shown as \xNN. */
static void
xml(FILE *f, const char *s)
{
	xmlesc_write(f, s, strlen(s), XMLESC_HEX);
}

/* s as a JSON string (the caller writes the key). */
static void
json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static const char *
level(const struct check_test *t)
{
	return t->level == CHECK_MUST ? "MUST" : "SHOULD";
}

/* The failure's text: the rule, then sent / expected / got. */
static void
failure_text(const struct check_run *run, const struct check_done *d,
             char *buf, size_t len)
{
	char detail[4 * CHECK_TEXT + CHECK_NOTE];

	report_detail(run, d, detail, sizeof(detail));
	snprintf(buf, len, "%s \"%s\" (%s)\n%s", TR("rule:", "regla:"),
	         report_rule(d->t), report_source(d->t), detail);
}

/* ---------------------------------------------------------------------------
 * JUnit XML
 * ------------------------------------------------------------------------ */

static void
junit_case(FILE *f, const struct check_run *run, const struct check_done *d,
           const char *classname)
{
	char text[8 * CHECK_TEXT + CHECK_NOTE], msg[4 * CHECK_TEXT + CHECK_NOTE];

	fprintf(f, "    <testcase name=\"%s ", d->t->id);
	xml(f, report_title(d->t));
	fprintf(f, "\" classname=\"%s\" time=\"%.3f\">\n", classname, d->seconds);
	fprintf(f, "      <properties>\n"
	        "        <property name=\"id\" value=\"%s\"/>\n"
	        "        <property name=\"level\" value=\"%s\"/>\n"
	        "        <property name=\"section\" value=\"", d->t->id,
	        level(d->t));
	xml(f, report_source(d->t));
	fprintf(f, "\"/>\n        <property name=\"points\" value=\"%g\"/>\n"
	        "        <property name=\"max_points\" value=\"%g\"/>\n"
	        "      </properties>\n", d->points, d->max);
	if (d->out.result != CHECK_PASS) {
		report_detail(run, d, msg, sizeof(msg));
		failure_text(run, d, text, sizeof(text));
		fprintf(f, "      <failure message=\"");
		xml(f, msg);
		fprintf(f, "\" type=\"%s\">", d->out.result == CHECK_NORUN ?
		        "not-run" : level(d->t));
		xml(f, text);
		fprintf(f, "</failure>\n");
	} else if (d->out.got[0]) {
		fprintf(f, "      <system-out>");
		xml(f, d->out.got);
		fprintf(f, "</system-out>\n");
	}
	fprintf(f, "    </testcase>\n");
}

int
report_junit(const struct check_run *run, const char *path)
{
	FILE *f = fopen(path, "w");
	char classname[64], stamp[32], host[64] = "localhost";
	struct check_sum s;
	time_t now = time(NULL);
	size_t i;

	if (f == NULL)
		return -1;
	report_sum(run, &s);
	gethostname(host, sizeof(host) - 1);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&now));
	snprintf(classname, sizeof(classname), "chatcheck.%s.%s", run->profile,
	         run->udp ? "udp" : "tcp");
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<testsuites name=\"chatcheck\" tests=\"%zu\" failures=\"%zu\" "
	        "errors=\"0\" time=\"%.3f\">\n", run->n, s.failed, run->seconds);
	fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" "
	        "errors=\"0\" skipped=\"0\" time=\"%.3f\" timestamp=\"%s\" "
	        "hostname=\"", classname, run->n, s.failed, run->seconds, stamp);
	xml(f, host);
	fprintf(f, "\">\n    <properties>\n"
	        "      <property name=\"seed\" value=\"%lu\"/>\n"
	        "      <property name=\"score\" value=\"%g/%g\"/>\n"
	        "      <property name=\"what_happened\" value=\"",
	        (unsigned long)run->seed, s.points, s.max);
	xml(f, run->opening);
	fprintf(f, "\"/>\n    </properties>\n");
	for (i = 0; i < run->n; i++)
		junit_case(f, run, &run->done[i], classname);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return fclose(f);
}

/* ---------------------------------------------------------------------------
 * Gradescope
 * ------------------------------------------------------------------------ */

int
report_gradescope(const struct check_run *run, const char *path)
{
	FILE *f = fopen(path, "w");
	char text[8 * CHECK_TEXT + CHECK_NOTE];
	const struct check_done *d;
	struct check_sum s;
	size_t i;

	if (f == NULL)
		return -1;
	report_sum(run, &s);
	fprintf(f, "{\"score\": %g, \"max_score\": %g, \"execution_time\": %.0f, "
	        "\"output\": ", s.points, s.max, run->seconds);
	json(f, run->opening);
	fprintf(f, ", \"tests\": [");
	for (i = 0; i < run->n; i++) {
		d = &run->done[i];
		if (d->out.result == CHECK_PASS)
			snprintf(text, sizeof(text), "%s", d->out.got);
		else
			failure_text(run, d, text, sizeof(text));
		fprintf(f, "%s\n  {\"number\": \"%s\", \"name\": ", i ? "," : "",
		        d->t->id);
		json(f, report_title(d->t));
		fprintf(f, ", \"score\": %g, \"max_score\": %g, \"status\": \"%s\", "
		        "\"tags\": [\"%s\", ", d->points, d->max,
		        d->out.result == CHECK_PASS ? "passed" : "failed",
		        level(d->t));
		json(f, report_source(d->t));
		fprintf(f, "], \"output\": ");
		json(f, text);
		fputc('}', f);
	}
	fprintf(f, "\n]}\n");
	return fclose(f);
}
