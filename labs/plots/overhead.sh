#!/bin/sh
# labs/plots/overhead.sh — TCP against UDP bars from a chatcap --json file:
# payload bytes and header bytes (IP + TCP/UDP, control segments included).
#
#   labs/plots/overhead.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
[ $# -eq 2 ] || { echo "usage: $0 FILE.jsonl OUT.png|OUT.svg" >&2; exit 1; }
dir=$(dirname "$0")
dat=$(mktemp) && trap 'rm -f "$dat"' EXIT
python3 "$dir/json2dat.py" overhead "$1" >"$dat"
case $2 in *.svg) term="svg size 640,420" ;; *) term="pngcairo size 640,420" ;; esac
gnuplot -e "term='$term'; out='$2'; dat='$dat'" "$dir/overhead.gp"
echo "$2"
