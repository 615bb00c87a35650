#!/bin/sh
# labs/plots/tseq.sh — time-sequence graph of the busiest TCP connection in a
# chatcap --json file: where the client's bytes end (seq + len) and what the
# server has acknowledged, against time; retransmissions marked.
#
#   labs/plots/tseq.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data tseq 800,480 "$@"
gnuplot -e "term='$term'; out='$2'; dat='$dat'" "$dir/tseq.gp"
echo "$2"
