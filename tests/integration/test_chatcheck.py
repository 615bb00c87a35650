"""chatcheck against redchat's servers (every test passes), the seed 003
Python servers (a stable tp42 result; under redchat the real faults named),
correct servers in three styles (styles_chat.py, faulty_chat.py), and
deliberately broken ones (faulty_chat.py: each fault caught by the tests
meant for it and no other; crashes found by the test that causes them, with
and without --run); things that are not chat servers judged so in 20 s; its
output formats (JSON, Markdown, JUnit, Gradescope), rubric, exit statuses,
and that every rule it quotes is in a man page. The long runs go in
parallel threads, a few at a time."""
import concurrent.futures
import glob
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redchat import ROOT, Server, program, stop_ok  # noqa: E402
from redchat_clients import free_port  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_TCP = os.path.join(ROOT, "tests", "seeds", "seed003_server.py")
SEED_UDP = os.path.join(ROOT, "tests", "seeds", "seed003_udp_server.py")
FAULTY = os.path.join(HERE, "faulty_chat.py")
STYLES = os.path.join(HERE, "styles_chat.py")
BUSY_SEED = os.path.join(HERE, "seed_busy.py")
RUBRIC = os.path.join(ROOT, "labs", "lab6", "rubric.txt")
PY = "/usr/bin/python3"


def chatcheck(*args, timeout=240):
    """Run chatcheck --json; return (exit status, tests by ID, summary)."""
    r = subprocess.run([program("chatcheck"), "--json", *map(str, args)],
                       capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    tests = {o["id"]: o for o in objs if o["type"] == "test"}
    summary = [o for o in objs if o["type"] == "summary"]
    return r.returncode, tests, summary[0] if summary else None


def failed(tests, level=None):
    return sorted(i for i, t in tests.items() if t["result"] == "fail"
                  and (level is None or t["level"] == level))


def run_cmd(script, *args):
    """--run's command for a Python test server."""
    return " ".join([PY, script, "{port}", *args])


def parallel(jobs, workers=3):
    """Run the callables in jobs (a dict) a few at a time: their results."""
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        futures = {k: ex.submit(f) for k, f in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


# The redchat TCP tests without the three load tests (which only the
# faults about load need, and which take most of a run's time).
NOLOAD = ",".join(["TCP-CONN-01"] + [f"TCP-FRAME-0{i}" for i in range(1, 7)]
                  + [f"TCP-NICK-0{i}" for i in range(1, 4)]
                  + [f"TCP-CHAT-0{i}" for i in range(1, 4)]
                  + [f"TCP-CMD-0{i}" for i in range(1, 7)]
                  + ["TCP-CAP-01", "TCP-CAP-02", "TCP-CTRL-01", "TCP-RST-01",
                     "TCP-GARB-01", "TCP-BIG-0*", "TCP-CLOSE-01",
                     "TCP-RST-02", "TCP-UTF8-01", "TCP-LIVE-01"])


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
def test_tcpchatd_passes_every_test_in_under_30_s(model):
    server = Server("tcpchatd", "-q", *model)
    rc, tests, s = chatcheck("127.0.0.1", server.port)
    stop_ok(server)
    assert failed(tests) == [], [tests[i]["detail"] for i in failed(tests)]
    assert rc == 0 and s["passed"] == s["tests"] == len(tests) >= 36
    assert s["not_run"] == 0 and s["score"] == 100.0 and s["crashes"] == 0
    assert s["what_happened"] == "" and not s["not_a_chat_server"]
    assert s["seconds"] < 30, s["seconds"]


def test_tcpchatd_passes_tp42():
    server = Server("tcpchatd", "-q")
    rc, tests, s = chatcheck("--profile", "tp42", "127.0.0.1", server.port)
    stop_ok(server)
    assert rc == 0 and failed(tests) == [] and s["passed"] == 15


def test_udpchatd_passes_every_test_and_the_time_is_the_wall_time():
    server = Server("udpchatd", "-q")
    t0 = time.monotonic()
    rc, tests, s = chatcheck("--udp", "127.0.0.1", server.port)
    took = time.monotonic() - t0
    rc42, tests42, _ = chatcheck("--udp", "--profile", "tp42", "127.0.0.1",
                                 server.port)
    stop_ok(server)
    assert rc == 0 and failed(tests) == [] and s["passed"] == 11
    assert rc42 == 0 and failed(tests42) == [] and len(tests42) == 3
    assert took - 0.5 < s["seconds"] <= took, (took, s["seconds"])


def test_wrong_transport_is_named():
    server = Server("udpchatd", "-q")
    r = subprocess.run([program("chatcheck"), "--lang", "en", "127.0.0.1",
                        str(server.port)], capture_output=True, text=True,
                       timeout=30)
    es = subprocess.run([program("chatcheck"), "--lang", "es", "127.0.0.1",
                         str(server.port)], capture_output=True, text=True,
                        timeout=30)
    stop_ok(server)
    assert r.returncode == 2 and "try --udp" in r.stderr, r.stderr
    assert es.returncode == 2 and "pruebe --udp" in es.stderr, es.stderr


# --- correct servers in three styles ------------------------------------------

def test_three_styles_of_correct_server_pass_every_test():
    """An event loop (faulty_chat.py none), threads with a writer thread per
    client, and asyncio: all pass, with --run, in under 30 s each."""
    jobs = {
        "loop": lambda: chatcheck("--run", run_cmd(FAULTY, "none")),
        "threads": lambda: chatcheck("--run", run_cmd(STYLES, "threads")),
        "asyncio": lambda: chatcheck("--run", run_cmd(STYLES, "asyncio")),
    }
    # One at a time: three Python servers and their load tests at once on
    # two cores would measure the machine, not the servers.
    for style, (rc, tests, s) in parallel(jobs, workers=1).items():
        assert rc == 0 and failed(tests) == [], \
            (style, [tests[i]["detail"] for i in failed(tests)])
        assert s["passed"] == s["tests"] >= 36 and s["crashes"] == 0, style


# --- the seed 003 servers ------------------------------------------------------

def test_seed_tcp_servers_tp42_result_is_the_documented_one():
    """Every MUST passes; TP42-LIST-02 fails (its names dict never forgets
    anyone), as chatcheck(1) and lab 6 say; TP42-MANY-01, a SHOULD, may
    fail too (its broadcast removes a client that left from the list it is
    looping over, and skips the next one). The same with its threads a
    second late (a busy machine): the test waits until the name was read
    (the join told to another client) before sending more, on a budget of
    its own."""
    jobs = {
        "seed": lambda: chatcheck("--profile", "tp42", "--run",
                                  run_cmd(SEED_TCP)),
        "busy": lambda: chatcheck("--profile", "tp42", "--run",
                                  run_cmd(BUSY_SEED)),
    }
    for name, (rc, tests, s) in parallel(jobs).items():
        assert rc == 0 and failed(tests, "must") == [], (
            name, rc, s, {i: (t["result"], t["detail"]) for i, t in
                          tests.items() if t["result"] != "pass"})
        assert "TP42-LIST-02" in failed(tests), name
        assert set(failed(tests)) <= {"TP42-LIST-02", "TP42-MANY-01"}, name
        left = re.search(r"without (k\w+)", tests["TP42-LIST-02"]["expected"])
        assert left and tests["TP42-LIST-02"]["got"].endswith(left.group(1))
        assert s["passed"] + s["failed"] == 15 and s["crashes"] == 0


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
    """The datagrams come from --seed, printed with the failure; the test
    the server did not live to run counts as failed, not run."""
    with PyServer(SEED_UDP, port=free_port(socket.SOCK_DGRAM)) as seed:
        rc42, tests42, _ = chatcheck("--udp", "--profile", "tp42",
                                     "--only", "TP42-UDP-*", "127.0.0.1",
                                     seed.port)
        rc, tests, s = chatcheck("--udp", "--seed", "4242", "--only",
                                 "UDP-GARB-01,UDP-LOAD-01", "127.0.0.1",
                                 seed.port)
    assert rc42 == 0 and failed(tests42) == []
    assert rc == 1 and failed(tests) == ["UDP-GARB-01", "UDP-LOAD-01"]
    garb, load = tests["UDP-GARB-01"], tests["UDP-LOAD-01"]
    assert garb["ran"] and garb["seed"] == 4242 and "--seed 4242" in \
        garb["detail"]
    assert not load["ran"] and "UDP-GARB-01" in load["got"]
    assert s["server_lost_during"] == "UDP-GARB-01" and s["not_run"] == 1
    assert s["what_happened"].startswith(
        "the server stopped answering during UDP-GARB-01"), s


def test_a_udp_server_that_never_answers_fails_the_quit_test():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    stop = threading.Event()

    def swallow():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                sock.recv(65536)
            except OSError:
                pass
    threading.Thread(target=swallow, daemon=True).start()
    rc, tests, _ = chatcheck("--udp", "--profile", "tp42", "--only",
                             "TP42-UDP-02", "127.0.0.1",
                             sock.getsockname()[1], timeout=60)
    stop.set()
    sock.close()
    assert rc == 1 and failed(tests) == ["TP42-UDP-02"]


# --- deliberately broken servers -----------------------------------------------

FAULTS = {
    # fault: (chatcheck arguments, the tests it must fail, with --run)
    "echo": (["--only", NOLOAD], ["TCP-CHAT-02"]),
    "raw": (["--only", NOLOAD], ["TCP-CAP-01", "TCP-FRAME-01", "TCP-FRAME-02",
                                 "TCP-FRAME-04", "TCP-FRAME-05"]),
    "dup": (["--only", NOLOAD], ["TCP-NICK-02"]),
    "block": ([], ["TCP-LOAD-02"]),
    # a line over 1 KiB kills it: so do the long lines of the garbage
    "crash": (["--only", NOLOAD], ["TCP-BIG-01", "TCP-BIG-02", "TCP-BIG-03",
                                   "TCP-BIG-04", "TCP-BIG-05", "TCP-CAP-01",
                                   "TCP-GARB-01", "TCP-LIVE-01"]),
    "crash5000": (["--only", NOLOAD], ["TCP-BIG-03", "TCP-BIG-04",
                                       "TCP-BIG-05", "TCP-LIVE-01"]),
    "crash1m": (["--only", NOLOAD], ["TCP-BIG-05", "TCP-LIVE-01"]),
    "crashping": (["--only", NOLOAD], ["TCP-CMD-06", "TCP-LIVE-01"]),
    # \r\n kills it: the test of \r\n, and the ones that send it too
    "crashcrlf": (["--only", NOLOAD], ["TCP-FRAME-03", "TCP-CTRL-01",
                                       "TCP-GARB-01", "TCP-LIVE-01"]),
}


def test_each_fault_is_caught_by_its_tests_only():
    """With --run every test gets a verdict, even after a crash: each fault
    fails exactly its tests (a crash: the test that sends what kills it,
    and TCP-LIVE-01), and every one of them ran."""
    jobs = {f: (lambda f=f: chatcheck(*FAULTS[f][0], "--seed", "1", "--run",
                                      run_cmd(FAULTY, f)))
            for f in FAULTS}
    for fault, (rc, tests, s) in parallel(jobs).items():
        assert rc == 1, fault
        assert failed(tests) == sorted(FAULTS[fault][1]), \
            (fault, [tests[i]["detail"] for i in failed(tests)])
        assert all(t["ran"] for t in tests.values()), fault
        assert (s["crashes"] > 0) == ("crash" in fault), fault


def test_a_crash_on_a_should_test_exits_1_and_scores_below_one_bug():
    """crashping dies on /ping (TCP-CMD-06, a SHOULD); block only stalls on
    a reader that never reads (TCP-LOAD-02, a MUST): the crash scores less,
    in the default scoring and in lab 6's rubric, with --run or without."""
    jobs = {}
    for rubric in ([], ["--rubric", RUBRIC]):
        for fault in ("crashping", "block"):
            jobs[fault, "run", len(rubric)] = (
                lambda f=fault, r=rubric: chatcheck(*r, "--run",
                                                    run_cmd(FAULTY, f)))
            jobs[fault, "port", len(rubric)] = (
                lambda f=fault, r=rubric: fixed_port_run(f, *r))
    res = parallel(jobs)
    for mode in ("run", "port"):
        for rub in (0, 2):
            rc, tests, crash = res["crashping", mode, rub]
            _, _, block = res["block", mode, rub]
            assert rc == 1 and crash["must_failed"] >= 1, (mode, rub)
            assert crash["score"] < block["score"], (mode, rub, crash, block)


def fixed_port_run(fault, *args):
    """chatcheck at a server it did not start (no --run: no restart)."""
    with PyServer(FAULTY, fault) as srv:
        return chatcheck(*args, "127.0.0.1", srv.port)


def test_crashes_without_run_are_found_by_the_test_that_sends_them():
    """A 5,000-byte line and a 1 MiB line: the test that sends it fails,
    the ones before pass, the rest could not run and count as failed."""
    res = parallel({f: (lambda f=f: fixed_port_run(f, "--only", NOLOAD))
                    for f in ("crash5000", "crash1m", "crashclose")})
    rc, tests, s = res["crash5000"]
    assert rc == 1 and s["server_lost_during"] == "TCP-BIG-03", s
    assert tests["TCP-BIG-02"]["result"] == "pass"
    assert tests["TCP-BIG-03"]["ran"] and not tests["TCP-BIG-04"]["ran"]
    assert tests["TCP-LIVE-01"]["result"] == "fail"
    assert re.match(r"the server stopped answering during TCP-BIG-03: "
                    r"connection refused from then on; \d+ tests could not "
                    r"run", s["what_happened"]), s["what_happened"]
    rc, tests, s = res["crash1m"]
    assert rc == 1 and s["server_lost_during"] == "TCP-BIG-05", s
    assert sorted(i for i in failed(tests) if tests[i]["ran"]) == [
        "TCP-BIG-05", "TCP-LIVE-01"]
    assert s["not_run"] == len(failed(tests)) - 2 > 0
    # Dies when a connection closes before saying anything (as seed 000's
    # server does): the first test that does so is named.
    rc, tests, s = res["crashclose"]
    assert rc == 1 and s["server_lost_during"] == "TCP-CONN-01", s


def test_with_run_a_crash_on_the_third_test_leaves_a_verdict_on_every_other(
        tmp_path):
    """crashcrlf dies on TCP-FRAME-03; chatcheck starts it again: every
    test runs; the report says what happened, with the exit status and
    the server's last output, in the table and in every report."""
    junit, grades = tmp_path / "r.xml", tmp_path / "results.json"
    r = subprocess.run([program("chatcheck"), "--lang", "en", "--junit",
                        junit, "--gradescope", grades, "--seed", "1",
                        "--run",
                        run_cmd(FAULTY, "crashcrlf")], capture_output=True,
                       text=True, timeout=240)
    assert r.returncode == 1
    assert re.search(r"^TCP-FRAME-03 +MUST +FAIL", r.stdout, re.M)
    assert "the server ended during TCP-FRAME-03 (exit status 1)" in r.stdout
    assert "ValueError: carriage return" in r.stdout
    assert "NOT RUN" not in r.stdout
    assert re.search(r"^the server ended \d+ time\(s\), first during "
                     r"TCP-FRAME-03; chatcheck started it again each time, "
                     r"0 tests could not run", r.stdout, re.M)
    rows = re.findall(r"^(TCP-[A-Z0-9-]+) +(MUST|SHOULD) +(pass|FAIL)",
                      r.stdout, re.M)
    assert len(rows) >= 36
    assert sorted(i for i, _, v in rows if v == "FAIL") == sorted(
        FAULTS["crashcrlf"][1])
    check_junit(junit, len(rows), 4)
    check_gradescope(grades, len(rows))
    # as root, the cgroups that held its limits are gone with it
    assert not glob.glob("/sys/fs/cgroup/*/chatcheck.*")


# --- not a chat server -----------------------------------------------------------

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


def closing(conn):
    conn.close()


def chunky(conn):
    """Text that is no chat, in uneven pieces of 2,000 and 7,000 bytes."""
    try:
        for _ in range(3):
            for n in (2000, 7000):
                conn.sendall(b"y" * (n - 1) + b"\n")
                time.sleep(0.3)
        silent(conn)
    except OSError:
        pass


def firehose(conn):
    block = b"x" * 65536 + b"\n"
    try:
        while True:
            conn.sendall(block)
    except OSError:
        pass


def judged(port, *args):
    t0 = time.monotonic()
    rc, tests, s = chatcheck(*args, "127.0.0.1", port, timeout=120)
    return rc, s, time.monotonic() - t0


def test_silent_http_and_closing_servers_are_not_chat_servers_in_20_s():
    """No client sees another's nickname by the profile's first relay test
    (a greeting alone never decides: tp42 servers send none): stop, say
    so, exit 1. The same for a server that sends pieces of text that is
    not chat."""
    http = subprocess.Popen([PY, "-m", "http.server", "--bind", "127.0.0.1",
                             str(free_port())], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=HERE)
    http_port = int(http.args[-1])
    socks = {"silent": serve_forever(silent),
             "closing": serve_forever(closing),
             "chunky": serve_forever(chunky)}
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", http_port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    jobs = {}
    for name, sk in socks.items():
        port = sk.getsockname()[1]
        jobs[name] = lambda p=port: judged(p)
        jobs[name + "-tp42"] = lambda p=port: judged(p, "--profile", "tp42")
    jobs["http"] = lambda: judged(http_port)
    jobs["http-tp42"] = lambda: judged(http_port, "--profile", "tp42")
    res = parallel(jobs, workers=4)
    http.kill()
    http.wait()
    for sk in socks.values():
        sk.close()
    for name, (rc, s, took) in res.items():
        assert rc == 1 and s["not_a_chat_server"], (name, s)
        assert s["what_happened"].startswith("not a chat server"), name
        assert took <= 20, (name, took)
    # http.server answers a one-word request line with an HTML error page
    assert "HTML" in res["http"][1]["what_happened"]


def test_a_flooding_server_never_hangs_it():
    lsock = serve_forever(firehose)
    only = "TCP-CONN-01,TCP-FRAME-02,TCP-CMD-05,TCP-CAP-01"
    t0 = time.monotonic()
    rc, tests, s = chatcheck("--only", only, "127.0.0.1",
                             lsock.getsockname()[1], timeout=120)
    took = time.monotonic() - t0
    lsock.close()
    assert rc == 1 and s["failed"] == 4
    assert took < 3 + 5 + 5 + 12 + 5 + 10, took  # budgets + headroom


# --- tp42: optional notices, free formats ------------------------------------------

def test_tp42_servers_without_join_notices_or_with_brackets_pass_every_must():
    """Join notices are a SHOULD: waiting for them never spends a MUST
    test's time. "[ana] hola" carries the name and the message as well as
    "ana: hola" (the statement fixes no format)."""
    jobs = {f: (lambda f=f: chatcheck("--profile", "tp42", "--run",
                                      run_cmd(FAULTY, f)))
            for f in ("nojoin", "bracket")}
    jobs["nojoin-nick"] = lambda: chatcheck(
        "--profile", "tp42", "--only", "TP42-NICK-01", "--run",
        run_cmd(FAULTY, "nojoin"))
    res = parallel(jobs)
    for name, (rc, tests, s) in res.items():
        assert rc == 0 and failed(tests, "must") == [], (
            name, rc, s, {i: (t["result"], t["detail"]) for i, t in
                          tests.items() if t["result"] != "pass"})
    assert failed(res["nojoin"][1]) == ["TP42-JOIN-01"]
    assert failed(res["bracket"][1]) == []


# --- output, rubric, exit statuses ----------------------------------------------

def check_junit(path, tests, failures):
    """What GitLab's and Jenkins's JUnit readers require: testsuite name,
    tests, failures, time; testcase name, classname, time; failure message;
    and the counts equal the run's. Every MUST/SHOULD is a property."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    assert root.tag in ("testsuites", "testsuite") and len(suites) == 1
    suite = suites[0]
    for attr in ("name", "tests", "failures", "time"):
        assert suite.get(attr), attr
    float(suite.get("time"))
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == tests
    fails = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(fails) == failures
    for c in cases:
        assert c.get("name") and c.get("classname"), c.attrib
        assert float(c.get("time")) >= 0
        props = {p.get("name"): p.get("value")
                 for p in c.find("properties").findall("property")}
        assert props["level"] in ("MUST", "SHOULD") and props["section"]
        f = c.find("failure")
        if f is not None:
            assert f.get("message") and f.text.startswith("rule: ")
            assert "expected:" in f.text and "got:" in f.text


def check_gradescope(path, tests):
    g = json.loads(open(path).read())
    assert len(g["tests"]) == tests
    assert abs(sum(t["score"] for t in g["tests"]) - g["score"]) < 1e-6
    assert abs(sum(t["max_score"] for t in g["tests"]) - g["max_score"]) < 1e-6
    for t in g["tests"]:
        assert t["status"] in ("passed", "failed") and t["name"]
        assert (t["score"] == t["max_score"]) == (t["status"] == "passed") \
            or t["max_score"] == 0
    return g


def test_json_markdown_junit_gradescope_rubric_and_spanish_table(tmp_path):
    server = Server("tcpchatd", "-q")
    md, junit, grades = (tmp_path / "nota.md", tmp_path / "r.xml",
                         tmp_path / "results.json")
    rc, tests, s = chatcheck("--rubric", RUBRIC, "--markdown", md,
                             "--junit", junit, "--gradescope", grades,
                             "--only", "TCP-FRAME-*", "TCP-CMD-06",
                             "127.0.0.1", server.port)
    es = subprocess.run([program("chatcheck"), "--lang", "es", "--only",
                         "TCP-FRAME-02", "127.0.0.1", str(server.port)],
                        capture_output=True, text=True, timeout=60)
    stop_ok(server)
    assert rc == 0 and sorted(tests) == ["TCP-CMD-06"] + [
        f"TCP-FRAME-0{i}" for i in range(1, 7)]
    t = tests["TCP-FRAME-02"]
    assert t["level"] == "must" and t["result"] == "pass" and t["ran"]
    assert t["rule"].startswith("Text in UTF-8") and "tcpchatd(1)" in t["source"]
    assert t["section"] == "tcpchatd(1) PROTOCOL"
    assert {"type", "id", "level", "result", "rule", "detail"} <= set(t)
    assert s["max_points"] == s["points"] > 0 and s["score"] == 100.0
    text = md.read_text()
    assert "| TCP-FRAME-02 | MUST | pass |" in text and "100.0 %" in text
    check_junit(junit, 7, 0)
    g = check_gradescope(grades, 7)
    assert g["score"] == s["points"] and g["max_score"] == s["max_points"]
    assert es.returncode == 0 and "TCP-FRAME-02  MUST   pasa" in es.stdout
    assert "pasan 1, fallan 0" in es.stdout


def test_markdown_escapes_what_the_server_sent(tmp_path):
    """A greeting with backticks and pipes stays inside its code span."""
    def greeter(conn):
        conn.sendall(b"hola `a` | b ``c``\n")
        silent(conn)
    lsock = serve_forever(greeter)
    md = tmp_path / "nota.md"
    rc, tests, _ = chatcheck("--markdown", md, "--only", "TCP-CONN-01",
                             "127.0.0.1", lsock.getsockname()[1], timeout=60)
    lsock.close()
    assert rc == 1 and failed(tests) == ["TCP-CONN-01"]
    got = [line for line in md.read_text().splitlines()
           if line.startswith("- got:")][0]
    assert got == "- got: ``` hola `a` \\| b ``c`` ```", got


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
    assert run("--run", "no-port-here") == 3
    assert run("--seed", "x", "127.0.0.1", 5000) == 3
    assert run("--timeout", "0", "127.0.0.1", 5000) == 3
    assert run("--run", PY + " -c pass {port}") == 2   # never listens
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
    assert quoted >= 46
