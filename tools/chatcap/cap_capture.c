/*
 * cap_capture.c — opening a capture the libpcap way and reading it:
 *
 *   live:  pcap_create -> setters -> pcap_activate (> 0 is a warning)
 *   file:  fopen (to tell a missing file from an empty one) ->
 *          pcap_fopen_offline
 *   then:  link type check -> filter -> pcap_dump_open (-w)
 *          -> pcap_next_ex loop (1 packet, 0 timeout, -2 end or Ctrl-C,
 *             -1 error), pcap_breakloop from the signal handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "cap_capture.h"
#include "cap_link.h"

/* The capture Ctrl-C should stop. A signal handler may only touch this. */
static pcap_t *volatile active;

static void
on_signal(int sig)
{
	(void)sig;
	if (active != NULL)
		pcap_breakloop(active);
}

/* ---------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------ */

static enum cap_exit
open_live(struct cap_source *s, const char *iface, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int r;

	s->live = true;
	s->name = iface;
	if ((s->pcap = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		return CAP_EXIT_CAPTURE;
	}
	pcap_set_snaplen(s->pcap, CAP_SNAPLEN);
	pcap_set_promisc(s->pcap, 0);
	pcap_set_timeout(s->pcap, CAP_TIMEOUT_MS);
	pcap_set_immediate_mode(s->pcap, 1);   /* show each packet at once */
	r = pcap_activate(s->pcap);
	if (r > 0) {
		fprintf(stderr, TR("chatcap: %s: warning: %s\n",
		                   "chatcap: %s: aviso: %s\n"),
		        iface, pcap_geterr(s->pcap));
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
	s->pcap = pcap_fopen_offline(fp, ebuf);
	if (s->pcap == NULL) {
		if (fp != stdin)
			fclose(fp);
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
                const char *expr, char *err, size_t errlen)
{
	const char *dlt_name;
	enum cap_exit r;

	memset(s, 0, sizeof(*s));
	r = file != NULL ? open_file(s, file, err, errlen)
	                 : open_live(s, iface, err, errlen);
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

/* Hand one packet to fn; count it (and save it) when fn kept it. */
static int
take(struct cap_source *s, struct pcap_pkthdr *h, const u_char *bytes,
     uint64_t *kept, cap_packet_fn fn, void *arg)
{
	int r = fn(arg, h, bytes);

	if (r > 0) {
		(*kept)++;
		if (s->dump != NULL)
			pcap_dump((u_char *)s->dump, h, bytes);
	}
	return r;
}

/* After Ctrl-C: the packets the kernel already captured are still shown
 * (without this, the last ones of a conversation could be missing). */
static enum cap_exit
drain(struct cap_source *s, uint64_t count, uint64_t *kept, cap_packet_fn fn,
      void *arg)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *bytes;

	if (pcap_setnonblock(s->pcap, 1, ebuf) < 0)
		return CAP_EXIT_OK;
	while ((count == 0 || *kept < count) &&
	       pcap_next_ex(s->pcap, &h, &bytes) == 1)
		if (take(s, h, bytes, kept, fn, arg) < 0)
			return CAP_EXIT_CAPTURE;
	return CAP_EXIT_OK;
}

enum cap_exit
cap_source_run(struct cap_source *s, uint64_t count, cap_packet_fn fn,
               void *arg, char *err, size_t errlen)
{
	struct sigaction sa, old_int, old_term;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	enum cap_exit status = CAP_EXIT_OK;
	uint64_t kept = 0;
	int r = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;           /* no SA_RESTART: wake the read */
	sigemptyset(&sa.sa_mask);
	active = s->pcap;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	while (count == 0 || kept < count) {
		r = pcap_next_ex(s->pcap, &h, &bytes);
		if (r == 0)
			continue;                    /* live: timeout, nothing came */
		if (r == PCAP_ERROR_BREAK) {         /* end of file, or Ctrl-C */
			if (s->live)
				status = drain(s, count, &kept, fn, arg);
			break;
		}
		if (r == PCAP_ERROR) {
			const char *e = pcap_geterr(s->pcap);

			if (strstr(e, "different from the type") != NULL) {
				/* pcapng: a second interface of another link type */
				status = CAP_EXIT_LINKTYPE;
				snprintf(err, errlen, TR("%s: its interfaces have different "
				                         "link types (%s); chatcap reads one "
				                         "link type per file",
				                         "%s: sus interfaces tienen tipos de "
				                         "enlace distintos (%s); chatcap lee "
				                         "un tipo de enlace por archivo"),
				         s->name, e);
				break;
			}
			status = !s->live && strstr(e, "truncated") != NULL
			         ? CAP_EXIT_TRUNCATED : CAP_EXIT_CAPTURE;
			snprintf(err, errlen, status == CAP_EXIT_TRUNCATED
			         ? TR("%s: truncated capture: the file ends inside a "
			              "packet (%s); the packets before it are summarised",
			              "%s: captura truncada: el archivo acaba dentro de "
			              "un paquete (%s); se resume lo anterior")
			         : "%s: %s", s->name, e);
			break;
		}
		if (take(s, h, bytes, &kept, fn, arg) < 0) {
			status = CAP_EXIT_CAPTURE;
			break;
		}
	}
	if (status == CAP_EXIT_CAPTURE && r != PCAP_ERROR)
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
