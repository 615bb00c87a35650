"""No English under --lang es: each program's common paths (help, usage
errors, a session, the end) run in Spanish, and what they print is checked
against English words that only an untranslated message would hold."""
import re
import signal
import subprocess

import pytest

from redchat import Server, join, program
from redchat_clients import free_port, run

# Words of the programs' English messages that no Spanish message, option
# name or chat line of these runs contains.
ENGLISH = {
    "the", "is", "are", "was", "has", "have", "not", "and", "with", "from",
    "into", "server", "client", "clients", "messages", "message",
    "connected", "connection", "refused", "unknown", "option", "default",
    "listening", "closing", "joined", "left", "received", "delivered",
    "lost", "packets", "datagrams", "try", "usage", "type", "welcome",
    "nickname", "users", "seconds", "round", "trip", "goodbye", "hello",
    "commands", "private", "answer", "answers", "waiting", "told", "show",
    "shows", "leave", "change", "send", "sends", "every", "which", "when",
    "while", "must", "cannot", "unreachable", "already", "address",
    "senders", "failed", "confirmed", "expected", "latency", "idle",
}
# What may legitimately look English in Spanish output: option names and
# values, program names, commands, nicknames of these tests.
STRIP = [
    r"\[[^\]]*\]",                      # [idle-timeout=300], [--json]
    r"idle-timeout=\d+",                # the notice, quoted by chatcap
    r"--?[A-Za-z][\w-]*(=\S+)?",       # --rate-limit, -n, --color=never
    r"/[a-z]+",                         # /list, /nick
    r"\b(auto|always|never|es|en|pong|ping|redchat|tcp|udp)\b",
    r"\b(MUST|SHOULD)\b",              # chatcheck's levels (RFC 2119)
]


def english_words(text):
    for pat in STRIP:
        text = re.sub(pat, " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+", text)
                   if w.lower() in ENGLISH})


def assert_spanish(what, text):
    words = english_words(text)
    assert not words, f"{what}: English words {words} in:\n{text}"


def out(argv, stdin=b"", timeout=30):
    p = subprocess.run(argv, input=stdin, capture_output=True,
                       timeout=timeout)
    return (p.stdout + p.stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("prog", ["tcpchatd", "udpchatd", "tcpchat",
                                  "udpchat", "chatbench", "chatnet",
                                  "chatcheck", "chatcap"])
def test_help_and_usage_errors_in_spanish(prog):
    exe = program(prog)
    assert_spanish(f"{prog} --help", out([exe, "--lang", "es", "--help"]))
    assert_spanish(f"{prog} bad option",
                   out([exe, "--lang", "es", "--no-such-option"]))
    assert_spanish(f"{prog} bad option, --lang after",
                   out([exe, "--no-such-option", "--lang=es"]))


def test_servers_log_in_spanish():
    for prog in ("tcpchatd", "udpchatd"):
        s = Server(prog, "--lang", "es")
        if prog == "tcpchatd":
            c = join(s.port, "ana")
            c.sendline("hola")
            c.sendline("/salir")
        busy = out([program(prog), "--lang", "es", "-p", str(s.port)])
        s.proc.send_signal(signal.SIGUSR1)
        rc, log = s.stop()
        assert rc == 0
        assert_spanish(f"{prog} log", log.decode())
        assert_spanish(f"{prog} on a busy port", busy)


def test_client_session_in_spanish():
    with Server("tcpchatd", "--lang", "es") as s:
        rc, text, err = run("tcpchat", s.port,
                            "ana\n/ayuda\n/listar\n/ping\n/nick ana2\n"
                            "/privado nadie hola\n/foo\nsalir\n",
                            "--lang", "es")
        assert rc == 0, err
        assert_spanish("tcpchat session", text + err)
    with Server("udpchatd", "--lang", "es") as s:
        rc, text, err = run("udpchat", s.port,
                            "ana\n/ayuda\n/listar\n/ping\nsalir\n",
                            "--lang", "es")
        assert rc == 0, err
        assert_spanish("udpchat session", text + err)
    # no server there: the client's own explanation
    assert_spanish("tcpchat, nobody listens",
                   out([program("tcpchat"), "--lang", "es", "-p",
                        str(free_port()), "-n", "ana"]))
    assert_spanish("tcpchat, no such host",
                   out([program("tcpchat"), "--lang", "es", "-h",
                        "no.such.host.invalid", "-n", "ana"]))


def test_chatbench_and_chatcheck_runs_in_spanish():
    with Server("tcpchatd", "--lang", "es") as s:
        assert_spanish("chatbench", out(
            [program("chatbench"), "--lang", "es", "-p", str(s.port),
             "--clients", "3", "--senders", "2", "--messages", "20"]))
        assert_spanish("chatcheck", out(
            [program("chatcheck"), "--lang", "es", "--only", "TCP-CHAT-*",
             "127.0.0.1", str(s.port)], timeout=120))


def test_chatcap_in_spanish():
    from redchat import ROOT
    import os
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    for name in ("tcp_chat.pcap", "udp_chat.pcap", "tcp_reset.pcap",
                 "tcp_retrans.pcap"):
        path = os.path.join(fixtures, name)
        for mode in ([], ["--summary"], ["--ladder"], ["--rtt"],
                     ["--follow"]):
            assert_spanish(f"chatcap {name} {mode}", out(
                [program("chatcap"), "--lang", "es", "-r", path, *mode]))


PLOT_WORDS = {
    "es": {"tiempo", "secuencia", "retransmisión", "cabeceras", "datos"},
    "en": {"time", "sequence", "retransmission", "headers", "payload"},
}


@pytest.mark.parametrize("how", ["env", "option"])
def test_lab_plots_speak_one_language(tmp_path, how):
    """The lab plots' title, axes and key are in the run's language only:
    Spanish under an es locale or --lang es, English otherwise."""
    import os
    import shutil
    from redchat import ROOT
    if shutil.which("gnuplot") is None:
        pytest.fail("gnuplot is missing: make deps installs it")
    plots = os.path.join(ROOT, "labs", "plots")
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    for script, fixture in (("tseq.sh", "tcp_retrans.pcap"),
                            ("overhead.sh", "lab.pcapng")):
        jsonl = tmp_path / (script + ".jsonl")
        jsonl.write_bytes(subprocess.run(
            [program("chatcap"), "-r", os.path.join(fixtures, fixture),
             "--json"], capture_output=True, check=True).stdout)
        for lang in ("es", "en"):
            svg = tmp_path / f"{script}.{lang}.svg"
            env = dict(os.environ, LC_ALL="", LC_MESSAGES="",
                       LANG="es_ES.UTF-8" if lang == "es" else "C")
            opt = ["--lang", lang] if how == "option" else []
            if how == "option":
                env["LANG"] = "es_ES.UTF-8" if lang == "en" else "C"
            subprocess.run([os.path.join(plots, script), *opt, str(jsonl),
                            str(svg)], env=env, check=True,
                           capture_output=True, timeout=60)
            # gnuplot writes each text as <text><tspan ...>words</tspan>
            text = re.sub(r"<[^>]*>", " ", " ".join(re.findall(
                r"<text.*?</text>", svg.read_text(), re.S)))
            words = set(re.findall(r"\w+", text))
            other = "en" if lang == "es" else "es"
            assert words & PLOT_WORDS[lang], (script, lang, words)
            assert not words & PLOT_WORDS[other], (script, lang, words)
