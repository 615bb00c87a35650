"""Print `make bench`'s second-referee row (R1) from tools/referee's JSON
lines and save them as one JSON document.

    bench_referee.py RESULTS.jsonl OUT.json

Each input line is {"server": "limit", "round": 1, "result": {...}} with
`referee --json`'s object as result. For each server the run with the
median CPU per delivery is shown (its readers dropped: connections the
server closed), and its ratio to the relay's."""
import json
import sys

NAMES = [("limit", "limit: relay_limit"), ("tcpchatd", "tcpchatd"),
         ("threads", "tcpchatd --threads")]


def median_run(runs):
    runs = sorted(runs, key=lambda r: r["ns_per_delivery"])
    return runs[len(runs) // 2] if runs else None


def main(src, dst):
    by = {}
    with open(src) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                by.setdefault(row["server"], []).append(row["result"])
    med = {s: median_run(runs) for s, runs in by.items()}
    limit = med.get("limit")
    print()
    print("R1 second referee (tools/referee: one thread, its own framing and "
          "counting):")
    any_run = next(iter(med.values()), None) or {}
    print("   W1's load, %d clients, %d senders x {:,} x %d B; median of "
          "%d alternating runs".format(any_run.get("messages", 0)) % (
              any_run.get("clients", 0), any_run.get("senders", 0),
              any_run.get("size", 0),
              max((len(v) for v in by.values()), default=0)))
    print("  %-20s %12s %8s %8s %8s %12s %8s" % (
        "", "delivered", "late", "lost", "dropped", "ns/delivery", "/limit"))
    for key, name in NAMES:
        r = med.get(key)
        if r is None:
            continue
        ns = r["ns_per_delivery"]
        ratio = ("-" if limit is None or limit["ns_per_delivery"] <= 0
                 or ns < 0 else "%.2fx" % (ns / limit["ns_per_delivery"]))
        print("  %-20s %12s %8d %8d %8d %12.1f %8s" % (
            name, "{:,}".format(r["delivered"]), r["late"], r["lost"],
            r["closed"], ns, ratio))
    with open(dst, "w") as f:
        json.dump({"median": med, "runs": by}, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
