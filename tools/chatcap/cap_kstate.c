/*
 * cap_kstate.c — the sampler thread (cap_kstate.h): every CAP_KS_POLL_MS it
 * reads what the tracepoints wrote and asks sock_diag for tcp_info, keeps
 * a sample only when something worth showing changed, and queues it for
 * the capture's thread, which takes the samples due before each packet.
 * A dump of every socket walks the kernel's whole connection table, so
 * new sockets are looked for every CAP_KS_DUMP_MS (or when a tracepoint
 * names one), and the known ones are asked about one by one.
 * A tracepoint sample is kept only for a socket of this network namespace
 * (its cookie is in a sock_diag answer): tracepoints see every namespace.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cap_kstate.h"

#define KS_SOCKS   512       /* sockets followed at once */
#define KS_FOREIGN 256       /* cookies seen in the trace, not ours */

/* What was last kept of one socket, to keep only changes. */
struct ks_sock {
	uint64_t             cookie;
	struct cap_ks_sample poll;    /* the last polled sample kept */
	uint32_t             t_cwnd, t_ssthresh; /* the last traced ones */
	bool                 traced;
	bool                 gone;    /* closed: no longer asked about */
};

struct cap_kstate {
	pthread_t          thread;
	pthread_mutex_t    lock;
	atomic_bool        stop;
	uint16_t           port;
	int                diag;          /* sock_diag socket */
	struct cap_ktrace *trace;         /* NULL: polling only */
	struct ks_sock     socks[KS_SOCKS];
	size_t             nsocks;
	uint64_t           foreign[KS_FOREIGN];
	unsigned           nforeign;
	struct cap_ks_sample *q;          /* waiting, under lock */
	size_t             nq, qcap;
	uint64_t           dropped;
	bool               diag_failed;   /* said once */
	bool               halted;        /* the thread is done */
	bool               tracing;       /* trace was opened */
};

/* Queue s for the capture's thread (dropped, and counted, when full). */
static void
enqueue(struct cap_kstate *ks, const struct cap_ks_sample *s)
{
	pthread_mutex_lock(&ks->lock);
	if (ks->nq == ks->qcap && ks->qcap < CAP_KS_MAX) {
		size_t cap = ks->qcap == 0 ? 1024 : ks->qcap * 2;
		struct cap_ks_sample *q = realloc(ks->q, cap * sizeof(*q));

		if (q != NULL) {
			ks->q = q;
			ks->qcap = cap;
		}
	}
	if (ks->nq < ks->qcap)
		ks->q[ks->nq++] = *s;
	else
		ks->dropped++;
	pthread_mutex_unlock(&ks->lock);
}

static struct ks_sock *
find_sock(struct cap_kstate *ks, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < ks->nsocks; i++)
		if (ks->socks[i].cookie == cookie)
			return &ks->socks[i];
	return NULL;
}

/* A slot for a new socket: a free one, else one whose socket is gone. */
static struct ks_sock *
free_sock(struct cap_kstate *ks)
{
	size_t i;

	if (ks->nsocks < KS_SOCKS)
		return &ks->socks[ks->nsocks++];
	for (i = 0; i < KS_SOCKS; i++)
		if (ks->socks[i].gone)
			return &ks->socks[i];
	return NULL;
}

/* A polled sample differs from the last kept in what the lesson shows. */
static bool
poll_changed(const struct cap_ks_sample *a, const struct cap_ks_sample *b)
{
	return a->cwnd != b->cwnd || a->ssthresh != b->ssthresh ||
	       a->ca_state != b->ca_state || a->rto_us != b->rto_us ||
	       a->total_retrans != b->total_retrans || a->lost != b->lost ||
	       strcmp(a->cc, b->cc) != 0;
}

static void
on_poll(void *arg, const struct cap_ks_sample *sample)
{
	struct cap_kstate *ks = arg;
	struct ks_sock *k = find_sock(ks, sample->cookie);
	struct cap_ks_sample s = *sample;

	if (k == NULL) {
		if ((k = free_sock(ks)) == NULL) {
			ks->dropped++;
			return;
		}
		memset(k, 0, sizeof(*k));
		k->cookie = s.cookie;
	} else {
		if (s.cc[0] == '\0')          /* a lookup may not name it */
			memcpy(s.cc, k->poll.cc, sizeof(s.cc));
		if (!poll_changed(&s, &k->poll))
			return;
	}
	k->poll = s;
	enqueue(ks, &s);
}

static void
diag_failed(struct cap_kstate *ks, const char *err)
{
	if (!ks->diag_failed) {
		ks->diag_failed = true;
		fprintf(stderr, "chatcap: %s\n", err);
	}
}

/* Every TCP socket on the port: the sockets to follow. */
static void
poll_now(struct cap_kstate *ks)
{
	char err[256];

	if (cap_kdiag_poll(ks->diag, ks->port, on_poll, ks, err,
	                   sizeof(err)) < 0)
		diag_failed(ks, err);
}

/* The sockets followed, each by a lookup of its own. */
static void
poll_known(struct cap_kstate *ks)
{
	char err[256];
	size_t i;
	int r;

	for (i = 0; i < ks->nsocks; i++) {
		if (ks->socks[i].gone)
			continue;
		r = cap_kdiag_query(ks->diag, &ks->socks[i].poll, on_poll, ks,
		                    err, sizeof(err));
		if (r < 0)
			diag_failed(ks, err);
		else if (r > 0)
			ks->socks[i].gone = true;
	}
}

/* The socket of a traced sample, if it is one of this namespace's. */
static struct ks_sock *
traced_sock(struct cap_kstate *ks, uint64_t cookie)
{
	struct ks_sock *k = find_sock(ks, cookie);
	unsigned i;

	if (k != NULL)
		return k;
	for (i = 0; i < ks->nforeign && i < KS_FOREIGN; i++)
		if (ks->foreign[i] == cookie)
			return NULL;
	poll_now(ks);                       /* a connection just made? */
	if ((k = find_sock(ks, cookie)) == NULL)
		ks->foreign[ks->nforeign++ % KS_FOREIGN] = cookie;
	return k;
}

static void
on_trace(void *arg, const struct cap_ks_sample *s)
{
	struct cap_kstate *ks = arg;
	struct ks_sock *k = traced_sock(ks, s->cookie);

	if (k == NULL)
		return;
	if (s->kind == CAP_KS_STATE) {
		if (k->traced && s->cwnd == k->t_cwnd &&
		    s->ssthresh == k->t_ssthresh)
			return;
		k->traced = true;
		k->t_cwnd = s->cwnd;
		k->t_ssthresh = s->ssthresh;
	}
	enqueue(ks, s);
}

static void *
run(void *arg)
{
	struct cap_kstate *ks = arg;
	struct timespec tick = { 0, CAP_KS_POLL_MS * 1000000L };
	unsigned n = 0;

	while (!atomic_load(&ks->stop)) {
		if (ks->trace != NULL)
			cap_ktrace_read(ks->trace, on_trace, ks);
		if (n++ % (CAP_KS_DUMP_MS / CAP_KS_POLL_MS) == 0)
			poll_now(ks);
		else
			poll_known(ks);
		nanosleep(&tick, NULL);
	}
	if (ks->trace != NULL)                  /* what came before the stop */
		cap_ktrace_read(ks->trace, on_trace, ks);
	poll_now(ks);
	return NULL;
}

struct cap_kstate *
cap_kstate_start(uint16_t port, bool trace, char *err, size_t errlen)
{
	struct cap_kstate *ks = calloc(1, sizeof(*ks));
	char why[256] = "";
	sigset_t all, old;
	int e;

	if (ks == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	ks->port = port;
	pthread_mutex_init(&ks->lock, NULL);
	if ((ks->diag = cap_kdiag_open(err, errlen)) < 0) {
		free(ks);
		return NULL;
	}
	if (trace && (ks->trace = cap_ktrace_open(port, why, sizeof(why))) == NULL)
		fprintf(stderr, TR("chatcap: %s; tcp_info by polling only\n",
		                   "chatcap: %s; tcp_info solo por sondeo\n"), why);
	ks->tracing = ks->trace != NULL;
	sigfillset(&all);                   /* signals are the capture's */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&ks->thread, NULL, run, ks);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(e));
		cap_ktrace_close(ks->trace);
		(void)close(ks->diag);
		free(ks);
		return NULL;
	}
	return ks;
}

size_t
cap_kstate_take(struct cap_kstate *ks, int64_t upto_us,
                struct cap_ks_sample *out, size_t max)
{
	size_t i, kept = 0, n = 0;

	pthread_mutex_lock(&ks->lock);
	for (i = 0; i < ks->nq; i++) {
		if (n < max && ks->q[i].t_us <= upto_us)
			out[n++] = ks->q[i];
		else
			ks->q[kept++] = ks->q[i];
	}
	ks->nq = kept;
	pthread_mutex_unlock(&ks->lock);
	qsort(out, n, sizeof(*out), cap_ks_by_time);   /* trace and poll interleaved */
	return n;
}

bool
cap_kstate_tracing(const struct cap_kstate *ks)
{
	return ks->tracing;
}

uint64_t
cap_kstate_halt(struct cap_kstate *ks)
{
	if (!ks->halted) {
		ks->halted = true;
		atomic_store(&ks->stop, true);
		pthread_join(ks->thread, NULL);
		cap_ktrace_close(ks->trace);
		ks->trace = NULL;
	}
	return ks->dropped;
}

void
cap_kstate_stop(struct cap_kstate *ks)
{
	if (ks == NULL)
		return;
	(void)cap_kstate_halt(ks);
	(void)close(ks->diag);
	pthread_mutex_destroy(&ks->lock);
	free(ks->q);
	free(ks);
}
