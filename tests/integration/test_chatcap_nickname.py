"""Whose nickname: chatcap infers a client's first message with the
server's framing (a newline, or 200 ms of silence after unterminated
bytes), but the server's answer is the truth when it names the nickname:
"spl", a pause of 200.16 ms, "itter\\n", and the server says "Hello
splitter" -> chatcap says the server took "splitter". And a first message
that starts with '/' is a command, never a nickname ("/nick luis" over
UDP). The captures are written here, packet by packet."""
import json
import os
import struct
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
CLI, SRV = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])


def ip_packet(src, dst, proto, body):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64,
                       proto, 0, src, dst) + body


def tcp(src, dst, sport, dport, seq, ack, flags, data=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    return ip_packet(src, dst, 6, hdr + data)


def udp(src, dst, sport, dport, data):
    return ip_packet(src, dst, 17, struct.pack("!HHHH", sport, dport,
                                               8 + len(data), 0) + data)


def write_pcap(path, packets):
    """packets: (seconds, IP packet); link type raw IP (101)."""
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]
    for t, pkt in packets:
        sec, usec = int(t), round((t - int(t)) * 1e6)
        out.append(struct.pack("<IIII", 1700000000 + sec, usec, len(pkt),
                               len(pkt)) + pkt)
    open(path, "wb").write(b"".join(out))


def chatcap(path, *args):
    return subprocess.run([CHATCAP, "--lang", "en", "--color=never",
                           "--width", "0", "-r", path, *args],
                          capture_output=True, check=True,
                          timeout=60).stdout.decode()


def test_server_names_the_nickname(tmp_path):
    S, A, PA = 0x02, 0x10, 0x18
    hello = (b"*** Hello splitter, you are in the chat (1 online). "
             b"Type /help for the commands.\n")
    c, s = 1001, 5001
    pkts = [
        (0.000, tcp(CLI, SRV, 40000, 5000, 1000, 0, S)),
        (0.001, tcp(SRV, CLI, 5000, 40000, 5000, 1001, S | A)),
        (0.002, tcp(CLI, SRV, 40000, 5000, c, s, A)),
        (0.100, tcp(CLI, SRV, 40000, 5000, c, s, PA, b"spl")),
        (0.101, tcp(SRV, CLI, 5000, 40000, s, c + 3, A)),
        (0.30016, tcp(CLI, SRV, 40000, 5000, c + 3, s, PA, b"itter\n")),
        (0.301, tcp(SRV, CLI, 5000, 40000, s, c + 9, PA, hello)),
        (0.302, tcp(CLI, SRV, 40000, 5000, c + 9, s + len(hello), A)),
    ]
    path = str(tmp_path / "split.pcap")
    write_pcap(path, pkts)
    text = chatcap(path)
    assert 'nickname "spl"' in text      # what the silence rule says
    assert ('[the server names the nickname "splitter", not "spl": it read '
            'those bytes as one message]') in text
    lines = [json.loads(x) for x in chatcap(path, "--json").splitlines()]
    fixed = [p for p in lines if "nickname_from_server" in p]
    assert len(fixed) == 1 and fixed[0]["n"] == 7
    assert fixed[0]["nickname_from_server"] == "splitter"
    assert fixed[0]["nickname_inferred"] == "spl"


def test_agreeing_server_adds_nothing(tmp_path):
    S, A, PA = 0x02, 0x10, 0x18
    hello = b"*** Hola ana, ya est\xc3\xa1s en el chat (1 en l\xc3\xadnea).\n"
    pkts = [
        (0.000, tcp(CLI, SRV, 40000, 5000, 1000, 0, S)),
        (0.001, tcp(SRV, CLI, 5000, 40000, 5000, 1001, S | A)),
        (0.002, tcp(CLI, SRV, 40000, 5000, 1001, 5001, A)),
        (0.100, tcp(CLI, SRV, 40000, 5000, 1001, 5001, PA, b"ana\n")),
        (0.101, tcp(SRV, CLI, 5000, 40000, 5001, 1005, PA, hello)),
    ]
    path = str(tmp_path / "ana.pcap")
    write_pcap(path, pkts)
    assert "the server names the nickname" not in chatcap(path)


def test_udp_nick_command_is_no_nickname(tmp_path):
    path = str(tmp_path / "nick.pcap")
    write_pcap(path, [(0.0, udp(CLI, SRV, 40001, 5001, b"/nick luis\n")),
                      (0.1, udp(CLI, SRV, 40001, 5001, b"luis\n"))])
    lines = [json.loads(x) for x in chatcap(path, "--json").splitlines()]
    roles = [m["role"] for p in lines[:-1] for m in p["messages"]]
    assert roles == ["command", "nickname"]
