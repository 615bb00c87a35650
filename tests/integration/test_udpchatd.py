"""udpchatd on real loopback sockets: members known by address, one message
per datagram, idle expiry, caps, garbage, signals, IPv6, netcat and the
seed 003 style client. Every wait has a deadline; "nothing else arrived" is
proven with Udp.sync() (a /ping whose pong comes after anything queued
before it), never with a fixed sleep."""
import os
import random
import re
import select
import signal
import socket
import subprocess
import time

import pytest

from redchat import Server, Udp, program, udp_join, wait_log


@pytest.fixture
def start():
    """start(*options) runs udpchatd -p 0 --lang en; at the end of the test
    each one started must stop on SIGTERM with status 0 and a log free of
    sanitizer reports."""
    started = []

    def _start(*args):
        s = Server("udpchatd", "--lang", "en", *args)
        started.append(s)
        return s
    yield _start
    for s in started:
        status, log = s.stop()
        assert status == 0, log
        assert b"Sanitizer" not in log and b"runtime error" not in log, log


@pytest.fixture
def server(start):
    return start()


def closed_notice(m):
    m.expect(r"^\*\*\* The server is closing")


# --- chatting ---------------------------------------------------------------

def test_two_members_chat(server):
    ana = udp_join(server.port, "ana")
    luis = udp_join(server.port, "luis")
    ana.expect(r"^\*\*\* luis has joined the chat$")
    ana.sendline("hola luis")
    assert luis.readline() == "ana: hola luis"
    luis.send("hola ana")                       # the newline is optional
    assert ana.readline() == "luis: hola ana"
    assert ana.sync() == []                     # not echoed to the sender
    assert luis.sync() == []
    ana.sendline("/list")
    assert re.match(r"^\*\*\* Users \(2\): ana, luis$", ana.readline())
    ana.sendline("/quit")
    ana.expect(r"^\*\*\* Goodbye")
    assert luis.readline() == "*** ana has left the chat"
    wait_log(server, r"ana \(127\.0\.0\.1:\d+\) joined")


def test_fifty_members_every_message_once(server):
    n = 50
    members = [udp_join(server.port, f"m{i}") for i in range(n)]
    for m in members:                           # drain the join notices
        joins = m.sync()
        assert all("has joined" in line for line in joins), joins
    for i, sender in enumerate(members):
        sender.sendline(f"message {i}")
        for j, m in enumerate(members):
            if j != i:
                # Each delivery is awaited before the next message is sent,
                # a rate loopback does not drop at; a loss shows up here as
                # a named timeout, not as a flaky count.
                try:
                    line = m.readline(timeout=10)
                except TimeoutError:
                    pytest.fail(f"datagram lost: m{j} never got 'message {i}'")
                assert line == f"m{i}: message {i}", (j, line)
    for j, m in enumerate(members):
        assert m.sync() == [], f"m{j} got extra or duplicate datagrams"


def test_crlf_and_inner_newline(server):
    ana = udp_join(server.port, "ana")
    luis = udp_join(server.port, "luis")
    ana.sync()
    ana.send(b"windows line\r\n")
    assert luis.readline() == "ana: windows line"
    ana.send(b"two\nlines\n")                   # one datagram, one message
    assert luis.readline() == "ana: two^Jlines"
    assert luis.sync() == []


def test_nickname_datagram_with_a_newline_says_why(server):
    """nc -u sending "nc3\\nhola" in one datagram: told that a datagram is
    one message, and nothing else happens; the nickname alone works."""
    c = Udp(server.port)
    c.send("nc3\nhola")
    assert "line break" in c.readline()
    c.send("nc3")
    c.expect(r"^\*\*\* Hello nc3")


def test_message_size_limit(server):
    ana = udp_join(server.port, "ana")
    luis = udp_join(server.port, "luis")
    ana.sync()
    ana.send(b"x" * 1024 + b"\r\n")             # exactly the limit
    assert luis.readline() == "ana: " + "x" * 1024
    ana.send(b"y" * 1025)
    ana.expect(r"^\*\*\* Error: message too long")
    ana.send(b"z" * 2000)
    ana.expect(r"^\*\*\* Error: message too long")
    assert luis.sync() == []                    # nothing relayed
    ana.sendline("still here")
    assert luis.readline() == "ana: still here"


# --- clients written by others ----------------------------------------------

def test_netcat_member(server):
    luis = udp_join(server.port, "luis")
    nc = subprocess.Popen(["nc", "-u", "127.0.0.1", str(server.port)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    try:
        nc.stdin.write(b"carla\n")
        nc.stdin.flush()
        assert luis.readline() == "*** carla has joined the chat"
        nc.stdin.write(b"hola desde nc\n")
        nc.stdin.flush()
        assert luis.readline() == "carla: hola desde nc"
        luis.sendline("hola carla")
        out = b""
        deadline = time.monotonic() + 10
        while b"luis: hola carla\n" not in out:
            left = deadline - time.monotonic()
            assert left > 0, f"nc printed {out!r}"
            if select.select([nc.stdout], [], [], left)[0]:
                chunk = os.read(nc.stdout.fileno(), 4096)
                assert chunk, f"nc ended: {out!r}"
                out += chunk
        assert out.startswith(b"*** Hello carla")
    finally:
        nc.kill()
        nc.wait()


def test_seed_003_style_client(server):
    """Like the lab statement's UDP example: the name first, then
    messages, each in its own datagram without a newline, then /quitar."""
    luis = udp_join(server.port, "luis")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    dest = ("127.0.0.1", server.port)
    s.sendto("María".encode(), dest)
    assert s.recv(1024).decode().startswith("*** Hello María")
    assert luis.readline() == "*** María has joined the chat"
    s.sendto("¿qué tal?".encode(), dest)
    assert luis.readline() == "María: ¿qué tal?"
    luis.sendline("bien")
    assert s.recv(1024).decode() == "luis: bien\n"
    s.sendto(b"/quitar", dest)
    assert s.recv(1024).decode().startswith("*** Goodbye")
    assert luis.readline() == "*** María has left the chat"
    s.close()


def test_udpchat_pipe_mode(server):
    udpchat = program("udpchat")
    if not os.access(udpchat, os.X_OK):
        pytest.skip(f"{udpchat} is not built yet (the UDP client)")
    luis = udp_join(server.port, "luis")
    p = subprocess.run([udpchat, "-p", str(server.port), "--lang", "en"],
                       input=b"ana\nhola\n", capture_output=True, timeout=30)
    assert luis.readline() == "*** ana has joined the chat"
    assert luis.readline() == "ana: hola"
    assert p.returncode == 0, p.stderr


# --- nicknames ----------------------------------------------------------------

def test_nickname_rules_and_duplicates(server):
    ana = udp_join(server.port, "Ana")
    m = Udp(server.port)
    # One word is a nickname attempt; anything else from an address the
    # server does not know is answered "who are you?" (UDP sessions).
    for bad, error in [("a b", r"Who are you\?.* Not delivered: a b$"),
                       ("/nick a b", r"cannot contain spaces"),
                       ("x" * 21, r"too long"),
                       (b"\xff\xfe", r"not valid UTF-8"),
                       ("ANA", r"the nickname ANA is taken"),
                       ("/nick ana", r"the nickname ana is taken"),
                       ("/list", r"Who are you\?.* Not delivered: /list$")]:
        m.sendline(bad)
        assert re.search(error, m.readline()), bad
    m.sendline("")                              # empty: still waiting
    m.sendline("luis")
    m.expect(r"^\*\*\* Hello luis, .* \[idle-timeout=300\]$")
    assert ana.sync() == ["*** luis has joined the chat"]
    m.sendline("/nick ana")
    assert re.search(r"taken", m.readline())
    m.sendline("/nick bea")
    assert m.readline() == "*** luis is now called bea"
    assert ana.readline() == "*** luis is now called bea"


def test_unknown_address_is_asked_who_it_is(server):
    """The UDP session rule: from an address the server does not know, a
    datagram is a nickname when it is "/nick NAME" or one word; anything
    else (text with spaces, a command, "/say WORD") is answered "who are
    you?" with the start of the message it did not deliver, and is never
    taken for a nickname nor relayed."""
    luis = udp_join(server.port, "luis")
    m = Udp(server.port)
    for line, echo in [("sigo aquí", "sigo aquí"),
                       ("/say hola", "/say hola"),
                       ("/me llega", "/me llega"),
                       ("/ping k1", "/ping k1"),
                       ("x\x1b[2J " + "y" * 200, "x^[[2J " + "y" * 73)]:
        m.sendline(line)
        assert m.readline() == (
            "*** Who are you? This server does not know your address (it "
            "is new, or the server restarted): send your nickname first, "
            "alone or as /nick NAME. Not delivered: " + echo)
    m.sendline("/nick uli")
    m.expect(r"^\*\*\* Hello uli, .* \[idle-timeout=300\]$")
    m.sendline("/nick uli")                 # sent again: its answer lost
    assert m.readline() == "*** You are already called uli. " \
        "[idle-timeout=300]"
    m.sendline("/say hola")                 # a member: plain chat
    assert luis.sync() == ["*** uli has joined the chat", "uli: hola"]
    m2 = Udp(server.port, "::1") if socket.has_ipv6 else None
    if m2 is not None:                      # the Spanish alias, from IPv6
        m2.sendline("eva")
        m2.expect(r"^\*\*\* Hello eva")
        m2.sendline("/decir ok")
        assert luis.sync() == ["*** eva has joined the chat", "eva: ok"]


def test_same_address_is_one_member(server):
    """Every datagram from one address and port is the same member."""
    ana = udp_join(server.port, "ana")
    ana.sendline("ana2")                        # chat, not a new nickname
    luis = udp_join(server.port, "luis")
    luis.sendline("/list")
    assert luis.expect(r"^\*\*\* Users") == "*** Users (2): ana, luis"


# --- idle expiry --------------------------------------------------------------

def test_idle_expiry_and_keepalive(start):
    s = start("--idle-timeout", "2")
    ana = udp_join(s.port, "ana")
    luis = udp_join(s.port, "luis")         # luis will say nothing more
    t0 = time.monotonic()
    left_notice = None
    # ana pings at a quarter of the timeout, as udpchat would, and
    # must outlive luis by more than twice the timeout.
    while time.monotonic() - t0 < 6:
        for line in ana.sync():
            if "luis has left" in line:
                left_notice = line
        time.sleep(0.5)
    assert left_notice == "*** luis has left the chat (silent for too long)"
    luis.expect(r"^\*\*\* luis has left the chat \(silent for too long\)$")
    ana.sendline("/list")
    assert ana.readline() == "*** Users (1): ana"
    # The expired address is a stranger now: its next datagram is a
    # nickname again.
    luis.sendline("luis")
    luis.expect(r"^\*\*\* Hello luis")
    wait_log(s, r"luis \(127\.0\.0\.1:\d+\) left: idle timeout")


def test_nameless_address_expires(start):
    s = start("-v", "--idle-timeout", "2")
    x = Udp(s.port)
    x.sendline("/ping")                     # no nickname chosen
    x.expect(r"^\*\*\* Who are you\? ")
    wait_log(s, r"closed before choosing a nickname")


def test_nameless_address_is_told_when_its_time_is_up(start):
    """The room's rule, as over TCP: no nickname --nick-timeout seconds
    after the first datagram (its own later datagrams do not extend it),
    and the address is told why and forgotten; it may then start again."""
    s = start("--nick-timeout", "2")
    x = Udp(s.port)
    t0 = time.monotonic()
    x.sendline("hola a todos")
    x.expect(r"^\*\*\* Who are you\? ")
    time.sleep(1)
    x.sendline("sigo sin apodo")
    x.expect(r"^\*\*\* Who are you\? ")
    x.expect(r"^\*\*\* Disconnected: no nickname chosen in 2 seconds\.$",
             timeout=30)
    assert time.monotonic() - t0 >= 1.9
    wait_log(s, r"no nickname in 2 s, disconnected")
    x.sendline("xavi")
    x.expect(r"^\*\*\* Hello xavi")


# --- limits and bad input -----------------------------------------------------

def test_max_clients(start):
    s = start("--max-clients", "2")
    ana = udp_join(s.port, "ana")
    luis = udp_join(s.port, "luis")
    eva = Udp(s.port)
    eva.sendline("eva")
    assert eva.readline() == \
        "*** Error: the chat is full (2 users). Try again later."
    assert ana.sync() == ["*** luis has joined the chat"]
    assert luis.sync() == []                # no "eva has joined"
    luis.sendline("/quit")
    luis.expect(r"Goodbye")
    eva.sendline("eva")                     # a place is free now
    eva.expect(r"^\*\*\* Hello eva")


def test_nameless_address_gives_way_when_full(start):
    s = start("--max-clients", "2")
    ana = udp_join(s.port, "ana")
    stray = Udp(s.port)
    stray.sendline("a b")                   # holds the last place
    stray.expect(r"^\*\*\* Who are you\? ")
    eva = Udp(s.port)
    eva.sendline("eva")                     # takes it over
    eva.expect(r"^\*\*\* Hello eva")
    assert ana.readline() == "*** eva has joined the chat"
    dora = Udp(s.port)
    dora.sendline("dora")                   # two named: full
    dora.expect(r"the chat is full")


def test_garbage_changes_nothing_for_others(server):
    ana = udp_join(server.port, "ana")
    luis = udp_join(server.port, "luis")
    ana.sync()
    rnd = random.Random(3)
    relayed = []
    for payload in [b"x" + rnd.randbytes(300),
                    b"caf\xe9 \xff\xfe\xc0\xaf end",
                    b"\x1b[2J\x1b[31mred\x1b]0;title\x07 \x9b31m",
                    b"nul\x00byte\x7fdel",
                    b"\xe2\x80\xaereversed"]:
        ana.send(payload)
        relayed += luis.sync()
    assert len(relayed) == 5, relayed
    for line in relayed:
        assert line.startswith("ana: "), line
        raw = line.encode()
        assert not any(b < 0x20 and b != 0x09 for b in raw), line
        assert b"\x7f" not in raw and "\x9b" not in line, line
        assert "\u202e" not in line, line
    assert relayed[2].startswith("ana: ^[[2J^[[31mred")
    assert "\ufffd" in relayed[1]
    x = Udp(server.port)
    x.send(os.urandom(64) + b"\xff")            # a garbage "nickname"
    x.readline()                                # an error notice
    ana.sendline("after the garbage")
    assert luis.readline() == "ana: after the garbage"
    assert ana.sync() == []
    assert server.alive()


# --- signals and addresses ----------------------------------------------------

def test_sigterm_tells_members_and_exits_0():
    s = Server("udpchatd", "--lang", "en")
    ana = udp_join(s.port, "ana")
    luis = udp_join(s.port, "luis")
    status, log = s.stop(signal.SIGTERM)
    assert status == 0, log
    closed_notice(ana)
    closed_notice(luis)
    assert b"closing: clients told (2)" in log


def test_sigint_exits_0():
    s = Server("udpchatd")
    ana = udp_join(s.port, "ana")
    status, log = s.stop(signal.SIGINT)
    assert status == 0, log
    closed_notice(ana)


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as t:
            t.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback (::1)")
def test_ipv6_and_ipv4_members(server):
    six = udp_join(server.port, "seis", host="::1")
    four = udp_join(server.port, "cuatro")
    assert six.readline() == "*** cuatro has joined the chat"
    six.sendline("desde ::1")
    assert four.readline() == "seis: desde ::1"
    four.sendline("desde 127.0.0.1")
    assert six.readline() == "cuatro: desde 127.0.0.1"
    wait_log(server, r"seis \(\[::1\]:\d+\) joined")
    wait_log(server, r"cuatro \(127\.0\.0\.1:\d+\) joined")


def test_bind_ipv4_only(start):
    s = start("-b", "127.0.0.1")
    assert re.search(rb"listening on 127\.0\.0\.1:\d+ \(udp\)", s.log)
    ana = udp_join(s.port, "ana")
    luis = udp_join(s.port, "luis")
    ana.sendline("hola")
    assert luis.expect(r"^ana: ") == "ana: hola"


def test_port_in_use_exits_2(start):
    s = start()
    p = subprocess.run([program("udpchatd"), "-p", str(s.port)],
                       capture_output=True, timeout=10)
    assert p.returncode == 2
    assert b"cannot bind" in p.stderr


def test_help_and_bad_option():
    p = subprocess.run([program("udpchatd"), "--help"], capture_output=True,
                       timeout=10)
    assert p.returncode == 0 and b"--idle-timeout" in p.stdout
    p = subprocess.run([program("udpchatd"), "--threads"],
                       capture_output=True, timeout=10)
    assert p.returncode == 1
