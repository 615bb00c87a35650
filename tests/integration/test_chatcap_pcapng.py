"""-w FILE.pcapng: chatcap's explanation of each packet travels to
Wireshark as the packet's comment. tshark reads the comments back
(frame.comment) and they must equal chatcap's text lines, in English and
in Spanish; the section comment names chatcap, the ports and the command.
-w FILE.pcap still writes plain pcap. The comparison needs tshark."""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
TSHARK = shutil.which("tshark")
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def run(*args):
    r = subprocess.run([CHATCAP, "--color=never", *args], env=ENV,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode()


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
@pytest.mark.parametrize("capture,lang", [
    ("tcp_analysis.pcap", "en"), ("lab.pcapng", "es"),
    ("udp_chat.pcap", "en"), ("snaplen64.pcap", "en"),
    ("tcp_retrans.pcap", "es")])
def test_comments_equal_text_lines(tmp_path, capture, lang):
    out = str(tmp_path / "x.pcapng")
    text = run("--lang", lang, "--width", "0", "-r",
               os.path.join(FIXTURES, capture),
               "-w", out).splitlines()
    r = subprocess.run([TSHARK, "-r", out, "-T", "fields", "-e",
                        "frame.comment"], capture_output=True, timeout=60,
                       check=True)
    comments = r.stdout.decode().splitlines()
    assert comments, "no packet written"
    assert comments == text[:len(comments)]
    head = open(out, "rb").read(4096)
    assert head[:4] == b"\x0a\x0d\x0d\x0a"
    assert b"chatcap " in head and b"TCP port 5000, UDP port 5001" in head
    assert out.encode() in head              # the command line


def test_pcap_stays_pcap(tmp_path):
    out = str(tmp_path / "x.pcap")
    run("-r", os.path.join(FIXTURES, "tcp_chat.pcap"), "-w", out, "--summary")
    magic = open(out, "rb").read(4)
    assert magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
    again = run("-r", out, "--json", "--summary")
    orig = run("-r", os.path.join(FIXTURES, "tcp_chat.pcap"), "--json",
               "--summary")
    assert again == orig


def test_pcapng_reads_back_the_same(tmp_path):
    """chatcap reads its own pcapng and says the same as from the source."""
    out = str(tmp_path / "x.pcapng")
    src = os.path.join(FIXTURES, "tcp_analysis.pcap")
    run("-r", src, "-w", out, "--summary")
    assert run("-r", out, "--json") == run("-r", src, "--json")
