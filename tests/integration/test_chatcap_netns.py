"""chatcap against tshark on traffic the real kernel made: two network
namespaces joined by a veth pair (MTU 1500), the servers in one, clients
in the other, labs/loss.sh's nftables rules dropping a share of the chat
packets on their way in to the server, a client that stops reading, a
6,007-byte UDP datagram (IP fragments) and a datagram to a port where
nothing listens yet (ICMP). chatcap captures it live (-i, -w); then, on
that file, chatcap's TCP analysis, ack RTTs and duplicate ACKs must equal
tshark's frame by frame, and the UDP datagrams and ICMP errors must agree.

Needs root, ip, nft and tshark; skipped otherwise. Every namespace and
rule it adds carries this process's id and is removed at the end."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
TSHARK = shutil.which("tshark")
ID = os.getpid() % 60000
NS_C, NS_S = "rccapc%d" % ID, "rccaps%d" % ID
IP_C, IP_S = "10.%d.%d.1" % (200 + ID % 50, ID % 250), \
    "10.%d.%d.2" % (200 + ID % 50, ID % 250)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or TSHARK is None or shutil.which("ip") is None or
    shutil.which("nft") is None,
    reason="needs root, ip, nft and tshark")


def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, timeout=30, check=check)


def in_ns(ns, *args):
    return ["ip", "netns", "exec", ns, *args]


@pytest.fixture
def net():
    sh("ip", "netns", "add", NS_C)
    sh("ip", "netns", "add", NS_S)
    try:
        sh("ip", "link", "add", "rcc%d" % ID, "netns", NS_C, "type", "veth",
           "peer", "name", "rcs%d" % ID, "netns", NS_S)
        for ns, dev, ip in ((NS_C, "rcc%d" % ID, IP_C),
                            (NS_S, "rcs%d" % ID, IP_S)):
            sh(*in_ns(ns, "ip", "addr", "add", ip + "/24", "dev", dev))
            sh(*in_ns(ns, "ip", "link", "set", dev, "mtu", "1500", "up"))
            sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))
        rules = sh(os.path.join(ROOT, "labs", "loss.sh"), "rules",
                   "rccap_loss", "4", "5000", "5001").stdout
        subprocess.run(in_ns(NS_S, "nft", "-f", "-"), input=rules,
                       check=True, timeout=30)
        yield
    finally:
        sh("ip", "netns", "del", NS_C, check=False)   # veth and rules go too
        sh("ip", "netns", "del", NS_S, check=False)


def client_traffic():
    """Run in the client namespace (see test): chat, a stalled reader,
    UDP big and refused."""
    code = r'''
import socket, sys, time
ip = sys.argv[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"nadie\n", (ip, 5001))            # no server yet: ICMP
time.sleep(0.3)
open(sys.argv[2], "w").write("go")           # the server may start now
time.sleep(1.0)
lazy = socket.create_connection((ip, 5000))
lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
lazy.sendall(b"lazy\n")                      # joins, then never reads
a = socket.create_connection((ip, 5000))
a.sendall(b"ana\n")
time.sleep(0.2)
for i in range(400):
    a.sendall(b"hola %d %s\n" % (i, b"x" * 600))
    if i % 40 == 0:
        time.sleep(0.05)
time.sleep(2.0)
u.sendto(b"carla\n", (ip, 5001))
time.sleep(0.2)
u.sendto(b"y" * 6007, (ip, 5001))           # fragments on a 1500 MTU
time.sleep(0.2)
u.sendto(b"adios\n", (ip, 5001))
time.sleep(0.5)
a.sendall(b"/salir\n")
time.sleep(0.5)
a.close()
lazy.close()
'''
    return code


def wait_capturing(proc):
    """Until chatcap says it captures (its filter is set), however busy
    the machine."""
    import select
    err, deadline = b"", time.monotonic() + 30
    while b"captur" not in err or not err.endswith(b"\n"):
        left = deadline - time.monotonic()
        assert left > 0 and select.select([proc.stderr], [], [], left)[0], \
            "chatcap did not start: " + err.decode()
        c = os.read(proc.stderr.fileno(), 1)
        assert c, "chatcap exited: " + err.decode()
        err += c


def test_kernel_traffic_agrees_with_tshark(net, tmp_path):
    import test_chatcap_analysis as ana

    cap = str(tmp_path / "veth.pcap")
    go = str(tmp_path / "go")
    capture = subprocess.Popen(
        in_ns(NS_C, os.path.join(BIN, "chatcap"), "-i", "rcc%d" % ID, "-w",
              cap, "--summary"), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    servers = []
    try:
        wait_capturing(capture)                  # the capture is open
        client = subprocess.Popen(
            in_ns(NS_C, "/usr/bin/python3", "-c", client_traffic(), IP_S,
                  go))
        for _ in range(100):
            if os.path.exists(go):
                break
            time.sleep(0.05)
        for prog in ("tcpchatd", "udpchatd"):
            servers.append(subprocess.Popen(
                in_ns(NS_S, os.path.join(BIN, prog), "-q", "-b", IP_S,
                      "--rate-limit", "0"),
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        assert client.wait(timeout=60) == 0
        time.sleep(0.5)
    finally:
        for p in servers:
            p.kill()
            p.wait()
        capture.send_signal(signal.SIGINT)
        capture.wait(timeout=30)

    frames, skip, summary = ana.chatcap_frames(cap)
    theirs = ana.tshark_frames(cap)
    assert len(theirs) > 100
    for n in sorted(set(frames) | set(theirs)):
        if n not in skip:
            assert frames.get(n) == theirs.get(n), (n, frames.get(n),
                                                    theirs.get(n))
    flags = summary["tcp"]["analysis"]
    assert flags["retransmission"] + flags["duplicate_ack"] > 0
    assert summary["icmp_errors"] >= 1
    r = subprocess.run([os.path.join(BIN, "chatcap"), "--json", "-r", cap],
                       capture_output=True, timeout=60, check=True)
    pk = [json.loads(x) for x in r.stdout.decode().splitlines()[:-1]]
    ours = {p["n"]: p["len"] for p in pk if p.get("proto") == "udp"}
    out = subprocess.run([TSHARK, "-r", cap, "-Y",
                          "udp.port==5001 && !icmp", "-T", "fields", "-e",
                          "frame.number", "-e", "udp.length"],
                         capture_output=True, timeout=60,
                         check=True).stdout.decode()
    want = {int(a): int(b) - 8 for a, b in
            (x.split("\t") for x in out.splitlines())}
    assert ours == want and 6007 in ours.values()
