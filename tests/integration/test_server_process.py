"""The servers as Unix processes: job control in an interactive shell,
signals, a stderr nobody reads, and the operator's console on a terminal.

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


# The typed line taken off ("\r", clear down), log lines (the writer may
# have gathered several), the one awaited, and the typed line drawn again.
TYPED_AGAIN = rb"\r\x1b\[J(?:[^\n]*\n)*?[^\n]*%s\r\n%s"


def member(server_name, port, nick):
    return (udp_join if server_name == "udpchatd" else join)(port, nick)


def proc_stat(pid):
    """(state, pgrp, tpgid) of a process from /proc, or None once gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):   # gone, or going
        return None
    return fields[0], int(fields[2]), int(fields[5])


def gone(pid):
    st = proc_stat(pid)
    return st is None or st[0] == "Z"


def in_foreground(pid):
    """Is pid's process group the one its terminal reads for?"""
    st = proc_stat(pid)
    return st is not None and st[2] == st[1]


def wait_for(cond, what, timeout=10):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.02)


class Tty:
    """The master side of a pseudo-terminal: what was written to the
    terminal is read back with expect(), keys are typed with type()."""

    def __init__(self, fd):
        self.fd = fd
        self.out = b""
        self.pos = 0                     # expect() searches from here

    def type(self, text):
        os.write(self.fd, text.encode() if isinstance(text, str) else text)

    def expect(self, pattern, timeout=10):
        """Wait for pattern (bytes regex) in the output; return the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not in {self.out[-2000:]!r}")
            if select.select([self.fd], [], [], left)[0]:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:          # EIO: the other side closed
                    raise TimeoutError(f"{pattern!r}: terminal closed; "
                                       f"{self.out[-2000:]!r}") from None


class Shell(Tty):
    """An interactive bash on a terminal of its own, with job control, as
    an instructor's; with tostop, 'stty tostop' (background writes stop a
    process too)."""

    def __init__(self, tostop=False):
        pid, fd = pty.fork()
        if pid == 0:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "HOME": "/tmp", "TERM": "dumb", "PS1": "$ "}
            os.execvpe("bash", ["bash", "--norc", "--noprofile",
                                "--noediting", "-i"], env)
        super().__init__(fd)
        self.pid = pid
        self.type(f"stty {'' if tostop else '-'}tostop; echo sh-$((6*7))\n")
        self.expect(rb"sh-42")

    def server_exited_ok(self, pid):
        """The server pid, run from this shell, ends, and the shell's $?
        says 0."""
        wait_for(lambda: gone(pid),
                 "the server did not exit")
        self.type("echo rc=$?\n")
        self.expect(rb"rc=0")

    def close(self, server=None):
        """Kill the shell, and first the server pid server if it is still
        there."""
        if server is not None and proc_stat(server) is not None:
            os.kill(server, signal.SIGKILL)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.parametrize("mode", MODES, ids=IDS)
@pytest.mark.parametrize("tostop", [False, True], ids=["", "tostop"])
def test_background_server_leaves_the_terminal_to_the_shell(mode, tostop):
    """Started with '&', the server must not stop when the shell reads the
    terminal (SIGTTIN), nor when it logs there under 'stty tostop'
    (SIGTTOU); after 'fg' its console works."""
    name = mode[0]
    sh = Shell(tostop)
    pid = None
    try:
        sh.type(f"{program(name)} -p 0 --lang en {' '.join(mode[1:])} &\n")
        pid = int(sh.expect(rb"\[1\] (\d+)").group(1))
        port = int(sh.expect(LISTEN_RE).group(2))
        sh.type("echo shell-$((6*7))\n")     # the shell reads the terminal
        sh.expect(rb"shell-42")
        ana = member(name, port, "ana")
        bob = member(name, port, "bob")
        ana.sendline("still serving")
        bob.expect(r"^ana: still serving$")
        assert proc_stat(pid)[0] != "T", "the server was stopped"

        sh.type("fg\n")
        wait_for(lambda: in_foreground(pid),
                 "the server never came to the foreground")
        sh.type("hello from the console\n")
        ana.expect(r"^\*\*\* \[server\] hello from the console$")
        bob.expect(r"^\*\*\* \[server\] hello from the console$")

        sh.type("/help\n")                   # answered here, not broadcast
        sh.expect(rb"console commands:")
        ana.sendline("/ping after-help")
        assert ana.readline() == "*** pong after-help"

        sh.type("abc")                       # half a line, then a log line
        sh.expect(rb"abc")
        bob.sendline("xyz")
        ana.expect(r"^bob: xyz$")
        sh.expect(TYPED_AGAIN % (rb"bob: xyz", rb"abc"))
        sh.type("def\n")
        ana.expect(r"^\*\*\* \[server\] abcdef$")

        sh.type("/quit\n")
        ana.expect(r"The server is closing")
        sh.server_exited_ok(pid)
    finally:
        sh.close(pid)


def test_ctrl_z_suspends_and_gives_the_terminal_back():
    """Ctrl-Z stops the server as any program, with the terminal as the
    shell expects it (canonical mode); 'bg' serves, 'fg' brings back the
    console, Ctrl-C closes."""
    sh = Shell()
    pid = None
    try:
        sh.type(f"{program('tcpchatd')} -p 0 --lang en\n")
        port = int(sh.expect(LISTEN_RE).group(2))
        ana = join(port, "ana")
        sh.type("hi\n")                                 # raw mode by now
        ana.expect(r"^\*\*\* \[server\] hi$")
        sh.type("\x1a")
        sh.expect(rb"Stopped")
        sh.type("stty -a | grep -o -- '-*icanon'; bg; echo pid=$!\n")
        assert sh.expect(rb"(-*)icanon").group(1) == b""
        pid = int(sh.expect(rb"pid=(\d+)").group(1))
        bob = join(port, "bob")
        ana.expect(r"bob has joined")
        sh.type("fg\n")
        wait_for(lambda: in_foreground(pid),
                 "the server never came to the foreground")
        sh.type("again\n")
        bob.expect(r"^\*\*\* \[server\] again$")
        sh.type("\x03")
        bob.expect(r"The server is closing")
        sh.server_exited_ok(pid)
    finally:
        sh.close(pid)


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
        s = Server("tcpchatd", "--lang", "en", inherit_sighup=True)
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
        pad = "x" * 600             # 600 lines of 700 bytes: over LOG_QUEUE
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


@pytest.mark.parametrize("lang,cmd,help_re", [
    ("en", "/help", rb"console commands:\r\n  /list"),
    ("es", "/ayuda", "órdenes de la consola:\r\n  /listar".encode()),
])
def test_console_help_and_typed_line(lang, cmd, help_re):
    """On a terminal (here not the server's controlling one), /help and
    /ayuda answer on the console; a log line does not cut the typed line."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([program("tcpchatd"), "-p", "0", "--lang", lang],
                            stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    tty = Tty(master)
    try:
        port = int(tty.expect(LISTEN_RE).group(2))
        ana = join(port, "ana")
        bob = join(port, "bob")
        ana.readline()                                 # bob joined
        tty.type(cmd + "\n")
        tty.expect(help_re)
        bob.sendline("/ping after-help")
        assert bob.readline() == "*** pong after-help"   # nothing broadcast
        tty.type("hola, qué")
        tty.expect("hola, qué".encode())
        bob.sendline("un mensaje")
        ana.expect(r"^bob: un mensaje$")
        tty.expect(TYPED_AGAIN % (rb"bob: un mensaje", "hola, qué".encode()))
        tty.type("\x7f\x7fé tal\n")                    # backspace twice
        ana.expect(r"^\*\*\* \[servidor\] hola, qé tal$" if lang == "es"
                   else r"^\*\*\* \[server\] hola, qé tal$")
        tty.type("/quit\n")
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
