#!/bin/sh
# labs/plots/overhead.sh — TCP against UDP bars from a chatcap --json file:
# payload bytes and header bytes (IP + TCP/UDP, control segments included).
#
#   labs/plots/overhead.sh FILE.jsonl OUT.png   (OUT.svg writes SVG)
set -eu
. "$(dirname "$0")/plot_data.sh"
plot_data overhead 640,420 "$@"
# The top of the y axis: the taller stacked bar plus a fifth, so both bars
# and the key sit inside the frame whatever gnuplot's autoscale would pick.
ymax=$(awk '!/^#/ && NF >= 3 { t = $2 + $3; if (t > m) m = t }
            END { print (m > 0 ? m * 1.2 : 1) }' "$dat")
gnuplot -e "term='$term'; out='$2'; dat='$dat'; ymax=$ymax" "$dir/overhead.gp"
echo "$2"
