"""The prepared traces (labs/traces, made by labs/traces/regen.sh) answer
the questions the guides ask of them: each test reads one trace with
chatcap, as a student without capture permission would, and checks the
figures its lab's run.sh checks on a live capture."""
import collections
import json
import os
import shutil
import statistics
import subprocess

import pytest

from redchat import BIN, ROOT

TRACES = os.path.join(ROOT, "labs", "traces")


def cap(name, *args):
    """chatcap --json on a trace: (packets, summary)."""
    out = subprocess.run([os.path.join(BIN, "chatcap"), "-r",
                          os.path.join(TRACES, name), "--json", *args],
                         capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    return rows[:-1], rows[-1]


def chat_text(pk):
    return [m["text"] for p in pk for m in p.get("messages", [])]


def test_lab1_handshake_teardown_and_options():
    pk, s = cap("lab1.pcap")
    assert s["tcp_port"] == 5000
    assert s["tcp"]["handshakes"] == 1 and s["tcp"]["fin"] == 2
    c = s["connections"][0]
    assert 0 < c["syn_to_ack_us"] < 500000 and c["state"] == "closed"
    # Q3: the server's FIN comes first
    fins = [p for p in pk if "F" in p["flags"]]
    assert fins[0]["dir"] == "to_client"


def test_lab2_stream_several_messages_per_segment():
    pk, s = cap("lab2.pcap")
    assert s["tcp"]["handshakes"] >= 4
    d = [p for p in pk if p["conv"] == 1 and p["dir"] == "to_server" and p["len"] > 0]
    for a, b in zip(d, d[1:]):
        assert b["seq"] == a["seq"] + a["len"]
    assert any(p["messages_total"] >= 2 for p in pk)
    assert sum(1 for t in chat_text(pk) if t.startswith("*** pong")) == 4


def test_lab2_red_mss_and_ack_clock():
    pk, s = cap("lab2-red.pcap")
    sent = collections.Counter()
    for p in pk:
        if p["dir"] == "to_server":
            sent[p["conv"]] += p["len"]
    conv, total = sent.most_common(1)[0]
    assert total >= 1000000
    d = [p for p in pk if p["conv"] == conv and p["dir"] == "to_server" and p["len"] > 0]
    size, n = collections.Counter(p["len"] for p in d).most_common(1)[0]
    assert size == 1428 and n >= len(d) // 2
    t = [p["time"] for p in d if not p["retransmission"]]
    assert 0.009 <= statistics.median(b - a for a, b in zip(t, t[1:])) <= 0.020


def test_lab3_datagrams_and_the_bench_alone():
    pk, s = cap("lab3.pcap")
    assert s["udp"]["datagrams"] >= 5 and s["tcp"]["segments"] == 0
    # Q2: nc's two lines in one datagram (chatcap shows the newline as ^J)
    assert any(p["len"] == 8 and "uno^Jdos" in t for p in pk
               if p["proto"] == "udp" for t in [m["text"] for m in p["messages"]])
    pk, s = cap("lab3-bench.pcap")
    assert s["tcp"]["connections"] == 2 and s["udp"]["flows"] == 2
    assert 90 <= s["udp"]["datagrams"] <= 130
    assert s["tcp"]["header_overhead_pct"] > s["udp"]["header_overhead_pct"]


@pytest.mark.skipif(shutil.which("tshark") is None, reason="no tshark")
def test_lab3_icmp_port_unreachable():
    out = subprocess.run(["tshark", "-r", os.path.join(TRACES, "lab3-icmp.pcap"),
                          "-Y", "icmp", "-T", "fields", "-e", "icmp.type",
                          "-e", "icmp.code", "-e", "udp.dstport"],
                         capture_output=True, text=True, check=True).stdout
    assert "3\t3\t5001" in out.splitlines()


def test_lab4_rtt_of_twice_the_delay_and_retransmissions():
    pk, s = cap("lab4.pcap")
    assert s["tcp"]["retransmissions"] > 0
    assert 39000 <= s["connections"][0]["syn_to_ack_us"] <= 250000
    assert s["udp"]["datagrams"] > 0


def test_lab6_three_lines_in_one_segment():
    pk, s = cap("lab6-fallo.pcap")
    assert any(p["len"] > 0 and p["dir"] == "to_server" and
               any("uno" in m["text"] for m in p["messages"]) for p in pk)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="no tshark")
def test_annotated_copies_carry_chatcaps_explanation_on_every_packet():
    for name in sorted(os.listdir(TRACES)):
        if not name.endswith(".pcapng"):
            continue
        base = name.split(".")[0]
        frames = subprocess.run(
            ["tshark", "-r", os.path.join(TRACES, name), "-T", "fields",
             "-e", "frame.number", "-e", "frame.comment"],
            capture_output=True, text=True, timeout=60).stdout.splitlines()
        pcap = subprocess.run(
            ["tshark", "-r", os.path.join(TRACES, base + ".pcap")],
            capture_output=True, text=True, timeout=60).stdout.splitlines()
        assert len(frames) == len(pcap) > 0, name
        assert all("\t" in f and f.split("\t", 1)[1].strip() for f in frames), name
