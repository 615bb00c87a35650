/*
 * fuzz_cap.c — libFuzzer target for chatcap's packet path (tools/chatcap/):
 * the layer decoders, the conversation table (TCP state, chat reassembly)
 * and every output module, as chatcap runs them on a capture.
 *
 * Input: byte 0 picks the link type; then packets, each as a two-byte
 * length, one byte of flags (bit 0: the packet was longer on the wire than
 * captured; bits 1-7: microseconds to its timestamp) and the bytes. Output
 * goes to /dev/null; sanitizers and the decoders' own contracts do the
 * checking (CAP_OK means the headers fit in what was captured).
 */
#include <pcap/dlt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cap_conv.h"
#include "cap_decode.h"
#include "cap_json.h"
#include "cap_frag.h"
#include "cap_ladder.h"
#include "cap_line.h"
#include "cap_out.h"
#include "cap_summary.h"
#include "cap_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
	DLT_RAW, DLT_IPV4, DLT_IPV6, 147 /* unknown to chatcap */,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static struct cap_event ev;
	static struct cap_line line;
	struct cap_out out = { .tcp_port = 5000, .udp_port = 5001,
	                       .link_name = "EN10MB" };
	struct cap_table table;
	struct cap_packet p;
	enum cap_result r;
	size_t i, len, wire;
	int64_t t_us = 1000000;
	uint64_t n = 0;
	int dlt;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size < 1)
		return 0;
	dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	out.f = devnull;
	out.utf8 = (data[0] & 0x10) != 0;
	out.color = (data[0] & 0x20) != 0;
	if (cap_table_init(&table, 5000, 5001, true) < 0)
		return 0;
	table.keep_follow = true;
	out.width = data[0] & 0x40 ? 40 : 0;
	for (i = 1; i + 3 <= size; i += len) {
		len = (size_t)data[i] << 8 | data[i + 1];
		wire = len + ((data[i + 2] & 1) ? 1 + data[i + 2] : 0);
		t_us += data[i + 2] >> 1;
		i += 3;
		if (len > size - i)
			len = size - i;
		r = cap_decode(dlt, data + i, len, wire, &p);
		r = cap_frag_packet(&table.frags, r, &p, t_us);
		if (r == CAP_OK && p.payload_caplen > 0 && p.frags == 0 &&
		    (p.payload < data + i || p.payload + p.payload_caplen >
		                             data + i + len))
			abort();        /* the payload lies in the packet */
		if (cap_table_packet(&table, r, &p, t_us, &ev) < 0)
			break;
		n++;
		cap_line_clear(&line);
		cap_text_packet(&out, &line, n, t_us - table.st.first_us, &p, &ev,
		                len, wire);
		cap_out_emit(&out, line.buf, line.n);
		cap_line_clear(&line);
		cap_json_packet(&out, &line, n, t_us - table.st.first_us, &p, &ev,
		                len, wire);
	}
	cap_table_finish(&table);
	cap_json_summary(&out, &table);
	cap_ladder_print(&out, &table);
	cap_follow_print(&out, &table);
	cap_summary_print(&out, &table);
	cap_summary_rtt(&out, &table);
	cap_table_free(&table);
	return 0;
}
