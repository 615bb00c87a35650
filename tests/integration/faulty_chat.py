"""A small chat server in Python that follows redchat's wire protocol v1
over TCP, with one deliberate fault chosen on the command line, so that
chatcheck's tests can show each fault is caught by the test meant for it
(and no other MUST test fails by accident).

    python3 faulty_chat.py PORT [FAULT] [es]

none   no fault: passes every MUST test of `chatcheck --profile redchat`
echo   chat also goes back to its sender
raw    after the nickname, each recv() chunk is relayed as it came (the
       seed 003 server's framing)
dup    nicknames need not be unique
block  sends with a blocking sendall(): a client that never reads stops
       everyone
crash  a line over 1024 bytes raises an exception that ends the server
flood  a sender's chat beyond 20 lines a second is silently dropped (a
       flood limit that loses messages over TCP; lab 2's checks catch it)
crash5000  refuses lines of 1025 to 4096 bytes, but a line of 5,000 bytes
       or more (newline or not) ends the server
crash1m    a line of 512 KiB or more ends the server
crashping  /ping ends the server (a SHOULD command)
crashcrlf  a line ending in \r\n ends the server (TCP-FRAME-03, the third
       test of the redchat profile)
crashclose a connection that closes before sending anything ends the
       server (as seed 000's does)
nojoin     no join or leave notices (the statement asks for them, a SHOULD)
bracket    chat relayed as "[NICK] TEXT" instead of "NICK: TEXT"

A third argument "es" makes it say goodbye as tcpchatd --lang es does
("*** Adiós, NICK"), which lab 2's first step looks for.

It prints "listening on 127.0.0.1:PORT" when ready (port 0: a free one)."""
import selectors
import socket
import sys
import time

MAX = 1024
OUT_MAX = 1 << 20           # bytes queued for a client before it is dropped
SILENCE = 0.2


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.out = bytearray()
        self.nick = None
        self.newline_seen = False
        self.discarding = False
        self.last_rx = time.monotonic()
        self.closing = False
        self.window = (0.0, 0)      # flood: (start of this second, lines)
        self.line_len = 0           # bytes of the line being discarded
        self.said = False           # sent anything at all


class Server:
    def __init__(self, port, fault, lang="en"):
        self.fault = fault
        self.lang = lang
        self.sel = selectors.DefaultSelector()
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.lsock.listen(512)
        self.lsock.setblocking(False)
        self.sel.register(self.lsock, selectors.EVENT_READ, None)
        self.clients = {}
        print(f"listening on 127.0.0.1:{self.lsock.getsockname()[1]}",
              flush=True)

    # --- output ------------------------------------------------------------
    def send(self, c, text):
        data = text.encode("utf-8", "replace")
        if self.fault == "block":
            c.sock.setblocking(True)
            try:
                c.sock.sendall(data)
            except OSError:
                pass
            c.sock.setblocking(False)
            return
        c.out += data
        if len(c.out) > OUT_MAX:
            self.drop(c, "not reading its messages")
            return
        self.flush(c)

    def flush(self, c):
        try:
            while c.out:
                n = c.sock.send(c.out)
                del c.out[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.drop(c)
            return
        if c.sock.fileno() >= 0 and c in self.clients.values():
            ev = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
            self.sel.modify(c.sock, ev, c)
        if c.closing and not c.out:
            self.drop(c)

    def others(self, c):
        return [o for o in list(self.clients.values())
                if o is not c and o.nick is not None]

    def to_others(self, c, text):
        for o in self.others(c):
            self.send(o, text)

    def drop(self, c, why=None):
        if c.sock.fileno() not in self.clients:
            return
        del self.clients[c.sock.fileno()]
        self.sel.unregister(c.sock)
        c.sock.close()
        if self.fault == "crashclose" and not c.said:
            raise ConnectionError("closed before a word")
        if c.nick is not None and self.fault != "nojoin":
            self.to_others(c, f"*** {c.nick} has left"
                              f"{' (' + why + ')' if why else ''}\n")

    # --- text --------------------------------------------------------------
    @staticmethod
    def clean(raw):
        text = raw.decode("utf-8", "replace")
        return "".join(ch if ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7f)
                       else "^" + chr(ord(ch) ^ 0x40) for ch in text)

    def nick_error(self, c, nick):
        if not 1 <= len(nick.encode()) <= 20:
            return "length"
        if nick.startswith("/") or any(ch.isspace() or ord(ch) < 0x20
                                       for ch in nick):
            return "invalid"
        if self.fault != "dup" and any(
                o.nick and o.nick.casefold() == nick.casefold()
                for o in self.clients.values() if o is not c):
            return "taken"
        return None

    # --- one message -------------------------------------------------------
    def message(self, c, raw):
        line = self.clean(raw)
        if c.nick is None:
            err = self.nick_error(c, line)
            if err:
                self.send(c, f"*** Error: nickname {err}\n")
                return
            c.nick = line
            self.send(c, f"*** Hello {line}\n")
            if self.fault != "nojoin":
                self.to_others(c, f"*** {line} has joined\n")
            return
        if line.startswith("/") and not line.startswith("//"):
            self.command(c, line)
        elif line.strip() == "salir":
            self.command(c, "/quit")
        elif line.strip():
            text = line[1:] if line.startswith("//") else line
            if self.fault == "flood" and self.flooding(c):
                return
            form = "[{}] {}" if self.fault == "bracket" else "{}: {}"
            for o in self.others(c) + ([c] if self.fault == "echo" else []):
                self.send(o, form.format(c.nick, text) + "\n")

    @staticmethod
    def flooding(c):
        now = time.monotonic()
        start, n = c.window
        if now - start >= 1.0:
            start, n = now, 0
        c.window = (start, n + 1)
        return n + 1 > 20

    def command(self, c, line):
        word, _, rest = line.partition(" ")
        if word in ("/list", "/listar"):
            names = ", ".join(o.nick for o in self.clients.values() if o.nick)
            self.send(c, f"*** Users: {names}\n")
        elif word in ("/msg", "/privado"):
            to, _, text = rest.partition(" ")
            for o in self.others(c):
                if o.nick.casefold() == to.casefold():
                    self.send(o, f"{c.nick} (private): {text}\n")
        elif word == "/me":
            self.to_others(c, f"* {c.nick} {rest}\n")
        elif word == "/nick":
            if self.nick_error(c, rest):
                self.send(c, "*** Error: nickname\n")
            else:
                self.to_others(c, f"*** {c.nick} is now {rest}\n")
                c.nick = rest
        elif word in ("/quit", "/quitar", "/salir"):
            bye = f"Adiós, {c.nick}" if self.lang == "es" else "Bye"
            self.send(c, f"*** {bye}\n")
            c.closing = True
            self.flush(c)
        elif word == "/ping":
            if self.fault == "crashping":
                raise ValueError("pong")
            self.send(c, f"*** pong {rest}\n")
        elif word in ("/help", "/ayuda"):
            self.send(c, "*** Commands: /list /msg /me /nick /ping /quit\n")
        else:
            self.send(c, "*** Error: unknown command\n")

    # --- input -------------------------------------------------------------
    def too_long(self, c, n):
        """n more bytes of a line over the cap: the crash faults' limits."""
        c.line_len += n
        limit = {"crash5000": 5000, "crash1m": 512 * 1024}.get(self.fault)
        if limit and c.line_len >= limit:
            raise MemoryError(f"line of {c.line_len} bytes")

    def frame(self, c):
        while b"\n" in c.inbuf:
            line, c.inbuf = c.inbuf.split(b"\n", 1)
            c.newline_seen = True
            if self.fault == "crashcrlf" and line.endswith(b"\r"):
                raise ValueError("carriage return")
            if c.discarding:
                self.too_long(c, len(line))
                c.discarding = False
                c.line_len = 0
                continue
            line = line[:-1] if line.endswith(b"\r") else line
            if len(line) > MAX:
                if self.fault == "crash":
                    raise ValueError("line too long")
                self.too_long(c, len(line))
                c.line_len = 0
                self.send(c, "*** Error: message too long\n")
                continue
            self.message(c, line)
        if len(c.inbuf) > MAX + 1:
            if self.fault == "crash":
                raise ValueError("line too long")
            if not c.discarding:
                self.send(c, "*** Error: message too long\n")
            c.discarding = True
            self.too_long(c, len(c.inbuf))
            c.inbuf = b""

    def readable(self, c):
        try:
            data = c.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            c.said = True
        if not data:
            if c.inbuf and not c.discarding:
                self.message(c, c.inbuf)
            self.drop(c)
            return
        c.last_rx = time.monotonic()
        if self.fault == "raw" and c.nick is not None:
            chunk = data[:-1] if data.endswith(b"\n") else data
            chunk = chunk[:-1] if chunk.endswith(b"\r") else chunk
            if chunk.startswith(b"/") or chunk.strip() == b"salir":
                self.message(c, chunk)
            else:
                text = "\n".join(map(self.clean, chunk.split(b"\n")))
                self.to_others(c, f"{c.nick}: {text}\n")
            return
        c.inbuf += data
        self.frame(c)

    def silences(self):
        now = time.monotonic()
        for c in list(self.clients.values()):
            if (not c.newline_seen and c.inbuf and not c.discarding
                    and now - c.last_rx >= SILENCE):
                line, c.inbuf = c.inbuf, b""
                self.message(c, line)

    def run(self):
        while True:
            for key, ev in self.sel.select(0.05):
                if key.data is None:
                    sock, _ = self.lsock.accept()
                    sock.setblocking(False)
                    c = Client(sock)
                    self.clients[sock.fileno()] = c
                    self.sel.register(sock, selectors.EVENT_READ, c)
                    self.send(c, "*** Welcome! Type your nickname.\n")
                    continue
                c = key.data
                if c.sock.fileno() < 0:
                    continue
                if ev & selectors.EVENT_WRITE:
                    self.flush(c)
                if ev & selectors.EVENT_READ and c.sock.fileno() >= 0:
                    self.readable(c)
            self.silences()


if __name__ == "__main__":
    Server(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "none",
           sys.argv[3] if len(sys.argv) > 3 else "en").run()
