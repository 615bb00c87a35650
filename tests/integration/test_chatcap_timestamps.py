"""Extreme timestamps: pcapng files whose interface block carries any
if_tsoffset (seconds added to every time) and if_tsresol (units of the
time: 10^-N or 2^-N seconds), and packets whose time fields are all ones.
chatcap must summarise them or reject them with a one-line error, in
every output mode, with no undefined behaviour: run under `make sanitize`
(REDCHAT_BIN pointing at the ASan+UBSan build) a report fails the test."""
import os
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
LAB = os.path.join(ROOT, "tests", "fixtures", "lab.pcapng")

RESOLUTIONS = [0x00, 0x06, 0x09, 0x13, 0x7f, 0x80, 0x9f, 0xbf, 0xff]
OFFSETS = [0, 2**63 - 1, -2**63, 2**62, -1, 9223372036]
MODES = [[], ["--json"], ["--summary"], ["--ladder"], ["--follow"],
         ["--rtt", "--summary"]]


def blocks(data):
    pos = 0
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<II", data[pos:pos + 8])
        yield kind, data[pos:pos + length]
        pos += length


def interface_block(resol, offset):
    opts = struct.pack("<HHB3x", 9, 1, resol)          # if_tsresol
    opts += struct.pack("<HHq", 14, 8, offset)          # if_tsoffset
    opts += struct.pack("<HH", 0, 0)
    body = struct.pack("<HHI", 1, 0, 65535) + opts
    length = 12 + len(body)
    return struct.pack("<II", 1, length) + body + struct.pack("<I", length)


def mutated(resol, offset, all_ones):
    out = []
    for kind, blk in blocks(open(LAB, "rb").read()):
        if kind == 1:
            blk = interface_block(resol, offset)
        elif kind == 6 and all_ones:
            blk = blk[:12] + b"\xff" * 8 + blk[20:]    # timestamp high, low
        out.append(blk)
    return b"".join(out)


CASES = [(r, o, False) for r in RESOLUTIONS for o in OFFSETS] + \
        [(r, 0, True) for r in RESOLUTIONS]


@pytest.mark.parametrize("resol,offset,all_ones", CASES)
def test_extreme_timestamps(tmp_path, resol, offset, all_ones):
    path = str(tmp_path / "t.pcapng")
    with open(path, "wb") as f:
        f.write(mutated(resol, offset, all_ones))
    env = dict(os.environ, LC_ALL="C.UTF-8",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1",
               ASAN_OPTIONS="detect_leaks=1")
    for mode in MODES:
        r = subprocess.run([CHATCAP, "--lang", "en", "--color=never", "-r",
                            path, *mode], capture_output=True, timeout=60,
                           env=env)
        err = r.stderr.decode()
        assert "runtime error" not in err and "Sanitizer" not in err, err
        assert r.returncode >= 0, (mode, err)           # no signal
        if r.returncode != 0:
            assert err.count("\n") == 1 and err.startswith("chatcap: "), err
        else:
            assert r.stdout, mode
