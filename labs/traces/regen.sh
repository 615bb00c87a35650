#!/bin/bash
# labs/traces/regen.sh — the prepared traces, for students who cannot
# capture: each lab that captures is run by its own run.sh (so every
# assertion on its numbers holds for the trace too), with the course's
# ports (5000, 5001), and its captures are kept here.
#
#   sudo labs/traces/regen.sh        (root: capture and chatnet; ports
#                                     5000, 5001 and 5999 must be free)
#   labs/traces/regen.sh --annotate-only   (only the .pcapng copies)
#
# Payloads beyond the first 200 bytes of each frame are cut (editcap -s)
# in the 1 MB burst of lab 2 step 5, to keep the tree small: chatcap
# counts bytes from the IP lengths, so its numbers do not change.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$dir/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "regen.sh: needs root (capture, chatnet)" >&2; exit 1; }
if ss -Hltun | grep -qE ':(5000|5001|5999)\b'; then
	echo "regen.sh: ports 5000, 5001 or 5999 are in use" >&2
	exit 1
fi
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# lab FILES...: run lab N's script, keep the named captures.
run_lab() {
	local n=$1 f; shift
	mkdir -p "$tmp/lab$n"
	echo "== lab $n"
	LAB_FIXED_PORTS=1 LAB_KEEP="$tmp/lab$n" bash "$root/labs/lab$n/run.sh" >"$tmp/lab$n.log" 2>&1 ||
		{ tail -n 30 "$tmp/lab$n.log" >&2; exit 1; }
	tail -n 1 "$tmp/lab$n.log"
	for f in "$@"; do
		cp "$tmp/lab$n/$f" "$dir/$f"
	done
}

# annotate: each trace again as pcapng whose packet comments are chatcap's
# explanations, in Spanish and in English, for Wireshark (Edit > Packet
# Comments, or the frame.comment field). Not the cut 1 MB burst.
annotate() {
	local f b l
	for f in "$dir"/*.pcap; do
		b=$(basename "$f" .pcap)
		[ "$b" = lab2-red ] && continue
		[ "$b" = lab7-reno ] && continue     # port 5002, kernel samples
		for l in es en; do
			"$root/bin/chatcap" --lang "$l" --tcp-port 5000 \
				--udp-port 5001 --summary -r "$f" \
				-w "$dir/$b.$l.pcapng" >/dev/null
		done
	done
}

[ "${1:-}" = --annotate-only ] && { annotate; exit 0; }

run_lab 1 lab1.pcap
run_lab 2 lab2.pcap lab2-red.pcap
editcap -F pcap -s 200 "$dir/lab2-red.pcap" "$tmp/cut.pcap" && mv "$tmp/cut.pcap" "$dir/lab2-red.pcap"
run_lab 3 lab3.pcap lab3-bench.pcap lab3-icmp.pcap
run_lab 4 lab4.pcap
run_lab 6 fallo.pcap
run_lab 7 lab7-reno.pcapng lab7-reno.pcapng.tcp_info.json
editcap -F pcap -s 200 "$dir/lab7-reno.pcapng" "$dir/lab7-reno.pcap" && rm "$dir/lab7-reno.pcapng"
mv "$dir/lab7-reno.pcapng.tcp_info.json" "$dir/lab7-reno.pcap.tcp_info.json"
mv "$dir/fallo.pcap" "$dir/lab6-fallo.pcap"
annotate
chmod 644 "$dir"/*.pcap "$dir"/*.pcapng
ls -l "$dir"/*.pcap "$dir"/*.pcapng
