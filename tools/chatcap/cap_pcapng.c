/*
 * cap_pcapng.c — writing pcapng (the IETF draft "PCAP Next Generation
 * Dump File Format", draft-ietf-opsawg-pcapng): blocks in this host's byte
 * order, each
 *
 *   +------------+--------------+-----------------------+--------------+
 *   | block type | total length | body, options, pad 4  | total length |
 *   +------------+--------------+-----------------------+--------------+
 *
 * Options are code (16 bits), length (16 bits), value padded to 4 bytes;
 * opt_comment is code 1, opt_endofopt code 0. Timestamps are microseconds
 * (the interface's default resolution), split into two 32-bit halves.
 */
#include <errno.h>
#include <string.h>

#include "cap_pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_COMMENT 1
#define COMMENT_MAX 65000  /* an option length is 16 bits */

static size_t
pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static void
put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void
put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static void
put_pad(FILE *f, size_t n)
{
	static const uint8_t zero[4];

	fwrite(zero, 1, n, f);
}

/* Bytes an opt_comment of len bytes takes, with the end of options. */
static size_t
comment_size(size_t len)
{
	return len == 0 ? 0 : 4 + len + pad4(len) + 4;
}

static void
put_comment(FILE *f, const char *s, size_t len)
{
	if (len == 0)
		return;
	put16(f, OPT_COMMENT);
	put16(f, (uint16_t)len);
	fwrite(s, 1, len, f);
	put_pad(f, pad4(len));
	put32(f, 0);                       /* opt_endofopt */
}

/* pcapng stores LINKTYPE_ values; they equal the DLT_ ones chatcap reads
 * except for raw IP, whose DLT_ number differs between systems. */
static uint16_t
linktype(int dlt)
{
#ifdef DLT_RAW
	if (dlt == DLT_RAW)
		return 101;                    /* LINKTYPE_RAW */
#endif
	return (uint16_t)dlt;
}

int
cap_pcapng_wanted(const char *path)
{
	size_t n = strlen(path);

	return n >= 7 && strcmp(path + n - 7, ".pcapng") == 0;
}

int
cap_pcapng_open(struct cap_pcapng *w, const char *path, int dlt,
                unsigned snaplen, const char *section_comment)
{
	size_t clen = strlen(section_comment), total;

	if (clen > COMMENT_MAX)
		clen = COMMENT_MAX;
	w->snaplen = snaplen;
	if ((w->f = fopen(path, "wb")) == NULL)
		return -1;
	/* Section header: magic, version 1.0, section length unknown (-1). */
	total = 28 + comment_size(clen);
	put32(w->f, BT_SHB);
	put32(w->f, (uint32_t)total);
	put32(w->f, BYTE_ORDER_MAGIC);
	put16(w->f, 1);
	put16(w->f, 0);
	put32(w->f, 0xFFFFFFFFu);
	put32(w->f, 0xFFFFFFFFu);
	put_comment(w->f, section_comment, clen);
	put32(w->f, (uint32_t)total);
	/* Interface description: link type, reserved, snaplen. */
	put32(w->f, BT_IDB);
	put32(w->f, 20);
	put16(w->f, linktype(dlt));
	put16(w->f, 0);
	put32(w->f, snaplen);
	put32(w->f, 20);
	return ferror(w->f) ? -1 : 0;
}

int
cap_pcapng_write(struct cap_pcapng *w, const struct pcap_pkthdr *h,
                 const uint8_t *bytes, const char *comment, size_t clen)
{
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u +
	              (uint64_t)h->ts.tv_usec;
	size_t total;

	if (clen > COMMENT_MAX)
		clen = COMMENT_MAX;
	total = 32 + h->caplen + pad4(h->caplen) + comment_size(clen);
	put32(w->f, BT_EPB);
	put32(w->f, (uint32_t)total);
	put32(w->f, 0);                    /* interface 0 */
	put32(w->f, (uint32_t)(ts >> 32));
	put32(w->f, (uint32_t)ts);
	put32(w->f, h->caplen);
	put32(w->f, h->len);
	if (h->caplen > 0)
		fwrite(bytes, 1, h->caplen, w->f);
	put_pad(w->f, pad4(h->caplen));
	put_comment(w->f, comment, clen);
	put32(w->f, (uint32_t)total);
	return ferror(w->f) ? -1 : 0;
}

int
cap_pcapng_close(struct cap_pcapng *w)
{
	int r = 0;

	if (w->f == NULL)
		return 0;
	if (ferror(w->f))
		r = -1;
	if (fclose(w->f) != 0)
		r = -1;
	w->f = NULL;
	if (r < 0 && errno == 0)
		errno = EIO;
	return r;
}
