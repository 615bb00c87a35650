#!/bin/bash
# Run every fuzzer in DIR for SECONDS each; say what each did.
#
#   tests/fuzz/run.sh DIR SECONDS [NAME...]
#
# Each fuzzer first replays its committed regression inputs
# (tests/fuzz/regress/<name>/: every crash found so far, kept so it never
# comes back), then fuzzes from the seeds (tests/fuzz/seeds.py) and the
# corpus it grew in earlier runs (build/fuzz/corpus/<name>, not in git).
# A crash leaves its input in build/fuzz/crashes/ and fails the run.
set -u
cd "$(dirname "$0")/../.."
dir=$1
secs=$2
shift 2
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$dir"/fuzz_*; do names+=("$(basename "$f")"); done
fi

work=build/fuzz
mkdir -p "$work/crashes" "$work/seeds"
python3 tests/fuzz/seeds.py "$work/seeds" || exit 1

status=0
for name in "${names[@]}"; do
	bin=$dir/$name
	corpus=$work/corpus/$name
	mkdir -p "$corpus"
	regress=(tests/fuzz/regress/"$name"/*)
	if [ -e "${regress[0]}" ]; then
		if ! "$bin" "${regress[@]}" >"$work/$name.replay.log" 2>&1; then
			echo "FAIL $name: a regression input crashes again"
			tail -30 "$work/$name.replay.log"
			status=1
			continue
		fi
	fi
	# -close_fd_mask=1: a target's stdout is not ours to print
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -close_fd_mask=1 \
		-artifact_prefix="$work/crashes/$name-" \
		"$corpus" "$work/seeds/$name" >"$work/$name.log" 2>&1; then
		# -a: a target's log may hold raw bytes of its inputs
		execs=$(grep -a '^stat::number_of_executed_units:' "$work/$name.log" |
			tail -1 | tr -dc 0-9)
		cov=$(grep -ao 'cov: [0-9]*' "$work/$name.log" | tail -1)
		ft=$(grep -ao 'ft: [0-9]*' "$work/$name.log" | tail -1)
		n=$(ls "$corpus" | wc -l)
		printf 'ok   %-12s %ss, %s runs, %s, %s, corpus %s\n' \
			"$name" "$secs" "$execs" "$cov" "$ft" "$n"
	else
		echo "FAIL $name (log: $work/$name.log)"
		grep -A25 -m1 -E '^==[0-9]+==|runtime error|deadly signal' \
			"$work/$name.log"
		ls "$work/crashes/$name-"* 2>/dev/null
		status=1
	fi
done
exit $status
