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

/* A test not run is a failure: "fail" in JSON, with "ran": false. */
static const char *
result_name(enum check_result r, bool json)
{
	if (json)
		return r == CHECK_PASS ? "pass" : "fail";
	switch (r) {
	case CHECK_PASS: return TR("pass", "pasa");
	case CHECK_FAIL: return TR("FAIL", "FALLA");
	default:         return TR("NOT RUN", "NO CORRIÓ");
	}
}

const char *
report_title(const struct check_test *t)
{
	return TR(t->title_en, t->title_es);
}

const char *
report_rule(const struct check_test *t)
{
	const struct check_rule *r = check_rule(t->rule);

	return r == NULL ? "" : TR(r->en, r->es);
}

const char *
report_source(const struct check_test *t)
{
	const struct check_rule *r = check_rule(t->rule);

	return r == NULL ? "" : r->source;
}

#define title report_title
#define rule_text report_rule

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
		else
			s->failed++;
		if (d->out.result == CHECK_NORUN)
			s->norun++;
		if (d->out.result != CHECK_PASS && d->t->level == CHECK_MUST)
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
json_str_bare(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
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

static void
json_str(const char *key, const char *s)
{
	printf("\"%s\":", key);
	json_str_bare(s);
}

static const char *
got_text(const struct check_done *d)
{
	return d->out.got[0] ? d->out.got : TR("(nothing)", "(nada)");
}

void
report_detail(const struct check_run *run, const struct check_done *d,
              char *buf, size_t len)
{
	size_t o;

	if (d->out.result != CHECK_FAIL)
		o = (size_t)snprintf(buf, len, "%s", d->out.got);
	else
		o = (size_t)snprintf(buf, len, TR("sent: %s; expected: %s; got: %s",
		         "enviado: %s; esperado: %s; recibido: %s"),
		         d->out.sent[0] ? d->out.sent : "-", d->out.expected,
		         got_text(d));
	if (o < len && d->seeded && d->out.result == CHECK_FAIL)
		o += (size_t)snprintf(buf + o, len - o, " (--seed %lu)",
		                      (unsigned long)run->seed);
	if (o < len && d->note[0])
		snprintf(buf + o, len - o, "%s%s", o ? "; " : "", d->note);
}

static void
json_test(const struct check_run *run, const struct check_done *d)
{
	const struct check_rule *r = check_rule(d->t->rule);
	char buf[4 * CHECK_TEXT + CHECK_NOTE];

	report_detail(run, d, buf, sizeof(buf));
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
	json_str("section", r ? r->source : "");
	putchar(',');
	json_str("server", d->note);
	printf(",\"ran\":%s,", d->out.result == CHECK_NORUN ? "false" : "true");
	json_str("detail", buf);
	putchar(',');
	json_str("sent", d->out.sent);
	putchar(',');
	json_str("expected", d->out.expected);
	putchar(',');
	json_str("got", d->out.got);
	printf(",\"points\":%g,\"max_points\":%g,\"seconds\":%.2f",
	       d->points, d->max, d->seconds);
	if (d->seeded)
		printf(",\"seed\":%lu", (unsigned long)run->seed);
	printf("}\n");
}

static void
json_lost(const char *key, const char *id)
{
	fputs(key, stdout);
	if (id != NULL)
		json_str_bare(id);
	else
		fputs("null", stdout);
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
	       "\"not_run\":%zu,\"skipped\":%zu,\"must_failed\":%zu,\"points\":%g,"
	       "\"max_points\":%g,\"score\":%.1f,\"seconds\":%.2f,"
	       "\"seed\":%lu,\"crashes\":%u,", run->port, run->n, s.passed,
	       s.failed, s.norun, s.norun, s.must_failed, s.points, s.max, score(&s),
	       run->seconds, (unsigned long)run->seed, run->crashes);
	json_str("what_happened", run->opening);
	printf(",\"not_a_chat_server\":%s", run->not_chat ? "true" : "false");
	json_lost(",\"server_lost_during\":", run->lost_during);
	json_lost(",\"server_lost_after\":", run->lost_during);
	printf("}\n");
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

/* What happened to the server, indented (its output may span lines). */
static void
print_note(const char *note)
{
	const char *nl;

	printf("    !! ");
	while ((nl = strchr(note, '\n')) != NULL) {
		printf("%.*s\n       ", (int)(nl - note), note);
		note = nl + 1;
	}
	printf("%s\n", note);
}

void
report_test(const struct check_run *run, const struct check_done *d)
{
	const struct check_rule *r = check_rule(d->t->rule);

	if (run->json) {
		json_test(run, d);
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
			       got_text(d));
			if (d->seeded)
				printf(TR("    seed:     %lu (again: --seed %lu)\n",
				          "    semilla:  %lu (otra vez: --seed %lu)\n"),
				       (unsigned long)run->seed,
				       (unsigned long)run->seed);
		} else if (d->out.got[0]) {     /* a measure, or why not run */
			printf("    %s\n", d->out.got);
		}
		if (d->note[0])
			print_note(d->note);
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
	if (run->opening[0])
		printf("%s\n", run->opening);
	printf(TR("passed %zu, failed %zu (MUST %zu, not run %zu); "
	          "%g of %g points (%.1f %%) in %.1f s\n",
	          "pasan %zu, fallan %zu (MUST %zu, sin ejecutar %zu); "
	          "%g de %g puntos (%.1f %%) en %.1f s\n"),
	       s.passed, s.failed, s.must_failed, s.norun, s.points, s.max,
	       score(&s), run->seconds);
	if (run->seeded)
		printf(TR("random input from --seed %lu\n",
		          "entrada al azar de --seed %lu\n"),
		       (unsigned long)run->seed);
}

/* ---------------------------------------------------------------------------
 * The scorecard
 * ------------------------------------------------------------------------ */

/* s with '|' escaped for a Markdown table cell. */
static void
md_cell(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' ||
		    *s == '_' || *s == '<' || *s == '[')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* s as a code span: a fence of one more backtick than the longest run in
 * s (CommonMark), pipes escaped so it may sit in a table too. */
static void
md_code(FILE *f, const char *s)
{
	size_t run = 0, most = 0, i;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		most = run > most ? run : most;
	}
	for (i = 0; i <= most; i++)
		fputc('`', f);
	fputc(' ', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '|')
			fputc('\\', f);
		fputc(*p == '\n' ? ' ' : *p, f);
	}
	fputc(' ', f);
	for (i = 0; i <= most; i++)
		fputc('`', f);
}

static void
md_failures(FILE *f, const struct check_run *run)
{
	const struct check_done *d;
	size_t i;

	for (i = 0; i < run->n; i++) {
		d = &run->done[i];
		if (d->out.result == CHECK_PASS)
			continue;
		fprintf(f, "\n### %s — ", d->t->id);
		md_cell(f, title(d->t));
		fprintf(f, "\n\n> %s (%s)\n\n", rule_text(d->t),
		        report_source(d->t));
		fprintf(f, TR("- sent: ", "- enviado: "));
		md_code(f, d->out.sent[0] ? d->out.sent : "-");
		fprintf(f, TR("\n- expected: ", "\n- esperado: "));
		md_code(f, d->out.expected);
		fprintf(f, TR("\n- got: ", "\n- recibido: "));
		md_code(f, got_text(d));
		fputc('\n', f);
		if (d->seeded)
			fprintf(f, TR("- seed: `--seed %lu`\n", "- semilla: `--seed %lu`\n"),
			        (unsigned long)run->seed);
		if (d->note[0]) {
			fprintf(f, TR("- the server: ", "- el servidor: "));
			md_code(f, d->note);
			fputc('\n', f);
		}
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
	if (run->opening[0]) {
		fprintf(f, "**");
		md_cell(f, run->opening);
		fprintf(f, "**\n\n");
	}
	fprintf(f, TR("Server `%s:%d` over %s, profile `%s`: **%g of %g points "
	              "(%.1f %%)**; passed %zu, failed %zu (MUST %zu, not run "
	              "%zu).\n\n",
	              "Servidor `%s:%d` por %s, perfil `%s`: **%g de %g puntos "
	              "(%.1f %%)**; pasan %zu, fallan %zu (MUST %zu, sin ejecutar "
	              "%zu).\n\n"),
	        run->host, run->port, run->udp ? "UDP" : "TCP", run->profile,
	        s.points, s.max, score(&s), s.passed, s.failed, s.must_failed,
	        s.norun);
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
