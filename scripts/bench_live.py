#!/usr/bin/python3
"""scripts/bench_live.py [--bin DIR] [--out FILE] [--seconds S]
[--buffer KIB] [--only L1,...]: the live-capture rows of `make bench`.

chatcap captures the loopback interface live while chatbench loads a chat
server, with a tcpdump beside it reading the same packets:

  L1  UDP chat at 100,000 packets/s: udpchatd, 2 clients, one sending
      50,000 messages of 64 bytes a second (each message is one datagram
      to the server and one to the other client)
  L2  L1 with --tcp-info (no TCP to sample: the sampler's own cost)
  L3  TCP chat: tcpchatd (event loop), 10 clients each sending 3,000
      messages a second (its packet rate is not the load's: see below)
  L4  L3 with --tcp-info (the kernel-state sampling's cost: drops and CPU)

Why UDP for the 100,000 packets/s row: on lo a TCP sender's messages of
one millisecond (chatbench paces by the millisecond) leave as one segment,
so TCP chat gets more packets only from more connections, and in one room
every connection multiplies the deliveries: on this 2-core machine 10
clients sending 3,000 messages/s each (270,000 deliveries/s) gave from
19,000 to 127,000 packets/s in runs minutes apart, as the others' load
on the machine changed how much coalesced. UDP chat carries one datagram
per message and receiver, whatever the pacing and the load. The
rate printed is the one reached (tcpdump's count over chatbench's chat
time), never the one asked for.

chatcap runs as a user who watches a load live runs it: --summary (one
summary at Ctrl-C; decoding and analysis still run on every packet), in
its JSON form (--json --summary) so that "packets" and "kernel_dropped"
are read by name. Both tools get the same kernel buffer (chatcap's
default, 64 MiB; --buffer) and the same filter ("udp port P" or "tcp
port P"), so a row compares how fast each reads. On lo tcpdump's kernel
counters see every packet twice (leaving and arriving; chatcap asks for
the arriving copy only), so its "captured" is the figure to compare.

CPU: user + system time of chatcap (and of tcpdump) while chatbench runs,
in % of one core (/proc/PID/stat), and chatcap's per packet seen (us/pkt:
the rows' packet rates differ). Prints one row per configuration and
whether L1 met its target (no drop by chatcap, 95,000 packets/s reached
at least), and writes them to --out (default $BENCH_OUT/live.json,
BENCH_OUT defaulting to bench-results). Everything it starts is stopped,
and its temporary directory removed, on any exit, Ctrl-C included.
Needs root and tcpdump (without them it says so and prints no row).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HZ = os.sysconf("SC_CLK_TCK")
SIZE = 64                    # bytes per message (W1's)


class Runner:
    """The processes of one run, every one stopped by stop_all()."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []
        self.started = 0

    def start(self, name, cmd):
        # New files each time, appended to: the child writes at the end
        # whatever our reads seek.
        self.started += 1
        base = os.path.join(self.tmp, "%d-%s" % (self.started, name))
        log = open(base + ".err", "a+b")
        out = open(base + ".out", "a+b")
        # A session of its own: a Ctrl-C reaches the script, which stops
        # them in order, not every process at once.
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=log, start_new_session=True)
        p.log, p.out, p.name = log, out, name
        self.procs.append(p)
        return p

    def wait_text(self, p, pattern, timeout=20):
        """Wait until p's stderr (or stdout) matches pattern; the match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for f in (p.log, p.out):
                f.seek(0)
                m = re.search(pattern, f.read().decode(errors="replace"))
                if m:
                    return m
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("%s did not start: %s" % (p.name, text(p.log)))

    def interrupt(self, p, timeout=60):
        """SIGINT (both tools then print their counts), SIGKILL if stuck."""
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        return text(p.out), text(p.log)

    def stop_all(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.kill()
            p.wait()
            p.log.close()
            p.out.close()
        self.procs = []


def text(f):
    f.seek(0)
    return f.read().decode(errors="replace")


def cpu_ticks(pid):
    """utime + stime of pid, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def tcpdump_counts(err):
    """tcpdump's exit lines: {"captured": N, "dropped by kernel": N, ...}."""
    words = {}
    for line in err.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and parts[1] == "packets":
            words[" ".join(parts[2:])] = int(parts[0])
    return words


def start_tools(r, args, udp, extra):
    """The server, tcpdump and chatcap, each ready; the server's port."""
    srv = r.start("server", [os.path.join(args.bin, "udpchatd" if udp
                                          else "tcpchatd"), "-q",
                             "-p", "0", "--rate-limit", "0",
                             "--max-clients", "1000"])
    port = r.wait_text(srv, r"(?:listening on|escuchando en) \S*?(\d+)"
                            r"(?:\s|$)").group(1)
    proto = "udp" if udp else "tcp"
    dump = r.start("tcpdump", ["tcpdump", "-i", "lo", "-n", "-B",
                               str(args.buffer), "-w", "/dev/null",
                               proto + " port " + port])
    r.wait_text(dump, "listening on")
    cap = r.start("chatcap", [os.path.join(args.bin, "chatcap"), "-i", "lo",
                              "--" + proto + "-port", port, "--json",
                              "--summary", "--lang", "en"] + extra +
                  [proto, "port", port])
    r.wait_text(cap, "capturing on")
    return srv, dump, cap, port


def run_once(r, args, udp, clients, senders, msg_rate, extra):
    """One configuration: the row's figures."""
    srv, dump, cap, port = start_tools(r, args, udp, extra)
    time.sleep(0.5)
    c0, d0, t0 = cpu_ticks(cap.pid), cpu_ticks(dump.pid), time.monotonic()
    bench = subprocess.run(
        [os.path.join(args.bin, "chatbench"), "-p", port, "--json"] +
        (["--udp"] if udp else []) +
        ["--clients", str(clients), "--senders", str(senders),
         "--messages", str(int(msg_rate * args.seconds)),
         "--size", str(SIZE), "--rate", "%.0f" % msg_rate,
         "--timeout", str(int(args.seconds * 4 + 30))],
        capture_output=True, check=False, stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    c1, d1 = cpu_ticks(cap.pid), cpu_ticks(dump.pid)
    if bench.returncode != 0 or not bench.stdout.strip():
        raise RuntimeError("chatbench failed: %s(the server %s: %s)" % (
            bench.stderr.decode(), "running" if srv.poll() is None else
            "exited with %s" % srv.returncode, text(srv.log).strip()))
    load = json.loads(bench.stdout)
    time.sleep(1.5)        # both hand over the kernel's last block
    out, err = r.interrupt(cap)
    if cap.returncode != 0:
        raise RuntimeError("chatcap failed: " + err)
    summary = json.loads(out.strip().splitlines()[-1])
    _, derr = r.interrupt(dump)
    counts = tcpdump_counts(derr)
    r.interrupt(srv, timeout=10)
    r.stop_all()
    seconds = load["duration_s"]
    return {
        "transport": "udp" if udp else "tcp", "clients": clients,
        "senders": senders, "message_rate_per_sender": msg_rate,
        "chatcap_options": extra,
        "seconds": args.seconds, "chat_s": seconds,
        "packets_per_s": counts["captured"] / seconds,
        "chatcap_seen": summary["packets"],
        "chatcap_dropped": summary["kernel_dropped"],  # null: unknown
        "tcpdump_captured": counts["captured"],
        "tcpdump_dropped": counts["dropped by kernel"],
        "chatcap_cpu_pct": 100.0 * (c1 - c0) / HZ / wall,
        "chatcap_us_per_packet": 1e6 * (c1 - c0) / HZ /
                                 max(summary["packets"], 1),
        "tcpdump_cpu_pct": 100.0 * (d1 - d0) / HZ / wall,
        "delivered": load["delivered"], "lost": load["lost"],
    }


# id, what, UDP?, clients, senders, messages a second each, chatcap options
ROWS = [("L1", "UDP", True, 2, 1, 50000, []),
        ("L2", "UDP --tcp-info", True, 2, 1, 50000, ["--tcp-info"]),
        ("L3", "TCP", False, 10, 10, 3000, []),
        ("L4", "TCP --tcp-info", False, 10, 10, 3000, ["--tcp-info"])]


TARGET_WORDS = {
    "met": "met",
    "dropped": "NOT met, chatcap dropped %(chatcap_dropped)d !",
    "unknown": "unknown: chatcap could not read the kernel's drop count",
    "rate": "not reached: the load made %(packets_per_s).0f packets/s (the "
            "server or chatbench fell behind on this machine), chatcap "
            "dropped none"}


def target(row):
    """L1's verdict: "met", "dropped", "unknown" or "rate" (not reached)."""
    if row["chatcap_dropped"] is None:
        return "unknown"
    if row["chatcap_dropped"]:
        return "dropped"
    return "met" if row["packets_per_s"] >= 95000 else "rate"


def print_rows(rows):
    print()
    print("chatcap -i lo live under chatbench, tcpdump beside it (%d s a row)"
          % rows[0]["seconds"])
    print("  %-19s %9s %17s %18s %15s %8s" % (
        "", "packets/s", "chatcap", "tcpdump", "CPU % of a core", "chatcap"))
    print("  %-19s %9s %9s %7s %10s %7s %7s %7s %8s" % (
        "", "reached", "seen", "dropped", "captured", "dropped",
        "chatcap", "tcpdump", "us/pkt"))
    for row in rows:
        print("  %-3s %-15s %9.0f %9d %7s %10d %7d %7.1f %7.1f %8.2f" % (
            row["workload"], row["command"], row["packets_per_s"],
            row["chatcap_seen"], row["chatcap_dropped"],
            row["tcpdump_captured"], row["tcpdump_dropped"],
            row["chatcap_cpu_pct"], row["tcpdump_cpu_pct"],
            row["chatcap_us_per_packet"]))
    for row in rows:
        if "target" in row:
            print("  %s target, no drop by chatcap at 100,000 packets/s "
                  "(95,000 at least): %s" % (row["workload"], TARGET_WORDS[
                      row["target"]] % row))
        if row["tcpdump_dropped"]:
            print("  %s: tcpdump dropped packets: the rate, from its count, "
                  "is short by as many" % row["workload"])
        if row["lost"]:
            print("  %s: %d of %d UDP messages lost in a socket buffer "
                  "after lo (captured: not a capture drop)"
                  % (row["workload"], row["lost"],
                     row["lost"] + row["delivered"]))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", default=os.environ.get(
        "REDCHAT_BIN", os.path.join(ROOT, "bin")))
    p.add_argument("--out", default=os.path.join(
        os.environ.get("BENCH_OUT", "bench-results"), "live.json"))
    p.add_argument("--only", help="only these rows (as L1,L3)")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--buffer", type=int, default=65536,
                   help="both tools' kernel buffer in KiB (chatcap -B)")
    return p.parse_args()


def on_signal(sig, frame):
    raise KeyboardInterrupt


def main():
    args = parse_args()
    if os.geteuid() != 0 or shutil.which("tcpdump") is None:
        print("bench: the live rows need root and tcpdump; no live rows",
              file=sys.stderr)
        return 0
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    rows = []
    with tempfile.TemporaryDirectory(prefix="redchat-live.") as tmp:
        r = Runner(tmp)
        try:
            for wid, name, udp, clients, senders, rate, extra in ROWS:
                if args.only and wid not in args.only.split(","):
                    continue
                row = run_once(r, args, udp, clients, senders, rate, extra)
                row.update(workload=wid, command=name)
                if wid == "L1":
                    row["target"] = target(row)
                rows.append(row)
        except KeyboardInterrupt:
            print("bench: interrupted", file=sys.stderr)
            return 130
        except RuntimeError as e:
            print("bench: %s" % e, file=sys.stderr)
            return 1
        finally:
            r.stop_all()
    if not rows:
        return 0
    print_rows(rows)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"size": SIZE, "seconds": args.seconds,
                   "buffer_kib": args.buffer, "rows": rows},
                  f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
