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

step "printf 'luis\nhola por UDP\nsalir\n' | bin/udpchat -p 5001 --lang es"
expect 'Hola luis' "Q1: the first datagram is the nickname"

step "printf 'uno\ndos\n' | nc -u -w 1 127.0.0.1 5001"
expect 'Error: este datagrama contiene un salto de línea' "Q2: both lines arrive as one datagram"

if [ "$CAPTURE" = 1 ]; then
	wait_count cap.log 'UDP#' 5 30 || lab_fail "the capture missed datagrams"
	stop cap
	# Q1 and Q4 are answered from lab3.pcap: steps 1 and 2 only.
	check '[ "$(bin/chatcap --udp-port "$UDP_PORT" -r lab3.pcap --summary | grep -cE "^ +UDP#")" -ge 2 ]' \
		"Q1: the datagrams of steps 1 and 2 are in lab3.pcap"
	start cap2 "sudo bin/chatcap -i lo -w lab3-bench.pcap --lang es"
else
	skipped "sudo bin/chatcap -i lo -w lab3-bench.pcap --lang es"
fi

BENCH=0
if [ -x bin/chatbench ]; then
	BENCH=1
	step "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 50 --rate 100 --lang es"
	# chatbench speaks the guide's language (--lang es), whatever the locale
	expect 'entregados +50 de 50' "Q3: TCP delivered all 50 messages"
	expect 'perdidos 0,' "Q3: TCP lost none"
	step "bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 50 --rate 100 --lang es"
	# lo drops nothing at 100 messages a second, but a busy machine may
	# overflow a socket buffer now and then: most must arrive
	check 'n=$(grep -oE "entregados +[0-9]+" <<<"$OUT" | grep -oE "[0-9]+$"); [ "${n:-0}" -ge 45 ]' \
		"Q3: UDP delivered at least 45 of 50 on lo"
else
	lab_skip "bin/chatbench is not built: no overhead comparison"
	skipped "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 50 --rate 100 --lang es" \
		"bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 50 --rate 100 --lang es"
fi

if [ "$CAPTURE" = 1 ]; then
	closes=0; [ "$BENCH" = 1 ] && closes=2
	wait_count cap2.log 'cierre ACK del FIN|RST:' "$closes" 30 || lab_fail "the capture missed a teardown"
	stop cap2
	step "bin/chatcap -r lab3-bench.pcap --summary --lang es"
	step "bin/chatcap -r lab3-bench.pcap --json > lab3-bench.jsonl"
	if [ "$BENCH" = 1 ]; then
		# Q3 compares the bench's traffic alone: two TCP connections and
		# the two UDP clients' flows, 50 messages and 50 relays each way
		# at most, plus nicknames and notices.
		check '[ "$(json_get lab3-bench.jsonl "s[\"tcp\"][\"connections\"]")" -eq 2 ]' "Q3: the two TCP connections of the bench alone"
		check '[ "$(json_get lab3-bench.jsonl "s[\"udp\"][\"flows\"]")" -eq 2 ]' "Q3: the two UDP flows of the bench alone (no step 1 or 2 datagrams)"
		d=$(json_get lab3-bench.jsonl 's["udp"]["datagrams"]')
		check '[ "$d" -ge 90 ] && [ "$d" -le 130 ]' "Q3: about 100 datagrams, one per message and relay ($d)"
		check '[ "$(json_get lab3-bench.jsonl "int(s[\"tcp\"][\"header_overhead_pct\"] > s[\"udp\"][\"header_overhead_pct\"])")" = 1 ]' \
			"Q3: TCP's header overhead is larger than UDP's"
		check '[ "$(json_get lab3-bench.jsonl "s[\"tcp\"][\"control\"]")" -gt 0 ]' "Q3: TCP sends control segments"
	fi
	step "labs/plots/overhead.sh lab3-bench.jsonl lab3-overhead.png"
	check '[ "$(head -c 4 lab3-overhead.png | tail -c 3)" = PNG ]' "Q3: the overhead bars are a PNG"
	step "tshark -r lab3.pcap -Y udp -c 3 -T fields -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum"
	# udp.length is 8 (header) + the payload chatcap shows as len.
	check 'python3 - lab3.pcap "$UDP_PORT" "$OUT" <<"PY"
import json, subprocess, sys
out = subprocess.run(["bin/chatcap", "--udp-port", sys.argv[2], "-r", sys.argv[1], "--json"],
                     capture_output=True, text=True, check=True).stdout
pk = [json.loads(l) for l in out.splitlines()][:-1]
u = [p for p in pk if p.get("proto") == "udp"][:3]
rows = [l.split("\t") for l in sys.argv[3].splitlines() if "\t" in l]
assert len(rows) == 3, rows
for p, r in zip(u, rows):
    assert int(r[2]) == p["len"] + 8, (p, r)
PY' "Q4: udp.length = 8 + payload"
else
	skipped "bin/chatcap -r lab3-bench.pcap --summary --lang es" \
		"bin/chatcap -r lab3-bench.pcap --json > lab3-bench.jsonl" \
		"labs/plots/overhead.sh lab3-bench.jsonl lab3-overhead.png" \
		"tshark -r lab3.pcap -Y udp -c 3 -T fields -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum"
fi

# Step 5: the server stopped first (its goodbyes to members that left
# without a word, nc and chatbench's clients, would bounce too), then the
# ICMP capture.
stop udp
if [ "$CAPTURE" = 1 ]; then
	start icmp "sudo tshark -i lo -f icmp -w lab3-icmp.pcap"
	wait_for icmp.log 'Capturing on' 20 || lab_fail "tshark did not start capturing"
else
	skipped "sudo tshark -i lo -f icmp -w lab3-icmp.pcap"
fi
step -x 2 "printf 'luis\nhola\n' | bin/udpchat -p 5001 --lang es"
expect 'puerto inalcanzable \(ICMP\)' "Q5: ICMP port unreachable reaches the client, in Spanish as the question quotes it"
expect_not 'conexión rechazada|connection refused|port unreachable' "Q5: no \"connection\" to refuse over UDP, and one language"
ICMP_SHOW="tshark -r lab3-icmp.pcap -Y icmp -T fields -e ip.src -e ip.dst -e icmp.type -e icmp.code -e udp.dstport"
if [ "$CAPTURE" = 1 ]; then
	sleep 1 # tshark writes what it captured in batches
	stop icmp
	step "$ICMP_SHOW"
	# two addresses each: the ICMP packet's and the datagram's it quotes
	check 'grep -qE "^127\.0\.0\.1,127\.0\.0\.1\s+127\.0\.0\.1,127\.0\.0\.1\s+3\s+3\s+$UDP_PORT$" <<<"$OUT"' \
		"Q5: ICMP type 3 code 3 (port unreachable) naming the closed UDP port"
	# (only those naming this lab's port: the capture is on the machine's
	# lo, where other programs may meet closed ports of their own)
	check '[ "$(grep -cE "\s3\s+3\s+$UDP_PORT$" <<<"$OUT")" -eq 1 ]' \
		"Q5: one ICMP line, as the guide and the notes say (udpchat gives up at the first)"
	step "bin/chatcap -r lab3-icmp.pcap --lang es"
	expect "ICMP 3/3: puerto inalcanzable" "Q5: chatcap explains the ICMP error too, as the guide and the notes say"
else
	skipped "$ICMP_SHOW" "bin/chatcap -r lab3-icmp.pcap --lang es"
fi
lab_done
