"""chatnet: a classroom network of namespaces on this machine. Up, run,
impair, status and down on a network of its own (named rcn-t<pid>, so it
never meets anyone else's), and what each impairment does to real chat
traffic: delay on /ping, loss on UDP against TCP, reordering, duplication,
a rate limit. Timing bounds are wide: the machine is shared.

Needs root and network namespaces (CI has both); skipped otherwise."""
import ctypes
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

NET = f"rcn-t{os.getpid()}"
CLONE_NEWNET = 0x40000000
SRV4 = "10.77.0.1"


def _why_skip():
    if os.geteuid() != 0:
        return "chatnet needs root"
    for tool in ("ip", "tc", "iptables-restore"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (make deps)"
    if subprocess.run(["unshare", "--net", "true"],
                      capture_output=True).returncode != 0:
        return "network namespaces are not available here"
    return None


pytestmark = pytest.mark.skipif(_why_skip() is not None,
                                reason=_why_skip() or "")


def chatnet(*args, net=NET, check=True, timeout=30, **kw):
    """Run chatnet on network net; return the CompletedProcess."""
    p = subprocess.run([program("chatnet"), "--net", net, "--lang", "en",
                        *map(str, args)],
                       capture_output=True, text=True, timeout=timeout, **kw)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def ns(host, net=NET):
    return f"{net}-{host}"


def in_host(host, fn, net=NET):
    """Call fn() in a thread that has entered host's network namespace;
    sockets it makes stay in that namespace. Returns fn's result."""
    libc = ctypes.CDLL(None, use_errno=True)
    out = {}

    def body():
        try:
            fd = os.open(f"/run/netns/{ns(host, net)}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns")
            finally:
                os.close(fd)
            out["value"] = fn()
        except Exception as e:          # handed to the caller below
            out["error"] = e
    t = threading.Thread(target=body)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def leftovers(net):
    """Everything of network net still on the machine."""
    found = [f"/run/netns/{n}" for n in os.listdir("/run/netns")
             if n.startswith(net + "-")] if os.path.isdir("/run/netns") else []
    if os.path.isdir("/etc/netns"):
        found += [f"/etc/netns/{n}" for n in os.listdir("/etc/netns")
                  if n.startswith(net + "-")]
    if os.path.exists(f"/run/chatnet/{net}"):
        found.append(f"/run/chatnet/{net}")
    return found


def machine_snapshot():
    """The machine's own links and firewall: chatnet must not touch them."""
    links = subprocess.run(["ip", "-o", "link"], capture_output=True,
                           text=True).stdout
    links = sorted(re.sub(r"^\d+: ", "", l).split()[0]
                   for l in links.splitlines())
    rules = subprocess.run(["iptables-save"], capture_output=True,
                           text=True).stdout
    rules = [l for l in rules.splitlines() if not l.startswith("#")]
    return links, rules


def running(pid):
    """Is pid a live process (not gone, not a zombie)?"""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def server_in(net, pid):
    """Has pid entered the namespace of net's srv yet?"""
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino == \
            os.stat(f"/run/netns/{net}-srv").st_ino
    except FileNotFoundError:
        return False


class Proc:
    """A long-running command on a host (a server), its log in a file."""

    def __init__(self, host, *cmd, tmp="/tmp"):
        self.log = open(f"{tmp}/{NET}-{os.path.basename(cmd[0])}.log", "w+")
        self.p = subprocess.Popen(
            [program("chatnet"), "--net", NET, "run", host, "--", *cmd],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.log.seek(0)
            if re.search(r"listening|escuchando", self.log.read()):
                return
            time.sleep(0.02)
        raise RuntimeError(f"{cmd[0]} did not start")

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.log.close()
        os.unlink(self.log.name)


@pytest.fixture(scope="module")
def net():
    before = machine_snapshot()
    chatnet("down")
    chatnet("up", "--hosts", "ana,sol")
    yield NET
    chatnet("down")
    assert leftovers(NET) == []
    assert machine_snapshot() == before


@pytest.fixture
def clear(net):
    yield
    chatnet("impair", "ana", "--clear")


def pings(n=3):
    """n /ping round trips from ana's tcpchat to srv, in milliseconds."""
    text = "ana\n" + "/ping\n" * n
    p = chatnet("run", "ana", "--", program("tcpchat"), "-h", "srv",
                "--lang", "en", input=text)
    return [float(m) for m in re.findall(r"round trip ([\d.]+) ms", p.stdout)]


# --- the network ---------------------------------------------------------

def test_without_root_one_line_and_status_3():
    net = f"rcn-n{os.getpid()}"
    for cmd in (["up"], ["impair", "ana", "--delay", "1ms"], ["down"]):
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                            "--clear-groups", program("chatnet"), "--net",
                            net, "--lang", "en", *cmd],
                           capture_output=True, text=True)
        assert p.returncode == 3
        assert p.stderr.count("\n") == 1 and "root" in p.stderr
    assert leftovers(net) == []


def test_usage_errors():
    assert chatnet("up", "--hosts", "Ana", net="rcn-u", check=False).returncode == 2
    assert chatnet("up", "--mtu", "100", net="rcn-u", check=False).returncode == 2
    assert chatnet("status", net="rcn-u", check=False).returncode == 4
    assert chatnet("frobnicate", check=False).returncode == 2
    assert leftovers("rcn-u") == []


def test_up_again_changes_nothing_and_names_resolve(net):
    first = chatnet("status").stdout
    chatnet("up", "--hosts", "ana,sol")
    assert chatnet("status").stdout == first
    assert re.search(r"^srv\s+10\.77\.0\.1\s+fd72:6368:6174::1\s", first, re.M)
    assert re.search(r"^ana\s+10\.77\.0\.11\s", first, re.M)
    out = chatnet("run", "ana", "--", "getent", "ahosts", "srv").stdout
    assert SRV4 in out and "fd72:6368:6174::1" in out
    mtu = chatnet("run", "sol", "--", "cat", "/sys/class/net/eth0/mtu").stdout
    assert mtu.strip() == "1500"


def test_unknown_host_is_status_4(net):
    assert chatnet("run", "zoe", "--", "true", check=False).returncode == 4
    assert chatnet("impair", "zoe", "--delay", "1ms",
                   check=False).returncode == 4


# --- impairments ---------------------------------------------------------

@pytest.fixture(scope="module")
def tcpchatd(net):
    s = Proc("srv", program("tcpchatd"), "--rate-limit", "0")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def udpchatd(net):
    s = Proc("srv", program("udpchatd"), "--rate-limit", "0")
    yield s
    s.stop()


def test_delay_40ms_makes_ping_80ms_and_clear_undoes_it(tcpchatd, clear):
    assert max(pings(1)) < 20
    p = chatnet("impair", "ana", "--delay", "40ms")
    assert re.search(r"delay 40ms .*\((netem|userspace impairer)", p.stdout)
    assert "delay 40ms" in chatnet("status").stdout
    rtts = pings(3)
    assert len(rtts) == 3 and all(60 <= r <= 100 for r in rtts), rtts
    chatnet("impair", "ana", "--clear")
    assert max(pings(1)) < 20
    rules = chatnet("run", "ana", "--", "iptables-save").stdout
    assert "NFQUEUE" not in rules


def test_netem_path_where_the_kernel_has_it(tcpchatd, clear):
    p = chatnet("impair", "ana", "--via", "netem", "--delay", "40ms",
                check=False)
    if p.returncode != 0:
        # No sch_netem: one clear line, and the host is left unimpaired.
        assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
        assert re.search(r"^ana\s.*\snone$", chatnet("status").stdout, re.M)
        pytest.skip("this kernel has no sch_netem: " + p.stderr.strip())
    assert "(netem)" in p.stdout
    rtts = pings(3)
    assert all(60 <= r <= 100 for r in rtts), rtts


def test_handshake_rtt_seen_on_srv_agrees(tcpchatd, clear):
    chatnet("impair", "ana", "--delay", "40ms")
    cap = subprocess.Popen([program("chatnet"), "--net", NET, "cap", "srv",
                            "--json", "-c", "3"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        cap.stderr.readline()                   # capturing on eth0 ...
        pings(1)
        out, _ = cap.communicate(timeout=20)
    finally:
        cap.kill()
    summary = json.loads(out.strip().splitlines()[-1])
    rtt = summary["connections"][0]["syn_to_ack_us"]
    assert 60000 <= rtt <= 100000, summary


def send_udp_chat(host, nick, port=5001):
    """A UDP chat socket on host, registered with the server as nick."""
    def make():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((SRV4, port))
        s.settimeout(5)
        s.send(nick.encode())
        while b"idle-timeout" not in s.recv(4096):
            pass
        return s
    return in_host(host, make)


class Receiver:
    """Reads a socket in a thread from now on (so its buffer never fills)
    until a quiet spell; .numbers() are what pattern captured."""

    def __init__(self, sock, pattern, quiet=1.5):
        self.sock, self.pattern, self.got = sock, pattern, []
        sock.settimeout(quiet)
        self.thread = threading.Thread(target=self._read)
        self.thread.start()

    def _read(self):
        try:
            while True:
                self.got += re.findall(self.pattern, self.sock.recv(65536))
        except socket.timeout:
            pass

    def numbers(self):
        self.thread.join(timeout=30)
        return [int(x) for x in self.got]


def test_loss_20_percent_udp_binomial_tcp_all(udpchatd, tcpchatd, clear):
    sol = send_udp_chat("sol", "sol")
    ana = send_udp_chat("ana", "ana")
    chatnet("impair", "ana", "--loss", "20%", "--seed", "14")
    n, rx = 2000, Receiver(sol, rb"ana: m(\d+)")
    for i in range(n):
        ana.send(f"m{i}".encode())
        if i % 50 == 49:
            time.sleep(0.02)                    # a pace the sockets keep up with
    got = rx.numbers()
    lost = n - len(set(got))
    # Binomial(2000, 0.2): mean 400, sd 17.9; 99.9 % two-sided is 3.29 sd.
    assert 341 <= lost <= 459, lost
    ana.close()
    sol.close()

    def tcp(host, nick):
        def make():
            c = socket.create_connection((SRV4, 5000), timeout=30)
            c.sendall(nick.encode() + b"\n")
            return c
        return in_host(host, make)
    rx, tx = tcp("sol", "solt"), tcp("ana", "anat")
    tx.sendall(b"".join(b"t%d\n" % i for i in range(n)))
    data, deadline = b"", time.monotonic() + 40
    while b"anat: t%d\n" % (n - 1) not in data and time.monotonic() < deadline:
        data += rx.recv(65536)
    assert [int(x) for x in re.findall(rb"anat: t(\d+)", data)] == list(range(n))
    rx.close()
    tx.close()


def test_reorder_with_delay_chatbench_counts_it(udpchatd, clear):
    chatnet("impair", "ana", "--reorder", "25%", "--delay", "20ms",
            "--seed", "7")
    p = chatnet("run", "ana", "--", program("chatbench"), "--udp", "-h",
                "srv", "--clients", "2", "--senders", "1", "--messages", "300",
                "--rate", "200", "--json")
    r = json.loads(p.stdout)
    assert r["delivered"] == r["expected"] == 300
    assert r["reordered"] > 20, r


def test_dup_5_percent_reaches_the_server(clear, net):
    chatnet("impair", "ana", "--dup", "5%", "--seed", "5")
    rx = in_host("srv", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    rx.bind((SRV4, 6001))
    tx = in_host("ana", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    n, r = 1000, Receiver(rx, rb"d(\d+)", quiet=1)
    for i in range(n):
        tx.sendto(b"d%d" % i, (SRV4, 6001))
        if i % 50 == 49:
            time.sleep(0.01)
    got = r.numbers()
    extra = len(got) - len(set(got))
    assert set(got) == set(range(n))
    # Binomial(1000, 0.05): mean 50, sd 6.9.
    assert 27 <= extra <= 73, extra
    rx.close()
    tx.close()


def test_rate_1mbit_burst_of_1mb_takes_about_8s(clear, net):
    assert "(tbf)" in chatnet("impair", "ana", "--rate", "1mbit").stdout
    srv = in_host("srv", lambda: socket.create_server((SRV4, 6000)))
    size, took = 1 << 20, {}

    def receive():
        c, _ = srv.accept()
        t0, total = time.monotonic(), 0
        while (chunk := c.recv(65536)):
            total += len(chunk)
        took["s"], took["bytes"] = time.monotonic() - t0, total
        c.close()
    t = threading.Thread(target=receive)
    t.start()
    tx = in_host("ana", lambda: socket.create_connection((SRV4, 6000)))
    tx.sendall(bytes(size))
    tx.close()
    t.join(timeout=30)
    srv.close()
    assert took["bytes"] == size
    assert 6.4 <= took["s"] <= 9.6, took


# --- teardown, also after a crash ----------------------------------------

def test_down_after_kill_mid_way_leaves_nothing():
    net = f"rcn-k{os.getpid()}"
    before = machine_snapshot()
    hosts = ",".join(f"h{i}" for i in range(30))
    p = subprocess.Popen([program("chatnet"), "--net", net, "up", "--hosts",
                          hosts], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while len(leftovers(net)) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    p.kill()
    p.wait()
    assert leftovers(net) != []                 # it was killed mid-way
    chatnet("down", net=net)
    assert leftovers(net) == []
    assert machine_snapshot() == before


def test_ctrl_c_during_up_undoes_it():
    net = f"rcn-c{os.getpid()}"
    hosts = ",".join(f"h{i}" for i in range(30))
    p = subprocess.Popen([program("chatnet"), "--net", net, "up", "--hosts",
                          hosts], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while len(leftovers(net)) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 1, err
    assert leftovers(net) == []


def test_down_stops_the_impairer_and_servers():
    net = f"rcn-d{os.getpid()}"
    chatnet("up", "--hosts", "ana", net=net)
    chatnet("impair", "ana", "--delay", "5ms", "--loss", "1%", net=net)
    with open(f"/run/chatnet/{net}/impaird-ana.pid") as f:
        pid = int(f.read())
    assert running(pid)
    server = subprocess.Popen([program("chatnet"), "--net", net, "run", "srv",
                               "--", "sleep", "60"])
    deadline = time.monotonic() + 5
    while not server_in(net, server.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    with open(f"/run/chatnet/{net}/impaird-ana.log") as f:
        assert not re.search(r"Sanitizer|runtime error", f.read())
    chatnet("down", net=net)
    assert server.wait(timeout=10) is not None
    assert not running(pid)
    assert leftovers(net) == []
    assert "nothing" in chatnet("down", net=net).stdout


BURST = 800            # messages, 200 bytes each, one every 5 ms


def tcp_burst_captured(tmp_path, name):
    """A paced TCP chatbench burst from ana to srv, captured on srv with
    chatcap -w; returns the capture's path. The capture ends as Ctrl-C
    ends it. The sender writes each message on its own (TCP_NODELAY), one
    every 5 ms, so while the impairer holds a segment 20 ms the next ones
    leave beside it: hundreds of segments, several in flight at once,
    however busy the machine (a starved sender catching up merges
    messages, and a burst of few segments shows little reordering)."""
    pcap = tmp_path / name
    cap = subprocess.Popen([program("chatnet"), "--net", NET, "cap", "srv",
                            "-w", str(pcap), "--summary"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        cap.stderr.readline()                   # capturing on eth0 ...
        p = chatnet("run", "ana", "--", program("chatbench"), "-h", "srv",
                    "--clients", "2", "--senders", "1", "--messages",
                    BURST, "--size", "200", "--rate", "200", "--json",
                    timeout=120)
        r = json.loads(p.stdout)
        assert r["delivered"] == r["expected"] == BURST, r   # TCP: all
        assert r["reordered"] == 0 and r["duplicated"] == 0, r
        time.sleep(1)                           # the last ACKs
        cap.send_signal(signal.SIGINT)
        cap.communicate(timeout=20)
    finally:
        cap.kill()
    return pcap


def burst_segments(pcap):
    """Data segments the sender's burst made (ana to srv's port 5000)."""
    t = subprocess.run(["tshark", "-r", str(pcap), "-Y",
                        "tcp.dstport == 5000 && tcp.len > 0"],
                       capture_output=True, text=True, timeout=60,
                       check=True)
    return len(t.stdout.splitlines())


def analysis_counts(pcap, flags):
    """Per flag: chatcap's count (its summary) and tshark's, same file."""
    r = subprocess.run([program("chatcap"), "--json", "--summary", "-r",
                        str(pcap)], capture_output=True, text=True,
                       timeout=60, check=True)
    ours = json.loads(r.stdout.strip().splitlines()[-1])["tcp"]["analysis"]
    out = {}
    for f in flags:
        t = subprocess.run(["tshark", "-r", str(pcap), "-Y",
                            f"tcp.analysis.{f}"], capture_output=True,
                           text=True, timeout=60)
        out[f] = (ours[f], len(t.stdout.splitlines()))
    return out


@pytest.mark.skipif(shutil.which("tshark") is None, reason="no tshark")
def test_reorder_shows_out_of_order_tcp_as_tshark_does(tcpchatd, clear,
                                                        tmp_path):
    chatnet("impair", "ana", "--reorder", "25%", "--delay", "20ms",
            "--seed", "11")
    pcap = tcp_burst_captured(tmp_path, "reorder.pcap")
    n = burst_segments(pcap)
    assert n >= BURST // 4, (
        f"precondition: the burst of {BURST} messages left ana as only {n} "
        f"data segments (want {BURST // 4} or more); reordering 25 % of so "
        "few need not show")
    c = analysis_counts(pcap, ["out_of_order"])
    ours, theirs = c["out_of_order"]
    print("out_of_order (chatcap, tshark):", c, "segments:", n)
    assert ours == theirs and ours > 0, c


@pytest.mark.skipif(shutil.which("tshark") is None, reason="no tshark")
def test_dup_shows_duplicate_tcp_segments_as_tshark_does(tcpchatd, clear,
                                                         tmp_path):
    chatnet("impair", "ana", "--dup", "5%", "--seed", "12")
    c = analysis_counts(tcp_burst_captured(tmp_path, "dup.pcap"),
                        ["retransmission", "spurious_retransmission",
                         "duplicate_ack"])
    print("dup (chatcap, tshark):", c)
    assert all(a == b for a, b in c.values()), c
    assert sum(a for a, _ in c.values()) > 0, c


# --- errors that name the fix; settings kept; status tells the truth ------

WORDS = {
    "en": {"dealy": "unknown option --dealy (did you mean --delay?)",
           "time": "--delay 50xs: not a time (use 50ms, 1s)",
           "loss": "--loss 150%: loss is 0–100 %",
           "jitter": "--jitter needs a delay to act on (add --delay",
           "value": "--delay needs a value",
           "host": r"no host an\x1b[31ma in network",
           "died": "none: the impairer of \"delay 20ms",
           "unimpaired": "packets pass unimpaired (chatnet impair ana "
                         "restarts it)"},
    "es": {"dealy": "opción desconocida --dealy (¿querías decir --delay?)",
           "time": "--delay 50xs: no es un tiempo (usa 50ms, 1s)",
           "loss": "--loss 150%: la pérdida va de 0 a 100 %",
           "jitter": "--jitter necesita un retardo sobre el que actuar "
                     "(añade --delay",
           "value": "--delay necesita un valor",
           "host": r"no hay ningún equipo an\x1b[31ma en la red",
           "died": "ninguna: murió el degradador de \"delay 20ms",
           "unimpaired": "los paquetes pasan sin degradar (chatnet impair "
                         "ana lo reinicia)"},
}


def ana_row(status):
    """ana's line of chatnet status."""
    return next(l for l in status.splitlines() if l.startswith("ana "))


def said(lang, *args, net=NET):
    """chatnet's stderr for args in lang; it must refuse them (status 2 or
    4) and write no control byte but the newline."""
    p = subprocess.run([program("chatnet"), "--net", net, "--lang", lang,
                        *args], capture_output=True, text=True, timeout=30)
    assert p.returncode in (2, 4), (args, p.returncode, p.stdout, p.stderr)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", p.stderr), p.stderr
    return p.stderr


@pytest.mark.parametrize("lang", ["en", "es"])
def test_errors_name_the_problem_and_the_fix(net, clear, lang):
    w = WORDS[lang]
    assert w["dealy"] in said(lang, "impair", "ana", "--dealy", "50ms")
    assert w["time"] in said(lang, "impair", "ana", "--delay", "50xs")
    assert w["loss"] in said(lang, "impair", "ana", "--loss", "150%")
    assert w["jitter"] in said(lang, "impair", "ana", "--jitter", "10ms")
    assert w["value"] in said(lang, "impair", "ana", "--delay")
    top = said(lang, "--vrebose", "status")
    assert w["dealy"].replace("dealy", "vrebose").replace("delay",
                                                          "verbose") in top
    assert ana_row(chatnet("status").stdout).endswith("none")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_run_a_command_that_is_not_there(net, lang):
    p = subprocess.run([program("chatnet"), "--net", NET, "--lang", lang,
                        "run", "ana", "--", "nosuch\x1bprog", "x"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 127, (p.returncode, p.stderr)
    assert p.stderr == {
        "en": "chatnet: nosuch\\x1bprog: command not found (installed? "
              "in PATH?)\n",
        "es": "chatnet: nosuch\\x1bprog: no se encuentra la orden "
              "(¿instalada? ¿en el PATH?)\n"}[lang]
    ok = subprocess.run([program("chatnet"), "--net", NET, "run", "ana",
                         "--", "sh", "-c", "exit 7"], timeout=30)
    assert ok.returncode == 7          # otherwise the command's own status


@pytest.mark.parametrize("lang", ["en", "es"])
def test_control_bytes_in_names_are_escaped(net, lang):
    assert WORDS[lang]["host"] in said(lang, "impair", "an\x1b[31ma",
                                       "--delay", "1ms")
    assert r"a\x07b" in said(lang, "up", "--hosts", "a\x07b", net="rcn-e")
    assert r"--x\x1b[2J" in said(lang, "impair", "ana", "--x\x1b[2J")
    assert r"\x1b" in said(lang, "fr\x1bob")
    assert leftovers("rcn-e") == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_too_many_hosts_is_said_as_such(lang):
    hosts = ",".join(f"h{i}" for i in range(64))    # 64 good names
    err = said(lang, "up", "--hosts", hosts, net="rcn-e")
    assert {"en": "--hosts: at most 63 hosts besides srv",
            "es": "--hosts: 63 equipos como mucho además de srv"}[lang] in err
    assert "lowercase" not in err and "minúscula" not in err
    assert leftovers("rcn-e") == []


def in_lang(lang, *args):
    """chatnet's stdout for args in lang (it must succeed)."""
    p = subprocess.run([program("chatnet"), "--net", NET, "--lang", lang,
                        *args], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.parametrize("lang", ["en", "es"])
def test_loss_with_a_space_before_the_percent_sign(net, clear, lang):
    assert "loss 10% seed 3" in in_lang(lang, "impair", "ana", "--loss", "10",
                                        "%", "--seed", "3")
    assert "loss 10% seed 3" in ana_row(in_lang(lang, "status"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_impair_keeps_earlier_settings_unless_clear(net, clear, lang):
    in_lang(lang, "impair", "ana", "--delay", "20ms", "--seed", "9")
    out = in_lang(lang, "impair", "ana", "--loss", "10%")
    assert "delay 20ms loss 10% seed 9" in out
    out = in_lang(lang, "impair", "ana", "--jitter", "5ms")  # delay kept
    assert "delay 20ms jitter 5ms loss 10% seed 9" in out
    out = in_lang(lang, "impair", "ana", "--clear", "--loss", "5%", "--seed",
                  "2")
    assert "ana: loss 5% seed 2" in out and "delay" not in out
    out = in_lang(lang, "impair", "ana", "--loss", "0")
    assert out == {"en": "ana: no impairment\n",
                   "es": "ana: sin degradación\n"}[lang]
    assert ana_row(in_lang(lang, "status")).endswith(
        {"en": "none", "es": "ninguna"}[lang])


def test_impair_keeps_nothing_it_is_given_however_often(net, clear):
    """An option given many times is still given: what follows it on the
    command line is never replaced by the kept setting."""
    in_lang("en", "impair", "ana", "--delay", "20ms", "--seed", "9")
    out = in_lang("en", "impair", "ana", *["--seed", "9"] * 16,
                  "--loss", "10%")
    assert "delay 20ms loss 10% seed 9" in out


def test_egress_kept_until_clear(net, clear):
    """--egress is a setting like the others: kept by a later impair,
    dropped only by --clear (chatnet(1))."""
    in_lang("en", "impair", "ana", "--delay", "20ms", "--egress")
    assert "egress" in in_lang("en", "impair", "ana", "--loss", "10%")
    out = in_lang("en", "impair", "ana", "--clear", "--delay", "20ms")
    assert "delay 20ms" in out and "egress" not in out


@pytest.mark.parametrize("lang", ["en", "es"])
def test_status_names_the_mechanism_in_its_language(net, clear, lang):
    in_lang(lang, "impair", "ana", "--delay", "20ms", "--seed", "4")
    row = ana_row(in_lang(lang, "status"))
    how = re.search(r"seed 4 \((.*)\)$", row).group(1)
    assert how in ("netem", "nfqueue, " + {"en": "no", "es": "sin"}[lang]
                   + " sch_netem"), row


def test_chatnet_net_from_the_environment(net):
    p = subprocess.run([program("chatnet"), "--lang", "en", "status"],
                       capture_output=True, text=True,
                       env=dict(os.environ, CHATNET_NET=NET))
    assert p.returncode == 0 and p.stdout.startswith(f"network {NET}:")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_status_after_the_impairer_is_killed(tcpchatd, clear, lang):
    chatnet("impair", "ana", "--via", "nfqueue", "--delay", "20ms",
            "--seed", "1")
    # 2 x 20 ms at least; a busy machine may add more, never take away
    assert all(38 <= r < 1000 for r in pings(2))
    with open(f"/run/chatnet/{NET}/impaird-ana.pid") as f:
        pid = int(f.read())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    status = subprocess.run([program("chatnet"), "--net", NET, "--lang",
                             lang, "status"], capture_output=True,
                            text=True, check=True).stdout
    ana = ana_row(status)
    assert WORDS[lang]["died"] in ana and WORDS[lang]["unimpaired"] in ana
    assert "(nfqueue" not in ana
    # what the status says: unimpaired. Impaired, no round trip is under
    # 38 ms; a busy machine may slow some of these, so the quickest counts
    rtts = pings(3)
    assert len(rtts) == 3 and min(rtts) < 38, rtts
    chatnet("impair", "ana")            # restarts it with what was kept
    assert "delay 20ms seed 1 (nfqueue" in chatnet("status").stdout
    assert all(38 <= r < 1000 for r in pings(2))


def test_egress_only_what_the_host_sends(tcpchatd, clear):
    p = chatnet("impair", "ana", "--delay", "40ms", "--egress")
    assert "delay 40ms" in p.stdout and "egress" in p.stdout
    rules = chatnet("run", "ana", "--", "iptables-save").stdout
    if "NFQUEUE" in rules:                  # the userspace impairer
        assert "-A OUTPUT -o eth0 -j CHATNET" in rules
        assert "-A INPUT" not in rules
    # once, not twice: a busy machine may add, never take away
    rtts = pings(3)
    assert len(rtts) == 3 and min(rtts) >= 38 and min(rtts) < 75, rtts
    assert "egress" in ana_row(chatnet("status").stdout)
