/*
 * cap_capture.c — opening a capture the libpcap way and reading it:
 *
 *   live:  pcap_create -> setters -> pcap_activate (> 0 is a warning)
 *   file:  fopen (to tell a missing file from an empty one) ->
 *          pcap_fopen_offline
 *   then:  link type check -> filter -> pcap_dump_open (-w)
 *   file:  pcap_next_ex loop (1 packet, -2 end, -1 error)
 *   live:  pcap_dispatch loop (every packet the kernel holds, then a
 *          flush of the output and, once a second, pcap_stats: no
 *          system call per packet), pcap_breakloop from the signal
 *          handler (Ctrl-C) or when -c is reached.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "cap_capture.h"
#include "cap_link.h"

#define CAP_FILE_BUF (1024 * 1024) /* stdio buffer of a capture file */

/* The capture Ctrl-C should stop. A signal handler may only touch these. */
static pcap_t *volatile active;
static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	if (active != NULL)
		pcap_breakloop(active);
}

/* ---------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------ */

/* Whether iface is a loopback interface (there the kernel hands a packet
 * socket each packet twice, leaving and arriving). */
static bool
is_loopback(const char *iface)
{
	struct ifreq ifr;
	bool lo = false;
	int fd;

	if (strlen(iface) >= sizeof(ifr.ifr_name) ||
	    (fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, iface, strlen(iface));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		lo = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	close(fd);
	return lo;
}

/* On a loopback interface the kernel hands a packet socket each packet
 * twice, leaving and arriving; libpcap throws the first copy away, but
 * the kernel's counters (and its buffer) count both. Asking for the
 * arriving copy alone makes "dropped" count packets. (Linux 4.20 on;
 * elsewhere the option fails and libpcap's own discarding remains.) */
static void
ignore_outgoing(struct cap_source *s)
{
	int on = 1;

	s->loopback = setsockopt(pcap_fileno(s->pcap), SOL_PACKET,
	                         PACKET_IGNORE_OUTGOING, &on, sizeof(on)) == 0;
}

static enum cap_exit
open_live(struct cap_source *s, const char *iface, long long buffer_kib,
          char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int r;

	s->live = true;
	s->name = iface;
	s->loopback = is_loopback(iface);
	if ((s->pcap = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		return CAP_EXIT_CAPTURE;
	}
	pcap_set_snaplen(s->pcap, CAP_SNAPLEN);
	pcap_set_promisc(s->pcap, 0);
	pcap_set_timeout(s->pcap, CAP_TIMEOUT_MS);
	/* Not immediate mode: the kernel then packs packets into blocks
	 * (Linux TPACKET_V3) handed over when full or CAP_TIMEOUT_MS old, so
	 * a buffer holds as many small packets as fit, not one 64 KiB slot
	 * each; a packet is shown at most that late. */
	pcap_set_buffer_size(s->pcap, (int)(buffer_kib * 1024)); /* bursts */
	r = pcap_activate(s->pcap);
	if (r > 0) {
		fprintf(stderr, TR("chatcap: %s: warning: %s\n",
		                   "chatcap: %s: aviso: %s\n"),
		        iface, pcap_geterr(s->pcap));
	} else if (r == 0 && s->loopback) {
		ignore_outgoing(s);
	} else if (r == PCAP_ERROR_PERM_DENIED) {
		snprintf(err, errlen, TR("%s: no permission to capture; run it "
		                         "with sudo, or once: sudo setcap "
		                         "cap_net_raw,cap_net_admin=eip bin/chatcap",
		                         "%s: sin permiso para capturar; usa sudo, "
		                         "o una vez: sudo setcap "
		                         "cap_net_raw,cap_net_admin=eip bin/chatcap"),
		         iface);
		return CAP_EXIT_PERM;
	} else if (r == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(err, errlen, TR("%s: no such interface (see chatcap -D)",
		                         "%s: no existe esa interfaz (mira "
		                         "chatcap -D)"), iface);
		return CAP_EXIT_CAPTURE;
	} else if (r < 0) {
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(s->pcap));
		return CAP_EXIT_CAPTURE;
	}
	return CAP_EXIT_OK;
}

/* libpcap reads a file with two fread()s a packet: through a big buffer
 * they are copies from memory, with a read() every CAP_FILE_BUF bytes
 * instead of every 4 KiB; and as only this thread reads the file, stdio
 * need not lock it on each call (two atomic instructions a call, a tenth
 * of a --summary run). Standard input keeps its own buffer. */
static void
file_buffer(struct cap_source *s, FILE *fp)
{
	if (fp == stdin)
		return;
	if ((s->file_buf = malloc(CAP_FILE_BUF)) != NULL &&
	    setvbuf(fp, s->file_buf, _IOFBF, CAP_FILE_BUF) != 0) {
		free(s->file_buf);
		s->file_buf = NULL;
	}
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
}

static enum cap_exit
open_file(struct cap_source *s, const char *file, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;
	FILE *fp;

	s->name = file;
	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "rb")) == NULL) {
		snprintf(err, errlen, TR("%s: cannot open: %s",
		                         "%s: no se puede abrir: %s"),
		         file, strerror(errno));
		return CAP_EXIT_NOFILE;
	}
	if (fstat(fileno(fp), &st) < 0)
		memset(&st, 0, sizeof(st));
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, TR("%s: is a directory, not a capture file",
		                         "%s: es un directorio, no una captura"),
		         file);
		fclose(fp);
		return CAP_EXIT_NOFILE;
	}
	if (fp != stdin && S_ISREG(st.st_mode) && st.st_size == 0) {
		snprintf(err, errlen, TR("%s: empty file, no capture in it",
		                         "%s: archivo vac\u00edo, no hay captura"),
		         file);
		fclose(fp);
		return CAP_EXIT_EMPTY;
	}
	file_buffer(s, fp);
	s->pcap = pcap_fopen_offline(fp, ebuf);
	if (s->pcap == NULL) {
		if (fp != stdin)
			fclose(fp);
		free(s->file_buf);
		s->file_buf = NULL;
		if (strstr(ebuf, "only got 0") != NULL &&
		    strstr(ebuf, "header") != NULL) {   /* "-" with nothing in it */
			snprintf(err, errlen, TR("%s: empty input, no capture in it",
			                         "%s: entrada vac\u00eda, no hay "
			                         "captura"), file);
			return CAP_EXIT_EMPTY;
		}
		if (strstr(ebuf, "truncated") != NULL) {
			snprintf(err, errlen, TR("%s: truncated capture: the file ends "
			                         "inside its header (%s)",
			                         "%s: captura truncada: el archivo "
			                         "acaba dentro de su cabecera (%s)"),
			         file, ebuf);
			return CAP_EXIT_TRUNCATED;
		}
		snprintf(err, errlen, TR("%s: not a pcap or pcapng capture (%s)",
		                         "%s: no es una captura pcap ni pcapng "
		                         "(%s)"), file, ebuf);
		return CAP_EXIT_NOTCAP;
	}
	return CAP_EXIT_OK;
}

/*
 * The filter. Live, the kernel keeps only the chat ports, ICMP and ICMPv6
 * (errors about chat packets are told apart later) and IP fragments past
 * the first (they carry no ports; cap_frag.c needs them). (On Linux the
 * kernel filter sees VLAN-tagged frames without their tag, so no "vlan"
 * clause is needed; simplification: IPv6 packets with extension headers do
 * not match "tcp port N" there.) From a file, only the user's expression is
 * applied, and the decoders pick the chat ports themselves.
 */
static enum cap_exit
set_filter(struct cap_source *s, uint16_t tcp_port, uint16_t udp_port,
           const char *expr, char *err, size_t errlen)
{
	char text[4096], ports[256];
	struct bpf_program prog;

	snprintf(ports, sizeof(ports), "tcp port %u or udp port %u or icmp or "
	         "icmp6 or (ip and ip[6:2] & 0x1fff != 0) or "
	         "(ip6 and ip6[6] == 44)", tcp_port, udp_port);
	if (s->live && expr != NULL)
		snprintf(text, sizeof(text), "(%s) and (%s)", ports, expr);
	else if (s->live)
		snprintf(text, sizeof(text), "%s", ports);
	else if (expr != NULL)
		snprintf(text, sizeof(text), "%s", expr);
	else
		return CAP_EXIT_OK;
	if (pcap_compile(s->pcap, &prog, text, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, TR("bad filter expression '%s': %s",
		                         "expresi\u00f3n de filtro incorrecta '%s': "
		                         "%s"), expr != NULL ? expr : text,
		         pcap_geterr(s->pcap));
		return CAP_EXIT_USAGE;
	}
	if (pcap_setfilter(s->pcap, &prog) < 0) {
		snprintf(err, errlen, "%s: %s", s->name, pcap_geterr(s->pcap));
		pcap_freecode(&prog);
		return CAP_EXIT_CAPTURE;
	}
	pcap_freecode(&prog);
	return CAP_EXIT_OK;
}

enum cap_exit
cap_source_open(struct cap_source *s, const char *file, const char *iface,
                const char *write_file, uint16_t tcp_port, uint16_t udp_port,
                const char *expr, long long buffer_kib, char *err,
                size_t errlen)
{
	const char *dlt_name;
	enum cap_exit r;

	memset(s, 0, sizeof(*s));
	r = file != NULL ? open_file(s, file, err, errlen)
	                 : open_live(s, iface, buffer_kib, err, errlen);
	if (r != CAP_EXIT_OK)
		return r;
	s->dlt = pcap_datalink(s->pcap);
	if (!cap_link_supported(s->dlt)) {
		dlt_name = pcap_datalink_val_to_name(s->dlt);
		snprintf(err, errlen, TR("%s: link type %s (%d) is not supported "
		                         "(chatcap reads %s)",
		                         "%s: el tipo de enlace %s (%d) no est\u00e1 "
		                         "soportado (chatcap lee %s)"),
		         s->name, dlt_name != NULL ? dlt_name : "?", s->dlt,
		         cap_link_supported_list());
		return CAP_EXIT_LINKTYPE;
	}
	if ((r = set_filter(s, tcp_port, udp_port, expr, err, errlen)) != 0)
		return r;
	cap_source_stats(s);          /* drops before the filter: not ours */
	s->drop_base = s->dropped;
	s->dropped = 0;
	if (write_file != NULL &&
	    (s->dump = pcap_dump_open(s->pcap, write_file)) == NULL) {
		snprintf(err, errlen, "%s", pcap_geterr(s->pcap));
		return CAP_EXIT_CAPTURE;
	}
	return CAP_EXIT_OK;
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

/* Hand one packet to fn; count it when fn kept it; save it (-w). */
static int
take(struct cap_source *s, const struct pcap_pkthdr *h, const u_char *bytes,
     uint64_t *kept, cap_packet_fn fn, void *arg)
{
	int r = fn(arg, h, bytes);

	if (r > 0)
		(*kept)++;
	if (r >= 0 && s->dump != NULL)       /* every packet read, as read */
		pcap_dump((u_char *)s->dump, h, bytes);
	return r;
}

/* What the live loop's callback needs. */
struct reader {
	struct cap_source *s;
	uint64_t           count, kept;
	cap_packet_fn      fn;
	void              *arg;
	bool               failed;
};

static void
on_dispatch(u_char *u, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct reader *rd = (struct reader *)u;

	if (rd->failed || (rd->count != 0 && rd->kept >= rd->count))
		return;
	if (take(rd->s, h, bytes, &rd->kept, rd->fn, rd->arg) < 0) {
		rd->failed = true;
		pcap_breakloop(rd->s->pcap);
	} else if (rd->count != 0 && rd->kept >= rd->count) {
		pcap_breakloop(rd->s->pcap);
	}
}

void
cap_source_stats(struct cap_source *s)
{
	struct pcap_stat ps;

	if (!s->live || pcap_stats(s->pcap, &ps) < 0)
		return;
	s->stats_ok = true;
	s->dropped = ps.ps_drop >= s->drop_base ? ps.ps_drop - s->drop_base : 0;
	s->stats_sec = time(NULL);
}

/* After Ctrl-C: the packets the kernel already captured are still shown
 * (without this, the last ones of a conversation could be missing). */
static void
drain(struct reader *rd)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	struct timespec block = { 0, 2 * CAP_TIMEOUT_MS * 1000000L };

	nanosleep(&block, NULL);      /* the kernel hands its last block over */
	if (pcap_setnonblock(rd->s->pcap, 1, ebuf) < 0)
		return;
	while (!rd->failed && (rd->count == 0 || rd->kept < rd->count) &&
	       pcap_dispatch(rd->s->pcap, -1, on_dispatch, (u_char *)rd) > 0)
		;
}

static enum cap_exit
run_live(struct cap_source *s, struct reader *rd, char *err, size_t errlen)
{
	int r;

	cap_source_stats(s);
	while (!rd->failed && (rd->count == 0 || rd->kept < rd->count)) {
		r = pcap_dispatch(s->pcap, -1, on_dispatch, (u_char *)rd);
		fflush(stdout);      /* the batch shown; errors: ferror() */
		if (time(NULL) != s->stats_sec)
			cap_source_stats(s);
		if (r == PCAP_ERROR) {
			snprintf(err, errlen, "%s: %s", s->name, pcap_geterr(s->pcap));
			return CAP_EXIT_CAPTURE;
		}
		if (r == PCAP_ERROR_BREAK && stopping) {
			drain(rd);
			break;
		}
	}
	cap_source_stats(s);
	return rd->failed ? CAP_EXIT_CAPTURE : CAP_EXIT_OK;
}

/* A file's read errors chatcap puts in words: what libpcap's message
 * holds, what it means. */
static const struct {
	const char   *needle, *en, *es;
	enum cap_exit status;
} file_errors[] = {
	{ "different from the type",      /* pcapng: a second interface */
	  "%s: its interfaces have different link types (%s); chatcap reads "
	  "one link type per file",
	  "%s: sus interfaces tienen tipos de enlace distintos (%s); chatcap "
	  "lee un tipo de enlace por archivo", CAP_EXIT_LINKTYPE },
	{ "truncated",
	  "%s: truncated capture: the file ends inside a packet (%s); the "
	  "packets before it are summarised",
	  "%s: captura truncada: el archivo acaba dentro de un paquete (%s); "
	  "se resume lo anterior", CAP_EXIT_TRUNCATED },
};

static enum cap_exit
file_error(struct cap_source *s, char *err, size_t errlen)
{
	const char *e = pcap_geterr(s->pcap);
	size_t i;

	for (i = 0; i < sizeof(file_errors) / sizeof(file_errors[0]); i++)
		if (strstr(e, file_errors[i].needle) != NULL) {
			snprintf(err, errlen, TR(file_errors[i].en,
			                         file_errors[i].es), s->name, e);
			return file_errors[i].status;
		}
	snprintf(err, errlen, "%s: %s", s->name, e);
	return CAP_EXIT_CAPTURE;
}

static enum cap_exit
run_file(struct cap_source *s, struct reader *rd, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	int r;

	while (rd->count == 0 || rd->kept < rd->count) {
		r = pcap_next_ex(s->pcap, &h, &bytes);
		if (r == PCAP_ERROR_BREAK)           /* end of file, or Ctrl-C */
			break;
		if (r == PCAP_ERROR)
			return file_error(s, err, errlen);
		if (r == 1 && take(s, h, bytes, &rd->kept, rd->fn, rd->arg) < 0)
			return CAP_EXIT_CAPTURE;
	}
	return CAP_EXIT_OK;
}

enum cap_exit
cap_source_run(struct cap_source *s, uint64_t count, cap_packet_fn fn,
               void *arg, char *err, size_t errlen)
{
	struct sigaction sa, old_int, old_term;
	struct reader rd = { .s = s, .count = count, .fn = fn, .arg = arg };
	enum cap_exit status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;           /* no SA_RESTART: wake the read */
	sigemptyset(&sa.sa_mask);
	stopping = 0;
	active = s->pcap;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	status = s->live ? run_live(s, &rd, err, errlen)
	                 : run_file(s, &rd, err, errlen);
	if (status == CAP_EXIT_CAPTURE && err[0] == '\0')
		snprintf(err, errlen, TR("out of memory", "sin memoria"));
	active = NULL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}

void
cap_source_close(struct cap_source *s)
{
	if (s->dump != NULL)
		pcap_dump_close(s->dump);
	if (s->pcap != NULL)
		pcap_close(s->pcap);
	free(s->file_buf);                   /* after the FILE that used it */
	memset(s, 0, sizeof(*s));
}

int
cap_list_interfaces(FILE *f, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all, *d;
	int i = 0;

	if (pcap_findalldevs(&all, ebuf) < 0) {
		snprintf(err, errlen, "%s", ebuf);
		return -1;
	}
	for (d = all; d != NULL; d = d->next)
		fprintf(f, "%d.%s%s%s%s\n", ++i, d->name,
		        d->description != NULL ? " (" : "",
		        d->description != NULL ? d->description : "",
		        d->description != NULL ? ")" : "");
	pcap_freealldevs(all);
	return 0;
}
