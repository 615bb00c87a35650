#!/bin/sh
# labs/loss.sh — packet loss on lo for the labs: tc netem where the kernel
# has it, else an nftables rule dropping a random share of the chat ports'
# packets (numgen random). Says which; removes only what it added.
#
#   sudo labs/loss.sh on PERCENT [TCP_PORT UDP_PORT]   (default 5000 5001)
#   sudo labs/loss.sh off
set -u
MARK=${TMPDIR:-/tmp}/redchat-loss.netem
TABLE=redchat_loss

case ${1:-} in
on)
	pct=${2:?percent}; tp=${3:-5000}; up=${4:-5001}
	case $pct in *[!0-9]* | "") echo "loss.sh: PERCENT must be a number" >&2; exit 1 ;; esac
	if tc qdisc add dev lo root netem loss "$pct%" 2>/dev/null; then
		: >"$MARK"
		echo "loss.sh: tc netem: $pct % of every packet on lo is dropped"
	elif nft -f - <<-EOF2
		table inet $TABLE {
			# input, not output: on lo the capture sees a packet
			# as it is sent, so a packet lost on the way in is
			# still in the capture, and so is its retransmission
			chain in {
				type filter hook input priority 0; policy accept;
				meta l4proto { tcp, udp } th dport { $tp, $up } numgen random mod 100 < $pct counter drop
				meta l4proto { tcp, udp } th sport { $tp, $up } numgen random mod 100 < $pct counter drop
			}
		}
	EOF2
	then
		echo "loss.sh: no tc netem here; nftables table $TABLE drops $pct % of packets on ports $tp and $up"
	else
		echo "loss.sh: neither tc netem nor nftables could add loss (root?)" >&2
		exit 1
	fi ;;
off)
	if [ -e "$MARK" ]; then
		tc qdisc del dev lo root netem && rm -f "$MARK" && echo "loss.sh: netem removed from lo"
	fi
	if nft list table inet $TABLE >/dev/null 2>&1; then
		dropped=$(nft list table inet $TABLE | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' |
			awk '{ s += $1 } END { print s + 0 }')
		nft delete table inet $TABLE && echo "loss.sh: nftables table $TABLE removed ($dropped packets dropped)"
	fi ;;
*)
	echo "usage: labs/loss.sh on PERCENT [TCP_PORT UDP_PORT] | off" >&2
	exit 1 ;;
esac
