"""chatcap --ladder-out F.svg drawn by two renderers: ImageMagick's own
(`convert msvg:F.svg F.png`, which many students' viewers use and which
draws no SVG markers) and librsvg (`rsvg-convert`). In both pictures every
arrow has its head, at the end it points to, read from the pixels; and the
SVG holds every chat line of each segment and the sequence numbers of each
data arrow, as chatcap's JSON has them.

Needs ImageMagick with its SVG coder and rsvg-convert (skipped otherwise:
make deps)."""
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from redchat import ROOT, program

TRACES = os.path.join(ROOT, "labs", "traces")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
NS = "{http://www.w3.org/2000/svg}"


def _msvg_works():
    if shutil.which("convert") is None:
        return False
    p = subprocess.run(["convert", "-list", "format"], capture_output=True,
                       text=True)
    return re.search(r"^\s*MSVG\*?\s", p.stdout, re.M) is not None


pytestmark = [
    pytest.mark.skipif(not _msvg_works(),
                       reason="ImageMagick with its SVG coder is not installed"),
    pytest.mark.skipif(shutil.which("rsvg-convert") is None,
                       reason="rsvg-convert is not installed"),
]


def ladder_svg(tmp_path, trace, lang="en"):
    """The ladder of trace (a file of labs/traces/, or a path) as SVG."""
    out = tmp_path / (os.path.basename(trace) + ".svg")
    r = subprocess.run([program("chatcap"), "--color=never", "--lang", lang,
                        "--ladder-out", str(out), "--summary", "-r",
                        os.path.join(TRACES, trace)],  # join keeps a path
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return out


def pixels(png):
    """(width, height, rows of RGB bytes) of a picture, on white."""
    ppm = subprocess.run(["convert", str(png), "-background", "white",
                          "-alpha", "remove", "-depth", "8", "ppm:-"],
                         capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    w, h = int(m.group(1)), int(m.group(2))
    data = ppm[m.end():]
    return w, h, data


def lum(img, x, y):
    w, h, data = img
    i = (y * w + x) * 3
    r, g, b = data[i], data[i + 1], data[i + 2]
    return (r * 299 + g * 587 + b * 114) // 1000


def heads(svg):
    """Each arrowhead: (tip x, base x, y)."""
    out = []
    for p in ET.parse(svg).getroot().iter(NS + "polygon"):
        pts = [tuple(map(float, xy.split(","))) for xy in p.get("points").split()]
        (tx, ty), (bx, _) = pts[0], pts[1]
        out.append((int(tx), int(bx), int(ty)))
    return out


# lab1: a handshake, chat and teardown; tcp_retrans: red arrows too (a
# trace as long as lab4's is taller than ImageMagick lets a picture be)
@pytest.mark.parametrize("trace", ["lab1.pcap",
                                   os.path.join(FIXTURES, "tcp_retrans.pcap")])
def test_arrowheads_drawn_by_imagemagick_and_rsvg(tmp_path, trace):
    svg = ladder_svg(tmp_path, trace)
    text = svg.read_text()
    assert "<marker" not in text and "marker-end" not in text
    arrows = heads(svg)
    assert len(arrows) >= 10
    for tool, cmd in (("msvg", ["convert", f"msvg:{svg}", str(svg) + ".m.png"]),
                      ("rsvg", ["rsvg-convert", str(svg), "-o",
                                str(svg) + ".r.png"])):
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        img = pixels(cmd[-1])
        for tip, base, y in arrows:
            d = 1 if tip > base else -1           # where the arrow points
            inside = base + d * 4                 # near the head's base
            tail = (tip - d * 500) + d * 8        # near the other end
            for dy in (-3, 2):                    # above and below the shaft
                assert lum(img, inside, y + dy) < 160, (tool, tip, y, dy)
                assert lum(img, tail, y + dy) > 225, (tool, tip, y, dy)


def json_packets(trace):
    out = subprocess.run([program("chatcap"), "--json", "-r",
                          os.path.join(TRACES, trace)],
                         capture_output=True, text=True, check=True).stdout
    return [p for p in map(json.loads, out.splitlines())
            if p.get("type") == "packet"]


def squeeze(s):
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("trace", ["lab1.pcap", "lab2.pcap", "lab3.pcap"])
def test_every_chat_line_and_sequence_numbers_on_data_arrows(tmp_path, trace):
    svg = ladder_svg(tmp_path, trace)
    elems = list(ET.parse(svg).getroot().iter(NS + "text"))
    texts = [e.text or "" for e in elems]
    labels = set(texts)
    whole = squeeze("".join(texts))
    pk = json_packets(trace)
    data = [p for p in pk if p["proto"] == "tcp" and p["len"] > 0]
    for p in data:
        want = f"seq={p['seq']} ack={p['ack']} len={p['len']}"
        assert any(want in l for l in labels), want
    msgs = [m["text"] for p in pk for m in p.get("messages", [])]
    assert msgs
    for m in msgs:
        assert squeeze(m) in whole, m
    # each message a line of its own under its arrow (more when wrapped),
    # those of a segment that holds several too: a relayed copy elsewhere
    # ("ana: hola" for "hola") cannot stand in for one left out
    under = [e for e in elems if e.get("fill") == "#333"]
    assert len(under) >= len(msgs), (len(under), len(msgs))
    several = [p for p in pk if len(p.get("messages", [])) > 1]
    assert several or trace != "lab2.pcap"      # lab 2's has them
