/*
 * cap_pcapng.h — a small pcapng writer for -w FILE.pcapng: one section
 * header block (with a comment), one interface description block, and an
 * enhanced packet block per packet with chatcap's explanation as its
 * comment, so Wireshark shows it (tshark: frame.comment). libpcap's
 * pcap_dump cannot write comments, hence this. Reading is not done here.
 */
#ifndef CAP_PCAPNG_H
#define CAP_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

struct cap_pcapng {
	FILE    *f;
	unsigned snaplen;
};

/* True if path names a pcapng file (ends in ".pcapng"). */
int cap_pcapng_wanted(const char *path);

/*
 * Create path and write the section header (comment: section_comment) and
 * one interface of link type dlt (a DLT_ value) and snaplen. 0, or -1 with
 * errno set.
 */
int cap_pcapng_open(struct cap_pcapng *w, const char *path, int dlt,
                    unsigned snaplen, const char *section_comment);

/* Write one packet with comment[0..clen) (clen 0: none). 0 or -1. */
int cap_pcapng_write(struct cap_pcapng *w, const struct pcap_pkthdr *h,
                     const uint8_t *bytes, const char *comment, size_t clen);

/* Flush and close; 0, or -1 if anything failed to reach the file. */
int cap_pcapng_close(struct cap_pcapng *w);

#endif
