"""chatcap --tcp-info: the kernel's own congestion state beside the packets.

A bulk transfer with Reno (chatnet up --cc reno) from ana to srv on a
chatnet network of its own, through a bottleneck on the bridge side of
srv's link (chatnet impair srv --bottleneck 4mbit --queue 30000: a tbf, so
the sender sees real losses, not local back-off), with
three chatcaps capturing at once on ana (JSON, English text, Spanish
text), each with a tracefs instance of its own. Checked against the
kernel itself:
- `ss -tin` read a few times during the transfer gives cwnd and ssthresh
  equal to chatcap's samples at that moment (within one sample);
- the tracepoint samples and the polled ones agree;
- the text view marks every congestion event the tracepoint reported
  (same count), in both languages;
- no tracefs instance is left behind.
Needs root, network namespaces, tbf and tracefs; skipped otherwise."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

from redchat import program
from test_chatnet import in_host as in_net_host

NET = f"rck{os.getpid()}"
PORT = 24000 + os.getpid() % 20000
SRV4 = "10.77.0.1"
SIZE = 1_500_000
INSTANCES = "/sys/kernel/tracing/instances"
SAVED = f"/tmp/{NET}-saved.pcapng"


def _why_skip():
    if os.geteuid() != 0:
        return "needs root"
    for tool in ("ip", "tc", "ss", "iptables-restore"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if subprocess.run(["unshare", "--net", "true"],
                      capture_output=True).returncode != 0:
        return "network namespaces are not available here"
    if not os.path.isdir("/sys/kernel/tracing/events/tcp") and \
            subprocess.run(["mount", "-t", "tracefs", "nodev",
                            "/sys/kernel/tracing"],
                           capture_output=True).returncode != 0:
        return "no tracefs"
    if not os.path.isdir("/sys/kernel/tracing/events/tcp/tcp_cong_state_set"):
        return "this kernel has no tcp_cong_state_set tracepoint"
    return None


pytestmark = pytest.mark.skipif(_why_skip() is not None,
                                reason=_why_skip() or "")


def chatnet(*args):
    p = subprocess.run([program("chatnet"), "--net", NET, "--lang", "en",
                        *map(str, args)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return p


def in_host(host, fn):
    """fn() in a thread inside host's namespace (its sockets stay there)."""
    return in_net_host(host, fn, net=NET)


def start_cap(port, *opts):
    """chatnet cap ana with opts; returns once it captures. Its output goes
    to a file (a pipe read only at the end would fill and stall it)."""
    name = f"/tmp/{NET}-{port}-{time.monotonic_ns()}"
    err, out = open(name + ".err", "w+"), open(name + ".out", "w+")
    os.unlink(name + ".err")
    os.unlink(name + ".out")
    p = subprocess.Popen([program("chatnet"), "--net", NET, "cap", "ana",
                          "--tcp-port", str(port), "--tcp-info",
                          "--width", "0", *opts], stdout=out, stderr=err,
                         text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        err.seek(0)
        if re.search(r"capturing|capturando", err.read()):
            return p, out, err
        assert p.poll() is None, "chatcap ended early"
        time.sleep(0.05)
    raise RuntimeError("chatcap did not start")


def ss_read(port):
    """cwnd and ssthresh of ana's connection to srv by `ss -tin`, with the
    wall-clock interval the read happened in (microseconds)."""
    t0 = time.time_ns() // 1000
    out = subprocess.run(["ip", "netns", "exec", f"{NET}-ana", "ss", "-tin",
                          "dst", SRV4, f"dport = :{port}"],
                         capture_output=True, text=True, timeout=10).stdout
    t1 = time.time_ns() // 1000
    cwnd = re.search(r"\bcwnd:(\d+)", out)
    if cwnd is None:
        return None
    ssth = re.search(r"\bssthresh:(\d+)", out)
    return t0, t1, int(cwnd.group(1)), int(ssth.group(1)) if ssth else None


@pytest.fixture(scope="module")
def net():
    """The network: ana and srv with Reno, a bottleneck toward srv."""
    before = set(os.listdir(INSTANCES))
    chatnet("up", "--hosts", "ana", "--cc", "reno")
    try:
        chatnet("impair", "srv", "--bottleneck", "4mbit", "--queue", "30000")
        yield before
    finally:
        subprocess.run([program("chatnet"), "--net", NET, "down"],
                       capture_output=True, timeout=60)
        for f in (SAVED, SAVED + ".tcp_info.json"):
            if os.path.exists(f):
                os.unlink(f)


@pytest.fixture(scope="module")
def transfer(net):
    """Run the transfer once; hand back chatcap's three outputs and the
    reads of ss."""
    caps = [("--json",), ("--lang", "en", "-w", SAVED), ("--lang", "es")]
    return _run_transfer(PORT, caps, read_ss=True), net


@pytest.fixture(scope="module")
def blackout(net):
    """The same transfer with the link to srv down for 2 s in the middle:
    RTOs, each waiting twice as long."""
    def cut():
        time.sleep(1.0)
        subprocess.run(["ip", "-n", f"{NET}-bridge", "link", "set", "srv",
                        "down"], check=True)
        time.sleep(2.0)
        subprocess.run(["ip", "-n", f"{NET}-bridge", "link", "set", "srv",
                        "up"], check=True)
    outs, _ = _run_transfer(PORT + 1, [("--json",), ("--lang", "en")],
                            during=cut)
    return outs


def _run_transfer(port, cap_opts, read_ss=False, during=None):
    lsock = in_host("srv", lambda: socket.create_server(("", port)))
    got = []

    def sink():
        c, _ = lsock.accept()
        with c:
            while (d := c.recv(1 << 16)):
                got.append(len(d))
            c.shutdown(socket.SHUT_WR)
    sink_t = threading.Thread(target=sink)
    sink_t.start()
    caps = [start_cap(port, *o) for o in cap_opts]

    def connect():
        s = socket.socket()               # Reno: the namespace's (--cc)
        s.settimeout(60)
        s.connect((SRV4, port))
        return s
    s = in_host("ana", connect)
    reads, done = [], threading.Event()

    def sample_ss():
        while not done.wait(0.3):
            r = ss_read(port)
            if r is not None:
                reads.append(r)
    side = threading.Thread(target=sample_ss if read_ss else during)
    side.start()
    s.sendall(b"x" * SIZE)
    sent_us = time.time_ns() // 1000    # the last bytes are queued
    s.shutdown(socket.SHUT_WR)
    s.recv(1)                           # the sink has read it all
    s.close()
    done.set()
    side.join()
    sink_t.join(timeout=60)
    lsock.close()
    time.sleep(0.5)
    outs = []
    for p, out, err in caps:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
        out.seek(0)
        err.seek(0)
        outs.append((out.read(), err.read(), p.returncode))
        out.close()
        err.close()
    assert sum(got) == SIZE
    for out, err, _ in outs:                    # every packet was seen
        assert not re.search(r"dropped|descart", err), err
    reads = [r for r in reads if r[1] < sent_us]     # during the transfer
    for i, (out, err, _) in enumerate(outs):       # kept for a post-mortem
        with open(f"/tmp/{NET}-{port}-cap{i}.out", "w") as f:
            f.write(out + err)
    return outs, reads


def samples(json_out):
    return [o for o in map(json.loads, json_out.splitlines())
            if o["type"] == "tcp_info"]


def sender(objs):
    """ana's socket (to srv) samples, by time."""
    return sorted((o for o in objs if o["dir"] == "to_server"),
                  key=lambda o: o["abs_us"])


def congestion_events(objs):
    """Entries into CWR, recovery or loss (a repeated RTO counts again) the
    tracepoint reported, per socket."""
    last, n = {}, 0
    for o in sorted(objs, key=lambda o: o["abs_us"]):
        if o["source"] != "tracepoint" or o["event"] != "cong_state":
            continue
        st, prev = o["ca_state"], last.get(o["cookie"], "open")
        if st in ("cwr", "recovery", "loss") and (st != prev or st == "loss"):
            n += 1
        last[o["cookie"]] = st
    return n


def test_runs_clean(transfer, blackout):
    (outs, _), before = transfer
    for out, err, rc in outs + blackout:
        assert rc == 0, err
        assert "polling only" not in err, err
    # An instance whose chatcap still runs belongs to another capture on
    # the machine; one whose chatcap has ended was left behind.
    left = [i for i in set(os.listdir(INSTANCES)) - before
            if not os.path.exists(f"/proc/{i.split('-')[1]}")]
    assert not left, f"a tracefs instance was left behind: {left}"


def test_both_sources_sample_the_sender(transfer):
    (outs, _), _ = transfer
    objs = sender(samples(outs[0][0]))
    polled = [o for o in objs if o["source"] == "poll"]
    traced = [o for o in objs if o["source"] == "tracepoint"]
    assert len(polled) >= 5 and len(traced) >= 5
    assert all(o["cc"] == "reno" for o in polled)
    assert all(o["rto_us"] is not None and o["ca_state"] is not None
               for o in polled)
    assert all(o["conv"] == 1 and o["dst"] == f"{SRV4}:{PORT}"
               for o in objs)


def near(objs, t0, t1):
    """The samples taken while [t0, t1], with the last before and the first
    after: what was true at a moment between t0 and t1. (A tracepoint
    sample shows the state before its ACK is processed, that is, as it was
    since the sample before.)"""
    i = max([k for k, o in enumerate(objs) if o["abs_us"] <= t0], default=0)
    j = min([k for k, o in enumerate(objs) if o["abs_us"] >= t1],
            default=len(objs) - 1)
    return objs[i:j + 1]


def current_ssthresh(cwnd, ssthresh, ca_state):
    """What tcp_probe reports as ssthresh: the kernel's
    tcp_current_ssthresh(), max(ssthresh, 3/4 cwnd) outside a window
    reduction (CWR, recovery)."""
    if ca_state in ("cwr", "recovery") or ssthresh is None:
        return ssthresh
    return max(ssthresh, (cwnd >> 1) + (cwnd >> 2))


def test_samples_equal_ss(transfer):
    (outs, reads), _ = transfer
    objs = [o for o in sender(samples(outs[0][0])) if o["event"] == "state"]
    polled = [o for o in objs if o["source"] == "poll"]
    traced = [o for o in objs if o["source"] == "tracepoint"]
    assert len(reads) >= 3, "ss read the connection too few times"
    for t0, t1, cwnd, ssth in reads:
        seen = {(o["cwnd"], o["ssthresh"]) for o in near(polled, t0, t1)}
        alt = {current_ssthresh(cwnd, ssth, ca) for ca in ("open", "recovery")}
        seen_t = {(o["cwnd"], o["ssthresh"]) for o in near(traced, t0, t1)}
        assert (cwnd, ssth) in seen or \
            any((cwnd, a) in seen_t for a in alt), \
            (t0, t1, cwnd, ssth, seen, seen_t)


def test_tracepoint_and_poll_agree(transfer):
    (outs, _), _ = transfer
    objs = sender(samples(outs[0][0]))
    traced = [o for o in objs if o["source"] == "tracepoint"
              and o["event"] == "state"]
    # tcp_probe fires on segments received in ESTABLISHED only: after the
    # sender's FIN, polling alone goes on.
    polled = [o for o in objs if o["source"] == "poll"
              and o["abs_us"] < traced[-1]["abs_us"]]
    assert len(polled) >= 5
    for p in polled:               # the kernel read it between these two
        seen = {(o["cwnd"], o["ssthresh"])
                for o in near(traced, p["asked_us"], p["abs_us"])}
        # tcp_probe's threshold depends on the state when it fires, and
        # the state may change between the poll and that segment (a RACK
        # or TLP timer; or the poll reading a socket in the middle of an
        # ACK): the raw threshold or max(it, 3/4 cwnd), the same cwnd.
        want = {(p["cwnd"], current_ssthresh(p["cwnd"], p["ssthresh"], ca))
                for ca in ("open", "recovery")}
        assert want & seen, (p, seen)


def test_text_marks_every_congestion_event(transfer):
    (outs, _), _ = transfer
    events = congestion_events(samples(outs[0][0]))
    assert events >= 1, "the bottleneck caused no congestion event"
    en = [l for l in outs[1][0].splitlines() if " kernel: congestion (" in l]
    es = [l for l in outs[2][0].splitlines()
          if " n\u00facleo: congesti\u00f3n (" in l]
    assert len(en) == events, outs[1][0]
    assert len(es) == events, outs[2][0]
    assert any("fast recovery" in l for l in en)
    assert any("recuperaci\u00f3n r\u00e1pida" in l for l in es)


def test_reading_the_capture_shows_the_samples_kept_beside_it(transfer):
    (outs, _), _ = transfer
    events = congestion_events(samples(outs[0][0]))
    p = subprocess.run([program("chatcap"), "-r", SAVED, "--tcp-port",
                        str(PORT), "--lang", "en", "--width", "0"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    en = [l for l in p.stdout.splitlines() if " kernel: congestion (" in l]
    assert len(en) == events, p.stdout
    p = subprocess.run([program("chatcap"), "-r", SAVED, "--tcp-port",
                        str(PORT), "--json"],
                       capture_output=True, text=True, timeout=60)
    kept = [o for o in samples(p.stdout) if o["dir"] == "to_server"]
    assert congestion_events(kept) == events


def test_a_file_without_samples_says_so(tmp_path):
    p = subprocess.run([program("chatcap"), "-r",
                        os.path.join(os.path.dirname(__file__), "..",
                                     "fixtures", "lab.pcapng"),
                        "--tcp-info", "--lang", "en", "--summary"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "cannot be read from a file" in p.stderr


def test_blackout_shows_rto_doubling(blackout):
    events = congestion_events(samples(blackout[0][0]))
    lines = [l for l in blackout[1][0].splitlines()
             if " kernel: congestion (" in l]
    assert len(lines) == events, blackout[1][0]
    rto = [l for l in lines if "(RTO fired)" in l]
    assert len(rto) >= 2, lines
    assert all(re.search(r": cwnd 1,", l) for l in rto[:-1]), rto

    def ms(text):
        v, unit = re.match(r"([\d.]+) (ms|s)", text).groups()
        return float(v) * (1000 if unit == "s" else 1)
    pairs = [re.search(r"rto (\S+ m?s) \S+ (\S+ m?s)", l).groups()
             for l in rto[:-1]]
    assert all(abs(ms(b) - 2 * ms(a)) < 1 for a, b in pairs), rto


@pytest.mark.skipif(shutil.which("tshark") is None, reason="no tshark")
def test_pcapng_comments_carry_the_kernel_lines(transfer):
    (outs, _), _ = transfer
    p = subprocess.run(["tshark", "-r", SAVED, "-Y", "frame.comment", "-T",
                        "fields", "-e", "frame.comment"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    noted = [l.strip() for c in p.stdout.splitlines()
             for l in c.split("\\n") if " kernel: " in l]
    shown = {l.strip() for l in outs[1][0].splitlines() if " kernel: " in l}
    assert len(noted) >= 3
    assert sum(" kernel: congestion (" in l for l in noted) >= 1
    assert set(noted) <= shown, set(noted) - shown


def test_stevens_graph_draws_the_kernels_cwnd(transfer, tmp_path):
    (outs, _), _ = transfer
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text(outs[0][0])
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    dat = subprocess.run(["python3", os.path.join(root, "labs", "plots",
                                                  "json2dat.py"),
                          "tseq", str(jsonl)], capture_output=True,
                         text=True, check=True).stdout
    blocks = [[l.split() for l in b.splitlines() if l and l[0] != "#"]
              for b in dat.split("\n\n\n")]
    polled = [o for o in sender(samples(outs[0][0]))
              if o["source"] == "poll"]
    # the connection's MSS: the first sample can precede the handshake
    mss = polled[-1]["mss"]
    assert [int(r[1]) for r in blocks[2]] == [o["cwnd"] * mss
                                              for o in polled]
    assert len(blocks[4]) == congestion_events(samples(outs[0][0]))
    if shutil.which("gnuplot") is not None:
        png = tmp_path / "t.png"
        subprocess.run([os.path.join(root, "labs", "plots", "tseq.sh"),
                        str(jsonl), str(png)], check=True,
                       capture_output=True, timeout=120)
        assert png.stat().st_size > 10000
