/*
 * tcpchat_info.c — the /tcp command of tcpchat: what the kernel's TCP
 * knows about this client's own connection, in words (getsockopt
 * TCP_INFO and TCP_CONGESTION, see tcp(7)): round-trip time and its
 * variation, retransmission timeout, congestion window in segments and
 * bytes, slow-start threshold, congestion state, retransmissions, MSS,
 * path MTU and the congestion-control algorithm. The same figures
 * `ss -ti` prints for the socket.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "catalog.h"
#include "tcpchat_info.h"
#include "term.h"

#define INFO_INF_SSTHRESH 0x7fffffffu   /* not set yet: no loss so far */

/* The TCP_CA_* state in words (include/net/tcp.h). */
static const char *
ca_words(unsigned ca)
{
	switch (ca) {
	case 0: return TR("open (no trouble)", "abierto (sin problemas)");
	case 1: return TR("disorder (duplicate ACKs or SACKs)",
	                  "desorden (ACK duplicados o SACK)");
	case 2: return TR("CWR (window reduced: ECN or a local queue)",
	                  "CWR (ventana reducida: ECN o una cola local)");
	case 3: return TR("recovery (fast retransmit, fast recovery)",
	                  "recuperaci\u00f3n (retransmisi\u00f3n r\u00e1pida)");
	case 4: return TR("loss (after an RTO)", "p\u00e9rdida (tras un RTO)");
	default: return "?";
	}
}

/* "ADDR:PORT" of one end of fd. */
static void
end_name(int fd, bool peer, char *out, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &sl)
	          : getsockname(fd, (struct sockaddr *)&ss, &sl)) == 0) {
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
			port = ntohs(s6->sin6_port);
			snprintf(out, cap, "[%s]:%u", a, port);
			return;
		}
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&ss)
		                        ->sin_addr, a, sizeof(a));
		port = ntohs(((const struct sockaddr_in *)(const void *)&ss)
		             ->sin_port);
	}
	snprintf(out, cap, "%s:%u", a, port);
}

/* The figures of ti, a line each. */
static void
show(struct term *t, int fd, const struct tcp_info *ti, const char *cc)
{
	char me[64], peer[64], ssth[64];

	end_name(fd, false, me, sizeof(me));
	end_name(fd, true, peer, sizeof(peer));
	if (ti->tcpi_snd_ssthresh >= INFO_INF_SSTHRESH)
		snprintf(ssth, sizeof(ssth), "%s", TR("not set (no loss yet)",
		                                      "sin fijar (a\u00fan sin "
		                                      "p\u00e9rdidas)"));
	else
		snprintf(ssth, sizeof(ssth), "%u %s", ti->tcpi_snd_ssthresh,
		         TR("segments", "segmentos"));
	term_note(t, TR("TCP %s -> %s, congestion control %s",
	                "TCP %s -> %s, control de congesti\u00f3n %s"),
	          me, peer, cc);
	term_note(t, TR("  RTT %.3f ms (variation %.3f ms), RTO %u ms",
	                "  RTT %.3f ms (variaci\u00f3n %.3f ms), RTO %u ms"),
	          ti->tcpi_rtt / 1000.0, ti->tcpi_rttvar / 1000.0,
	          ti->tcpi_rto / 1000);
	term_note(t, TR("  cwnd %u segments = %u bytes; ssthresh %s; %s",
	                "  cwnd %u segmentos = %u bytes; ssthresh %s; %s"),
	          ti->tcpi_snd_cwnd, ti->tcpi_snd_cwnd * ti->tcpi_snd_mss, ssth,
	          ti->tcpi_snd_cwnd < ti->tcpi_snd_ssthresh
	          ? TR("slow start", "arranque lento")
	          : TR("congestion avoidance", "evitaci\u00f3n de congesti\u00f3n"));
	term_note(t, TR("  state %s; unacknowledged %u, retransmitted now %u, "
	                "in all %u, lost %u",
	                "  estado %s; sin confirmar %u, retransmitiendo %u, "
	                "en total %u, perdidos %u"),
	          ca_words(ti->tcpi_ca_state), ti->tcpi_unacked,
	          ti->tcpi_retrans, ti->tcpi_total_retrans, ti->tcpi_lost);
	term_note(t, TR("  MSS %u bytes, path MTU %u bytes",
	                "  MSS %u bytes, MTU del camino %u bytes"),
	          ti->tcpi_snd_mss, ti->tcpi_pmtu);
}

bool
tcpchat_info_command(void *state, int fd, const char *line, size_t len,
                     struct term *t)
{
	struct tcp_info ti;
	socklen_t tl = sizeof(ti), cl;
	char cc[32] = "?";

	(void)state;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len != 4 || memcmp(line, "/tcp", 4) != 0)
		return false;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) < 0) {
		term_note(t, "TCP_INFO: %s", strerror(errno));
		return true;
	}
	cl = sizeof(cc) - 1;
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &cl) == 0)
		cc[cl < sizeof(cc) ? cl : sizeof(cc) - 1] = '\0';
	show(t, fd, &ti, cc);
	return true;
}
