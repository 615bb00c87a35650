#!/bin/bash
# labs/demo.sh — the instructor demo behind `make demo`: both chat servers, a
# capture on lo, a scripted conversation (in the run's language) over TCP
# and then over UDP, the annotated capture, a ladder of each, and the
# TCP-vs-UDP summary.
#
#   make demo [LOSS=PERCENT]        (or: labs/demo.sh, from any directory)
#   sudo make demo NET=1 [DELAY=40ms] [LOSS=PERCENT]
#
# NET=1 runs it across chatnet(1) instead of lo: the servers on host srv,
# each bot on a host of its own (ana, beto, carla), what each host sends
# delayed by DELAY (default 40ms, so round trips of about 80 ms) and lost
# with probability LOSS %, the capture on srv's eth0, after every loss; the
# network (CHATNET_NET, default redchat-demo) is removed at the end.
# Environment: LOSS (percent of chat packets dropped on lo; needs root),
# DEMO_LANG (es or en; without it the locale decides: LC_ALL, LC_MESSAGES
# or LANG starting with "es" is Spanish, anything else, C and POSIX
# included, English; the demo and every program it starts speak that one
# language), NO_COLOR (no colour), COLUMNS (width when not on a terminal;
# never over 100), CHATNET_NET, REDCHAT_BIN.
# Leaves demo.pcap (for Wireshark) and demo-results/ in the tree's top
# directory (or in DEMO_OUT). Every process it starts and every rule it adds is removed on
# exit, whatever happens. It exits 0 whenever the chat part ran, with or
# without permission to capture.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${REDCHAT_BIN:-$ROOT/bin}
LOSS=${LOSS:-0}
NET=${NET:-0}
DELAY=${DELAY:-40ms}
# demo_lang: DEMO_LANG, else the locale's language (es or en).
demo_lang() {
	case ${DEMO_LANG:-} in
	es | en) printf '%s' "$DEMO_LANG"; return ;;
	"") ;;
	*) printf 'DEMO_LANG=%s: use es or en\n' "$DEMO_LANG" >&2; exit 1 ;;
	esac
	case ${LC_ALL:-${LC_MESSAGES:-${LANG:-}}} in
	es*) printf es ;;
	*) printf en ;;
	esac
}
L=$(demo_lang) || exit 1
CHATNET=("$BIN/chatnet" --net "${CHATNET_NET:-redchat-demo}" --lang "$L")
OUT=${DEMO_OUT:-$ROOT}/demo-results
PCAP=${DEMO_OUT:-$ROOT}/demo.pcap
WORK=$(mktemp -d "${TMPDIR:-/tmp}/redchat-demo.XXXXXX")
PIDS=()
NFT_TABLE=""
TC_ADDED=0
START=$(date +%s.%N)

# --- looks: headings and colour only on a terminal, never with NO_COLOR ------

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	B=$'\e[1m' DIM=$'\e[2m' CY=$'\e[1;36m' GR=$'\e[32m' YE=$'\e[33m'
	RE=$'\e[31m' N=$'\e[0m' CC=always
else
	B="" DIM="" CY="" GR="" YE="" RE="" N="" CC=never
fi
. "$ROOT/labs/demo-lib.sh"   # t, heading, say, packets, the words about loss

# --- cleanup: every process started, every rule added, whatever happens -----

cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$p" 2>/dev/null; done
	if [ -n "$NFT_TABLE" ]; then
		nft delete table inet "$NFT_TABLE" 2>/dev/null &&
			note "$(t "nftables: removed table $NFT_TABLE" "nftables: tabla $NFT_TABLE eliminada")"
	fi
	if [ "$TC_ADDED" = 1 ]; then
		tc qdisc del dev lo root netem 2>/dev/null &&
			note "$(t "tc: netem removed from lo" "tc: netem quitado de lo")"
	fi
	[ "$NET" = 1 ] && "${CHATNET[@]}" down >/dev/null 2>&1 &&
		note "$(t "chatnet: network removed" "chatnet: red eliminada")"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# at HOST: AT holds what runs a command on chatnet host HOST with NET=1
# (chatnet execs it, so $! is the command itself), else nothing.
at() {
	AT=()
	[ "$NET" = 1 ] && AT=("${CHATNET[@]}" run "$1" --)
	return 0
}

# --- 1. programs ---------------------------------------------------------------

heading "$(t "redchat: TCP vs UDP, live" "redchat: TCP frente a UDP, en directo")"
SECTION_T0=""    # the title is no section: no time for it
for p in tcpchatd tcpchat udpchatd udpchat chatcap; do
	if [ ! -x "$BIN/$p" ]; then
		note "$(t "building the programs (make)" "compilando los programas (make)")"
		make -s -C "$ROOT" all >/dev/null || { t "make failed" "make falló" >&2; echo >&2; exit 1; }
		break
	fi
done
rm -rf "$OUT" && mkdir -p "$OUT" || { t "cannot write $OUT" "no puedo escribir en $OUT" >&2; echo >&2; exit 1; }
rm -f "$PCAP" 2>/dev/null
IFACE=lo SRV=127.0.0.1
if [ "$NET" = 1 ]; then
	[ "$(id -u)" -eq 0 ] || { printf '%s\n' "$(t "NET=1 needs root: sudo make demo NET=1" \
		"NET=1 requiere root: sudo make demo NET=1")" >&2; exit 1; }
	heading "$(t "0. The classroom network (chatnet)" "0. La red del aula (chatnet)")"
	"${CHATNET[@]}" up --hosts ana,beto,carla | sed 's/^/  /' || exit 1
	IFACE=eth0 SRV=srv
fi

# --- 2. servers on 5000/5001, or free ports when taken --------------------------

# start_server NAME PORT: start NAME on PORT, or on a free port if PORT is
# taken; sets PORT_<NAME>.
start_server() {
	local name=$1 want=$2 port log="$WORK/$1.log" try
	for try in "$want" 0; do
		: >"$log"
		at srv
		${AT[@]+"${AT[@]}"} "$BIN/$name" -p "$try" --lang "$L" </dev/null 2>"$log" &
		local pid=$!
		if wait_for "$log" 'listening on|escuchando en' 10 "$pid"; then
			PIDS+=("$pid")
			port=$(grep -oE ':[0-9]+ ' "$log" | head -n 1 | tr -d ': ')
			if [ "$try" = 0 ]; then
				warn "$(t "port $want is taken; $name uses the free port $port instead" \
				          "el puerto $want está ocupado; $name usa el puerto libre $port")"
			fi
			good "$name $(t "listening on port" "escuchando en el puerto") $port"
			printf -v "PORT_$name" '%s' "$port"
			return 0
		fi
		wait "$pid" 2>/dev/null
	done
	printf '%s: %s\n' "$name" "$(cat "$log")" >&2
	exit 1
}

heading "$(t "1. Servers" "1. Servidores")"
start_server tcpchatd 5000
start_server udpchatd 5001
TP=$PORT_tcpchatd UP=$PORT_udpchatd

# --- 3. packet loss (LOSS=N): tc netem, else nftables, else none ----------------

LOSS_MECH=none
if [ "$NET" = 1 ]; then
	if [ "$LOSS" = 0 ]; then
		heading "$(t "Delay $DELAY on what each host sends" \
		             "Retardo $DELAY en lo que envía cada equipo")"
	else
		heading "$(t "Delay $DELAY and loss $LOSS % on what each host sends" \
		             "Retardo $DELAY y pérdida $LOSS % en lo que envía cada equipo")"
	fi
	# On what each host sends only (--egress): a packet is delayed and
	# may be lost once on its way, and whatever srv's capture sees has
	# already passed every loss.
	seed=0
	for h in srv ana beto carla; do
		seed=$((seed + 1))      # fixed: the same losses every run
		said=$("${CHATNET[@]}" impair "$h" --delay "$DELAY" --loss "${LOSS:-0}%" \
			--seed "$seed" --egress 2>&1) || { printf '%s\n' "$said" >&2; exit 1; }
		note "$said"
	done
	LOSS_MECH=chatnet
elif [ "$LOSS" != 0 ]; then
	heading "$(t "Packet loss: $LOSS %" "Pérdida de paquetes: $LOSS %")"
	if ! [[ $LOSS =~ ^[0-9]+$ ]] || [ "$LOSS" -gt 100 ]; then
		warn "$(t "LOSS must be a percentage (0 to 100); running without loss" \
		          "LOSS debe ser un porcentaje (0 a 100); sigo sin pérdidas")"
	elif [ "$(id -u)" -ne 0 ]; then
		warn "$(t "adding loss needs root (sudo make demo LOSS=$LOSS); running without loss" \
		          "añadir pérdidas requiere root (sudo make demo LOSS=$LOSS); sigo sin pérdidas")"
	elif tc qdisc add dev lo root netem loss "$LOSS%" 2>/dev/null; then
		TC_ADDED=1 LOSS_MECH=netem
		good "tc netem: $(t "every packet on lo is dropped with probability" \
		                   "cada paquete en lo se descarta con probabilidad") $LOSS %"
	elif command -v nft >/dev/null &&
		NFT_TABLE=redchat_demo_$$ &&
		"$ROOT/labs/loss.sh" rules "$NFT_TABLE" "$LOSS" "$TP" "$UP" |
			nft -f - 2>"$WORK/nft.err"
	then
		LOSS_MECH=nftables
		note "$(t "this kernel has no sch_netem (tc netem unavailable)" \
		          "este núcleo no tiene sch_netem (tc netem no disponible)")"
		good "nftables: $(t "table $NFT_TABLE drops" "la tabla $NFT_TABLE descarta") $LOSS % $(t "of packets on ports" "de los paquetes en los puertos") $TP/$UP (numgen random)"
	else
		NFT_TABLE=""
		warn "$(t "neither tc netem nor nftables could add loss; running without loss" \
		          "ni tc netem ni nftables pudieron añadir pérdidas; sigo sin pérdidas")"
	fi
fi

# --- 4. capture ---------------------------------------------------------------------

heading "$(t "2. Capture on $IFACE" "2. Captura en $IFACE")"
CAPTURE=0
at srv
${AT[@]+"${AT[@]}"} "$BIN/chatcap" -i "$IFACE" --tcp-port "$TP" --udp-port "$UP" -w "$PCAP" --lang "$L" \
	--color=never --width 0 >"$WORK/live.txt" 2>"$WORK/chatcap.err" &
CAP_PID=$!
for ((i = 0; i < 200; i++)); do
	grep -qE 'capturing on|capturando en' "$WORK/chatcap.err" && { CAPTURE=1; break; }
	kill -0 "$CAP_PID" 2>/dev/null || break
	sleep 0.05
done
if [ "$CAPTURE" = 1 ]; then
	PIDS+=("$CAP_PID")
	good "chatcap $(t "is capturing on $IFACE, saving" "captura en $IFACE y guarda") demo.pcap"
else
	wait "$CAP_PID" 2>/dev/null
	CAP_RC=$?
	rm -f "$PCAP"
	warn "$(sed -n 1p "$WORK/chatcap.err")"
	if [ "$CAP_RC" = 7 ]; then
		warn "$(t "no permission to capture: the chat runs, but without the capture." \
		          "sin permiso para capturar: el chat se ejecuta, pero sin la captura.")"
		note "$(t "To see the packets, run" "Para ver los paquetes, ejecuta")  ${B}sudo make demo${N}"
		note "$(t "or, once, give chatcap the capabilities:" "o, una sola vez, da a chatcap las capacidades:")"
		note "  ${B}sudo setcap cap_net_raw,cap_net_admin=eip bin/chatcap${N}"
	fi
fi

# --- 5. the conversation: a fixed script, the same lines every run ---------------

# The script: SECONDS-FROM-START NICK TEXT. Every bot joins at once and
# leaves at the end (salir), after the last line has had time to arrive.
if [ "$L" = en ]; then
	SCRIPT_TCP='0.4 ana Hello everyone, can you read me over TCP?
0.7 beto Hi ana! I read you perfectly.
1.0 carla Me too. TCP acknowledges every segment with an ACK.
1.3 ana First came a three-way handshake: SYN, SYN-ACK, ACK.
1.6 beto And on leaving, a FIN each way.'
	SCRIPT_UDP='0.4 ana Now over UDP: no connection and no acknowledgements.
0.7 beto Each message is one datagram.
1.0 carla If one is lost, nobody sends it again.
1.3 ana And no handshake: my first datagram is already my nickname.
1.6 beto Fewer headers, fewer packets.'
	BYE=/quit
else
	SCRIPT_TCP='0.4 ana Hola a todos, ¿me leéis por TCP?
0.7 beto ¡Hola ana! Te leo perfectamente.
1.0 carla Y yo. TCP nos confirma cada segmento con un ACK.
1.3 ana Primero hubo un saludo en tres pasos: SYN, SYN-ACK, ACK.
1.6 beto Y al salir, FIN en cada sentido.'
	SCRIPT_UDP='0.4 ana Ahora por UDP: sin conexión y sin acuses.
0.7 beto Cada mensaje es un datagrama.
1.0 carla Si uno se pierde, nadie lo reenvía.
1.3 ana Pero no hay saludo: el primer datagrama ya es mi apodo.
1.6 beto Menos cabeceras, menos paquetes.'
	BYE=salir
fi
END_AT=2.4

# sleep_until T0 AT: sleep until AT seconds after the time T0.
sleep_until() {
	sleep "$(awk -v a="$2" -v t0="$1" -v now="$(date +%s.%N)" \
		'BEGIN { d = a - (now - t0); print (d > 0 ? d : 0) }')"
}


# heard NICK FILE SCRIPT: FILE holds every line the others say in SCRIPT.
heard() {
	local at nick text
	while read -r at nick text; do
		[ "$nick" = "$1" ] && continue
		grep -qxF -- "$nick: $text" "$2" 2>/dev/null || return 1
	done <<<"$3"
}

# feed NICK PROTO SCRIPT: the bot's input. Its nickname; once the three
# bots are in (or after a deadline in seconds of the clock, however loaded
# the machine: a lost UDP nickname never arrives), its lines on time; at the
# end, once it has heard everyone, its goodbye. TCP retransmits a lost
# segment, so waiting helps: up to 20 s, since each retransmission of one
# segment lost again waits twice as long as the one before (0.2 s, 0.4 s,
# 0.8 s...); UDP's losses are final: 1 s.
feed() {
	local t0 at nick text other i all patience=10 hear=20 end
	[ "$2" = udp ] && patience=2.5 hear=1
	printf '%s\n' "$1"
	end=$(after "$patience")
	while ! past "$end"; do
		all=1
		for other in ana beto carla; do
			joined "$other" "$OUT/$2-$other.txt" || all=0
		done
		[ "$all" = 1 ] && break
		sleep 0.05
	done
	# One clock for the three bots: the first to get here starts it.
	(set -o noclobber; date +%s.%N >"$WORK/t0-$2") 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		t0=$(cat "$WORK/t0-$2" 2>/dev/null)
		[ -n "$t0" ] && break
		sleep 0.01
	done
	while read -r at nick text; do
		[ "$nick" = "$1" ] || continue
		sleep_until "$t0" "$at"
		printf '%s\n' "$text"
		# what converse shows, the moment it is said
		printf '%s %s %s\n' "$(awk -v t0="$t0" -v now="$(date +%s.%N)" \
			'BEGIN { printf "%.1f", now - t0 }')" "$1" "$text" >>"$WORK/said-$2"
	done <<<"$3"
	sleep_until "$t0" "$END_AT"
	end=$(after "$hear")
	while ! past "$end" && ! heard "$1" "$OUT/$2-$1.txt" "$3"; do
		sleep 0.05
	done
	printf '%s\n' "$BYE"
}

# converse PROTO PORT SCRIPT: three bots over tcpchat or udpchat; prints
# each line of the script when its bot says it, and counts what each bot
# received.
converse() {
	local proto=$1 port=$2 script=$3 nick pids=() sent=0 want=0 got=0 shown=0 p alive
	: >"$WORK/said-$proto"
	for nick in ana beto carla; do
		at "$nick"
		feed "$nick" "$proto" "$script" |
			${AT[@]+"${AT[@]}"} "$BIN/${proto}chat" -h "$SRV" -p "$port" --lang "$L" --color=never --wait 1 \
				>"$OUT/$proto-$nick.txt" 2>&1 &
		pids+=($!)
		PIDS+=($!)
	done
	# Show each line as its bot says it, until every bot has left.
	while :; do
		alive=0
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		while read -r at nick text; do
			printf '  %s%5ss%s  %s%-6s%s %s\n' "$DIM" "$at" "$N" "$B" "$nick" "$N" "$text"
			shown=$((shown + 1))
		done < <(tail -n +"$((shown + 1))" "$WORK/said-$proto")
		[ "$alive" = 0 ] && break
		sleep 0.05
	done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	# Each line should reach the two other bots exactly once.
	while read -r at nick text; do
		sent=$((sent + 1))
		for other in ana beto carla; do
			[ "$other" = "$nick" ] && continue
			want=$((want + 1))
			grep -qxF -- "$nick: $text" "$OUT/$proto-$other.txt" && got=$((got + 1))
		done
	done <<<"$script"
	printf -v "SENT_$proto" '%s' "$sent"
	printf -v "WANT_$proto" '%s' "$want"
	printf -v "GOT_$proto" '%s' "$got"
	if [ "$got" = "$want" ]; then
		good "$(t "$got of $want deliveries arrived (each line to the two others)" \
		          "llegaron $got de $want entregas (cada línea a los otros dos)")"
	else
		warn "$(t "$got of $want deliveries arrived: $((want - got)) lost" \
		          "llegaron $got de $want entregas: se perdieron $((want - got))")"
	fi
}

# LOSS_ON: 1 when packets are really being dropped.
LOSS_ON=0
[ "$LOSS_MECH" != none ] && [[ $LOSS =~ ^[0-9]+$ ]] && [ "$LOSS" -gt 0 ] && LOSS_ON=1

[ "$LOSS_ON" = 1 ] && expectation
heading "$(t "3. Chat over TCP (port $TP)" "3. Chat por TCP (puerto $TP)")"
converse tcp "$TP" "$SCRIPT_TCP"
compare tcp
heading "$(t "4. Chat over UDP (port $UP)" "4. Chat por UDP (puerto $UP)")"
converse udp "$UP" "$SCRIPT_UDP"
compare udp

# --- 6. what the capture saw -------------------------------------------------------

DROPPED=null
if [ -n "$NFT_TABLE" ]; then
	DROPPED=$(nft list table inet "$NFT_TABLE" 2>/dev/null |
		grep -oE 'packets [0-9]+' | awk '{ s += $2 } END { print s + 0 }')
fi

if [ "$CAPTURE" = 1 ]; then
	# Give retransmissions and the last FINs a moment, then stop chatcap.
	wait_for "$WORK/live.txt" 'UDP.*(quit|salir)' 3
	sleep 0.3
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP=("$BIN/chatcap" -r "$PCAP" --tcp-port "$TP" --udp-port "$UP" --lang "$L")

	heading "$(t "5. Annotated capture (beginning and end of TCP#1, then UDP#1)" \
	             "5. Captura anotada (principio y fin de TCP#1, luego UDP#1)")"
	capture_point
	# Unfiltered, so each packet keeps its number and time in demo.pcap
	# (Wireshark's, and capture.txt's).
	"${CAP[@]}" --color="$CC" --width "$W" 2>/dev/null | packets 5 3 ' TCP#1 '
	"${CAP[@]}" --color="$CC" --width "$W" 2>/dev/null | packets 4 0 ' UDP#1 '
	"${CAP[@]}" --color=never --width "$W" >"$OUT/capture.txt" 2>/dev/null
	note "$(t "every packet:" "todos los paquetes:") demo-results/capture.txt"

	"${CAP[@]}" --json >"$OUT/capture.jsonl" 2>/dev/null
	read -r TCLIENT UCLIENT < <(python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
c = s.get("connections") or [{}]; f = s.get("flows") or [{}]
port = lambda e: (e.get("client") or ":0").rsplit(":", 1)[1]
print(port(c[0]), port(f[0]))' "$OUT/capture.jsonl")

	heading "$(t "6. One TCP conversation, as a ladder" "6. Una conversación TCP, en escalera")"
	"${CAP[@]}" --color="$CC" --width "$W" --ladder "tcp port $TCLIENT" 2>/dev/null |
		sed -n '2,/^$/p' | sed '$d' | fit
	heading "$(t "7. One UDP exchange, as a ladder" "7. Un intercambio UDP, en escalera")"
	"${CAP[@]}" --color="$CC" --width "$W" --ladder "udp port $UCLIENT" 2>/dev/null |
		sed -n '2,/^$/p' | sed '$d' | fit

	heading "$(t "8. TCP vs UDP" "8. TCP frente a UDP")"
	"${CAP[@]}" --color="$CC" --summary 2>/dev/null | sed -n '2,/^$/p' | fit
	note "$(t "open it in Wireshark:" "ábrelo en Wireshark:") ${B}wireshark demo.pcap${N}"
else
	heading "$(t "5. TCP vs UDP (deliveries only: no capture)" \
	             "5. TCP frente a UDP (solo entregas: sin captura)")"
	printf '  %-12s %8s %8s\n' "" TCP UDP
	printf '  %-12s %8s %8s\n' "$(t sent enviadas)" "$SENT_tcp" "$SENT_udp"
	printf '  %-12s %8s %8s\n' "$(t delivered entregadas)" "$GOT_tcp/$WANT_tcp" "$GOT_udp/$WANT_udp"
fi

[ "$DROPPED" != null ] &&
	note "$(t "nftables dropped $DROPPED packets" "nftables descartó $DROPPED paquetes")"

# --- 7. machine-readable results beside demo.pcap -----------------------------------

ELAPSED=$(awk -v s="$START" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - s }')
python3 - "$OUT" <<EOF
import json, os, sys
out = sys.argv[1]
summary = None
try:
    with open(os.path.join(out, "capture.jsonl")) as f:
        summary = json.loads(f.read().splitlines()[-1])
except (OSError, ValueError, IndexError):
    pass
res = {
    "ports": {"tcp": $TP, "udp": $UP},
    "loss": {"percent": int("$LOSS") if "$LOSS".isdigit() else None,
             "mechanism": "$LOSS_MECH", "dropped": json.loads("$DROPPED")},
    "capture": "demo.pcap" if "$CAPTURE" == "1" else None,
    "tcp": {"lines": $SENT_tcp, "deliveries_expected": $WANT_tcp, "delivered": $GOT_tcp},
    "udp": {"lines": $SENT_udp, "deliveries_expected": $WANT_udp, "delivered": $GOT_udp},
    "seconds": round($ELAPSED, 1),
    "summary": summary,
}
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(res, f, indent=2, ensure_ascii=False)
    f.write("\n")
EOF

# --- the capture as one page for a browser, and a picture of it ------------------
if [ "$CAPTURE" = 1 ] && "$BIN/chatcap" -r "$PCAP" --tcp-port "$TP" --udp-port "$UP" \
	--lang "$L" --html "$OUT/report.html" >/dev/null 2>&1; then
	heading "$(t "9. The capture as a page (open it in a browser)" \
	             "9. La captura en una página (ábrela en el navegador)")"
	note "$OUT/report.html"
	mkdir -p "$WORK/firefox"
	command -v firefox-esr >/dev/null && HOME="$WORK/firefox" timeout 120 \
		firefox-esr --headless --no-remote --profile "$WORK/firefox" --screenshot \
		"$OUT/report.png" --window-size=1300,2400 "file://$OUT/report.html" \
		>/dev/null 2>&1 && note "$OUT/report.png"
fi

heading "$(t "Done" "Fin")"
SECTION_T0=""
[ "$CAPTURE" = 1 ] && note "demo.pcap  ($(t "for Wireshark" "para Wireshark"))"
if [ "$CAPTURE" = 1 ]; then
	note "demo-results/  (results.json, capture.txt, capture.jsonl, $(t "what each bot saw" "lo que vio cada bot"))"
else
	rm -f "$OUT/capture.txt"
	note "demo-results/  (results.json, $(t "what each bot saw" "lo que vio cada bot"))"
fi
note "$(t "$ELAPSED seconds" "$ELAPSED segundos")"
exit 0
