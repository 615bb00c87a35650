#!/bin/bash
# scripts/bench.sh — `make bench`: the performance table.
#
# Starts each server on a free port, runs the fixed workloads W1-W6 against
# it with chatbench, and prints one table with raw figures and ratios
# against the seed 003 Python servers, all measured in this one run. Also
# writes bench-results/bench.json. Everything it starts is stopped on exit.
#
#   W1 throughput  50 clients, 10 senders x 2000 x 64 B, blast
#   W2 fan-out     200 clients, 5 senders x 500 x 64 B, blast
#   W3 latency     50 clients, 10 senders at 100 msg/s for 5 s
#   W4 memory      10,000 idle clients: server RSS per client
#   W5 UDP         20 clients, 5 senders x 2000 x 64 B at 1000 msg/s, and blast
#   W6 slow reader W1 with one client that never reads
#   W6h            the same with 10 MB for each reader (5000 x 200 B): more
#                  than the kernel buffers for the stuck one (W6's 1.6 MB fit)
#   W6b            W6h over the memory budget: tcpchatd with --max-memory 8M
#                  and --soft-queue-time 1 (the senders are held back, the
#                  stuck one is dropped after a second, nobody else)
#   W6r            W3 (paced, so latency means something) with one client
#                  that never reads
#   limit          W1 and W2 against tools/relay_limit.c, the least a correct
#                  line relay does (no nicknames, no limits): the measuring
#                  stick for the server's CPU per delivery, not a server
#   R1 referee     W1's load at 10,000 messages a sender, read by tools/referee
#                  (a second referee written apart from chatbench: one
#                  thread, its own framing and counting) for relay_limit and
#                  both tcpchatd models, three rounds alternating them
#   W7 attack mix  20 honest clients at 40 msg/s while 5 clients send random
#                  bytes and 1 MiB lines without reading, 200 slowloris
#                  connections, a flooder and a stuck reader
#                  (scripts/bench_attack.py); the servers keep their default
#                  limits here, the only workload where they do
#   C1-C3          chatcap -r against tcpdump -n -r on a million chat packets
#   L1-L4          chatcap -i lo beside tcpdump while chatbench loads the
#                  servers: 100,000 UDP chat packets a second, and TCP chat,
#                  each without and with --tcp-info (scripts/bench_live.py)
#
# TCP clients connect at 2000 a second for every server: the seed server
# listens with a backlog of 5, and a crowd arriving at once would be let in
# only over seconds of retransmissions.
#
# Environment: REDCHAT_BIN (programs, default bin/), PYTHON (the Python that
# runs the seed servers, default /usr/bin/python3), BENCH_OUT (directory of
# the JSON, default bench-results), BENCH_IDLE (W4's clients, default 10000),
# BENCH_BASELINE (another tcpchatd binary, e.g. the previous version's: W1
# and W2 against it too, in this run), BENCH_CPU_ONLY=1 (only W1 and W2:
# the CPU-per-delivery table).
set -u
cd "$(dirname "$0")/.."

BIN=${REDCHAT_BIN:-$PWD/bin}
PY=${PYTHON:-/usr/bin/python3}
OUT=${BENCH_OUT:-bench-results}
IDLE=${BENCH_IDLE:-10000}
SEEDS=tests/seeds
BENCH="$BIN/chatbench"
WORK=$(mktemp -d /tmp/redchat-bench.XXXXXX)
RESULTS="$WORK/results.jsonl"
SERVER_PID=
SERVER_PORT=

# --- starting and stopping servers -------------------------------------------

cleanup() {
	stop_server
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wait (up to 10 s) for a "listening" line in file $1; print its port.
wait_listening() {
	local i port
	for i in $(seq 100); do
		port=$(grep -aE 'listening on|escuchando en' "$1" 2>/dev/null |
		       head -1 | sed 's/(.*//' | grep -oE '[0-9]+' | tail -1)
		[ -n "$port" ] && { echo "$port"; return 0; }
		sleep 0.1
	done
	return 1
}

# A port nobody uses now (for the seed TCP server, which cannot pick one).
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'
}

# Options for a redchat server: quiet, room for W4, and no per-client rate
# limit (chatbench floods on purpose; the seed servers have none either).
redchat_opts() {
	echo -q -p 0 --max-clients 20000
	LANG=C "$BIN/$1" --help 2>&1 | grep -q -- --rate-limit && echo --rate-limit 0
}

# start_server KIND: tcpchatd | threads | baseline | limit | seed-tcp |
# udpchatd | seed-udp;
# with DEFAULTS=1, the redchat servers keep their default limits.
start_server() {
	local log="$WORK/server.log" port cmd opts
	: >"$log"
	opts=$(redchat_opts tcpchatd)
	[ "${DEFAULTS:-0}" = 1 ] && opts="-q -p 0"
	case $1 in
	tcpchatd) cmd=("$BIN/tcpchatd" $opts ${TCPD_OPTS:-}) ;;
	threads)  cmd=("$BIN/tcpchatd" $opts --threads ${TCPD_OPTS:-}) ;;
	baseline) cmd=("$BENCH_BASELINE" $opts) ;;
	limit)    cmd=("$BIN/relay_limit" 0) ;;
	udpchatd) cmd=("$BIN/udpchatd" $(redchat_opts udpchatd)) ;;
	seed-tcp) cmd=("$PY" "$SEEDS/seed003_server.py" "$(free_port)") ;;
	seed-udp) cmd=("$PY" "$SEEDS/seed003_udp_server.py" 0) ;;
	esac
	"${cmd[@]}" </dev/null >"$log" 2>&1 &   # $! is the server itself
	SERVER_PID=$!
	if ! port=$(wait_listening "$log"); then
		echo "bench: $1 did not start:" >&2
		cat "$log" >&2
		stop_server
		return 1
	fi
	SERVER_PORT=$port
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# run [-n N] WORKLOAD SERVER CHATBENCH-OPTIONS...: N times (default 1) a
# fresh server and a chatbench run; one JSON line appended to the results:
# the run with the median deliveries/s, all N kept under "repeats". Runs of
# a tenth of a second are noisy on a shared machine; the median of three
# is steadier.
run() {
	local n=1 workload server out outs=() i
	[ "$1" = -n ] && { n=$2; shift 2; }
	workload=$1 server=$2; shift 2
	local transport=--connect-rate=2000   # TCP: see the top of this file
	case $server in udpchatd|seed-udp) transport=--udp ;; esac
	printf '  %-3s %-9s ' "$workload" "$server" >&2
	for i in $(seq "$n"); do
		start_server "$server" || return 0
		if out=$("$BENCH" $transport -p "$SERVER_PORT" \
		             --server-pid "$SERVER_PID" --json --timeout 60 "$@" \
		             2>"$WORK/bench.err"); then
			outs+=("$out")
		else
			echo -n "failed: $(cat "$WORK/bench.err") " >&2
		fi
		stop_server
	done
	[ ${#outs[@]} -gt 0 ] || { echo >&2; return 0; }
	printf '%s\n' "${outs[@]}" | "$PY" -c '
import json, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
runs.sort(key=lambda r: r.get("deliveries_per_s", 0))
print(json.dumps({"workload": sys.argv[1], "server": sys.argv[2],
                  "result": runs[len(runs) // 2], "repeats": runs}))
' "$workload" "$server" >>"$RESULTS"
	echo "done" >&2
}

# run_attack SERVER: W7 against a fresh server with its default limits.
run_attack() {
	local out
	printf '  %-3s %-9s ' W7 "$1" >&2
	DEFAULTS=1 start_server "$1" || return 0
	if out=$("$PY" scripts/bench_attack.py "$BENCH" "$SERVER_PORT" \
	             "$SERVER_PID" 2>"$WORK/bench.err"); then
		printf '%s\n' "$out" | "$PY" -c '
import json, sys
r = json.loads(sys.stdin.read())
print(json.dumps({"workload": "W7", "server": sys.argv[1], "result": r,
                  "repeats": [r]}))
' "$1" >>"$RESULTS"
		echo "done" >&2
	else
		echo "failed: $(cat "$WORK/bench.err")" >&2
	fi
	stop_server
}

# referee_rows: R1, the second referee (see the top of this file); its
# table after the main one, its runs in $OUT/referee.json.
referee_rows() {
	local round s out
	echo "bench: the second referee (R1)..." >&2
	: >"$WORK/referee.jsonl"
	for round in 1 2 3; do
		for s in limit tcpchatd threads; do
			start_server "$s" || continue
			# exit 1 (something missing) still prints its JSON
			out=$("$BIN/referee" -p "$SERVER_PORT" --json \
			      --server-pid "$SERVER_PID" 2>"$WORK/bench.err")
			stop_server
			[ -n "$out" ] || { cat "$WORK/bench.err" >&2; continue; }
			printf '{"server": "%s", "round": %d, "result": %s}\n' \
			       "$s" "$round" "$out" >>"$WORK/referee.jsonl"
		done
	done
	"$PY" scripts/bench_referee.py "$WORK/referee.jsonl" "$OUT/referee.json"
}

# --- the workloads -------------------------------------------------------------

ulimit -n "$(ulimit -Hn)" 2>/dev/null
mkdir -p "$OUT"
: >"$RESULTS"
echo "bench: running W1-W7 and the limit (a few minutes)..." >&2

w1() { run -n 3 W1 "$1" --clients 50 --senders 10 --messages 2000 --size 64; }
w2() { run -n 3 W2 "$1" --clients 200 --senders 5 --messages 500 --size 64; }
# The measuring stick (and the baseline) first, then the servers.
for s in limit ${BENCH_BASELINE:+baseline}; do
	w1 "$s"
	w2 "$s"
done
if [ "${BENCH_CPU_ONLY:-0}" = 1 ]; then
	for s in tcpchatd threads; do
		w1 "$s"
		w2 "$s"
	done
	"$PY" scripts/bench_table.py "$RESULTS" "$OUT/bench.json"
	referee_rows
	exit 0
fi
for s in tcpchatd threads seed-tcp; do
	w1 "$s"
	w2 "$s"
	run W3 "$s" --clients 50 --senders 10 --messages 500 --rate 100
	run W4 "$s" --connect-only --clients "$IDLE" --hold 2
	run W6 "$s" --clients 50 --senders 10 --messages 2000 --size 64 --stall 1
	run W6h "$s" --clients 50 --senders 10 --messages 5000 --size 200 --stall 1
	TCPD_OPTS="--max-memory 8M --soft-queue-time 1" \
	run W6b "$s" --clients 50 --senders 10 --messages 5000 --size 200 --stall 1
	run W6r "$s" --clients 50 --senders 10 --messages 500 --rate 100 --stall 1
	run_attack "$s"
done
for s in udpchatd seed-udp; do
	run W5r "$s" --clients 20 --senders 5 --messages 2000 --rate 1000
	run W5b "$s" --clients 20 --senders 5 --messages 2000
done

"$PY" scripts/bench_table.py "$RESULTS" "$OUT/bench.json"
referee_rows

# --- chatcap against tcpdump -------------------------------------------------
# C1-C3: chatcap reading a capture of 1,000,000 chat packets written by the
# fixture generator, with the TCP analysis on, against `tcpdump -n -r` on
# the same file in this same run: CPU seconds (user + system, which a
# shared machine moves less than wall time), each the median of three. Two
# files: "plain" (gen_fixtures --big) and "impaired" (--big-impaired: every
# 97th TCP data segment lost, neighbours swapped every 53 frames, so the
# analysis flags retransmissions, lost and out-of-order segments).
# Targets: --summary >= 10x tcpdump, the text >= 5x, --json >= 5x.
# BENCH_CAP_PACKETS changes the size.
chatcap_rows() {
	local build=${REDCHAT_BUILD:-build} n=${BENCH_CAP_PACKETS:-1000000}
	local gen
	gen="$build/tests/gen_fixtures"
	[ -x "$gen" ] || make -s "$gen" >/dev/null 2>&1 || {
		echo "bench: cannot build $gen; no chatcap rows" >&2; return 0; }
	command -v tcpdump >/dev/null || {
		echo "bench: tcpdump is not installed; no chatcap rows" >&2
		return 0; }
	echo "bench: chatcap against tcpdump on $n packets, two files..." >&2
	"$gen" --big "$WORK/big.pcap" "$n" &&
		"$gen" --big-impaired "$WORK/impaired.pcap" "$n" || return 0
	"$PY" - "$BIN/chatcap" "$OUT/chatcap.json" "plain=$WORK/big.pcap" \
		"impaired=$WORK/impaired.pcap" <<'PYEOF'
import json, os, subprocess, sys
chatcap, out = sys.argv[1:3]
files = [a.split("=", 1) for a in sys.argv[3:]]

def median_cpu(cmd):
    """CPU seconds (user + system) of cmd, the median of three runs."""
    runs = []
    for _ in range(3):
        t = os.times()
        subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        u = os.times()
        runs.append(u.children_user - t.children_user +
                    u.children_system - t.children_system)
    return sorted(runs)[1]

rows = [("C1", "chatcap --summary", ["--summary"], 10),
        ("C2", "chatcap (text)", ["--color=never"], 5),
        ("C3", "chatcap --json", ["--json"], 5)]
result = {"unit": "CPU seconds, user + system, median of 3", "files": []}
print()
print("chatcap against tcpdump -n -r (CPU seconds, user + system, median "
      "of 3; load %.1f)" % os.getloadavg()[0])
print("  %-3s %-20s %-9s %9s %8s %14s %10s %8s" % (
    "", "", "file", "packets", "seconds", "packets/s", "x tcpdump", "target"))
for label, cap in files:
    packets = json.loads(subprocess.run(
        [chatcap, "-r", cap, "--json", "--summary"], capture_output=True,
        check=True).stdout)["packets"]
    base = median_cpu(["tcpdump", "-n", "-r", cap])
    entry = {"file": label, "packets": packets, "tcpdump_s": base,
             "tcpdump_pps": packets / base, "rows": []}
    print("  %-3s %-20s %-9s %9d %8.2f %14.0f" % (
        "", "tcpdump -n -r", label, packets, base, packets / base))
    for wid, name, args, target in rows:
        s = median_cpu([chatcap, "-r", cap, *args])
        ratio = base / s
        entry["rows"].append({"workload": wid, "command": name,
                              "seconds": s, "packets_per_s": packets / s,
                              "x_tcpdump": ratio, "target_x": target,
                              "met": ratio >= target})
        print("  %-3s %-20s %-9s %9d %8.2f %14.0f %9.1fx %7s" % (
            wid, name, label, packets, s, packets / s, ratio,
            (">=%dx" % target) + ("" if ratio >= target else " !")))
    result["files"].append(entry)
json.dump(result, open(out, "w"), indent=1)
PYEOF
}
chatcap_rows

# --- chatcap --html: size and time to open and draw -----------------------------
# H1: the report of a 10,000-packet capture (the fixture generator's): its
# size (target <= 3 MB) and Chromium's time to open and draw it
# (scripts/bench_html.py). BENCH_HTML_PACKETS changes the size.
html_row() {
	local gen="${REDCHAT_BUILD:-build}/tests/gen_fixtures" cap="$WORK/html.pcap"
	[ -x "$gen" ] && "$gen" --big "$cap" "${BENCH_HTML_PACKETS:-10000}" &&
		"$PY" scripts/bench_html.py "$BIN/chatcap" "$cap" "$OUT/html.json"
}
html_row || echo "bench: no chatcap --html row" >&2

# --- chatcap live at 100,000 packets/s -------------------------------------------
# L1-L4: chatcap -i lo --summary beside tcpdump while chatbench loads
# udpchatd (100,000 packets/s) and tcpchatd, without and with --tcp-info:
# packets/s reached, each tool's seen and dropped, chatcap's CPU
# (scripts/bench_live.py; $OUT/live.json).
"$PY" scripts/bench_live.py --bin "$BIN" --out "$OUT/live.json" ||
	echo "bench: no live chatcap rows" >&2
