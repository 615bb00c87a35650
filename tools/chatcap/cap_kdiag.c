/*
 * cap_kdiag.c — tcp_info of every TCP socket on the chat port, asked of the
 * kernel through sock_diag (what `ss -ti` does): one dump request per
 * address family, INET_DIAG_INFO for struct tcp_info and INET_DIAG_CONG
 * for the algorithm's name. Any user may ask; the answer covers the
 * network namespace chatcap runs in. See sock_diag(7).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "cap_kstate.h"

#define KDIAG_BUF 32768

/* Every TCP state but LISTEN (a listener sends nothing) and TIME_WAIT. */
#define KDIAG_STATES (0xfff & ~((1u << 10) | (1u << 6)))

int64_t
cap_ks_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
cap_kdiag_open(char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
	return fd;
}

/* Ask for the dump of family's TCP sockets, or for the one socket of
 * sample one (not NULL). 0 or -1. */
static int
send_request(int fd, int family, const struct cap_ks_sample *one)
{
	struct {
		struct nlmsghdr         nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = KDIAG_STATES;
	req.r.idiag_ext = (1 << (INET_DIAG_INFO - 1)) |
	                  (1 << (INET_DIAG_CONG - 1));
	if (one != NULL) {                  /* a hash lookup, not a walk */
		req.nlh.nlmsg_flags = NLM_F_REQUEST;
		req.r.id.idiag_sport = htons(one->local.port);
		req.r.id.idiag_dport = htons(one->remote.port);
		memcpy(req.r.id.idiag_src, one->local.addr, 16);
		memcpy(req.r.id.idiag_dst, one->remote.addr, 16);
		req.r.id.idiag_cookie[0] = (uint32_t)one->cookie;
		req.r.id.idiag_cookie[1] = (uint32_t)(one->cookie >> 32);
	}
	return sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
	              sizeof(nl)) < 0 ? -1 : 0;
}

static void
set_end(struct cap_ks_end *e, int family, const __be32 *addr, __be16 port)
{
	e->family = family == AF_INET6 ? 6 : 4;
	memcpy(e->addr, addr, e->family == 6 ? 16 : 4);
	e->port = ntohs(port);
}

/* What tcp_info says, in a sample. */
static void
from_info(struct cap_ks_sample *s, const struct tcp_info *ti)
{
	s->have = CAP_KS_H_CWND | CAP_KS_H_CA | CAP_KS_H_SRTT | CAP_KS_H_INFO;
	s->ca_state = ti->tcpi_ca_state;
	s->cwnd = ti->tcpi_snd_cwnd;
	s->ssthresh = ti->tcpi_snd_ssthresh;
	s->srtt_us = ti->tcpi_rtt;
	s->rttvar_us = ti->tcpi_rttvar;
	s->rto_us = ti->tcpi_rto;
	s->unacked = ti->tcpi_unacked;
	s->retrans = ti->tcpi_retrans;
	s->lost = ti->tcpi_lost;
	s->sacked = ti->tcpi_sacked;
	s->total_retrans = ti->tcpi_total_retrans;
	s->mss = ti->tcpi_snd_mss;
	s->pmtu = ti->tcpi_pmtu;
	s->delivery_rate = ti->tcpi_delivery_rate;
}

/* One inet_diag_msg: a sample when the socket is on port and has a
 * tcp_info (a TIME_WAIT socket, which a lookup still finds, has none: it
 * sends nothing, and its zeros are no window). Whether it made one. */
static bool
one_socket(const struct nlmsghdr *h, uint16_t port, int64_t asked_us,
           int64_t now_us, cap_ks_fn fn, void *arg)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a;
	struct cap_ks_sample s;
	struct tcp_info ti;
	bool info = false;
	int len;

	if (ntohs(m->id.idiag_sport) != port && ntohs(m->id.idiag_dport) != port)
		return false;
	memset(&s, 0, sizeof(s));
	memset(&ti, 0, sizeof(ti));
	s.t_us = now_us;
	s.asked_us = asked_us;
	s.source = CAP_KS_POLL;
	s.kind = CAP_KS_STATE;
	s.cookie = m->id.idiag_cookie[0] |
	           (uint64_t)m->id.idiag_cookie[1] << 32;
	set_end(&s.local, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	set_end(&s.remote, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	for (a = (const struct rtattr *)(m + 1); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type == INET_DIAG_INFO) {
			memcpy(&ti, RTA_DATA(a), n < sizeof(ti) ? n : sizeof(ti));
			info = true;
		}
		else if (a->rta_type == INET_DIAG_CONG && n > 0)
			snprintf(s.cc, sizeof(s.cc), "%.*s", (int)n,
			         (const char *)RTA_DATA(a));
	}
	if (!info)
		return false;
	from_info(&s, &ti);
	fn(arg, &s);
	return true;
}

/* Read the answers to one request until NLMSG_DONE (a dump) or the one
 * answer (single). 0; 1 the socket is gone (single); -1 with err. */
static int
read_dump(int fd, uint16_t port, int64_t asked_us, bool single, cap_ks_fn fn,
          void *arg, char *err, size_t errlen)
{
	static _Alignas(struct nlmsghdr) char buf[KDIAG_BUF];
	const struct nlmsghdr *h;
	int64_t now_us;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		now_us = cap_ks_wall_us();
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "sock_diag: %s",
			         n < 0 ? strerror(errno) : "closed");
			return -1;
		}
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (single && e->error == -ENOENT)
					return 1;
				snprintf(err, errlen, "sock_diag: %s",
				         strerror(-e->error));
				return -1;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
			    !one_socket(h, port, asked_us, now_us, fn, arg) &&
			    single)
				return 1;       /* only its TIME_WAIT is left */
			if (single)
				return 0;
		}
	}
}

int
cap_kdiag_poll(int fd, uint16_t port, cap_ks_fn fn, void *arg, char *err,
               size_t errlen)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int64_t asked_us;
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		asked_us = cap_ks_wall_us();
		if (send_request(fd, families[i], NULL) < 0) {
			snprintf(err, errlen, "sock_diag: %s", strerror(errno));
			return -1;
		}
		if (read_dump(fd, port, asked_us, false, fn, arg, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
cap_kdiag_query(int fd, const struct cap_ks_sample *one, cap_ks_fn fn,
                void *arg, char *err, size_t errlen)
{
	int64_t asked_us = cap_ks_wall_us();

	if (send_request(fd, one->local.family == 6 ? AF_INET6 : AF_INET,
	                 one) < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	return read_dump(fd, one->local.port, asked_us, true, fn, arg, err,
	                 errlen);
}

const char *
cap_ks_ca_name(unsigned ca)
{
	static const char *const names[] = { "open", "disorder", "cwr",
	                                     "recovery", "loss" };

	return ca < sizeof(names) / sizeof(names[0]) ? names[ca] : "?";
}

int
cap_ks_by_time(const void *a, const void *b)
{
	const struct cap_ks_sample *x = a, *y = b;

	return (x->t_us > y->t_us) - (x->t_us < y->t_us);
}
