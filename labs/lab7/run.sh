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
BULK="sudo bin/chatnet run ana -- bin/chatbench --bulk 4000000 -h srv -p 5002 --lang es"
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
# algorithm; DURING runs while it goes on; then the capture is stopped.
# 4 MB last 17 s at 2 Mbit/s: CUBIC's first loss must come within them.
# HyStart leaves slow start early (20-30 segments) with no loss, and the
# cubic then grows from there only while the sender fills cwnd (the samples
# show unacked below cwnd at times): the loss came 9.4 s in, at cwnd 114,
# on an idle machine, and 1.5 MB (6.3 s) ended before it under load.
transfer() {
	start "sink_$1" "$SINK"
	wait_for "$LAB_WORK/sink_$1.log" 'sumidero escuchando' ||
		lab_fail "the sink did not start"
	start "cap_$1" "$(cap "$1")"
	start "bulk_$1" "$BULK"
	$2
	wait_for "$LAB_WORK/bulk_$1.log" 'enviado: 4000000 bytes' 120 ||
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

cut_link() { sleep 3; step "${CUT[0]}"; sleep 3; step "${CUT[1]}"; }
ping_now() { step "$PING"; RTT=$(ping_rtt); }

# queue: what the bottleneck's queue (tbf, on the bridge's side of srv's
# link) holds now and has dropped since the network went up: "BYTES DROPS".
queue() {
	tc -j -s -n "$CHATNET_NET-bridge" qdisc show dev srv | python3 -c '
import json, sys
q = json.load(sys.stdin)[0]
print(q["backlog"], q["drops"])'
}
drops() { queue | awk '{ print $2 }'; }
# ping_after_fill: CUBIC's /ping 2 s after its queue filled: a drop at the
# bottleneck, or 60 KiB queued (240 ms at 2 Mbit/s). The path holds 112 kB
# (74 frames): after a loss CUBIC keeps 0.7 of what overflowed it in
# flight, 52 frames or more, so 68 kB or more stay queued, 275 ms; without
# a loss its cwnd does not shrink; and its cubic climbs back toward the
# cwnd of a loss, concave (87 - 0.4 (4 - t)^3 segments for a loss at 87:
# 84 at t = 2 s). Before that the queue can still be short (HyStart
# leaves slow start early), and a retransmission does not tell: on a
# loaded machine a spurious RTO retransmits too. Under load CUBIC may
# never overflow the queue (its cwnd grows only while the sender fills it,
# and stalls near the 74 frames): hence the backlog too.
ping_after_fill() {
	local i d0 t0=$SECONDS
	d0=$(drops)
	for ((i = 0; i < 240; i++)); do
		queue | awk -v d0="$d0" '{ exit !($2 > d0 || $1 >= 61440) }' && break
		grep -q 'enviado:' "$LAB_WORK/bulk_cubic.log" &&
			lab_fail "CUBIC filled no queue in the whole transfer"
		sleep 0.25
	done
	[ "$i" -lt 240 ] || lab_fail "CUBIC filled no queue in 60 s"
	FILL_AFTER=$((SECONDS - t0))
	sleep 2
	ping_now
}
ping_later() { sleep $((FILL_AFTER + 2)); ping_now; }

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
# Slow start: cwnd grows by one segment per segment acknowledged, so it
# doubles once the initial window is acknowledged: one RTT of the window's
# last segment after the first one left (tbf's bucket lets the first burst
# through at once, then each 1514-byte frame takes 6 ms at 2 Mbit/s). The
# kernel's smoothed RTT trails that growing RTT, and the doubling takes
# 1.4-1.7 of it measured (0.06-0.09 s against 0.045-0.05 s); the question's
# bound, 3 RTTs, leaves room for a loaded machine, which lengthens both.
read -r dbl rtt < <(python3 labs/lab7/samples.py slowstart lab7-reno.jsonl)
check 'python3 -c "import sys; sys.exit(not $dbl <= 3 * $rtt)"' \
	"Q1: cwnd doubled in $dbl s, within 3 RTTs of $rtt s"
# Each later doubling takes longer: k segments more need k acknowledged,
# and the bottleneck acknowledges at most one per 6 ms (so 20 -> 40 takes
# 121 ms or more, against the 60-90 ms of 10 -> 20), while the queue grows.
python3 labs/lab7/samples.py doublings lab7-reno.jsonl >"$LAB_WORK/dbl.txt"
check 'awk "NR > 1 && \$1 <= p { bad = 1 } { p = \$1 }
	END { exit bad || NR < 3 }" "$LAB_WORK/dbl.txt"' \
	"Q1: each doubling slower than the last: $(paste -sd ' ' "$LAB_WORK/dbl.txt") s"
# Reno (tcp_reno_ssthresh): ssthresh = cwnd / 2, rounded down; cwnd is read
# from the last sample before the loss, which may miss the last ACK's one
# segment more: 2 * ssthresh - cwnd within ±2 (± 1 segment of ssthresh).
read -r cw st < <(python3 labs/lab7/samples.py firstloss lab7-reno.jsonl)
check '[ $((2 * st - cw)) -ge -2 ] && [ $((2 * st - cw)) -le 2 ]' \
	"Q2: Reno's first loss at cwnd $cw set ssthresh $st (half, ± 1)"
# The loss is detected a (queued) round trip after the queue overflowed,
# and slow start kept growing meanwhile: cwnd x 1448 beyond what the path
# holds, 10 kB in flight on the 40 ms at 2 Mbit/s plus the 102400-byte
# queue (one frame less per 1514 bytes: the bound is loose on purpose).
check '[ $((cw * 1448)) -gt $((10000 + 102400)) ]' \
	"Q2: at the loss cwnd ($((cw * 1448)) bytes) exceeds the path's 112400 bytes"
# The RTO: each expiry retransmits and doubles the timer (RFC 6298 5.5), so
# expiries come r, 3r and 7r after the last ACK, and the text view gives the
# RTO each expiry found: r, 2r, 4r (exactly: the kernel shifts it); an
# expiry at a larger cwnd, before or after the cut, starts another run
# (the longest is the cut's). r =
# srtt + rttvar is at most about 0.5 s of full queue + 0.2 s (the minimum
# rttvar), so a cut of 3 s loses the first two retransmissions and the
# third expiry always comes: three values, two doublings. The new value
# after the last expiry lives only until the retransmission is acknowledged
# (40 ms), and a poll may miss it ("?"): it is used only when known and
# not recomputed by an undo.
grep 'venció el RTO' "$LAB_WORK/reno.txt" >"$LAB_WORK/rto.txt"
python3 labs/lab7/samples.py rtochain "$LAB_WORK/rto.txt" >"$LAB_WORK/chain.txt"
check '[ "$(grep -vc " -$" "$LAB_WORK/chain.txt")" -ge 3 ]' \
	"Q3: at least three RTOs in a row during the cut"
# cwnd 1 after each but the last: the last one's retransmission may be the
# first to get through, and an undo (the timestamps show the original had
# arrived: F-RTO) may give cwnd back before the next sample.
check 'grep -v " -$" "$LAB_WORK/chain.txt" | sed \$d | awk "\$2 != 1 { exit 1 }"' \
	"Q3: cwnd 1 after each expiry: $(awk '{ print $2 }' "$LAB_WORK/chain.txt" | paste -sd ' ')"
check 'awk "NR > 1 && (\$1 < 2 * p - 1 || \$1 > 2 * p + 1) { bad = 1 }
	{ p = \$1 } END { exit bad || NR < 3 }" "$LAB_WORK/chain.txt"' \
	"Q3: the RTO doubled at each expiry: $(awk '{ print $1 }' "$LAB_WORK/chain.txt" | paste -sd ' ') ms"
step "${READ[1]}"
check '[ "$(head -c 4 lab7-reno.png | tail -c 3)" = PNG ]' "the Stevens graph is a PNG"
check_tseq_plot lab7-reno.jsonl 10
check '[ "$(python3 labs/lab7/samples.py plotted lab7-reno.jsonl)" -ge 10 ]' \
	"the graph draws the kernel's cwnd"

# --- CUBIC -------------------------------------------------------------------
step "${CC[0]}"
expect 'ana: .*TCP.* cubic' "ana uses CUBIC"
transfer cubic ping_after_fill
cubic_rtt=$RTT
check 'grep -q "control de congestión cubic" <<<"$BULK_OUT"' "the transfer used CUBIC"
step "$(json cubic)"
# CUBIC (bictcp_recalc_ssthresh): ssthresh = cwnd * 717 / 1024, rounded
# down; with cwnd read one segment short at most (as for Reno), ssthresh is
# within (0.7 cwnd - 1, 0.7 cwnd + 0.7]: ± 1.5 holds it with room.
read -r cw st < <(python3 labs/lab7/samples.py firstloss lab7-cubic.jsonl)
check 'python3 -c "import sys; sys.exit(not abs($st - 0.7 * $cw) <= 1.5)"' \
	"Q4: CUBIC's first loss at cwnd $cw set ssthresh $st (0.7 of it, ± 1)"
# Once filled the queue holds 60 KiB or more (ping_after_fill):
# 40 ms + 240 ms at the least; 150 ms leaves room.
check 'python3 -c "import sys; sys.exit(not $cubic_rtt >= 150)"' \
	"Q4: /ping under CUBIC: $cubic_rtt ms, far above the empty 40 ms"

# --- BBR ---------------------------------------------------------------------
step "${CC[1]}"
expect 'ana: .*TCP.* bbr' "ana uses BBR"
bbr_d0=$(drops)
transfer bbr ping_later
bbr_rtt=$RTT
# BBR paces at the rate it measured with at most 2 BDP and an allowance
# for bursts of ACKs in flight, far below the 112 kB that overflow the
# queue: the bottleneck drops nothing. (chatbench's "sent again" may not be
# 0 on a loaded machine: a late ACK makes a spurious RTO, nothing lost.)
check '[ "$(drops)" -eq "$bbr_d0" ]' \
	"Q5: the bottleneck dropped nothing of BBR's ($bbr_d0 drops before, $(drops) after)"
check 'grep -q "control de congestión bbr" <<<"$BULK_OUT"' "the transfer used BBR"
step "$(json bbr)"
# BBR keeps at most 2 BDP in flight (cwnd_gain 2) plus what it allows for
# ACKs that arrive in bursts (at most 100 ms of its rate): 1 BDP (40 ms) +
# 100 ms queued at the worst, /ping under 180 ms, against CUBIC's 315 ms or
# more: 80 ms apart with room (measured: BBR 40-165 ms, CUBIC 280-440).
check 'python3 -c "import sys; sys.exit(not $bbr_rtt + 80 <= $cubic_rtt)"' \
	"Q5: /ping under BBR ($bbr_rtt ms) at least 80 ms below CUBIC's ($cubic_rtt ms)"

step "$DOWN"
check '! ip netns list | grep -q "^$CHATNET_NET-"' "no namespace left behind"
lab_done
