"""The text output and the ladder fit the width: 80 columns when stdout is
not a terminal, --width N to choose (the summary's table needs 72),
--width 0 never wraps. A wrapped
packet line goes on indented; nothing is lost by wrapping."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def run(*args):
    r = subprocess.run([CHATCAP, "--color=never", *args], env=ENV,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode().splitlines()


@pytest.mark.parametrize("capture", ["tcp_analysis.pcap", "lab.pcapng",
                                     "tcp_retrans.pcap"])
@pytest.mark.parametrize("width,extra", [(None, []), (72, []),
                                         (None, ["--ladder"]),
                                         (100, ["--lang", "es"])])
def test_lines_fit(capture, width, extra):
    args = ["-r", os.path.join(FIXTURES, capture), *extra]
    if width is not None:
        args += ["--width", str(width)]
    limit = width or 80
    long = [x for x in run(*args) if len(x) > limit]
    assert long == []


def test_wrapping_loses_nothing():
    path = os.path.join(FIXTURES, "tcp_analysis.pcap")
    wide = run("-r", path, "--width", "0")
    narrow = run("-r", path, "--width", "50")
    assert len(narrow) > len(wide)
    # a word longer than the width is cut: compare without any blanks
    assert "".join("".join(wide).split()) == "".join("".join(narrow).split())
