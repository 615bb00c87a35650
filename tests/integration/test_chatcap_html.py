"""chatcap --html: the report opened in real browsers. Chromium (headless,
through chromium-driver) opens the report of tcp_analysis.pcap, a capture
with handshakes, loss, fast retransmission, reordering and teardowns: it
must hold one packet row and one ladder arrow per packet of chatcap's JSON,
light the arrow of a clicked packet, step through the packets from before
the first, log no console error and make no request beyond the file itself
(file:// subresources included: the network log is read). Firefox ESR's
headless screenshot of the same report must show the ladder. A capture of
10,000 packets makes a report of at most 3 MB that still opens. The
kernel's tcp_info samples (the prepared lab 7 trace with its samples file,
and a live chatbench --bulk transfer on lo captured with --tcp-info) are
drawn one point per sample of the sender's direction. A missing
browser fails the test (make deps installs them)."""
import base64
import json
import os
import re
import struct
import subprocess
import time
import zlib

import pytest

import browser
from redchat import ROOT, program
from redchat_clients import free_port

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "tcp_analysis.pcap")
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def chatcap(*args):
    return subprocess.run([program("chatcap"), "--color=never", *args],
                          capture_output=True, text=True, timeout=120, env=ENV)


def json_packets(path):
    r = chatcap("--json", "-r", path)
    assert r.returncode == 0, r.stderr
    objs = [json.loads(l) for l in r.stdout.splitlines()]
    return [o for o in objs if o["type"] == "packet"]


def explanation(path, n, lang="en"):
    """Packet n's words in chatcap's text view, after its columns."""
    r = chatcap("--lang", lang, "--width", "0", "-r", path)
    line = next(l for l in r.stdout.splitlines()
                if re.match(r"^ *%d \d+\.\d{6} " % n, l))
    return line[line.index("  ", line.index(" len=")) + 2:]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "report.html"
    r = chatcap("--lang", "en", "--html", str(out), "-r", FIXTURE)
    assert r.returncode == 0, r.stderr
    assert "report written to" in r.stderr
    return str(out)


@pytest.fixture(scope="module")
def page(report):
    driver = browser.chromium()
    try:
        browser.open_report(driver, report)
        yield driver
    finally:
        browser.quit(driver)


def count(driver, css):
    return driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length", css)


def click(driver, css):
    """Click the element the way a user does, once it is in view."""
    e = driver.find_element("css selector", css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
    e.click()


def test_report_is_one_file_that_fetches_nothing(report):
    html = open(report, encoding="utf-8").read()
    assert "default-src 'none'" in html            # the page forbids fetching
    html = html.replace("http://www.w3.org/2000/svg", "")   # a name only
    for bad in (r"<link", r"\ssrc=", r"@import", r"url\((?!#)", r"https?:",
                r"//[a-z0-9.-]+\.[a-z]{2,}/"):
        assert not re.search(bad, html), bad
    assert '<script type="application/json" id="rc-data">' in html


def test_one_row_and_one_arrow_per_packet(page):
    packets = json_packets(FIXTURE)
    assert len(packets) == 75
    assert count(page, ".packets tr.pkt") == len(packets)
    assert count(page, "svg.ladder g.arrow") == len(packets)
    assert count(page, "svg.ladder g.arrow.bad") > 0   # loss is drawn as such
    texts = page.execute_script(
        "return document.querySelector('#a-1').textContent")
    assert "handshake 1/3 SYN" in texts and "[S] seq=0" in texts
    assert count(page, "svg.stevens") >= 5


def test_clicking_a_packet_lights_its_arrow_and_back(page):
    click(page, "#p-14")
    assert page.execute_script(
        "return document.getElementById('a-14').classList.contains('sel')")
    assert count(page, "g.arrow.sel") == 1
    click(page, "#a-12 line")
    assert page.execute_script(
        "return document.getElementById('p-12').classList.contains('sel')")
    detail = page.find_element("id", "detail").text
    assert explanation(FIXTURE, 12) in detail
    page.execute_script("document.querySelector('#detail .close').click()")
    # by keyboard: a focused row, Enter
    page.execute_script("document.getElementById('p-3').focus()")
    page.switch_to.active_element.send_keys("\ue007")          # Enter
    assert page.execute_script(
        "return document.getElementById('a-3').classList.contains('sel')")
    page.execute_script("document.querySelector('#detail .close').click()")


def test_step_mode_starts_before_packet_1(page):
    click(page, "#btn-step")
    assert page.find_element("id", "step-pos").text.startswith("0 /")
    assert "Before packet 1" in page.find_element("id", "step-explain").text
    assert count(page, "g.arrow:not(.future)") == 0
    for _ in range(3):
        click(page, "#step-fwd")
    assert count(page, "g.arrow:not(.future)") == 3
    click(page, "#step-back")
    assert page.find_element("id", "step-pos").text == "Packet 2 of 75"
    assert page.find_element("id", "step-explain").text == explanation(FIXTURE, 2)
    assert count(page, "g.arrow:not(.future)") == 2
    # the arrow keys move too
    page.find_element("tag name", "body").send_keys("\ue014")   # →
    assert page.find_element("id", "step-pos").text == "Packet 3 of 75"
    click(page, "#step-done")
    assert count(page, "g.arrow.future") == 0


def test_zoom_redraws_the_graph(page):
    before = page.execute_script(
        "return document.querySelector('svg.stevens').getAttribute('viewBox')")
    ticks = page.execute_script(
        "return [...document.querySelectorAll('svg.stevens')[0]"
        ".querySelectorAll('.tick')].map(t => t.textContent).join(' ')")
    click(page, "figure.stevens .zoom button")
    after = page.execute_script(
        "return [...document.querySelectorAll('svg.stevens')[0]"
        ".querySelectorAll('.tick')].map(t => t.textContent).join(' ')")
    assert after != ticks and before


def test_the_pages_inflate_reads_every_kind_of_deflate_block(page):
    """report/inflate.js against Python's zlib: stored, fixed-Huffman and
    dynamic-Huffman blocks, long matches, an empty stream; bad data is
    refused."""
    text = (b"".join(b"line %05d of the chat, \xc3\xb1and\xc3\xba\n" % i
                     for i in range(3000)) + os.urandom(70000) + b"z" * 1000)
    cases = [zlib.compress(text, 0), zlib.compress(text, 9), zlib.compress(b"")]
    fixed = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_FIXED)
    cases.append(fixed.compress(text) + fixed.flush())
    for z in cases:
        want = zlib.decompress(z)
        got = page.execute_script(
            "const b = atob(arguments[0]), u = new Uint8Array(b.length);"
            "for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);"
            "const r = inflateZlib(u); let s = '';"
            "for (let i = 0; i < r.length; i += 4096)"
            "  s += String.fromCharCode(...r.subarray(i, i + 4096));"
            "return btoa(s);", base64.b64encode(z).decode())
        assert base64.b64decode(got) == want
    bad = zlib.compress(text, 9)[:-5000]
    err = page.execute_script(
        "try { const b = atob(arguments[0]), u = new Uint8Array(b.length);"
        "for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);"
        "inflateZlib(u); return null; } catch (e) { return String(e); }",
        base64.b64encode(bad).decode())
    assert err and "cut short" in err


def test_large_type_and_print(page):
    size = "return parseFloat(getComputedStyle(document.body).fontSize)"
    small = page.execute_script(size)
    click(page, "#btn-big")
    assert page.execute_script(size) >= small * 1.4
    click(page, "#btn-big")
    assert page.execute_script(size) == small
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = page.execute_script(
            "return ['toolbar', 'step'].map(i => getComputedStyle("
            "document.getElementById(i)).display)")
        assert hidden == ["none", "none"]
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_no_console_error_and_no_request_beyond_the_file(page, report):
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    own = "file://" + os.path.abspath(report)
    requests = []              # (url, the document that asked for it)
    for e in page.get_log("performance"):
        msg = json.loads(e["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            p = msg["params"]
            requests.append((p["request"]["url"], p.get("documentURL", "")))
    assert own in [u for u, _ in requests]   # the log does see requests
    # Only the browser's own start page (chrome://, loading beside the
    # report) may fetch anything else; every other request is the file.
    assert [(u, d) for u, d in requests if u.split("#")[0] != own and
            not (d.startswith("chrome://") and not u.startswith("file:"))
            ] == []


def test_spanish_report(tmp_path):
    out = tmp_path / "informe.html"
    r = chatcap("--lang", "es", "--html", str(out), "-r", FIXTURE)
    assert r.returncode == 0, r.stderr
    assert "informe escrito en" in r.stderr
    driver = browser.chromium()
    try:
        browser.open_report(driver, str(out))
        assert driver.find_element("id", "btn-step").text == "Paso a paso"
        assert "saludo 1/3 SYN" in driver.execute_script(
            "return document.querySelector('#a-1').textContent")
        assert driver.execute_script(
            "return document.querySelector('#p-2 .what').textContent"
        ).startswith(explanation(FIXTURE, 2, "es"))
    finally:
        browser.quit(driver)


def firefox_ladder(report, png, width=1300, height=2400):
    """Firefox ESR's screenshot of report: the pixels of the first ladder
    (where Chromium lays it out, at the same size) and of the top line."""
    browser.firefox_screenshot("file://" + os.path.abspath(report), png,
                               width, height)
    driver = browser.chromium(width, height)
    try:
        browser.open_report(driver, report)
        rect = driver.execute_script(
            "const r = document.querySelector('svg.ladder')"
            ".getBoundingClientRect();"
            "return [r.left, r.top, r.width, Math.min(r.height, 600)]"
            ".map(Math.round)")
        driver.get("about:blank")
        assert rect[1] + rect[3] <= height, rect
        ladder = browser.pixel_counts(driver, png, rect)
        above = browser.pixel_counts(driver, png, [0, 0, width, 60])
    finally:
        browser.quit(driver)
    assert ladder["size"] == [width, height]
    ladder["area"] = rect[2] * rect[3]
    return ladder, above


def test_firefox_screenshot_shows_the_ladder(report, tmp_path):
    ladder, above = firefox_ladder(report, str(tmp_path / "firefox.png"))
    assert ladder["ink"] > ladder["area"] // 100, ladder   # drawn, not blank
    assert ladder["green"] > 200, ladder               # handshake arrows
    assert ladder["red"] > 200, ladder                 # the loss, in red
    assert above["green"] < 20 and above["ink"] > 0    # colours mean the ladder


# ---- a large capture ----------------------------------------------------

def tcp_packet(t, src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64,
                     6, 0, bytes(src), bytes(dst)) + tcp
    frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
    return struct.pack("<IIII", int(t), int(t * 1e6) % 1000000, len(frame),
                       len(frame)) + frame


def big_capture(path, pairs):
    """A pcap: a handshake, `pairs` chat lines each with its ACK, a
    teardown (2 * pairs + 7 packets)."""
    c, s = (10, 0, 0, 2), (10, 0, 0, 1)
    t, cseq, sseq = 1000.0, 1, 1
    pk = [tcp_packet(t, c, s, 40000, 5000, 0, 0, 0x02),
          tcp_packet(t + 0.001, s, c, 5000, 40000, 0, 1, 0x12),
          tcp_packet(t + 0.002, c, s, 40000, 5000, 1, 1, 0x10)]
    for i in range(pairs):
        t += 0.01
        line = (b"ana\n" if i == 0 else b"line %05d of the long chat\n" % i)
        pk.append(tcp_packet(t, c, s, 40000, 5000, cseq, sseq, 0x18, line))
        cseq += len(line)
        pk.append(tcp_packet(t + 0.001, s, c, 5000, 40000, sseq, cseq, 0x10))
    pk += [tcp_packet(t + 0.1, c, s, 40000, 5000, cseq, sseq, 0x11),
           tcp_packet(t + 0.101, s, c, 5000, 40000, sseq, cseq + 1, 0x11),
           tcp_packet(t + 0.102, c, s, 40000, 5000, cseq + 1, sseq + 1, 0x10),
           tcp_packet(t + 0.2, c, s, 40001, 5000, 0, 0, 0x02)]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        f.write(b"".join(pk))
    return len(pk)


def test_ten_thousand_packets_fit_in_3_mb_and_open(tmp_path):
    cap = str(tmp_path / "big.pcap")
    n = big_capture(cap, 4997)
    assert n == 10001
    out = tmp_path / "big.html"
    r = chatcap("--html", str(out), "-r", cap)
    assert r.returncode == 0, r.stderr
    size = out.stat().st_size
    assert size <= 3 * 1024 * 1024, size
    assert "data-deflate=" in out.read_text(encoding="utf-8")  # compressed
    driver = browser.chromium()
    try:
        browser.open_report(driver, str(out), timeout=240)
        # long lists are built a part at a time, as they come into view
        assert 0 < count(driver, ".packets tr.pkt") < n
        driver.execute_script("const b = document.getElementById('packets');"
                              "b.scrollIntoView(); b.scrollTop = 1e9")
        deadline = time.monotonic() + 60
        while count(driver, "#p-%d" % n) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert count(driver, "#p-%d" % n) == 1
        driver.execute_script("fillAll()")        # as before printing
        assert count(driver, ".packets tr.pkt") == n
        assert count(driver, "svg.ladder g.arrow") == n
        assert [e for e in driver.get_log("browser")
                if e["level"] == "SEVERE"] == []
    finally:
        browser.quit(driver)
    # Firefox inflates it too, before its screenshot
    ladder, _ = firefox_ladder(str(out), str(tmp_path / "big.png"))
    assert ladder["ink"] > ladder["area"] // 100 and ladder["green"] > 200


def embedded(path, block):
    """The lines of one data block of a report, inflated when deflated."""
    html = open(path, encoding="utf-8").read()
    m = re.search(r'<script type="[^"]+" id="%s"( data-deflate="(\d+)")?>'
                  r'(.*?)</script>' % block, html, re.S)
    text = m.group(3)
    if m.group(1):
        text = zlib.decompress(base64.b64decode(text)).decode()
        assert len(text.encode()) == int(m.group(2))
    return [json.loads(l) for l in text.splitlines() if l]


def test_beyond_50000_packets_the_first_are_kept_and_counted(tmp_path):
    cap = str(tmp_path / "huge.pcap")
    n = big_capture(cap, 25000)
    out = str(tmp_path / "huge.html")
    r = chatcap("--html", out, "-r", cap)
    assert r.returncode == 0, r.stderr
    objs = embedded(out, "rc-data")
    packets = [o for o in objs if o["type"] == "packet"]
    assert [p["n"] for p in packets] == list(range(1, 50001))
    assert objs[-1]["type"] == "summary" and objs[-1]["packets"] == n > 50000
    assert len(embedded(out, "rc-explain")) == 50000
    assert os.path.getsize(out) <= 3 * 1024 * 1024


def test_html_excludes_json_and_says_what_it_cannot_write(tmp_path):
    r = chatcap("--json", "--html", str(tmp_path / "x.html"), "-r", FIXTURE)
    assert r.returncode == 1 and "--json and --html" in r.stderr
    r = chatcap("--html", str(tmp_path / "no" / "x.html"), "-r", FIXTURE)
    assert r.returncode == 8
    assert "--html: %s" % (tmp_path / "no" / "x.html") in r.stderr
    # a capture chatcap cannot read leaves no empty report behind
    out = tmp_path / "unknown.html"
    r = chatcap("--html", str(out), "-r",
                os.path.join(ROOT, "tests", "fixtures", "unknown_link.pcap"))
    assert r.returncode == 6 and not out.exists()


def test_kernel_samples_draw_cwnd_and_ssthresh(report, tmp_path):
    """tcp_info objects (chatcap's JSON when it captured live as root) are
    drawn under the Stevens graph of their direction."""
    samples = [{"type": "tcp_info", "time": t, "conv": 1, "dir": "to_server",
                "source": "tracepoint", "cwnd": c, "ssthresh": s,
                "ca_state": "open", "srtt_us": 1000, "rttvar_us": 500,
                "rto_us": 201000, "unacked": 1, "retrans": 0, "lost": 0,
                "sacked": 0, "delivery_rate": 1000}
               for t, c, s in [(0.003, 10, 2147483647), (0.0085, 10, 2147483647),
                               (0.0088, 5, 5), (0.315, 1, 5), (0.316, 2, 5)]]
    html = open(report, encoding="utf-8").read()
    end = html.index("</script>", html.index('id="rc-data"'))
    extra = "".join(json.dumps(s) + "\n" for s in samples)
    out = tmp_path / "cwnd.html"
    out.write_text(html[:end] + extra + html[end:], encoding="utf-8")
    driver = browser.chromium()
    try:
        browser.open_report(driver, str(out))
        fig = "document.getElementById('graph-0')"
        assert driver.execute_script(
            "return %s.querySelectorAll('path.cwnd').length" % fig) == 1
        assert driver.execute_script(
            "return %s.querySelectorAll('path.ssth').length" % fig) == 1
        text = driver.execute_script("return %s.textContent" % fig)
        assert "cwnd from 10 to 2 segments" in text and "ssthresh" in text
        # the other direction has no samples, and says so
        other = driver.execute_script(
            "return document.getElementById('graph-1').textContent")
        assert "No kernel samples" in other
        assert [e for e in driver.get_log("browser")
                if e["level"] == "SEVERE"] == []
    finally:
        browser.quit(driver)


# ---- The kernel's state from real --tcp-info samples ----------------------

LAB7 = os.path.join(ROOT, "labs", "traces", "lab7-reno.pcap")


def cwnd_samples(path, port):
    """chatcap's tcp_info objects for -r path (it loads path.tcp_info.json)
    that carry a cwnd, by (conv, dir)."""
    r = chatcap("--json", "--tcp-port", str(port), "-r", path)
    assert r.returncode == 0, r.stderr
    out = {}
    for o in map(json.loads, r.stdout.splitlines()):
        if o["type"] == "tcp_info" and o["cwnd"] is not None:
            out.setdefault((o["conv"], o["dir"]), []).append(o)
    return out


POINTS = """
const n = e => e ? (e.getAttribute('d').match(/[MH]/g) || []).length : 0;
return GRAPHS.map(g => ({conv: g.c.id, side: g.d,
  cwnd: n(g.svg.querySelector('path.cwnd')),
  edge: n(g.svg.querySelector('path.cwndb')),
  ssth: n(g.svg.querySelector('path.ssthb')),
  events: [...g.svg.querySelectorAll('text.cevl')].map(t => t.textContent),
  mss: g.cw.map(s => s.mssB)}));"""


def graph_points(path):
    """For each Stevens graph of the report at path: the points of its
    cwnd line (panel), of its ACK + cwnd × MSS and ACK + ssthresh × MSS
    lines, its event labels and the MSS of each sample; no console error."""
    driver = browser.chromium()
    try:
        browser.open_report(driver, path)
        graphs = driver.execute_script(POINTS)
        assert [e for e in driver.get_log("browser")
                if e["level"] == "SEVERE"] == []
        return {(g["conv"], ("to_server", "to_client")[g["side"]]): g
                for g in graphs}
    finally:
        browser.quit(driver)


def test_lab7_trace_draws_the_kernels_cwnd_over_the_graph(tmp_path):
    """The prepared Reno trace with its samples beside it: one point of the
    cwnd lines per sample of that direction, MSS from the polled samples
    (tracepoint samples have none), ssthresh and each congestion event."""
    assert os.path.exists(LAB7 + ".tcp_info.json")
    samples = cwnd_samples(LAB7, 5002)
    out = str(tmp_path / "lab7.html")
    r = chatcap("--html", out, "--tcp-port", "5002", "-r", LAB7)
    assert r.returncode == 0, r.stderr
    graphs = graph_points(out)
    mine = samples[(2, "to_server")]
    g = graphs[(2, "to_server")]
    assert g["cwnd"] == g["edge"] == len(mine) > 100
    assert g["ssth"] == len([s for s in mine if s["ssthresh"] is not None
                             and s["ssthresh"] < 10**6]) > 0
    mss = None
    for s, m in zip(mine, g["mss"]):
        mss = s["mss"] or mss or m
        assert m == mss
    # Reno's first loss is a fast recovery; the 2 s cut an RTO
    assert g["events"][0] == "fast recovery" and "RTO (loss)" in g["events"]


def wait_for(what, check, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        assert proc.poll() is None, what + ": ended early"
        time.sleep(0.05)
    raise RuntimeError(what + ": not ready")


def capture_bulk(sink, cap, err, listening, bulk):
    """Once the sink listens (listening()) and chatcap (its stderr in the
    file err) captures: run the bulk command, wait for the sink to have it
    all, stop chatcap with SIGINT. Checks chatcap wrote its report."""
    try:
        wait_for("the sink", listening, sink)
        wait_for("chatcap", lambda: err.seek(0) == 0 and re.search(
            "capturing", err.read()) is not None, cap)
        b = subprocess.run(bulk, capture_output=True, text=True, timeout=120)
        assert b.returncode == 0, b.stderr
        assert sink.wait(timeout=60) == 0
        time.sleep(0.5)                    # the last samples and packets
    finally:
        cap.send_signal(2)
        cap.wait(timeout=60)
        sink.kill()
        sink.wait()
    err.seek(0)
    said = err.read()
    assert cap.returncode == 0 and "report written to" in said, said


@pytest.mark.skipif(os.geteuid() != 0, reason="a live capture needs root")
def test_live_bulk_transfer_draws_its_samples(tmp_path):
    """chatcap --tcp-info --html F -w F.pcapng during a chatbench --bulk
    transfer on lo: the live report and the report of -r F.pcapng (with
    F.pcapng.tcp_info.json beside it) draw one point per sample of the
    sender's direction. The transfer is large enough to last while the
    sampler looks for new sockets (every 50 ms)."""
    port = free_port()
    html, saved = str(tmp_path / "live.html"), str(tmp_path / "bulk.pcapng")
    sink = subprocess.Popen([program("chatbench"), "--sink", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = open(tmp_path / "cap.err", "w+")
    cap = subprocess.Popen([program("chatcap"), "-i", "lo", "--tcp-port",
                            str(port), "--tcp-info", "--html", html, "-w",
                            saved],
                           stdout=subprocess.DEVNULL, stderr=err, env=ENV)
    listening = lambda: f":{port}" in subprocess.run(
        ["ss", "-tln", f"sport = :{port}"], capture_output=True,
        text=True).stdout
    capture_bulk(sink, cap, err, listening,
                 [program("chatbench"), "--bulk", "200000000", "-p", str(port),
                  "--cc", "reno"])
    samples = cwnd_samples(saved, port)
    mine = samples[(1, "to_server")]
    assert len(mine) >= 2
    reread = str(tmp_path / "reread.html")
    r = chatcap("--html", reread, "--tcp-port", str(port), "-r", saved)
    assert r.returncode == 0, r.stderr
    for path in (html, reread):
        g = graph_points(path)[(1, "to_server")]
        assert g["cwnd"] == g["edge"] == len(mine), path
        assert set(g["mss"]) <= {s["mss"] for s in mine} | {None} and \
            all(m > 0 for m in g["mss"])
