"""chatcap --ladder-out: the ladder as an SVG picture or Mermaid text for a
lab report, with the same arrows and words as the terminal ladder."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

from redchat import ROOT, program

FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def chatcap(*args):
    return subprocess.run([program("chatcap"), "--color=never", *args],
                          capture_output=True, text=True, timeout=30)


def test_svg_has_an_arrow_per_step_and_the_ladders_words(tmp_path):
    out = tmp_path / "retrans.svg"
    r = chatcap("--lang", "en", "--ladder", "--ladder-out", str(out), "-r",
                os.path.join(FIXTURES, "tcp_retrans.pcap"))
    assert r.returncode == 0, r.stderr
    steps = [l for l in r.stdout.splitlines() if re.match(r"^ +\d+\.\d{6} ", l)]
    svg = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    arrows = list(svg.iter(ns + "polygon"))     # one head per arrow
    assert len(arrows) == len(steps) > 0
    texts = " ".join(e.text or "" for e in svg.iter(ns + "text"))
    assert "handshake 1/3" in texts and "RETRANSMISSION" in texts
    assert any(e.get("fill") == "#c0392b" for e in arrows)   # drawn in red


def test_mermaid_is_a_sequence_diagram_in_spanish(tmp_path):
    out = tmp_path / "chat.mmd"
    r = chatcap("--lang", "es", "--ladder-out", str(out), "-r",
                os.path.join(FIXTURES, "tcp_chat.pcap"))
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "sequenceDiagram"
    assert any(re.match(r"^    participant C1 as \S+ \(cliente\)$", l)
               for l in lines)
    arrows = [l for l in lines if re.match(r"^    [CS]\d+->>[CS]\d+: ", l)]
    assert arrows and arrows[0].endswith("SYN seq=0")
    assert any("saludo 1/3" in l for l in lines)
    assert not any(";" in l.split(": ", 1)[-1] for l in arrows)


def test_unknown_diagram_name_is_a_usage_error(tmp_path):
    r = chatcap("--ladder-out", str(tmp_path / "x.png"), "-r",
                os.path.join(FIXTURES, "tcp_chat.pcap"))
    assert r.returncode == 1
    assert ".svg or .mmd" in r.stderr
