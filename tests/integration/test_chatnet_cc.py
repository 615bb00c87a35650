"""chatnet's congestion-control settings: `up --cc ALG` sets every host's
TCP algorithm (the namespace's net.ipv4.tcp_congestion_control), `impair
HOST --cc ALG` one host's, and `impair HOST --bottleneck RATE --queue
BYTES` a token bucket on the bridge's side of HOST's link only, which a
bulk transfer to HOST then runs at; --clear removes it. `status` names each
host's algorithm as its namespace says and the bottleneck in force.
`chatnet cap HOST --tcp-info --html F -w F.pcapng` records the sender's
kernel state during a bulk transfer through the bottleneck and draws it in
the report (Chromium), as -r F.pcapng does with the samples kept beside it. Needs root and
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


def status_rows(lang="en"):
    p = subprocess.run([program("chatnet"), "--net", NET, "--lang", lang,
                        "status"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    rows = {}
    for line in p.stdout.splitlines()[2:]:
        host, _, _, cc, rest = (line.split(None, 4) + [""])[:5]
        rows[host] = (cc, rest)
    return rows


def test_status_names_the_algorithm_and_the_bottleneck(net):
    chatnet("impair", "luis", "--cc", "cubic")
    try:
        rows = status_rows()
        assert {h: r[0] for h, r in rows.items()} == \
            {h: cc_of(h) for h in ("srv", "ana", "luis")} == \
            {"srv": "reno", "ana": "reno", "luis": "cubic"}
        assert rows["srv"][1] == "none"
        chatnet("impair", "srv", "--bottleneck", "3mbit", "--queue", "40000")
        assert "rate 3Mbit" in qdisc(f"{NET}-bridge", "srv")
        assert status_rows()["srv"][1] == ("bottleneck toward it 3000 kbit/s,"
                                           " queue 40000 bytes (tbf, bridge "
                                           "side)")
        assert status_rows("es")["srv"][1].startswith(
            "cuello de botella hacia él 3000 kbit/s, cola de 40000 bytes")
        # with an impairment too, both are named
        chatnet("impair", "srv", "--delay", "5ms", "--bottleneck", "3mbit",
                "--queue", "40000")
        rest = status_rows()["srv"][1]
        assert rest.startswith("delay 5ms") and \
            rest.endswith("; bottleneck toward it 3000 kbit/s, queue 40000 "
                          "bytes (tbf, bridge side)"), rest
        # an impairment alone replaces the bottleneck's qdisc: status says so
        chatnet("impair", "srv", "--clear", "--delay", "5ms")
        assert "tbf" not in qdisc(f"{NET}-bridge", "srv")
        assert "bottleneck" not in status_rows()["srv"][1]
        chatnet("impair", "srv", "--clear")
        assert status_rows()["srv"][1] == "none"
    finally:
        chatnet("impair", "srv", "--clear", check=False)
        chatnet("impair", "luis", "--cc", "reno", check=False)


def test_cap_through_chatnet_draws_the_kernels_state(net, tmp_path):
    from test_chatcap_html import capture_bulk, cwnd_samples, graph_points
    port = PORT + 1
    html, saved = str(tmp_path / "cap.html"), str(tmp_path / "cap.pcapng")
    chatnet("impair", "srv", "--bottleneck", "4mbit", "--queue", "30000")
    sink = subprocess.Popen([program("chatnet"), "--net", NET, "run", "srv",
                             "--", program("chatbench"), "--sink", "-p",
                             str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    err = open(tmp_path / "cap.err", "w+")
    cap = subprocess.Popen([program("chatnet"), "--net", NET, "--lang", "en",
                            "cap", "ana", "--tcp-port", str(port),
                            "--tcp-info", "--html", html, "-w", saved],
                           stdout=subprocess.DEVNULL, stderr=err)
    listening = lambda: f":{port}" in subprocess.run(
        ["ip", "netns", "exec", f"{NET}-srv", "ss", "-tln",
         f"sport = :{port}"], capture_output=True, text=True).stdout
    try:
        capture_bulk(sink, cap, err, listening,
                     [program("chatnet"), "--net", NET, "run", "ana", "--",
                      program("chatbench"), "--bulk", "1000000", "-h", "srv",
                      "-p", str(port)])
    finally:
        chatnet("impair", "srv", "--clear", check=False)
    # one sending connection (-h srv may try IPv6 first: a refused one)
    (key, mine), = [(k, v) for k, v in cwnd_samples(saved, port).items()
                    if k[1] == "to_server"]
    assert len(mine) >= 5
    reread = str(tmp_path / "reread.html")
    r = subprocess.run([program("chatcap"), "--html", reread, "--tcp-port",
                        str(port), "-r", saved], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for path in (html, reread):
        g = graph_points(path)[key]
        assert g["cwnd"] == g["edge"] == len(mine), path
        # 1 MB into a 30 kB queue at 4 Mbit/s: slow start overflows it
        assert g["ssth"] > 0 and g["events"], path
