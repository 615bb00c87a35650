"""udpchat against the real udpchatd on a free port: scripted (pipe mode)
chats, leaving, an unreachable or silent server, escaping, /ping, the
keepalive against a short idle timeout, and the terminal mode in tmux."""
import re
import signal
import socket

import pytest

from redchat import Server, Udp, program, wait_log
from redchat_clients import (ACCEPTED, Chat, Tmux, chat_with_accents,
                             free_port, leave_with, nickname_refused, run)


@pytest.fixture
def server():
    with Server("udpchatd") as s:
        yield s


def test_two_clients_chat_with_accents(server):
    chat_with_accents("udpchat", server.port,
                      "ana\nhola, ¿qué tal? ñandú\n/quit\n")


def test_nickname_is_the_first_input_line(server):
    status, out, err = run("udpchat", server.port, "luisa\n/list\n")
    assert status == 0, err
    assert re.search(r"^\*\*\* (Users|Usuarios) \(1\): luisa$", out, re.M)
    wait_log(server, r"luisa .* joined")


@pytest.mark.parametrize("word", ["salir", "/quit", "/quitar", "/salir"])
def test_leaving_words_end_the_client(server, word):
    out, _ = leave_with("udpchat", server.port, word)
    assert re.search(r"^\*\*\* (Goodbye|¡Adiós)", out, re.M)
    wait_log(server, r"eva .* left: (quit|closed)")


def test_unreachable_port_is_reported(server):
    """ICMP port unreachable is not a refused "connection" (UDP has none):
    the client says what came back and exits at once."""
    port = free_port(socket.SOCK_DGRAM)
    for lang, words in (("en", r"^udpchat: port unreachable \(ICMP\): no "
                               r"server listens at "),
                        ("es", r"^udpchat: puerto inalcanzable \(ICMP\): "
                               r"ningún servidor escucha en ")):
        status, out, err = run("udpchat", port, "ana\nhola\n", "--lang", lang)
        assert status == 2, (out, err)
        assert f"127.0.0.1:{port}" in err
        assert re.search(words, err), err
        assert "udpchatd" in err
        assert "connection" not in err and "conexión" not in err


def test_silent_server_is_reported():
    """A socket that receives and never answers (no ICMP, no reply): the
    nickname is sent again with a growing wait, each retry said, then the
    client gives up with "no answer", not "unreachable"."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    try:
        status, out, err = run("udpchat", s.getsockname()[1], "ana\nhola\n",
                               "--lang", "es", timeout=90)
        assert status == 2, (out, err)
        assert re.search(r"^udpchat: sin respuesta de 127\.0\.0\.1:\d+ tras "
                         r"10 intentos en \d+ s \(se perdieron los datagramas "
                         r"o sus respuestas, o nada escucha ahí", err), err
        for k in range(2, 11):
            assert f"reintento {k}/10…" in out, out
        s.settimeout(10)
        tries = [s.recv(100) for _ in range(10)]
        assert tries == [b"/nick ana"] * 10  # the nickname, marked as one
    finally:
        s.close()


def test_refused_nickname_with_option_exits_4(server):
    bob = Chat("udpchat", server.port, nick="bob")
    try:
        bob.expect(ACCEPTED)
        nickname_refused("udpchat", server.port)
    finally:
        bob.kill()


def test_escapes_from_another_member_are_shown_harmless(server):
    bob = Chat("udpchat", server.port, nick="bob")
    raw = Udp(server.port)
    try:
        bob.expect(ACCEPTED)
        raw.sendline("mallory")
        raw.expect(ACCEPTED)
        raw.send(b"borro\x1b[2J\x1b]0;titulo\x07 todo\n")
        line = bob.expect(r"^mallory: borro")
        assert "\x1b" not in line and "\x07" not in line
        assert "^[[2J" in line
    finally:
        bob.kill()
        raw.close()


def test_ping_shows_the_round_trip(server):
    status, out, err = run("udpchat", server.port, "ana\n/ping\n", "--lang",
                           "es")
    assert status == 0, err
    assert re.search(r"^\*\*\* pong de 127\.0\.0\.1:\d+: ida y vuelta "
                     r"\d+\.\d{3} ms$", out, re.M), out
    assert "*** pong t" not in out      # the raw pong is replaced


def test_open_client_is_not_expired_by_idle_timeout():
    with Server("udpchatd", "--idle-timeout", "1") as server:
        ana = Chat("udpchat", server.port, nick="ana")
        silent = [Udp(server.port), Udp(server.port)]
        try:
            ana.expect(r"idle-timeout=1\]$")
            # Two members in turn join and say nothing more: the server
            # drops each after the timeout, which proves that two timeouts
            # have passed for ana too.
            for nick, member in zip(("eve", "max"), silent):
                member.sendline(nick)
                member.expect(ACCEPTED)
                wait_log(server, nick + r" .* left: idle timeout")
                ana.expect(r"^\*\*\* " + nick + r" .*(silent|sin actividad)")
            zoe = Udp(server.port)
            zoe.sendline("zoe")
            zoe.expect(ACCEPTED)
            ana.send("sigo aquí")       # still a member: relayed as chat
            zoe.expect(r"^ana: sigo aquí$")
            status, out, err = ana.wait()
            assert status == 0, err
            assert "pong" not in "\n".join(ana.seen)    # keepalives hidden
        finally:
            ana.kill()
            for member in silent:
                member.close()
        _, log = server.stop()
        assert re.search(rb"ana .* left: (quit|closed)", log)
        assert not re.search(rb"ana .* left: idle", log)


def test_client_forgotten_by_the_server_joins_again():
    with Server("udpchatd", "--idle-timeout", "1") as server:
        ana = Chat("udpchat", server.port, "--lang", "en", nick="ana")
        try:
            ana.expect(r"idle-timeout=1\]$")
            # Suspended (like Ctrl-Z), ana stays silent past the timeout...
            ana.proc.send_signal(signal.SIGSTOP)
            wait_log(server, r"ana .* left: idle timeout")
            ana.proc.send_signal(signal.SIGCONT)
            # ...and her next keepalive tells her the server forgot her.
            ana.expect(r"^\*\*\* the server no longer knows you")
            ana.expect(ACCEPTED + "ana")
            wait_log(server, r"ana .* joined")
            status, out, err = ana.wait()
            assert status == 0, err
        finally:
            ana.proc.send_signal(signal.SIGCONT)
            ana.kill()


@pytest.mark.skipif(not Tmux.available(), reason="tmux is not installed")
def test_terminal_line_survives_an_incoming_message(server):
    term = Tmux([program("udpchat"), "-p", str(server.port), "--lang", "es",
                 "--color=never"])
    try:
        term.half_typed()
        status, _, err = run("udpchat", server.port,
                             "bob\nhola ana\x1b[2J\n")
        assert status == 0, err
        screen = term.wait_screen(
            lambda s: "bob ha salido" in s or "bob has left" in s)
        lines = [l.rstrip() for l in screen.splitlines() if l.strip()]
        assert "bob: hola ana^[[2J" in lines
        assert lines[-1] == "ana> escribo a medias ñ"   # intact, last
        term.type(" y sigo")
        term.keys("Enter")
        term.wait_screen(lambda s: re.search(
            r"^ana> escribo a medias ñ y sigo$", s, re.M))
        wait_log(server, r"ana: escribo a medias ñ y sigo")
        term.keys("C-d")
        screen = term.wait_screen(lambda s: "¡Adiós, ana!" in s or
                                  "Goodbye, ana!" in s)
        wait_log(server, r"ana .* left: (quit|closed)")
        assert term.exit_status() == 0
    finally:
        term.close()


@pytest.mark.parametrize("typed_while_down", [False, True])
def test_lines_survive_a_server_restart(typed_while_down):
    """udpchat joined as uli; the server is killed, then started again on
    the same port. Lines typed after the restart are answered "who are
    you?": uli introduces itself again and sends them again. A line typed
    while the server is down bounces (ICMP) and waits for it. The listener
    gets every line as uli's, in order, and no line becomes a nickname."""
    first = Server("udpchatd", "--lang", "en")
    port = first.port
    uli = Chat("udpchat", port, "--lang", "en", nick="uli", timeout=30)
    try:
        uli.expect(ACCEPTED + "uli")
        lis = Udp(port)
        lis.sendline("lis")
        lis.expect(ACCEPTED + "lis")
        uli.send("antes")
        assert lis.expect(r"^uli: ") == "uli: antes"
        first.proc.kill()                       # a crash: no goodbye
        first.stop()
        if typed_while_down:
            uli.send("mientras")                # nothing listens: ICMP
            uli.expect(r"^\*\*\* port unreachable \(ICMP\)")
        second = Server("udpchatd", "--lang", "en", "-p", str(port))
        lis = Udp(port)
        lis.sendline("lis")
        lis.expect(ACCEPTED + "lis")
        said = ["hola", "sigo aquí", "ok", "/me vuelve", "tercera línea"]
        for line in said:
            uli.send(line)
        want = ["uli: mientras"] * typed_while_down + ["uli: hola", "uli: sigo aquí", "uli: ok",
                "* uli vuelve", "uli: tercera línea"]
        got = [lis.expect(r"^(uli: |\* uli )", timeout=60) for _ in want]
        assert got == want
        if not typed_while_down:
            uli.expect(r"^\*\*\* the server no longer knows you")
        lis.sendline("/list")
        assert lis.expect(r"^\*\*\* Users") == "*** Users (2): lis, uli"
        status, out, err = uli.wait(timeout=30)
        assert status == 0, err
        _, log = second.stop()
        joined = re.findall(rb"(\S+) \(127\.0\.0\.1:\d+\) joined", log)
        assert sorted(joined) == [b"lis", b"uli"], log
        assert b"Sanitizer" not in log and b"runtime error" not in log, log
    finally:
        uli.kill()


@pytest.mark.skipif(not Tmux.available(), reason="tmux is not installed")
def test_typing_while_the_server_is_down_keeps_the_client():
    """At a terminal: the server stops; a line typed then bounces (ICMP
    port unreachable), the client says so and stays; when the server is
    back on the same port, the line arrives as uli's."""
    first = Server("udpchatd", "--lang", "en")
    port = first.port
    term = Tmux([program("udpchat"), "-p", str(port), "-n", "uli",
                 "--lang", "en", "--color=never"])
    try:
        term.wait_screen(lambda s: re.search(r"^uli>\s*$", s, re.M))
        first.proc.kill()           # gone without a word (a goodbye is
        first.stop()                # test_udpchat_away.py's)
        term.type("sigo aquí")
        term.keys("Enter")
        term.wait_screen(lambda s: "port unreachable (ICMP)" in s, 30)
        assert "[exit" not in term.screen()
        second = Server("udpchatd", "--lang", "en", "-p", str(port))
        lis = Udp(port)
        lis.sendline("lis")
        lis.expect(ACCEPTED + "lis")
        assert lis.expect(r"^uli: ", timeout=60) == "uli: sigo aquí"
        term.keys("C-d")
        assert term.exit_status(30) == 0
        second.stop()
    finally:
        term.close()
