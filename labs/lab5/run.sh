#!/bin/bash
# Lab 5 (concurrency and robustness): every command of labs/{es,en}/lab5-*.md.
# The chatbench steps are skipped when chatbench is not built. The thread
# counts are read while 200 clients are connected.
. "$(dirname "$0")/../lib.sh"
lab_init 5
B1="bin/chatbench -p 5000 --clients 200 --senders 10 --messages 50 --rate 100"
B2="bin/chatbench -p 5000 --clients 20 --senders 2 --messages 500 --stall 1"
PS='bin/chatbench -p 5000 --connect-only --clients 200 --hold 1 --server-pid "$(pgrep -n -x -u "$(id -u)" tcpchatd)"'

start loop "bin/tcpchatd -p 5000 --lang es"
if [ -x bin/chatbench ]; then
	step "$B1"
	expect 'conectados +200|connected +200' "Q1: 200 clients with the event loop"
	step "$PS"
	check 'n=$(grep -oE "\(([0-9]+) (hilos?|threads?)\)" <<<"$OUT" | grep -oE "[0-9]+"); [ "$n" -le 3 ]' "Q1: the event loop serves 200 clients from one thread (and writes its log from another)"
	stop loop TERM
	start threads "bin/tcpchatd --threads -p 5000 --lang es"
	step "$B1"
	expect 'conectados +200|connected +200' "Q1: 200 clients with a thread each"
	step "$PS"
	check 'n=$(grep -oE "\(([0-9]+) (hilos|threads)\)" <<<"$OUT" | grep -oE "[0-9]+"); [ "$n" -ge 201 ]' "Q1: one thread per client, and the accepting one"
	step "$B2"
	expect 'never read|nunca leen' "Q2: one client stalled, the bench finished"
	expect '(lost|perdidos) 0,' "Q2: the others lost nothing"
	expect '(delivered|entregados) +18000 (of|de) 18000' "Q2: every message reached the 18 readers"
else
	lab_skip "bin/chatbench is not built: steps 1 and 2 not run"
	skipped "$B1" "$PS" "bin/tcpchatd --threads -p 5000 --lang es" "$B2"
fi

step "python3 -c 'print(\"ana\"); print(\"x\" * 2000); print(\"/listar\"); print(\"salir\")' | nc 127.0.0.1 5000"
expect 'demasiado largo' "Q3: the long line is refused"
expect 'Usuarios \(1\): ana' "Q3: the connection stays and the next line is read"

step "(printf 'ana\n/nick mu\xc3'; sleep 0.5; printf '\xb1oz\nsalir\n') | nc 127.0.0.1 5000"
expect 'ana ahora se llama muñoz' "Q4: the split ñ is whole"
lab_done
