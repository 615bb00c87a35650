# labs/lib.sh — what every labs/labN/run.sh shares: run the commands a guide
# shows, exactly as it shows them, and check what its questions rely on.
#
# Sourced, not run. A run.sh names each command with the text the guide
# prints after "$ " (labs/es/labN-*.md and labs/en/labN-*.md must both show
# it, letter for letter), so a guide cannot drift from what is tested, and
# lab_done fails if a guide shows a command no step ran or declared manual.
#
# The guides use the course's ports (5000 TCP, 5001 UDP). Here every server
# is started on a free port instead (-p 5000 becomes -p 0, and the port it
# prints is used from then on wherever the guide says 5000 or 5001); chatcap
# is told those ports, and 5999 (a closed port) becomes $CLOSED_PORT; the
# newest tcpchatd (pgrep -n) is the one the lab started. Commands run across
# chatnet keep the guide's ports: they run in the lab's own network.
# Commands run in a scratch directory where `bin`, `labs` and `tests` point
# into the tree, so `bin/tcpchatd` works as in the guide.
# `sudo` is dropped when root; steps that need root are skipped otherwise.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_BIN=${REDCHAT_BIN:-$LAB_ROOT/bin}
LAB_TIMEOUT=${LAB_TIMEOUT:-20}     # seconds any one command may take
TCP_PORT=""
UDP_PORT=""
LAB_PIDS=()
LAB_COVERED=()
LAB_STEP=0
LAB_SKIPS=0

# --- reporting ---------------------------------------------------------------

lab_say() { printf '%s\n' "$*"; }
lab_fail() {
	printf 'FAIL (%s, step %s): %s\n' "$LAB_NAME" "$LAB_STEP" "$*" >&2
	if [ -n "${LAB_LAST:-}" ] && [ -f "$LAB_LAST" ]; then
		sed 's/^/    | /' "$LAB_LAST" | tail -n 30 >&2
	fi
	exit 1
}
lab_skip() { LAB_SKIPS=$((LAB_SKIPS + 1)); printf 'SKIP: %s\n' "$*"; }

# --- setup and cleanup -------------------------------------------------------

# lab_init N: find lab N's guides, make the scratch directory, arm the trap.
lab_init() {
	LAB_NAME="lab$1"
	LAB_ES=$(ls "$LAB_ROOT"/labs/es/lab"$1"-*.md 2>/dev/null | head -n 1)
	LAB_EN=$(ls "$LAB_ROOT"/labs/en/lab"$1"-*.md 2>/dev/null | head -n 1)
	[ -n "$LAB_ES" ] && [ -n "$LAB_EN" ] || lab_fail "no guide for lab $1"
	LAB_WORK=$(mktemp -d "${TMPDIR:-/tmp}/redchat-lab$1.XXXXXX")
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
	cd "$LAB_WORK" || exit 1
	ln -s "$LAB_BIN" bin
	ln -s "$LAB_ROOT/labs" labs
	ln -s "$LAB_ROOT/tests" tests
	export NO_COLOR=1 LC_ALL=C.UTF-8
	[ -x bin/tcpchatd ] || lab_fail "programs not built in $LAB_BIN (run make)"
}

lab_cleanup() {
	local p
	# LAB_KEEP=DIR keeps the scratch directory's files (captures, plots,
	# logs) there: labs/traces/regen.sh makes the prepared traces so.
	[ -n "${LAB_KEEP:-}" ] && cp -r "$LAB_WORK"/. "$LAB_KEEP"/ 2>/dev/null
	for p in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		wait "$p" 2>/dev/null
	done
	[ -n "${LAB_CLEANUP_HOOK:-}" ] && $LAB_CLEANUP_HOOK
	cd / && rm -rf "$LAB_WORK"
}

# is_root: true when steps that need root (capture, tc, nft) can run.
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- the guide's commands ----------------------------------------------------

# lab_shown CMD: both guides show "$ CMD" as a line of their own (the
# English one with --lang en where the Spanish one says --lang es: the
# scripts run the Spanish form).
lab_shown() {
	grep -qxF -- "\$ $1" "$LAB_ES" ||
		lab_fail "$(basename "$LAB_ES") does not show: \$ $1"
	grep -qxF -- "\$ ${1//--lang es/--lang en}" "$LAB_EN" ||
		lab_fail "$(basename "$LAB_EN") does not show: \$ ${1//--lang es/--lang en}"
	LAB_COVERED+=("$1")
}

# lab_subst CMD: the command as run here (ports, sudo, chatcap's ports).
lab_subst() {
	local c=$1
	# A command run across chatnet(1) runs inside the lab's own network
	# (CHATNET_NET, set by the run.sh), whose ports nobody else uses: the
	# guide's 5000 and 5001 stay as they are.
	if [[ $c == *bin/chatnet* ]]; then
		is_root && c=${c//sudo /}
		printf '%s' "$c"
		return
	fi
	# LAB_FIXED_PORTS=1 keeps the course's ports (labs/traces/regen.sh
	# makes the prepared traces so, for students who read them with the
	# guides' commands)
	if [ -z "${LAB_FIXED_PORTS:-}" ] && [[ $c =~ (tcpchatd|udpchatd) ]] &&
		[[ $c == *"-p 500"[01]* ]]; then
		if [[ $c == *tcpchatd* ]]; then
			c=${c//-p 5000/-p ${TCP_PORT:-0}}
		else
			c=${c//-p 5001/-p ${UDP_PORT:-0}}
		fi
	fi
	[ -n "$TCP_PORT" ] && c=$(sed -E "s/(^|[^0-9])5000([^0-9]|$)/\1$TCP_PORT\2/g" <<<"$c")
	[ -n "$UDP_PORT" ] && c=$(sed -E "s/(^|[^0-9])5001([^0-9]|$)/\1$UDP_PORT\2/g" <<<"$c")
	[ -n "${CLOSED_PORT:-}" ] && c=$(sed -E "s/(^|[^0-9])5999([^0-9]|$)/\1$CLOSED_PORT\2/g" <<<"$c")
	if [[ $c == *bin/chatcap* ]] && [[ $c != *--tcp-port* ]]; then
		c=${c/bin\/chatcap/bin/chatcap --tcp-port ${TCP_PORT:-5000} --udp-port ${UDP_PORT:-5001}}
	fi
	# "your newest tcpchatd" is, here, the one this lab started (other
	# servers may run on the machine at the same time)
	[ -n "${TCP_PID:-}" ] &&
		c=${c//'"$(pgrep -n -x -u "$(id -u)" tcpchatd)"'/$TCP_PID}
	is_root && c=${c//sudo /}
	printf '%s' "$c"
}

# lab_input SLOW INPUT: INPUT (printf escapes), all at once or, when SLOW,
# a line every 0.3 s as a person types it (a typed line is one datagram).
lab_input() {
	if [ "$1" = 0 ]; then printf '%b' "$2"; return; fi
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		sleep 0.3
	done < <(printf '%b' "$2")
}

# step [-s] [-t SECONDS] [-i INPUT] [-x STATUS] CMD: run CMD as the guide shows it, input
# INPUT on stdin (-s: line by line), expecting exit status STATUS (default
# 0; 124 when -t SECONDS ends it, as Ctrl-C would). The output
# (stdout and stderr) is left in $OUT; its file in $LAB_LAST.
step() {
	local input="" want=0 rc c slow=0 limit=$LAB_TIMEOUT
	while [ $# -gt 1 ]; do
		case $1 in
		-i) input=$2; shift 2 ;;
		-x) want=$2; shift 2 ;;
		-s) slow=1; shift ;;
		-t) limit=$2; shift 2 ;;
		*) break ;;
		esac
	done
	lab_shown "$1"
	LAB_STEP=$((LAB_STEP + 1))
	c=$(lab_subst "$1")
	LAB_LAST="$LAB_WORK/step$LAB_STEP.out"
	printf '$ %s\n' "$1"
	[ "$c" != "$1" ] && printf '  (run as: %s)\n' "$c"
	lab_input "$slow" "$input" | timeout -k 2 "$limit" bash -c "$c" \
		>"$LAB_LAST" 2>&1
	rc=$?
	OUT=$(cat "$LAB_LAST")
	sed 's/^/    /' "$LAB_LAST" | head -n 12
	[ "$rc" = "$want" ] || lab_fail "exit status $rc, expected $want"
}

# start NAME CMD: start a long-running command the guide shows (a server in
# its own terminal, a capture); a server's port is learnt from its first
# line, a capture's start from chatcap's "capturing on" line.
start() {
	local name=$1 c
	lab_shown "$2"
	LAB_STEP=$((LAB_STEP + 1))
	c=$(lab_subst "$2")
	# LAB_TCPCHATD (tests only): another server in place of the guide's
	# tcpchatd, PORT in it replaced by a free port, to prove that a lab's
	# checks catch a server that loses messages (tests/integration/
	# test_lab_checks_bite.py)
	if [ -n "${LAB_TCPCHATD:-}" ] && [[ $c == *bin/tcpchatd* ]]; then
		c=${LAB_TCPCHATD//PORT/$(free_port)}
	fi
	printf '$ %s    [%s, left running]\n' "$2" "$name"
	[ "$c" != "$2" ] && printf '  (run as: %s)\n' "$c"
	LAB_LAST="$LAB_WORK/$name.log"
	# The server reads its console from a pipe that stays open.
	mkfifo "$LAB_WORK/$name.in"
	bash -c "exec $c" <"$LAB_WORK/$name.in" >"$LAB_LAST" 2>&1 &
	eval "PID_$name=$!"
	LAB_PIDS+=($!)
	exec {fd}>"$LAB_WORK/$name.in"
	eval "FD_$name=$fd"
	case $2 in
	*tcpchatd* | *udpchatd* | *seed003*)
		wait_for "$LAB_LAST" 'listening on|escuchando en|Servidor escuchando' ||
			lab_fail "$name did not start"
		local port
		port=$(grep -oE '(\]|[0-9]):[0-9]+' "$LAB_LAST" | head -n 1 | sed 's/.*://')
		case $2 in
		*udpchatd* | *seed003_udp*) UDP_PORT=${UDP_PORT:-$port} ;;
		*) TCP_PORT=${TCP_PORT:-$port} TCP_PID=$! ;;
		esac ;;
	*chatcap* | *"chatnet cap"*)
		wait_for "$LAB_LAST" 'capturing on|capturando en' ||
			lab_fail "$name did not start capturing" ;;
	esac
}

# stop NAME [SIGNAL]: what Ctrl-C does in that terminal (default INT); waits.
stop() {
	local pid fd i
	eval "pid=\$PID_$1 fd=\$FD_$1"
	kill -"${2:-INT}" "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec {fd}>&-
	LAB_LAST="$LAB_WORK/$1.log"
	OUT=$(cat "$LAB_LAST")
}

# manual CMD REASON: a command the guide shows that needs a person or a
# desktop (Wireshark, typing in a terminal); named here, not run.
manual() {
	lab_shown "$1"
	printf '$ %s    [not run: %s]\n' "$1" "$2"
}

# skipped CMD...: commands not run here for want of permission.
skipped() {
	local c
	for c in "$@"; do lab_shown "$c"; printf '$ %s    [skipped]\n' "$c"; done
}

# free_port: a TCP port nobody listens on now (the guides say 5999).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- waiting and checking ----------------------------------------------------

# wait_for FILE REGEX [SECONDS]: until FILE matches (extended regex).
wait_for() {
	local i n=$(( ${3:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# unwrap FILE: chatcap's packet lines whole again. A long line goes on in
# lines indented by ten spaces or more (a packet's own line starts with its
# number, after at most six), and where it wraps depends on the widths of
# its numbers: a phrase may be cut in two.
unwrap() {
	awk '/^           *[^ ]/ && NR > 1 { sub(/^ +/, " "); printf "%s", $0; next }
	     { if (NR > 1) print ""; printf "%s", $0 } END { print "" }' "$1"
}

# wait_count FILE REGEX N [SECONDS]: until N packet lines of FILE match
# (each counted whole: unwrap).
wait_count() {
	local i n=$(( ${4:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		[ "$(unwrap "$1" 2>/dev/null | grep -cE -- "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# expect REGEX WHAT: the last output matches; expect_not likewise.
expect() {
	grep -qE -- "$1" <<<"$OUT" || lab_fail "expected $2 (/$1/)"
	printf '  ok: %s\n' "$2"
}
expect_not() {
	grep -qE -- "$1" <<<"$OUT" && lab_fail "did not expect $2 (/$1/)"
	printf '  ok: %s\n' "$2"
}

# check CONDITION WHAT: a shell test that must hold.
check() {
	eval "$1" || lab_fail "$2 ($1)"
	printf '  ok: %s\n' "$2"
}

# check_tseq_plot FILE MIN: the time-sequence graph of chatcap's --json
# output FILE (labs/plots/json2dat.py tseq) has at least MIN data points
# and MIN ACK points, and its ACK line reaches the last byte sent.
check_tseq_plot() {
	check 'python3 labs/plots/json2dat.py tseq '"$1"' | python3 -c "
import sys
blocks = sys.stdin.read().split(\"\n\n\n\")
rows = [[l.split() for l in b.splitlines() if l and l[0] != \"#\"] for b in blocks]
data, acks = rows[0], rows[1]
assert len(data) >= '"$2"' and len(acks) >= '"$2"', (len(data), len(acks))
assert float(acks[-1][0]) >= float(data[-1][0])
assert max(int(a[1]) for a in acks) >= max(int(d[1]) for d in data)
"' "Q4: the plot has data points and an ACK line that reaches the last byte"
}

# json_get FILE EXPR: evaluate a Python expression on chatcap's summary
# object (the last line of a --json output), e.g. 's["tcp"]["syn"]'.
json_get() {
	python3 -c 'import json,sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(eval(sys.argv[2]))' "$1" "$2"
}

# --- the end -----------------------------------------------------------------

# lab_done: every command either guide shows was run, skipped or named.
lab_done() {
	local g line c found missing=0
	for g in "$LAB_ES" "$LAB_EN"; do
		while IFS= read -r line; do
			c=${line#\$ }
			found=0
			for k in "${LAB_COVERED[@]+"${LAB_COVERED[@]}"}"; do
				[ "$k" = "$c" ] && { found=1; break; }
				[ "$g" = "$LAB_EN" ] &&
					[ "${k//--lang es/--lang en}" = "$c" ] &&
					{ found=1; break; }
			done
			if [ $found -eq 0 ]; then
				printf 'FAIL: %s shows a command no step runs: %s\n' \
					"$(basename "$g")" "$line" >&2
				missing=1
			fi
		done < <(awk '/^```/ { inblock = !inblock; next }
		              inblock && /^\$ / { print }' "$g")
	done
	[ $missing -eq 0 ] || exit 1
	printf '%s: %d steps passed' "$LAB_NAME" "$LAB_STEP"
	[ "$LAB_SKIPS" -gt 0 ] && printf ', %d skipped' "$LAB_SKIPS"
	printf '\n'
}
