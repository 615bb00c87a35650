"""tcpchat with piped input never loses a line: a server that reads it slowly
(its --rate-limit) gets every line, in order, while tcpchat waits after its
input ends; a server killed in the middle makes tcpchat exit non-zero and
say how many lines were not delivered. Both server models."""
import os
import pty
import re
import select
import subprocess
import threading
import time

import pytest

from redchat import Server, join, program

LINES = 2000
READERS = 10
# 200 bytes a line: 400 KB, more than the server's socket takes at once, so
# most of it waits in tcpchat's socket while the server reads 50 a second
# (a client that closed then would reset the connection and lose it).
PAD = " " + "x" * 190


def line(k):
    return f"linea {k}{PAD}"


@pytest.fixture(params=["loop", "threads"])
def model(request):
    return ["--threads"] if request.param == "threads" else []


class Reader(threading.Thread):
    """A member that reads every chat line of NICK until it has n of them,
    the connection ends or the deadline passes."""

    def __init__(self, port, nick, sender, n, timeout):
        super().__init__(daemon=True)
        self.c = join(port, nick)
        self.prefix, self.n, self.timeout = f"{sender}: ", n, timeout
        self.got = []

    def run(self):
        deadline = time.monotonic() + self.timeout
        try:
            while len(self.got) < self.n and time.monotonic() < deadline:
                line = self.c.readline(max(0.1, deadline - time.monotonic()))
                if line.startswith(self.prefix):
                    self.got.append(line[len(self.prefix):])
        except (TimeoutError, EOFError, OSError):
            pass


def pipe_lines(port, nick, n):
    """seq n | sed 's/$/ xxx.../' | tcpchat -n NICK, started (not
    waited)."""
    data = "".join(line(k) + "\n" for k in range(n))
    feed = subprocess.Popen(["cat"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    p = subprocess.Popen([program("tcpchat"), "-p", str(port), "-n", nick,
                          "--lang", "en"], stdin=feed.stdout,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    feed.stdout.close()         # tcpchat's now; cat ends when it is fed
    threading.Thread(target=feed.communicate, args=(data,),
                     daemon=True).start()
    return p


def test_piped_lines_all_reach_every_reader_in_order(model):
    """2,000 lines at --rate-limit 50: about 30 s of reading after the
    input has ended; every reader gets all of them, in order, and tcpchat
    ends with status 0 (its hidden markers show nowhere)."""
    with Server("tcpchatd", "--rate-limit", "50", *model) as s:
        readers = [Reader(s.port, f"r{k}", "tx", LINES, 150)
                   for k in range(READERS)]
        for r in readers:
            r.start()
        p = pipe_lines(s.port, "tx", LINES)
        out, err = p.communicate(timeout=150)
        for r in readers:
            r.join(timeout=150)
        want = [line(k) for k in range(LINES)]
        for r in readers:
            assert r.got == want, (len(r.got), r.got[-1:])
            r.c.close()
        assert p.returncode == 0, err
        assert "pong" not in out.decode() and "/ping" not in out.decode()
        assert b"waiting" not in err            # no terminal: no progress


def test_server_killed_mid_transfer_is_counted(model):
    """The server dies while it still has most lines to read: tcpchat
    exits with status 3 and says how many lines were not delivered: those
    the reader did not get, to within the 25 lines between two markers."""
    with Server("tcpchatd", "--rate-limit", "50", *model) as s:
        reader = Reader(s.port, "r0", "tx", LINES, 60)
        reader.start()
        p = pipe_lines(s.port, "tx", LINES)
        deadline = time.monotonic() + 30
        while len(reader.got) < 600 and time.monotonic() < deadline:
            time.sleep(0.05)
        s.proc.kill()
        out, err = p.communicate(timeout=60)
        reader.join(timeout=10)
        err = err.decode()
        assert p.returncode == 3, err
        m = re.search(r"([\d,]+) of your lines were not delivered", err)
        assert m, err
        lost = int(m.group(1).replace(",", ""))
        # The count comes from the server's answers to a marker every 25
        # lines: it may hold up to 25 lines read but not confirmed.
        missing = LINES - len(reader.got)
        assert missing > 0 and missing - 25 <= lost <= missing + 25, \
            (lost, missing)
        reader.c.close()


def test_progress_line_on_a_terminal():
    """With standard error on a terminal, tcpchat says how many lines the
    server has still to read and how fast it reads them, on one line
    redrawn in place, and clears it at the end."""
    with Server("tcpchatd", "--rate-limit", "50") as s:
        master, slave = pty.openpty()
        data = "".join(line(k) + "\n" for k in range(800))
        p = subprocess.Popen([program("tcpchat"), "-p", str(s.port), "-n",
                              "tx", "--lang", "en"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        threading.Thread(target=p.communicate, args=(data.encode(),),
                         daemon=True).start()
        seen = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:         # the terminal closed: tcpchat is gone
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        assert p.wait(timeout=60) == 0
    text = seen.decode()
    assert re.search(r"\rtcpchat: waiting for the server to read [\d,]+ "
                     r"more lines \(it reads \d+ a second\)\x1b\[K", text), text
    assert text.endswith("\r\x1b[K"), text[-80:]
