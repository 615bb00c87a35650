#!/bin/sh
# labs/plots/regen.sh — regenerate the example plots the guides show, from
# the project's own capture fixtures (tests/fixtures), so they never change
# unless chatcap or the fixtures do: one of each in Spanish (.es.svg) and
# one in English (.en.svg), for the guides in each language.
#
#   labs/plots/regen.sh [CHATCAP]
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$dir/../.." && pwd)
chatcap=${1:-$root/bin/chatcap}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
"$chatcap" -r "$root/tests/fixtures/tcp_retrans.pcap" --json >"$tmp/retrans.jsonl"
for l in es en; do
	"$dir/tseq.sh" --lang $l "$tmp/retrans.jsonl" "$dir/tseq-example.$l.svg"
done
"$chatcap" -r "$root/tests/fixtures/lab.pcapng" --json >"$tmp/lab.jsonl"
for l in es en; do
	"$dir/overhead.sh" --lang $l "$tmp/lab.jsonl" "$dir/overhead-example.$l.svg"
done
