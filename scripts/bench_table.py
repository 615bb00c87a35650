"""Print `make bench`'s table from chatbench's JSON lines and save it all
as one JSON document.

    bench_table.py RESULTS.jsonl OUT.json

Each input line is {"workload": "W1", "server": "tcpchatd", "result": {...}}
with chatbench --json's object as result. Ratios compare each redchat
server with the seed 003 Python server of the same transport."""
import datetime
import json
import os
import platform
import sys

TCP = ["tcpchatd", "threads", "seed-tcp"]
# The CPU table: the measuring stick (tools/relay_limit.c) first.
CPU = [("limit", "limit: relay_limit"), ("baseline", "baseline tcpchatd"),
       ("tcpchatd", "tcpchatd"), ("threads", "tcpchatd --threads"),
       ("seed-tcp", "seed003.py")]
UDP = ["udpchatd", "seed-udp"]


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "load": os.getloadavg()[0],
            "date": datetime.datetime.now(datetime.timezone.utc)
                    .strftime("%Y-%m-%d %H:%M UTC")}


def num(v, digits=0):
    if v is None:
        return "-"
    if digits:
        return f"{v:,.{digits}f}"
    return f"{v:,.0f}"


def ratio(a, b, invert=False):
    """a relative to b ("3.2x"); invert when less is better."""
    if a is None or b is None:
        return "-"
    if invert:
        a, b = b, a
    if b == 0:
        return "inf" if a > 0 else "-"
    return f"{a / b:.1f}x"


def get(runs, w, s):
    d = runs.get((w, s))
    return d and d["result"]


def rate(r):
    return r and r["deliveries_per_s"]


def missing(r):
    """Expected deliveries that did not come: lost, or over TCP still on
    their way over an open connection when the run ended (late)."""
    return r and r["lost"] + r.get("late", 0)


def errors(r):
    if not r:
        return "-"
    return f'{missing(r)}/{r["duplicated"]}/{r["garbled"]}'


def per_client(r):
    return r and r.get("rss_per_client_bytes")


def loss_pct(r):
    if not r or not r["expected"]:
        return None
    return 100.0 * r["lost"] / r["expected"]


def lat(r, p):
    return r and r["latency_us"][p]


def rows_tcp(runs):
    g = lambda w, s: get(runs, w, s)
    rows = []
    for w, label in (("W1", "W1 throughput, deliveries/s"),
                     ("W2", "W2 fan-out 200, deliveries/s")):
        vals = [rate(g(w, s)) for s in TCP]
        rows.append((label, [num(v) for v in vals],
                     [ratio(vals[0], vals[2]), ratio(vals[1], vals[2])]))
        rows.append(("   missing/dup/garbled", [errors(g(w, s)) for s in TCP],
                     ["", ""]))
        rows.append(("   chatbench CPU / server CPU (s)",
                     [f'{g(w, s)["cpu_s"]:.2f} / {g(w, s)["server_cpu_s"]:.2f}'
                      if g(w, s) else "-" for s in TCP], ["", ""]))
    for p, label in (("p50", "W3 latency p50 (us)"),
                     ("p99", "W3 latency p99 (us)"),
                     ("max", "W3 latency max (us)")):
        vals = [lat(g("W3", s), p) for s in TCP]
        rows.append((label, [num(v) for v in vals],
                     [ratio(vals[0], vals[2], True),
                      ratio(vals[1], vals[2], True)]))
    rows.append(("   missing/dup/garbled", [errors(g("W3", s)) for s in TCP],
                 ["", ""]))
    vals = [per_client(g("W4", s)) for s in TCP]
    rows.append(("W4 RSS per idle client (bytes)", [num(v) for v in vals],
                 [ratio(vals[0], vals[2], True),
                  ratio(vals[1], vals[2], True)]))
    rows.append(("   clients connected / threads",
                 [f'{g("W4", s)["connected"]} / {g("W4", s)["server_threads"]}'
                  if g("W4", s) else "-" for s in TCP], ["", ""]))
    for w, label in (("W6", "W6 one stuck reader: others got"),
                     ("W6h", "W6h same, 10 MB each: others got"),
                     ("W6b", "W6b W6h, --max-memory 8M: others got")):
        rows.append((label,
                     [f'{100.0 * g(w, s)["delivered"] / g(w, s)["expected"]:.1f} %'
                      if g(w, s) and g(w, s)["expected"] else "-"
                      for s in TCP], ["", ""]))
        rows.append(("   missing/dup/garbled", [errors(g(w, s)) for s in TCP],
                     ["", ""]))
        rows.append(("   stuck client dropped",
                     [("yes" if g(w, s)["stall_dropped"] else "no")
                      if g(w, s) else "-" for s in TCP], ["", ""]))
        rows.append(("   last delivery after (s)",
                     [num(g(w, s) and g(w, s)["duration_s"], 2)
                      for s in TCP], ["", ""]))
        rows.append(("   server RSS (KiB)",
                     [num(g(w, s) and g(w, s)["server_rss_kib"])
                      for s in TCP], ["", ""]))
    for p in ("p50", "p99", "max"):
        vals = [lat(g("W6r", s), p) for s in TCP]
        rows.append((f"W6r paced, one stuck: {p} (us)", [num(v) for v in vals],
                     [ratio(vals[0], vals[2], True),
                      ratio(vals[1], vals[2], True)]))
    rows.append(("   missing/dup/garbled", [errors(g("W6r", s)) for s in TCP],
                 ["", ""]))
    rows.append(("W7 attack mix: honest missing",
                 [num(missing(g("W7", s))) for s in TCP],
                 ["", ""]))
    for p in ("p50", "p99", "max"):
        vals = [lat(g("W7", s), p) for s in TCP]
        rows.append((f"   honest latency {p} (us)", [num(v) for v in vals],
                     [ratio(vals[0], vals[2], True),
                      ratio(vals[1], vals[2], True)]))
    rows.append(("   server RSS, largest (KiB)",
                 [num(g("W7", s) and g("W7", s).get("rss_max_kib"))
                  for s in TCP], ["", ""]))
    return rows


def ns_per_delivery(d):
    """Server CPU per delivered message (ns), the median over the repeats
    (the run with the median deliveries/s need not have the median CPU)."""
    if not d:
        return None
    vals = sorted(1e9 * r["server_cpu_s"] / r["delivered"]
                  for r in d.get("repeats", [d["result"]])
                  if r.get("server_cpu_s", -1) >= 0 and r.get("delivered"))
    return vals[len(vals) // 2] if vals else None


def rows_cpu(runs):
    rows = []
    limit = {w: ns_per_delivery(runs.get((w, "limit"))) for w in ("W1", "W2")}
    for server, label in CPU:
        if not any((w, server) in runs for w in ("W1", "W2")):
            continue
        cells = []
        for w in ("W1", "W2"):
            ns = ns_per_delivery(runs.get((w, server)))
            cells += [num(rate(get(runs, w, server))), num(ns, 1),
                      "-" if ns is None or not limit[w]
                      else f"{ns / limit[w]:.2f}x"]
        rows.append((label, cells, []))
    return rows


def rows_udp(runs):
    g = lambda w, s: get(runs, w, s)
    rows = []
    for w, label in (("W5r", "W5 1000 msg/s: lost %"),
                     ("W5b", "W5 blast: lost %")):
        vals = [loss_pct(g(w, s)) for s in UDP]
        rows.append((label, [num(v, 2) for v in vals], [""]))
        rows.append(("   deliveries/s", [num(rate(g(w, s))) for s in UDP],
                     [ratio(rate(g(w, UDP[0])), rate(g(w, UDP[1])))]))
        rows.append(("   dup/reordered/garbled",
                     [f'{g(w, s)["duplicated"]}/{g(w, s)["reordered"]}/'
                      f'{g(w, s)["garbled"]}' if g(w, s) else "-"
                      for s in UDP], [""]))
    vals = [lat(g("W5r", s), "p99") for s in UDP]
    rows.append(("W5 1000 msg/s: p99 (us)", [num(v) for v in vals],
                 [ratio(vals[0], vals[1], True)]))
    return rows


def table(title, heads, rows):
    width = 34
    cols = [max(18, len(h) + 2) for h in heads]
    out = [title, " " * width + "".join(h.rjust(c) for h, c in zip(heads, cols))]
    for label, vals, ratios in rows:
        cells = list(vals) + list(ratios)
        out.append(label.ljust(width) +
                   "".join(str(v).rjust(c) for v, c in zip(cells, cols)))
    return "\n".join(out)


def main():
    runs = {}
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                runs[(d["workload"], d["server"])] = d
    m = machine()
    print()
    print(f'redchat bench, {m["date"]}: {m["cpu"]}, {m["cpus"]} CPUs, '
          f'Linux {m["kernel"]}, load {m["load"]:.2f} at the end')
    print()
    print(table("Server CPU per delivery (ns: median of 3 runs) against the "
                "limit, a minimal line relay (lower is better)",
                ["W1 deliv/s", "W1 ns", "W1 /limit", "W2 deliv/s", "W2 ns",
                 "W2 /limit"], rows_cpu(runs)))
    print()
    if any(w == "W3" for w, _ in runs):     # not with BENCH_CPU_ONLY=1
        print(table("TCP (ratios: redchat / seed 003, higher is better; "
                    "W1, W2: median of 3 runs)",
                    ["tcpchatd", "--threads", "seed003.py", "loop/seed",
                     "thr/seed"], rows_tcp(runs)))
        print()
        print(table("UDP", ["udpchatd", "seed003.py", "ratio"],
                    rows_udp(runs)))
        print()
    doc = {"machine": m, "runs": list(runs.values())}
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
    print(f"written: {sys.argv[2]}")


main()
