"""chatcheck against redchat's servers (every test passes), the seed 003
Python servers (a stable tp42 result; under redchat the real faults named),
and small deliberately broken servers (faulty_chat.py: each fault caught by
the test meant for it, and no other MUST test failing); its output formats,
rubric, exit statuses, and that every rule it quotes is in a man page."""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redchat import ROOT, Server, program, stop_ok  # noqa: E402
from redchat_clients import free_port  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_TCP = os.path.join(ROOT, "tests", "seeds", "seed003_server.py")
SEED_UDP = os.path.join(ROOT, "tests", "seeds", "seed003_udp_server.py")
FAULTY = os.path.join(HERE, "faulty_chat.py")
BUSY_SEED = os.path.join(HERE, "seed_busy.py")
RUBRIC = os.path.join(ROOT, "labs", "lab6", "rubric.txt")
PY = "/usr/bin/python3"


def chatcheck(*args, timeout=240):
    """Run chatcheck --json; return (exit status, tests by ID, summary)."""
    r = subprocess.run([program("chatcheck"), "--json", *map(str, args)],
                       capture_output=True, text=True, timeout=timeout)
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    tests = {o["id"]: o for o in objs if o["type"] == "test"}
    summary = [o for o in objs if o["type"] == "summary"]
    return r.returncode, tests, summary[0] if summary else None


def failed(tests, level=None):
    return sorted(i for i, t in tests.items() if t["result"] == "fail"
                  and (level is None or t["level"] == level))


class PyServer:
    """A Python server given its port on the command line (0 when it prints
    the one it chose, as faulty_chat.py does)."""

    def __init__(self, script, *args, port=None):
        self.proc = subprocess.Popen([PY, script, str(port or 0), *args],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r":(\d+)", line)
        assert m, line
        self.port = port or int(m.group(1))
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


# --- redchat's servers: everything passes -----------------------------------
# -q: the servers log each chat line by default, and the helper's reader of
# their log is slower than the load tests' 60,000 lines.

@pytest.mark.parametrize("model", [[], ["--threads"]], ids=["loop", "threads"])
def test_tcpchatd_passes_every_test_in_under_60_s(model):
    server = Server("tcpchatd", "-q", *model)
    t0 = time.monotonic()
    rc, tests, s = chatcheck("127.0.0.1", server.port)
    took = time.monotonic() - t0
    stop_ok(server)
    assert failed(tests) == [], [tests[i]["detail"] for i in failed(tests)]
    assert rc == 0 and s["passed"] == s["tests"] == len(tests) >= 27
    assert s["skipped"] == 0 and s["score"] == 100.0
    assert took < 60, took


def test_tcpchatd_passes_tp42():
    server = Server("tcpchatd", "-q")
    rc, tests, s = chatcheck("--profile", "tp42", "127.0.0.1", server.port)
    stop_ok(server)
    assert rc == 0 and failed(tests) == [] and s["passed"] == 6


def test_udpchatd_passes_every_test():
    server = Server("udpchatd", "-q")
    rc, tests, s = chatcheck("--udp", "127.0.0.1", server.port)
    rc42, tests42, _ = chatcheck("--udp", "--profile", "tp42", "127.0.0.1",
                                 server.port)
    stop_ok(server)
    assert rc == 0 and failed(tests) == [] and s["passed"] == 10
    assert rc42 == 0 and failed(tests42) == [] and len(tests42) == 2


# --- the seed 003 servers ------------------------------------------------------

def test_seed_tcp_server_tp42_result_is_the_documented_one():
    """Every MUST passes; TP42-LIST-02 fails (its names dict never forgets
    anyone), as chatcheck(1) and lab 6 say; TP42-MANY-01, a SHOULD, may
    fail too (its broadcast removes a client that left from the list it is
    looping over, and skips the next one)."""
    with PyServer(SEED_TCP, port=free_port()) as seed:
        rc, tests, s = chatcheck("--profile", "tp42", "127.0.0.1", seed.port)
    assert rc == 0
    assert "TP42-LIST-02" in failed(tests)
    assert set(failed(tests)) <= {"TP42-LIST-02", "TP42-MANY-01"}
    assert s["passed"] + s["failed"] == 6


def test_seed_tcp_server_on_a_busy_machine_still_passes_every_must():
    """Its threads start a second late: a name sent without a newline and
    the send after it arrive together unless the test waits until the name
    was read (the join told to another client) before sending more."""
    with PyServer(BUSY_SEED, port=free_port()) as seed:
        rc, tests, s = chatcheck("--profile", "tp42", "127.0.0.1", seed.port)
    assert rc == 0 and failed(tests, "MUST") == [], tests
    assert s["passed"] + s["failed"] == 6


def test_seed_tcp_server_redchat_names_its_real_faults():
    """Lines that arrive together are relayed as one message, and one
    client that never reads stalls the senders: messages never arrive
    (over open connections: not delivered in time)."""
    with PyServer(SEED_TCP, port=free_port()) as seed:
        rc, tests, _ = chatcheck("--only", "TCP-FRAME-02,TCP-LOAD-02",
                                 "127.0.0.1", seed.port)
    assert rc == 1 and failed(tests) == ["TCP-FRAME-02", "TCP-LOAD-02"]
    frame, stall = tests["TCP-FRAME-02"], tests["TCP-LOAD-02"]
    assert frame["sent"] == "uno\\ndos\\ntres\\n"
    assert re.search(r"\| dos \| tres", frame["got"]), frame["got"]
    late = int(re.search(r"not delivered in time (\d+)",
                         stall["got"]).group(1))
    assert late > 0, stall["got"]


def test_seed_udp_server_tp42_passes_and_garbage_ends_it():
    with PyServer(SEED_UDP, port=free_port(socket.SOCK_DGRAM)) as seed:
        rc42, tests42, _ = chatcheck("--udp", "--profile", "tp42",
                                     "127.0.0.1", seed.port)
        rc, tests, s = chatcheck("--udp", "--only", "UDP-GARB-01,UDP-LOAD-01",
                                 "127.0.0.1", seed.port)
    assert rc42 == 0 and failed(tests42) == []
    assert rc == 1 and failed(tests) == ["UDP-GARB-01"]
    assert s["server_lost_after"] == "UDP-GARB-01"
    assert tests["UDP-LOAD-01"]["result"] == "skip"


# --- deliberately broken servers -----------------------------------------------

def test_faultless_python_server_passes():
    with PyServer(FAULTY, "none") as srv:
        rc, tests, _ = chatcheck("127.0.0.1", srv.port)
    assert rc == 0 and failed(tests) == [], \
        [tests[i]["detail"] for i in failed(tests)]


@pytest.mark.parametrize("fault,expected", [
    ("echo", ["TCP-CHAT-02"]),
    ("raw", ["TCP-CAP-01", "TCP-FRAME-01", "TCP-FRAME-02", "TCP-FRAME-04",
             "TCP-FRAME-05"]),
    ("dup", ["TCP-NICK-02"]),
    ("block", ["TCP-LOAD-02"]),
    ("crash", ["TCP-CAP-01"]),
])
def test_each_fault_is_caught_by_its_test_only(fault, expected):
    with PyServer(FAULTY, fault) as srv:
        rc, tests, s = chatcheck("127.0.0.1", srv.port)
    assert rc == 1
    assert failed(tests, "must") == expected, \
        [tests[i]["detail"] for i in failed(tests)]
    if fault == "crash":        # the rest is skipped, not failed
        assert s["server_lost_after"] == "TCP-CAP-01" and s["skipped"] > 0
    else:
        assert s["skipped"] == 0 and s["server_lost_after"] is None


# --- never hangs -----------------------------------------------------------------

def serve_forever(handler):
    """A TCP server that runs handler(conn) for each connection."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)

    def accept():
        while True:
            try:
                conn, _ = lsock.accept()
            except OSError:
                return
            threading.Thread(target=handler, args=(conn,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    return lsock


def silent(conn):
    while conn.recv(65536):
        pass


def firehose(conn):
    block = b"x" * 65536 + b"\n"
    try:
        while True:
            conn.sendall(block)
    except OSError:
        pass


@pytest.mark.parametrize("handler", [silent, firehose])
def test_a_silent_or_flooding_server_never_hangs_it(handler):
    lsock = serve_forever(handler)
    only = "TCP-CONN-01,TCP-FRAME-02,TCP-CMD-05,TCP-CAP-01"
    t0 = time.monotonic()
    rc, tests, s = chatcheck("--only", only, "127.0.0.1",
                             lsock.getsockname()[1], timeout=120)
    took = time.monotonic() - t0
    lsock.close()
    assert rc == 1 and s["failed"] == 4
    assert took < 3 + 5 + 5 + 12 + 5 + 10, took  # budgets + headroom


# --- output, rubric, exit statuses ----------------------------------------------

def test_json_markdown_rubric_and_spanish_table(tmp_path):
    server = Server("tcpchatd", "-q")
    md = tmp_path / "nota.md"
    rc, tests, s = chatcheck("--rubric", RUBRIC, "--markdown", md,
                             "--only", "TCP-FRAME-*", "TCP-CMD-06",
                             "127.0.0.1", server.port)
    es = subprocess.run([program("chatcheck"), "--lang", "es", "--only",
                         "TCP-FRAME-02", "127.0.0.1", str(server.port)],
                        capture_output=True, text=True, timeout=60)
    stop_ok(server)
    assert rc == 0 and sorted(tests) == ["TCP-CMD-06"] + [
        f"TCP-FRAME-0{i}" for i in range(1, 7)]
    t = tests["TCP-FRAME-02"]
    assert t["level"] == "must" and t["result"] == "pass"
    assert t["rule"].startswith("Text in UTF-8") and "tcpchatd(1)" in t["source"]
    assert {"type", "id", "level", "result", "rule", "detail"} <= set(t)
    assert s["max_points"] == s["points"] > 0 and s["score"] == 100.0
    text = md.read_text()
    assert "| TCP-FRAME-02 | MUST | pass |" in text and "100.0 %" in text
    assert es.returncode == 0 and "TCP-FRAME-02  MUST   pasa" in es.stdout
    assert "pasan 1, fallan 0" in es.stdout


def test_exit_statuses():
    def run(*args):
        return subprocess.run([program("chatcheck"), *map(str, args)],
                              capture_output=True, text=True,
                              timeout=30).returncode
    assert run("127.0.0.1", free_port()) == 2              # nobody listens
    assert run("--profile", "nope", "127.0.0.1", 5000) == 3
    assert run("--only", "NO-SUCH-01", "127.0.0.1", 5000) == 3
    assert run("127.0.0.1") == 3
    assert run("--rubric", "/nonexistent", "127.0.0.1", 5000) == 3
    assert run("--help") == 0 and run("--list") == 0


# --- the rules are quoted from the man pages ------------------------------------

def rendered(name):
    env = dict(os.environ, MANWIDTH="3000", LC_ALL="C.UTF-8")
    out = subprocess.run(["man", "-l", os.path.join(ROOT, "man", name + ".1")],
                         capture_output=True, env=env).stdout.decode()
    return re.sub(r"\s+", " ", re.sub(r".\x08", "", out))


def test_every_rule_is_quoted_word_for_word():
    pages = {n: rendered(n) for n in ("tcpchatd", "udpchatd", "chatcheck")}
    quoted = 0
    for args in ([], ["--udp"], ["--profile", "tp42"],
                 ["--profile", "tp42", "--udp"]):
        out = subprocess.run([program("chatcheck"), "--list", "--lang", "en",
                              *args], capture_output=True, text=True).stdout
        for m in re.finditer(r'^    "(.*)" \((\w+)\(1\) ', out, re.M):
            for part in m.group(1).split(" … "):
                assert re.sub(r"\s+", " ", part) in pages[m.group(2)], part
                quoted += 1
    assert quoted >= 45
