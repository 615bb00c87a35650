/*
 * cap_kshow.c — the kernel's TCP samples in chatcap's output (cap_kshow.h):
 * taking them in time with the packets, the JSON object of each, and the
 * file kept beside a written capture so that reading it back can show
 * them again. The text view's words are cap_knote.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "catalog.h"
#include "cap_convtab.h"
#include "cap_kshow.h"

#define KSHOW_BATCH 512
#define KSHOW_LAG_US (3 * CAP_KS_POLL_MS * 1000) /* a sample may wait */


void
cap_kshow_end_name(const struct cap_ks_end *e, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, a, sizeof(a));
	snprintf(out, cap, e->family == 6 ? "[%s]:%u" : "%s:%u", a,
	         (unsigned)e->port);
}

static void
put_u(struct cap_line *l, const char *key, uint64_t v, bool known)
{
	cap_line_str(l, ",\"");
	cap_line_str(l, key);
	cap_line_str(l, "\":");
	if (known)
		cap_line_u64(l, v, 1);
	else
		cap_line_str(l, "null");
}

static void
put_s(struct cap_line *l, const char *key, const char *v)
{
	cap_line_fmt(l, ",\"%s\":\"%s\"", key, v);  /* v: our own words */
}

/* The fields each source knows; the others are null. */
static void
put_fields(struct cap_line *l, const struct cap_ks_sample *s)
{
	bool cw = s->have & CAP_KS_H_CWND, info = s->have & CAP_KS_H_INFO;
	bool inf = s->ssthresh >= 0x7fffffffu;          /* not set yet */

	put_u(l, "cwnd", s->cwnd, cw);
	put_u(l, "ssthresh", s->ssthresh, cw && !inf);
	if (s->have & CAP_KS_H_CA)
		put_s(l, "ca_state", cap_ks_ca_name(s->ca_state));
	else
		cap_line_str(l, ",\"ca_state\":null");
	put_u(l, "srtt_us", s->srtt_us, s->have & CAP_KS_H_SRTT);
	put_u(l, "rttvar_us", s->rttvar_us, info);
	put_u(l, "rto_us", s->rto_us, info);
	put_u(l, "unacked", s->unacked, info);
	put_u(l, "retrans", s->retrans, info);
	put_u(l, "lost", s->lost, info);
	put_u(l, "sacked", s->sacked, info);
	put_u(l, "delivery_rate", s->delivery_rate, info);
	put_u(l, "total_retrans", s->total_retrans, info);
	put_u(l, "mss", s->mss, info);
	put_u(l, "pmtu", s->pmtu, info);
	put_u(l, "inflight_bytes", s->flight_bytes, s->have & CAP_KS_H_FLIGHT);
	if (s->cc[0] != '\0')
		put_s(l, "cc", s->cc);
}

void
cap_kshow_json(struct cap_line *l, const struct cap_ks_sample *s,
               int64_t rel_us, unsigned conv, int dir)
{
	static const char *const kinds[] = { "state", "cong_state",
	                                     "retransmit" };
	char src[CAP_ENDPOINT_MAX], dst[CAP_ENDPOINT_MAX];

	cap_kshow_end_name(&s->local, src, sizeof(src));
	cap_kshow_end_name(&s->remote, dst, sizeof(dst));
	cap_line_str(l, "{\"type\":\"tcp_info\",\"time\":");
	cap_line_seconds(l, rel_us);
	cap_line_fmt(l, ",\"abs_us\":%" PRId64, s->t_us);
	if (s->source == CAP_KS_POLL && s->asked_us != 0)
		cap_line_fmt(l, ",\"asked_us\":%" PRId64, s->asked_us);
	put_u(l, "conv", conv, conv != 0);
	put_s(l, "dir", dir == 0 ? "to_server" : "to_client");
	put_s(l, "src", src);
	put_s(l, "dst", dst);
	put_s(l, "source", s->source == CAP_KS_TRACE ? "tracepoint" : "poll");
	put_s(l, "event", kinds[s->kind < 3 ? s->kind : 0]);
	cap_line_fmt(l, ",\"cookie\":\"%" PRIx64 "\"", s->cookie);
	put_fields(l, s);
	cap_line_ch(l, '}');
}

int
cap_kshow_open(struct cap_kshow *k, bool sample, bool trace, bool live,
               uint16_t port, const char *rfile, const char *wfile,
               char *err, size_t errlen)
{
	char path[4096];
	int r;

	memset(k, 0, sizeof(*k));
	if (!live && rfile != NULL && strcmp(rfile, "-") != 0) {
		snprintf(path, sizeof(path), "%s%s", rfile, CAP_KFILE_SUFFIX);
		r = cap_kfile_load(path, &k->loaded, &k->nloaded, err, errlen);
		if (r < 0)
			return -1;
		if (r > 0 && sample)
			fprintf(stderr, TR("chatcap: no %s beside the capture: the "
			                   "kernel's TCP state cannot be read from a "
			                   "file, only recorded live (--tcp-info)\n",
			                   "chatcap: no hay %s junto a la captura: el "
			                   "estado TCP del n\u00facleo no se lee de un "
			                   "archivo, solo se graba en vivo "
			                   "(--tcp-info)\n"), path);
		for (size_t i = 0; i < k->nloaded; i++)
			if (k->loaded[i].source == CAP_KS_TRACE)
				k->note.primary = CAP_KS_TRACE;
	}
	if (!live || !sample)
		return 0;
	if ((k->live = cap_kstate_start(port, trace, err, errlen)) == NULL)
		return -1;
	k->note.primary = cap_kstate_tracing(k->live) ? CAP_KS_TRACE
	                                              : CAP_KS_POLL;
	if (wfile == NULL)
		return 0;
	if (asprintf(&k->keep_name, "%s%s", wfile, CAP_KFILE_SUFFIX) < 0 ||
	    (k->keep = fopen(k->keep_name, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", k->keep_name ? k->keep_name : wfile,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* The conversation s belongs to (0: not seen) and its direction. */
static unsigned
conv_of(const struct cap_table *t, const struct cap_ks_sample *s, int *dir)
{
	struct cap_endpoint a = { .family = s->local.family,
	                          .port = s->local.port };
	struct cap_endpoint b = { .family = s->remote.family,
	                          .port = s->remote.port };
	const struct cap_conv *c;

	memcpy(a.addr, s->local.addr, sizeof(a.addr));
	memcpy(b.addr, s->remote.addr, sizeof(b.addr));
	*dir = s->local.port == t->tcp_port;    /* the server's socket */
	if (t->nslot == 0)
		return 0;
	c = t->slot[cap_slot_find(t, 6, &a, &b)];
	if (c == NULL)
		return 0;
	*dir = cap_endpoint_cmp(&c->end[0], &a) != 0;
	return c->id;
}

/* One sample: its JSON object, its annotation, its line in the file. */
static void
show(struct cap_kshow *k, struct cap_emit *e, const struct cap_table *t,
     const struct cap_ks_sample *s)
{
	struct cap_line *l = &k->line;
	int64_t rel = t->st.first_us >= 0 ? s->t_us - t->st.first_us : 0;
	char who[CAP_ENDPOINT_MAX + 16];
	unsigned conv;
	int dir;

	conv = conv_of(t, s, &dir);
	k->shown++;
	if (e->json || k->keep != NULL) {
		cap_line_clear(l);
		cap_kshow_json(l, s, rel, conv, dir);
		if (e->json) {
			fwrite(l->buf, 1, l->n, e->out.f);
			fputc('\n', e->out.f);
		}
		if (k->keep != NULL) {
			fwrite(l->buf, 1, l->n, k->keep);
			fputc('\n', k->keep);
		}
	}
	if (!e->text && e->ng.f == NULL)
		return;
	k->note.to_out = e->text;
	k->note.plain = &e->plain;
	k->note.comment = e->ng.f != NULL ? &k->comment : NULL;
	e->note = k->note.comment;
	cap_kshow_end_name(&s->local, who, sizeof(who));
	if (conv != 0) {
		char name[CAP_ENDPOINT_MAX];

		memcpy(name, who, sizeof(name));
		snprintf(who, sizeof(who), "TCP#%u %s", conv, name);
	}
	cap_knote_sample(&k->note, &e->out, l, s, rel, who);
}

void
cap_kshow_due(struct cap_kshow *k, struct cap_emit *e,
              const struct cap_table *t, int64_t upto_us)
{
	struct cap_ks_sample batch[KSHOW_BATCH];
	size_t n, i;

	while (k->next < k->nloaded && k->loaded[k->next].t_us <= upto_us)
		show(k, e, t, &k->loaded[k->next++]);
	if (k->live == NULL)
		return;
	if (upto_us != INT64_MAX && upto_us > cap_ks_wall_us() - KSHOW_LAG_US)
		upto_us = cap_ks_wall_us() - KSHOW_LAG_US; /* the trace is read late */
	do {
		n = cap_kstate_take(k->live, upto_us, batch, KSHOW_BATCH);
		for (i = 0; i < n; i++)
			show(k, e, t, &batch[i]);
	} while (n == KSHOW_BATCH);
}

int
cap_kshow_close(struct cap_kshow *k, struct cap_emit *e,
                const struct cap_table *t)
{
	uint64_t dropped = 0;
	int r = 0;

	if (k->live != NULL) {
		dropped = cap_kstate_halt(k->live);
		cap_kshow_due(k, e, t, INT64_MAX);
		cap_kstate_stop(k->live);
		k->live = NULL;
	}
	cap_kshow_due(k, e, t, INT64_MAX);
	if (e->text)
		cap_knote_flush(&k->note, &e->out, &k->line);
	if (dropped > 0)
		fprintf(stderr, TR("chatcap: %" PRIu64 " kernel TCP samples "
		                   "dropped (too many waited to be shown)\n",
		                   "chatcap: %" PRIu64 " muestras TCP del n\u00facleo "
		                   "descartadas (demasiadas en espera)\n"), dropped);
	if (k->keep != NULL && (ferror(k->keep) | fclose(k->keep)) != 0) {
		fprintf(stderr, "chatcap: %s: %s\n", k->keep_name, strerror(errno));
		r = -1;
	}
	free(k->keep_name);
	free(k->loaded);
	memset(k, 0, sizeof(*k));
	return r;
}

void
cap_kshow_abort(struct cap_kshow *k)
{
	cap_kstate_stop(k->live);
	if (k->keep != NULL)
		fclose(k->keep);
	free(k->keep_name);
	free(k->loaded);
	memset(k, 0, sizeof(*k));
}
