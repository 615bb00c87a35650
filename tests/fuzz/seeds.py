#!/usr/bin/env python3
"""Write the fuzzers' seed corpora into DIR/<fuzzer>/: lines and commands
from the unit and integration tests, UTF-8 edge cases, short room programs,
and every packet of the capture fixtures (tests/fixtures/*.pcap) in
fuzz_cap's input format. Generated, so nothing binary is kept in git.

    tests/fuzz/seeds.py DIR
"""
import glob
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")

LINES = [
    b"hola\n", b"hola\r\n", b"que t", b"al\r\nadios\n", b"x" * 1030 + b"\nok\n",
    b"a" * 1024 + b"\r\n", b"\r\n", b"\n\n\n", b"bob", b"tr\nes\n",
    b"/msg luis hola", b"/privado ANA hola que tal", b"//etc/passwd",
    b"salir", b"  SALIR  ", b"/nick ana", b"/me waves", b"/ping 12345",
    b"/list", b"/listar", b"/help", b"/ayuda", b"/quit", b"/quitar",
    b"/kick ana", b"/unknown arg", b"/", b"   ", b"\t/msg\tx\ty",
]
TEXTS = [
    b"hola, \xc2\xbfqu\xc3\xa9 tal? \xc3\xb1and\xc3\xba \xe2\x82\xac",
    b"\xff\xfe hola \x1b[2J\x07 \xc3\xb1 \xe2\x80\xae", b"\xc0\xaf",
    b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x80\x8b", b"\xc2\x85",
    b"server", b"s\xd0\xb5rver", b"\xef\xbd\x93erver", b"***", b"ANA",
    b"\xd0\x90NA", b"a\tb", b"\x7f", b"\x00x", b"\xf0\x9f\x98\x80",
    b"x" * 21, b"/ana",
]


def room_programs():
    """Byte programs for fuzz_room (see its header): joins, nicknames,
    chat, commands, leaves."""
    def line(conn, text):
        return bytes([1 | conn << 3, len(text)]) + text

    def word(conn, k):
        return bytes([6 | conn << 3, k])

    progs = []
    for cfg in (0x08, 0x18, 0x0A, 0x38, 0x88):
        p = bytes([cfg])
        p += bytes([0 << 3, 1 << 3, 2 << 3])          # three joins
        p += line(0, b"ana") + line(1, b"luis") + line(2, b"ANA")
        p += line(0, b"hola a todos") + line(1, b"/msg ana hola")
        p += word(2, 2) + word(2, 3) + line(2, b"eva")
        p += line(0, b"/me waves") + line(1, b"/list") + bytes([5, 30])
        p += line(1, b"/nick luisa") + line(0, b"\x1b[31mrojo\xff")
        p += bytes([3 | 1 << 3, 2 | 2 << 3, 4, 9]) + b"/kick ana"
        p += line(1, b"salir")
        progs.append(p)
    return progs


def pcap_packets(path):
    """(linktype, [packet bytes]) of a classic pcap file, or None."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off, pkts = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        pkts.append(data[off:off + incl])
        off += incl
    return linktype, pkts


# fuzz_cap's link types, in the order of its dlts[] table
DLTS = [1, 113, 276, 0, 108, 12, 228, 229]


def cap_inputs():
    out = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.pcap"))):
        got = pcap_packets(path)
        if got is None or got[0] not in DLTS:
            continue
        dlt, pkts = got
        blob = bytes([DLTS.index(dlt)])
        for p in pkts[:64]:
            blob += struct.pack(">HB", len(p), 2) + p
        out.append(blob)
    return out


def write(dirname, name, items):
    d = os.path.join(dirname, name)
    os.makedirs(d, exist_ok=True)
    for item in items:
        h = hashlib.sha1(item).hexdigest()[:16]
        with open(os.path.join(d, h), "wb") as f:
            f.write(item)


def main():
    dirname = sys.argv[1]
    write(dirname, "fuzz_framer", [bytes([0, 5]) + b"".join(LINES),
                                    bytes([10, 3]) + b"".join(LINES),
                                    bytes([0, 0x81]) + b"bob"])
    write(dirname, "fuzz_parse", LINES)
    write(dirname, "fuzz_text", [bytes([8]) + t for t in TEXTS + LINES])
    write(dirname, "fuzz_room", room_programs())
    write(dirname, "fuzz_cap", cap_inputs())


if __name__ == "__main__":
    main()
