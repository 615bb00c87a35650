"""chatnet's congestion-control settings: `up --cc ALG` sets every host's
TCP algorithm (the namespace's net.ipv4.tcp_congestion_control), `impair
HOST --cc ALG` one host's, and `impair HOST --bottleneck RATE --queue
BYTES` a token bucket on the bridge's side of HOST's link only, which a
bulk transfer to HOST then runs at; --clear removes it. Needs root and
network namespaces; skipped otherwise."""
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

from redchat import program
from test_chatnet import in_host as in_net_host

NET = f"rcc{os.getpid()}"
PORT = 24000 + (os.getpid() + 7) % 20000
SRV4 = "10.77.0.1"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("tc") is None or
    subprocess.run(["unshare", "--net", "true"],
                   capture_output=True).returncode != 0,
    reason="needs root, tc and network namespaces")


def chatnet(*args, check=True):
    p = subprocess.run([program("chatnet"), "--net", NET, "--lang", "en",
                        *map(str, args)], capture_output=True, text=True,
                       timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def cc_of(host):
    return subprocess.run(["ip", "netns", "exec", f"{NET}-{host}", "sysctl",
                           "-n", "net.ipv4.tcp_congestion_control"],
                          capture_output=True, text=True,
                          check=True).stdout.strip()


def qdisc(ns, dev):
    return subprocess.run(["tc", "-n", ns, "qdisc", "show", "dev", dev],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def net():
    chatnet("up", "--hosts", "ana,luis", "--cc", "reno")
    try:
        yield
    finally:
        chatnet("down", check=False)


def test_up_sets_every_hosts_algorithm(net):
    assert [cc_of(h) for h in ("srv", "ana", "luis")] == ["reno"] * 3


def test_impair_sets_one_hosts_algorithm(net):
    out = chatnet("impair", "ana", "--cc", "cubic").stdout
    assert "congestion control cubic" in out
    assert (cc_of("ana"), cc_of("luis")) == ("cubic", "reno")
    chatnet("impair", "ana", "--cc", "reno")


@pytest.mark.parametrize("args", [("--cc", "vegas"), ("--queue", "30000"),
                                  ("--bottleneck", "1mbit", "--queue", "5"),
                                  ("--cc", "reno", "--clear")])
def test_bad_settings_are_refused(net, args):
    p = chatnet("impair", "srv", *args, check=False)
    assert p.returncode != 0 and p.stderr != ""


def transfer_seconds(size):
    """Seconds to send size bytes from ana to srv (the sink reads all)."""
    lsock = in_net_host("srv", lambda: socket.create_server(("", PORT)),
                        net=NET)

    def sink():
        c, _ = lsock.accept()
        with c:
            while c.recv(1 << 16):
                pass
            c.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=sink)
    t.start()
    s = in_net_host("ana", lambda: socket.create_connection((SRV4, PORT),
                                                            timeout=60),
                    net=NET)
    start = time.monotonic()
    s.sendall(b"x" * size)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    took = time.monotonic() - start
    s.close()
    t.join(timeout=60)
    lsock.close()
    return took


def test_bottleneck_is_on_the_bridge_side_only(net):
    out = chatnet("impair", "srv", "--bottleneck", "2mbit", "--queue",
                  "30kb").stdout
    assert "2000 kbit/s" in out and "30720 bytes" in out
    assert "tbf" in qdisc(f"{NET}-bridge", "srv")
    assert "rate 2Mbit" in qdisc(f"{NET}-bridge", "srv")
    assert "tbf" not in qdisc(f"{NET}-srv", "eth0")
    # 400 kB at 2 Mbit/s: 1.6 s at least; a generous bound above.
    took = transfer_seconds(400_000)
    assert 1.5 < took < 30, took
    chatnet("impair", "srv", "--clear")
    assert "tbf" not in qdisc(f"{NET}-bridge", "srv")
    assert transfer_seconds(400_000) < 1.5
