#!/bin/sh
# labs/plots/tseq.sh — time-sequence graph of the busiest TCP connection in a
# chatcap --json file: where the client's bytes end (seq + len) and what the
# server has acknowledged, against time; retransmissions marked. When the
# file has chatcap --tcp-info samples, the sender's congestion window
# (cwnd x MSS), ssthresh x MSS, the bytes in flight and each congestion
# event are drawn too, on the right-hand axis.
#
#   labs/plots/tseq.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data tseq 800,480 "$@"
ks=$(sed -n 's/^# samples //p' "$dat")
gnuplot -e "term='$term'; out='$2'; dat='$dat'; ks=${ks:-0}" "$dir/tseq.gp"
echo "$2"
