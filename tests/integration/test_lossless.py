"""tcpchatd's two promises, in both models: TCP never loses an accepted
message (a flood is read more slowly, never trimmed; what a client says just
before it closes arrives), and no client slows the room (a receiver that
reads slowly, or not at all, only fills its own queue, up to its limits;
sockets that never choose a nickname give way to newcomers)."""
import socket
import time

from redchat import Line, join, program, stop_ok, wait_log
from redchat_clients import run
from test_hostile import mode, pump, rst, start  # noqa: F401 (fixture)


def read_chat(c, n, timeout=60):
    """The next n chat lines of c (notices skipped)."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n:
        line = c.readline(max(0.1, deadline - time.monotonic()))
        if not line.startswith("*** "):
            got.append(line)
    return got


# --- nothing accepted is lost -----------------------------------------------------

def test_300_lines_piped_into_tcpchat_all_arrive_in_order(mode):
    """printf 300 lines | tcpchat, with the default settings: a listener
    gets all 300, in order (the README says clients can be scripted)."""
    s = start(mode)
    eva = join(s.port, "eva")
    lines = "".join(f"linea {k}\n" for k in range(300))
    rc, _, err = run("tcpchat", s.port, "ana\n" + lines, "--lang", "en")
    assert rc == 0, err
    assert read_chat(eva, 300) == [f"ana: linea {k}" for k in range(300)]
    stop_ok(s)


def test_flood_is_slowed_never_trimmed(mode):
    """Over its rate a client is read more slowly: every line arrives, in
    order, at about the rate; it is told so; meanwhile the others' lines
    go through at once (they do not queue behind the flood)."""
    s = start(mode, "--rate-limit", "100", "--rate-burst", "50")
    eva = join(s.port, "eva")
    luis = join(s.port, "luis")
    flood = join(s.port, "flood")
    eva.expect("flood has joined")
    t0 = time.monotonic()
    flood.send(b"".join(b"spam %d\n" % k for k in range(600)))
    for k in range(10):
        luis.sendline(f"luis {k}")
    got = read_chat(eva, 610)
    elapsed = time.monotonic() - t0
    spam = [x for x in got if x.startswith("flood: ")]
    assert spam == [f"flood: spam {k}" for k in range(600)]
    assert [x for x in got if x.startswith("luis: ")] == \
        [f"luis: luis {k}" for k in range(10)]
    # luis was not stuck behind the flood: its lines came before its end
    assert got.index("luis: luis 9") < got.index("flood: spam 599")
    # 550 lines past the burst at 100 a second: at least 5.5 s
    assert elapsed >= 5.0, elapsed
    notice = flood.expect(r"^\*\*\* Slow down")
    assert "nothing is lost" in notice
    assert wait_log(s, r"flood: over 100 messages a second")
    stop_ok(s)


def test_flood_over_the_rate_closes_the_senders_window(mode):
    """A sender far over its rate is not read: the kernel's buffers fill
    and its writes stop being taken (TCP flow control, a zero window on
    the wire), instead of the server reading and dropping."""
    s = start(mode, "--rate-limit", "1", "--rate-burst", "1")
    flood = join(s.port, "flood")
    flood.sock.setblocking(False)
    chunk = b"x\n" * 32768
    sent, blocked = 0, False
    deadline = time.monotonic() + 30
    while sent < 512 << 20 and time.monotonic() < deadline:
        try:
            sent += flood.sock.send(chunk)
        except BlockingIOError:
            time.sleep(0.2)           # the kernel's buffers are full
            try:
                sent += flood.sock.send(chunk)
            except BlockingIOError:
                blocked = True
                break
    assert blocked, f"{sent} bytes taken, never blocked"
    assert sent < 64 << 20
    assert s.alive()
    flood.sock.setblocking(True)
    stop_ok(s)


def test_last_line_without_newline_before_fin(mode):
    """'ana\\nfirst\\nlast line without newline' then an orderly close:
    the last line arrives, before the leave notice."""
    s = start(mode)
    eva = join(s.port, "eva")
    c = socket.create_connection(("127.0.0.1", s.port))
    c.sendall(b"ana\nfirst\nlast line without newline")
    c.shutdown(socket.SHUT_WR)
    assert eva.expect(r"^ana: first$")
    assert eva.readline() == "ana: last line without newline"
    assert eva.readline() == "*** ana has left the chat"
    c.close()
    stop_ok(s)


def test_newline_less_client_sends_and_closes_at_once(mode):
    """A client that never sends a newline (seed 003) chooses its nickname,
    then sends a message and closes within 200 ms: the message arrives."""
    s = start(mode)
    eva = join(s.port, "eva")
    c = Line(s.port)
    c.send(b"bob")
    c.expect(r"^\*\*\* Hello bob")    # read all it got: close sends a FIN
    eva.expect(r"bob has joined", timeout=10)
    c.send(b"hola")
    c.close()
    assert eva.readline() == "bob: hola"
    assert eva.readline() == "*** bob has left the chat"
    stop_ok(s)


# --- no client slows the room -------------------------------------------------

def test_slow_steady_reader_is_never_dropped(mode):
    """A reader with a 4 KiB receive buffer that takes 6 KB every 0.1 s,
    while six others chat 900-byte lines (16 KB a round for each reader),
    with --soft-queue-time 1: it is always reading, so it is never dropped
    however far behind it falls, the others get every round, and once the
    chat stops it gets every line, in order."""
    s = start(mode, "--soft-queue-time", "1")
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", s.port))
    slow.sendall(b"slow\n")
    clients = [join(s.port, f"c{i}") for i in range(6)]
    pump(clients[:-1], lambda i, ls: any("c5 has joined" in x for x in ls),
         time.monotonic() + 30)
    text = "w" * 900
    slow.setblocking(False)
    received = b""
    rounds = 30
    for k in range(rounds):
        for i, c in enumerate(clients):
            for j in range(3):
                c.sendline(f"{i} {k}.{j} {text}")
        pump(clients, lambda i, ls: sum(1 for x in ls if x.endswith(text))
             >= 15, time.monotonic() + 30)
        try:                          # the slow reader: 6 KB a turn
            received += slow.recv(6000)
        except BlockingIOError:
            pass
        time.sleep(0.1)
    want = {f"c{i}: {i} {k}.{j} {text}".encode()
            for i in range(6) for k in range(rounds) for j in range(3)}
    slow.setblocking(True)
    slow.settimeout(30)
    lines = set()
    while not want <= lines:
        chunk = slow.recv(65536)
        assert chunk, "the slow reader was disconnected"
        received += chunk
        lines = set(received.split(b"\n"))
    assert b"Disconnected" not in received
    assert b"read nothing" not in s.log
    for c in clients:
        c.sendline("/ping end")
    got = pump(clients, lambda i, ls: "*** pong end" in ls,
               time.monotonic() + 30)
    assert not any("slow was" in x for ls in got for x in ls)
    slow.close()
    stop_ok(s)


def test_nameless_connections_give_way_to_newcomers(mode):
    """--max-clients 5 and five sockets that never choose a nickname: a
    real user still gets in; the socket that waited longest is told why
    and closed."""
    s = start(mode, "--max-clients", "5")
    idle = []
    for _ in range(5):                # one after the other: in this order
        idle.append(Line(s.port))
        idle[-1].readline()           # welcome
    ana = join(s.port, "ana")
    assert idle[0].expect(r"^\*\*\* Disconnected") .endswith(
        "your place went to a newcomer.")
    assert idle[0].closed(timeout=10)
    luis = join(s.port, "luis")
    luis.sendline("/list")
    assert luis.expect(r"^\*\*\* Users") == "*** Users (2): ana, luis"
    ana.close()
    stop_ok(s)


def test_ten_resets_then_ten_reconnects_all_admitted():
    """--max-clients 10, ten members reset at once and ten others connect
    right after: all ten are admitted (in one turn of the event loop the
    dead leave before the new come in; with --threads each connection's
    thread notices its reset on its own time, so a newcomer may come
    first)."""
    s = start([], "--max-clients", "10")
    for _ in range(3):
        members = [join(s.port, f"a{i}") for i in range(10)]
        for c in members:
            rst(c.sock)
        fresh = [Line(s.port) for _ in range(10)]
        for i, c in enumerate(fresh):
            c.sendline(f"b{i}")
        for c in fresh:
            line = c.expect(r"^\*\*\* (Hello|Error)")
            assert line.startswith("*** Hello"), line
        for c in fresh:
            c.sendline("/quit")
            assert c.closed(timeout=10)
    stop_ok(s)


def test_default_rate_never_slows_a_scripted_client(mode):
    """The defaults take a script of 400 lines at once without slowing it:
    no "slow down" notice."""
    s = start(mode)
    eva = join(s.port, "eva")
    lines = "".join(f"l{k}\n" for k in range(400))
    rc, out, err = run("tcpchat", s.port, "ana\n" + lines + "/ping x\n",
                       "--lang", "en", "--wait", "3")
    assert rc == 0, err
    assert "Slow down" not in out
    assert read_chat(eva, 400)[-1] == "ana: l399"
    assert program("tcpchat")
    stop_ok(s)
