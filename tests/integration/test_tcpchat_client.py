"""tcpchat against the real tcpchatd on a free port: scripted (pipe mode)
chats with accents, the seed's leaving words, a refused connection, a
server that goes away, escaping of what another client sends, /ping, and
the terminal mode in tmux."""
import re
import socket
import threading

import pytest

from redchat import Server, join, program
from redchat_clients import (ACCEPTED, Chat, Tmux, chat_with_accents,
                             free_port, leave_with, nickname_refused, run)


@pytest.fixture(params=["loop", "threads"])
def server(request):
    args = ["--threads"] if request.param == "threads" else []
    with Server("tcpchatd", *args) as s:
        yield s


def test_two_clients_chat_with_accents(server):
    chat_with_accents("tcpchat", server.port,
                      "ana\nhola, ¿qué tal? ñandú\nadiós\n", r"^ana: adiós$")


def test_messages_from_others_arrive_while_idle(server):
    # Seed 001: what the others write is printed as it arrives, even when
    # this client has nothing to send.
    bob = Chat("tcpchat", server.port, nick="bob")
    ana = join(server.port, "ana")
    try:
        bob.expect(ACCEPTED)
        for i in range(5):
            ana.sendline(f"mensaje {i}")
            bob.expect(rf"^ana: mensaje {i}$")
    finally:
        bob.kill()
        ana.close()


def test_nickname_is_the_first_input_line(server):
    status, out, err = run("tcpchat", server.port, "luisa\n/listar\n")
    assert status == 0, err
    assert re.search(r"^\*\*\* (Users|Usuarios) \(1\): luisa$", out, re.M)


@pytest.mark.parametrize("word", ["salir", "/quit", "/quitar", "/salir"])
def test_leaving_words_close_the_connection(server, word):
    other = join(server.port, "otro")
    try:
        _, err = leave_with("tcpchat", server.port, word)
        assert err == ""
        other.expect(r"^\*\*\* eva (has left|ha salido)")
    finally:
        other.close()


def test_refused_connection_is_reported():
    port = free_port()
    for lang, words in (("en", r"cannot reach .*connection refused"),
                        ("es", r"no se puede contactar .*conexión rechazada")):
        status, out, err = run("tcpchat", port, "ana\nhola\n", "--lang", lang)
        assert status == 2, (out, err)
        assert f"127.0.0.1:{port}" in err
        assert re.search(words, err), err
        assert "tcpchatd" in err
        assert len(err.strip().splitlines()) == 1


def test_server_going_away_is_said_plainly():
    with Server("tcpchatd") as server:
        c = Chat("tcpchat", server.port, "--lang", "es", nick="ana")
        try:
            c.expect(ACCEPTED)
            server.stop()
            status, out, err = c.wait(close_input=False)
            assert status == 3, (out, err)
            assert "cerró la conexión" in err
        finally:
            c.kill()


def test_refused_nickname(server):
    bob = join(server.port, "bob")
    try:
        nickname_refused("tcpchat", server.port)
    finally:
        bob.close()


def test_no_nickname_at_all():
    with Server("tcpchatd") as server:
        status, out, err = run("tcpchat", server.port, "", "--lang", "en")
        assert status == 1
        assert "no nickname" in err


def test_escapes_from_another_client_are_shown_harmless(server):
    bob = Chat("tcpchat", server.port, nick="bob")
    raw = join(server.port, "mallory")
    try:
        bob.expect(ACCEPTED)
        raw.send(b"borro\x1b[2J\x1b]0;titulo\x07 todo\xc2\x9b31m\n")
        line = bob.expect(r"^mallory: borro")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", line)
        assert "^[[2J" in line
    finally:
        bob.kill()
        raw.close()


def test_client_escapes_even_what_a_server_lets_through():
    # A bare socket standing in for a careless server (the seed servers
    # relay bytes as they come): the client's own escaping is what stops
    # the terminal from obeying.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        conn.recv(100)
        conn.sendall(b"*** Hello ana, you are in.\n"
                     b"x: \x1b[2J\x1b]0;pwned\x07\xc2\x9b\xe2\x80\xae!\n")
        conn.recv(100)
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        status, out, err = run("tcpchat", srv.getsockname()[1], "ana\n")
        assert status in (0, 3), err
        line = [l for l in out.splitlines() if l.startswith("x: ")][0]
        assert line == "x: ^[[2J^[]0;pwned^G\\u009B\\u202E!"
    finally:
        srv.close()


def test_ping_shows_the_round_trip(server):
    status, out, err = run("tcpchat", server.port, "ana\n/ping\n")
    assert status == 0, err
    assert re.search(r"^\*\*\* pong from 127\.0\.0\.1:\d+: round trip "
                     r"\d+\.\d{3} ms$", out, re.M), out


def test_color_only_when_asked(server):
    status, out, _ = run("tcpchat", server.port, "ana\n/ayuda\n")
    assert "\x1b" not in out
    status, out, _ = run("tcpchat", server.port, "ana\n/ayuda\n",
                         "--color=always", "--timestamps")
    assert status == 0
    assert "\x1b[33m***" in out
    assert re.search(r"\[\d\d:\d\d:\d\d\] ", out)


@pytest.mark.skipif(not Tmux.available(), reason="tmux is not installed")
def test_terminal_line_survives_an_incoming_message():
    with Server("tcpchatd") as server:
        term = Tmux([program("tcpchat"), "-p", str(server.port), "--lang",
                     "es", "--color=never"])
        raw = join(server.port, "bob")
        try:
            term.half_typed()
            raw.sendline("hola ana, ¿me lees?")
            raw.send(b"otra \x1b[2J\n")
            screen = term.wait_screen(lambda s: "bob: otra" in s)
            lines = [l.rstrip() for l in screen.splitlines() if l.strip()]
            assert "bob: hola ana, ¿me lees?" in lines
            assert "bob: otra ^[[2J" in lines
            assert lines[-1] == "ana> escribo a medias ñ"   # intact, last
            term.type(" y sigo")
            term.keys("Enter")
            raw.expect(r"^ana: escribo a medias ñ y sigo$")
            term.type("/listar")
            term.keys("Enter")
            term.wait_screen(lambda s: "Usuarios (2)" in s or
                             "Users (2)" in s)
            term.type("salir")
            term.keys("Enter")
            raw.expect(r"^\*\*\* ana (has left|ha salido)")
            assert term.exit_status() == 0
        finally:
            term.close()
            raw.close()


@pytest.mark.skipif(not Tmux.available(), reason="tmux is not installed")
@pytest.mark.parametrize("prog", ["tcpchat", "udpchat"])
def test_prompt_follows_nick(prog):
    """After /nick the prompt shows the new nickname (and given with -n,
    the nickname is not asked for on the screen)."""
    server_prog = "tcpchatd" if prog == "tcpchat" else "udpchatd"
    with Server(server_prog) as server:
        term = Tmux([program(prog), "-p", str(server.port), "-n", "uli",
                     "--lang", "en", "--color=never"])
        try:
            term.wait_screen(lambda s: re.search(r"^uli>\s*$", s, re.M))
            assert "Type your nickname" not in term.screen()
            term.type("/nick ulises")
            term.keys("Enter")
            screen = term.wait_screen(
                lambda s: re.search(r"^ulises>\s*$", s, re.M))
            assert "uli is now called ulises" in screen
            term.type("/quit")
            term.keys("Enter")
            assert term.exit_status() == 0
        finally:
            term.close()
