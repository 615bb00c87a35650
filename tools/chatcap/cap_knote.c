/*
 * cap_knote.c — the text view's words for the kernel's TCP samples: a line
 * when a sender's state changes in a way the lesson names — its first
 * window, slow start (cwnd doubling), congestion avoidance (about one
 * segment more per RTT), each congestion event (entering fast recovery,
 * an RTO, CWR) with ssthresh before and after, and the end of a recovery.
 * The congestion events come from the tracepoints when they were read
 * (tcp_cong_state_set: every one), else from polling; the window and the
 * RTO from polling when there is any. An event reported by
 * tcp_cong_state_set waits for the next polled sample to know the new
 * ssthresh and RTO (the kernel sets them around the state).
 */
#include <string.h>

#include "catalog.h"
#include "cap_kshow.h"
#include "cap_out.h"

#define KNOTE_INF 0x7fffffffu        /* ssthresh not set yet */

static struct cap_knote_sock *
sock_of(struct cap_knote *n, uint64_t cookie)
{
	unsigned i;

	for (i = 0; i < n->nsocks; i++)
		if (n->socks[i].cookie == cookie)
			return &n->socks[i];
	if (n->nsocks == CAP_KNOTE_SOCKS)
		return NULL;
	memset(&n->socks[n->nsocks], 0, sizeof(n->socks[0]));
	n->socks[n->nsocks].cookie = cookie;
	return &n->socks[n->nsocks++];
}

static void
fmt_ssthresh(const struct cap_out *o, uint32_t v, char *out, size_t cap)
{
	if (v >= KNOTE_INF)
		snprintf(out, cap, "%s", o->utf8 ? "\u221e" : "inf");
	else
		snprintf(out, cap, "%u", v);
}

/* "   * 1.234567 TCP#1 10.0.0.2:40050 kernel: " then the words, in l. */
static void
build(const struct cap_out *o, struct cap_line *l, int64_t rel_us,
      const char *who, const char *words)
{
	cap_line_clear(l);
	cap_line_str(l, "   * ");
	cap_line_seconds(l, rel_us);
	cap_line_ch(l, ' ');
	cap_line_str(l, who);
	cap_line_str(l, TR(" kernel: ", " n\u00facleo: "));
	cap_line_str(l, cap_color(o, CAP_C_PROBLEM));
	cap_line_str(l, words);
	cap_line_str(l, cap_color(o, CAP_C_RESET));
}

/* The line on o (the text view), and without colour in the comment of the
 * next packet written to a pcapng file. */
static void
emit(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
     int64_t rel_us, const char *who, const char *words)
{
	if (n->to_out) {
		build(o, l, rel_us, who, words);
		cap_out_emit(o, l->buf, l->n);
	}
	if (n->comment != NULL) {
		build(n->plain, l, rel_us, who, words);
		if (n->comment->n > 0)
			cap_line_ch(n->comment, '\n');
		cap_line_mem(n->comment, l->buf, l->n);
	}
}

/* A congestion event that was waiting, told with what is known now. */
static void
tell_event(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
           struct cap_knote_sock *v, uint32_t rto_us)
{
	char w[256], a[16], b[16], r1[32], r2[32];
	const char *to = cap_arrow(o);

	fmt_ssthresh(o, v->pend_ssthresh, a, sizeof(a));
	fmt_ssthresh(o, v->ssthresh, b, sizeof(b));
	v->pending = false;
	n->events++;
	if (v->pend_ca == CAP_KS_LOSS) {
		cap_fmt_duration(o, v->pend_rto_us, r1, sizeof(r1));
		if (rto_us != 0)
			cap_fmt_duration(o, rto_us, r2, sizeof(r2));
		else
			snprintf(r2, sizeof(r2), "?");
		snprintf(w, sizeof(w), TR("congestion (RTO fired) at cwnd %u: "
		                          "cwnd %u, ssthresh %s %s %s, rto %s %s %s",
		                          "congesti\u00f3n (venci\u00f3 el RTO) con "
		                          "cwnd %u: cwnd %u, ssthresh %s %s %s, rto "
		                          "%s %s %s"),
		         v->pend_cwnd, v->cwnd, a, to, b, r1, to, r2);
	} else if (v->pend_ca == CAP_KS_RECOVERY) {
		snprintf(w, sizeof(w), TR("congestion (loss) at cwnd %u: ssthresh "
		                          "%s %s %s, fast retransmit and fast "
		                          "recovery (cwnd now %u)",
		                          "congesti\u00f3n (p\u00e9rdida) con cwnd "
		                          "%u: ssthresh %s %s %s, retransmisi\u00f3n "
		                          "r\u00e1pida y recuperaci\u00f3n r\u00e1pida "
		                          "(cwnd ahora %u)"),
		         v->pend_cwnd, a, to, b, v->cwnd);
	} else {
		snprintf(w, sizeof(w), TR("congestion (CWR: the sender's own queue "
		                          "or ECN) at cwnd %u: ssthresh %s %s %s, "
		                          "cwnd now %u",
		                          "congesti\u00f3n (CWR: cola del propio "
		                          "emisor o ECN) con cwnd %u: ssthresh %s %s "
		                          "%s, cwnd ahora %u"),
		         v->pend_cwnd, a, to, b, v->cwnd);
	}
	emit(n, o, l, v->pend_t_us, v->who, w);
	v->shown_cwnd = v->cwnd;
}

/* The state became ca (from tcp_cong_state_set, or a polled sample). */
static void
new_state(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
          struct cap_knote_sock *v, unsigned ca, int64_t rel_us)
{
	char w[192], b[16];
	unsigned old = v->ca;

	v->ca = (uint8_t)ca;
	if (ca >= CAP_KS_CWR && (ca != old || ca == CAP_KS_LOSS)) {
		if (v->pending)
			tell_event(n, o, l, v, 0);
		v->pending = true;
		v->pend_ca = (uint8_t)ca;
		v->pend_ssthresh = v->ssthresh;
		v->pend_cwnd = v->cwnd;
		v->pend_rto_us = v->rto_us;
		v->pend_t_us = rel_us;
		return;
	}
	if (ca <= CAP_KS_DISORDER && old >= CAP_KS_CWR && !v->pending) {
		fmt_ssthresh(o, v->ssthresh, b, sizeof(b));
		snprintf(w, sizeof(w), TR("recovered: back to %s, cwnd %u, "
		                          "ssthresh %s",
		                          "recuperado: vuelve a %s, cwnd %u, "
		                          "ssthresh %s"),
		         v->cwnd < v->ssthresh ? TR("slow start", "arranque lento")
		                               : TR("congestion avoidance",
		                                    "evitaci\u00f3n de congesti\u00f3n"),
		         v->cwnd, b);
		emit(n, o, l, rel_us, v->who, w);
	}
}

/* A new cwnd: told when it doubled in slow start, grew by an eighth (at
 * least one segment) in congestion avoidance, or halved outside events. */
static void
new_cwnd(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
         struct cap_knote_sock *v, int64_t rel_us)
{
	uint32_t c = v->cwnd, s = v->shown_cwnd, step = s / 8 > 1 ? s / 8 : 1;
	const char *to = cap_arrow(o);
	char w[160];

	if (v->ca >= CAP_KS_CWR)
		return;                     /* the event's line said it */
	if (c < v->ssthresh && c >= 2 * s)
		snprintf(w, sizeof(w), TR("cwnd %u %s %u: slow start",
		                          "cwnd %u %s %u: arranque lento"), s, to, c);
	else if (c >= v->ssthresh && c >= s + step)
		snprintf(w, sizeof(w), TR("cwnd %u %s %u: congestion avoidance",
		                          "cwnd %u %s %u: evitaci\u00f3n de "
		                          "congesti\u00f3n"), s, to, c);
	else if (2 * c <= s)
		snprintf(w, sizeof(w), "cwnd %u %s %u", s, to, c);
	else
		return;
	v->shown_cwnd = c;
	emit(n, o, l, rel_us, v->who, w);
}

/* The first sample of a sender: its window, threshold and algorithm. */
static void
first(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
      struct cap_knote_sock *v, int64_t rel_us)
{
	char w[160], b[16];

	fmt_ssthresh(o, v->ssthresh, b, sizeof(b));
	snprintf(w, sizeof(w), TR("cwnd %u segments, ssthresh %s%s%s%s",
	                          "cwnd %u segmentos, ssthresh %s%s%s%s"),
	         v->cwnd, b, v->cc[0] != '\0' ? " (" : "", v->cc,
	         v->cc[0] != '\0' ? ")" : "");
	v->started = true;
	v->shown_cwnd = v->cwnd;
	emit(n, o, l, rel_us, v->who, w);
}

/* Whether s may give the numbers a waiting event needs: a polled sample
 * (tcp_info's ssthresh is the kernel's own, while tcp_probe's is
 * tcp_current_ssthresh(), at least 3/4 cwnd outside a reduction), or any
 * when nothing is polled; for an RTO, one that knows the new RTO. */
static bool
resolves(const struct cap_knote_sock *v, const struct cap_ks_sample *s,
         int64_t rel_us)
{
	if (!v->pending || rel_us < v->pend_t_us)
		return false;
	if (s->have & CAP_KS_H_INFO)
		return true;
	return !v->polled && v->pend_ca != CAP_KS_LOSS;
}

/* A state sample: the window and threshold it tells, the numbers an
 * event waits for, and a line when the window changed as the lesson
 * names. Polling tells the window when there is any (tcp_probe fires only
 * while the connection is ESTABLISHED, and its ssthresh is
 * tcp_current_ssthresh()); with polling as the events' source, a change
 * of state it shows is an event too. */
static void
state_sample(struct cap_knote *n, const struct cap_out *o, struct cap_line *l,
             struct cap_knote_sock *v, const struct cap_ks_sample *s,
             int64_t rel_us)
{
	bool info = s->have & CAP_KS_H_INFO;

	if (!info && v->polled)
		return;
	if (info && n->primary == CAP_KS_POLL && v->started &&
	    (s->have & CAP_KS_H_CA) && s->ca_state != v->ca)
		new_state(n, o, l, v, s->ca_state, rel_us); /* before the numbers */
	v->cwnd = s->cwnd;
	v->ssthresh = s->ssthresh;
	if (resolves(v, s, rel_us))
		tell_event(n, o, l, v, s->rto_us);
	if (info) {
		v->rto_us = s->rto_us;
		v->polled = true;
	}
	if (!v->started) {
		v->ca = s->have & CAP_KS_H_CA ? s->ca_state : 0;
		first(n, o, l, v, rel_us);
		return;
	}
	new_cwnd(n, o, l, v, rel_us);
}

void
cap_knote_sample(struct cap_knote *n, const struct cap_out *o,
                 struct cap_line *l, const struct cap_ks_sample *s,
                 int64_t rel_us, const char *who)
{
	struct cap_knote_sock *v = sock_of(n, s->cookie);

	if (v == NULL || s->kind == CAP_KS_RETRANS)
		return;
	snprintf(v->who, sizeof(v->who), "%s", who);
	if (s->cc[0] != '\0')
		snprintf(v->cc, sizeof(v->cc), "%s", s->cc);
	if (s->kind == CAP_KS_CONG) {
		if (s->source == n->primary)
			new_state(n, o, l, v, s->ca_state, rel_us);
		return;
	}
	state_sample(n, o, l, v, s, rel_us);
}

void
cap_knote_flush(struct cap_knote *n, const struct cap_out *o,
                struct cap_line *l)
{
	unsigned i;

	for (i = 0; i < n->nsocks; i++)
		if (n->socks[i].pending)
			tell_event(n, o, l, &n->socks[i], 0);
}
