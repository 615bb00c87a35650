#!/usr/bin/env python3
# labs/lab7/samples.py — the numbers lab 7's questions use, read from the
# kernel's samples in chatcap --tcp-info --json output (the sender: the
# client's socket, "to_server").
#
#   samples.py slowstart FILE.jsonl   "SECONDS RTT_SECONDS": how long cwnd
#                                     took to double from its first value,
#                                     from the first data segment sent to
#                                     the first sample (of either source)
#                                     showing twice the value, and the
#                                     kernel's smoothed RTT in that sample
#   samples.py doublings FILE.jsonl   the seconds each doubling of cwnd in
#                                     slow start took (10 -> 20, 20 -> 40,
#                                     ...) before the first loss, one a line
#   samples.py firstloss FILE.jsonl   "CWND SSTHRESH": cwnd when the first
#                                     loss was detected (the last sample
#                                     before tcp_cong_state_set: recovery
#                                     or loss)
#                                     and the ssthresh the kernel set
#   samples.py plotted FILE.jsonl     how many cwnd points the graph draws
#   samples.py rtochain FILE.txt      the text view's successive RTO
#                                     expiries (the longest run: those at
#                                     cwnd 1 after one), one a line:
#                                     the RTO (ms) it fired with and cwnd
#                                     after it; then "RTO -", the last
#                                     one's new RTO, when known
#
# The sender is the connection with most samples: a refused first attempt
# (IPv6, say) has one or two, and is not the transfer.
import collections
import json
import re
import subprocess
import sys


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def sender(rows):
    ks = [r for r in rows if r.get("type") == "tcp_info"
          and r["dir"] == "to_server"]
    conv = collections.Counter(k["conv"] for k in ks).most_common(1)[0][0]
    return sorted((k for k in ks if k["conv"] == conv),
                  key=lambda k: k["abs_us"])


def first_data(rows, conv):
    return min(r["time"] for r in rows if r.get("type") == "packet"
               and r.get("conv") == conv and r["dir"] == "to_server"
               and r["len"] > 0)


def first_loss_index(ks):
    """The first congestion event: fast recovery or an RTO (on a loaded
    machine a late ACK can make the first one an RTO; ssthresh is set by
    the same function either way)."""
    return next((i for i, k in enumerate(ks) if k["event"] == "cong_state"
                 and k["ca_state"] in ("recovery", "loss")), len(ks))


def slowstart(rows, ks):
    ks = [k for k in ks[:first_loss_index(ks)] if k["event"] == "state"]
    t0 = first_data(rows, ks[0]["conv"])
    k = next(k for k in ks if k["cwnd"] >= 2 * ks[0]["cwnd"])
    print(f"{k['time'] - t0:.6f} {k['srtt_us'] / 1e6:.6f}")


def doublings(ks):
    ks = [k for k in ks[:first_loss_index(ks)] if k["event"] == "state"]
    target, last = 2 * ks[0]["cwnd"], ks[0]["time"]
    for k in ks:
        if k["cwnd"] >= target:
            print(f"{k['time'] - last:.6f}")
            target, last = 2 * target, k["time"]


def ms(value, unit):
    return float(value) * (1000 if unit == "s" else 1)


def rtochain(path):
    """The longest run of expiries ("cwnd N: cwnd M, ... rto A → B"): one
    at some cwnd, then those that fired at cwnd 1 after it (the cut's).
    A line "A M" each, then "B -" for the last B when known and cwnd was
    left at 1 (an undo recomputes the RTO)."""
    runs = []
    num = r"([\d.]+) (m?s)"
    for line in open(path, encoding="utf-8"):
        m = re.search(r"cwnd (\d+): cwnd (\d+), .*rto " + num + r" \S+ (?:" +
                      num + r"|\?)", line)
        if not m:
            continue
        if not runs or m.group(1) != "1":
            runs.append([])
        after = ms(*m.group(5, 6)) if m.group(5) else None
        runs[-1].append((ms(*m.group(3, 4)), m.group(2), after))
    run = max(runs, key=len) if runs else []
    for rto, cwnd, _ in run:
        print(f"{rto:.3f} {cwnd}")
    if run and run[-1][2] is not None and run[-1][1] == "1":
        print(f"{run[-1][2]:.3f} -")


def firstloss(ks):
    """The first congestion event whose ssthresh a poll saw set (a
    spurious RTO undone at once can leave it unset: the next event)."""
    start = 0
    while True:
        i = start + first_loss_index(ks[start:])
        before = [k for k in ks[:i] if k["event"] == "state"]
        after = next(k for k in ks[i:] if k["source"] == "poll"
                     and k["ca_state"] in ("recovery", "loss", "open",
                                           "disorder"))
        if after["ssthresh"] is not None:
            break
        start = i + 1
    print(before[-1]["cwnd"], after["ssthresh"])


def plotted(path):
    dat = subprocess.run([sys.executable, "labs/plots/json2dat.py", "tseq",
                          path], capture_output=True, text=True,
                         check=True).stdout
    block = dat.split("\n\n\n")[2]
    print(sum(1 for l in block.splitlines() if l and l[0] != "#"))


def main():
    what, path = sys.argv[1], sys.argv[2]
    if what == "rtochain":
        rtochain(path)
        return
    rows = load(path)
    if what == "plotted":
        plotted(path)
    elif what == "slowstart":
        slowstart(rows, sender(rows))
    elif what == "doublings":
        doublings(sender(rows))
    else:
        firstloss(sender(rows))


main()
