#!/bin/bash
# Lab 4 (loss, delay, reordering): every command of labs/{es,en}/lab4-*.md.
# Needs root (nftables or tc netem, capture); step 5 needs sch_netem.
. "$(dirname "$0")/../lib.sh"
lab_init 4
ALL=("sudo labs/loss.sh on 20 5000 5001"
	"bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 100 --rate 50"
	"bin/chatbench -p 5000 --clients 2 --senders 1 --messages 100 --rate 50"
	"sudo labs/loss.sh off"
	"bin/chatcap -r lab4.pcap --summary --lang es"
	"bin/chatcap -r lab4.pcap --json > lab4.jsonl"
	"labs/plots/tseq.sh lab4.jsonl lab4-tseq.png")
NETEM=("sudo tc qdisc add dev lo root netem delay 20ms 10ms reorder 25%"
	"bin/chatbench --udp -p 5001 --clients 2 --senders 1 --messages 100 --rate 50"
	"sudo tc qdisc del dev lo root netem")

start tcp "bin/tcpchatd -p 5000 --lang es"
start udp "bin/udpchatd -p 5001 --lang es"
if ! is_root || [ ! -x bin/chatbench ]; then
	lab_skip "lab 4 needs root and bin/chatbench: its loss steps are not run"
	skipped "sudo bin/chatcap -i lo -w lab4.pcap --lang es" "${ALL[@]}" "${NETEM[@]}"
	lab_done
	exit 0
fi
# Whatever happens, the loss goes away (loss.sh off removes only its own).
LAB_CLEANUP_HOOK="$LAB_ROOT/labs/loss.sh off"

start cap "sudo bin/chatcap -i lo -w lab4.pcap --lang es"
step "${ALL[0]}"
expect 'tc netem|redchat_loss' "Q1: the mechanism is named"
step "${ALL[1]}"
step "${ALL[2]}"
step "${ALL[3]}"
expect 'removed' "the loss is removed"
check '! nft list table inet redchat_loss >/dev/null 2>&1' "no rule left behind"
wait_count cap.log 'cierre ACK del FIN|RST:' 2 30 || lab_fail "the capture missed a teardown"
stop cap
step "${ALL[4]}"
step "${ALL[5]}"
check '[ "$(json_get lab4.jsonl "s[\"tcp\"][\"retransmissions\"]")" -gt 0 ]' "Q4: TCP retransmitted"
check '[ "$(json_get lab4.jsonl "s[\"udp\"][\"datagrams\"]")" -lt 400 ]' "Q2: UDP datagrams went missing (fewer than sent and relayed)"
step "${ALL[6]}"
# Loss may hit only the server's side of the conversation: the graph (client
# data) must mark a retransmission whenever client data was sent again.
check '! grep -q "\"dir\":\"to_server\".*\"len\":[1-9][0-9]*,.*\"retransmission\":true" lab4.jsonl || grep -q " 1$" <(python3 labs/plots/json2dat.py tseq lab4.jsonl)' "Q4: the graph marks retransmissions"

if tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
	tc qdisc del dev lo root netem
	LAB_CLEANUP_HOOK="tc qdisc del dev lo root netem"
	step "${NETEM[0]}"
	step "${NETEM[1]}"
	step "${NETEM[2]}"
	LAB_CLEANUP_HOOK=""
else
	lab_skip "this kernel has no sch_netem: step 5 (delay, reordering) not run"
	skipped "${NETEM[@]}"
fi
lab_done
