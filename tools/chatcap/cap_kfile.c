/*
 * cap_kfile.c — reading back the kernel's TCP samples kept beside a
 * capture (FILE.tcp_info.json, JSON Lines written by cap_kshow_json):
 * a capture file cannot know the sender's state, so `chatcap -r FILE`
 * shows these samples with its packets when the file is there. Only the
 * flat objects chatcap writes are read: "key":number, "key":"word" or
 * "key":null; any other line is skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "catalog.h"
#include "cap_kshow.h"

/* Where the value of "key" starts in line, or NULL. */
static const char *
value_of(const char *line, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p != NULL ? p + strlen(pat) : NULL;
}

/* A number (true), or null or missing (false). */
static bool
num(const char *line, const char *key, uint64_t *v)
{
	const char *p = value_of(line, key);
	char *end;

	if (p == NULL || *p < '0' || *p > '9')
		return false;
	*v = strtoull(p, &end, 10);
	return end != p;
}

/* A string of at most cap-1 bytes into out (true). */
static bool
word(const char *line, const char *key, char *out, size_t cap)
{
	const char *p = value_of(line, key);
	size_t n;

	if (p == NULL || *p != '"')
		return false;
	n = strcspn(p + 1, "\"");
	if (n >= cap)
		return false;
	memcpy(out, p + 1, n);
	out[n] = '\0';
	return true;
}

static bool
end_of(const char *line, const char *key, struct cap_ks_end *e)
{
	char s[64], *colon;

	if (!word(line, key, s, sizeof(s)) || (colon = strrchr(s, ':')) == NULL)
		return false;
	*colon = '\0';
	e->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	if (s[0] == '[') {
		s[strlen(s) - 1] = '\0';
		e->family = 6;
		return inet_pton(AF_INET6, s + 1, e->addr) == 1;
	}
	e->family = 4;
	return inet_pton(AF_INET, s, e->addr) == 1;
}

static uint32_t
u32(const char *line, const char *key, bool *known)
{
	uint64_t v = 0;

	*known = num(line, key, &v);
	return (uint32_t)v;
}

/* The fields of one object into s; false if it is not a sample. */
static bool
parse(const char *line, struct cap_ks_sample *s)
{
	char w[32];
	uint64_t v;
	bool k;

	memset(s, 0, sizeof(*s));
	if (strstr(line, "\"type\":\"tcp_info\"") == NULL ||
	    !num(line, "abs_us", &v) || !end_of(line, "src", &s->local) ||
	    !end_of(line, "dst", &s->remote))
		return false;
	s->t_us = (int64_t)v;
	if (num(line, "asked_us", &v))
		s->asked_us = (int64_t)v;
	s->source = word(line, "source", w, sizeof(w)) &&
	            strcmp(w, "tracepoint") == 0 ? CAP_KS_TRACE : CAP_KS_POLL;
	s->kind = !word(line, "event", w, sizeof(w)) ? CAP_KS_STATE
	          : strcmp(w, "cong_state") == 0 ? CAP_KS_CONG
	          : strcmp(w, "retransmit") == 0 ? CAP_KS_RETRANS : CAP_KS_STATE;
	if (word(line, "cookie", w, sizeof(w)))
		s->cookie = strtoull(w, NULL, 16);
	s->cwnd = u32(line, "cwnd", &k);
	s->have |= k ? CAP_KS_H_CWND : 0;
	s->ssthresh = u32(line, "ssthresh", &k);
	if (!k)
		s->ssthresh = 0x7fffffffu;
	for (v = 0; v <= CAP_KS_LOSS; v++)
		if (word(line, "ca_state", w, sizeof(w)) &&
		    strcmp(w, cap_ks_ca_name((unsigned)v)) == 0) {
			s->ca_state = (uint8_t)v;
			s->have |= CAP_KS_H_CA;
		}
	s->srtt_us = u32(line, "srtt_us", &k);
	s->have |= k ? CAP_KS_H_SRTT : 0;
	s->rto_us = u32(line, "rto_us", &k);
	s->have |= k ? CAP_KS_H_INFO : 0;
	s->rttvar_us = u32(line, "rttvar_us", &k);
	s->unacked = u32(line, "unacked", &k);
	s->retrans = u32(line, "retrans", &k);
	s->lost = u32(line, "lost", &k);
	s->sacked = u32(line, "sacked", &k);
	s->total_retrans = u32(line, "total_retrans", &k);
	s->mss = u32(line, "mss", &k);
	s->pmtu = u32(line, "pmtu", &k);
	s->flight_bytes = u32(line, "inflight_bytes", &k);
	s->have |= k ? CAP_KS_H_FLIGHT : 0;
	if (num(line, "delivery_rate", &v))
		s->delivery_rate = v;
	(void)word(line, "cc", s->cc, sizeof(s->cc));
	return true;
}

int
cap_kfile_load(const char *path, struct cap_ks_sample **out, size_t *n,
               char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct cap_ks_sample s, *v = NULL, *grown;
	size_t cap = 0, len = 0;
	char *line = NULL;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		if (!parse(line, &s))
			continue;
		if (*n == len) {                   /* grow by 1024 */
			grown = realloc(v, (*n + 1024) * sizeof(*v));
			if (grown == NULL) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				r = -1;
				break;
			}
			v = grown;
			len = *n + 1024;
		}
		v[(*n)++] = s;
	}
	if (r == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, TR("read error",
		                                         "error de lectura"));
		r = -1;
	}
	free(line);
	fclose(f);
	if (r < 0) {
		free(v);
		*n = 0;
		return -1;
	}
	qsort(v, *n, sizeof(*v), cap_ks_by_time);
	*out = v;
	return 0;
}
