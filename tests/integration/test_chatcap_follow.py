"""--follow against tshark's "-z follow,tcp,ascii": with chatcap's marks
(the packet numbers, "+" for a piece without its newline, the wrapping)
taken away, each direction of each TCP conversation must be the same
bytes, with the same "missing bytes" where the capture lacks data. On the
project's fixtures, and on traffic the real kernel made through chatnet
with loss, reordering and duplication: segments of 20+ lines, lines of
1,000 bytes, a reader that stalls (behind a plain server, and in
tcpchatd's room until its window is zero and the server probes it).

Needs tshark (and root for chatnet); skipped otherwise. The chatnet
network carries this process's id in its name and is taken down."""
import contextlib
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
TSHARK = shutil.which("tshark")
PORT = 5000

pytestmark = pytest.mark.skipif(TSHARK is None, reason="needs tshark")

MISSING_TS = re.compile(rb"\[(\d+) bytes missing in capture file\]\.?")


def endpoint(s):
    return s.replace("[", "").replace("]", "")


def tshark_streams(path):
    """{(client, server): {0: bytes, 1: bytes}} from tshark's follow; a
    hole is b"<MISSING n>"."""
    ids = subprocess.run([TSHARK, "-r", path, "-T", "fields", "-e",
                          "tcp.stream"], capture_output=True, check=True,
                         timeout=120).stdout.split()
    out = {}
    for i in sorted({int(x) for x in ids}):
        text = subprocess.run([TSHARK, "-r", path, "-q", "-z",
                               "follow,tcp,ascii,%d" % i],
                              capture_output=True, check=True,
                              timeout=120).stdout
        head, _, body = text.partition(b"Node 1: ")
        node0 = endpoint(re.search(rb"Node 0: (\S+)", head).group(1)
                         .decode())
        node1, _, body = body.partition(b"\n")
        node1 = endpoint(node1.decode())
        data = {node0: b"", node1: b""}
        pos = 0
        while True:
            m = re.compile(rb"(\t?)(\d+)\n").match(body, pos)
            if m is None:
                break
            n = int(m.group(2))
            chunk = body[m.end():m.end() + n]
            who = node1 if m.group(1) else node0
            # tshark writes a carriage return as it is; chatcap as '.'
            # (to a terminal it would move the cursor back)
            chunk = chunk.replace(b"\r", b".")
            data[who] += MISSING_TS.sub(lambda x: b"<MISSING %s>" %
                                        x.group(1), chunk)
            pos = m.end() + n + 1
        out[frozenset((node0, node1))] = data
    return out


LINE = re.compile(r"  (>>|<<)([ +]) (.*)$")
MISSING_CC = re.compile(r"\[(\d+) bytes missing in the capture\]$")


def chatcap_streams(path, width="0"):
    """The same from chatcap --follow (C locale: every byte that is not
    printable ASCII is '.', as in tshark's ascii view)."""
    env = dict(os.environ, LC_ALL="C")
    text = subprocess.run([CHATCAP, "--follow", "--color=never", "--lang",
                           "en", "--width", width, "-r", path],
                          capture_output=True, check=True, timeout=120,
                          env=env).stdout.decode("ascii")
    out, data, names = {}, None, None
    for line in text.splitlines():
        m = re.match(r"TCP#\d+  (\S+) \(client: >>\)  (\S+) \(server", line)
        if m:
            names = (endpoint(m.group(1)), endpoint(m.group(2)))
            data = {names[0]: b"", names[1]: b""}
            out[frozenset(names)] = data
            continue
        if line.startswith(("UDP#", "Summary")):
            data = None
        m = LINE.match(line)
        if data is None or m is None:
            continue
        who = names[0] if m.group(1) == ">>" else names[1]
        rest = m.group(3)
        miss = MISSING_CC.match(rest)
        if miss:
            data[who] += b"<MISSING %s>" % miss.group(1).encode()
            continue
        label = re.match(r"#\d+", rest)
        width = max(8, len(label.group(0)) if label else 0)
        data[who] += rest[width + 1:].encode() + \
            (b"" if m.group(2) == "+" else b"\n")
    return out


def assert_same(path, width="0", cut=False):
    ts, cc = tshark_streams(path), chatcap_streams(path, width)
    assert set(ts) <= set(cc)
    for key, dirs in ts.items():
        for who, data in dirs.items():
            mine = cc[key][who]
            if cut:
                mine = re.sub(rb"<MISSING \d+>", b"", mine)
            assert mine == data, (path, sorted(key), who)
    return cc


@pytest.mark.parametrize("name", [os.path.basename(p) for p in
                                  sorted(glob.glob(os.path.join(
                                      FIXTURES, "*.pcap*")))
                                  if "unknown_link" not in p and
                                  "invalid" not in p])
def test_fixtures_follow_like_tshark(name):
    assert_same(os.path.join(FIXTURES, name),
                # tshark shows a segment cut by the snapshot length
                # without saying its end is missing; chatcap says so
                cut=name.startswith("snaplen"))


# ---------------------------------------------------------------------------
# Traffic of the real kernel, through chatnet's impairments.

CHATNET = os.path.join(BIN, "chatnet")
NET = "rcf%d" % (os.getpid() % 10000)


def chatnet(*args, check=True, timeout=60):
    return subprocess.run([CHATNET, "--net", NET, *args], capture_output=True,
                          timeout=timeout, check=check)


@pytest.fixture
def net():
    if os.geteuid() != 0 or not os.path.exists(CHATNET):
        pytest.skip("needs root and chatnet")
    try:
        chatnet("up", "--hosts", "ana")
        status = chatnet("status").stdout.decode()
        ip = re.search(r"^srv\s+(\S+)", status, re.M).group(1)
        yield ip
    finally:
        chatnet("down", check=False)


SERVER = r'''
import socket, sys, time
s = socket.create_server((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").write("up")
for k in range(2):
    c, _ = s.accept()
    if k == 1:
        time.sleep(3)                 # a reader that stalls, then reads
    while True:
        b = c.recv(65536)
        if not b:
            break
        echo = b[:300]
        c.sendall(b"*** got %d bytes\n" % len(b) +
                  echo[:echo.rfind(b"\n") + 1])    # whole lines back
    c.close()
'''

CLIENT = r'''
import socket, sys, time
for k in range(2):
    a = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    a.sendall(b"ana\n")
    for i in range(30):
        block = b"".join(b"line %d.%d caf\xc3\xa9\t%s\r\n" % (i, j, b"x" * j)
                         for j in range(24))
        a.sendall(block)                          # 24 lines, one write
        a.sendall(b"%d " % i + b"y" * 1000 + b"\n")   # a 1,000-byte line
        a.sendall(b"half a li")
        time.sleep(0.01)
        a.sendall(b"ne\n")
    a.shutdown(socket.SHUT_WR)
    while a.recv(65536):
        pass
    a.close()
'''


@contextlib.contextmanager
def capturing(cap):
    """chatcap -w cap on srv's interface while the block runs."""
    dump = subprocess.Popen([CHATNET, "--net", NET, "cap", "srv", "-w", cap,
                             "--summary"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        from test_chatcap_netns import wait_capturing
        wait_capturing(dump)
        yield
    finally:
        dump.send_signal(signal.SIGINT)
        dump.communicate(timeout=30)


def run_traffic(tmp_path, ip, impair):
    chatnet("impair", "ana", *impair)
    cap = str(tmp_path / "impaired.pcap")
    up = str(tmp_path / "up")
    with capturing(cap):
        server = subprocess.Popen([CHATNET, "--net", NET, "run", "srv", "--",
                                   "/usr/bin/python3", "-c", SERVER, ip,
                                   str(PORT), up])
        try:
            for _ in range(200):
                if os.path.exists(up):
                    break
                time.sleep(0.05)
            chatnet("run", "ana", "--", "/usr/bin/python3", "-c", CLIENT, ip,
                    str(PORT), timeout=180)
            assert server.wait(timeout=60) == 0
            time.sleep(0.5)
        finally:
            if server.poll() is None:
                server.kill()
    return cap


@pytest.mark.parametrize("impair", [
    ("loss", "--delay 5ms --loss 8% --seed 7".split()),
    ("reorder", "--delay 10ms --reorder 30% --seed 7".split()),
    ("duplicate", "--delay 2ms --dup 20% --seed 7".split()),
], ids=lambda x: x[0])
def test_impaired_follow_like_tshark(net, tmp_path, impair):
    cap = run_traffic(tmp_path, net, impair[1])
    summary = json.loads(subprocess.run(
        [CHATCAP, "--json", "--summary", "-r", cap], capture_output=True,
        check=True, timeout=120).stdout)["tcp"]["analysis"]
    flag = {"loss": "retransmission", "reorder": "out_of_order",
            "duplicate": "spurious_retransmission"}[impair[0]]
    assert summary[flag] > 0          # the impairment is in the capture
    if impair[0] in ("duplicate", "loss"):
        assert_karn(cap, impair[0] == "duplicate")
    # The dissector, with tshark's default preferences, reads as many
    # messages as chatcap (test_chatcap_lua.py compares them one by one).
    lua = subprocess.run(
        [TSHARK, "-X", "lua_script:" + os.path.join(ROOT, "wireshark",
                                                    "redchat.lua"),
         "-r", cap, "-Y",
         "redchat", "-T", "fields", "-e", "redchat.kind"],
        capture_output=True, check=True, timeout=120).stdout.decode()
    kinds = [k for x in lua.split() for k in x.split(",")]
    ours = json.loads(subprocess.run(
        [CHATCAP, "--json", "--summary", "-r", cap], capture_output=True,
        check=True, timeout=120).stdout)["tcp"]["messages"]
    assert len(kinds) == ours
    cc = assert_same(cap)
    assert len(cc) == 2
    for dirs in cc.values():
        client = [v for k, v in dirs.items() if k != "%s:%d" % (net, PORT)][0]
        assert client.count(b"\n") == 1 + 30 * 26
        assert client.count(b"y" * 1000 + b"\n") == 30
    # Wrapped at 60 columns it is still the same bytes.
    assert_same(cap, width="60")
    env = dict(os.environ, LC_ALL="C")
    text = subprocess.run([CHATCAP, "--follow", "--color=never", "--width",
                           "60", "-r", cap], capture_output=True, check=True,
                          timeout=120, env=env).stdout.decode()
    assert max(len(x) for x in text.splitlines()
               if LINE.match(x)) <= 60


def assert_karn(cap, copies):
    """RFC 6298's estimator takes no sample from an ACK of a segment whose
    bytes were sent more than once (Karn): for every sample chatcap took,
    the segment the ACK acknowledges (tshark's tcp.analysis.acks_frame)
    carries bytes no other segment before that ACK carried. With copies
    (duplication), some ACKs were skipped, and they are in the JSON and
    the --rtt table."""
    rows = subprocess.run(
        [TSHARK, "-r", cap, "-T", "fields", "-E", "separator=|", "-e",
         "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport", "-e",
         "tcp.seq", "-e",
         "tcp.len", "-e", "tcp.analysis.acks_frame"],
        capture_output=True, check=True, timeout=120).stdout.decode()
    seg, acks = {}, {}
    for line in rows.splitlines():
        num, stream, port, seq, ln, acked = line.split("|")
        port = (stream, port)
        if int(ln or 0) > 0:
            seg[int(num)] = (port, int(seq), int(seq) + int(ln))
        if acked:
            acks[int(num)] = int(acked)

    def sent_once(f, ack):
        port, lo, hi = seg[f]
        return not any(p == port and a < hi and lo < b and g != f and g < ack
                       for g, (p, a, b) in seg.items())

    lines = [json.loads(x) for x in subprocess.run(
        [CHATCAP, "--json", "-r", cap], capture_output=True, check=True,
        timeout=120).stdout.splitlines()]
    sampled = [p["n"] for p in lines if "rtt_sample_us" in p]
    skipped = [p["n"] for p in lines if "rtt_skipped" in p]
    assert sampled
    for n in sampled:
        if acks.get(n) in seg:
            assert sent_once(acks[n], n), n
    if not copies:
        return
    assert any(not sent_once(acks[n], n) for n in skipped
               if acks.get(n) in seg)
    table = subprocess.run([CHATCAP, "--rtt", "--summary", "--lang", "en",
                            "-r", cap], capture_output=True, check=True,
                           timeout=120).stdout.decode()
    assert "ACKs skipped (Karn)" in table and "skipped: acknowledges" in table
    # The ACKs of the copies are D-SACKs (RFC 2883), as tshark finds them,
    # and are explained as what they are.
    dsack = subprocess.run([TSHARK, "-r", cap, "-Y", "tcp.options.sack.dsack_le",
                            "-T", "fields", "-e", "frame.number"],
                           capture_output=True, check=True,
                           timeout=120).stdout.split()
    assert dsack
    assert [int(x) for x in dsack] == [p["n"] for p in lines if p.get("dsack")]
    text = subprocess.run([CHATCAP, "--lang", "en", "--width", "0", "-r", cap],
                          capture_output=True, check=True,
                          timeout=120).stdout.decode()
    assert "D-SACK: the receiver got these bytes twice" in text


# ---------------------------------------------------------------------------
# A reader that stalls inside tcpchatd's room: its window closes, the
# server's kernel probes it, then it reads everything.

STALL = r'''
import socket, sys, time
ip, port = sys.argv[1], int(sys.argv[2])

def read_until(s, want, got=b"", seconds=60):
    s.settimeout(1)
    deadline = time.monotonic() + seconds
    while want not in got and time.monotonic() < deadline:
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        assert b, "connection closed"
        got += b
    assert want in got, (want, got[-200:])
    return got

def member(nick, rcvbuf=0):
    s = socket.socket()
    if rcvbuf:                                # before connect: a small window
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect((ip, port))
    s.sendall(nick + b"\n")
    read_until(s, b"Hello %s," % nick)        # in the room
    return s

lazy = member(b"lazy", 4096)                  # from now on, lazy reads nothing
ana = member(b"ana")
sol = member(b"sol")
got = {ana: b"", sol: b""}
for i in range(40):
    block = b"".join(b"ana %d.%d %s\n" % (i, j, b"z" * (10 * j))
                     for j in range(24))
    ana.sendall(block)                        # 24 lines, one write
    sol.sendall(b"sol %d " % i + b"y" * 990 + b"\n")   # a 1,000-byte line
    for s in (ana, sol):
        s.settimeout(0)
        try:
            got[s] += s.recv(65536)
        except BlockingIOError:
            pass
        s.settimeout(60)
ana.sendall(b"ana done\n")
sol.sendall(b"sol done\n")
read_until(ana, b"sol done\n", got[ana])
read_until(sol, b"ana done\n", got[sol])
time.sleep(3)                                 # the stall: window probes
lazy_got = read_until(lazy, b"sol done\n", seconds=120)
lazy_got = read_until(lazy, b"ana done\n", lazy_got, seconds=120)
assert lazy_got.count(b"ana: ") == 40 * 24 + 1, lazy_got.count(b"ana: ")
assert lazy_got.count(b"sol: ") == 41
for s in (ana, sol, lazy):
    s.sendall(b"/quit\n")
    s.shutdown(socket.SHUT_WR)
    s.settimeout(30)
    while s.recv(65536):
        pass
    s.close()
'''


def test_stalled_reader_follow_like_tshark(net, tmp_path):
    """lazy joins with a 4 KiB receive buffer and stops reading while ana
    sends blocks of 24 lines and sol lines of 1,000 bytes through
    tcpchatd; after 3 s it reads the whole backlog."""
    chatnet("impair", "ana", "--delay", "5ms")
    cap, log = str(tmp_path / "stalled.pcap"), tmp_path / "tcpchatd.log"
    with capturing(cap), open(log, "w") as f:
        server = subprocess.Popen(
            [CHATNET, "--net", NET, "run", "srv", "--",
             os.path.join(BIN, "tcpchatd"), "-q", "--lang", "en",
             "--rate-limit", "0", "-p", str(PORT)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=f)
        try:
            for _ in range(400):
                if "listening" in log.read_text():
                    break
                time.sleep(0.05)
            assert "listening" in log.read_text(), log.read_text()
            r = chatnet("run", "ana", "--", "/usr/bin/python3", "-c", STALL,
                        net, str(PORT), timeout=300, check=False)
            assert r.returncode == 0, r.stderr.decode()
            time.sleep(0.5)                          # the last ACKs
        finally:
            server.terminate()
            server.wait(timeout=30)
    # The precondition: the capture has the moments this test is about
    # (Linux probes a zero window one byte below the next sequence
    # number, which tshark calls a keep-alive).
    import test_chatcap_analysis as ana
    theirs = ana.tshark_frames(cap)
    seen = {f: sum(f in x["analysis"] for x in theirs.values())
            for f in ("zero_window", "window_full", "keep_alive",
                      "zero_window_probe")}
    assert seen["zero_window"] > 0 and seen["window_full"] > 0, \
        ("no zero window / full window in the capture", seen)
    assert seen["keep_alive"] + seen["zero_window_probe"] > 0, \
        ("no window probe in the capture", seen)
    ours, skip, _ = ana.chatcap_frames(cap)      # and chatcap sees them too
    assert [n for n in set(ours) | set(theirs) if n not in skip and
            ours.get(n) != theirs.get(n)] == []
    cc = assert_same(cap)
    assert len(cc) == 3
    lazy = [d for d in cc.values() if any(b"lazy\n" == v[:5]
                                          for v in d.values())]
    assert len(lazy) == 1
    assert max(len(v) for v in lazy[0].values()) > 40 * 24 * 100
    assert_same(cap, width="60")
