"""Reading a file, chatcap holds the last 1024 packets' lines back so that a
segment sent again later is marked LOST where it was first sent. Past the
ring's size every packet must still come out once, in order, with its own
line: a capture of 1,876 packets with 79 retransmissions (lab 2's trace)."""
import json
import os
import re
import subprocess

from redchat import ROOT, program

TRACE = os.path.join(ROOT, "labs", "traces", "lab2-red.pcap")


def test_every_packet_once_in_order_past_the_ring():
    r = subprocess.run([program("chatcap"), "--json", "-r", TRACE],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    n = [x["n"] for x in rows if x.get("type") == "packet"]
    assert n == list(range(1, len(n) + 1)) and len(n) == 1876
    lost = [x for x in rows if x.get("lost")]
    assert lost and all(x["resent_in"] > x["n"] for x in lost)
    text = subprocess.run([program("chatcap"), "--color=never", "--width",
                           "0", "-r", TRACE], capture_output=True,
                          text=True, timeout=60).stdout
    numbers = [int(m.group(1)) for m in
               re.finditer(r"^ *(\d+) \d+\.\d{6} ", text, re.M)]
    assert numbers == sorted(set(numbers)) and len(numbers) == 1876
