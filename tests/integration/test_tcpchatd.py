"""tcpchatd on real loopback sockets, in both models (event loop and
--threads): chatting, the protocol's edge cases, and clients that misbehave."""
import os
import pty
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from redchat import ROOT, Line, Server, join, program, rss_kib, wait_log

MODES = {"loop": [], "threads": ["--threads"]}


@pytest.fixture(params=sorted(MODES))
def mode(request):
    return MODES[request.param]


@pytest.fixture
def server(mode):
    s = Server("tcpchatd", "--lang", "en", *mode)
    yield s
    rc, log = s.stop()
    assert rc == 0, log.decode(errors="replace")


@pytest.fixture
def unlimited_server(mode):
    """A server without the per-client rate limit, for tests that push
    thousands of lines through one sender."""
    s = Server("tcpchatd", "--lang", "en", "--rate-limit", "0", *mode)
    yield s
    rc, log = s.stop()
    assert rc == 0, log.decode(errors="replace")


# --- chatting ---------------------------------------------------------------

def test_two_clients_chat(server):
    ana = join(server.port, "ana")
    luis = join(server.port, "luis")
    assert ana.expect(r"^\*\*\* ") == "*** luis has joined the chat"
    ana.sendline("hola, ¿qué tal? ñandú €")
    assert luis.readline() == "ana: hola, ¿qué tal? ñandú €"
    luis.sendline("bien")
    assert ana.readline() == "luis: bien"
    # nothing comes back to the sender: the next line ana sees is /list's
    ana.sendline("/list")
    assert ana.readline() == "*** Users (2): ana, luis"
    luis.sendline("salir")
    assert luis.readline() == "*** Goodbye, luis!"
    assert luis.closed()
    assert ana.readline() == "*** luis has left the chat"


def test_fifty_clients_no_loss_no_duplicates(server):
    n, per = 50, 20
    clients = [join(server.port, f"u{i}") for i in range(n)]
    # wait until everyone has seen the last join
    for c in clients[:-1]:
        c.expect(rf"^\*\*\* u{n - 1} has joined")
    for k in range(per):
        for i, c in enumerate(clients):
            c.sendline(f"m {i} {k}")
    for j, c in enumerate(clients):
        got = {}
        for _ in range((n - 1) * per):
            line = c.readline(timeout=30)
            nick, text = line.split(": ", 1)
            _, i, k = text.split()
            assert int(i) != j, "a message came back to its sender"
            got.setdefault(int(i), []).append(int(k))
        assert sorted(got) == [i for i in range(n) if i != j]
        for i, ks in got.items():
            assert ks == list(range(per)), f"u{j} got {ks} from u{i}"


def test_crlf_and_commands_in_both_languages(mode):
    with Server("tcpchatd", "--lang", "es", *mode) as s:
        ana = join(s.port, "ana")
        luis = join(s.port, "luis")
        ana.readline()
        ana.send(b"/listar\r\n")
        assert ana.readline() == "*** Usuarios (2): ana, luis"
        ana.send(b"/privado LUIS psst\r\n")
        assert luis.readline() == "ana (privado): psst"
        assert ana.readline() == "*** (privado para luis) psst"
        ana.sendline("/me saluda")
        assert luis.readline() == "* ana saluda"
        assert ana.readline() == "* ana saluda"         # to its sender too
        ana.sendline("/ping 42")
        assert ana.readline() == "*** pong 42"
        ana.sendline("/nick anita")
        assert luis.readline() == "*** ana ahora se llama anita"
        assert ana.readline() == "*** ana ahora se llama anita"
        ana.sendline("/msg nadie hola")
        assert ana.readline() == "*** Error: no hay ningún usuario llamado nadie"
        ana.sendline("/bailar")
        assert "comando desconocido /bailar" in ana.readline()


def test_nickname_rules(server):
    ana = join(server.port, "Ana")
    c = Line(server.port)
    c.readline()
    for bad, why in [("aNA", "taken"), ("x" * 21, "too long"),
                     ("con espacio", "spaces"), ("/ana", "nickname first"),
                     ("Servidor", "reserved")]:
        c.sendline(bad)
        assert why in c.readline(), bad
    c.sendline("ñandú")
    assert c.readline().startswith("*** Hello ñandú")
    assert ana.readline() == "*** ñandú has joined the chat"


def test_netcat_client(server):
    ana = join(server.port, "ana")
    nc = subprocess.run(["nc", "-q", "1", "127.0.0.1", str(server.port)],
                        input=b"nc_user\nhola desde nc\n", capture_output=True,
                        timeout=20)
    assert ana.readline() == "*** nc_user has joined the chat"
    assert ana.readline() == "nc_user: hola desde nc"
    assert b"Welcome to redchat" in nc.stdout


def test_seed003_python_client_chats_with_tcpchat(server):
    """The lab's own client sends without newlines; the silence rule makes
    each of its writes a message."""
    seed = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests/seeds/seed003_client.py"),
         "127.0.0.1", str(server.port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = []
    threading.Thread(target=lambda: out.extend(iter(seed.stdout.readline,
                                                    b"")), daemon=True).start()

    def seed_says(text, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in b"".join(out).decode():
                return True
            time.sleep(0.05)
        return False

    def type_in_seed(line):
        seed.stdin.write((line + "\n").encode())
        seed.stdin.flush()

    watcher = join(server.port, "watcher")
    tc = None
    try:
        type_in_seed("pedro")
        assert watcher.readline() == "*** pedro has joined the chat"
        # a tcpchat user in pipe mode says hello and listens a while
        tc = subprocess.Popen(
            [program("tcpchat"), "-p", str(server.port), "--lang", "en",
             "--wait", "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        tc.stdin.write("lucia\nhola pedro\n".encode())
        tc.stdin.flush()
        assert watcher.readline() == "*** lucia has joined the chat"
        assert watcher.readline() == "lucia: hola pedro"
        assert seed_says("lucia: hola pedro")
        type_in_seed("hola lucía, ¿qué tal?")
        assert watcher.readline() == "pedro: hola lucía, ¿qué tal?"
        type_in_seed("/listar")
        assert seed_says("Users (3): watcher, pedro, lucia")
        type_in_seed("/quitar")
        assert watcher.readline() == "*** pedro has left the chat"
        assert seed.wait(timeout=10) == 0
        tc.stdin.close()
        assert "pedro: hola lucía, ¿qué tal?" in tc.stdout.read().decode()
        assert tc.wait(timeout=20) == 0
    finally:
        seed.kill()
        if tc:
            tc.kill()


def test_silence_rule_only_before_the_first_newline(server):
    ana = join(server.port, "ana")
    raw = Line(server.port)
    raw.readline()
    raw.send(b"bob")                       # no newline: silence ends it
    assert raw.readline().startswith("*** Hello bob")
    ana.expect("bob has joined")
    raw.send(b"uno")
    assert ana.readline() == "bob: uno"
    raw.send(b"dos\n")                     # first newline: framing by lines
    assert ana.readline() == "bob: dos"
    raw.send(b"tr")
    raw.sendline("es")                     # a pause inside a line is fine
    raw.sendline("cuatro")
    assert ana.readline() == "bob: tres"
    assert ana.readline() == "bob: cuatro"


# --- bad input --------------------------------------------------------------

def test_one_mib_line_is_refused_and_the_connection_stays(server):
    ana = join(server.port, "ana")
    luis = join(server.port, "luis")
    ana.readline()
    chunk = b"x" * 65536
    for _ in range(16):
        luis.send(chunk)
    luis.send(b"\nhola\n")
    assert "too long" in luis.readline()
    assert ana.readline() == "luis: hola"
    luis.sendline("/ping")
    assert luis.readline() == "*** pong"


def test_message_of_exactly_1024_bytes_passes(server):
    ana = join(server.port, "ana")
    luis = join(server.port, "luis")
    ana.readline()
    luis.sendline("a" * 1024)
    assert ana.readline() == "luis: " + "a" * 1024
    luis.sendline("b" * 1025)
    assert "too long" in luis.readline()


def test_invalid_utf8_and_escapes_are_never_relayed(server):
    ana = join(server.port, "ana")
    luis = join(server.port, "luis")
    ana.readline()
    luis.send(b"\xff\xfe hola \x1b[2J\x07 \xc3\xb1 \xe2\x80\xae\n")
    ana.sock.settimeout(10)
    raw = b""
    while b"\n" not in raw:
        raw += ana.sock.recv(4096)
    assert raw == ("luis: \ufffd\ufffd hola ^[[2J^G ñ \\u202E\n").encode()


def test_abrupt_disconnect_mid_message(server):
    ana = join(server.port, "ana")
    rude = join(server.port, "rude")
    ana.readline()
    rude.send(b"half a mess")
    rude.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
    rude.sock.close()                      # RST
    assert ana.readline() == "*** rude has left the chat"
    luis = join(server.port, "luis")
    luis.sendline("sigo aquí")
    assert ana.expect("^luis: ") == "luis: sigo aquí"


def test_client_that_never_reads(unlimited_server):
    """The others get every message promptly; the stuck client is dropped
    with a reason once it has read nothing for --soft-queue-time; the
    server's memory stays bounded."""
    server = unlimited_server
    stuck = socket.socket()
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(("127.0.0.1", server.port))
    stuck.sendall(b"stuck\n")
    ana = join(server.port, "ana")
    luis = join(server.port, "luis")
    ana.readline()
    text = "z" * 900
    notices = []
    for k in range(2000):                  # ~1.8 MB through the room
        ana.sendline(f"{k} {text}")
        if k % 100 == 99:                  # luis keeps up as he goes
            j = k - 99
            while j <= k:
                line = luis.readline(timeout=10)
                if line.startswith("*** "):
                    notices.append(line)
                    continue
                assert line == f"ana: {j} {text}"
                j += 1
    notices = [n for n in notices if "has joined" not in n]
    if not notices:                        # it reads nothing: dropped
        notices.append(luis.expect(r"^\*\*\* stuck", timeout=40))
    assert notices == ["*** stuck was disconnected (not reading its messages)"]
    # (the log's own line about it may be among those a busy log drops:
    # the notice above is what the room saw)
    assert rss_kib(server.proc.pid) < 64 * 1024
    stuck.close()


# --- many clients, limits, shutdown -------------------------------------------

def test_thousand_simultaneous_connections(mode):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 4096)
    if want < 2100:
        pytest.skip(f"descriptor limit {hard} too low for 1,000 clients")
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    with Server("tcpchatd", "--lang", "en", *mode) as s:
        sel = selectors.DefaultSelector()
        socks = []
        for i in range(1000):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=20)
            c.sendall(f"c{i}\n".encode())
            socks.append(c)
        speaker = Line(s.port, timeout=60)     # a thousand joins first
        speaker.expect(r"^\*\*\* ")
        speaker.sendline("speaker")
        speaker.expect(r"^\*\*\* Hello speaker")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:   # until all 1,000 have joined
            speaker.sendline("/list")
            if speaker.expect(r"^\*\*\* Users", timeout=60) \
                    .startswith("*** Users (1001)"):
                break
        speaker.sendline("hola a los mil")
        for c in socks:
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, bytearray())
        pending = set(socks)
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                key.data.extend(data)
                if b"speaker: hola a los mil\n" in key.data:
                    pending.discard(key.fileobj)
                    sel.unregister(key.fileobj)
        assert not pending, f"{len(pending)} clients missed the message"
        for c in socks:
            c.close()
        # the server noticed every close; only the speaker remains
        deadline = time.monotonic() + 30
        while True:
            speaker.sendline("/list")
            line = speaker.expect(r"^\*\*\* Users", timeout=60)
            if line == "*** Users (1): speaker" or time.monotonic() > deadline:
                break
        assert line == "*** Users (1): speaker"


def test_max_clients(mode):
    with Server("tcpchatd", "--lang", "en", "--max-clients", "2", *mode) as s:
        a = join(s.port, "a")
        b = join(s.port, "b")
        c = Line(s.port)
        assert "the chat is full (2 users)" in c.readline()
        assert c.closed()
        b.sendline("still here")
        assert a.expect("^b: ") == "b: still here"


def test_sigterm_tells_everyone(mode):
    s = Server("tcpchatd", "--lang", "es", *mode)
    ana = join(s.port, "ana")
    rc, log = s.stop()
    assert rc == 0
    assert ana.readline() == "*** El servidor se está cerrando. ¡Adiós!"
    assert ana.closed()


def test_ipv6_and_ipv4_clients_meet(server):
    six = socket.create_connection(("::1", server.port), timeout=10)
    ana = join(server.port, "ana")
    six.sendall(b"seis\n")
    assert ana.expect("seis") == "*** seis has joined the chat"
    six.sendall(b"hola por IPv6\n")
    assert ana.readline() == "seis: hola por IPv6"
    six.close()


def test_operator_console(mode):
    """seed 004: what the operator types goes to everyone."""
    master, slave = pty.openpty()
    s = Server("tcpchatd", "--lang", "en", *mode, stdin=slave, stdout=slave)
    os.close(slave)
    proc = s.proc
    try:
        ana = join(s.port, "ana")
        bob = join(s.port, "bob")
        ana.readline()
        os.write(master, b"hola desde la consola\n")
        assert ana.readline() == "*** [server] hola desde la consola"
        assert bob.readline() == "*** [server] hola desde la consola"
        os.write(master, b"/kick bob\n")
        assert bob.readline() == \
            "*** You have been removed from the chat by the server."
        assert bob.closed()
        assert ana.readline() == "*** bob was removed by the server"
        os.write(master, b"/quit\n")
        assert ana.readline() == "*** The server is closing. Goodbye!"
        assert proc.wait(timeout=10) == 0
    finally:
        s.stop()
        os.close(master)


def test_command_line():
    tcpchatd = program("tcpchatd")
    r = subprocess.run([tcpchatd, "--help"], capture_output=True)
    assert r.returncode == 0 and b"--threads" in r.stdout
    r = subprocess.run([tcpchatd, "--version"], capture_output=True)
    assert r.returncode == 0 and r.stdout.startswith(b"tcpchatd (redchat) ")
    r = subprocess.run([tcpchatd, "--bogus"], capture_output=True)
    assert r.returncode == 1
    r = subprocess.run([tcpchatd, "-p", "70000"], capture_output=True)
    assert r.returncode == 1 and b"70000" in r.stderr
    with Server("tcpchatd") as s:
        r = subprocess.run([tcpchatd, "-p", str(s.port)], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=10)
        assert r.returncode == 2 and b"in use" in r.stderr


def test_tcpchat_shows_the_longest_line_the_server_sends(server):
    """A 1024-byte message of escape bytes becomes a line of over 2 KB
    ("NICK: " and "^[" for each ESC); tcpchat must still show it."""
    watcher = join(server.port, "watcher")
    tc = subprocess.Popen([program("tcpchat"), "-p", str(server.port),
                           "--lang", "en", "--wait", "2"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    tc.stdin.write(b"lucia\n")
    tc.stdin.flush()
    watcher.expect("lucia has joined")
    mallory = join(server.port, "mallory")
    mallory.sendline("\x1b" * 1024)
    out, _ = tc.communicate(timeout=20)
    assert ("mallory: " + "^[" * 1024).encode() in out


def test_descriptor_soft_limit_raised_to_the_hard_limit():
    """A shell's soft limit (often 1024) would stop the server near a
    thousand clients: it raises its own to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard <= 256:
        pytest.skip(f"hard descriptor limit {hard} is too low to tell")

    def low_soft_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    proc = subprocess.Popen([program("tcpchatd"), "-p", "0", "-v"],
                            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=low_soft_limit)
    try:
        line = proc.stderr.readline().decode()
        assert line.rstrip().endswith(f"descriptor limit: {hard}"), line
        with open(f"/proc/{proc.pid}/limits") as f:
            row = next(r for r in f if r.startswith("Max open files"))
        assert row.split()[3] == str(hard), row
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_seed000_client_is_told_and_never_loops(server):
    """The course's first example client (seed 000) waits for the server
    to send NICK and puts 'NAME: ' in front of every message, newline-less.
    It is told what is wrong, and after three such messages closed, instead
    of being refused a nickname forever."""
    c = Line(server.port)
    c.readline()                                  # welcome
    for k in range(3):
        c.send(f"ana: hola {k}".encode())         # its write(), no newline
        line = c.expect(r"^\*\*\* (Error|Disconnected)", timeout=10)
        if k < 2:
            assert "send your nickname alone first (ana)" in line
    assert "three messages in a row" in line
    assert c.closed(timeout=10)
