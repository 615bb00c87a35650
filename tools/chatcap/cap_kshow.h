/*
 * cap_kshow.h — the kernel's TCP state beside the packets (--tcp-info):
 * where the samples come from (the live sampler of cap_kstate.c, or the
 * file kept beside a capture, cap_kfile.c), and where they go: a
 * "tcp_info" JSON object per sample, a text line where the sender's
 * state changes in a way the lesson names (cap_knote.c), and that file
 * beside a written capture.
 */
#ifndef CAP_KSHOW_H
#define CAP_KSHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cap_conv.h"
#include "cap_emit.h"
#include "cap_kstate.h"
#include "cap_line.h"

#define CAP_KFILE_SUFFIX ".tcp_info.json"
#define CAP_KNOTE_SOCKS  256

/* What the text view remembers of one sender, to say what changed. */
struct cap_knote_sock {
	uint64_t cookie;
	bool     started, pending, polled;
	uint8_t  ca, pend_ca;
	uint32_t cwnd, ssthresh, shown_cwnd, rto_us;
	uint32_t pend_ssthresh, pend_rto_us, pend_cwnd;
	int64_t  pend_t_us;
	char     cc[CAP_KS_CC_MAX];
	char     who[CAP_ENDPOINT_MAX + 16]; /* "TCP#1 ADDR:PORT" */
};

struct cap_knote {
	enum cap_ks_source    primary;  /* whose congestion events are told */
	bool                  to_out;   /* write the lines on the text view */
	struct cap_line      *comment;  /* and add them here, or NULL */
	const struct cap_out *plain;    /* how, for the comment */
	struct cap_knote_sock socks[CAP_KNOTE_SOCKS];
	unsigned              nsocks;
	uint64_t              events;   /* congestion events told */
};

struct cap_kshow {
	struct cap_kstate    *live;     /* the sampler, or NULL */
	struct cap_ks_sample *loaded;   /* -r: samples read from the file */
	size_t                nloaded, next;
	FILE                 *keep;     /* -w: the file beside, or NULL */
	char                 *keep_name;
	struct cap_knote      note;
	struct cap_line       line;
	struct cap_line       comment;  /* for the next packet's comment */
	uint64_t              shown;
};

/*
 * Set k up for a run: live (port, trace: also the tracepoints) when
 * sample is true and the capture is live; loaded from FILE.tcp_info.json
 * when reading FILE and that exists (if sample is true and it does not,
 * say so on stderr); writing WFILE.tcp_info.json when wfile is not NULL.
 * Returns 0 (k may then have nothing to do), or -1 with err filled.
 */
int cap_kshow_open(struct cap_kshow *k, bool sample, bool trace, bool live,
                   uint16_t port, const char *rfile, const char *wfile,
                   char *err, size_t errlen);

/* Show the samples taken up to upto_us (absolute) before the packet of
 * that time is shown. */
void cap_kshow_due(struct cap_kshow *k, struct cap_emit *e,
                   const struct cap_table *t, int64_t upto_us);

/* Show the rest, stop sampling, close the file beside. 0, or -1 when the
 * file could not be written (said on stderr). */
int cap_kshow_close(struct cap_kshow *k, struct cap_emit *e,
                    const struct cap_table *t);

/* Stop sampling and free k without showing anything (after an error;
 * harmless after cap_kshow_close). */
void cap_kshow_abort(struct cap_kshow *k);

/* ---- between cap_kshow.c, cap_knote.c and cap_kfile.c ---- */

/* "ADDR:PORT" or "[ADDR]:PORT" of e into out. */
void cap_kshow_end_name(const struct cap_ks_end *e, char *out, size_t cap);

/* The JSON object of s (no newline) into l; rel_us the time relative to
 * the first packet, conv the conversation's id (0: none), dir 0 from the
 * client, 1 from the server. */
void cap_kshow_json(struct cap_line *l, const struct cap_ks_sample *s,
                    int64_t rel_us, unsigned conv, int dir);

/* Write on o the annotation s calls for, if any (l is the memory to build
 * it in); who names the sender. */
void cap_knote_sample(struct cap_knote *n, const struct cap_out *o,
                      struct cap_line *l, const struct cap_ks_sample *s,
                      int64_t rel_us, const char *who);

/* Tell on o the congestion events still waiting for their numbers (at the
 * end), using l. */
void cap_knote_flush(struct cap_knote *n, const struct cap_out *o,
                     struct cap_line *l);

/* Read the samples of path (JSON Lines written by cap_kshow_json) into a
 * new array *out (time order) of *n. 0; 1 the file does not exist; -1
 * with err filled. */
int cap_kfile_load(const char *path, struct cap_ks_sample **out, size_t *n,
                   char *err, size_t errlen);

#endif
