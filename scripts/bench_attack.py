#!/usr/bin/env python3
"""`make bench`'s attack mix (W7): honest clients chat at a human-like rate
while hostile ones try to stall the room, all against one TCP chat server.

    bench_attack.py CHATBENCH PORT SERVER_PID

Attackers, started first and kept going for the whole run:
  - 5 "noise" clients: random bytes, then 1 MiB lines, never reading (a
    student's `while true; do nc server 5000 < /dev/zero; done`);
  - 200 slowloris connections: a byte a second, never a newline;
  - 1 flooder: a member sending lines as fast as the server takes them;
  - 1 stuck reader: a member with a 4 KiB receive buffer that never reads.
The honest load is chatbench: 20 clients, each sending 200 messages at 40
a second (5 seconds). Prints one JSON object: chatbench's, plus the
server's largest RSS seen during the run (rss_max_kib) and what the
attackers managed (attack)."""
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

NOISE, SLOWLORIS = 5, 200


class Attack:
    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.socks = []
        self.threads = []
        self.connects = 0

    def connect(self, rcvbuf=None):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(2)
        s.connect(("127.0.0.1", self.port))
        self.connects += 1
        self.socks.append(s)
        return s

    def spawn(self, fn, *args):
        t = threading.Thread(target=self.guard, args=(fn, *args), daemon=True)
        t.start()
        self.threads.append(t)

    def guard(self, fn, *args):
        """Run fn until the attack stops; a closed socket means reconnect."""
        while not self.stop.is_set():
            try:
                fn(*args)
            except OSError:
                time.sleep(0.05)

    def noise(self, seed):
        rnd = random.Random(seed)
        s = self.connect(rcvbuf=4096)
        s.settimeout(0.5)
        big = b"y" * (1 << 20) + b"\n"
        while not self.stop.is_set():
            try:
                s.sendall(rnd.randbytes(16384))
                s.sendall(big)
            except socket.timeout:
                continue            # the server reads us slowly: fine

    def slowloris(self, socks):
        while not self.stop.is_set():
            for s in socks:
                try:
                    s.send(b"z")
                except OSError:
                    pass
            self.stop.wait(1.0)

    def flooder(self):
        s = self.connect()
        s.sendall(b"flooder\n")
        s.settimeout(0.5)
        line = b"flood " + b"f" * 58 + b"\n"
        block = line * 256
        while not self.stop.is_set():
            try:
                s.sendall(block)
            except socket.timeout:
                pass
            try:
                while s.recv(65536):     # keep reading what it is sent
                    pass
            except (socket.timeout, BlockingIOError):
                pass

    def stuck(self):
        s = self.connect(rcvbuf=4096)
        s.sendall(b"stuck\n")
        self.stop.wait()

    def start(self):
        for i in range(NOISE):
            self.spawn(self.noise, i)
        lazy = [self.connect() for _ in range(SLOWLORIS)]
        self.spawn(self.slowloris, lazy)
        self.spawn(self.flooder)
        self.spawn(self.stuck)

    def end(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        for s in self.socks:
            s.close()


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    bench, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    attack = Attack(port)
    attack.start()
    time.sleep(1.0)                     # the attack is under way
    rss = [rss_kib(pid)]
    proc = subprocess.Popen(
        [bench, "-p", str(port), "--connect-rate=2000", "--clients", "20",
         "--senders", "20", "--messages", "200", "--rate", "40",
         "--server-pid", str(pid), "--json", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while proc.poll() is None:
        rss.append(rss_kib(pid))
        time.sleep(0.1)
    out, err = proc.communicate()
    alive = os.path.exists(f"/proc/{pid}")
    attack.end()
    if not out.strip():
        sys.exit(f"chatbench: {err.decode(errors='replace')}")
    result = json.loads(out)
    result["rss_max_kib"] = max(rss)
    result["attack"] = {"connections": attack.connects,
                        "server_alive": alive}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
