#!/usr/bin/env python3
"""scripts/bench_budget.py — tcpchatd's output model under blasts, in both
models, with chatbench as the load (docs/performance.md quotes its output):

  repeat   W1 at --rate-limit 0 (50 clients, 10 senders x 10,000, 64 B and
           100 B), RUNS runs in a row against one server: lost, garbled,
           readers dropped, server CPU per delivery
  stuck    W6: the same plus one client that never reads, 40,000 x 100 B so
           that the run lasts longer than --soft-queue-time 1: the stuck
           one is dropped, the others get everything; peak RSS (VmHWM)
  budget   W1 over the budget: --max-memory 8M, 16,000 x 64 B (about 11 MB
           for each reader, all reading): nothing lost, nobody dropped,
           peak RSS against 8 + 32 MiB
  cpu      server CPU per delivery, W1 10,000 x 64 B, a fresh server each
           run, alternating bin/relay_limit, the event loop and --threads,
           RUNS rounds; the median of each and its ratio to the relay

  paced    a paced room (20 clients, 5 senders at 100 msg/s) with and
           without one client that never reads, alternating, RUNS rounds:
           the readers' median p99 each way

Usage: scripts/bench_budget.py [repeat|stuck|budget|cpu|paced]...
[--runs N] (default: all five, N = 5 for repeat, 3 for cpu and paced).
Ports from 47150 up.
Environment: REDCHAT_BIN (default bin/)."""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("REDCHAT_BIN") or os.path.join(ROOT, "bin")
MODELS = {"loop": [], "threads": ["--threads"]}
W1 = ["--clients", "50", "--senders", "10"]
PORT = [47150]


def hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def start(args):
    """A server on the next port; returns (process, port)."""
    PORT[0] += 1
    port = PORT[0]
    cmd = ([os.path.join(BIN, "relay_limit"), str(port)] if args is None else
           [os.path.join(BIN, "tcpchatd"), "-q", "-p", str(port), *args])
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while b"listening" not in p.stdout.readline():      # the ready line
        if time.monotonic() > deadline or p.poll() is not None:
            raise SystemExit(f"{cmd[0]} did not start")
    threading.Thread(target=p.stdout.read, daemon=True).start()  # drain
    return p, port


def stop(p):
    p.terminate()
    p.wait(10)


def bench(port, pid, *args):
    out = subprocess.run([os.path.join(BIN, "chatbench"), "-p", str(port),
                          "--server-pid", str(pid), "--json", "--timeout",
                          "180", *W1, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def line(name, r, pid=None):
    ns = r["server_cpu_s"] * 1e9 / max(1, r["delivered"])
    extra = f" peak RSS {hwm_kib(pid) / 1024:.1f} MiB" if pid else ""
    print(f"  {name:<22} delivered {r['delivered']:>9} of {r['expected']:>9}"
          f"  lost {r['lost']}  garbled {r['garbled']}  readers dropped "
          f"{r['closed']}  stuck dropped {r['stall_dropped']}  "
          f"{ns:5.1f} ns/delivery  {r['deliveries_per_s'] / 1e6:5.2f} M/s"
          f"{extra}", flush=True)
    return ns


def repeat(runs):
    print(f"repeat: W1 x 10,000, {runs} runs in a row against one server")
    for model, opt in MODELS.items():
        for size in ("64", "100"):
            p, port = start(["--rate-limit", "0", *opt])
            for i in range(runs):
                line(f"{model} {size} B run {i + 1}",
                     bench(port, p.pid, "--messages", "10000", "--size",
                           size))
            stop(p)


def once_each(title, server_opts, bench_opts):
    """One run per model against a fresh server, with its peak RSS."""
    print(title)
    for model, opt in MODELS.items():
        p, port = start(["--rate-limit", "0", *server_opts, *opt])
        line(model, bench(port, p.pid, *bench_opts), p.pid)
        stop(p)


def stuck(runs):
    once_each("stuck: W6, 40,000 x 100 B, one never reads, "
              "--soft-queue-time 1", ["--soft-queue-time", "1"],
              ["--messages", "40000", "--size", "100", "--stall", "1"])


def budget(runs):
    once_each("budget: --max-memory 8M, W1 x 16,000 x 64 B (11 MB per "
              "reader)", ["--max-memory", "8M"],
              ["--messages", "16000", "--size", "64"])


def cpu(runs):
    print(f"cpu: W1 x 10,000 x 64 B, fresh servers, {runs} alternating rounds")
    servers = {"relay_limit": None, "loop": ["--rate-limit", "0"],
               "threads": ["--rate-limit", "0", "--threads"]}
    ns = {k: [] for k in servers}
    for i in range(runs):
        for name, args in servers.items():
            p, port = start(args)
            ns[name].append(line(f"{name} round {i + 1}",
                                 bench(port, p.pid, "--messages", "10000",
                                       "--size", "64")))
            stop(p)
    base = statistics.median(ns["relay_limit"])
    for name, v in ns.items():
        m = statistics.median(v)
        print(f"  median {name:<12} {m:5.1f} ns/delivery  {m / base:4.2f}x")


def paced(runs):
    print(f"paced: 20 clients, 5 senders at 100 msg/s x 500, with and "
          f"without one never-reader, {runs} alternating runs")
    for model, opt in MODELS.items():
        p99 = {"without": [], "with": []}
        for i in range(runs):
            for case, extra in (("without", []), ("with", ["--stall", "1"])):
                p, port = start(["--rate-limit", "0", *opt])
                r = subprocess.run(
                    [os.path.join(BIN, "chatbench"), "-p", str(port),
                     "--json", "--clients", "20", "--senders", "5",
                     "--messages", "500", "--rate", "100", *extra],
                    capture_output=True, text=True)
                stop(p)
                r = json.loads(r.stdout)
                p99[case].append(r["latency_us"]["p99"])
                print(f"  {model:<8} {case:<8} run {i + 1}: lost {r['lost']}"
                      f"  p99 {r['latency_us']['p99']} us", flush=True)
        a, b = statistics.median(p99["without"]), statistics.median(p99["with"])
        print(f"  median p99 {model}: without {a} us, with {b} us "
              f"({b / a:.2f}x; goal <= 1.2x + 1 ms)")


def main(argv):
    runs = None
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i:i + 2]
    todo = argv or ["repeat", "stuck", "budget", "cpu", "paced"]
    for what in todo:
        n = runs or (3 if what in ("cpu", "paced") else 5)
        {"repeat": repeat, "stuck": stuck, "budget": budget,
         "cpu": cpu, "paced": paced}[what](n)


if __name__ == "__main__":
    main(sys.argv[1:])
