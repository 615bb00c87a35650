"""The servers as Unix processes: signals, and a stderr nobody reads.

Every server is started on port 0; every wait has a deadline."""
import fcntl
import os
import pty
import re
import select
import signal
import subprocess
import time

import pytest

from redchat import (LISTEN_RE, Server, join, program, stop_ok, udp_join,
                     wait_log)

MODES = [("tcpchatd",), ("tcpchatd", "--threads"), ("udpchatd",)]
IDS = ["loop", "threads", "udp"]


def member(server_name, port, nick):
    return (udp_join if server_name == "udpchatd" else join)(port, nick)


@pytest.mark.parametrize("mode", MODES, ids=IDS)
@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGQUIT],
                         ids=["SIGHUP", "SIGQUIT"])
def test_hangup_and_quit_close_like_sigterm(mode, sig):
    s = Server(mode[0], "--lang", "en", *mode[1:])
    try:
        ana = member(mode[0], s.port, "ana")
        s.proc.send_signal(sig)
        ana.expect(r"^\*\*\* The server is closing\. Goodbye!$")
        assert s.proc.wait(timeout=10) == 0
        wait_log(s, rf"SIG{sig.name[3:]} received")
    finally:
        stop_ok(s)


@pytest.mark.parametrize("mode", MODES, ids=IDS)
def test_sigusr1_logs_a_status_line(mode):
    with Server(mode[0], "--lang", "en", *mode[1:]) as s:
        ana = member(mode[0], s.port, "ana")
        bob = member(mode[0], s.port, "bob")
        s.proc.send_signal(signal.SIGUSR1)
        wait_log(s, r"status: in the chat 2, connections 2")
        bob.close()
        ana.sendline("/ping alive")
        ana.expect(r"^\*\*\* pong alive$")
        stop_ok(s)


def test_under_nohup_sighup_stays_ignored():
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)     # as nohup(1)
    try:
        s = Server("tcpchatd", "--lang", "en")
    finally:
        signal.signal(signal.SIGHUP, old)
    ana = join(s.port, "ana")
    s.proc.send_signal(signal.SIGHUP)
    s.proc.send_signal(signal.SIGUSR1)     # read after a SIGHUP, if queued
    wait_log(s, r"status: in the chat 1")
    ana.sendline("/ping still-here")
    ana.expect(r"^\*\*\* pong still-here$")
    stop_ok(s)


def read_until(fd, pattern, timeout=30):
    """Read a pipe until pattern (bytes regex) matches; return (match, all)."""
    data = b""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, data):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{pattern!r} not in {data[-2000:]!r}")
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    return re.search(pattern, data), data


@pytest.mark.parametrize("mode", MODES, ids=IDS)
def test_a_log_nobody_reads_never_stops_the_chat(mode):
    """stderr a pipe nobody reads ('tcpchatd 2>&1 | less', unscrolled):
    200 members join and chat, every message arrives; the lines the log
    could not hold are counted once it is read again."""
    name = mode[0]
    r, w = os.pipe()
    proc = subprocess.Popen([program(name), "-p", "0", "--lang", "en",
                             *mode[1:]], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=w)
    os.close(w)
    try:
        m, _ = read_until(r, LISTEN_RE.pattern, timeout=10)
        port = int(m.group(2))
        fcntl.fcntl(r, fcntl.F_SETPIPE_SZ, 4096)   # fills after ~50 lines
        n = 200
        people = [member(name, port, f"u{i}") for i in range(n)]
        pad = "x" * 200
        for k in range(3):
            for i, p in enumerate(people):
                p.sendline(f"/msg u{(i + 1) % n} {pad} {i}-{k}")
        for i, p in enumerate(people):
            for k in range(3):
                p.expect(rf"^u{(i - 1) % n} \(private\): x+ {(i - 1) % n}-{k}$")
        people[0].sendline("all delivered")
        for p in people[1:]:
            p.expect(r"^u0: all delivered$")
        assert proc.poll() is None
        m, _ = read_until(r, rb"(\d+) log lines? dropped")
        assert int(m.group(1)) > 0
        proc.terminate()
        _, rest = read_until(r, rb"closing: ", timeout=10)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(r)
