"""chatcap on bad input and bad command lines: each case gets a one-line
error that names the file (or the option) and its own exit status, as
chatcap(1) documents; a truncated capture is still summarised. Also the
options that change what is printed (-c, -w, --summary, BPF, colour)."""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
CHATCAP = os.path.join(BIN, "chatcap")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
LAB = os.path.join(FIXTURES, "lab.pcapng")
TCP_CHAT = os.path.join(FIXTURES, "tcp_chat.pcap")

# Exit statuses of chatcap(1).
USAGE, NOFILE, EMPTY, NOTCAP, TRUNCATED, LINKTYPE, PERM = 1, 2, 3, 4, 5, 6, 7


def chatcap(*args, env=None, user=None):
    e = dict(os.environ, LC_ALL="C.UTF-8")
    e.update(env or {})
    e.pop("NO_COLOR", None)
    cmd = [CHATCAP, "--lang", "en", *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}",
               "--clear-groups", "--inh-caps=-all", *cmd]
    return subprocess.run(cmd, env=e, capture_output=True, timeout=60)


def one_line_error(r, status, *words):
    assert r.returncode == status, (r.returncode, r.stderr)
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def test_missing_file(tmp_path):
    f = str(tmp_path / "nada.pcap")
    one_line_error(chatcap("-r", f), NOFILE, f, "No such file")


def test_directory(tmp_path):
    one_line_error(chatcap("-r", str(tmp_path)), NOFILE, str(tmp_path),
                   "directory")


def test_empty_file(tmp_path):
    f = tmp_path / "empty.pcap"
    f.write_bytes(b"")
    one_line_error(chatcap("-r", str(f)), EMPTY, str(f), "empty")


def test_not_a_capture(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_bytes(b"ana: hola a todos\n" * 10)
    one_line_error(chatcap("-r", str(f)), NOTCAP, str(f), "not a pcap")


def test_file_header_cut(tmp_path):
    f = tmp_path / "head.pcap"
    f.write_bytes(open(TCP_CHAT, "rb").read()[:10])
    one_line_error(chatcap("-r", str(f)), TRUNCATED, str(f), "truncated")


@pytest.mark.parametrize("capture", ["tcp_chat.pcap", "lab.pcapng"])
def test_truncated_capture_still_summarised(tmp_path, capture):
    data = open(os.path.join(FIXTURES, capture), "rb").read()
    f = tmp_path / capture
    f.write_bytes(data[:len(data) // 2 + 7])    # cut inside a packet
    r = chatcap("--json", "--summary", "-r", str(f))
    one_line_error(r, TRUNCATED, str(f), "truncated")
    s = json.loads(r.stdout)
    assert s["type"] == "summary"
    assert 0 < s["packets"] < 70
    assert s["tcp"]["syn"] >= 1


def test_unknown_link_type():
    f = os.path.join(FIXTURES, "unknown_link.pcap")
    one_line_error(chatcap("-r", f), LINKTYPE, f, "IEEE802_11",
                   "not supported")


def test_no_permission_to_capture():
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: cannot drop the privilege")
    r = chatcap("-i", "lo", "-c", "1",
                user="65534" if os.geteuid() == 0 else None)
    if r.returncode == 0:
        pytest.skip("this user may capture (capabilities set)")
    one_line_error(r, PERM, "lo", "sudo", "setcap cap_net_raw,cap_net_admin"
                   "=eip bin/chatcap")


@pytest.mark.parametrize("args,words", [
    (["-i", "lo", "-r", TCP_CHAT], ["-i and -r"]),
    (["--json", "--ladder", "-r", TCP_CHAT], ["--json and --ladder"]),
    (["--color=sometimes", "-r", TCP_CHAT], ["--color"]),
    (["--tcp-port", "70000", "-r", TCP_CHAT], ["--tcp-port", "70000"]),
    (["-c", "0", "-r", TCP_CHAT], ["-c"]),
    (["--lang", "fr", "-r", TCP_CHAT], ["--lang"]),
    (["-r", TCP_CHAT, "tcp", "port", "banana"], ["filter", "banana"]),
])
def test_usage_errors(args, words):
    r = chatcap(*args)
    assert r.returncode == USAGE, r.stderr
    assert all(w in r.stderr.decode() for w in words)
    assert r.stdout == b""


def test_help_and_version():
    r = chatcap("--help")
    assert r.returncode == 0 and b"usage: chatcap" in r.stdout
    assert b"5 truncated capture" in r.stdout
    r = chatcap("--version")
    assert r.returncode == 0 and r.stdout.startswith(b"chatcap (redchat)")


def test_count_stops_after_n_chat_packets():
    r = chatcap("--json", "-c", "5", "-r", LAB)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["n"] for x in lines[:-1]] == [1, 2, 3, 4, 5]
    assert lines[-1]["packets"] == 5


def test_write_saves_what_was_read(tmp_path):
    out = tmp_path / "copy.pcap"
    r = chatcap("--summary", "-w", str(out), "-r", LAB)
    assert r.returncode == 0, r.stderr
    a = json.loads(chatcap("--json", "--summary", "-r", LAB).stdout)
    b = json.loads(chatcap("--json", "--summary", "-r", str(out)).stdout)
    assert a == b


def test_write_to_an_impossible_place():
    r = chatcap("-w", "/nonexistent/dir/x.pcap", "-r", LAB)
    one_line_error(r, 8, "/nonexistent/dir/x.pcap")


@pytest.mark.parametrize("mode", [[], ["--json"], ["--summary"]])
def test_a_full_disk_is_an_output_error(mode):
    """What chatcap prints could not be written: one line, status 8."""
    with open("/dev/full", "wb") as full:
        r = subprocess.run([CHATCAP, "--lang", "en", "-r", LAB, *mode],
                           stdout=full, stderr=subprocess.PIPE, timeout=60,
                           env=dict(os.environ, LC_ALL="C.UTF-8"))
    one_line_error(r, 8, "standard output", "No space left on device")


def test_bpf_expression_narrows():
    r = chatcap("--json", "--summary", "-r", LAB, "udp")
    s = json.loads(r.stdout)
    assert s["tcp"]["segments"] == 0 and s["udp"]["datagrams"] == 14
    r = chatcap("--json", "--summary", "-r", LAB, "host", "10.0.0.3")
    s = json.loads(r.stdout)
    assert s["tcp"]["connections"] == 1 and s["udp"]["flows"] == 1


def test_other_ports():
    r = chatcap("--json", "--summary", "--tcp-port", "6000", "-r", LAB)
    s = json.loads(r.stdout)
    assert s["tcp"]["segments"] == 0 and s["other"] > 0


def test_summary_only_prints_the_summary():
    r = chatcap("--summary", "--color=never", "-r", LAB)
    text = r.stdout.decode()
    assert text.lstrip().startswith("Summary")
    assert "handshake 1/3" not in text


def test_colour_only_when_asked():
    assert b"\033[" not in chatcap("-r", LAB).stdout   # not a terminal
    assert b"\033[" in chatcap("--color=always", "-r", LAB).stdout
    assert b"\033[" not in chatcap("--color=never", "-r", LAB).stdout
    r = chatcap("--json", "--color=always", "-r", LAB)
    assert b"\033[" not in r.stdout


def test_ascii_fallback_without_utf8():
    r = chatcap("--ladder", "-r", LAB, env={"LC_ALL": "C"})
    assert r.returncode == 0
    r.stdout.decode("ascii")                    # nothing but ASCII
    assert b"|--" in r.stdout and b"->|" in r.stdout


def test_reads_standard_input():
    with open(LAB, "rb") as f:
        r = subprocess.run([CHATCAP, "--json", "--summary", "-r", "-"],
                           stdin=f, capture_output=True, timeout=60)
    assert r.returncode == 0
    assert json.loads(r.stdout)["packets"] == 56


def test_nothing_matched_names_the_ports():
    """No chat traffic on the ports asked for: the summary says which
    TCP/UDP ports carried traffic and the command to follow them."""
    r = chatcap("--summary", "--color=never", "--tcp-port", "6000",
                "--udp-port", "6001", "-r", LAB)
    text = r.stdout.decode()
    assert "TCP port 5000: 42 packets" in text
    assert "chatcap --tcp-port 5000 --udp-port 5001 -r " + LAB in text
    s = json.loads(chatcap("--json", "--summary", "--tcp-port", "6000",
                           "-r", LAB).stdout)
    assert {"proto": "tcp", "port": 5000, "packets": 42} in s["other_ports"]


def test_mixed_link_types_exit_6_without_summary(tmp_path):
    import struct

    def blk(t, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", t, n) + body + struct.pack("<I", n)
    f = tmp_path / "mixed.pcapng"
    f.write_bytes(blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
                  + blk(1, struct.pack("<HHI", 1, 0, 65535))
                  + blk(1, struct.pack("<HHI", 113, 0, 65535)))
    r = chatcap("-r", str(f))
    assert r.returncode == 6 and r.stdout == b""
    assert len(r.stderr.splitlines()) == 1 and b"link type" in r.stderr


def test_empty_standard_input_is_empty():
    r = subprocess.run([CHATCAP, "-r", "-"], input=b"", capture_output=True,
                       timeout=60)
    assert r.returncode == EMPTY and b"empty" in r.stderr
