#!/bin/sh
# labs/plots/regen.sh — regenerate the example plots the guides show, from
# the project's own capture fixtures (tests/fixtures), so they never change
# unless chatcap or the fixtures do.
#
#   labs/plots/regen.sh [CHATCAP]
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$dir/../.." && pwd)
chatcap=${1:-$root/bin/chatcap}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
"$chatcap" -r "$root/tests/fixtures/tcp_retrans.pcap" --json >"$tmp/retrans.jsonl"
"$dir/tseq.sh" "$tmp/retrans.jsonl" "$dir/tseq-example.svg"
"$chatcap" -r "$root/tests/fixtures/lab.pcapng" --json >"$tmp/lab.jsonl"
"$dir/overhead.sh" "$tmp/lab.jsonl" "$dir/overhead-example.svg"
