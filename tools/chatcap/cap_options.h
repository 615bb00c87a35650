/*
 * cap_options.h — chatcap's command line (cap_options.c): what the options
 * ask for, and reading them from argv.
 */
#ifndef CAP_OPTIONS_H
#define CAP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define CAP_EXPR_MAX 2048
#define CAP_BUFFER_KIB 65536 /* -B default: 64 MiB, bursts of ~100k packets */

struct cap_config {
	const char *iface, *file, *write_file, *color, *lang;
	uint16_t    tcp_port, udp_port;
	uint64_t    count;
	bool        json, ladder, summary_only, list, rtt, follow;
	bool        tcp_info, tcp_info_trace; /* --tcp-info[=poll] */
	const char *ladder_out;    /* --ladder-out: an SVG or Mermaid file */
	const char *html_out;      /* --html: the interactive report */
	long long   width;             /* -1: the terminal's, or 80 */
	long long   buffer_kib;        /* -B: the kernel's capture buffer */
	char        expr[CAP_EXPR_MAX]; /* the trailing BPF words, joined */
};

/* Fill *cfg from the command line (the defaults first: ports 5000 and 5001,
 * width -1); 0 to go on, 1 done (--help, --version), -1 bad (said on
 * stderr). The language of the messages is cli_lang_scan()'s, before. */
int cap_options_parse(struct cap_config *cfg, int argc, char **argv);

#endif
