"""chatcap capturing live on the loopback interface while chat traffic
flows: the handshake, the data and the datagrams must all be seen. Needs
the privilege to capture (root); skipped otherwise. The servers are the
real tcpchatd and udpchatd when built, on ports they choose themselves."""
import json
import os
import select
import signal
import socket
import subprocess
import time

import pytest

import redchat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="capturing needs root")


class Capture:
    """chatcap -i lo --json on the given ports, stopped with Ctrl-C."""

    def __init__(self, tcp_port, udp_port):
        self.proc = subprocess.Popen(
            [CHATCAP, "-i", "lo", "--json", "--tcp-port", str(tcp_port),
             "--udp-port", str(udp_port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10     # wait for "capturing on lo"
        err = b""
        while b"\n" not in err:
            left = deadline - time.monotonic()
            assert left > 0 and select.select([self.proc.stderr], [], [],
                                              left)[0], "chatcap did not start"
            c = os.read(self.proc.stderr.fileno(), 1)
            assert c, "chatcap exited: " + err.decode()
            err += c
        assert b"lo" in err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:     # a failed test: do not leave it
            self.proc.kill()
            self.proc.communicate()

    def stop(self):
        time.sleep(0.2)          # let the last packets reach the capture
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=10)
        assert self.proc.returncode == 0, err
        lines = [json.loads(x) for x in out.splitlines()]
        return lines[:-1], lines[-1]


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recv_line(sock, timeout=5):
    sock.settimeout(timeout)
    data = b""
    while not data.endswith(b"\n"):
        c = sock.recv(4096)
        if not c:
            break
        data += c
    return data


def test_live_python_peers():
    """Loopback sockets of our own: a chat over TCP, a refused connection,
    datagrams over UDP."""
    tport, uport = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
    with Capture(tport, uport) as cap:
        talk(tport, uport)
        packets, s = cap.stop()
    assert s["tcp"]["handshakes"] == 1
    assert s["connections"][0]["syn_to_ack_us"] is not None
    assert s["connections"][0]["state"] == "closed"
    assert s["udp"]["datagrams"] == 2 and s["udp"]["flows"] == 1
    texts = [m["text"] for p in packets for m in p.get("messages", [])]
    assert texts == ["*** Bienvenido", "ana", "luis", "*** hola luis"]


def talk(tport, uport):
    srv = socket.create_server(("127.0.0.1", tport))
    cli = socket.create_connection(("127.0.0.1", tport))
    conn, _ = srv.accept()
    conn.sendall(b"*** Bienvenido\n")
    recv_line(cli)
    cli.sendall(b"ana\n")
    recv_line(conn)
    cli.close()
    conn.close()
    srv.close()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as us, \
         socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as uc:
        us.bind(("127.0.0.1", uport))
        uc.sendto(b"luis\n", ("127.0.0.1", uport))
        _, addr = us.recvfrom(100)
        us.sendto(b"*** hola luis\n", addr)
        uc.recvfrom(100)


def test_live_refused():
    tport = free_port(socket.SOCK_STREAM)   # nothing listens there
    with Capture(tport, free_port(socket.SOCK_DGRAM)) as cap:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", tport), timeout=5)
        _, s = cap.stop()
    assert s["connections"][0]["state"] == "refused"
    assert s["tcp"]["rst"] == 1 and s["tcp"]["refused"] == 1


def test_live_redchat_servers():
    """The real servers. Only what the clients send is checked, and the
    servers' answers are not waited for: the capture is under test here,
    not the servers."""
    for p in ("tcpchatd", "udpchatd"):
        if not os.access(os.path.join(BIN, p), os.X_OK):
            pytest.skip(p + " is not built")
    with redchat.Server("tcpchatd") as tcp, redchat.Server("udpchatd") as udp, \
         Capture(tcp.port, udp.port) as cap:
        cli = socket.create_connection(("127.0.0.1", tcp.port))
        for line in (b"ana\n", b"hola a todos\n", b"/list\n", b"/quit\n"):
            cli.sendall(line)
            time.sleep(0.05)
        cli.close()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            for line in (b"luis\n", b"hola desde UDP\n", b"/quit\n"):
                u.sendto(line, ("127.0.0.1", udp.port))
                time.sleep(0.05)
        packets, s = cap.stop()
    assert s["tcp"]["handshakes"] == 1
    assert s["connections"][0]["syn_to_ack_us"] is not None
    assert s["udp"]["datagrams"] >= 3 and s["udp"]["flows"] == 1
    sent = [(p["proto"], m["role"], m["text"]) for p in packets
            if p.get("dir") == "to_server" for m in p["messages"]]
    assert sent[:3] == [("tcp", "nickname", "ana"),
                        ("tcp", "chat", "hola a todos"),
                        ("tcp", "command", "/list")]
    assert ("udp", "nickname", "luis") in sent
    assert ("udp", "chat", "hola desde UDP") in sent
