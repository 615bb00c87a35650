"""Reassembly past what the capture lost. A hole that outlasts the hold
queue (CAP_REASM_SEGS segments) is given up on alone: its bytes are
missing, the segments that waited go on in sequence order, then the new
one. A segment cut by the snapshot length loses its uncaptured bytes and
the line it cut, and the stream goes on after it."""
import json
import os
import re
import struct
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_chatcap_dsack import ACK, C, CHATCAP, PSH, S, SYN, segment  # noqa
from test_chatcap_follow import TSHARK, chatcap_streams, tshark_streams  # noqa

HOLD = 256                                   # CAP_REASM_SEGS
CLIENT, SERVER = "10.0.0.1:40000", "10.0.0.2:5000"


def write_pcap(path, packets):
    """packets: (bytes, captured length or None for all of it)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i, (p, cut) in enumerate(packets):
            cl = len(p) if cut is None else cut
            f.write(struct.pack("<IIII", 1000 + i, 0, cl, len(p)) + p[:cl])


def opening():
    return [(segment(C, 1000, 0, SYN), None),
            (segment(S, 5000, 1001, SYN | ACK), None),
            (segment(C, 1001, 5001, ACK), None),
            (segment(C, 1001, 5001, ACK | PSH, b"ana\n"), None)]


def lines(count, seq, acks=False):
    out = []
    for i in range(count):
        d = b"msg %05d\n" % i
        out.append((segment(C, seq, 5001, ACK | PSH, d), None))
        seq += len(d)
        if acks:
            out.append((segment(S, 5001, seq, ACK), None))
    return out


def chat(path):
    """[(frame, text)] of every chat message chatcap shows, and the
    per-frame totals."""
    out = subprocess.run([CHATCAP, "--json", "-r", path],
                         capture_output=True, check=True, timeout=120).stdout
    shown, totals = [], {}
    for p in map(json.loads, out.splitlines()):
        if p.get("type") != "packet":
            continue
        totals[p["n"]] = p["messages_total"]
        shown += [(p["n"], m["text"]) for m in p["messages"]]
    return shown, totals


def test_full_hold_queue_gives_up_on_the_hole_only(tmp_path):
    cap = str(tmp_path / "hole.pcap")
    # "lost line\n" (10 bytes at 1005) is never captured
    write_pcap(cap, opening() + lines(HOLD + 44, 1015))
    follow = chatcap_streams(cap)[frozenset((CLIENT, SERVER))][CLIENT]
    want = b"ana\n<MISSING 10>" + b"".join(
        b"msg %05d\n" % i for i in range(HOLD + 44))
    assert follow == want
    shown, totals = chat(cap)
    # the queue fills at frame 5 + HOLD: the held lines go first, in
    # order (the first one is the tail of the line the hole cut), then
    # the new one; later lines go on one a frame
    full = 5 + HOLD
    assert totals[full] == HOLD
    assert all(totals[n] == 1 for n in range(full + 1, full + 44))
    after = [t for n, t in shown if n >= full]
    assert after[:8] == ["msg %05d" % i for i in range(1, 9)]
    assert [t for n, t in shown if n > full] == \
        ["msg %05d" % i for i in range(HOLD + 1, HOLD + 44)]


def test_cut_segment_loses_only_its_line(tmp_path):
    if TSHARK is None:
        pytest.fail("tshark is missing: make deps installs it")
    cap = str(tmp_path / "cut.pcap")
    pk = opening() + [(segment(C, 1005, 5001, ACK | PSH, b"x" * 100 + b"\n"),
                       60)] + lines(20, 1106, acks=True)
    write_pcap(cap, pk)
    ours = chatcap_streams(cap)[frozenset((CLIENT, SERVER))][CLIENT]
    # the 20 captured bytes of the cut segment, its 81 others missing
    assert ours.startswith(b"ana\n" + b"x" * 20 + b"<MISSING 81>msg 00000\n")
    theirs = tshark_streams(cap)[frozenset((CLIENT, SERVER))][CLIENT]
    assert re.sub(rb"<MISSING \d+>", b"", ours) == theirs
    texts = [t for _, t in chat(cap)[0]]
    # the framer starts over after the cut line: the tail it reads first
    # cannot be told from a line's end, so it is dropped as after a hole
    assert texts == ["ana"] + ["msg %05d" % i for i in range(1, 20)]


def test_cut_segment_past_a_hole(tmp_path):
    """A cut segment past a hole gives the hole up: it cannot wait."""
    cap = str(tmp_path / "cuthole.pcap")
    pk = opening() + [(segment(C, 1015, 5001, ACK | PSH, b"y" * 100 + b"\n"),
                       60)] + lines(5, 1116)
    write_pcap(cap, pk)
    ours = chatcap_streams(cap)[frozenset((CLIENT, SERVER))][CLIENT]
    assert ours == b"ana\n<MISSING 10>" + b"y" * 20 + b"<MISSING 81>" + \
        b"".join(b"msg %05d\n" % i for i in range(5))
    assert [t for _, t in chat(cap)[0]] == \
        ["ana"] + ["msg %05d" % i for i in range(1, 5)]



def cut_inside_held():
    """A cut copy of bytes that wait past a hole, inside what waits."""
    two = b"msg 00000\nmsg 00001\n"
    return opening() + [(segment(C, 1015, 5001, ACK | PSH, two), None),
                        (segment(C, 1020, 5001, ACK | PSH, two[5:11]), 43)
                        ] + lines(2, 1035)


def test_cut_segment_inside_what_waits(tmp_path):
    cap = str(tmp_path / "inside.pcap")
    write_pcap(cap, cut_inside_held())
    ours = chatcap_streams(cap)[frozenset((CLIENT, SERVER))][CLIENT]
    assert ours == b"ana\n<MISSING 10>msg 00000\nmsg 00001\n" + \
        b"msg 00000\nmsg 00001\n"
    assert [t for _, t in chat(cap)[0]] == \
        ["ana", "msg 00001", "msg 00000", "msg 00001"]


# ---------------------------------------------------------------------------
# The Wireshark dissector reads these captures as chatcap does, frame by
# frame, with either of TCP's out-of-order preferences.

def lua_like_chatcap(path):
    from test_chatcap_lua import IN_ORDER, assert_like_chatcap
    if TSHARK is None:
        pytest.fail("tshark is missing: make deps installs it")
    for prefs in ((), IN_ORDER):
        lua = assert_like_chatcap(path, prefs)
    return lua


def test_dissector_full_hold_queue(tmp_path):
    cap = str(tmp_path / "hole.pcap")
    write_pcap(cap, opening() + lines(HOLD + 4, 1015))
    lua = lua_like_chatcap(cap)
    assert len(lua[5 + HOLD][0]) == HOLD


def test_dissector_cut_segment(tmp_path):
    cap = str(tmp_path / "cut.pcap")
    write_pcap(cap, opening() + [(segment(C, 1005, 5001, ACK | PSH,
                                          b"x" * 100 + b"\n"), 60)] +
               lines(6, 1106, acks=True))
    assert len(lua_like_chatcap(cap)) == 6


def test_dissector_cut_segment_past_a_hole(tmp_path):
    cap = str(tmp_path / "cuthole.pcap")
    write_pcap(cap, opening() + [(segment(C, 1015, 5001, ACK | PSH,
                                          b"y" * 100 + b"\n"), 60)] +
               lines(5, 1116))
    assert len(lua_like_chatcap(cap)) == 5


def test_dissector_cut_segment_inside_what_waits(tmp_path):
    cap = str(tmp_path / "inside.pcap")
    write_pcap(cap, cut_inside_held())
    assert len(lua_like_chatcap(cap)) == 4


def test_dissector_keep_alive_ends_a_silent_message(tmp_path):
    """A client that never sent a newline: a 1-byte keep-alive 200 ms or
    more after its message ends it (the nickname), as in chatcap."""
    pk = [(0.0, segment(C, 1000, 0, SYN)),
          (0.001, segment(S, 5000, 1001, SYN | ACK)),
          (0.002, segment(C, 1001, 5001, ACK)),
          (0.010, segment(C, 1001, 5001, ACK | PSH, b"ana")),
          (0.011, segment(S, 5001, 1004, ACK)),
          (0.500, segment(C, 1003, 5001, ACK, b"a")),       # keep-alive
          (0.501, segment(S, 5001, 1004, ACK)),
          (0.900, segment(S, 5001, 1004, ACK | PSH, b"*** hi\n"))]
    cap = str(tmp_path / "ka.pcap")
    with open(cap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for t, p in pk:
            f.write(struct.pack("<IIII", 1000, int(t * 1e6), len(p),
                                len(p)) + p)
    lua = lua_like_chatcap(cap)
    assert lua[6][0] == [("nickname", "ana")]


def test_dissector_new_syn_starts_anew(tmp_path):
    """A new SYN on the same ports while segments wait past a hole:
    TCP's dissector starts a new tcp.stream there, as chatcap starts a new
    conversation; the new connection's first line is its nickname."""
    cap = str(tmp_path / "anew.pcap")
    write_pcap(cap, opening() + lines(3, 1015) + [
        (segment(C, 9000, 0, SYN), None),
        (segment(S, 7000, 9001, SYN | ACK), None),
        (segment(C, 9001, 7001, ACK), None),
        (segment(C, 9001, 7001, ACK | PSH, b"bob\n"), None),
        (segment(C, 9005, 7001, ACK | PSH, b"hola\n"), None)])
    lua = lua_like_chatcap(cap)
    assert lua[11][0] == [("nickname", "bob")]
    assert lua[12][0] == [("chat", "hola")]
