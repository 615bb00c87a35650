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


def mixed_capture(src, dst):
    """src (Ethernet pcap) with other traffic mixed in: after every third
    packet a datagram to UDP port 9999, and a datagram to that port cut
    into two IP fragments."""
    import struct

    def ip_udp(ident, frag, more, payload, udp=True):
        body = (struct.pack("!HHHH", 40000, 9999, 8 + len(payload), 0)
                if udp else b"") + payload
        off = frag // 8 | (0x2000 if more else 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident,
                         off, 64, 17, 0, bytes([10, 0, 0, 9]),
                         bytes([10, 0, 0, 1]))
        frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + body
        return frame

    data = open(src, "rb").read()
    head, pos, out, n = data[:24], 24, [data[:24]], 0
    assert struct.unpack("<I", head[:4])[0] == 0xa1b2c3d4
    while pos < len(data):
        sec, usec, cap, ln = struct.unpack("<IIII", data[pos:pos + 16])
        out.append(data[pos:pos + 16 + cap])
        pos += 16 + cap
        n += 1
        extra = []
        if n % 3 == 0:
            extra.append(ip_udp(n, 0, False, b"noise %d\n" % n))
        if n == 5:          # 24 + 8 bytes: two fragments
            whole = struct.pack("!HHHH", 40000, 9999, 8 + 40, 0) + b"f" * 40
            extra.append(ip_udp(777, 0, True, whole[:24], udp=False))
            extra.append(ip_udp(777, 24, False, whole[24:], udp=False))
        for f in extra:
            out.append(struct.pack("<IIII", sec, usec, len(f), len(f)) + f)
    open(dst, "wb").write(b"".join(out))
    return len(out) - 1


def fields(path, *names):
    r = subprocess.run([TSHARK, "-r", path, "-T", "fields", "-E",
                        "separator=|"] + [x for f in names for x in ("-e", f)],
                       capture_output=True, timeout=60, check=True)
    return [x.split("|") for x in r.stdout.decode().splitlines()]


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_comments_name_the_saved_files_packets(tmp_path):
    """With other traffic mixed in, every packet read is saved (fragments
    too), so "packet N" in a comment is frame N of the saved file: the
    comment's own number, the ACK a duplicate ACK repeats, the segment a
    loss was sent again in."""
    import re
    mixed, out = str(tmp_path / "m.pcap"), str(tmp_path / "x.pcapng")
    total = mixed_capture(os.path.join(FIXTURES, "tcp_analysis.pcap"), mixed)
    run("--lang", "en", "--width", "0", "-r", mixed, "-w", out, "--summary")
    rows = fields(out, "frame.number", "frame.comment",
                  "tcp.analysis.duplicate_ack_frame",
                  "tcp.analysis.retransmission", "ip.flags.mf")
    assert len(rows) == total                    # every packet, fragments
    assert sum(r[4] == "1" for r in rows) == 1    # the first fragment
    retrans = {r[0] for r in rows if r[3]}
    checked = 0
    for num, comment, dup_of, _, _ in rows:
        m = re.match(r"\s*(\d+) ", comment)
        if m is None:
            continue
        assert m.group(1) == num
        m = re.search(r"duplicate ACK #\d+ of packet (\d+)", comment)
        if m:
            assert m.group(1) == dup_of
            checked += 1
        m = re.search(r"LOST: sent again in packet (\d+)", comment)
        if m:
            assert m.group(1) in retrans
            checked += 1
    assert checked >= 5
