#!/bin/bash
# Lab 1 (TCP handshake and teardown): every command of labs/{es,en}/lab1-*.md.
# The capture steps need root (CI runs as root); without it they are skipped.
. "$(dirname "$0")/../lib.sh"
lab_init 1

NET=("sudo bin/chatnet up --hosts ana"
	"sudo bin/chatnet run srv -- bin/tcpchatd -p 5000 --lang es"
	"sudo bin/chatnet impair ana --delay 50ms"
	"sudo bin/chatnet cap srv -c 3 --lang es"
	"printf 'ana\nsalir\n' | sudo bin/chatnet run ana -- bin/tcpchat -h srv -p 5000 --lang es"
	"sudo bin/chatnet down")

start tcp "bin/tcpchatd -p 5000 --lang es"
if ! is_root; then
	lab_skip "capturing needs root: the capture steps of lab 1 are not run"
	step "printf 'ana\nhola\nsalir\n' | bin/tcpchat -p 5000"
	expect 'Adiós, ana' "the client joined and left"
	skipped "sudo bin/chatcap -i lo -w lab1.pcap --lang es" \
		"bin/chatcap -r lab1.pcap --lang es 'tcp[tcpflags] & tcp-syn != 0'" \
		"bin/chatcap -r lab1.pcap --ladder --ladder-out lab1-escalera.svg --lang es" \
		"ss -tan state time-wait '( sport = :5000 or dport = :5000 )'" \
		"tshark -r lab1.pcap -o tcp.relative_sequence_numbers:FALSE -Y 'tcp.flags.syn == 1' -T fields -e tcp.srcport -e tcp.seq" \
		"sudo bin/chatcap -i lo --tcp-port 5999 -c 2 --lang es" \
		"nc -z -v 127.0.0.1 5999"
	manual "wireshark lab1.pcap" "needs a desktop"
	skipped "${NET[@]}"
	lab_done
	exit 0
fi

start cap "sudo bin/chatcap -i lo -w lab1.pcap --lang es"
step "printf 'ana\nhola\nsalir\n' | bin/tcpchat -p 5000"
expect 'Adiós, ana' "the client joined and left"
wait_for cap.log 'cierre ACK del FIN' 10 || lab_fail "the capture never saw the teardown"
stop cap
expect 'saludo 1/3 SYN' "Q1: SYN"
expect 'saludo 2/3 SYN-ACK' "Q1: SYN-ACK"
expect 'saludo 3/3 ACK: conexión establecida, saludo de' "Q1: ACK with the handshake time"
expect 'saludos completos +1' "Q1: one complete handshake in the summary"
# Q1's RTT: one sample, in microseconds to milliseconds on lo (a busy
# machine may take a few ms; a second would mean a lost SYN-ACK).
check 'python3 - lab1.pcap "$TCP_PORT" <<"PY"
import json, subprocess, sys
out = subprocess.run(["bin/chatcap", "--tcp-port", sys.argv[2], "-r", sys.argv[1], "--json"],
                     capture_output=True, text=True, check=True).stdout
s = json.loads(out.strip().splitlines()[-1])
c = [x for x in s["connections"] if x["syn_to_ack_us"] is not None]
assert len(c) == 1 and 0 < c[0]["syn_to_ack_us"] < 500000, s["connections"]
PY' "Q1: one handshake RTT, between 0 and 500 ms"

step "bin/chatcap -r lab1.pcap --lang es 'tcp[tcpflags] & tcp-syn != 0'"
check '[ "$(tr -s " \n" "  " <<<"$OUT" | grep -o "mss 65495,sackOK,TS,wscale" | wc -l)" -eq 2 ]' \
	"Q2: both SYNs carry MSS 65495, SACK, timestamps and window scale"
# Q2's second half, as the notes answer it: the options make a SYN's TCP
# header 40 bytes; afterwards only the timestamps travel (32 bytes). The
# capture keeps every packet chatcap read (ICMP on lo too): TCP's alone.
check '[ "$(tshark -r lab1.pcap -Y "tcp && !icmp && !icmpv6" -T fields -e tcp.flags.syn -e tcp.hdr_len 2>/dev/null | sort -u | tr "\t\n" ":,")" = "0:32,1:40," ]' \
	"Q2: TCP header 40 bytes in the SYNs, 32 (timestamps) in every other segment"

step "bin/chatcap -r lab1.pcap --ladder --ladder-out lab1-escalera.svg --lang es"
check 'python3 -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); n = sum(1 for e in r.iter() if e.tag.endswith(\"polygon\")); sys.exit(0 if n >= 10 else 1)" lab1-escalera.svg' "the ladder as a picture for the report (an arrow per packet)"
expect "FIN-ACK seq=[0-9]+ ack=[0-9]+ ─+│ cierre" "Q3: the server's FIN (first)"
check '[ "$(grep -c "│ cierre" <<<"$OUT")" -eq 3 ]' "Q3: three teardown segments"
check 'grep -B1 -m1 "│ cierre$" <<<"$OUT" | grep -q "◀─ FIN"' "Q3: the first FIN goes from the server to the client"
step "ss -tan state time-wait '( sport = :5000 or dport = :5000 )'"
# The filter shows either end, so the answer is read, not given: the
# server's end (local port) is there, the client's (peer port) is not.
check 'awk -v p=":$TCP_PORT" "NR > 1 { s += \$3 ~ p \"\$\"; c += \$4 ~ p \"\$\" }
	END { exit !(s >= 1 && c == 0) }" <<<"$OUT"' "Q3: the server's end is in TIME_WAIT, the client's is not"

step "tshark -r lab1.pcap -o tcp.relative_sequence_numbers:FALSE -Y 'tcp.flags.syn == 1' -T fields -e tcp.srcport -e tcp.seq"
check '[ "$(grep -cE "^[0-9]+\s+[0-9]+$" <<<"$OUT")" -eq 2 ]' "Q4: two absolute ISNs"
check '! grep -qE "\s0$" <<<"$OUT"' "Q4: neither ISN is 0"
manual "wireshark lab1.pcap" "needs a desktop"

CLOSED_PORT=$(free_port)
start cap2 "sudo bin/chatcap -i lo --tcp-port 5999 -c 2 --lang es"
step -x 1 "nc -z -v 127.0.0.1 5999"
expect 'refused' "Q5: nc sees Connection refused"
wait_for cap2.log 'Resumen' 10 || lab_fail "chatcap -c 2 did not stop"
stop cap2
expect '\[R\.\]' "Q5: the kernel answers with RST-ACK"
expect 'rechazadas +1 / 1' "Q5: one reset, one refused connection"

# Step 6: the handshake across a chatnet link of 50 ms each way.
if [ -x bin/chatnet ]; then
	export CHATNET_NET=rcl-lab1-$$
	LAB_CLEANUP_HOOK="lab1_down"
	lab1_down() { "$LAB_BIN/chatnet" down >/dev/null 2>&1; }
	step "${NET[0]}"
	start tcpnet "${NET[1]}"
	step "${NET[2]}"
	expect 'delay 50ms' "the delay is in force"
	start capnet "${NET[3]}"
	step "${NET[4]}"
	expect 'Adiós, ana' "ana joined and left across the network"
	wait_for capnet.log 'Resumen' 10 || lab_fail "chatcap -c 3 did not stop"
	stop capnet
	check 'rtt=$(tr -s " \n" "  " <<<"$OUT" | grep -oE "saludo 3/3 ACK: conexión establecida, saludo de [0-9.]+ ms" | grep -oE "[0-9.]+ ms" | cut -d" " -f1); awk -v r="$rtt" "BEGIN { exit !(r >= 99 && r <= 400) }"' \
		"Q6: the handshake's RTT is about twice the delay (100 ms)"
	step "${NET[5]}"
	check '! ip netns list | grep -q "^$CHATNET_NET-"' "no namespace left behind"
	LAB_CLEANUP_HOOK=""
else
	lab_skip "bin/chatnet is not built: step 6 not run"
	skipped "${NET[@]}"
fi
lab_done
