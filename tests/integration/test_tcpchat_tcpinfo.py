"""tcpchat /tcp: the kernel's tcp_info of the client's own connection, in
words, in both languages, equal to what `ss -tin` says of that socket
(read on an idle connection, where the figures stay put)."""
import re
import shutil
import subprocess

import pytest

from redchat import Server
from redchat_clients import ACCEPTED, Chat

pytestmark = pytest.mark.skipif(shutil.which("ss") is None,
                                reason="ss is not installed")


@pytest.fixture(scope="module")
def server():
    with Server("tcpchatd") as s:
        yield s


def tcp_lines(lang, port):
    """Join, type /tcp, read its five lines; with ss -tin of the same
    socket read while the client is still connected."""
    c = Chat("tcpchat", port, "--lang", lang, nick=f"tcp{lang}")
    try:
        c.expect(ACCEPTED)
        c.send("/tcp")
        first = c.expect(r"^\*\*\* TCP ")
        lines = [first] + [c.readline() for _ in range(4)]
        me = re.search(r"TCP (\S+):(\d+) -> ", first)
        ss = subprocess.run(["ss", "-tin", "src", me.group(1), "sport",
                             "=", f":{me.group(2)}", "dport", "=",
                             f":{port}"],
                            capture_output=True, text=True, timeout=10).stdout
    finally:
        c.kill()
    return "\n".join(lines), ss


def num(pattern, text):
    m = re.search(pattern, text)
    assert m is not None, (pattern, text)
    return float(m.group(1))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_tcp_matches_ss(server, lang):
    out, ss = tcp_lines(lang, server.port)
    assert "cwnd:" in ss, ss
    assert num(r"cwnd (\d+) seg", out) == num(r"\bcwnd:(\d+)", ss)
    assert num(r"MSS (\d+) bytes", out) == num(r"\bmss:(\d+)", ss)
    assert num(r"RTO (\d+) ms", out) == num(r"\brto:(\d+)", ss)
    assert abs(num(r"RTT ([\d.]+) ms", out) -
               num(r"\brtt:([\d.]+)/", ss)) < 0.0015
    assert num(r"MTU\D*(\d+) bytes", out) == num(r"\bpmtu:(\d+)", ss)
    cc = re.search(r"^\s+(\w+) wscale", ss, re.M)
    assert cc is not None, ss
    assert out.splitlines()[0].endswith(f" {cc.group(1)}"), (out, ss)
    cwnd, mss = num(r"cwnd (\d+) seg", out), num(r"MSS (\d+) bytes", out)
    assert num(r"= (\d+) bytes", out) == cwnd * mss
    if re.search(r"\bssthresh:", ss):          # not rcv_ssthresh
        assert num(r"ssthresh (\d+)", out) == num(r"\bssthresh:(\d+)", ss)
    else:
        assert re.search(r"ssthresh (not set|sin fijar)", out)
    words = {"en": ["congestion control", "slow start", "state open",
                    "retransmitted now 0"],
             "es": ["control de congesti\u00f3n", "arranque lento",
                    "estado abierto", "retransmitiendo 0"]}[lang]
    for w in words:
        assert w in out, out
