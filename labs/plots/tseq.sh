#!/bin/sh
# labs/plots/tseq.sh — time-sequence graph of the busiest TCP connection in a
# chatcap --json file: where the client's bytes end (seq + len) and what the
# server has acknowledged, against time; retransmissions marked.
#
#   labs/plots/tseq.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
[ $# -eq 2 ] || { echo "usage: $0 FILE.jsonl OUT.png|OUT.svg" >&2; exit 1; }
dir=$(dirname "$0")
dat=$(mktemp) && trap 'rm -f "$dat"' EXIT
python3 "$dir/json2dat.py" tseq "$1" >"$dat"
case $2 in *.svg) term="svg size 800,480" ;; *) term="pngcairo size 800,480" ;; esac
gnuplot -e "term='$term'; out='$2'; dat='$dat'" "$dir/tseq.gp"
echo "$2"
