"""chatcap against its golden outputs: for every capture fixture, the text
and the JSON Lines must match, byte for byte, what tests/fixtures/golden/
holds (written by tests/fixtures/regen.sh and read by a person). Also: the
fixtures are regenerable (the generator gives the same bytes again)."""
import filecmp
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
BUILD = os.environ.get("REDCHAT_BUILD") or os.path.join(ROOT, "build")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
GOLDEN = os.path.join(FIXTURES, "golden")

CAPTURES = sorted(f for f in os.listdir(FIXTURES)
                  if f.endswith((".pcap", ".pcapng"))
                  and f != "unknown_link.pcap")


def chatcap(*args, lc="C.UTF-8"):
    env = dict(os.environ, LC_ALL=lc)
    env.pop("NO_COLOR", None)
    return subprocess.run([CHATCAP, *args], env=env, capture_output=True,
                          timeout=60)


def golden(name):
    with open(os.path.join(GOLDEN, name), "rb") as f:
        return f.read()


def same(out, name):
    want = golden(name)
    if out != want:   # show the first differing line, not two blobs
        for n, (a, b) in enumerate(zip(out.splitlines(), want.splitlines())):
            assert a == b, f"{name} line {n + 1}"
        assert len(out) == len(want), f"{name}: length differs"


@pytest.mark.parametrize("capture", CAPTURES)
def test_text_matches_golden(capture):
    r = chatcap("--lang", "en", "--color=never", "-r",
                os.path.join(FIXTURES, capture))
    assert r.returncode == 0, r.stderr
    same(r.stdout, capture + ".txt")


@pytest.mark.parametrize("capture", CAPTURES)
def test_json_matches_golden(capture):
    r = chatcap("--lang", "en", "--json", "-r",
                os.path.join(FIXTURES, capture))
    assert r.returncode == 0, r.stderr
    same(r.stdout, capture + ".json")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert all(x["type"] == "packet" for x in lines[:-1])
    assert lines[-1]["type"] == "summary"


@pytest.mark.parametrize("args,lc,name", [
    (["--ladder", "-r", "lab.pcapng"], "C.UTF-8", "lab.pcapng.ladder"),
    (["--ladder", "-r", "tcp_retrans.pcap"], "C",
     "tcp_retrans.pcap.ladder-ascii"),
])
def test_ladder_matches_golden(args, lc, name):
    args[-1] = os.path.join(FIXTURES, args[-1])
    r = chatcap("--lang", "en", "--color=never", *args, lc=lc)
    assert r.returncode == 0, r.stderr
    same(r.stdout, name)


def test_spanish_matches_golden():
    r = chatcap("--lang", "es", "--color=never", "-r",
                os.path.join(FIXTURES, "lab.pcapng"))
    same(r.stdout, "lab.pcapng.es.txt")
    r = chatcap("--lang", "es", "--color=never", "--ladder", "--summary",
                "-r", os.path.join(FIXTURES, "tcp_refused.pcap"))
    same(r.stdout, "tcp_refused.pcap.es.ladder")


def test_fixtures_are_regenerable(tmp_path):
    gen = os.path.join(BUILD, "tests", "gen_fixtures")
    if not os.path.exists(gen):
        pytest.skip("gen_fixtures not built")
    subprocess.run([gen, str(tmp_path)], check=True, timeout=60)
    for f in CAPTURES + ["unknown_link.pcap"]:
        assert filecmp.cmp(os.path.join(FIXTURES, f), tmp_path / f,
                           shallow=False), f


def test_big_captures_plain_and_impaired(tmp_path):
    """The timing captures: --big holds whole sessions (129 packets, one
    TCP connection and one UDP flow each) and no analysis flag;
    --big-impaired, the same traffic with losses and swaps, the same bytes
    on every run, and the analysis finds what was done to it."""
    gen = os.path.join(BUILD, "tests", "gen_fixtures")
    if not os.path.exists(gen):
        pytest.skip("gen_fixtures not built")
    files = {}
    for opt in ("--big", "--big-impaired", "--big-impaired"):
        path = tmp_path / ("%s-%d.pcap" % (opt, len(files)))
        subprocess.run([gen, opt, str(path), "20000"], check=True,
                       timeout=60)
        files[path] = opt
    (plain, imp, imp2) = files
    assert filecmp.cmp(imp, imp2, shallow=False)
    got = {}
    for path in (plain, imp):
        r = chatcap("--json", "--summary", "-r", str(path))
        assert r.returncode == 0, r.stderr
        got[path] = json.loads(r.stdout)
    p, i = got[plain], got[imp]
    assert p["packets"] == 156 * 129                 # 20,000 rounded up
    assert len(p["connections"]) == 156
    assert len(p["flows"]) == 156
    assert not any(p["tcp"]["analysis"].values())
    assert i["packets"] >= 20000
    a = i["tcp"]["analysis"]
    assert a["retransmission"] > 0 and a["lost_segment"] > 0
    assert a["ack_lost_segment"] > 0


def summary(capture, *args):
    r = chatcap("--json", "--summary", *args, "-r",
                os.path.join(FIXTURES, capture))
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_summary_keys_of_the_design():
    s = summary("lab.pcapng")
    for k in ("type", "link_type", "packets", "truncated", "other", "tcp",
              "udp", "connections"):
        assert k in s
    for k in ("segments", "syn", "syn_ack", "pure_ack", "data", "fin", "rst",
              "retransmissions", "connections", "handshakes",
              "payload_bytes", "ip_bytes"):
        assert k in s["tcp"]
    for k in ("datagrams", "flows", "payload_bytes", "ip_bytes"):
        assert k in s["udp"]
    c = s["connections"][0]
    for k in ("client", "server", "syn_to_synack_us", "syn_to_ack_us",
              "state"):
        assert k in c
    assert s["link_type"] == "EN10MB"
    assert c == dict(c, client="10.0.0.2:40001", server="10.0.0.1:5000",
                     syn_to_synack_us=120, syn_to_ack_us=240, state="closed")
    assert [x["state"] for x in s["connections"]] == ["closed", "open"]
    assert s["udp"]["flows"] == 2 and s["udp"]["datagrams"] == 14


@pytest.mark.parametrize("capture,link,expect", [
    ("tcp_refused.pcap", "NULL", {"state": "refused", "rst": 1}),
    ("tcp_reset.pcap", "RAW", {"state": "reset", "rst": 1}),
    ("tcp_retrans.pcap", "LINUX_SLL", {"state": "closed", "retrans": 5}),
    ("any_sll2.pcap", "LINUX_SLL2", {"state": "closed"}),
    ("ipv6.pcap", "EN10MB", {"state": "closed"}),
    ("vlan.pcap", "EN10MB", {"state": "closed"}),
    ("loop.pcap", "LOOP", {"state": "closed"}),
    ("null_be_ipv6.pcap", "NULL", {"state": "closed"}),
])
def test_summary_per_fixture(capture, link, expect):
    s = summary(capture)
    assert s["link_type"] == link
    assert s["connections"][0]["state"] == expect["state"]
    assert s["tcp"]["rst"] == expect.get("rst", 0)
    assert s["tcp"]["retransmissions"] == expect.get("retrans", 0)
    assert s["truncated"] == 0 and s["invalid"] == 0


def test_ipv6_endpoints_in_brackets():
    s = summary("ipv6.pcap")
    assert s["connections"][0]["client"] == "[fd00::2]:40060"
    assert s["flows"][0]["server"] == "[fd00::1]:5001"


def test_short_snaplen_counts_truncated_and_cut():
    s = summary("snaplen64.pcap")
    assert s["truncated"] == 0          # truncated is not invalid: the
    assert s["header_cut"] == 2         # SYN and SYN-ACK, cut in the options,
    assert s["tcp"]["handshakes"] == 1  # still count
    assert s["payload_cut"] == 2
    assert s["tcp"]["payload_bytes"] == 45   # from the IP lengths


def test_invalid_and_other():
    s = summary("invalid.pcap")
    assert (s["invalid"], s["other"], s["udp"]["datagrams"]) == (4, 3, 2)


def test_summary_columns_stay_apart_with_long_headers():
    """"UDP (puerto 58433)" fills its column exactly; it must still not run
    into the TCP header on its left."""
    r = chatcap("-r", os.path.join(FIXTURES, "udp_chat.pcap"), "--summary",
                "--lang", "es", "--color=never", "--tcp-port", "44671",
                "--udp-port", "58433")
    assert r.returncode == 0
    assert b"TCP (puerto 44671) UDP (puerto 58433)" in r.stdout
