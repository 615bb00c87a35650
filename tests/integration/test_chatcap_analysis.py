"""chatcap's TCP analysis against tshark's, frame by frame: the JSON
"analysis" list against the tcp.analysis.* fields tshark prints,
"ack_rtt_us" against tcp.analysis.ack_rtt, "dup_ack_of"/"dup_ack_n"
against tcp.analysis.duplicate_ack_frame/_num, and the summary's
"analysis" counts against tshark's. On every capture fixture, including
tcp_analysis.pcap, whose scenarios (tests/fixtures/gen_analysis.c) put
every flag somewhere: loss and fast retransmission, reordering, zero
window and its probe, full window, window update, keep-alives, ACKs of
unseen segments. Skipped where tshark is not installed.

Two kinds of frames are left out of the comparison, on purpose:
- frames chatcap calls invalid (a length that contradicts another),
  which tshark still dissects as far as it can;
- segments whose TCP options were cut by the snapshot length
  ("header_cut"): tshark updates its state with them but stops before it
  prints their analysis; chatcap prints it."""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
TSHARK = shutil.which("tshark")

NAMES = ["retransmission", "fast_retransmission", "spurious_retransmission",
         "out_of_order", "duplicate_ack", "lost_segment", "ack_lost_segment",
         "zero_window", "zero_window_probe", "zero_window_probe_ack",
         "window_full", "window_update", "keep_alive", "keep_alive_ack"]

CAPTURES = sorted(f for f in os.listdir(FIXTURES)
                  if f.endswith((".pcap", ".pcapng"))
                  and f != "unknown_link.pcap")


def tshark_frames(path):
    fields = ["frame.number", "tcp.analysis.ack_rtt",
              "tcp.analysis.duplicate_ack_frame",
              "tcp.analysis.duplicate_ack_num"]
    fields += ["tcp.analysis." + n for n in NAMES]
    cmd = [TSHARK, "-r", path, "-Y", "tcp.port==5000", "-T", "fields",
           "-E", "separator=;", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, timeout=120,
                         check=True).stdout.decode()
    frames = {}
    for line in out.splitlines():
        v = line.split(";")
        frames[int(v[0])] = {
            "analysis": sorted(NAMES[i] for i in range(len(NAMES))
                               if v[4 + i] != ""),
            "ack_rtt_us": round(float(v[1]) * 1e6) if v[1] else None,
            "dup_ack_of": int(v[2]) if v[2] else None,
            "dup_ack_n": int(v[3]) if v[3] else None,
        }
    return frames


def chatcap_frames(path):
    r = subprocess.run([CHATCAP, "--json", "-r", path], capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    frames, skip, summary = {}, set(), None
    for line in r.stdout.decode().splitlines():
        o = json.loads(line)
        if o["type"] == "summary":
            summary = o
            continue
        if o.get("event") == "invalid" or "header_cut" in o:
            skip.add(o["n"])
        if o.get("proto") != "tcp":
            continue
        frames[o["n"]] = {"analysis": sorted(o["analysis"]),
                          "ack_rtt_us": o["ack_rtt_us"],
                          "dup_ack_of": o.get("dup_ack_of"),
                          "dup_ack_n": o.get("dup_ack_n")}
    return frames, skip, summary


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
@pytest.mark.parametrize("capture", CAPTURES)
def test_analysis_matches_tshark(capture):
    path = os.path.join(FIXTURES, capture)
    ours, skip, summary = chatcap_frames(path)
    theirs = tshark_frames(path)
    for n in sorted(set(ours) | set(theirs)):
        if n in skip:
            continue
        assert ours.get(n) == theirs.get(n), (capture, n, ours.get(n),
                                              theirs.get(n))
    counts = {k: 0 for k in NAMES}
    for n, f in ours.items():
        for k in f["analysis"]:
            counts[k] += 1
    assert summary["tcp"]["analysis"] == counts


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_every_flag_is_exercised():
    """The analysis fixture shows every flag at least once (so the
    comparison above means something for each of them)."""
    _, _, summary = chatcap_frames(os.path.join(FIXTURES,
                                                "tcp_analysis.pcap"))
    missing = [k for k, v in summary["tcp"]["analysis"].items() if v == 0]
    assert missing == []
    assert summary["tcp"]["ack_rtts"] > 0


def test_reordering_is_not_a_retransmission():
    """chatcap's own "retransmission" means bytes already sent: the two
    segments that fill a hole (tcp_analysis.pcap, connection 2) are not
    retransmissions, though Wireshark's timing heuristic calls the later
    one so."""
    r = subprocess.run([CHATCAP, "--json", "-r",
                        os.path.join(FIXTURES, "tcp_analysis.pcap")],
                       capture_output=True, timeout=60, check=True)
    pk = [json.loads(x) for x in r.stdout.decode().splitlines()[:-1]]
    conv2 = [p for p in pk if p.get("conv") == 2 and p["len"] > 0]
    assert any("out_of_order" in p["analysis"] for p in conv2)
    assert any("retransmission" in p["analysis"] for p in conv2)
    assert not any(p["retransmission"] for p in conv2)


def test_rtt_estimate_follows_rfc6298():
    """Each RTT sample in the JSON (an ACK of a segment sent once, Karn's
    rule) moves the sender's SRTT/RTTVAR/RTO as RFC 6298 says; the last
    values are the connection's "rtt_estimate"; --rtt prints the table."""
    path = os.path.join(FIXTURES, "tcp_analysis.pcap")
    r = subprocess.run([CHATCAP, "--json", "-r", path], capture_output=True,
                       timeout=60, check=True)
    lines = [json.loads(x) for x in r.stdout.decode().splitlines()]
    est = {}
    for p in lines[:-1]:
        if "rtt_sample_us" not in p:
            continue
        assert "retransmission" not in p["analysis"]
        key = (p["conv"], "server" if p["dir"] == "to_server" else "client")
        R = p["rtt_sample_us"]
        if key not in est:
            srtt, var = R, R / 2
        else:
            srtt, var = est[key]
            var = 0.75 * var + 0.25 * abs(srtt - R)
            srtt = 0.875 * srtt + 0.125 * R
        est[key] = (srtt, var)
        assert abs(p["srtt_us"] - srtt) <= 1 and abs(p["rttvar_us"] - var) <= 1
        assert p["rto_us"] == max(1000000, round(srtt + 4 * var))
    assert est
    for c in lines[-1]["connections"]:
        for who in ("client", "server"):
            e = c["rtt_estimate"][who]
            if (c["id"], who) in est:
                assert abs(e["srtt_us"] - est[(c["id"], who)][0]) <= 1
            else:
                assert e is None
    t = subprocess.run([CHATCAP, "--rtt", "--summary", "--lang", "es",
                        "--color=never", "-r", path], capture_output=True,
                       timeout=60, check=True).stdout.decode()
    assert "RFC 6298" in t and "SRTT" in t and "RTTVAR" in t


def messages_by_frame(capture):
    r = subprocess.run([CHATCAP, "--json", "-r",
                        os.path.join(FIXTURES, capture)],
                       capture_output=True, timeout=60, check=True)
    out = {}
    for line in r.stdout.decode().splitlines()[:-1]:
        o = json.loads(line)
        for m in o.get("messages", []):
            out.setdefault(o["n"], []).append((m["role"], m["text"]))
    return out


def test_framing_as_the_server_frames():
    """tcp_analysis.pcap: data after a hole waits for it (the fast
    retransmission delivers four lines at once, in order); "wrap" then
    "py\\n" 1 ms later is "wrappy" (the 200 ms rule); after bytes the
    capture never had, the tail "mundo" of the cut line is no message."""
    msgs = messages_by_frame("tcp_analysis.pcap")
    flat = [t for v in msgs.values() for _, t in v]
    assert [t for _, t in msgs[12]] == ["hola!", "uno", "dos", "tres"]
    assert ("nickname", "wrappy") in [m for v in msgs.values() for m in v]
    assert "wrap" not in flat and "py" not in flat
    assert "mundo" not in flat and "adios" in flat
    # reordering: the two lines come out once each, in order
    assert flat.count("uno") == 3 and flat.count("dos") == 3


def test_seed_client_messages_apart():
    """The seed client's messages, one write each and seconds apart (no
    newline), are one message each."""
    flat = [t for v in messages_by_frame("any_sll2.pcap").values()
            for _, t in v]
    assert "pepe" in flat and "hola, soy pepe" in flat


def test_lost_segment_marked_where_first_sent():
    """Reading a file, the segment a later retransmission repeats is marked
    lost on its own line, in the text, the JSON and the ladder; a spurious
    retransmission's original was not lost."""
    path = os.path.join(FIXTURES, "tcp_retrans.pcap")
    r = subprocess.run([CHATCAP, "--json", "-r", path], capture_output=True,
                       timeout=60, check=True)
    pk = [json.loads(x) for x in r.stdout.decode().splitlines()[:-1]]
    lost = {p["n"]: p["resent_in"] for p in pk if p.get("lost")}
    assert lost == {1: 2, 7: 8, 16: 17, 19: 20}
    for n, again in lost.items():
        assert pk[again - 1]["resends"] == n
    env = dict(os.environ, LC_ALL="C.UTF-8")
    text = subprocess.run([CHATCAP, "--color=never", "--width", "0", "-r",
                           path], capture_output=True, timeout=60,
                          check=True, env=env).stdout.decode().splitlines()
    assert text[6].startswith("   7 ") and \
        text[6].endswith("[LOST: sent again in packet 8]")
    assert sum("LOST" in x for x in text) == 4
    ladder = subprocess.run([CHATCAP, "--color=never", "--ladder", "-r",
                             path], capture_output=True, timeout=60,
                            check=True, env=env).stdout.decode()
    assert ladder.count("LOST") == 4


def test_follow_puts_the_chat_back_together():
    """--follow: the bytes of each conversation in order, client >> and
    server <<, each line with the packet its segment came in; "+" where no
    newline ends a piece (the seed client's lines, cut segments); several
    lines of one segment under one packet number; UDP: one datagram, one
    line. (tests/integration/test_chatcap_follow.py checks it against
    tshark.)"""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    out = subprocess.run([CHATCAP, "--follow", "--color=never", "--width",
                          "0", "-r", os.path.join(FIXTURES, "any_sll2.pcap")],
                         capture_output=True, timeout=60, check=True,
                         env=env).stdout.decode().splitlines()
    assert "  >>+ #6       pepe" in out            # no newline: silence
    assert "  <<  #17      ana: hola a todos" in out
    assert "  <<           ana: \u00bfqu\u00e9 tal?" in out   # same segment
    assert "  >>+          hola a to" in out       # cut across segments
    assert "  >>  #15      dos" in out
    assert "  >>  #19      carla" in out           # a datagram
    assert not any(x.startswith("   1 ") for x in out)   # no packet lines
    es = subprocess.run([CHATCAP, "--follow", "--summary", "--lang", "es",
                         "--color=never", "-r",
                         os.path.join(FIXTURES, "tcp_analysis.pcap")],
                        capture_output=True, timeout=60, check=True,
                        env=env).stdout.decode()
    assert "  >>  [faltan 5 bytes en la captura]" in es
    assert "  >>  #12      hola!" in es
