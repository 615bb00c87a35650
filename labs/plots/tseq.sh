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
#   labs/plots/tseq.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data tseq 800,480 "$@"
ks=$(sed -n 's/^# samples //p' "$dat")
way=$(sed -n 's/^# tseq conv .* dir //p' "$dat")
c2s="cliente → servidor / client → server"
s2c="servidor → cliente / server → client"
if [ "$way" = to_client ]; then data=$s2c ack=$c2s; else data=$c2s ack=$s2c; fi
gnuplot -e "term='$term'; out='$2'; dat='$dat'; ks=${ks:-0}; data='$data'; ack='$ack'" \
	"$dir/tseq.gp"
echo "$2"
