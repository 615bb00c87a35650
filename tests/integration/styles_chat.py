"""Two more correct chat servers of redchat's wire protocol v1 over TCP, in
the styles students write besides faulty_chat.py's event loop, so that
chatcheck is shown fair to each style:

    python3 styles_chat.py PORT threads   a thread per client reading, and a
                                          writer thread per client draining
                                          its own queue (no blocking send
                                          under the room's lock)
    python3 styles_chat.py PORT asyncio   asyncio streams

Port 0 picks a free one; "listening on 127.0.0.1:PORT" is printed when
ready. Both pass every test of `chatcheck --profile redchat`."""
import asyncio
import queue
import socket
import sys
import threading

MAX = 1024
OUT_MAX = 1 << 20
SILENCE = 0.2
STUCK = 10          # seconds a full queue may take nothing before its
                    # member is dropped (threads)


class Room:
    """Members, nicknames and commands; output through member.put(text)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.members = []

    @staticmethod
    def clean(raw):
        text = raw.decode("utf-8", "replace")
        return "".join(ch if ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7f)
                       else "^" + chr(ord(ch) ^ 0x40) for ch in text)

    def others(self, m):
        return [o for o in self.members if o is not m and o.nick]

    def bad_nick(self, m, nick):
        if not 1 <= len(nick.encode()) <= 20 or nick.startswith("/") or any(
                ch.isspace() or ord(ch) < 0x20 for ch in nick):
            return "invalid"
        if any(o.nick and o.nick.casefold() == nick.casefold()
               for o in self.members if o is not m):
            return "taken"
        return None

    def line(self, m, raw):
        """One message from m; returns False when m leaves."""
        text = self.clean(raw)
        with self.lock:
            if m.nick is None:
                err = self.bad_nick(m, text)
                if err:
                    m.put(f"*** Error: nickname {err}\n")
                    return True
                m.nick = text
                m.put(f"*** Hello {text}\n")
                for o in self.others(m):
                    o.put(f"*** {text} has joined\n")
                return True
            if text.strip() == "salir":
                text = "/quit"
            if text.startswith("/"):
                return self.command(m, text)
            if text.strip():
                for o in self.others(m):
                    o.put(f"{m.nick}: {text}\n")
            return True

    def command(self, m, text):
        word, _, rest = text.partition(" ")
        if word in ("/list", "/listar"):
            m.put("*** Users: " + ", ".join(o.nick for o in self.members
                                             if o.nick) + "\n")
        elif word in ("/msg", "/privado"):
            to, _, body = rest.partition(" ")
            for o in self.others(m):
                if o.nick.casefold() == to.casefold():
                    o.put(f"{m.nick} (private): {body}\n")
        elif word == "/me":
            for o in self.others(m):
                o.put(f"* {m.nick} {rest}\n")
        elif word == "/nick":
            if self.bad_nick(m, rest):
                m.put("*** Error: nickname\n")
            else:
                for o in self.others(m):
                    o.put(f"*** {m.nick} is now {rest}\n")
                m.nick = rest
        elif word in ("/quit", "/quitar", "/salir"):
            m.put("*** Bye\n")
            return False
        elif word == "/ping":
            m.put(f"*** pong {rest}\n")
        elif word in ("/help", "/ayuda"):
            m.put("*** Commands: /list /msg /me /nick /ping /quit\n")
        else:
            m.put("*** Error: unknown command\n")
        return True

    def join(self, m):
        with self.lock:
            self.members.append(m)
        m.put("*** Welcome! Type your nickname.\n")

    def leave(self, m):
        with self.lock:
            if m not in self.members:
                return
            self.members.remove(m)
            if m.nick:
                for o in self.others(m):
                    o.put(f"*** {m.nick} has left\n")


class Framer:
    """Lines by newline; before the first newline, a silence ends one."""

    def __init__(self):
        self.buf = b""
        self.newline_seen = False
        self.discarding = False

    def feed(self, data, too_long):
        out = []
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.newline_seen = True
            if self.discarding:
                self.discarding = False
                continue
            line = line[:-1] if line.endswith(b"\r") else line
            if len(line) > MAX:
                too_long()
            else:
                out.append(line)
        if len(self.buf) > MAX + 1:
            if not self.discarding:
                too_long()
            self.discarding = True
            self.buf = b""
        return out

    def silence(self):
        if self.newline_seen or not self.buf or self.discarding:
            return None
        line, self.buf = self.buf, b""
        return line


# --- threads ------------------------------------------------------------------

class ThreadMember:
    def __init__(self, sock):
        self.sock = sock
        self.nick = None
        self.q = queue.Queue()
        self.queued = 0
        self.dead = False
        self.taken = threading.Condition()

    def put(self, text):
        """Queue text for the writer. While the queue is full the caller
        (a sender's thread, holding the room) waits: TCP then holds the
        sender back. Only a queue that takes nothing for STUCK seconds
        drops its member."""
        data = text.encode("utf-8", "replace")
        with self.taken:
            while not self.dead and self.queued + len(data) > OUT_MAX:
                if not self.taken.wait(STUCK):
                    self.dead = True
            if self.dead:
                self.q.put(None)
                return
            self.queued += len(data)
        self.q.put(data)

    def writer(self):
        while True:
            data = self.q.get()
            if data is None:
                break
            with self.taken:
                self.queued -= len(data)
                self.taken.notify_all()
            try:
                self.sock.sendall(data)
            except OSError:
                break
        with self.taken:
            self.dead = True
            self.taken.notify_all()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def thread_client(room, sock):
    m = ThreadMember(sock)
    fr = Framer()
    w = threading.Thread(target=m.writer, daemon=True)
    w.start()
    room.join(m)
    sock.settimeout(SILENCE)
    going = True
    while going and not m.dead:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            line = fr.silence()
            going = line is None or room.line(m, line)
            continue
        except OSError:
            break
        if not data:
            break
        for line in fr.feed(data, lambda: m.put("*** Error: message too long\n")):
            if not room.line(m, line):
                going = False
                break
    room.leave(m)
    m.q.put(None)
    w.join(5)
    sock.close()


def serve_threads(lsock):
    room = Room()
    while True:
        sock, _ = lsock.accept()
        threading.Thread(target=thread_client, args=(room, sock),
                         daemon=True).start()


# --- asyncio ------------------------------------------------------------------

class AsyncMember:
    def __init__(self, writer):
        self.writer = writer
        self.nick = None

    def put(self, text):
        if self.writer.transport.get_write_buffer_size() > OUT_MAX:
            self.writer.transport.abort()
            return
        self.writer.write(text.encode("utf-8", "replace"))


async def async_client(room, reader, writer):
    m = AsyncMember(writer)
    fr = Framer()
    room.join(m)
    going = True
    while going:
        try:
            data = await asyncio.wait_for(reader.read(65536), SILENCE)
        except asyncio.TimeoutError:
            line = fr.silence()
            going = line is None or room.line(m, line)
            continue
        except OSError:
            break
        if not data:
            break
        for line in fr.feed(data, lambda: m.put("*** Error: message too long\n")):
            if not room.line(m, line):
                going = False
                break
        try:
            await asyncio.wait_for(writer.drain(), 0.01)
        except (asyncio.TimeoutError, OSError):
            pass
    room.leave(m)
    writer.close()


async def serve_async(lsock):
    room = Room()
    server = await asyncio.start_server(
        lambda r, w: async_client(room, r, w), sock=lsock)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(sys.argv[1])))
    ls.listen(512)
    print(f"listening on 127.0.0.1:{ls.getsockname()[1]}", flush=True)
    if sys.argv[2] == "threads":
        serve_threads(ls)
    else:
        asyncio.run(serve_async(ls))
