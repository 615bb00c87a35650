"""chatcap live on the loopback interface, with a tcpdump beside it: when
the kernel has no room for the packets chatcap has not read yet (a tiny
-B while chatcap is stopped), the packets it saw plus those it says the
kernel dropped are the packets tcpdump saw, and every gap in sequence
numbers is explained as the capture's, never as a loss in the network. At
a rate this machine sustains: no drop, no invented loss. Needs root."""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
TCPDUMP = shutil.which("tcpdump")

pytestmark = [pytest.mark.skipif(os.geteuid() != 0,
                                 reason="capturing needs root"),
              pytest.mark.skipif(TCPDUMP is None, reason="needs tcpdump")]

GAPS = {"lost_segment", "ack_lost_segment"}


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(proc, word):
    """Read proc's stderr until a line holding word (its start banner)."""
    deadline = time.monotonic() + 20
    err = b""
    while word not in err or not err.endswith(b"\n"):
        left = deadline - time.monotonic()
        assert left > 0 and select.select([proc.stderr], [], [], left)[0], \
            "did not start: " + err.decode()
        c = os.read(proc.stderr.fileno(), 1)
        assert c, "exited: " + err.decode()
        err += c


class Pair:
    """chatcap --json and tcpdump on lo, the same packets asked of both:
    the test's own connection (not other traffic on the machine's lo)."""

    def __init__(self, tport, uport, buffer_kib, text=False):
        self.dir = tempfile.mkdtemp()
        self.pcap = os.path.join(self.dir, "td.pcap")
        self.dump = subprocess.Popen(
            [TCPDUMP, "-i", "lo", "-n", "-U", "-B", "131072",
             "-w", self.pcap, f"tcp port {tport}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started(self.dump, b"listening on")
        self.out = open(os.path.join(self.dir, "out"), "w+b")
        self.cap = subprocess.Popen(
            [CHATCAP, "-i", "lo", "-B", str(buffer_kib), "--tcp-port",
             str(tport), "--udp-port", str(uport), "--lang", "en"] +
            (["--width", "0"] if text else ["--json"]) +
            ["tcp", "port", str(tport)],
            stdout=self.out, stderr=subprocess.PIPE)
        started(self.cap, b"capturing on")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in (self.cap, self.dump):
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.kill()
                p.communicate()
        self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self):
        """Both stopped once they have read everything (chatcap reads what
        the kernel holds before it ends); chatcap's output and tcpdump's
        "captured" and "dropped by kernel" counts."""
        time.sleep(1.5)
        self.cap.send_signal(signal.SIGINT)
        _, err = self.cap.communicate(timeout=120)
        assert self.cap.returncode == 0, err
        self.out.seek(0)
        out = self.out.read()
        last = -1                  # tcpdump has written all it read
        for _ in range(60):
            size = os.path.getsize(self.pcap)
            if size == last:
                break
            last = size
            time.sleep(0.5)
        self.dump.send_signal(signal.SIGINT)
        _, derr = self.dump.communicate(timeout=60)
        words = {}
        for line in derr.decode().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "packets":
                words[" ".join(parts[2:])] = int(parts[0])
        return out.decode(), words["captured"], words["dropped by kernel"]


class Chat:
    """A TCP chat to a reader on port, one message per segment
    (TCP_NODELAY), sent in as many rounds as a test wants."""

    def __init__(self, port):
        self.srv = socket.create_server(("127.0.0.1", port))
        self.done = []
        self.reader = threading.Thread(target=self.serve)
        self.reader.start()
        self.cli = socket.create_connection(("127.0.0.1", port))
        self.cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.cli.sendall(b"ana\n")
        self.n = 0

    def serve(self):
        conn, _ = self.srv.accept()
        with conn:
            while conn.recv(65536):
                pass
        self.done.append(True)

    def send(self, lines, pace=None):
        """lines messages; pace: seconds between them, else at once."""
        for _ in range(lines):
            self.n += 1
            self.cli.sendall(b"message %d of the flood\n" % self.n)
            if pace:
                time.sleep(pace)

    def close(self):
        self.cli.close()
        self.reader.join(timeout=60)
        self.srv.close()
        assert self.done, "the reader did not finish"


def flood_while_stopped(pair, port):
    """A burst while chatcap is stopped (the kernel's buffer fills and
    drops), then more once it runs again, so the gaps show."""
    chat = Chat(port)
    time.sleep(0.5)
    pair.cap.send_signal(signal.SIGSTOP)
    try:
        chat.send(20000)
    finally:
        pair.cap.send_signal(signal.SIGCONT)
    time.sleep(0.5)
    chat.send(200, pace=0.001)
    chat.close()


def test_forced_drops_are_counted_and_explained():
    tport, uport = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
    with Pair(tport, uport, 256) as pair:
        flood_while_stopped(pair, tport)
        out, td_seen, td_dropped = pair.stop()
    lines = [json.loads(x) for x in out.splitlines()]
    packets, summary = lines[:-1], lines[-1]
    assert summary["kernel_dropped"] > 0
    assert summary["packets"] == len(packets)
    assert summary["packets"] + summary["kernel_dropped"] == \
        td_seen + td_dropped
    gaps = [p for p in packets if GAPS & set(p.get("analysis", []))]
    assert gaps, "drops that leave no gap in sequence numbers?"
    assert all(p.get("gap") == "capture_dropped" for p in gaps)


def test_forced_drops_in_words():
    """The text: the drop count as tcpdump says it, the gaps as the
    capture's, never as "not captured" segments of the network."""
    tport, uport = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
    with Pair(tport, uport, 256, text=True) as pair:
        flood_while_stopped(pair, tport)
        out, _, _ = pair.stop()
    assert "packets dropped by the kernel (the capture missed them" in out
    assert "the capture dropped packets here" in out
    assert "previous segment not captured" not in out
    assert "ACK of a segment not captured" not in out


def test_sustained_rate_no_drop_no_invented_loss():
    tport, uport = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
    with Pair(tport, uport, 65536) as pair:
        chat = Chat(tport)
        chat.send(3000, pace=0.0005)
        chat.close()
        out, td_seen, td_dropped = pair.stop()
    lines = [json.loads(x) for x in out.splitlines()]
    packets, summary = lines[:-1], lines[-1]
    assert td_dropped == 0
    assert summary["kernel_dropped"] == 0
    assert summary["packets"] == td_seen
    assert not [p for p in packets if GAPS & set(p.get("analysis", []))]
    assert not [p for p in packets if "gap" in p]
    conn = summary["connections"][0]
    assert conn["syn_to_ack_us"] is not None and conn["state"] == "closed"
