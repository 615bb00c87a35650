/*
 * cap_capture.h — where packets come from: a live interface or a capture
 * file (pcap or pcapng), opened the libpcap way, with the filter, the
 * optional -w copy, Ctrl-C, and an exit status for each way it can fail.
 * Decoding and printing are not done here.
 */
#ifndef CAP_CAPTURE_H
#define CAP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <pcap/pcap.h>

/* Exit statuses of chatcap, documented in chatcap(1). */
enum cap_exit {
	CAP_EXIT_OK        = 0,
	CAP_EXIT_USAGE     = 1, /* bad option, argument or filter expression */
	CAP_EXIT_NOFILE    = 2, /* the file is missing or cannot be read */
	CAP_EXIT_EMPTY     = 3, /* the file is empty */
	CAP_EXIT_NOTCAP    = 4, /* the file is not a pcap or pcapng capture */
	CAP_EXIT_TRUNCATED = 5, /* the capture file is cut short */
	CAP_EXIT_LINKTYPE  = 6, /* a link type chatcap does not decode */
	CAP_EXIT_PERM      = 7, /* no permission to capture */
	CAP_EXIT_CAPTURE   = 8, /* any other capture or output failure */
};

#define CAP_SNAPLEN   65535
#define CAP_TIMEOUT_MS 100

struct cap_source {
	pcap_t        *pcap;
	pcap_dumper_t *dump;   /* the -w copy, or NULL */
	const char    *name;   /* the file or interface, for messages */
	char          *file_buf; /* a file: its stdio buffer (CAP_FILE_BUF) */
	bool           live;
	bool           loopback; /* live on lo, each packet handed once */
	int            dlt;    /* link type (DLT_ value) */
	bool           stats_ok;      /* live: pcap_stats answered */
	uint64_t       dropped;       /* live: packets the kernel dropped for
	                               * want of buffer (tcpdump's "dropped by
	                               * kernel"), as last read */
	uint64_t       drop_base;     /* dropped before the filter was set */
	time_t         stats_sec;     /* when they were last read */
};

/*
 * Called for each packet read; returns 1 to keep it (count it for -c, save
 * it with -w), 0 to pass over it, -1 to stop with CAP_EXIT_CAPTURE.
 */
typedef int (*cap_packet_fn)(void *arg, const struct pcap_pkthdr *h,
                             const uint8_t *bytes);

/*
 * Open the capture file (when file is not NULL; "-" is standard input) or
 * the interface iface, install the filter made of the chat ports and the
 * user's expression (may be NULL), and open the -w file (may be NULL).
 * Returns CAP_EXIT_OK, or another status with a one-line reason in err
 * (which names the file or interface). Warnings go to stderr. Live, the
 * kernel keeps buffer_kib KiB of packets chatcap has not read yet.
 */
enum cap_exit cap_source_open(struct cap_source *s, const char *file,
                              const char *iface, const char *write_file,
                              uint16_t tcp_port, uint16_t udp_port,
                              const char *expr, long long buffer_kib,
                              char *err, size_t errlen);

/*
 * Read packets into fn until the end of the file, count packets kept
 * (0: no limit), Ctrl-C (SIGINT, SIGTERM) or an error. Returns
 * CAP_EXIT_OK or CAP_EXIT_TRUNCATED/CAP_EXIT_CAPTURE with err filled; what
 * was read before an error has been handed to fn. Live, packets are read in
 * batches (whatever the kernel holds), standard output is flushed after
 * each batch, and the drop count is read once a second and at the end.
 */
enum cap_exit cap_source_run(struct cap_source *s, uint64_t count,
                             cap_packet_fn fn, void *arg, char *err,
                             size_t errlen);

/* Live: read the kernel's drop count into s->dropped now (a system call:
 * called once a second, at the end, and where a gap needs explaining).
 * Nothing for a file. */
void cap_source_stats(struct cap_source *s);

void cap_source_close(struct cap_source *s);

/* Print the interfaces libpcap can open (-D). 0, or -1 with err filled. */
int cap_list_interfaces(FILE *f, char *err, size_t errlen);

#endif
