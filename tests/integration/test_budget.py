"""tcpchatd's output model, in both models (event loop and --threads): one
memory budget for the room's backlog (--max-memory). Near it the senders
are held back (not read: TCP pushes back, nothing is lost) while the
receivers catch up; only a receiver that reads nothing for
--soft-queue-time is dropped, it is told why after the end of the line it
was cut in even when it reads late, and what it had sent and the server
had read still reaches the others."""
import fcntl
import json
import os
import re
import signal
import socket
import struct
import subprocess
import termios
import threading
import time

from redchat import join, program, stop_ok, wait_log
from test_hostile import mode, pump, start  # noqa: F401 (fixture)


def hwm_kib(pid):
    """The peak resident memory of a process, in KiB (0 under a wrapper,
    whose own memory it would measure)."""
    if os.environ.get("REDCHAT_WRAP"):
        return 0
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))


def raw_join(port, nick, rcvbuf=4096):
    """A plain socket with a small receive buffer that chose nick and
    reads nothing (yet)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.sendall(nick.encode() + b"\n")
    return s


def read_all(sock, timeout=60):
    """Everything until the server closes (or resets) the connection."""
    sock.setblocking(True)
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def blast(sock, body, n):
    """Send n numbered lines of body from a thread (blocking sends).
    Returns the thread and a list: [True once all went, what went wrong]."""
    done = [False, None]
    data = b"".join(f"{k:06d} {body}\n".encode() for k in range(n))

    # sendall's timeout bounds the whole send (Python 3.5 and later), and a
    # sender held by the budget for a slow reader takes longer than the
    # client's usual 10 s: the readers' deadlines bound the test instead.
    sock.settimeout(300)

    def run():
        try:
            sock.sendall(data)
            done[0] = True
        except OSError as e:
            done[1] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, done


def wait_named(s, nicks, timeout=30):
    """Wait until every nick has joined (a watcher sees them)."""
    w = join(s.port, "watcher")
    w.sendline("/list")
    deadline = time.monotonic() + timeout
    while True:
        w.sendline("/list")
        line = w.expect(r"^\*\*\* .*(watcher)", timeout=10)
        # whole names: "r" is in "watcher" too
        if all(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", line)
               for n in nicks):
            return w
        assert time.monotonic() < deadline, line
        time.sleep(0.1)


def pinned_room(mode, soft_time, nick):
    """A server with a 1 MiB budget, a client nick that reads nothing (yet)
    and a sender "snd", both in the room: (server, nick's socket, snd)."""
    s = start(mode, "--max-memory", "1M", "--soft-queue-time", soft_time,
              "--rate-limit", "0")
    r = raw_join(s.port, nick)
    snd = join(s.port, "snd")
    wait_named(s, [nick, "snd"]).close()
    return s, r, snd


def test_senders_held_at_the_budget_and_released(mode):
    """A reader that stops reading while one sender blasts 12 MB: the room's
    backlog reaches the 1 MiB budget and the sender is no longer read (its
    data stays in TCP's buffers: its send cannot finish); nobody is dropped
    (the reader stopped for less than --soft-queue-time). When the reader
    reads again the sender is released, and the reader gets every line, in
    order."""
    s, r, snd = pinned_room(mode, "60", "r")
    body, n = "b" * 990, 12000
    t, done = blast(snd.sock, body, n)
    # held: the sender's 12 MB cannot all go while r reads nothing
    time.sleep(3)
    assert not done[0], "the sender was never held back"
    assert s.alive()
    # r reads: everything flows, in order, and nobody was dropped
    r.settimeout(60)
    buf = b""
    k = 0
    deadline = time.monotonic() + 120
    while k < n:
        assert time.monotonic() < deadline, f"{k} of {n} lines"
        chunk = r.recv(1 << 20)
        assert chunk, "r was disconnected"
        buf += chunk
        *whole, buf = buf.split(b"\n")
        for line in whole:
            if line.startswith(b"*** "):
                assert b"Disconnected" not in line
                continue
            assert line == f"snd: {k:06d} {body}".encode(), line[:40]
            k += 1
    t.join(60)
    assert done[0], done[1]
    assert b"read nothing" not in s.log and b"unread" not in s.log
    assert hwm_kib(s.proc.pid) <= (1 + 32) * 1024
    r.close()
    snd.close()
    stop_ok(s)


def test_only_the_non_reader_is_dropped_and_reads_why_late(mode):
    """With --soft-queue-time 2: two readers that keep reading and one that
    never reads while a sender sends 6 MB. Only the never-reader is dropped
    (the others are told); the readers get every line. The dropped one
    reads 4 s later (after the 2 s a goodbye used to wait): its stream ends
    with whole lines, the last one the reason."""
    s = start(mode, "--max-memory", "1M", "--soft-queue-time", "2",
              "--rate-limit", "0")
    stuck = raw_join(s.port, "stuck")
    readers = [join(s.port, f"r{i}") for i in range(2)]
    snd = join(s.port, "snd")
    w = wait_named(s, ["stuck", "r0", "r1", "snd"])
    w.close()                         # it would not read either
    body, n = "c" * 490, 12000
    t, done = blast(snd.sock, body, n)
    got = pump(readers, lambda i, ls: sum(1 for x in ls
                                          if x.startswith("snd: ")) >= n,
               time.monotonic() + 180)
    for ls in got:
        chat = [x for x in ls if x.startswith("snd: ")]
        assert chat == [f"snd: {k:06d} {body}" for k in range(n)]
        assert not any("r0 was" in x or "r1 was" in x for x in ls)
    t.join(60)
    assert done[0], done[1]
    if not any("stuck was disconnected" in x for x in got[0]):
        readers[0].expect(r"^\*\*\* stuck was disconnected", timeout=30)
    wait_log(s, r"stuck: read nothing for 2 s", timeout=30)
    assert b"r0: " not in s.log and b"r1: " not in s.log
    time.sleep(4)
    data = read_all(stuck)
    assert data.endswith(b"\n")
    tail = data.split(b"\n")[:-1]
    assert tail[-1].startswith(b"*** Disconnected: ")
    assert tail[-1].endswith(b"(you were not reading).")
    for line in tail[:-1]:
        assert line.startswith(b"*** ") or \
            (line.startswith(b"snd: ") and line.endswith(body.encode())), \
            line[:60]
    stuck.close()
    for c in readers + [snd]:
        c.close()
    stop_ok(s)


def test_senders_released_when_the_only_lagging_one_is_dropped(mode):
    """The backlog is pinned by one client that never reads; nobody else
    is reading anything. When it is dropped (--soft-queue-time 2), the
    chunks it held are freed and the held sender goes on to the end."""
    s, stuck, snd = pinned_room(mode, "2", "stuck")
    t, done = blast(snd.sock, "d" * 490, 12000)
    t.join(90)
    assert done[0], f"the sender was never released ({done[1]!r}; " \
        f"log: {s.log[-1500:]!r})"
    wait_log(s, r"stuck: read nothing for 2 s", timeout=30)
    stuck.close()
    snd.close()
    stop_ok(s)


def written_to(port, sock):
    """Bytes the server has written to the client sock that never reads:
    what its socket still holds (ss's Send-Q) and what sock has received,
    once that sum has not changed for 0.6 s (at most 20 s)."""
    cport = sock.getsockname()[1]

    def now():
        out = subprocess.run(["ss", "-tnH", "state", "established",
                              f"( sport = :{port} and dport = :{cport} )"],
                             capture_output=True, text=True, timeout=10)
        held = int(out.stdout.split()[1])
        got = fcntl.ioctl(sock, termios.FIONREAD, b"\0" * 4)
        return held + struct.unpack("i", got)[0]
    deadline = time.monotonic() + 20
    last, since = now(), time.monotonic()
    while time.monotonic() - since < 0.6:
        assert time.monotonic() < deadline, "the server never settled"
        time.sleep(0.05)
        if (n := now()) != last:
            last, since = n, time.monotonic()
    return last


def test_a_socket_full_at_the_last_line_is_still_dropped(mode):
    """A client that never reads is sent lines a few at a time, each batch
    once the last has settled, until its socket is full: the server then holds what
    it could not write, and nothing more is sent to it (in --threads, its
    thread has nothing else to wake it). Its socket takes no byte for
    --soft-queue-time, so it is dropped (a thread that slept until the
    socket took more never was)."""
    s = start(mode, "--soft-queue-time", "2", "--rate-limit", "0")
    stuck = raw_join(s.port, "stuck")
    snd = join(s.port, "snd")
    wait_named(s, ["stuck", "snd"]).close()
    text = "e" * 990
    want = written_to(s.port, stuck)
    for k in range(0, 1000, 8):         # 8 KB at a time, in one send
        lines = [f"{j:04d} {text}" for j in range(k, k + 8)]
        snd.send("".join(x + "\n" for x in lines).encode())
        want += sum(len(f"snd: {x}\n") for x in lines)
        if written_to(s.port, stuck) < want:
            time.sleep(1)       # a busy server may not have written yet
            if written_to(s.port, stuck) < want:
                break           # it holds the rest: the socket is full
    else:
        assert False, "the socket of a client that never reads never filled"
    wait_log(s, r"stuck: read nothing for 2 s", timeout=30)
    stuck.close()
    snd.close()
    stop_ok(s)


def test_dropped_senders_held_lines_still_delivered(mode):
    """A client sends 400 lines at once and never reads; the rate (2 a
    second, bursts of 200) holds the second half. Another client fills its
    queue, so that it is dropped (--soft-queue-time 2) while its held lines
    still wait for their turn. A listener gets all 400, in order, before
    the leave notice."""
    s = start(mode, "--rate-limit", "2", "--rate-burst", "200",
              "--soft-queue-time", "2")
    x = raw_join(s.port, "x")
    filler = join(s.port, "filler")
    lis = join(s.port, "lis")
    w = wait_named(s, ["x", "filler", "lis"])
    w.close()
    x.sendall(b"".join(f"x line {k}\n".encode() for k in range(400)))
    for k in range(190):              # 190 KB for x: more than its buffers
        filler.sendline(f"{k} " + "f" * 1000)
    got = []
    while True:
        m = lis.readline(60)
        if m.startswith("*** x was disconnected"):
            break
        got.append(m)
    assert [m for m in got if m.startswith("x: ")] == \
        [f"x: x line {k}" for k in range(400)]
    wait_log(s, r"x: read nothing for 2 s", timeout=30)
    x.close()
    for c in (filler, lis):
        c.close()
    stop_ok(s)


def test_threads_exit_at_once_on_sigterm():
    """tcpchatd --threads with 20 clients, five of which never read and
    have full queues: SIGTERM ends it well within a second (it no longer
    waits for each client's FIN)."""
    s = start(["--threads"], "--rate-limit", "0")
    stuck = [raw_join(s.port, f"s{i}") for i in range(5)]
    clients = [join(s.port, f"c{i}") for i in range(15)]
    w = wait_named(s, [f"s{i}" for i in range(5)] +
                   [f"c{i}" for i in range(15)])
    for k in range(300):
        clients[0].sendline(f"{k} " + "z" * 1000)
    pump(clients[1:], lambda i, ls: sum(1 for x in ls if x.startswith("c0: "))
         >= 300, time.monotonic() + 60)
    t0 = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    s.proc.wait(timeout=10)
    took = time.monotonic() - t0
    assert s.proc.returncode == 0, s.log[-2000:]
    # the old wait was 2 s per client's FIN; this bound leaves headroom
    # for a busy machine
    assert took < 1.5, f"exit took {took:.2f} s"
    for c in stuck:
        c.close()
    for c in clients + [w]:
        c.close()
    stop_ok(s)


def chatbench(port, *args):
    p = subprocess.run([program("chatbench"), "-p", str(port), "--json",
                        "--timeout", "120", *args],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_a_run_over_the_budget_loses_nothing(mode):
    """--max-memory 8M and 50 clients, 10 of which send 16,000 lines of 64
    bytes (about 11 MB for each reader, all reading): nothing lost, nobody
    dropped, the server's peak memory within the budget plus 32 MiB. A
    --max-queue below the budget is raised to it: a reader may lag by the
    whole budget."""
    s = start(mode, "--max-memory", "8M", "--max-queue", "1M",
              "--rate-limit", "0")
    r = chatbench(s.port, "--clients", "50", "--senders", "10",
                  "--messages", "16000", "--size", "64")
    assert r["lost"] == 0 and r["garbled"] == 0 and r["closed"] == 0, r
    assert r["delivered"] == r["expected"] == 10 * 16000 * 49
    assert b"disconnected" not in s.log
    assert hwm_kib(s.proc.pid) <= (8 + 32) * 1024
    stop_ok(s)


def test_byte_options_take_suffixes_and_refuse_nonsense():
    """--max-memory and --max-queue take K, M, G; a budget under 1 MiB or a
    word is refused with a usage error that names the option."""
    for args, says in ((["--max-memory", "100"], "at least 1048576"),
                       (["--max-memory", "2X"], "--max-memory 2X"),
                       (["--max-queue", "12Q"], "--max-queue 12Q")):
        p = subprocess.run([program("tcpchatd"), "--lang", "en", "-p", "0",
                            *args], capture_output=True, text=True,
                           timeout=10)
        assert p.returncode == 1 and says in p.stderr, (args, p.stderr)
