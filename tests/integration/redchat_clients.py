"""Helpers for the client tests: drive tcpchat/udpchat as a script would
(pipe mode) or as a person would (a terminal inside tmux), always waiting
for an event with a deadline, never sleeping a fixed time; and the checks
the tcpchat and udpchat tests make alike."""
import os
import re
import select
import shutil
import socket
import subprocess
import time
import uuid

from redchat import program

ACCEPTED = r"^\*\*\* (Hello|Hola) "


def chat_with_accents(prog, port, script, *relayed):
    """bob (pipe mode, in Spanish) waits; ana joins by running prog with
    script as its whole input: bob sees her join, her accented line, each
    of relayed, and her leaving; then bob ends cleanly, with no colour in
    what it printed."""
    bob = Chat(prog, port, "--lang", "es", nick="bob")
    try:
        bob.expect(ACCEPTED)
        status, out, err = run(prog, port, script)
        assert status == 0, err
        assert re.search(ACCEPTED + "ana", out, re.M)
        bob.expect(r"^\*\*\* ana (has joined|se ha unido)")
        bob.expect(r"^ana: hola, ¿qué tal\? ñandú$")
        for pattern in relayed:
            bob.expect(pattern)
        bob.expect(r"^\*\*\* ana (has left|ha salido)")
        status, _, err = bob.wait()
        assert status == 0, err
    finally:
        bob.kill()
    # Pipe mode prints plain lines: no colour unless asked for.
    assert not any("\x1b" in line for line in bob.seen)


def leave_with(prog, port, word):
    """eva joins with prog and types word, her stdin left open: the word
    alone must end the client with status 0. Returns (stdout, stderr)."""
    c = Chat(prog, port, nick="eva")
    try:
        c.expect(ACCEPTED)
        c.send(word)
        status, out, err = c.wait(close_input=False)
        assert status == 0, err
        return out, err
    finally:
        c.kill()


def nickname_refused(prog, port):
    """With bob already in the room: -n BOB ends prog with status 4 and the
    server's error; without -n, a refused first line is just a first try."""
    status, out, err = run(prog, port, "hola\n", "-n", "BOB")
    assert status == 4, (out, err)
    assert re.search(r"^\*\*\* Error", out, re.M)
    status, out, err = run(prog, port, "bob\nbob2\n/list\n")
    assert status == 0, err
    assert re.search(r"(Users|Usuarios) \(2\): bob, bob2", out)


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 where nothing listens (bound, then closed)."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Chat:
    """A chat client in pipe mode: lines written to its stdin, its stdout
    read line by line with deadlines, its exit status and stderr at the
    end."""

    def __init__(self, prog, port, *args, nick=None, env=None, timeout=10):
        argv = [program(prog), "-p", str(port), *args]
        if nick is not None:
            argv += ["-n", nick]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self.buf = b""
        self.seen = []
        self.timeout = timeout

    def send(self, text):
        data = text.encode() if isinstance(text, str) else text
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
            return False
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def readline(self, timeout=None):
        """The next output line (str); raises TimeoutError or EOFError."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            if not self._fill(deadline):
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"no line; saw {self.seen!r}")
                raise EOFError(f"output ended; saw {self.seen!r}")
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode("utf-8")
        self.seen.append(text)
        return text

    def expect(self, pattern, timeout=None):
        """Read lines until one matches the regex; return it."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not seen in {self.seen!r}")
            try:
                line = self.readline(left)
            except EOFError:
                raise AssertionError(
                    f"{pattern!r} not seen before the end: {self.seen!r}, "
                    f"stderr {self.proc.stderr.read()!r}") from None
            if re.search(pattern, line):
                return line

    def wait(self, timeout=None, close_input=True):
        """Wait for the exit; return (status, rest of stdout, stderr)."""
        if close_input and self.proc.stdin is not None:
            self.proc.stdin.close()
            self.proc.stdin = None      # communicate() must not touch it
        try:
            out, err = self.proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"client did not exit: {self.seen!r} "
                                 f"{out!r} {err!r}") from None
        rest = (self.buf + out).decode("utf-8")
        self.seen.extend(rest.splitlines())
        return self.proc.returncode, rest, err.decode("utf-8")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        if self.proc.stdin is not None:
            self.proc.stdin.close()
            self.proc.stdin = None
        self.proc.communicate()


def run(prog, port, stdin, *args, timeout=15):
    """Run a client with all its input at once (printf '...' | prog);
    return (status, stdout, stderr) as str."""
    p = subprocess.run([program(prog), "-p", str(port), *args],
                       input=stdin.encode(), capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


class Tmux:
    """A program in a terminal of its own: a private tmux server (its own
    socket), keys typed with send-keys, the screen read with
    capture-pane."""

    def __init__(self, argv, width=80, height=24):
        self.sock = f"redchat-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = dict(os.environ, LANG="C.UTF-8", TERM="xterm")
        self.env.pop("TMUX", None)
        # The shell writes the exit status on the screen and keeps the pane
        # open (tmux's own pane_dead_status is not always filled in).
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null",
                        "new-session", "-d", "-s", "t", "-x", str(width),
                        "-y", str(height), "sh", "-c",
                        '"$@"; echo "[exit $?]"; exec sleep 600', "sh",
                        *argv], check=True, env=self.env)

    @staticmethod
    def available():
        return shutil.which("tmux") is not None

    def keys(self, *keys, literal=False):
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "-t", "t",
                        *(["-l"] if literal else []), *keys],
                       check=True, env=self.env)

    def type(self, text):
        self.keys(text, literal=True)

    def screen(self):
        p = subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p",
                            "-t", "t"], capture_output=True, check=True,
                           env=self.env)
        return p.stdout.decode("utf-8")

    def wait_screen(self, predicate, timeout=10):
        """Poll the screen until predicate(screen) is true; return it."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if predicate(s):
                return s
            if time.monotonic() > deadline:
                raise TimeoutError(f"screen never matched:\n{s}")
            time.sleep(0.05)

    def exit_status(self, timeout=10):
        """Wait for the program to end; return its exit status."""
        screen = self.wait_screen(lambda s: re.search(r"^\[exit \d+\]", s,
                                                      re.M), timeout)
        return int(re.search(r"^\[exit (\d+)\]", screen, re.M).group(1))

    def half_typed(self):
        """A client asking for a nickname in Spanish: join as ana, then
        type a line without sending it; return once it shows."""
        self.wait_screen(lambda s: "apodo:" in s)
        self.type("ana")
        self.keys("Enter")
        self.wait_screen(lambda s: re.search(r"^ana>\s*$", s, re.M))
        self.type("escribo a medias ñ")
        self.wait_screen(lambda s: "ana> escribo a medias ñ" in s)

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True, env=self.env)
