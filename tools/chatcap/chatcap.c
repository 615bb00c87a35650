/*
 * chatcap.c — the capture tool of the lab: reads chat traffic (live or
 * from a file) and explains every packet, then compares TCP with UDP.
 * This file holds main, the per-packet dispatch and the output's setup;
 * the command line is cap_options.c, capture cap_capture.c, decoding
 * cap_decode.c, meaning cap_conv.c, and the output cap_text.c, cap_json.c,
 * cap_ladder.c and cap_summary.c.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "cap_capture.h"
#include "cap_decode.h"
#include "cap_emit.h"
#include "cap_follow.h"
#include "cap_html.h"
#include "cap_json.h"
#include "cap_kshow.h"
#include "cap_diagram.h"
#include "cap_ladder.h"
#include "cap_options.h"
#include "cap_pcapng.h"
#include "cap_summary.h"

#define PROG "chatcap"
#define DEFAULT_IFACE    "lo"

/* Everything the per-packet callback needs. */
struct run {
	const struct cap_config *cfg;
	struct cap_table     table;
	struct cap_emit      emit;      /* where each packet's words go */
	struct cap_kshow     ks;        /* the kernel's TCP state (--tcp-info) */
	int                  dlt;
	uint64_t             n;
	struct cap_html      html;      /* --html */
	bool                 failed;    /* the report could not be written */
	struct cap_source   *src;
};

/* A packet's time in microseconds, held in [0, 2^62]: a pcapng
 * interface's offset (if_tsoffset) or resolution (if_tsresol) can put any
 * second in tv_sec, and every difference of two such times must fit. */
#define T_MAX_US ((int64_t)1 << 62)

static int64_t
time_us(const struct timeval *tv)
{
	int64_t us;

	if (tv->tv_sec < 0)
		return 0;
	if (tv->tv_sec > T_MAX_US / 1000000 ||
	    __builtin_add_overflow((int64_t)tv->tv_sec * 1000000,
	                           (int64_t)tv->tv_usec, &us) || us > T_MAX_US)
		return T_MAX_US;
	return us < 0 ? 0 : us;
}

/* One packet: decode, follow, explain. Returns 1 for chat packets. */
static int
on_packet(void *arg, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct run *r = arg;
	struct cap_packet p;
	static struct cap_event ev;       /* big: kept off the stack */
	enum cap_result res;
	int64_t t_us = time_us(&h->ts);

	res = cap_decode(r->dlt, bytes, h->caplen, h->len, &p);
	res = cap_frag_packet(&r->table.frags, res, &p, t_us);
	if (cap_table_packet(&r->table, res, &p, t_us, &ev) < 0)
		return -1;
	if (r->src->live && (ev.ana.flags & (CAP_A_LOST_SEGMENT |
	                                     CAP_A_ACK_LOST_SEGMENT))) {
		cap_source_stats(r->src);       /* a gap: did the capture drop? */
		ev.capture_gap = r->src->dropped > 0;
	}
	r->n++;
	cap_kshow_due(&r->ks, &r->emit, &r->table, t_us);
	if (cap_emit_packet(&r->emit, r->n, t_us - r->table.st.first_us, h,
	                    bytes, &p, &ev) < 0)
		return -1;
	return ev.what == CAP_EV_OTHER ? 0 : 1;
}

static bool
locale_is_utf8(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
}

static void
finish(struct run *r)
{
	const char *name = pcap_datalink_val_to_name(r->dlt);
	struct cap_out *o = &r->emit.out;
	char err[512];

	cap_emit_flush(&r->emit);
	if (cap_kshow_close(&r->ks, &r->emit, &r->table) < 0)
		r->emit.error = true;
	o->link_name = name != NULL ? name : "?";
	r->table.st.live = r->src->live && r->src->stats_ok;
	r->table.st.kernel_dropped = r->src->dropped;
	cap_table_finish(&r->table);
	if (r->cfg->html_out != NULL &&
	    cap_html_finish(&r->html, &r->emit, &r->table, r->cfg->file != NULL
	                    ? r->cfg->file : r->cfg->iface != NULL
	                    ? r->cfg->iface : DEFAULT_IFACE, err,
	                    sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		r->failed = true;
	}
	if (r->cfg->ladder_out != NULL &&
	    cap_diagram_write(r->cfg->ladder_out, o, &r->table, err,
	                      sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", PROG, err);
	if (r->cfg->json) {
		cap_json_summary(o, &r->table);
		return;
	}
	if (r->cfg->ladder)
		cap_ladder_print(o, &r->table);
	if (r->cfg->follow)
		cap_follow_print(o, &r->table);
	cap_summary_print(o, &r->table);
	if (r->cfg->rtt)
		cap_summary_rtt(o, &r->table);
}

/* The columns to fit: --width N (0: no limit), else the terminal's, else
 * 80 (a file, a pipe: what a printout or a lab report takes). */
static unsigned
output_width(const struct cap_config *cfg)
{
	struct winsize ws;

	if (cfg->width >= 0)
		return (unsigned)cfg->width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Where and how to print; live, say so on stderr and print line by line. */
static void
start_output(struct run *r, const struct cap_config *cfg,
             struct cap_source *src)
{
	/* glibc ignores setvbuf's size when it is given no buffer (and then
	 * writes 4 KiB at a time): 64 KiB of its own, a write per batch. */
	static char outbuf[1 << 16];
	struct cap_emit *e = &r->emit;

	r->cfg = cfg;
	r->dlt = src->dlt;
	e->out = (struct cap_out){ .f = stdout, .tcp_port = cfg->tcp_port,
	                           .udp_port = cfg->udp_port,
	                           .color = !cfg->json &&
	                                    cli_color(cfg->color, STDOUT_FILENO),
	                           .utf8 = locale_is_utf8(),
	                           .width = output_width(cfg),
	                           .file = cfg->file };
	e->plain = e->out;
	e->plain.color = false;
	e->json = cfg->json && !cfg->summary_only;
	e->text = !cfg->json && !cfg->summary_only && !cfg->ladder &&
	          !cfg->follow;
	e->hold = !src->live;           /* files: wait to mark losses */
	r->src = src;
	if (src->live) {     /* flushed after each batch the kernel hands */
		fprintf(stderr, TR("%s: capturing on %s (TCP port %u, UDP port %u); "
		                   "Ctrl-C stops\n",
		                   "%s: capturando en %s (puerto TCP %u, UDP %u); "
		                   "Ctrl-C para terminar\n"), PROG, src->name, cfg->tcp_port,
		        cfg->udp_port);
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
}

/* The capture: -r FILE, else live on -i IFACE (lo). A -w file that is not
 * pcapng is libpcap's to write; a pcapng one is open_pcapng()'s. */
static enum cap_exit
open_source(struct cap_source *src, const struct cap_config *cfg, char *err,
            size_t errlen)
{
	const char *iface = cfg->iface != NULL ? cfg->iface : DEFAULT_IFACE;
	const char *dump = cfg->write_file;

	if (dump != NULL && cap_pcapng_wanted(dump))
		dump = NULL;
	return cap_source_open(src, cfg->file, iface, dump, cfg->tcp_port,
	                       cfg->udp_port,
	                       cfg->expr[0] != '\0' ? cfg->expr : NULL,
	                       cfg->buffer_kib, err, errlen);
}

/* -w FILE.pcapng: the file, its section comment (chatcap's version, the
 * ports, the command line) and the memory the comments are written in. */
static int
open_pcapng(struct run *r, const struct cap_config *cfg,
            const struct cap_source *src, int argc, char **argv)
{
	char note[4096];
	size_t used;
	int i;

	if (cfg->write_file == NULL || !cap_pcapng_wanted(cfg->write_file))
		return 0;
	used = (size_t)snprintf(note, sizeof(note), "chatcap %s; TCP port %u, "
	                        "UDP port %u; command:", REDCHAT_VERSION,
	                        cfg->tcp_port, cfg->udp_port);
	for (i = 0; i < argc && used < sizeof(note); i++)
		used += (size_t)snprintf(note + used, sizeof(note) - used, " %s",
		                         argv[i]);
	return cap_pcapng_open(&r->emit.ng, cfg->write_file, src->dlt,
	                       (unsigned)pcap_snapshot(src->pcap), note);
}

/* What a run writes to, opened in order: the kernel's samples (before
 * "capturing" is said), the output, the report, the pcapng. 0, or -1 with
 * the error printed; the caller closes what was opened. */
static int
start_run(struct run *r, const struct cap_config *cfg, struct cap_source *src,
          int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE + 512] = "";

	if (cap_kshow_open(&r->ks, cfg->tcp_info, cfg->tcp_info_trace,
	                   src->live, cfg->tcp_port, cfg->file, cfg->write_file,
	                   err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return -1;
	}
	start_output(r, cfg, src);
	if (cfg->html_out != NULL &&
	    cap_html_start(&r->html, &r->emit, cfg->html_out, err,
	                   sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return -1;
	}
	if (open_pcapng(r, cfg, src, argc, argv) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, cfg->write_file,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether everything printed reached standard output (a full disk, a
 * closed file): if not, say so, as the output is not what it should be. */
static bool
stdout_written(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	fprintf(stderr, "%s: %s: %s\n", PROG, TR("standard output",
	        "salida estándar"), strerror(errno));
	return false;
}

int
main(int argc, char **argv)
{
	struct cap_config cfg;
	static struct run r;
	struct cap_source src;
	enum cap_exit status;
	char err[PCAP_ERRBUF_SIZE + 512] = "";
	int ok;

	if (cli_lang_scan(PROG, argc, argv) < 0)       /* before any message */
		return CAP_EXIT_USAGE;
	if ((ok = cap_options_parse(&cfg, argc, argv)) != 0)
		return ok > 0 ? CAP_EXIT_OK : CAP_EXIT_USAGE;
	if (cfg.list) {
		if (cap_list_interfaces(stdout, err, sizeof(err)) == 0)
			return CAP_EXIT_OK;
		fprintf(stderr, "%s: %s\n", PROG, err);
		return CAP_EXIT_CAPTURE;
	}
	status = open_source(&src, &cfg, err, sizeof(err));
	if (status != CAP_EXIT_OK) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		cap_source_close(&src);
		return (int)status;
	}

	if (start_run(&r, &cfg, &src, argc, argv) < 0) {
		cap_html_free(&r.html);
		cap_kshow_abort(&r.ks);
		cap_emit_free(&r.emit);
		cap_source_close(&src);
		return CAP_EXIT_CAPTURE;
	}
	if (cap_table_init(&r.table, cfg.tcp_port, cfg.udp_port,
	                   cfg.ladder || cfg.ladder_out != NULL) < 0)
		status = CAP_EXIT_CAPTURE;
	else {
		r.table.keep_rtt = cfg.rtt;
		r.table.keep_follow = cfg.follow;
		status = cap_source_run(&src, cfg.count, on_packet, &r, err,
		                        sizeof(err));
	}
	if (status != CAP_EXIT_LINKTYPE)      /* nothing could be read */
		finish(&r);
	if (status != CAP_EXIT_OK)
		fprintf(stderr, "%s: %s\n", PROG, err);
	if (!stdout_written() && status == CAP_EXIT_OK)
		status = CAP_EXIT_CAPTURE;
	if ((cap_pcapng_close(&r.emit.ng) < 0 || r.emit.error) &&
	    status == CAP_EXIT_OK) {
		fprintf(stderr, "%s: %s: %s\n", PROG, cfg.write_file,
		        TR("write error", "error de escritura"));
		status = CAP_EXIT_CAPTURE;
	}
	if (r.failed && status == CAP_EXIT_OK)
		status = CAP_EXIT_CAPTURE;
	cap_kshow_abort(&r.ks);               /* when finish() was not reached */
	cap_html_free(&r.html);
	cap_emit_free(&r.emit);
	cap_table_free(&r.table);
	cap_source_close(&src);
	return (int)status;
}
