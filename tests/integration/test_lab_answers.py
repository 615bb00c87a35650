"""The instructor notes' claims about header sizes and TCP options (lab 1,
question 2; lab 3, questions 3 and 4), read from the notes themselves in
both languages and compared with what tshark and chatcap find in the
shipped traces (labs/traces/). A note that says a different number than the
trace shows fails here.

Needs tshark (skipped otherwise)."""
import json
import os
import re
import shutil
import subprocess

import pytest

from redchat import ROOT, program

TRACES = os.path.join(ROOT, "labs", "traces")
NOTES = {
    "en": (os.path.join(ROOT, "labs", "en", "instructor-notes.md"),
           r"- \*\*Lab 1\.\*\*", r"- \*\*Lab 1, step 6\*\*",
           r"- \*\*Lab 3\.\*\*", r"- \*\*Lab 4\.\*\*"),
    "es": (os.path.join(ROOT, "labs", "es", "notas-profesor.md"),
           r"## Práctica 1\n", r"## Práctica 2\n",
           r"## Práctica 3\n", r"## Práctica 4\n"),
}

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None,
                                reason="tshark is not installed")


def notes(lang, lab):
    """The part of the notes in lang about lab 1 or 3, on one line."""
    path, l1, l1_end, l3, l3_end = NOTES[lang]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = (l1, l1_end) if lab == 1 else (l3, l3_end)
    part = re.search(start + "(.*?)" + end, text, re.S)
    assert part, f"{path}: no section for lab {lab}"
    return re.sub(r"\s+", " ", part.group(1))


def claim(text, regex):
    """The integers a note's claim holds (regex groups)."""
    m = re.search(regex, text)
    assert m, f"the notes no longer say /{regex}/: {text[:300]}"
    return [int(g) for g in m.groups()]


def tshark(trace, *fields, filt=None):
    """tshark's fields for every packet of trace (after filt), as lists."""
    cmd = ["tshark", "-r", os.path.join(TRACES, trace), "-T", "fields"]
    if filt:
        cmd += ["-Y", filt]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l.split("\t") for l in out.stdout.splitlines()]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lab1_mss_and_header_lengths(lang):
    text = notes(lang, 1)
    (mss,) = claim(text, r"MSS (\d+) = ")
    syn_len, later_len = claim(text, r"`tcp\.hdr_len` = (\d+) .*?= (\d+) ")
    (opt_len,) = claim(text, r"\(20 \+ (\d+) (?:de opciones|of options)")
    (ts_len,) = claim(text, r"= \d+ [^=]*?\(20 \+ (\d+):")
    rows = tshark("lab1.pcap", "tcp.flags.syn", "tcp.hdr_len",
                  "tcp.options.mss_val", "tcp.option_kind")
    syns = [r for r in rows if r[0] == "1"]
    later = [r for r in rows if r[0] == "0"]
    assert len(syns) == 2 and len(later) >= 10, rows
    assert {r[2] for r in syns} == {str(mss)}
    assert {int(r[1]) for r in syns} == {syn_len}
    assert syn_len == 20 + opt_len
    assert {int(r[1]) for r in later} == {later_len}
    assert later_len == 20 + ts_len
    # MSS (2), SACK-permitted (4) and window scale (3) only on SYNs;
    # timestamps (8) on every segment
    for r in syns:
        assert {2, 3, 4, 8} <= {int(k) for k in r[3].split(",")}, r
    for r in later:
        kinds = {int(k) for k in r[3].split(",")}
        assert 8 in kinds and not kinds & {2, 3, 4}, r


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lab3_header_bytes_per_packet(lang):
    text = notes(lang, 3)
    (tcp_hdr,) = claim(text, r"\b(\d+) (?:bytes de cabecera por segmento )?"
                             r"\(20 IP \+ 20 TCP \+ 12")
    (syn_hdr,) = claim(text, r"(?:los SYN|the SYNs), (\d+)\)")
    (udp_hdr,) = claim(text, r"\b(\d+) \(20 \+ 8\)")
    rows = tshark("lab3-bench.pcap", "ip.hdr_len", "tcp.hdr_len",
                  "tcp.flags.syn", "udp.length")
    tcp = [r for r in rows if r[1]]
    udp = [r for r in rows if r[3]]
    assert len(tcp) > 20 and len(udp) > 20
    for ip_hdr, t_hdr, syn, _ in tcp:
        want = syn_hdr if syn == "1" else tcp_hdr
        assert int(ip_hdr) + int(t_hdr) == want, (ip_hdr, t_hdr, syn)
    assert {int(r[0]) + 8 for r in udp} == {udp_hdr}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lab3_udp_length_is_header_plus_len(lang):
    (hdr,) = claim(notes(lang, 3), r"`udp\.length` = (\d+) \+")
    rows = tshark("lab3.pcap", "frame.number", "udp.length", filt="udp")
    out = subprocess.run([program("chatcap"), "-r",
                          os.path.join(TRACES, "lab3.pcap"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    lens = {p["n"]: p["len"] for p in map(json.loads, out.splitlines())
            if p.get("type") == "packet" and p["proto"] == "udp"}
    assert len(rows) >= 5 and len(lens) == len(rows)
    for n, length in rows:
        assert int(length) == hdr + lens[int(n)], (n, length, lens[int(n)])
