# labs/plots/plot_data.sh — what overhead.sh and tseq.sh share. Sourced, not
# run: plot_data KIND WIDTH,HEIGHT "$@" checks the script's arguments
# (FILE.jsonl OUT.png|OUT.svg), writes json2dat.py's KIND table of
# FILE.jsonl to a temporary file $dat (removed on exit), and sets $dir (this
# folder) and $term (gnuplot's terminal for OUT, from its ending).
plot_data() {
	[ $# -eq 4 ] || { echo "usage: $0 FILE.jsonl OUT.png|OUT.svg" >&2; exit 1; }
	dir=$(dirname "$0")
	dat=$(mktemp) && trap 'rm -f "$dat"' EXIT
	python3 "$dir/json2dat.py" "$1" "$3" >"$dat"
	case $4 in *.svg) term="svg size $2" ;; *) term="pngcairo size $2" ;; esac
}
