/*
 * spec.c — parsing chatnet's numbers and names (see spec.h). Nothing here
 * touches the system: it is the part of chatnet a unit test can hold whole.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

/* A non-negative decimal number at the start of s; *end after it. */
static int
number(const char *s, double *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -1;
	errno = 0;
	*v = strtod(s, &e);
	if (e == s || errno == ERANGE || !isfinite(*v) || *v < 0)
		return -1;
	*end = e;
	return 0;
}

struct unit {
	const char *name;
	double scale;
};

/* A number of s followed by one of the n units (nocase: in any case),
 * scaled and rounded into *out when it lies within [lo, hi]. */
static int
scaled(const char *s, const struct unit *units, size_t n, bool nocase,
       double lo, double hi, uint64_t *out)
{
	const char *end;
	double v;
	size_t i;

	if (number(s, &v, &end) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((nocase ? strcasecmp(end, units[i].name)
		            : strcmp(end, units[i].name)) != 0)
			continue;
		v *= units[i].scale;
		if (v < lo || v > hi)
			return -1;
		*out = (uint64_t)(v + 0.5);
		return 0;
	}
	return -1;
}

int
spec_duration(const char *s, uint64_t *us)
{
	static const struct unit units[] = {
		{ "", 1e3 }, { "ms", 1e3 }, { "s", 1e6 }, { "us", 1 },
	};

	return scaled(s, units, sizeof(units) / sizeof(units[0]), false, 0,
	              (double)SPEC_DELAY_MAX, us);
}

int
spec_percent(const char *s, double *p)
{
	const char *end;
	double v;

	if (number(s, &v, &end) < 0)
		return -1;
	if (strcmp(end, "%") != 0 && strcmp(end, "") != 0)
		return -1;
	if (v > 100)
		return -1;
	*p = v / 100;
	return 0;
}

int
spec_rate(const char *s, uint64_t *bps)
{
	static const struct unit units[] = {
		{ "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 },
		{ "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 },
	};

	return scaled(s, units, sizeof(units) / sizeof(units[0]), true, 8000,
	              1e11, bps);
}

bool
spec_host_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SPEC_HOST_MAX || !islower((unsigned char)s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
	return strcmp(s, "bridge") != 0;
}

/* Is name already among the first n? */
static bool
listed(char names[][SPEC_HOST_MAX + 1], size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int
spec_hosts(const char *s, char names[][SPEC_HOST_MAX + 1], size_t max,
           const char **bad)
{
	char one[SPEC_HOST_MAX + 2];
	size_t n = 0, len;
	const char *comma;

	*bad = NULL;
	for (; *s != '\0'; s = comma + (*comma == ',')) {
		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		len = (size_t)(comma - s);
		snprintf(one, sizeof(one), "%.*s", (int)(len > SPEC_HOST_MAX
		         ? SPEC_HOST_MAX + 1 : len), s);
		if (len > SPEC_HOST_MAX || !spec_host_ok(one)) {
			*bad = s;
			return -1;
		}
		if (strcmp(one, "srv") == 0 || listed(names, n, one))
			continue;
		if (n == max)
			return -1;
		memcpy(names[n++], one, len + 1);
	}
	return (int)n;
}

bool
spec_needs_packets(const struct spec_impair *sp)
{
	return sp->delay_us > 0 || sp->jitter_us > 0 || sp->loss > 0 ||
	       sp->dup > 0 || sp->reorder > 0;
}

/* Append to buf what fits ("...%g..."); buf stays a string. */
static void
add(char *buf, size_t len, const char *fmt, double v)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, fmt, v);
}

void
spec_format(const struct spec_impair *sp, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sp->delay_us > 0)
		add(buf, len, " delay %gms", (double)sp->delay_us / 1e3);
	if (sp->jitter_us > 0)
		add(buf, len, " jitter %gms", (double)sp->jitter_us / 1e3);
	if (sp->loss > 0)
		add(buf, len, " loss %g%%", sp->loss * 100);
	if (sp->dup > 0)
		add(buf, len, " dup %g%%", sp->dup * 100);
	if (sp->reorder > 0)
		add(buf, len, " reorder %g%%", sp->reorder * 100);
	if (sp->rate_bps > 0)
		add(buf, len, " rate %gkbit", (double)sp->rate_bps / 1e3);
	if (sp->has_seed && strlen(buf) < len)
		snprintf(buf + strlen(buf), len - strlen(buf), " seed %llu",
		         (unsigned long long)sp->seed);
	if (sp->egress && buf[0] != '\0' && strlen(buf) < len)
		snprintf(buf + strlen(buf), len - strlen(buf), " egress");
	if (buf[0] == '\0')
		snprintf(buf, len, " none");
	memmove(buf, buf + 1, strlen(buf));
}
