#!/bin/bash
# Lab 3 (UDP datagrams): every command of labs/{es,en}/lab3-*.md.
# The capture steps need root; the overhead step needs chatbench.
. "$(dirname "$0")/../lib.sh"
lab_init 3

start udp "bin/udpchatd -p 5001 --lang es"
start tcp "bin/tcpchatd -p 5000 --lang es"
CAPTURE=0
if is_root; then
	start cap "sudo bin/chatcap -i lo -w lab3.pcap --lang es"
	CAPTURE=1
else
	lab_skip "capturing needs root: the capture steps of lab 3 are not run"
	skipped "sudo bin/chatcap -i lo -w lab3.pcap --lang es"
fi

step "printf 'luis\nhola por UDP\nsalir\n' | bin/udpchat -p 5001"
expect 'Hola luis' "Q1: the first datagram is the nickname"

step "printf 'uno\ndos\n' | nc -u -w 1 127.0.0.1 5001"
expect 'Error: este datagrama contiene un salto de línea' "Q2: both lines arrive as one datagram"

BENCH=0
if [ -x bin/chatbench ]; then
	BENCH=1
	step "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 50 --rate 100"
	expect '(delivered|entregados) +50 (of|de) 50' "Q3: TCP delivered all 50 messages"
	expect '(lost|perdidos) 0,' "Q3: TCP lost none"
	step "bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 50 --rate 100"
	# lo drops nothing at 100 messages a second, but a busy machine may
	# overflow a socket buffer now and then: most must arrive
	check 'n=$(grep -oE "(delivered|entregados) +[0-9]+" <<<"$OUT" | grep -oE "[0-9]+$"); [ "${n:-0}" -ge 45 ]' \
		"Q3: UDP delivered at least 45 of 50 on lo"
else
	lab_skip "bin/chatbench is not built: no overhead comparison"
	skipped "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 50 --rate 100" \
		"bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 50 --rate 100"
fi

if [ "$CAPTURE" = 1 ]; then
	closes=0; [ "$BENCH" = 1 ] && closes=2
	wait_count cap.log 'cierre ACK del FIN|RST:' "$closes" 30 || lab_fail "the capture missed a teardown"
	wait_count cap.log 'UDP#' 8 30 || lab_fail "the capture missed datagrams"
	stop cap
	step "bin/chatcap -r lab3.pcap --summary --lang es"
	step "bin/chatcap -r lab3.pcap --json > lab3.jsonl"
	check '[ "$(json_get lab3.jsonl "s[\"udp\"][\"datagrams\"]")" -ge 5 ]' "Q1: datagrams counted"
	if [ "$BENCH" = 1 ]; then
		check '[ "$(json_get lab3.jsonl "int(s[\"tcp\"][\"header_overhead_pct\"] > s[\"udp\"][\"header_overhead_pct\"])")" = 1 ]' \
			"Q3: TCP's header overhead is larger than UDP's"
		check '[ "$(json_get lab3.jsonl "s[\"tcp\"][\"control\"]")" -gt 0 ]' "Q3: TCP sends control segments"
	fi
	step "labs/plots/overhead.sh lab3.jsonl lab3-overhead.png"
	check '[ "$(head -c 4 lab3-overhead.png | tail -c 3)" = PNG ]' "Q3: the overhead bars are a PNG"
	step "tshark -r lab3.pcap -Y udp -c 3 -T fields -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum"
	# udp.length is 8 (header) + the payload chatcap shows as len.
	check 'python3 - lab3.jsonl "$OUT" <<"PY"
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1])][:-1]
u = [p for p in pk if p.get("proto") == "udp"][:3]
rows = [l.split("\t") for l in sys.argv[2].splitlines() if "\t" in l]
assert len(rows) == 3, rows
for p, r in zip(u, rows):
    assert int(r[2]) == p["len"] + 8, (p, r)
PY' "Q4: udp.length = 8 + payload"
else
	skipped "bin/chatcap -r lab3.pcap --summary --lang es" \
		"bin/chatcap -r lab3.pcap --json > lab3.jsonl" \
		"labs/plots/overhead.sh lab3.jsonl lab3-overhead.png" \
		"tshark -r lab3.pcap -Y udp -c 3 -T fields -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum"
fi

stop udp
step -x 2 "printf 'luis\nhola\n' | bin/udpchat -p 5001"
expect 'puerto inalcanzable \(ICMP\)|port unreachable \(ICMP\)' "Q5: ICMP port unreachable reaches the client"
expect_not 'conexión rechazada|connection refused' "Q5: no \"connection\" to refuse over UDP"
lab_done
