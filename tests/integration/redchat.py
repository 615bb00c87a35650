"""Helpers for redchat's integration tests: start real servers on free ports,
talk to them over real loopback sockets, and wait for events with deadlines
(never a fixed sleep followed by a check)."""
import os
import re
import select
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
SEEDS = os.path.join(os.path.dirname(ROOT), "shared", "seeds")
LISTEN_RE = re.compile(rb"(?:listening on|escuchando en) (\S+):(\d+)")


def program(name):
    """Absolute path of a built redchat program."""
    return os.path.join(BIN, name)


class Server:
    """A redchat server started with -p 0; .port is the port it chose."""

    def __init__(self, name, *args, timeout=10):
        self.proc = subprocess.Popen(
            [program(name), "-p", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.log = b""
        self.port = None
        deadline = time.monotonic() + timeout
        while self.port is None:
            line = self._readline(self.proc.stderr, deadline)
            if line is None:
                self.stop()
                raise RuntimeError(f"{name} did not start: {self.log!r}")
            self.log += line
            m = LISTEN_RE.search(line)
            if m:
                self.port = int(m.group(2))

    @staticmethod
    def _readline(f, deadline):
        buf = b""
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([f], [], [], left)[0]:
                return None
            c = os.read(f.fileno(), 1)
            if not c:
                return None
            buf += c
        return buf

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=None):
        """Stop the server (SIGTERM), return (exit status, rest of stderr)."""
        if self.proc.poll() is None:
            self.proc.terminate() if sig is None else self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        self.log += err or b""
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
