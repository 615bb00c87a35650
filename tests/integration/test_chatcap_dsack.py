"""D-SACK (RFC 2883, section 4) as Wireshark reads it: an ACK's first SACK
block reports bytes received twice when it ends at or below the ACK, or
ends inside the ACK's second block. A block that only starts below the ACK
is not one. chatcap's JSON "dsack" frames must equal tshark's
tcp.options.sack.dsack_le frames on a capture holding each case."""
import json
import os
import shutil
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
TSHARK = shutil.which("tshark")

C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
CPORT, SPORT = 40000, 5000
SYN, ACK, PSH = 0x02, 0x10, 0x08


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def segment(src, seq, ack, flags, payload=b"", sack=()):
    """One IPv4/TCP packet from src (C or S), SACK blocks as (left, right)."""
    dst, sport, dport = (S, CPORT, SPORT) if src == C else (C, SPORT, CPORT)
    opts = b""
    if sack:
        opts = b"\1\1" + bytes([5, 2 + 8 * len(sack)]) + b"".join(
            struct.pack("!II", l, r) for l, r in sack)
    hlen = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hlen // 4) << 4,
                      flags, 65535, 0, 0) + opts + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def packets():
    line = b"hola mundo"[:9] + b"\n"       # 10 bytes
    yield segment(C, 1000, 0, SYN)
    yield segment(S, 5000, 1001, SYN | ACK)
    yield segment(C, 1001, 5001, ACK)
    for seq in (1001, 1011, 1021):
        yield segment(C, seq, 5001, ACK | PSH, line)
    yield segment(S, 5001, 1031, ACK, sack=[(1001, 1011)])   # 7: below
    yield segment(S, 5001, 1031, ACK, sack=[(1021, 1041)])   # 8: straddles
    yield segment(C, 1031, 5001, ACK | PSH, line)
    yield segment(C, 1051, 5001, ACK | PSH, line)            # a hole before
    yield segment(S, 5001, 1041, ACK, sack=[(1051, 1061)])   # 11: plain SACK
    yield segment(S, 5001, 1041, ACK,
                  sack=[(1053, 1057), (1051, 1061)])         # 12: inside 2nd
    yield segment(S, 5001, 1041, ACK,
                  sack=[(1045, 1049), (1051, 1061)])         # 13: beside 2nd
    yield segment(S, 5001, 1041, ACK,
                  sack=[(1045, 1055), (1051, 1061)])         # 14: ends in 2nd


def write_pcap(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i, p in enumerate(packets()):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(p), len(p)) + p)


def test_dsack_frames_equal_tsharks(tmp_path):
    if TSHARK is None:
        pytest.fail("tshark is missing: make deps installs it")
    cap = str(tmp_path / "dsack.pcap")
    write_pcap(cap)
    theirs = [int(x) for x in subprocess.run(
        [TSHARK, "-r", cap, "-Y", "tcp.options.sack.dsack_le", "-T",
         "fields", "-e", "frame.number"], capture_output=True, check=True,
        timeout=60).stdout.split()]
    ours = [p["n"] for p in map(json.loads, subprocess.run(
        [CHATCAP, "--json", "-r", cap], capture_output=True, check=True,
        timeout=60).stdout.splitlines()) if p.get("dsack")]
    assert theirs == [7, 12, 14]            # the capture holds what it claims
    assert ours == theirs
