"""tools/referee (the second referee of the load figures) against real
servers on loopback, with small numbers: it must count every message once
against the relay and both server models, and catch a server that loses
or mixes messages. These tests check counting, never speed."""
import json
import os
import re
import subprocess
import sys
import threading

import pytest

from redchat import Server, program, stop_ok

FAULTY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "faulty_chat.py")


def referee(port, *args, pid=None, status=0):
    """Run the referee with --json; check its exit status; its result."""
    extra = ["--server-pid", str(pid)] if pid else []
    p = subprocess.run([program("referee"), "-p", str(port), "--json",
                        *extra, *map(str, args)],
                       capture_output=True, timeout=120)
    assert p.returncode == status, p.stderr.decode()
    return json.loads(p.stdout)


def check_all_delivered(r, clients, senders, messages):
    others = senders * messages
    assert r["expected"] == (clients - senders) * others + \
        senders * (others - messages)
    assert r["delivered"] == r["expected"]
    assert r["late"] == r["lost"] == r["closed"] == 0
    assert r["disorder"] == r["garbled"] == 0
    assert r["per_receiver"] == [others - messages] * senders + \
        [others] * (clients - senders)


def test_relay_limit_every_message_once():
    s = Server("relay_limit")
    try:
        r = referee(s.port, "--clients", 8, "--senders", 3, "--messages",
                    3000, "--size", 100, pid=s.proc.pid)
        check_all_delivered(r, 8, 3, 3000)
        assert r["server_cpu_s"] > 0 and r["ns_per_delivery"] > 0
    finally:
        s.stop()


@pytest.mark.parametrize("model", [[], ["--threads"]], ids=["loop", "threads"])
def test_tcpchatd_every_message_once(model):
    s = Server("tcpchatd", "-q", "--rate-limit", "0", *model)
    r = referee(s.port, "--clients", 10, "--senders", 2, "--messages", 2000,
                pid=s.proc.pid)
    check_all_delivered(r, 10, 2, 2000)
    assert r["server_cpu_s"] > 0
    stop_ok(s)


def test_a_server_that_drops_chat_is_caught():
    """faulty_chat.py's flood fault drops what a sender says beyond 20 lines
    a second: the connections stay, so the missing messages are "not
    delivered in time", never "lost", and the referee exits 1."""
    p = subprocess.Popen([sys.executable, FAULTY, "0", "flood"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        port = int(re.search(r":(\d+)", p.stdout.readline()).group(1))
        threading.Thread(target=p.stdout.read, daemon=True).start()
        r = referee(port, "--clients", 4, "--senders", 2, "--messages", 200,
                    "--wait", 1, status=1)
        assert 0 < r["delivered"] < r["expected"]
        assert r["late"] == r["expected"] - r["delivered"]
        assert r["lost"] == r["closed"] == 0
    finally:
        p.kill()
        p.wait()


def test_usage_errors_exit_2_in_both_languages():
    for args in [[], ["-p", "1", "--senders", "3", "--clients", "2"],
                 ["-p", "1", "--size", "10"], ["-p", "x"],
                 ["-p", "1", "--messages", "-5"], ["-p", "1", "--bogus"]]:
        for lang, word in [("en", b"usage: referee"), ("es", b"uso: referee")]:
            p = subprocess.run([program("referee"), "--lang", lang, *args],
                               capture_output=True, timeout=10)
            assert p.returncode == 2
            assert word in p.stderr
    # a value that is no number is named, in the run's language
    for lang, what in [("en", b"referee: -5: too small"),
                       ("es", "referee: -5: demasiado pequeño".encode())]:
        p = subprocess.run([program("referee"), "--lang", lang, "-p", "1",
                            "--messages", "-5"], capture_output=True,
                           timeout=10)
        assert p.returncode == 2 and what in p.stderr, p.stderr
