#!/bin/bash
# Lab 4 (loss, delay, reordering across chatnet): every command of
# labs/{es,en}/lab4-*.md. Needs root (chatnet makes namespaces); works with
# or without sch_netem (chatnet's userspace impairer stands in for it).
. "$(dirname "$0")/../lib.sh"
lab_init 4

UP=("sudo bin/chatnet up --hosts ana"
	"sudo bin/chatnet run srv -- bin/tcpchatd -p 5000 --lang es"
	"sudo bin/chatnet run srv -- bin/udpchatd -p 5001 --lang es"
	"sudo bin/chatnet cap srv -w lab4.pcap --lang es")
DELAY=("sudo bin/chatnet impair ana --delay 20ms --seed 4"
	"printf 'ana\n/ping\n/ping\n/ping\nsalir\n' | sudo bin/chatnet run ana -- bin/tcpchat -h srv -p 5000 --lang es")
UDPB="sudo bin/chatnet run ana -- bin/chatbench --udp -h srv -p 5001 --clients 2 --senders 1 --messages 100 --rate 50 --lang es"
TCPB="sudo bin/chatnet run ana -- bin/chatbench -h srv -p 5000 --clients 2 --senders 1 --messages 100 --rate 50 --lang es"
LOSS="sudo bin/chatnet impair ana --delay 20ms --loss 20% --seed 4"
AFTER=("sudo bin/chatnet impair ana --clear"
	"bin/chatcap -r lab4.pcap --summary --lang es"
	"bin/chatcap -r lab4.pcap --json > lab4.jsonl"
	"labs/plots/tseq.sh lab4.jsonl lab4-tseq.png")
REORDER="sudo bin/chatnet impair ana --delay 20ms --jitter 10ms --reorder 25% --seed 4"
DOWN="sudo bin/chatnet down"

if ! is_root || [ ! -x bin/chatbench ] || [ ! -x bin/chatnet ]; then
	lab_skip "lab 4 runs across chatnet, which needs root (and bin/chatbench): not run"
	skipped "${UP[@]}" "${DELAY[@]}" "$LOSS" "$UDPB" "$TCPB" "${AFTER[@]}" \
		"$REORDER" "$DOWN"
	lab_done
	exit 0
fi

# The lab's own network, removed whatever happens.
export CHATNET_NET=rcl-lab4-$$
LAB_CLEANUP_HOOK="lab4_down"
lab4_down() { "$LAB_BIN/chatnet" down >/dev/null 2>&1; }

# check_retrans_plot FILE WHAT: the time-sequence graph of chatcap's --json
# output FILE shows the direction that retransmits, with r >= 1 of its n
# data segments marked as retransmissions, and r is what the instructor
# notes state: a segment is sent again when it is lost (p = 0.2) and, when
# no later segment's ACK covers it, also when its own ACK is lost (then
# p = 0.2 + 0.8 x 0.2 = 0.36); so r is Binomial(n, p) with p between 0.2
# and 0.36, and the notes accept from 0.2 n less five standard deviations
# (sqrt(0.16 n)) to 0.36 n plus five (sqrt(0.2304 n)): 1 to 39 for n = 57.
check_retrans_plot() {
	check 'python3 labs/plots/json2dat.py tseq '"$1"' | python3 -c "
import math, sys
text = sys.stdin.read()
assert text.startswith(\"# tseq conv \") and text.split()[5] == \"to_client\", text[:60]
rows = [l.split() for l in text.split(\"\n\n\n\")[0].splitlines() if l and l[0] != \"#\"]
n, r = len(rows), sum(int(x[2]) for x in rows)
lo = max(1, 0.2 * n - 5 * math.sqrt(0.16 * n))
hi = 0.36 * n + 5 * math.sqrt(0.2304 * n)
print(f\"server to client: {r} retransmissions of {n} data segments, {lo:.0f} to {hi:.0f} expected\")
assert lo <= r <= hi, (n, r, lo, hi)
"' "Q4: the graph of $2 shows server → client with its retransmissions marked, as many as the notes say"
}

# bench_count WORD: the number after WORD in chatbench's last output.
bench_count() { grep -oE "$1 +[0-9]+" <<<"$OUT" | head -n 1 | grep -oE '[0-9]+$'; }

step "${UP[0]}"
expect 'ana +10\.77\.0\.11' "the network is up, with ana"
start tcp "${UP[1]}"
start udp "${UP[2]}"
start cap "${UP[3]}"

# Q1: three /ping samples of about 2 x 20 ms (at least 40 ms less a
# rounding; a busy machine may add, hence the generous top).
step "${DELAY[0]}"
expect 'delay 20ms' "the delay is in force"
step "${DELAY[1]}"
check '[ "$(grep -cE "ida y vuelta [0-9.]+ ms" <<<"$OUT")" -eq 3 ]' "Q1: three RTT samples"
check 'grep -oE "ida y vuelta [0-9.]+ ms" <<<"$OUT" | awk "{ if (\$4 < 39 || \$4 > 250) bad = 1 } END { exit bad }"' \
	"Q1: each RTT is about twice the delay (39 to 250 ms)"

# Q2: a message crosses ana's link twice, so it arrives with probability
# 0.8^2 = 0.64: 64 of 100 expected, standard deviation 4.8; five of them
# either side is generous (and independent of the seed).
step "$LOSS"
expect 'loss 20%' "the loss is in force"
step -t 60 "$UDPB"
n=$(bench_count 'entregados')
check '[ "${n:-0}" -ge 40 ] && [ "$n" -le 88 ]' "Q2: UDP delivered $n of 100, within 64 ± 24 (binomial, 5 sd)"
check 'python3 - "$OUT" <<"PY"
import re, sys
out = sys.argv[1]
lost = int(re.search(r"perdidos (\d+)", out).group(1))
m = re.search(r"rachas de pérdidas (\d+), la más larga de (\d+) mensajes? \(por longitud:([^)]*)\)", out)
assert m, out
runs, longest = int(m.group(1)), int(m.group(2))
hist = {k: int(v) for k, v in re.findall(r"(\d+\+?):(\d+)", m.group(3))}
assert sum(hist.values()) == runs and 1 <= runs <= lost and longest <= lost, (runs, longest, hist)
if not any(k.endswith("+") for k in hist):
    assert sum(int(k) * v for k, v in hist.items()) == lost, (hist, lost)
    assert max(int(k) for k in hist) == longest
PY' "Q2: the loss runs add up to the messages lost"

step -t 90 "$TCPB"
expect 'entregados +100 de 100' "Q3: TCP delivered all 100 messages"
expect 'perdidos 0, no entregados a tiempo 0,' "Q3: TCP lost none, and none was late"

step "${AFTER[0]}"
expect 'ana' "the impairment is cleared"
wait_count cap.log 'cierre ACK del FIN|RST:' 3 30 || lab_fail "the capture missed a teardown"
stop cap
step "${AFTER[1]}"
step "${AFTER[2]}"
r=$(json_get lab4.jsonl 's["tcp"]["retransmissions"]')
check '[ "$r" -gt 0 ]' "Q4: chatcap saw $r TCP retransmissions"
# Q4: the handshake of step 1 (delay only) took about 2 x 20 ms, SYN-ACK
# out to ana and its ACK back, as seen on srv.
rtt=$(json_get lab4.jsonl '[c["syn_to_ack_us"] for c in s["connections"]][0]')
check '[ "$rtt" != None ] && [ "$rtt" -ge 39000 ] && [ "$rtt" -le 250000 ]' \
	"Q4: the first handshake's RTT is about twice the delay ($rtt us)"
step "${AFTER[3]}"
check '[ "$(head -c 4 lab4-tseq.png | tail -c 3)" = PNG ]' "Q4: the time-sequence graph is a PNG"
# Q4 is answered from the plot: data points and an ACK line that reaches
# the last byte sent.
check_tseq_plot lab4.jsonl 10
# The graph shows the direction that retransmitted most: the server's
# messages to the receiver (each data segment crosses ana's lossy link
# once, after the capture point, so chatcap sees it and its resending).
check_retrans_plot lab4.jsonl "the run"
# The prepared trace answers the same question.
bin/chatcap -r labs/traces/lab4.pcap --json > lab4-trace.jsonl
check_retrans_plot lab4-trace.jsonl "labs/traces/lab4.pcap"

step "$REORDER"
expect 'reorder 25%' "the reordering is in force"
step -t 60 "$UDPB"
n=$(bench_count 'entregados')
check '[ "${n:-0}" -ge 95 ]' "Q5: UDP lost (almost) nothing without loss ($n of 100)"
o=$(bench_count 'desordenados')
check '[ "${o:-0}" -ge 1 ]' "Q5: UDP delivered $o messages out of order"
step -t 90 "$TCPB"
expect 'entregados +100 de 100' "Q5: TCP delivered all 100"
expect 'desordenados 0,' "Q5: TCP delivered none out of order"

step "$DOWN"
expect 'removed|eliminada|quitad|borrad' "the network is removed"
check '! ip netns list | grep -q "^$CHATNET_NET-"' "no namespace left behind"
lab_done
