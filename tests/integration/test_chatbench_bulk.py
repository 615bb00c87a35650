"""chatbench --bulk BYTES and --sink: one connection carrying BYTES as
fast as TCP allows to a sink that reads them all; both report the same
byte count, the sender's congestion control is the one asked for."""
import json
import subprocess
import time

from redchat import program
from redchat_clients import free_port


def sink(port):
    p = subprocess.Popen([program("chatbench"), "--sink", "-p", str(port),
                          "--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:          # until it listens
        r = subprocess.run(["ss", "-tln", f"sport = :{port}"],
                           capture_output=True, text=True).stdout
        if f":{port}" in r:
            return p
        time.sleep(0.05)
    p.kill()
    raise RuntimeError("the sink did not listen")


def test_bulk_reaches_the_sink_whole():
    port = free_port()
    s = sink(port)
    b = subprocess.run([program("chatbench"), "--bulk", "5000000", "-h",
                        "127.0.0.1", "-p", str(port), "--cc", "reno",
                        "--json"], capture_output=True, text=True, timeout=60)
    out, err = s.communicate(timeout=60)
    assert b.returncode == 0 and s.returncode == 0, (b.stderr, err)
    sent, got = json.loads(b.stdout), json.loads(out)
    assert sent["role"] == "sender" and got["role"] == "sink"
    assert sent["bytes"] == got["bytes"] == 5000000
    assert sent["cc"] == "reno"
    assert sent["seconds"] > 0 and sent["mbit_s"] > 0


def test_text_report_in_both_languages():
    for lang, word in (("en", "sent: 1000 bytes"),
                       ("es", "enviado: 1000 bytes")):
        port = free_port()
        s = sink(port)
        b = subprocess.run([program("chatbench"), "--bulk", "1000", "-p",
                            str(port), "--lang", lang], capture_output=True,
                           text=True, timeout=60)
        s.communicate(timeout=60)
        assert b.returncode == 0, b.stderr
        assert b.stdout.startswith(word), b.stdout


def test_bulk_is_tcp_and_alone():
    for extra in (["--udp"], ["--bots", "2"], ["--connect-only"]):
        p = subprocess.run([program("chatbench"), "--bulk", "10", *extra],
                           capture_output=True, text=True, timeout=10)
        assert p.returncode == 1 and "--bulk" in p.stderr


def test_unknown_algorithm_is_an_error():
    port = free_port()
    s = sink(port)
    b = subprocess.run([program("chatbench"), "--bulk", "10", "-p",
                        str(port), "--cc", "nosuchcc"],
                       capture_output=True, text=True, timeout=10)
    s.kill()
    s.communicate()
    assert b.returncode == 2 and "TCP_CONGESTION nosuchcc" in b.stderr
