#!/bin/bash
# Lab 6 (your own server, graded by chatcheck): every command of
# labs/{es,en}/lab6-*.md, on tcpchatd and on seed 003's Python server (as
# the guide runs them), each on a free port. Step 3 is the student's own
# server; the capture of step 5 needs root.
. "$(dirname "$0")/../lib.sh"
lab_init 6
[ -x bin/chatcheck ] || lab_fail "bin/chatcheck is not built (run make)"
CHECK_ONLY="bin/chatcheck --only TCP-FRAME-02 TCP-LOAD-02 127.0.0.1 5000"
CARD="bin/chatcheck --profile tp42 --rubric labs/lab6/rubric.txt --markdown nota.md --junit nota.xml 127.0.0.1 5000"
RUN="bin/chatcheck --profile tp42 --run 'python3 tests/seeds/seed003_server.py {port}'"

start tcp "bin/tcpchatd -p 5000 --lang es"
step -t 120 "bin/chatcheck 127.0.0.1 5000"
expect '^TCP-LOAD-02 +MUST +pass' "Q1: a reader that never reads delays nobody"
expect 'passed [0-9]+, failed 0 \(MUST 0, not run 0\)' "Q1: tcpchatd passes every test"
expect '^TCP-LIVE-01 +MUST +pass' "Q1: and survives every input"
stop tcp TERM

# The seed server takes its port as its argument: a free one stands for 5000.
TCP_PORT=$(free_port)
[ -n "${LAB_FIXED_PORTS:-}" ] && TCP_PORT=5000
start seed "python3 tests/seeds/seed003_server.py 5000"
step -t 120 "bin/chatcheck --profile tp42 127.0.0.1 5000"
expect '^TP42-LIST-02 +SHOULD +FAIL' "Q2: /listar still names who left"
expect 'failed [12] \(MUST 0, not run 0\)' "Q2: every MUST of tp42 passes"
step -t 120 -x 1 "$CHECK_ONLY"
expect '^TCP-FRAME-02 +MUST +FAIL' "Q2: merged lines relayed as one"
expect '^TCP-LOAD-02 +MUST +FAIL' "Q2: one stuck reader loses everyone's messages"
expect 'not delivered in time [1-9]' "Q2: the messages held back are counted"

manual "python3 servidor.py 5000" "the student's own server"
step -t 120 "$RUN"
expect '^TP42-LIVE-01 +MUST +pass' "Q4: --run started the seed server; it survived every test"
expect '^TCP-BIG-05 +MUST +pass' "Q4: the crash tests ran in the tp42 profile"
expect '^TP42-LIST-02 +SHOULD +FAIL' "Q4: the same verdict as on a server started by hand"
expect_not 'NOT RUN' "Q4: every test ran"

step -t 120 "$CARD"
check 'grep -q "| TP42-NICK-01 | MUST | pass | 3/3 |" nota.md' "Q4: the scorecard, with the rubric's points"
check 'grep -q "| TP42-LIVE-01 | MUST | pass | 5/5 |" nota.md' "Q4: surviving is worth the rubric's 5 points"
check '[ "$(grep -c "<testcase " nota.xml)" -eq 15 ] && grep -q "<testsuite name=\"chatcheck.tp42.tcp\" tests=\"15\" failures=\"[12]\"" nota.xml' "Q4: the JUnit report of the CI job, one testcase per test"

FRAME="bin/chatcheck --only TCP-FRAME-02 127.0.0.1 5000"
if is_root; then
	start cap "sudo bin/chatcap -w fallo.pcap"
	step -x 1 "$FRAME"
	sleep 1
	stop cap
	step "bin/chatcap -r fallo.pcap --ladder"
	expect 'uno' "Q3: the three lines in the capture"
else
	lab_skip "capturing needs root: step 5's capture is not run"
	skipped "sudo bin/chatcap -w fallo.pcap"
	step -x 1 "$FRAME"
	expect 'uno\\ndos\\ntres' "Q3: what chatcheck sent"
	skipped "bin/chatcap -r fallo.pcap --ladder"
fi
stop seed TERM
lab_done
