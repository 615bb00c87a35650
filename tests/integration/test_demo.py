"""make demo (labs/demo.sh), run whole: its annotated capture shows every
packet line whole, with its explanation, as chatcap explains that packet;
no line is over 100 columns; one language per run (DEMO_LANG, else the
locale, C.UTF-8 being English); with LOSS it says what to expect and
compares. The demo writes into a temporary DEMO_OUT, so the tree is not
touched.

The capture needs root (skipped otherwise); LOSS and NET=1 need root and
network namespaces (the LOSS run gets a loopback of its own, so its loss
reaches no other program on the machine)."""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from redchat import BIN, ROOT, program

SGR = re.compile(r"\x1b\[[0-9;]*m")
PACKET = re.compile(r"^ *\d+ \d+\.\d+ (TCP|UDP)#\d+ ")
HEADING = re.compile(r"^━━ ")
# File names and paths (a path may hold any word: pytest's folders are
# named after the tests), and words a narrow column cut short ("con…" of
# "connection"), are in no language.
FILES = re.compile(r"\S*(/\S*/|capture\.\w+|demo\.pcap|demo-results/)\S*"
                   r"|\w+(…|\.\.\.)")
# Words only one of the two languages uses (whole words, any case). Chat
# text, chatcap's flags and addresses are in neither list.
SPANISH = re.compile(r"[áéíóúñ¿¡]|\b(el|los|las|del|que|con|sin|por|para|"
                     r"datagrama|saludo|cierre|cliente|servidor|paquetes|"
                     r"entregas|escuchando|captura|pérdida)\b", re.I)
ENGLISH = re.compile(r"\b(the|and|of|with|without|handshake|datagram|"
                     r"client|server|packets|deliveries|delivered|"
                     r"listening|capture|loss|arrived)\b", re.I)


def _root():
    return os.geteuid() == 0


def run_demo(tmp_path, own_lo=False, **env):
    """Run labs/demo.sh with env added; return (visible output lines,
    results.json, the environment it ran in). own_lo: in a network
    namespace of its own, so that LOSS (tc netem on lo drops every
    packet of lo, whoever sends it) touches no one else's loopback."""
    e = dict(os.environ, REDCHAT_BIN=BIN, DEMO_OUT=str(tmp_path),
             NO_COLOR="1", COLUMNS="200")
    for k in ("DEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LOSS", "NET"):
        e.pop(k, None)
    e.update(env)
    demo = os.path.join(ROOT, "labs", "demo.sh")
    cmd = ["bash", demo]
    if own_lo:
        cmd = ["unshare", "--net", "bash", "-c",
               'ip link set lo up && exec bash "$1"', "demo", demo]
    p = subprocess.run(cmd, capture_output=True, text=True, env=e,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    out = [SGR.sub("", l) for l in (p.stdout + p.stderr).splitlines()]
    with open(tmp_path / "demo-results" / "results.json") as f:
        return out, json.load(f), e


def section(lines, number):
    """The lines of the demo's section that starts '━━ NUMBER. '."""
    start = next(i for i, l in enumerate(lines)
                 if l.startswith(f"━━ {number}. "))
    end = next((i for i in range(start + 1, len(lines))
                if HEADING.match(lines[i])), len(lines))
    return lines[start + 1:end]


def records(lines):
    """Packet lines whole: each a packet's first line and its wrapped
    continuation lines (indented ten columns or more)."""
    recs, cur = [], None
    for l in lines:
        if PACKET.match(l):
            cur = [l]
            recs.append(cur)
        elif cur is not None and l.startswith(" " * 10) and l.strip():
            cur.append(l)
        else:
            cur = None
    return recs


def squeeze(s):
    return re.sub(r"\s+", "", s)


def chatcap_lines(tmp_path, res, lang, env):
    """Every packet line chatcap writes for the whole of demo.pcap, so
    numbered and timed as in Wireshark and capture.txt, unwrapped, in the
    demo's locale (its character set decides chatcap's arrows)."""
    p = subprocess.run(
        [program("chatcap"), "-r", str(tmp_path / "demo.pcap"),
         "--tcp-port", str(res["ports"]["tcp"]),
         "--udp-port", str(res["ports"]["udp"]), "--lang", lang,
         "--width", "0", "--color=never"],
        capture_output=True, text=True, check=True, env=env)
    return {squeeze(l) for l in p.stdout.splitlines() if PACKET.match(l)}


def check_demo(tmp_path, out, res, env, lang):
    wide = [l for l in out if len(l) > 100]
    assert not wide, wide
    recs = records(section(out, 5))
    assert len(recs) >= 8, section(out, 5)
    full = chatcap_lines(tmp_path, res, lang, env)
    for r in recs:
        joined = " ".join(x.strip() for x in r)
        # the whole line chatcap writes for that packet, explanation included
        assert squeeze(joined) in full, joined
        assert re.search(r"len=\d+\s+\S", joined), joined
    words = SPANISH if lang == "en" else ENGLISH
    mixed = [l for l in out if words.search(FILES.sub("", l))]
    assert not mixed, mixed


def check_loss(out, res, lang):
    got, want = res["udp"]["delivered"], res["udp"]["deliveries_expected"]
    text = "\n".join(out)
    if lang == "en":
        assert "Each UDP chat line crosses two datagrams" in text
        assert (f"UDP {got}/{want} delivered: expected about 6.4 with "
                "20 % loss each way") in text
        assert "Capture point:" in text
    else:
        assert "Cada línea de chat por UDP cruza dos datagramas" in text
        assert (f"UDP {got}/{want} entregadas: se esperaban unas 6.4 con un "
                "20 % de pérdida en cada sentido") in text
        assert "Punto de captura:" in text
    assert text.index("6.4") < text.index("━━ 3. ")   # said before the run
    assert res["tcp"]["delivered"] == res["tcp"]["deliveries_expected"]


pytestmark = pytest.mark.skipif(not _root(), reason="the capture needs root")
NETNS = shutil.which("ip") is not None and subprocess.run(
    ["unshare", "--net", "true"], capture_output=True).returncode == 0


def test_demo_english_under_c_locale(tmp_path):
    out, res, env = run_demo(tmp_path, LANG="C.UTF-8")
    check_demo(tmp_path, out, res, env, "en")
    assert res["tcp"]["delivered"] == res["tcp"]["deliveries_expected"]


@pytest.mark.skipif(not NETNS, reason="network namespaces are not "
                    "available here (loss on the host's lo would reach "
                    "everything else that uses it)")
def test_demo_spanish_with_loss(tmp_path):
    out, res, env = run_demo(tmp_path, own_lo=True, DEMO_LANG="es",
                             LANG="C.UTF-8", LOSS="20")
    if res["loss"]["mechanism"] == "none":
        pytest.skip("neither tc netem nor nftables can add loss here")
    check_demo(tmp_path, out, res, env, "es")
    check_loss(out, res, "es")


@pytest.mark.skipif(not NETNS,
                    reason="network namespaces are not available here")
def test_demo_across_chatnet_with_loss(tmp_path):
    net = f"rcd-t{os.getpid()}"
    try:
        out, res, env = run_demo(tmp_path, DEMO_LANG="en", LANG="es_ES.UTF-8",
                            NET="1", LOSS="20", CHATNET_NET=net)
        text = "\n".join(out)
        assert f"network {net}:" in text
        # every host loses only what it sends: srv's capture is after it
        assert "egress" in text and "after every loss" in text
        # a packet chatcap marks LOST is in a capture taken after every
        # loss, so it arrived: the demo says its acknowledgement was lost
        assert "here every packet in the capture arrived" in text
        assert "what was lost then is its acknowledgement" in text
        check_demo(tmp_path, out, res, env, "en")
        check_loss(out, res, "en")
    finally:
        subprocess.run([program("chatnet"), "--net", net, "down"],
                       capture_output=True)
    assert not os.path.exists(f"/run/netns/{net}-srv")


@pytest.mark.parametrize("line,nick,inside", [
    ("*** Hello carla, you are in the chat (3 online).", "carla", True),
    ("*** Hola carla, estás en el chat (3 en línea).", "carla", True),
    # the welcome was lost and udpchat asked again: carla is in
    ("*** You are already called carla. [idle-timeout=300]", "carla", True),
    ("*** Ya te llamas carla. [idle-timeout=300]", "carla", True),
    ("*** You are already called carlos. [idle-timeout=300]", "carla", False),
    ("*** no answer from 127.0.0.1:5001: retry 2/10…", "carla", False),
])
def test_demo_bot_is_in_after_a_lost_welcome(tmp_path, line, nick, inside):
    """The bots start talking once the three are in; a bot whose welcome
    datagram was lost learns it is in from the answer to its second
    nickname, and the others must not wait out the deadline for it."""
    f = tmp_path / "bot.txt"
    f.write_text(line + "\n", encoding="utf-8")
    p = subprocess.run(
        ["bash", "-c", 'L=en; . "$1"; joined "$2" "$3"', "bash",
         os.path.join(ROOT, "labs", "demo-lib.sh"), nick, str(f)])
    assert (p.returncode == 0) == inside


@pytest.mark.parametrize("script,found", [
    ("echo 'cannot listen: port 5000: address already in use' >&2; exit 1",
     False),
    ("sleep 0.3; echo 'listening on [::]:5000 (tcp)' >&2; exec sleep 30", True),
])
def test_demo_stops_waiting_for_a_server_that_has_exited(tmp_path, script,
                                                          found):
    """A server that finds its port taken exits at once: the demo moves to
    a free port then, not after the whole wait for its 'listening' line."""
    log = tmp_path / "server.log"
    started = time.monotonic()
    p = subprocess.run(
        ["bash", "-c", 'L=en; . "$1"; sh -c "$2" 2>"$3" & pid=$!; '
         'wait_for "$3" "listening on" 10 "$pid"; rc=$?; '
         'kill "$pid" 2>/dev/null; exit $rc', "bash",
         os.path.join(ROOT, "labs", "demo-lib.sh"), script, str(log)],
        timeout=60)
    assert (p.returncode == 0) == found
    assert time.monotonic() - started < 5
