#!/bin/bash
# Lab 7 (congestion control across chatnet, with the kernel's own cwnd and
# ssthresh from chatcap --tcp-info): every command of
# labs/{es,en}/lab7-*.md, and the numbers its questions use. Needs root
# (chatnet, the tcp tracepoints).
. "$(dirname "$0")/../lib.sh"
lab_init 7

UP=("sudo bin/chatnet up --hosts ana --cc reno"
	"sudo bin/chatnet impair srv --bottleneck 2mbit --queue 100kb"
	"sudo bin/chatnet impair ana --delay 20ms --seed 7"
	"sudo bin/chatnet run srv -- bin/tcpchatd -p 5000 --lang es")
SINK="sudo bin/chatnet run srv -- bin/chatbench --sink -p 5002 --lang es"
BULK="sudo bin/chatnet run ana -- bin/chatbench --bulk 1500000 -h srv -p 5002 --lang es"
CUT=("sudo bin/chatnet impair ana --loss 100%"
	"sudo bin/chatnet impair ana --loss 0")
PING="printf 'ana\n/ping\n/ping\n/ping\nsalir\n' | sudo bin/chatnet run ana -- bin/tcpchat -h srv -p 5000 --lang es"
cap() { printf 'sudo bin/chatnet cap ana --tcp-port 5002 --tcp-info -w lab7-%s.pcapng --lang es' "$1"; }
json() { printf 'bin/chatcap -r lab7-%s.pcapng --tcp-port 5002 --json > lab7-%s.jsonl' "$1" "$1"; }
CC=("sudo bin/chatnet impair ana --cc cubic" "sudo bin/chatnet impair ana --cc bbr")
READ=("bin/chatcap -r lab7-reno.pcapng --tcp-port 5002 --lang es"
	"labs/plots/tseq.sh lab7-reno.jsonl lab7-reno.png")
DOWN="sudo bin/chatnet down"

if ! is_root || ! grep -qw tracefs /proc/filesystems || [ ! -x bin/chatnet ]; then
	lab_skip "lab 7 runs across chatnet with the tcp tracepoints, which need root: not run"
	skipped "${UP[@]}" "$SINK" "$BULK" "${CUT[@]}" "$PING" "${CC[@]}" \
		"${READ[@]}" "$DOWN" "$(cap reno)" "$(cap cubic)" "$(cap bbr)" \
		"$(json reno)" "$(json cubic)" "$(json bbr)"
	lab_done
	exit 0
fi

export CHATNET_NET=rcl-lab7-$$
LAB_CLEANUP_HOOK="lab7_down"
lab7_down() { "$LAB_BIN/chatnet" down >/dev/null 2>&1; }

# transfer ALG DURING: the sink, the capture and the bulk transfer of one
# algorithm; DURING runs 3 s into it; then the capture is stopped.
transfer() {
	start "sink_$1" "$SINK"
	wait_for "$LAB_WORK/sink_$1.log" 'sumidero escuchando' ||
		lab_fail "the sink did not start"
	start "cap_$1" "$(cap "$1")"
	start "bulk_$1" "$BULK"
	sleep 3
	$2
	wait_for "$LAB_WORK/bulk_$1.log" 'enviado: 1500000 bytes' 60 ||
		lab_fail "the transfer with $1 did not end"
	BULK_OUT=$(cat "$LAB_WORK/bulk_$1.log")
	sleep 0.5
	stop "cap_$1"
	stop "sink_$1"
}

# ping_rtt: the median of the three /ping RTTs of the last output (ms).
ping_rtt() {
	grep -oE 'ida y vuelta [0-9.]+ ms' <<<"$OUT" | awk '{ print $4 }' |
		sort -n | sed -n 2p
}

cut_link() { step "${CUT[0]}"; sleep 2; step "${CUT[1]}"; }
ping_now() { step "$PING"; RTT=$(ping_rtt); }

step "${UP[0]}"
expect 'ana +10\.77\.0\.11' "the network is up, with ana"
step "${UP[1]}"
expect '2000 kbit/s.* 102400 bytes' "the bottleneck is in force"
step "${UP[2]}"
start tcp "${UP[3]}"

# --- Reno --------------------------------------------------------------------
transfer reno cut_link
step "${READ[0]}"
unwrap "$LAB_LAST" >"$LAB_WORK/reno.txt"
check 'grep -q "núcleo: cwnd 10 segmentos, ssthresh ∞ (reno)" "$LAB_WORK/reno.txt"' \
	"the kernel's first window: 10 segments, Reno"
check 'grep -q "arranque lento" "$LAB_WORK/reno.txt"' "slow start is marked"
step "$(json reno)"
read -r dbl rtt < <(python3 labs/lab7/samples.py slowstart lab7-reno.jsonl)
check 'python3 -c "import sys; sys.exit(not $dbl <= 3 * $rtt)"' \
	"Q1: cwnd doubled in $dbl s, within 3 RTTs of $rtt s"
read -r cw st < <(python3 labs/lab7/samples.py firstloss lab7-reno.jsonl)
check '[ $((2 * st - cw)) -ge -2 ] && [ $((2 * st - cw)) -le 2 ]' \
	"Q2: Reno's first loss at cwnd $cw set ssthresh $st (half, ± 1)"
grep 'venció el RTO' "$LAB_WORK/reno.txt" >"$LAB_WORK/rto.txt"
check '[ "$(grep -c "cwnd 1," "$LAB_WORK/rto.txt")" -ge 2 ]' \
	"Q3: at least two RTOs during the cut, each leaving cwnd at 1"
check 'python3 - "$LAB_WORK/rto.txt" <<"PY"
import re, sys
def ms(v, unit):
    return float(v) * (1000 if unit == "s" else 1)
pairs = [re.search(r"rto ([\d.]+) (m?s) \S+ ([\d.]+) (m?s)", l).groups()
         for l in open(sys.argv[1], encoding="utf-8") if "cwnd 1," in l]
assert sum(abs(ms(c, d) - 2 * ms(a, b)) < 1 for a, b, c, d in pairs) >= 2, pairs
PY' "Q3: the RTO doubled at each expiry"
step "${READ[1]}"
check '[ "$(head -c 4 lab7-reno.png | tail -c 3)" = PNG ]' "the Stevens graph is a PNG"
check_tseq_plot lab7-reno.jsonl 10
check '[ "$(python3 labs/lab7/samples.py plotted lab7-reno.jsonl)" -ge 10 ]' \
	"the graph draws the kernel's cwnd"

# --- CUBIC -------------------------------------------------------------------
step "${CC[0]}"
expect 'ana: .*TCP.* cubic' "ana uses CUBIC"
transfer cubic ping_now
cubic_rtt=$RTT
check 'grep -q "control de congestión cubic" <<<"$BULK_OUT"' "the transfer used CUBIC"
step "$(json cubic)"
read -r cw st < <(python3 labs/lab7/samples.py firstloss lab7-cubic.jsonl)
check 'python3 -c "import sys; sys.exit(not abs($st - 0.7 * $cw) <= 1.5)"' \
	"Q4: CUBIC's first loss at cwnd $cw set ssthresh $st (0.7 of it, ± 1)"
check 'python3 -c "import sys; sys.exit(not $cubic_rtt >= 150)"' \
	"Q4: /ping under CUBIC: $cubic_rtt ms, far above the empty 40 ms"

# --- BBR ---------------------------------------------------------------------
step "${CC[1]}"
expect 'ana: .*TCP.* bbr' "ana uses BBR"
transfer bbr ping_now
bbr_rtt=$RTT
check 'grep -q "control de congestión bbr" <<<"$BULK_OUT"' "the transfer used BBR"
step "$(json bbr)"
check 'python3 -c "import sys; sys.exit(not $bbr_rtt + 80 <= $cubic_rtt)"' \
	"Q5: /ping under BBR ($bbr_rtt ms) at least 80 ms below CUBIC's ($cubic_rtt ms)"

step "$DOWN"
check '! ip netns list | grep -q "^$CHATNET_NET-"' "no namespace left behind"
lab_done
