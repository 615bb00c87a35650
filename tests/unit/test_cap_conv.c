/*
 * test_cap_conv.c — chatcap's conversation table and TCP state machine on
 * made-up segments: handshake and its RTTs, relative numbers, data framed
 * into chat lines, teardown, resets, refused connections, retransmissions
 * against keep-alives, port reuse, UDP flows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cap_conv.h"

#define C 0  /* from the client */
#define S 1  /* from the server */

struct fixture {
	struct cap_table t;
	struct cap_event ev;
	uint32_t         seq[2];
	int64_t          now;
	uint16_t         cport;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(cap_table_init(&f.t, 5000, 5001, true), 0);
	f.seq[C] = 1000;
	f.seq[S] = 900000;
	f.now = 1000000;
	f.cport = 40001;
	*state = &f;
	return 0;
}

static int
teardown_table(void **state)
{
	struct fixture *f = *state;

	cap_table_free(&f->t);
	return 0;
}

/* Send a segment from side `from` at sequence seq (the side's counter is
 * advanced only when seq is the counter), 100 µs after the last one. */
static struct cap_event *
seg_at(struct fixture *f, int from, uint8_t flags, uint32_t seq,
       const char *data)
{
	struct cap_packet p;
	size_t len = data != NULL ? strlen(data) : 0;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.src[0] = p.dst[0] = 10;
	p.src[3] = from == C ? 2 : 1;
	p.dst[3] = from == C ? 1 : 2;
	p.proto = 6;
	p.sport = from == C ? f->cport : 5000;
	p.dport = from == C ? 5000 : f->cport;
	p.seq = seq;
	p.ack = f->seq[!from];
	p.flags = flags;
	p.win = 512;
	p.payload = (const uint8_t *)data;
	p.payload_len = p.payload_caplen = len;
	p.ip_hdr_len = 20;
	p.l4_hdr_len = 20;
	p.ip_len = 40 + len;
	if (seq == f->seq[from])
		f->seq[from] += (uint32_t)len + ((flags & CAP_SYN) ? 1 : 0) +
		                ((flags & CAP_FIN) ? 1 : 0);
	f->now += 100;
	assert_int_equal(cap_table_packet(&f->t, CAP_OK, &p, f->now, &f->ev), 0);
	return &f->ev;
}

static struct cap_event *
seg(struct fixture *f, int from, uint8_t flags, const char *data)
{
	return seg_at(f, from, flags, f->seq[from], data);
}

static void
handshake(struct fixture *f)
{
	assert_int_equal(seg(f, C, CAP_SYN, NULL)->what, CAP_EV_SYN);
	assert_int_equal(seg(f, S, CAP_SYN | CAP_ACK, NULL)->what,
	                 CAP_EV_SYN_ACK);
	assert_int_equal(f->ev.rtt_us, 100);
	assert_int_equal(seg(f, C, CAP_ACK, NULL)->what, CAP_EV_ESTABLISHED);
	assert_int_equal(f->ev.rtt_us, 200);
}

static void
test_cap_table_handshake_chat_teardown(void **state)
{
	struct fixture *f = *state;
	struct cap_event *ev;

	handshake(f);
	ev = seg(f, C, CAP_PSH | CAP_ACK, "ana\n");
	assert_int_equal(ev->what, CAP_EV_DATA);
	assert_int_equal(ev->rel_seq, 1);
	assert_int_equal(ev->rel_ack, 1);
	assert_int_equal(ev->chat.n, 1);
	assert_int_equal(ev->chat.msg[0].role, CAP_ROLE_NICKNAME);
	assert_string_equal(ev->chat.msg[0].text, "ana");
	ev = seg(f, S, CAP_ACK, NULL);
	assert_int_equal(ev->what, CAP_EV_ACK);
	assert_int_equal(ev->rel_ack, 5);
	ev = seg(f, C, CAP_PSH | CAP_ACK, "hola\n/listar\n");
	assert_int_equal(ev->chat.n, 2);
	assert_int_equal(ev->chat.msg[0].role, CAP_ROLE_CHAT);
	assert_int_equal(ev->chat.msg[1].role, CAP_ROLE_COMMAND);
	assert_int_equal(ev->chat.msg[1].kind, MSG_LIST);
	ev = seg(f, S, CAP_PSH | CAP_ACK, "*** ana se ha unido al chat\n");
	assert_int_equal(ev->chat.msg[0].role, CAP_ROLE_NOTICE);

	ev = seg(f, C, CAP_FIN | CAP_ACK, NULL);
	assert_int_equal(ev->what, CAP_EV_FIN);
	assert_int_equal(ev->fin_nr, 1);
	assert_int_equal(seg(f, S, CAP_ACK, NULL)->what, CAP_EV_FIN_ACK);
	assert_false(f->ev.closes);
	ev = seg(f, S, CAP_FIN | CAP_ACK, NULL);
	assert_int_equal(ev->fin_nr, 2);
	ev = seg(f, C, CAP_ACK, NULL);
	assert_int_equal(ev->what, CAP_EV_FIN_ACK);
	assert_true(ev->closes);

	assert_int_equal(f->t.nall, 1);
	assert_int_equal(f->t.all[0]->state, CAP_STATE_CLOSED);
	assert_int_equal(f->t.all[0]->syn_to_synack_us, 100);
	assert_int_equal(f->t.all[0]->syn_to_ack_us, 200);
	assert_int_equal(f->t.st.tcp.syn, 1);
	assert_int_equal(f->t.st.tcp.syn_ack, 1);
	assert_int_equal(f->t.st.tcp.fin, 2);
	assert_int_equal(f->t.st.tcp.data, 3);
	assert_int_equal(f->t.st.tcp.pure_ack, 4);
	assert_int_equal(f->t.st.tcp.handshakes, 1);
	assert_int_equal(f->t.st.tcp.teardowns, 1);
	assert_int_equal(f->t.st.tcp.retransmissions, 0);
	assert_int_equal(f->t.st.tcp.messages, 4);
	assert_int_equal(f->t.all[0]->nsteps, 11);
}

static void
test_cap_table_refused(void **state)
{
	struct fixture *f = *state;

	seg(f, C, CAP_SYN, NULL);
	f->seq[S] = 0;
	assert_int_equal(seg(f, S, CAP_RST | CAP_ACK, NULL)->what,
	                 CAP_EV_REFUSED);
	assert_int_equal(f->t.all[0]->state, CAP_STATE_REFUSED);
	assert_int_equal(f->t.st.tcp.refused, 1);
	assert_int_equal(f->t.st.tcp.rst, 1);
	assert_int_equal(f->t.all[0]->syn_to_synack_us, -1);
}

static void
test_cap_table_reset(void **state)
{
	struct fixture *f = *state;

	handshake(f);
	seg(f, C, CAP_PSH | CAP_ACK, "ana\n");
	assert_int_equal(seg(f, C, CAP_RST | CAP_ACK, NULL)->what, CAP_EV_RST);
	assert_int_equal(f->t.all[0]->state, CAP_STATE_RESET);
	assert_int_equal(f->t.st.tcp.reset_connections, 1);
}

/* A copy of data already sent is a retransmission and its text is not
 * shown twice; a keep-alive (one below) is not; a copy that also carries
 * new bytes is, and shows only the new line. A SYN sent twice counts. */
static void
test_cap_table_retransmissions(void **state)
{
	struct fixture *f = *state;
	struct cap_event *ev;
	uint32_t at;

	seg(f, C, CAP_SYN, NULL);
	ev = seg_at(f, C, CAP_SYN, f->seq[C] - 1, NULL);
	assert_true(ev->retransmission);
	assert_int_equal(ev->what, CAP_EV_SYN);
	seg(f, S, CAP_SYN | CAP_ACK, NULL);
	seg(f, C, CAP_ACK, NULL);
	assert_int_equal(f->t.all[0]->syn_to_synack_us, 100);   /* latest SYN */

	at = f->seq[C];
	seg(f, C, CAP_PSH | CAP_ACK, "ana\n");
	ev = seg_at(f, C, CAP_PSH | CAP_ACK, at, "ana\n");
	assert_true(ev->retransmission);
	assert_int_equal(ev->chat.n, 0);

	ev = seg_at(f, C, CAP_ACK, f->seq[C] - 1, NULL);
	assert_int_equal(ev->what, CAP_EV_KEEPALIVE);
	assert_false(ev->retransmission);
	ev = seg_at(f, C, CAP_ACK, f->seq[C] - 1, "x");
	assert_int_equal(ev->what, CAP_EV_KEEPALIVE);
	assert_false(ev->retransmission);

	at = f->seq[C];
	seg(f, C, CAP_PSH | CAP_ACK, "/listar\n");
	ev = seg_at(f, C, CAP_PSH | CAP_ACK, at, "/listar\n/ayuda\n");
	assert_true(ev->retransmission);
	assert_int_equal(ev->chat.n, 1);
	assert_int_equal(ev->chat.msg[0].kind, MSG_HELP);

	ev = seg(f, S, CAP_ACK, NULL);           /* a pure ACK never is one */
	assert_false(ev->retransmission);
	assert_int_equal(f->t.st.tcp.retransmissions, 3);
	assert_int_equal(f->t.st.tcp.keepalives, 2);
}

/* A new SYN on a closed port pair starts a second connection. */
static void
test_cap_table_port_reuse(void **state)
{
	struct fixture *f = *state;

	handshake(f);
	seg(f, C, CAP_RST | CAP_ACK, NULL);
	f->seq[C] = 77777;
	handshake(f);
	assert_int_equal(f->t.nall, 2);
	assert_int_equal(f->t.all[1]->id, 2);
	assert_int_equal(f->t.all[1]->state, CAP_STATE_OPEN);
	assert_int_equal(f->t.st.tcp.connections, 2);
	assert_int_equal(f->t.st.tcp.handshakes, 2);
}

/* Joined by the capture mid-way: numbers count from the first seen, no
 * handshake, the side on the chat port is the server. */
static void
test_cap_table_midstream(void **state)
{
	struct fixture *f = *state;
	struct cap_event *ev;

	ev = seg(f, S, CAP_PSH | CAP_ACK, "ana: hola\n");
	assert_int_equal(ev->dir, 1);
	assert_int_equal(ev->rel_seq, 1);
	assert_int_equal(ev->rel_ack, 1);
	assert_int_equal(ev->chat.msg[0].role, CAP_ROLE_RELAY);
	ev = seg(f, C, CAP_PSH | CAP_ACK, "hola\n");
	assert_int_equal(ev->chat.msg[0].role, CAP_ROLE_CHAT);
	assert_int_equal(f->t.st.tcp.handshakes, 0);
	assert_int_equal(f->t.all[0]->end[1].port, 5000);
}

static void
udp(struct fixture *f, int from, const char *data, uint16_t cport)
{
	struct cap_packet p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = 17;
	p.sport = from == C ? cport : 5001;
	p.dport = from == C ? 5001 : cport;
	p.payload = (const uint8_t *)data;
	p.payload_len = p.payload_caplen = strlen(data);
	p.ip_len = 28 + p.payload_len;
	p.ip_hdr_len = 20;
	f->now += 100;
	assert_int_equal(cap_table_packet(&f->t, CAP_OK, &p, f->now, &f->ev), 0);
}

static void
test_cap_table_udp_flows(void **state)
{
	struct fixture *f = *state;

	udp(f, C, "ana\n", 40010);
	assert_int_equal(f->ev.what, CAP_EV_DATAGRAM);
	assert_int_equal(f->ev.chat.msg[0].role, CAP_ROLE_NICKNAME);
	udp(f, S, "*** hola ana\n", 40010);
	assert_int_equal(f->ev.dir, 1);
	udp(f, C, "hola\n", 40010);
	assert_int_equal(f->ev.chat.msg[0].role, CAP_ROLE_CHAT);
	udp(f, C, "luis\n", 40011);
	assert_int_equal(f->t.st.udp.flows, 2);
	assert_int_equal(f->t.st.udp.datagrams, 4);
	assert_int_equal(f->t.st.udp.messages, 4);
	assert_int_equal(f->t.all[0]->dir[0].packets, 2);
	assert_int_equal(f->t.all[0]->dir[1].packets, 1);
}

static void
test_cap_table_other_and_truncated(void **state)
{
	struct fixture *f = *state;
	struct cap_packet p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = 6;
	p.sport = 40000;
	p.dport = 80;                                  /* not the chat */
	assert_int_equal(cap_table_packet(&f->t, CAP_OK, &p, 1, &f->ev), 0);
	assert_int_equal(f->ev.what, CAP_EV_OTHER);
	assert_int_equal(cap_table_packet(&f->t, CAP_TRUNCATED, &p, 2, &f->ev),
	                 0);
	assert_int_equal(f->ev.what, CAP_EV_TRUNCATED);
	assert_int_equal(cap_table_packet(&f->t, CAP_INVALID, &p, 3, &f->ev),
	                 0);
	assert_int_equal(f->t.st.packets, 3);
	assert_int_equal(f->t.st.other, 1);
	assert_int_equal(f->t.st.truncated, 1);
	assert_int_equal(f->t.st.invalid, 1);
	assert_int_equal(f->t.nall, 0);
}

/* Many connections: the hash table grows and finds each one again. */
static void
test_cap_table_many_connections(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	for (i = 0; i < 500; i++) {
		f->cport = (uint16_t)(20000 + i);
		seg(f, C, CAP_SYN, NULL);
	}
	for (i = 0; i < 500; i++) {
		f->cport = (uint16_t)(20000 + i);
		seg(f, S, CAP_SYN | CAP_ACK, NULL);
		assert_int_equal(f->ev.conv->id, i + 1);
	}
	assert_int_equal(f->t.st.tcp.connections, 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown_table)
		T(test_cap_table_handshake_chat_teardown),
		T(test_cap_table_refused),
		T(test_cap_table_reset),
		T(test_cap_table_retransmissions),
		T(test_cap_table_port_reuse),
		T(test_cap_table_midstream),
		T(test_cap_table_udp_flows),
		T(test_cap_table_other_and_truncated),
		T(test_cap_table_many_connections),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
