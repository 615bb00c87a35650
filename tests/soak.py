#!/usr/bin/env python3
"""The soak run (make soak): every server under chatbench load for minutes,
clients joining and leaving in rounds, with the server's memory (VmRSS)
and open descriptors sampled from /proc after each round, once the round's
clients have gone. Both must stay flat: the script compares the first and
last windows of samples and says PASS or FAIL.

    tests/soak.py [SECONDS]          (default SOAK_SECONDS or 180, each)

Servers: tcpchatd (event loop), tcpchatd --threads, udpchatd. Each round
runs chatbench (40 clients, 8 senders, 200 messages; a slow consumer on
TCP), plus a few raw clients that connect, half-send a line and reset.
Without bin/chatbench, a small Python load takes its place."""
import os
import socket
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "integration"))
from redchat import Server, program  # noqa: E402

SECONDS = float(sys.argv[1] if len(sys.argv) > 1
                else os.environ.get("SOAK_SECONDS", "180"))


def proc_sample(pid):
    """(VmRSS in KiB, open descriptors) of a process."""
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def python_round(port, udp):
    """The fallback load: 20 clients join, 5 send 50 lines, all leave."""
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    socks = []
    for i in range(20):
        s = socket.socket(socket.AF_INET, kind)
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        s.send(f"soak{i}\n".encode())
        socks.append(s)
    for k in range(50):
        for s in socks[:5]:
            s.send(f"line {k}\n".encode())
    for s in socks:
        s.send(b"/quit\n")
        s.close()


def hostile_round(port):
    """A few clients that reset mid-line, and one that never reads."""
    for i in range(5):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(f"rst{i}\nhalf a li".encode())
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.close()


def one_round(port, udp):
    bench = program("chatbench")
    if os.path.exists(bench):
        args = [bench, "-p", str(port), "--clients", "40", "--senders", "8",
                "--messages", "200", "--rate", "400", "--timeout", "60",
                "--json"]
        if udp:
            args.insert(1, "--udp")
        else:
            args += ["--stall", "1"]
        subprocess.run(args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
    else:
        python_round(port, udp)
    if not udp:
        hostile_round(port)


def settle(pid, base_fds, deadline):
    """Wait (with a deadline) until the server is back to its idle
    descriptor count; return the sample then."""
    while True:
        rss, fds = proc_sample(pid)
        if fds <= base_fds or time.monotonic() > deadline:
            return rss, fds
        time.sleep(0.2)


def soak(name, args, udp):
    s = Server(name, "-q", "--rate-limit", "0", "--idle-timeout", "2",
               *args) if udp else Server(name, "-q", "--rate-limit", "0",
                                         *args)
    pid = s.proc.pid
    base_rss, base_fds = proc_sample(pid)
    samples = []
    t0 = time.monotonic()
    rounds = 0
    try:
        while time.monotonic() - t0 < SECONDS:
            one_round(s.port, udp)
            rounds += 1
            # UDP members leave by /quit or by the idle timeout
            samples.append((time.monotonic() - t0,
                            *settle(pid, base_fds, time.monotonic() + 10)))
    finally:
        rc, log = s.stop()
    n = max(3, len(samples) // 5)
    start, end = samples[:n], samples[-n:]
    rss0 = statistics.median(x[1] for x in start)
    rss1 = statistics.median(x[1] for x in end)
    fds0 = max(x[2] for x in start)
    fds1 = max(x[2] for x in end)
    ok = (rss1 <= rss0 * 1.10 + 1024 and fds1 <= fds0 and rc == 0
          and len(samples) >= 2 * n)
    label = " ".join([name, *args])
    print(f"\n{label}: {rounds} rounds in {time.monotonic() - t0:.0f} s "
          f"(idle at start: RSS {base_rss} KiB, {base_fds} fds)")
    print("     t(s)   RSS(KiB)  fds")
    step = max(1, len(samples) // 12)
    for t, rss, fds in samples[::step] + samples[-1:]:
        print(f"  {t:7.1f} {rss:10d} {fds:4d}")
    print(f"  first {n} rounds: RSS median {rss0:.0f} KiB, fds max {fds0}; "
          f"last {n}: RSS median {rss1:.0f} KiB, fds max {fds1}; exit {rc}")
    print(f"  {'PASS' if ok else 'FAIL'} {label}")
    return ok


def main():
    results = [soak("tcpchatd", [], False),
               soak("tcpchatd", ["--threads"], False),
               soak("udpchatd", [], True)]
    print("\nsoak:", "PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
