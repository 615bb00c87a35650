#!/bin/sh
# labs/loss.sh — packet loss on lo for the labs: tc netem where the kernel
# has it, else an nftables rule dropping a random share of the chat ports'
# packets (numgen random). Says which; removes only what it added.
#
#   sudo labs/loss.sh on PERCENT [TCP_PORT UDP_PORT]   (default 5000 5001)
#   sudo labs/loss.sh off
#   labs/loss.sh rules TABLE PERCENT TCP_PORT UDP_PORT  (the nftables rule
#                                                        set, for demo.sh)
# Messages in Spanish when LC_ALL, LC_MESSAGES or LANG starts with "es".
set -u
MARK=${TMPDIR:-/tmp}/redchat-loss.netem
TABLE=redchat_loss

case ${LC_ALL:-${LC_MESSAGES:-${LANG:-}}} in
es*) es=1 ;;
*) es=0 ;;
esac
# say ENGLISH SPANISH
say() { if [ "$es" = 1 ]; then echo "loss.sh: $2"; else echo "loss.sh: $1"; fi; }

# The rule set: drop PERCENT % of the packets to or from the chat ports.
rules() { # TABLE PERCENT TCP_PORT UDP_PORT
	cat <<RULES
table inet $1 {
	# input, not output: on lo the capture sees a packet as it is sent,
	# so a packet lost on the way in is still in the capture, and so is
	# its retransmission
	chain in {
		type filter hook input priority 0; policy accept;
		meta l4proto { tcp, udp } th dport { $3, $4 } numgen random mod 100 < $2 counter drop
		meta l4proto { tcp, udp } th sport { $3, $4 } numgen random mod 100 < $2 counter drop
	}
}
RULES
}

case ${1:-} in
on)
	pct=${2:?percent}; tp=${3:-5000}; up=${4:-5001}
	case $pct in *[!0-9]* | "")
		say "PERCENT must be a number" "PORCENTAJE debe ser un número" >&2
		exit 1 ;;
	esac
	if tc qdisc add dev lo root netem loss "$pct%" 2>/dev/null; then
		: >"$MARK"
		say "tc netem: $pct % of every packet on lo is dropped" \
		    "tc netem: se descarta el $pct % de todos los paquetes en lo"
	elif rules "$TABLE" "$pct" "$tp" "$up" | nft -f -; then
		say "no tc netem here; nftables table $TABLE drops $pct % of packets on ports $tp and $up" \
		    "aquí no hay tc netem; la tabla nftables $TABLE descarta el $pct % de los paquetes de los puertos $tp y $up"
	else
		say "neither tc netem nor nftables could add loss (root?)" \
		    "ni tc netem ni nftables pudieron añadir pérdidas (¿root?)" >&2
		exit 1
	fi ;;
off)
	if [ -e "$MARK" ]; then
		tc qdisc del dev lo root netem && rm -f "$MARK" &&
			say "netem removed from lo" "netem quitado de lo"
	fi
	if nft list table inet $TABLE >/dev/null 2>&1; then
		dropped=$(nft list table inet $TABLE | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' |
			awk '{ s += $1 } END { print s + 0 }')
		nft delete table inet $TABLE &&
			say "nftables table $TABLE removed ($dropped packets dropped)" \
			    "tabla nftables $TABLE quitada ($dropped paquetes descartados)"
	fi ;;
rules)
	rules "${2:?table}" "${3:?percent}" "${4:?tcp port}" "${5:?udp port}" ;;
*)
	say "usage: labs/loss.sh on PERCENT [TCP_PORT UDP_PORT] | off | rules TABLE PERCENT TCP_PORT UDP_PORT" \
	    "uso: labs/loss.sh on PORCENTAJE [PUERTO_TCP PUERTO_UDP] | off | rules TABLA PORCENTAJE PUERTO_TCP PUERTO_UDP" >&2
	exit 1 ;;
esac
