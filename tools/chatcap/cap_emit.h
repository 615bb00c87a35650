/*
 * cap_emit.h — where each packet's explanation goes: the text line or the
 * JSON object on standard output, the comment of its pcapng record (-w
 * FILE.pcapng), and, when reading a file, a short wait in cap_hold.c so a
 * segment sent again later is marked lost on its own line. chatcap.c
 * decides what is wanted; this file writes it.
 */
#ifndef CAP_EMIT_H
#define CAP_EMIT_H

#include <stdbool.h>

#include "cap_hold.h"
#include "cap_line.h"
#include "cap_out.h"
#include "cap_pcapng.h"

struct cap_emit {
	struct cap_out    out;       /* standard output */
	struct cap_out    plain;     /* the same without colour: comments */
	bool              text;      /* a text line per packet */
	bool              json;      /* a JSON object per packet */
	bool              hold;      /* wait to mark losses (files only) */
	struct cap_pcapng ng;        /* -w FILE.pcapng when ng.f != NULL */
	FILE             *explain;   /* --html: each packet's words, or NULL */
	struct cap_hold   q;
	struct cap_line   line, comment;
	bool              error;     /* writing the pcapng file failed */
	struct cap_line  *note;      /* lines for the next comment (the kernel's
	                              * TCP state, cap_kshow.c), or NULL */
};

/* Packet number n (relative time rel_us, header h, bytes) with its
 * meaning ev: written now, or held. 0, or -1 out of memory. */
int cap_emit_packet(struct cap_emit *e, uint64_t n, int64_t rel_us,
                    const struct pcap_pkthdr *h, const uint8_t *bytes,
                    const struct cap_packet *p, const struct cap_event *ev);

/* Write everything still held (before the summary). */
void cap_emit_flush(struct cap_emit *e);

void cap_emit_free(struct cap_emit *e);

#endif
