"""IP fragments and ICMP errors (udp_fragments.pcap, written by
tests/fixtures/gen_analysis.c): a datagram cut into fragments is one
datagram of its full length once its pieces are together (in any order),
each piece still shown as a fragment; a datagram missing a piece never
becomes one; ICMP "port unreachable" is linked to the flow it answers.
Against tshark where it is installed: the frames where it reassembles,
and the UDP lengths it reads there."""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
PCAP = os.path.join(ROOT, "tests", "fixtures", "udp_fragments.pcap")
TSHARK = shutil.which("tshark")


def packets():
    r = subprocess.run([CHATCAP, "--json", "-r", PCAP], capture_output=True,
                       timeout=60, check=True)
    lines = [json.loads(x) for x in r.stdout.decode().splitlines()]
    return lines[:-1], lines[-1]


def test_fragments_make_one_datagram():
    pk, s = packets()
    whole = {p["n"]: p["len"] for p in pk if p.get("fragments")}
    assert sorted(whole.values()) == [2000, 3000, 6007]
    frags = [p for p in pk if p["event"] == "fragment"]
    assert len(frags) == s["ip_fragments"] - len(whole) == 4 + 2 + 2 + 1
    assert s["udp"]["datagrams"] == 7 + 3          # and 3 to a closed port
    big = next(p for p in pk if p.get("len") == 6007)
    assert big["fragments"] == 5 and big["messages"][0]["role"] == "too_long"


def test_icmp_errors_linked_to_their_flow():
    pk, s = packets()
    icmp = [p for p in pk if p["event"] == "icmp_error"]
    assert [(p["proto"], p["icmp_type"], p["icmp_code"]) for p in icmp] == \
        [("icmp", 3, 3), ("icmp", 3, 3), ("icmpv6", 1, 4)]
    assert [p["conv"] for p in icmp] == [3, 3, 4]
    assert s["icmp_errors"] == 3
    assert [f["icmp_errors"] for f in s["flows"]] == [0, 0, 2, 1]


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_reassembly_agrees_with_tshark():
    out = subprocess.run([TSHARK, "-r", PCAP, "-Y", "udp && !icmp && !icmpv6",
                          "-T", "fields", "-e", "frame.number", "-e",
                          "udp.length"], capture_output=True, timeout=60,
                         check=True).stdout.decode()
    theirs = {int(n): int(u) - 8 for n, u in
              (line.split("\t") for line in out.splitlines())}
    pk, _ = packets()
    ours = {p["n"]: p["len"] for p in pk if p.get("proto") == "udp"}
    assert ours == theirs
