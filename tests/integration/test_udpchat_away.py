"""udpchat through a graceful restart of udpchatd: the server's goodbye
(Ctrl-C on it) is an outage, not the end. udpchat says the server closed
the chat and that it waits, keeps the lines, comes back under its old
nickname when the server is back on the same port, and every line arrives
once, in order. And piped lines are paced under the server's rate limit,
which would drop what is over it."""
import signal
import socket
import time

from redchat import Server, Udp, udp_join
from redchat_clients import ACCEPTED, Chat


def uli_lines(member, n, timeout=30):
    """The next n chat lines of uli that member receives."""
    return [member.expect(r"^uli: ", timeout=timeout) for _ in range(n)]


def next_nick_try(port, nick, timeout=30):
    """Stand where the server was (its port, nobody answering) until the
    client's next nickname try arrives: its following try comes 2 s later,
    a window in which to start the server again."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        s.settimeout(timeout)
        while s.recvfrom(2048)[0].strip() != f"/nick {nick}".encode():
            pass
    finally:
        s.close()


def test_lines_survive_a_graceful_restart():
    first = Server("udpchatd", "--lang", "en")
    port = first.port
    uli = Chat("udpchat", port, "--lang", "en", nick="uli", timeout=30)
    try:
        uli.expect(ACCEPTED + "uli")
        lis = udp_join(port, "lis")
        for k in range(3):
            uli.send(f"before {k}")
        assert uli_lines(lis, 3) == [f"uli: before {k}" for k in range(3)]
        assert lis.sync() == []                 # once each
        first.stop(signal.SIGINT)               # Ctrl-C: goodbye to all
        uli.expect(r"^\*\*\* the server 127\.0\.0\.1:\d+ closed the chat; "
                   r"waiting for it to come back \(Ctrl-C to leave\)")
        for k in range(3):
            uli.send(f"during {k}")
        next_nick_try(port, "uli")
        second = Server("udpchatd", "--lang", "en", "-p", str(port))
        lis = udp_join(port, "lis")
        assert uli_lines(lis, 3) == [f"uli: during {k}" for k in range(3)]
        uli.expect(r"^\*\*\* the server 127\.0\.0\.1:\d+ is back")
        for k in range(3):
            uli.send(f"after {k}")
        assert uli_lines(lis, 3) == [f"uli: after {k}" for k in range(3)]
        assert lis.sync() == []                 # once each, nothing else
        lis.sendline("/list")
        assert lis.expect(r"^\*\*\* Users") == "*** Users (2): lis, uli"
        status, out, err = uli.wait(timeout=30)
        assert status == 0, err
        second.stop()
    finally:
        uli.kill()


def test_goodbye_then_ctrl_c_leaves_at_once():
    """Waiting for the server, Ctrl-C (SIGINT) ends udpchat with status 0
    and no goodbye to wait for."""
    first = Server("udpchatd", "--lang", "en")
    uli = Chat("udpchat", first.port, "--lang", "en", nick="uli")
    try:
        uli.expect(ACCEPTED + "uli")
        first.stop(signal.SIGINT)
        uli.expect(r"closed the chat; waiting for it to come back")
        t0 = time.monotonic()
        uli.proc.send_signal(signal.SIGINT)
        status, _, err = uli.wait(timeout=10, close_input=False)
        assert status == 0, err
        assert time.monotonic() - t0 < 5
    finally:
        uli.kill()


def test_piped_lines_are_paced_under_the_rate_limit():
    """600 piped lines against udpchatd's default limit (100 a second after
    a burst of 500): none is dropped, because udpchat sends them at 90 a
    second after a burst of 100; and the server never says slow down."""
    with Server("udpchatd", "--lang", "en") as s:
        lis = Udp(s.port)
        lis.sendline("lis")
        lis.expect(ACCEPTED + "lis")
        uli = Chat("udpchat", s.port, "--lang", "en", nick="uli", timeout=60)
        try:
            uli.expect(ACCEPTED + "uli")
            lis.expect(r"uli (has joined|se ha unido)")
            for k in range(600):
                uli.send(f"line {k}")
            got = uli_lines(lis, 600, timeout=60)
            assert got == [f"uli: line {k}" for k in range(600)]
            status, out, err = uli.wait(timeout=30)
            assert status == 0, err
            assert "Slow down" not in out, out
        finally:
            uli.kill()
