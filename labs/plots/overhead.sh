#!/bin/sh
# labs/plots/overhead.sh — TCP against UDP bars from a chatcap --json file:
# payload bytes and header bytes (IP + TCP/UDP, control segments included).
#
#   labs/plots/overhead.sh [--lang es|en] FILE.jsonl OUT.png   (OUT.svg writes SVG)
#
# The words are in one language: --lang, else the environment's.
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data overhead 640,420 "$@"
# The top of the y axis: the taller stacked bar plus a fifth, so both bars
# and the key sit inside the frame whatever gnuplot's autoscale would pick.
ymax=$(awk '!/^#/ && NF >= 3 { t = $2 + $3; if (t > m) m = t }
            END { print (m > 0 ? m * 1.2 : 1) }' "$dat")
gnuplot -e "term='$term'; out='$out'; dat='$dat'; ymax=$ymax" \
	-e "t_title='$(say "TCP vs UDP: bytes on the wire" "TCP frente a UDP: bytes en el cable")'" \
	-e "t_payload='$(say payload datos)'; t_headers='$(say headers cabeceras)'" \
	"$dir/overhead.gp"
echo "$out"
