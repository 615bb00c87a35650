"""chatbench against real servers on loopback, with tiny numbers: it must
count every message once, intact, and measure idle connections. These
tests check counting, never speed."""
import json
import re
import os
import subprocess

import pytest

from redchat import Server, program, ROOT

SEED_TCP = os.path.join(ROOT, "tests", "seeds", "seed003_server.py")


def bench(*args, timeout=60):
    """Run chatbench with --json; return its result object."""
    p = subprocess.run([program("chatbench"), "--json", "--timeout", "30",
                        *map(str, args)],
                       capture_output=True, timeout=timeout)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


def no_limits(name):
    """Options that lift a server's per-client message rate limit, if it
    has one: chatbench blasts on purpose."""
    out = subprocess.run([program(name), "--help"], capture_output=True,
                         env={**os.environ, "LANG": "C"}).stdout.decode()
    return ["--rate-limit", "0"] if "--rate-limit" in out else []


@pytest.mark.parametrize("model", [[], ["--threads"]])
def test_tcp_every_message_once_and_intact(model):
    with Server("tcpchatd", "-q", *model, *no_limits("tcpchatd")) as s:
        r = bench("-p", s.port, "--clients", 6, "--senders", 3,
                  "--messages", 40, "--server-pid", s.proc.pid)
    assert r["connected"] == 6 and r["registered"] == 6
    assert r["expected"] == 3 * 40 * 5
    assert r["delivered"] == r["expected"]
    assert r["lost"] == r["duplicated"] == r["garbled"] == 0
    assert r["reordered"] == 0
    assert r["latency_us"]["max"] >= r["latency_us"]["p50"] > 0
    assert r["server_rss_kib"] > 0


def test_tcp_at_a_rate_counts_the_same():
    with Server("tcpchatd", "-q", *no_limits("tcpchatd")) as s:
        r = bench("-p", s.port, "--clients", 4, "--senders", 2,
                  "--messages", 10, "--rate", 200, "--size", 34)
    assert r["delivered"] == r["expected"] == 2 * 10 * 3
    assert r["lost"] == 0


def test_udp_every_message_counted():
    with Server("udpchatd", "-q", *no_limits("udpchatd")) as s:
        r = bench("--udp", "-p", s.port, "--clients", 5, "--senders", 2,
                  "--messages", 20, "--rate", 200)
    assert r["transport"] == "udp" and r["registered"] == 5
    # Loopback does not lose datagrams at this pace; counting must agree.
    assert r["delivered"] + r["lost"] == r["expected"] == 2 * 20 * 4
    assert r["duplicated"] == r["garbled"] == 0


def test_stalled_client_is_left_out_and_others_get_all():
    with Server("tcpchatd", "-q", *no_limits("tcpchatd")) as s:
        r = bench("-p", s.port, "--clients", 5, "--senders", 2,
                  "--messages", 50, "--stall", 1)
    assert r["expected"] == 2 * 50 * 3       # the stalled one not counted
    assert r["delivered"] == r["expected"]


def test_seed_server_tokens_found_in_raw_chunks():
    """The seed 003 server relays raw recv() chunks with no framing: tokens
    arrive glued and split; at a slow pace each one is found intact."""
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(["/usr/bin/python3", SEED_TCP, str(port)],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        proc.stdout.readline()                # "Servidor escuchando ..."
        r = bench("-p", port, "--clients", 3, "--senders", 1,
                  "--messages", 20, "--rate", 50)
    finally:
        proc.kill()
        proc.wait()
    # The seed announces a join only to clients it has already accepted:
    # the first nickname may be confirmed by nobody.
    assert r["registered"] >= 2
    assert r["delivered"] == r["expected"] == 20 * 2
    assert r["duplicated"] == 0


def test_connect_only_reports_memory_per_client():
    with Server("tcpchatd", "-q") as s:
        r = bench("-p", s.port, "--connect-only", "--clients", 50,
                  "--hold", 0.2, "--server-pid", s.proc.pid)
    assert r["mode"] == "connect-only"
    assert r["connected"] == 50 and r["failed"] == 0
    assert r["server_rss_kib"] >= r["server_rss_base_kib"] > 0


def test_bad_options_exit_1():
    for args in (["--senders", "5", "--clients", "2"],
                 ["--size", "10"],
                 ["--stall", "2", "--clients", "2", "--senders", "1"],
                 ["--connect-only", "--bots", "2"]):
        p = subprocess.run([program("chatbench"), *args], capture_output=True)
        assert p.returncode == 1, args
        assert p.stderr


def test_nothing_listening_exits_2():
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    p = subprocess.run([program("chatbench"), "-p", str(port), "--clients",
                        "2", "--timeout", "5"], capture_output=True, timeout=30)
    assert p.returncode == 2
    assert b"connect" in p.stderr


def test_udp_bots_introduce_themselves_again_after_a_restart():
    """UDP bots send "/nick NAME" until welcomed and speak only then; when
    the server restarts, the next line a bot says is answered "who are
    you?", and the bot introduces itself again: its lines come back as its
    own, never as a nickname."""
    from redchat import wait_log
    first = Server("udpchatd", "--lang", "en")
    port = first.port
    bots = subprocess.Popen([program("chatbench"), "--udp", "-p", str(port),
                             "--bots", "2", "--seed", "7", "--duration",
                             "120"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        for nick in ("ana", "luis"):
            wait_log(first, nick + r" \(127\.0\.0\.1:\d+\) joined", 30)
        wait_log(first, r"(ana|luis): ", 30)          # they chat
        first.proc.kill()
        first.stop()
        second = Server("udpchatd", "--lang", "en", "-p", str(port))
        for _ in range(2):
            wait_log(second, r"(ana|luis) \(127\.0\.0\.1:\d+\) joined", 60)
        wait_log(second, r"(ana|luis): ", 60)
        _, log = second.stop()
        assert not any(b" joined" in line and not re.search(
            rb"(ana|luis) \(", line) for line in log.splitlines()), log
    finally:
        bots.kill()
        bots.wait()


def test_tcp_missing_on_open_connections_is_late_not_lost():
    """A server that stops (SIGSTOP) in the middle of a run holds the
    messages, and the connections stay open: at --timeout chatbench calls
    what is missing "not delivered in time" (late), never lost, and says
    so in words too. Killed, the server closes them: then they are lost."""
    import signal
    import time
    args = ["--clients", 3, "--senders", 1, "--messages", 2000,
            "--rate", 500, "--timeout", 4]
    with Server("tcpchatd", "-q", *no_limits("tcpchatd")) as s:
        p = subprocess.Popen([program("chatbench"), "--json", "-p",
                              str(s.port), *map(str, args)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1)   # what it says depends on the state, not the moment
        s.proc.send_signal(signal.SIGSTOP)
        try:
            out, err = p.communicate(timeout=60)
        finally:
            s.proc.send_signal(signal.SIGCONT)
    r = json.loads(out)
    assert r["closed"] == 0, r
    assert r["lost"] == 0 and r["late"] > 0, r
    assert r["delivered"] + r["late"] == r["expected"], r
    with Server("tcpchatd", "-q", *no_limits("tcpchatd")) as s:
        p = subprocess.Popen([program("chatbench"), "-p", str(s.port),
                              "--lang", "en", *map(str, args)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1)
        s.proc.kill()
        out, err = p.communicate(timeout=60)
    text = out.decode()
    m = re.search(r"lost (\d+), not delivered in time (\d+),", text)
    assert m and int(m.group(1)) > 0 and m.group(2) == "0", text
