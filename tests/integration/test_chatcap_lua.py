"""The Wireshark dissector (wireshark/redchat.lua) against chatcap: the
messages tshark reads with the dissector (redchat.kind, .nick, .text,
.command, frame by frame) are the messages chatcap decodes from the same
packets, under tshark's default preferences, with
tcp.reassemble_out_of_order TRUE, and on a second pass (tshark -2): on the
project's capture fixtures and on traffic the real kernel made through
chatnet with loss, reordering, duplication and a reader that stalls.
Skipped where tshark is missing (and the chatnet captures without root)."""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
LUA = os.path.join(ROOT, "wireshark", "redchat.lua")
TSHARK = shutil.which("tshark")

CAPTURES = ["any_sll2.pcap", "lab.pcapng", "tcp_chat.pcap", "udp_chat.pcap", "ipv6.pcap",
            "vlan.pcap", "loop.pcap", "null_be_ipv6.pcap", "tcp_reset.pcap",
            "tcp_retrans.pcap", "raw_ipv4_opts.pcap", "udp_fragments.pcap",
            "tcp_analysis.pcap", "snaplen64.pcap", "tcp_refused.pcap"]

IN_ORDER = ("-o", "tcp.reassemble_out_of_order:TRUE")
# tshark's preferences: its defaults (tcp.reassemble_out_of_order FALSE),
# TCP's out-of-order reassembly on, and each again on a second pass.
PREFS = {"default": (), "in_order": IN_ORDER, "default_2pass": ("-2",),
         "in_order_2pass": ("-2",) + IN_ORDER}


def lua_messages(path, *extra, where=("-Y", "redchat")):
    out = subprocess.run(
        [TSHARK, "-X", "lua_script:" + LUA, *extra, "-r", path, *where,
         "-T", "json", "-e", "frame.number", "-e", "redchat.kind",
         "-e", "redchat.nick", "-e", "redchat.text", "-e",
         "redchat.command"], capture_output=True, timeout=120,
        check=True).stdout.decode()
    frames = {}
    for pkt in json.loads(out or "[]"):
        f = pkt["_source"]["layers"]
        kinds, texts = f.get("redchat.kind", []), f.get("redchat.text", [])
        nicks, cmds = f.get("redchat.nick", []), f.get("redchat.command", [])
        # nick and command occur only on the messages that have them, in
        # order: same() takes them as it meets those messages
        if kinds:
            frames[int(f["frame.number"][0])] = (list(zip(kinds, texts)),
                                                 nicks, cmds)
    return frames


def chatcap_messages(path, *extra):
    """{frame: (messages, how many)}: chatcap's JSON keeps the first 8
    messages of a packet and says how many it had."""
    r = subprocess.run([CHATCAP, "--json", *extra, "-r", path],
                       capture_output=True, timeout=120, check=True)
    frames = {}
    for line in r.stdout.decode().splitlines()[:-1]:
        o = json.loads(line)
        if o.get("messages_total"):
            frames[o["n"]] = (o["messages"], o["messages_total"])
    return frames


def same(ours, lua):
    """chatcap's messages of a frame against the dissector's."""
    msgs, nicks, cmds = lua
    ours, total = ours
    assert total == len(msgs)
    ni, ci = iter(nicks), iter(cmds)
    for m, (kind, text) in zip(ours, msgs):
        role = m["role"]
        assert kind == role, (m, kind)            # the same words
        if role == "relay":
            if m["text"] != text:
                nick = next(ni)
                assert m["text"] in (nick + ": " + text,
                                     nick + " (private): " + text,
                                     nick + " (privado): " + text)
            continue
        assert text == m["text"]
        if role == "command":
            assert next(ci) == m["command"]


def assert_like_chatcap(path, prefs):
    """Frame by frame, the dissector's messages are chatcap's; returns
    the dissector's {frame: ...}."""
    ours, theirs = chatcap_messages(path), lua_messages(path, *prefs)
    assert sorted(ours) == sorted(theirs), path
    for n in ours:
        same(ours[n], theirs[n])
    return theirs


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
@pytest.mark.parametrize("prefs", sorted(PREFS))
@pytest.mark.parametrize("capture", CAPTURES)
def test_dissector_reads_what_chatcap_reads(capture, prefs):
    assert_like_chatcap(os.path.join(FIXTURES, capture), PREFS[prefs])


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
@pytest.mark.parametrize("prefs", ["default", "in_order"])
@pytest.mark.parametrize("trace", ["lab2.pcap", "lab3-bench.pcap", "lab4.pcap",
                                   "lab6-fallo.pcap"])
def test_lab_traces_like_chatcap(trace, prefs):
    """The labs' traces (lab 4's has losses) read the same way."""
    assert_like_chatcap(os.path.join(ROOT, "labs", "traces", trace),
                        PREFS[prefs])


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
@pytest.mark.parametrize("capture", ["tcp_retrans.pcap", "lab.pcapng"])
def test_second_pass_without_filter(capture):
    """tshark -2 with no filter builds no protocol tree on its first pass:
    the messages are the same all the same."""
    path = os.path.join(FIXTURES, capture)
    assert lua_messages(path, "-2", where=()) == lua_messages(path)


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_a_retransmission_with_new_bytes():
    """tcp_retrans.pcap's frame 17 sends "/listar\n" again with the new
    "/ayuda\n": TCP hands no retransmission to a dissector under its
    default preferences, yet the new line is there, and only once."""
    lua = lua_messages(os.path.join(FIXTURES, "tcp_retrans.pcap"))
    assert lua[17][0] == [("command", "/ayuda")]
    texts = [t for msgs, _, _ in lua.values() for _, t in msgs]
    assert texts.count("/listar") == 1


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_ports_are_preferences(tmp_path):
    """Moved to other ports, the dissector follows its preferences."""
    path = os.path.join(FIXTURES, "tcp_chat.pcap")
    moved = lua_messages(path, "-o", "redchat.tcp_port:6000")
    assert moved == {}
    again = lua_messages(path, "-o", "redchat.tcp_port:5000")
    assert again == lua_messages(path)


def test_one_list_of_kinds():
    """The dissector's KINDS is chatcap's list of roles (cap_role_name)."""
    import re
    c = open(os.path.join(ROOT, "tools", "chatcap", "cap_chat.c")).read()
    body = c[c.index("cap_role_name(enum cap_role role)"):]
    ours = re.findall(r'return "([a-z_]+)";', body[:body.index("\n}")])
    lua = open(LUA).read()
    m = re.search(r"local KINDS = \{([^}]*)\}", lua)
    assert re.findall(r'"([a-z_]+)"', m.group(1)) == ours
    # and every kind the dissector writes is one of them
    written = set(re.findall(r'kind = "([a-z_]+)"', lua)) | \
        set(re.findall(r'kind, [a-z]+ = "([a-z_]+)"', lua))
    assert written <= set(ours), written - set(ours)


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_not_chat_and_commands_first(tmp_path):
    """An HTTP GET on the chat port is not labelled chat; a first UDP
    datagram "/nick luis" is a nick command, the next one the nickname."""
    from test_chatcap_nickname import CLI, SRV, tcp, udp, write_pcap
    get = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    path = str(tmp_path / "other.pcap")
    write_pcap(path, [
        (0.0, tcp(CLI, SRV, 40000, 5000, 1000, 0, 0x02)),
        (0.001, tcp(SRV, CLI, 5000, 40000, 5000, 1001, 0x12)),
        (0.002, tcp(CLI, SRV, 40000, 5000, 1001, 5001, 0x10)),
        (0.003, tcp(CLI, SRV, 40000, 5000, 1001, 5001, 0x18, get)),
        (0.004, tcp(SRV, CLI, 5000, 40000, 5001, 1001 + len(get), 0x18,
                    b"HTTP/1.1 400 Bad Request\r\n\r\n")),
        (0.1, udp(CLI, SRV, 40001, 5001, b"/nick luis\n")),
        (0.2, udp(CLI, SRV, 40001, 5001, b"luis\n"))])
    for prefs in PREFS.values():
        lua = lua_messages(path, *prefs)
        assert 4 not in lua and 5 not in lua
        assert lua[6][0] == [("command", "/nick luis")]
        assert lua[6][2] == ["nick"]
        assert lua[7][0] == [("nickname", "luis")]





@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_nickname_the_server_accepted(tmp_path):
    """A first "/nick ana" the server accepts ("*** Hello ana, ...") is the
    nickname: the client's next line is chat, as chatcap reads it."""
    from test_chatcap_nickname import CLI, SRV, udp, write_pcap
    path = str(tmp_path / "accepted.pcap")
    write_pcap(path, [
        (0.0, udp(CLI, SRV, 40001, 5001, b"/nick ana\n")),
        (0.1, udp(SRV, CLI, 5001, 40001, b"*** Hello ana, you are in the "
                  b"chat (1 online). idle-timeout=300\n")),
        (0.2, udp(CLI, SRV, 40001, 5001, b"hola\n"))])
    lua = assert_like_chatcap(path, ())
    assert lua[3][0] == [("chat", "hola")]

@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_text_as_chatcap_shows_it(tmp_path):
    """Bytes that are not UTF-8, control characters, C1 controls and
    bidirectional overrides are shown as chatcap shows them."""
    from test_chatcap_nickname import CLI, SRV, udp, write_pcap
    lines = [b"luis", b"caf\xc3\xa9 \xa9 \xc3", b"tab\there \x1b[31m \x7f",
             b"c1 \xc2\x85 bidi \xe2\x80\xae \xed\xa0\x80 \xc0\xaf",
             "quatre 🐈 ok".encode()]
    path = str(tmp_path / "text.pcap")
    write_pcap(path, [(0.1 * i, udp(CLI, SRV, 40001, 5001, x + b"\n"))
                      for i, x in enumerate(lines)] +
               [(1.0, udp(SRV, CLI, 5001, 40001,
                          b"luis: \xa9\x01 x\n"))])
    lua = assert_like_chatcap(path, ())
    assert len(lua) == len(lines) + 1


# ---------------------------------------------------------------------------
# Traffic of the real kernel through chatnet (test_chatcap_follow.py makes
# it: two connections of 1 + 30 x 26 client lines each, 24 lines in one
# write, 1,000-byte lines, a line in two writes; the server echoes, and
# stalls 3 s before reading its second connection).

IMPAIRMENTS = {
    "loss": "--delay 5ms --loss 8% --seed 7",
    "reorder": "--delay 10ms --reorder 30% --seed 7",
    "duplicate": "--delay 2ms --dup 20% --seed 7",
}


@pytest.fixture(scope="module")
def impaired(tmp_path_factory):
    """{impairment: capture}, made once for the tests below."""
    if TSHARK is None or os.geteuid() != 0 or \
            not os.path.exists(os.path.join(BIN, "chatnet")):
        pytest.skip("needs tshark, root and chatnet")
    import re
    from test_chatcap_follow import chatnet, run_traffic
    caps = {}
    try:
        chatnet("up", "--hosts", "ana")
        ip = re.search(r"^srv\s+(\S+)", chatnet("status").stdout.decode(),
                       re.M).group(1)
        for name, impair in IMPAIRMENTS.items():
            caps[name] = run_traffic(tmp_path_factory.mktemp(name), ip,
                                     impair.split())
        yield caps
    finally:
        chatnet("down", check=False)


def kinds_of(path, prefs, where="redchat"):
    out = subprocess.run(
        [TSHARK, "-X", "lua_script:" + LUA, *prefs, "-r", path, "-Y",
         where, "-T", "fields", "-e", "redchat.kind"],
        capture_output=True, timeout=120, check=True).stdout.decode()
    return [k for x in out.split() for k in x.split(",")]


@pytest.mark.parametrize("prefs", sorted(PREFS))
@pytest.mark.parametrize("impairment", sorted(IMPAIRMENTS))
def test_impaired_like_chatcap(impaired, impairment, prefs):
    """Frame by frame the dissector reads chatcap's messages, whatever
    TCP's out-of-order preference and on a second pass; each line once
    (the client's 2 x (1 + 780) lines exactly, however often their
    segments were sent), where it became complete in sequence order."""
    path = impaired[impairment]
    lua = assert_like_chatcap(path, PREFS[prefs])
    if prefs == "default_2pass":
        assert lua_messages(path, "-2", where=()) == lua
    kinds = [k for msgs, _, _ in lua.values() for k, _ in msgs]
    assert kinds.count("nickname") == 2
    assert kinds.count("chat") == 2 * 30 * 26
    summary = json.loads(subprocess.run(
        [CHATCAP, "--json", "--summary", "-r", path], capture_output=True,
        check=True, timeout=120).stdout)["tcp"]
    assert len(kinds) == summary["messages"]
    # The impairment is in the capture; where TCP held bytes back, the
    # lines they complete are marked as reassembled.
    flag = {"loss": "retransmission", "reorder": "out_of_order",
            "duplicate": "spurious_retransmission"}[impairment]
    assert summary["analysis"][flag] > 0
    if impairment != "duplicate":
        assert kinds_of(path, PREFS[prefs], "redchat.reassembled")



@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_too_long_text_as_chatcap(tmp_path):
    """A message over MSG_MAX bytes: its kind, and no text, as chatcap."""
    from test_chatcap_nickname import CLI, SRV, udp, write_pcap
    path = str(tmp_path / "long.pcap")
    write_pcap(path, [(0.0, udp(CLI, SRV, 40001, 5001, b"ana\n")),
                      (0.1, udp(CLI, SRV, 40001, 5001, b"z" * 1100 + b"\n"))])
    lua = assert_like_chatcap(path, ())
    assert lua[2][0] == [("too_long", "")]
