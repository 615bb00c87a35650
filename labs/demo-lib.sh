# labs/demo-lib.sh — what labs/demo.sh says and how it fits it on the
# screen: lines wrapped within the terminal (never over 100 columns),
# chatcap's packet lines picked whole, and its words about loss (what to
# expect, how it went, where the capture sits). Sourced by demo.sh once
# its language (L) and colours are set; nothing here runs a program.

# t ENGLISH SPANISH: the text in the demo's language.
t() { if [ "$L" = en ]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }
# heading TITLE: a section's title; the section before it ends with its time.
heading() {
	section_time
	printf '\n%s━━ %s %s%s\n' "$CY" "$1" "$(printf '━%.0s' $(seq 1 $((60 - ${#1}))))" "$N"
	SECTION_T0=$(date +%s.%N)
}
# section_time: how long the section now ending took, e.g. "⏱ 2.6 s" (a point in both languages, as every program writes it).
section_time() {
	[ -n "${SECTION_T0:-}" ] || return 0
	local s
	s=$(awk -v t0="$SECTION_T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }')
	printf '  %s⏱ %s s%s\n' "$DIM" "$s" "$N"
}
# W: the width every line fits in: the terminal's (COLUMNS off a terminal),
# never over 100 columns.
if [ -t 1 ]; then W=$(tput cols 2>/dev/null); else W=${COLUMNS:-100}; fi
[[ ${W:-} =~ ^[0-9]+$ ]] || W=100
((W > 100)) && W=100
((W < 40)) && W=40
# fit: lines wider than W wrapped at a space, the rest indented by eight
# columns; colours kept.
fit() {
	PYTHONIOENCODING=utf-8 python3 -c '
import re, sys
W, IND = int(sys.argv[1]), " " * 8
SGR = re.compile(r"\x1b\[[0-9;]*m")
for line in sys.stdin:
    line = line.rstrip("\n")
    while True:
        vis, cut, sgr, i = 0, -1, "", 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                sgr = "" if m.group() == "\x1b[0m" else sgr + m.group()
                i = m.end()
                continue
            if vis >= W:
                break
            if line[i] == " " and vis > 30:
                cut, cut_sgr = i, sgr
            vis += 1
            i += 1
        if i >= len(line) or cut < 0:
            print(line)
            break
        print(line[:cut] + ("\x1b[0m" if cut_sgr else ""))
        line = IND + cut_sgr + line[cut + 1:]
' "$W"
}
# say TEXT: one line, wrapped by fit when it may be wider than W.
say() {
	if [ "${#1}" -gt "$W" ]; then printf '%s\n' "$1" | fit; else printf '%s\n' "$1"; fi
}
note() { say "  $*"; }
warn() { say "  $YE⚠ $*$N"; }
good() { say "  $GR✔ $*$N"; }

# joined NICK FILE: FILE, what NICK's client printed, shows NICK in the
# room: the server's welcome, or, when that datagram was lost and udpchat
# asked again, the answer that NICK is already its name.
joined() {
	grep -qE "^\*\*\* ((Hola|Hello) $1,|(You are already called|Ya te llamas) $1\.)" \
		"$2" 2>/dev/null
}
# after SECONDS: the clock in microseconds SECONDS from now; past END: it is
# later than END. Deadlines by the clock, not by a count of turns, which a
# loaded machine stretches.
after() { awk -v s="$1" -v now="${EPOCHREALTIME/[.,]/}" 'BEGIN { printf "%.0f", now + s * 1e6 }'; }
past() { ((${EPOCHREALTIME/[.,]/} > $1)); }
# wait_for FILE REGEX SECONDS [PID]: 0 once FILE matches; 1 when SECONDS
# have passed by the clock, or at once when PID has exited without FILE
# matching (a server that found its port taken).
wait_for() {
	local end
	end=$(after "$3")
	while ! grep -qE -- "$2" "$1" 2>/dev/null; do
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			grep -qE -- "$2" "$1" 2>/dev/null
			return
		fi
		past "$end" && return 1
		sleep 0.05
	done
}

# packets FIRST LAST REGEX: chatcap's packet lines (each a whole packet:
# its first line and the lines it wraps onto) whose first line matches
# REGEX; the first FIRST of them, then "…" and the last LAST when there are
# more.
packets() {
	awk -v first="$1" -v last="$2" -v re="$3" -v dots="  $DIM…$N" '
	{ plain = $0; gsub(/\033\[[0-9;]*m/, "", plain) }
	plain ~ /^ *[0-9]+ [0-9.]+ / { keep = plain ~ re; if (keep) rec[++n] = $0; next }
	keep && plain ~ /^          / { rec[n] = rec[n] "\n" $0; next }
	{ keep = 0 }
	END {
		for (i = 1; i <= n && i <= first; i++) print rec[i]
		if (n > first + last) print dots
		for (i = (n - last > first ? n - last + 1 : first + 1); i <= n; i++) print rec[i]
	}'
}

# expected PROTO: the deliveries to expect (one decimal). Over UDP a chat
# line crosses two datagrams (bot to server, server to each other bot),
# each lost with probability LOSS %; TCP resends what is lost.
expected() {
	local n=$(($(wc -l <<<"$SCRIPT_UDP") * 2))
	if [ "$1" = tcp ]; then printf '%s' "$n"; return; fi
	awk -v n="$n" -v p="$LOSS" 'BEGIN { printf "%.1f", n * (1 - p / 100) ^ 2 }'
}

# expectation: before the chat, what the numbers should be with LOSS and why.
expectation() {
	local n=$(($(wc -l <<<"$SCRIPT_UDP") * 2)) q
	q=$(awk -v p="$LOSS" 'BEGIN { printf "%.0f", 100 * (1 - p / 100) ^ 2 }')
	heading "$(t "What to expect with $LOSS % loss" "Qué esperar con un $LOSS % de pérdida")"
	note "$(t "Each UDP chat line crosses two datagrams: bot to server, then server to each other bot." \
	          "Cada línea de chat por UDP cruza dos datagramas: del bot al servidor y del servidor a cada otro bot.")"
	note "$(t "Each is lost with probability $LOSS %, so a delivery arrives with probability" \
	          "Cada uno se pierde con probabilidad $LOSS %, así que una entrega llega con probabilidad") $q %:"
	note "$(t "UDP: about $(expected udp) of the $n deliveries (it varies from run to run); nobody resends." \
	          "UDP: unas $(expected udp) de las $n entregas (varía de una ejecución a otra); nadie reenvía.")"
	note "$(t "TCP: all $n, some of them later: every lost segment is retransmitted." \
	          "TCP: las $n, algunas más tarde: cada segmento perdido se retransmite.")"
}

# compare PROTO: after the chat, what arrived against what was expected.
compare() {
	local got want
	eval "got=\$GOT_$1 want=\$WANT_$1"
	[ "$LOSS_ON" = 1 ] || return 0
	if [ "$1" = tcp ]; then
		note "$(t "TCP $got/$want delivered: expected $want (TCP retransmits what is lost)" \
		          "TCP $got/$want entregadas: se esperaban $want (TCP retransmite lo perdido)")"
	else
		note "$(t "UDP $got/$want delivered: expected about $(expected udp) with $LOSS % loss each way" \
		          "UDP $got/$want entregadas: se esperaban unas $(expected udp) con un $LOSS % de pérdida en cada sentido")"
	fi
}

# capture_point: where the capture sits with respect to the loss, so that a
# lost packet's presence in it (or absence) and chatcap's words about
# retransmissions read right.
capture_point() {
	[ "$LOSS_ON" = 1 ] || return 0
	case $LOSS_MECH in
	netem)
		note "$(t "Capture point: after netem on lo, so the capture holds only the packets that survived." \
		          "Punto de captura: tras netem en lo, así que la captura solo tiene los paquetes que sobrevivieron.")" ;;
	nftables)
		note "$(t "Capture point: on lo, BEFORE the nftables rule that drops (input hook)." \
		          "Punto de captura: en lo, ANTES de la regla nftables que descarta (gancho input).")"
		note "$(t "A lost packet is in the capture, its retransmission after it; when the lost one is an ACK," \
		          "Un paquete perdido está en la captura, y su retransmisión después; si el perdido es un ACK,")"
		note "$(t "chatcap saw it and so calls the retransmission it caused \"spurious\": it was needed." \
		          "chatcap lo vio y llama \"innecesaria\" a la retransmisión que causó: era necesaria.")" ;;
	chatnet)
		note "$(t "Capture point: srv's eth0, after every loss: a packet is lost as it leaves its host" \
		          "Punto de captura: eth0 de srv, tras todas las pérdidas: un paquete se pierde al salir de su")"
		note "$(t "(a bot, or srv before its capture sees it), so the capture holds only what really" \
		          "equipo (un bot, o srv antes de que su captura lo vea), así que la captura solo tiene lo que")"
		note "$(t "travelled: a gap before a segment is a loss, and every retransmission was needed." \
		          "viajó de verdad: un hueco antes de un segmento es una pérdida, y cada retransmisión hacía falta.")"
		note "$(t "chatcap marks LOST a packet that is sent again; here every packet in the capture arrived:" \
		          "chatcap marca PERDIDO un paquete que se envía otra vez; aquí todo paquete de la captura llegó:")"
		note "$(t "what was lost then is its acknowledgement, and so its sender sent it again." \
		          "lo que se perdió entonces fue su acuse, y por eso quien lo envió lo reenvió.")" ;;
	esac
}
