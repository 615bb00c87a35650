"""Lab 7's prepared trace (labs/traces/lab7-reno.pcap) for students without
root: read back with the kernel's samples kept beside it, it answers the
questions of step 1 (slow start, Reno's first loss, the RTOs)."""
import json
import os
import re
import subprocess

from redchat import program

TRACE = os.path.join(os.path.dirname(__file__), "..", "..", "labs", "traces",
                     "lab7-reno.pcap")


def chatcap(*args):
    p = subprocess.run([program("chatcap"), "-r", TRACE, "--tcp-port", "5002",
                        "--width", "0", *args], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_the_text_tells_the_kernels_story():
    lines = [l for l in chatcap("--lang", "en").splitlines()
             if " kernel: " in l]
    assert "cwnd 10 segments, ssthresh \u221e (reno)" in lines[0]
    assert any("slow start" in l for l in lines)
    first = next(l for l in lines if "congestion (loss)" in l)
    cwnd, ssth = map(int, re.search(r"at cwnd (\d+): ssthresh \S+ \S+ (\d+)",
                                    first).groups())
    assert abs(2 * ssth - cwnd) <= 2, first
    rto = [l for l in lines if "(RTO fired)" in l and ": cwnd 1," in l]
    assert len(rto) >= 2, lines


def test_the_json_has_the_samples_of_both_sources():
    rows = [json.loads(l) for l in chatcap("--json").splitlines()]
    ks = [r for r in rows if r["type"] == "tcp_info"]
    assert {k["source"] for k in ks} == {"poll", "tracepoint"}
    assert all(k["cc"] == "reno" for k in ks if k["source"] == "poll")
