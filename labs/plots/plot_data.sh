# labs/plots/plot_data.sh — what overhead.sh and tseq.sh share. Sourced, not
# run: plot_data KIND WIDTH,HEIGHT "$@" takes an optional --lang es|en,
# checks the script's arguments (FILE.jsonl OUT.png|OUT.svg), writes
# json2dat.py's KIND table of FILE.jsonl to a temporary file $dat (removed on
# exit), and sets $dir (this folder), $term (gnuplot's terminal for OUT, from
# its ending) and $lang. Without --lang the language is the programs' rule:
# the first of LC_ALL, LC_MESSAGES and LANG that is set, Spanish when it
# starts with "es", else English. say EN ES prints the text in that language.
plot_data() {
	kind=$1 size=$2
	shift 2
	lang=en
	for v in "${LC_ALL:-}" "${LC_MESSAGES:-}" "${LANG:-}"; do
		[ -n "$v" ] || continue
		case $v in es*) lang=es ;; esac
		break
	done
	if [ "${1:-}" = --lang ]; then
		case ${2:-} in
		es | en) lang=$2 ;;
		*) echo "$0: --lang takes es or en" >&2; exit 1 ;;
		esac
		shift 2
	fi
	[ $# -eq 2 ] || {
		echo "usage: $0 [--lang es|en] FILE.jsonl OUT.png|OUT.svg" >&2; exit 1; }
	in=$1 out=$2
	dir=$(dirname "$0")
	dat=$(mktemp) && trap 'rm -f "$dat"' EXIT
	python3 "$dir/json2dat.py" "$kind" "$in" >"$dat"
	case $out in *.svg) term="svg size $size" ;; *) term="pngcairo size $size" ;; esac
}

say() {
	if [ "$lang" = es ]; then printf '%s' "$2"; else printf '%s' "$1"; fi
}
