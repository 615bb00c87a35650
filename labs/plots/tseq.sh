#!/bin/sh
# labs/plots/tseq.sh — time-sequence graph of one direction of one TCP
# connection in a chatcap --json file: the direction that retransmitted most
# (else the client that sent most), where its bytes end (seq + len) and what
# the other side has acknowledged, against time; retransmissions marked.
# The title and legend say which direction it is. When the file has chatcap
# --tcp-info samples of that sender, its congestion window (cwnd x MSS),
# ssthresh x MSS, the bytes in flight and each congestion event are drawn
# too, on the right-hand axis.
#
#   labs/plots/tseq.sh [--lang es|en] FILE.jsonl OUT.png   (OUT.svg writes SVG)
#
# The words are in one language: --lang, else the environment's (as every
# program of the suite decides it).
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data tseq 800,480 "$@"
ks=$(sed -n 's/^# samples //p' "$dat")
way=$(sed -n 's/^# tseq conv .* dir //p' "$dat")
c2s=$(say "client → server" "cliente → servidor")
s2c=$(say "server → client" "servidor → cliente")
if [ "$way" = to_client ]; then data=$s2c ack=$c2s; else data=$c2s ack=$s2c; fi
gnuplot -e "term='$term'; out='$out'; dat='$dat'; ks=${ks:-0}; data='$data'; ack='$ack'" \
	-e "t_title='$(say "TCP: sequence vs. time" "TCP: secuencia frente a tiempo")'" \
	-e "t_data='$(say data datos)'; t_time='$(say "time (s)" "tiempo (s)")'" \
	-e "t_rel='$(say "bytes (relative)" "bytes (relativos)")'" \
	-e "t_retx='$(say retransmission retransmisión)'" \
	-e "t_window='$(say "ack + window" "ack + ventana")'" \
	-e "t_kernel='$(say "kernel" "núcleo")'" \
	-e "t_flight='$(say "in flight" "en vuelo")'" \
	-e "t_cong='$(say "congestion event" "evento de congestión")'" \
	"$dir/tseq.gp"
echo "$out"
