#!/bin/bash
# Lab 0 (getting started): every command of labs/{es,en}/lab0-*.md, checked.
. "$(dirname "$0")/../lib.sh"
lab_init 0

# Preparation. `make` runs in the tree (make check has just built it).
lab_shown "make"
make -s -C "$LAB_ROOT" all >/dev/null || lab_fail "make failed"
printf '$ make\n'
step "bin/tcpchatd --version"
expect '[0-9]+\.[0-9]+' "a version number"

# 1-2: the TCP server and ss.
start tcp "bin/tcpchatd -p 5000 --lang es"
OUT=$(cat tcp.log); expect 'escuchando en \[::\]:[0-9]+' "Q1: listening on [::]"
step "ss -tlnp 'sport = :5000'"
expect "LISTEN .*:$TCP_PORT .*tcpchatd" "Q2: LISTEN, owned by tcpchatd"

# 3: nc speaks the protocol by hand; salir makes the server close.
step -i 'ana\nhola\n/listar\nsalir\n' "nc 127.0.0.1 5000"
expect 'Bienvenido' "Q3: the welcome line comes first"
expect 'Hola ana' "Q3: the first line is the nickname"
expect 'Usuarios \(1\): ana' "Q3: /listar answered"
expect 'Adiós, ana' "Q3: the server says goodbye and closes"

# 4: UDP. Typed lines are one datagram each, so the input is paced here.
start udp "bin/udpchatd -p 5001 --lang es"
step "ss -ulnp 'sport = :5001'"
expect "UNCONN .*:$UDP_PORT .*udpchatd" "Q4: UDP is UNCONN, not LISTEN"
step -s -t 2 -x 124 -i 'beto\nhola\n' "nc -u 127.0.0.1 5001"
expect 'Hola beto' "Q4: the first datagram is the nickname"

# 5: the port is taken.
step -x 2 "bin/tcpchatd -p 5000 --lang es"
expect 'Address already in use|en uso' "Q5: Address already in use, exit 2"

# 6: loopback only.
stop tcp TERM
start tcp2 "bin/tcpchatd -b 127.0.0.1 -p 5000 --lang es"
step "ss -tln 'sport = :5000'"
expect "127\.0\.0\.1:$TCP_PORT" "Q6: bound to 127.0.0.1"
step -x 1 "nc -z -v ::1 5000"
expect 'refused' "Q6: ::1 is refused"

# 7: TIME_WAIT on the server's side (it sends the first FIN after salir).
step "printf 'ana\nsalir\n' | bin/tcpchat -p 5000"
expect 'Adiós, ana' "Q7: left the chat"
step "ss -tan state time-wait '( sport = :5000 )'"
expect "127\.0\.0\.1:$TCP_PORT +127\.0\.0\.1:[0-9]+" "Q7: the server's end is in TIME_WAIT"
stop tcp2 INT
step -x 1 "python3 -c 'import socket; socket.socket().bind((\"127.0.0.1\", 5000))'"
expect 'Address already in use' "Q7: bind without SO_REUSEADDR fails"
start tcp3 "bin/tcpchatd -b 127.0.0.1 -p 5000 --lang es"
check 'grep -q "escuchando en 127.0.0.1:$TCP_PORT" tcp3.log' "Q7: tcpchatd starts (SO_REUSEADDR)"
lab_done
