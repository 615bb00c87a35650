/*
 * check_report.c — chatcheck's output: the table (es/en) a row at a time
 * as tests finish, or JSON Lines (one "test" object each, then a
 * "summary"); and the Markdown scorecard. The keys of the JSON objects are
 * listed in chatcheck(1); new keys may be added, none renamed.
 */
#include <stdio.h>
#include <string.h>

#include "check_report.h"

static const char *
level_name(const struct check_test *t)
{
	return t->level == CHECK_MUST ? "MUST" : "SHOULD";
}

static const char *
result_name(enum check_result r, bool json)
{
	static const char *const en[] = { "pass", "fail", "skip" };

	if (json)
		return en[r];
	switch (r) {
	case CHECK_PASS: return TR("pass", "pasa");
	case CHECK_FAIL: return TR("FAIL", "FALLA");
	default:         return TR("skip", "omitida");
	}
}

static const char *
title(const struct check_test *t)
{
	return TR(t->title_en, t->title_es);
}

static const char *
rule_text(const struct check_test *t)
{
	const struct check_rule *r = check_rule(t->rule);

	return r == NULL ? "" : TR(r->en, r->es);
}

void
report_sum(const struct check_run *run, struct check_sum *s)
{
	const struct check_done *d;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < run->n; i++) {
		d = &run->done[i];
		if (d->out.result == CHECK_PASS)
			s->passed++;
		else if (d->out.result == CHECK_FAIL)
			s->failed++;
		else
			s->skipped++;
		if (d->out.result == CHECK_FAIL && d->t->level == CHECK_MUST)
			s->must_failed++;
		s->points += d->points;
		s->max += d->max;
	}
}

static double
score(const struct check_sum *s)
{
	return s->max > 0 ? 100.0 * s->points / s->max : 0;
}

/* ---------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static void
json_str(const char *key, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	printf("\"%s\":\"", key);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* A failure in one line: "sent: ...; expected: ...; got: ...". */
static void
detail(const struct check_done *d, char *buf, size_t len)
{
	if (d->out.result != CHECK_FAIL)
		snprintf(buf, len, "%s", d->out.got);
	else
		snprintf(buf, len, TR("sent: %s; expected: %s; got: %s",
		         "enviado: %s; esperado: %s; recibido: %s"),
		         d->out.sent[0] ? d->out.sent : "-", d->out.expected,
		         d->out.got[0] ? d->out.got : TR("(nothing)", "(nada)"));
}

static void
json_test(const struct check_done *d)
{
	const struct check_rule *r = check_rule(d->t->rule);
	char buf[4 * CHECK_TEXT];

	detail(d, buf, sizeof(buf));
	printf("{\"type\":\"test\",");
	json_str("id", d->t->id);
	printf(",\"level\":\"%s\",\"result\":\"%s\",",
	       d->t->level == CHECK_MUST ? "must" : "should",
	       result_name(d->out.result, true));
	json_str("title", title(d->t));
	putchar(',');
	json_str("rule", rule_text(d->t));
	putchar(',');
	json_str("source", r ? r->source : "");
	putchar(',');
	json_str("detail", buf);
	putchar(',');
	json_str("sent", d->out.sent);
	putchar(',');
	json_str("expected", d->out.expected);
	putchar(',');
	json_str("got", d->out.got);
	printf(",\"points\":%g,\"max_points\":%g,\"seconds\":%.2f}\n",
	       d->points, d->max, d->seconds);
}

static void
json_summary(const struct check_run *run)
{
	struct check_sum s;

	report_sum(run, &s);
	printf("{\"type\":\"summary\",");
	json_str("profile", run->profile);
	printf(",\"transport\":\"%s\",", run->udp ? "udp" : "tcp");
	json_str("host", run->host);
	printf(",\"port\":%d,\"tests\":%zu,\"passed\":%zu,\"failed\":%zu,"
	       "\"skipped\":%zu,\"must_failed\":%zu,\"points\":%g,"
	       "\"max_points\":%g,\"score\":%.1f,\"seconds\":%.2f,"
	       "\"server_lost_after\":", run->port, run->n, s.passed, s.failed,
	       s.skipped, s.must_failed, s.points, s.max, score(&s),
	       run->seconds);
	if (run->lost_after != NULL)
		printf("\"%s\"}\n", run->lost_after);
	else
		printf("null}\n");
}

/* ---------------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------------ */

void
report_head(const struct check_run *run)
{
	if (run->json)
		return;
	printf(TR("chatcheck: %s:%d over %s, profile %s\n",
	          "chatcheck: %s:%d por %s, perfil %s\n"), run->host, run->port,
	       run->udp ? "UDP" : "TCP", run->profile);
	printf("%-13s %-6s %-7s %s\n", "ID", TR("LEVEL", "NIVEL"),
	       TR("RESULT", "RESULT."), TR("TEST", "PRUEBA"));
	fflush(stdout);
}

void
report_test(const struct check_run *run, const struct check_done *d)
{
	const struct check_rule *r = check_rule(d->t->rule);

	if (run->json) {
		json_test(d);
	} else {
		printf("%-13s %-6s %-7s %s\n", d->t->id, level_name(d->t),
		       result_name(d->out.result, false), title(d->t));
		if (d->out.result == CHECK_FAIL) {
			printf(TR("    rule:     \"%s\" (%s)\n",
			          "    regla:    \"%s\" (%s)\n"), rule_text(d->t),
			       r ? r->source : "");
			printf(TR("    sent:     %s\n", "    enviado:  %s\n"),
			       d->out.sent[0] ? d->out.sent : "-");
			printf(TR("    expected: %s\n", "    esperado: %s\n"),
			       d->out.expected);
			printf(TR("    got:      %s\n", "    recibido: %s\n"),
			       d->out.got[0] ? d->out.got : TR("(nothing)", "(nada)"));
		} else if (d->out.got[0]) {     /* a measure, or why skipped */
			printf("    %s\n", d->out.got);
		}
	}
	fflush(stdout);
}

void
report_end(const struct check_run *run)
{
	struct check_sum s;

	if (run->json) {
		json_summary(run);
		return;
	}
	report_sum(run, &s);
	printf(TR("passed %zu, failed %zu (MUST %zu), skipped %zu; "
	          "%g of %g points (%.1f %%) in %.1f s\n",
	          "pasan %zu, fallan %zu (MUST %zu), omitidas %zu; "
	          "%g de %g puntos (%.1f %%) en %.1f s\n"),
	       s.passed, s.failed, s.must_failed, s.skipped, s.points, s.max,
	       score(&s), run->seconds);
	if (run->lost_after != NULL)
		printf(TR("the server stopped answering after %s\n",
		          "el servidor dejó de responder tras %s\n"),
		       run->lost_after);
}

/* ---------------------------------------------------------------------------
 * The scorecard
 * ------------------------------------------------------------------------ */

/* s with '|' escaped for a Markdown table cell. */
static void
md_cell(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void
md_failures(FILE *f, const struct check_run *run)
{
	const struct check_done *d;
	size_t i;

	for (i = 0; i < run->n; i++) {
		d = &run->done[i];
		if (d->out.result != CHECK_FAIL)
			continue;
		fprintf(f, "\n### %s — %s\n\n", d->t->id, title(d->t));
		fprintf(f, "> %s (%s)\n\n", rule_text(d->t),
		        check_rule(d->t->rule) ? check_rule(d->t->rule)->source : "");
		fprintf(f, TR("- sent: `%s`\n- expected: `%s`\n- got: `%s`\n",
		              "- enviado: `%s`\n- esperado: `%s`\n- recibido: `%s`\n"),
		        d->out.sent[0] ? d->out.sent : "-", d->out.expected,
		        d->out.got[0] ? d->out.got : TR("(nothing)", "(nada)"));
	}
}

int
report_markdown(const struct check_run *run, const char *path)
{
	FILE *f = fopen(path, "w");
	struct check_sum s;
	size_t i;

	if (f == NULL)
		return -1;
	report_sum(run, &s);
	fprintf(f, TR("# chatcheck scorecard\n\n", "# Resultado de chatcheck\n\n"));
	fprintf(f, TR("Server `%s:%d` over %s, profile `%s`: **%g of %g points "
	              "(%.1f %%)**; passed %zu, failed %zu (MUST %zu), skipped "
	              "%zu.\n\n",
	              "Servidor `%s:%d` por %s, perfil `%s`: **%g de %g puntos "
	              "(%.1f %%)**; pasan %zu, fallan %zu (MUST %zu), omitidas "
	              "%zu.\n\n"),
	        run->host, run->port, run->udp ? "UDP" : "TCP", run->profile,
	        s.points, s.max, score(&s), s.passed, s.failed, s.must_failed,
	        s.skipped);
	fprintf(f, TR("| ID | level | result | points | test |\n",
	              "| ID | nivel | resultado | puntos | prueba |\n"));
	fprintf(f, "| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < run->n; i++) {
		fprintf(f, "| %s | %s | %s | %g/%g | ", run->done[i].t->id,
		        level_name(run->done[i].t),
		        result_name(run->done[i].out.result, false),
		        run->done[i].points, run->done[i].max);
		md_cell(f, title(run->done[i].t));
		fprintf(f, " |\n");
	}
	md_failures(f, run);
	return fclose(f);
}
