"""Helpers for redchat's integration tests: start real servers on free ports,
talk to them over real loopback sockets, and wait for events with deadlines
(never a fixed sleep followed by a check)."""
import atexit
import os
import re
import select
import shlex
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
SEEDS = os.path.join(os.path.dirname(ROOT), "shared", "seeds")
LISTEN_RE = re.compile(rb"(?:listening on|escuchando en) (\S+):(\d+)")


def stop_ok(server):
    """Stop a server; it must exit 0 (no crash, no sanitizer report)."""
    rc, log = server.stop()
    assert rc == 0, log.decode(errors="replace")[-3000:]


def rss_kib(pid):
    """The resident memory of a process, in KiB; 0 when the servers run
    under REDCHAT_WRAP (valgrind), whose own memory it would measure."""
    if os.environ.get("REDCHAT_WRAP"):
        return 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def program(name):
    """Absolute path of a built redchat program."""
    return os.path.join(BIN, name)


_started = []          # every Server, so none outlives a failed test


def hangup_default(inherit=False):
    """The words that start a program with SIGHUP's default disposition.

    A server keeps an inherited "ignore" for SIGHUP (nohup(1) sets it, and
    so does `nohup make check`), and exec keeps it too; a test that sends
    SIGHUP must not depend on how it was started. env(1) resets it, then
    execs the server (same pid); Python's preexec_fn is not safe beside
    the log-reading threads this module starts.
    inherit=True keeps the caller's disposition, for the test of nohup."""
    return [] if inherit else ["env", "--default-signal=HUP"]


@atexit.register
def _stop_leftovers():
    for server in _started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


class Server:
    """A redchat server started with -p 0; .port is the port it chose.

    Its stderr is read all the time by a thread into .log (a server whose
    log pipe fills up would block on it); wait_log() waits for a line."""

    def __init__(self, name, *args, timeout=10, stdin=subprocess.DEVNULL,
                 stdout=subprocess.PIPE, inherit_sighup=False):
        # REDCHAT_WRAP="valgrind --error-exitcode=99 ..." runs the server
        # under that command (make valgrind); startup is slower then.
        wrap = shlex.split(os.environ.get("REDCHAT_WRAP", ""))
        if wrap:
            timeout = max(timeout, 60)
        self.proc = subprocess.Popen(
            [*hangup_default(inherit_sighup), *wrap, program(name),
             "-p", "0", *args],
            stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
        _started.append(self)
        self.log = b""
        self.lines = []
        self.seen = 0                     # lines already matched by wait_log
        self.cv = threading.Condition()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        self.port = None
        try:
            m = LISTEN_RE.search(wait_log(self, LISTEN_RE.pattern, timeout))
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"{name} did not start: {self.log!r}") from None
        self.port = int(m.group(2))

    def _drain(self):
        for line in iter(self.proc.stderr.readline, b""):
            with self.cv:
                self.log += line
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=None):
        """Stop the server (SIGTERM), return (exit status, its whole log)."""
        if self.proc.poll() is None:
            self.proc.terminate() if sig is None else self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode, self.log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Line:
    """A raw TCP client that reads whole lines, with deadlines."""

    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.timeout = timeout

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def sendline(self, text):
        self.send((text + "\n").encode() if isinstance(text, str) else text + b"\n")

    def readline(self, timeout=None):
        """The next line without its '\\n'; raises TimeoutError."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line; have {self.buf!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError(f"no line; have {self.buf!r}") from None
            if not chunk:
                raise EOFError(f"closed; have {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def expect(self, pattern, timeout=None):
        """Read lines until one matches the regex; return it (others kept)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not seen in {seen!r}")
            line = self.readline(left)
            seen.append(line)
            if re.search(pattern, line):
                return line

    def closed(self, timeout=None):
        """True once the server closes the connection (reads until EOF)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk

    def close(self):
        self.sock.close()


def join(port, nick, lang_re=r"(joined|unido|Hello|Hola)"):
    """Connect, read the welcome, choose nick; return the Line client."""
    c = Line(port)
    c.expect(r"^\*\*\* ")                     # welcome
    c.sendline(nick)
    c.expect(r"^\*\*\* (Hello|Hola) ")
    return c


# --- UDP ------------------------------------------------------------------

def wait_log(server, pattern, timeout=10):
    """Wait until a log line not seen by an earlier wait_log matches the
    regex (bytes or str); return that line."""
    if isinstance(pattern, str):
        pattern = pattern.encode()
    deadline = time.monotonic() + timeout
    with server.cv:
        while True:
            while server.seen < len(server.lines):
                line = server.lines[server.seen]
                server.seen += 1
                if re.search(pattern, line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or (server.proc.poll() is not None
                             and not server.reader.is_alive()):
                raise TimeoutError(f"{pattern!r} not in the log: "
                                   f"{server.log!r}")
            server.cv.wait(left)


class Udp(Line):
    """A raw UDP chat member: one socket, one message per datagram, each
    datagram received read as one line (its '\\n' removed). sendline() and
    expect() are Line's."""

    def __init__(self, port, host="127.0.0.1", timeout=10):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.server = (host, port)
        self.timeout = timeout
        self.pings = 0

    def send(self, data):
        """Send one datagram, exactly these bytes (str is UTF-8 encoded)."""
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendto(data, self.server)

    def recv_raw(self, timeout=None):
        """The next datagram from the server, as bytes; raises TimeoutError."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no datagram")
            self.sock.settimeout(left)
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                raise TimeoutError("no datagram") from None
            if addr[1] == self.server[1]:
                return data

    def readline(self, timeout=None):
        data = self.recv_raw(timeout)
        assert data.endswith(b"\n"), f"datagram without its newline: {data!r}"
        return data[:-1].decode("utf-8", "replace")

    def sync(self, timeout=None):
        """Send '/ping TOKEN' and return every line that arrives before its
        pong. The server handles datagrams in order and sends in order, so
        anything the server sent this member before it read the ping is in
        the list: an empty list proves nothing else was sent."""
        self.pings += 1
        token = f"sync{self.pings}"
        self.sendline(f"/ping {token}")
        before = []
        while True:
            line = self.readline(timeout)
            if line == f"*** pong {token}":
                return before
            before.append(line)


def udp_join(port, nick, host="127.0.0.1"):
    """A UDP member that has chosen nick (its welcome line read)."""
    m = Udp(port, host)
    m.sendline(nick)
    m.expect(r"^\*\*\* (Hello|Hola) ")
    return m
