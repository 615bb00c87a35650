#!/bin/bash
# Lab 2 (TCP data, ACKs, RTT, byte stream): every command of
# labs/{es,en}/lab2-*.md. The capture steps need root; chatbench must be built.
. "$(dirname "$0")/../lib.sh"
lab_init 2

NET=("sudo bin/chatnet up --hosts ana"
	"sudo bin/chatnet run srv -- bin/tcpchatd -p 5000 --rate-limit 0 --lang es"
	"sudo bin/chatnet impair ana --rate 1mbit"
	"sudo bin/chatnet cap srv -w lab2-red.pcap --lang es"
	"sudo bin/chatnet run ana -- bin/chatbench -h srv -p 5000 --clients 2 --senders 1 --messages 1000 --size 1000 --lang es"
	"bin/chatcap -r lab2-red.pcap --json > lab2-red.jsonl"
	"labs/plots/tseq.sh lab2-red.jsonl lab2-red-tseq.png"
	"sudo bin/chatnet down")

# Step 5: a 1 MB burst over a 1 Mbit/s chatnet link (root only).
net_steps() {
	if ! is_root || [ ! -x bin/chatnet ] || [ ! -x bin/chatbench ]; then
		lab_skip "step 5 runs across chatnet, which needs root (and bin/chatbench): not run"
		skipped "${NET[@]}"
		return
	fi
	export CHATNET_NET=rcl-lab2-$$
	LAB_CLEANUP_HOOK="lab2_down"
	lab2_down() { "$LAB_BIN/chatnet" down >/dev/null 2>&1; }
	# the server on lo is done; the one on srv listens on 5000 itself
	stop tcp
	TCP_PORT="" TCP_PID=""
	step "${NET[0]}"
	start tcpnet "${NET[1]}"
	step "${NET[2]}"
	expect 'rate 1000kbit' "the link is limited to 1 Mbit/s"
	start capnet "${NET[3]}"
	step -t 90 "${NET[4]}"
	expect 'entregados +1000 de 1000' "Q5: the whole megabyte arrived"
	expect 'perdidos 0,' "Q5: TCP lost none"
	wait_count capnet.log 'cierre ACK del FIN|RST:' 2 30 || lab_fail "the capture missed a teardown"
	stop capnet
	step "${NET[5]}"
	# Q5: segments at the MSS, one every ~12 ms (1500 bytes at 1 Mbit/s)
	# and an ACK every one or two of them: the ACK clock.
	check 'python3 - lab2-red.jsonl <<"PY"
import collections, json, statistics, sys
# the packets of conversations (not the summary, kernel samples, or
# packets outside any conversation, such as neighbour discovery)
pk = [r for r in map(json.loads, open(sys.argv[1]))
      if r.get("type") == "packet" and "conv" in r]
sent = collections.Counter()
for p in pk:
    if p["dir"] == "to_server":
        sent[p["conv"]] += p["len"]
conv = sent.most_common(1)[0][0]
d = [p for p in pk if p["conv"] == conv and p["dir"] == "to_server" and p["len"] > 0]
v6 = d[0]["src"].startswith("[")
mss = 1500 - (40 if v6 else 20) - 20 - 12
size, n = collections.Counter(p["len"] for p in d).most_common(1)[0]
assert size == mss and n >= len(d) // 2, (size, n, len(d), mss)
t = [p["time"] for p in d if not p["retransmission"]]
gap = statistics.median(b - a for a, b in zip(t, t[1:]))
assert 0.009 <= gap <= 0.020, gap
a = [p["time"] for p in pk if p["conv"] == conv and p["dir"] == "to_client" and p["len"] == 0]
agap = statistics.median(y - x for x, y in zip(a, a[1:]))
assert gap * 0.8 <= agap <= gap * 3, (gap, agap)
print(f"MSS {mss}: {n} of {len(d)} segments; data every {gap*1000:.1f} ms, ACK every {agap*1000:.1f} ms")
PY' "Q5: segments at the MSS, arriving every ~12 ms, ACKed at the same pace"
	step "${NET[6]}"
	check '[ "$(head -c 4 lab2-red-tseq.png | tail -c 3)" = PNG ]' "Q5: the time-sequence graph is a PNG"
	check 'python3 labs/plots/json2dat.py tseq lab2-red.jsonl | python3 -c "
import sys
blocks = sys.stdin.read().split(\"\n\n\n\")
acks = [l.split() for l in blocks[1].splitlines() if l and l[0] != \"#\"]
assert len(acks) >= 100 and all(float(a[2]) > float(a[1]) for a in acks)
"' "Q5: the plot has the ACK line and, above it, the advertised window's edge"
	step "${NET[7]}"
	check '! ip netns list | grep -q "^$CHATNET_NET-"' "no namespace left behind"
	LAB_CLEANUP_HOOK=""
}

start tcp "bin/tcpchatd -p 5000 --lang es"
CAPTURE=0
if is_root; then
	start cap "sudo bin/chatcap -i lo -w lab2.pcap --lang es"
	CAPTURE=1
else
	lab_skip "capturing needs root: the capture steps of lab 2 are not run"
	skipped "sudo bin/chatcap -i lo -w lab2.pcap --lang es"
fi

step "printf 'ana\nuno\ndos dos\ntres tres tres\nsalir\n' | bin/tcpchat -p 5000"
expect 'Adiós, ana' "the client joined and left"

step "printf 'beto\n/ping\n/ping\n/ping\n/ping\nsalir\n' | bin/tcpchat -p 5000 --lang es"
check '[ "$(grep -cE "pong .*ida y vuelta [0-9.]+ ms" <<<"$OUT")" -eq 4 ]' "Q2: four RTT samples"
check 'grep -oE "ida y vuelta [0-9.]+ ms" <<<"$OUT" | awk "{ if (\$4 <= 0 || \$4 >= 500) bad = 1 } END { exit bad }"' \
	"Q2: each RTT sample is above 0 and under 500 ms"

if [ -x bin/chatbench ]; then
	# the guide quotes chatbench's words in its language: --lang es
	# -t 60: over TCP chatbench waits 30 s of silence for what is missing
	# on an open connection before it says so.
	step -t 60 "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 200 --size 40 --lang es"
	expect 'entregados +200 de 200' "Q3: all 200 messages delivered"
	expect 'perdidos 0,' "Q3: TCP lost none"
else
	lab_skip "bin/chatbench is not built: no burst"
	skipped "bin/chatbench -p 5000 --clients 2 --senders 1 --messages 200 --size 40 --lang es"
fi

if [ "$CAPTURE" = 0 ]; then
	skipped "bin/chatcap -r lab2.pcap --summary --lang es" \
		"bin/chatcap -r lab2.pcap --json > lab2.jsonl" \
		"grep -cE '\"messages_total\":([2-9]|[1-9][0-9]+)' lab2.jsonl" \
		"labs/plots/tseq.sh lab2.jsonl lab2-tseq.png" \
		"bin/chatcap -r lab2.pcap --html lab2.html --lang es"
	net_steps
	lab_done
	exit 0
fi
# The capture is complete once every connection's teardown is in it: two
# clients, and the bench's two when it ran.
closes=2; [ -x bin/chatbench ] && closes=4
wait_count cap.log 'cierre ACK del FIN|RST:' "$closes" 30 || lab_fail "the capture missed a teardown"
stop cap
step "bin/chatcap -r lab2.pcap --summary --lang es"
expect 'saludos completos +[2-9]' "Q3: the summary counts the connections"
step "bin/chatcap -r lab2.pcap --json > lab2.jsonl"
# Q1: seq grows by len, segment after segment, from the client to the server.
check 'python3 - lab2.jsonl <<"PY"
import json, sys
# the packets of conversations (not the summary, kernel samples, or
# packets outside any conversation, such as neighbour discovery)
pk = [r for r in map(json.loads, open(sys.argv[1]))
      if r.get("type") == "packet" and "conv" in r]
d = [p for p in pk if p.get("conv") == 1 and p["dir"] == "to_server" and p["len"] > 0]
assert len(d) >= 2, d
for a, b in zip(d, d[1:]):
    assert b["seq"] == a["seq"] + a["len"], (a, b)
acks = {p["ack"] for p in pk if p.get("conv") == 1 and p["dir"] == "to_client"}
assert d[-1]["seq"] + d[-1]["len"] in acks
PY' "Q1: each data segment starts where the previous ended, and is acknowledged"
if [ -x bin/chatbench ]; then
	step "grep -cE '\"messages_total\":([2-9]|[1-9][0-9]+)' lab2.jsonl"
	check '[ "$OUT" -ge 1 ]' "Q3: segments carrying several messages ($OUT)"
else
	skipped "grep -cE '\"messages_total\":([2-9]|[1-9][0-9]+)' lab2.jsonl"
fi
step "labs/plots/tseq.sh lab2.jsonl lab2-tseq.png"
check '[ "$(head -c 4 lab2-tseq.png | tail -c 3)" = PNG ]' "Q4: the time-sequence graph is a PNG"
# Q4 is answered from the plot: it must hold data points and an ACK line
# that spans them (the ACK of the last data segment is in it).
check_tseq_plot lab2.jsonl 2
# Q4b from the report: its embedded JSON (what --json prints) and each
# packet's words, as the page shows them while stepping.
step "bin/chatcap -r lab2.pcap --html lab2.html --lang es"
check 'python3 - lab2.html <<"PY"
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
assert not re.search(r"https?:|<link|\ssrc=", html.replace("http://www.w3.org/2000/svg", ""))
block = lambda i: re.search(r"<script type=\"application/json\" id=\"%s\">(.*?)</script>" % i, html, re.S).group(1)
objs = [json.loads(l) for l in block("rc-data").splitlines() if l]
words = [json.loads(l) for l in block("rc-explain").splitlines() if l]
pk = [o for o in objs if o["type"] == "packet"]
assert len(words) == len(pk)
c1 = [(p, w) for p, w in zip(pk, words) if p.get("conv") == 1 and p["proto"] == "tcp"]
ev = [p["event"] for p, _ in c1]
assert ev[:3] == ["syn", "syn_ack", "established"], ev[:3]
assert "saludo 3/3" in c1[2][1], c1[2][1]
first = next(p for p, _ in c1[3:] if p["dir"] == "to_server" and p["len"] > 0)
assert (first["seq"], first["len"], first["messages"][0]["text"]) == (1, 4, "ana"), first
ack = next(p for p, _ in c1 if p["n"] > first["n"] and p["dir"] == "to_client" and p["ack"] >= 5)
assert ack["ack"] == 5, ack
print("established in packet %d; ana: seq 1 len 4 in packet %d; ack 5 in packet %d"
      % (c1[2][0]["n"], first["n"], ack["n"]))
PY' "Q4b: the report steps through the handshake, ana (seq 1, len 4) and its ACK 5"
net_steps
lab_done
