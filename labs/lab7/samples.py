#!/usr/bin/env python3
# labs/lab7/samples.py — the numbers lab 7's questions use, read from the
# kernel's samples in chatcap --tcp-info --json output (the sender: the
# client's socket, "to_server").
#
#   samples.py slowstart FILE.jsonl   "SECONDS RTT_SECONDS": how long cwnd
#                                     took to double from its first value
#                                     (before any loss), and the kernel's
#                                     RTT then: its largest smoothed RTT
#                                     until 0.2 s later (at 2 Mbit/s the
#                                     first window already queues, and the
#                                     smoothed RTT follows a growing queue
#                                     late)
#   samples.py firstloss FILE.jsonl   "CWND SSTHRESH": cwnd when the first
#                                     loss was detected (the last sample
#                                     before tcp_cong_state_set: recovery)
#                                     and the ssthresh the kernel set
#   samples.py plotted FILE.jsonl     how many cwnd points the graph draws
import json
import subprocess
import sys


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def sender(rows):
    return sorted((r for r in rows if r.get("type") == "tcp_info"
                   and r["dir"] == "to_server"), key=lambda r: r["abs_us"])


def first_loss_index(ks):
    return next((i for i, k in enumerate(ks) if k["event"] == "cong_state"
                 and k["ca_state"] == "recovery"), len(ks))


def slowstart(ks):
    polled = [k for k in ks[:first_loss_index(ks)] if k["source"] == "poll"]
    c0, t0 = polled[0]["cwnd"], polled[0]["time"]
    k = next(k for k in polled if k["cwnd"] >= 2 * c0)
    rtt = max(p["srtt_us"] for p in polled
              if t0 <= p["time"] <= k["time"] + 0.2)
    print(f"{k['time'] - t0:.6f} {rtt / 1e6:.6f}")


def firstloss(ks):
    i = first_loss_index(ks)
    before = [k for k in ks[:i] if k["event"] == "state"]
    after = next(k for k in ks[i:] if k["source"] == "poll"
                 and k["ca_state"] in ("recovery", "open", "disorder"))
    print(before[-1]["cwnd"], after["ssthresh"])


def plotted(path):
    dat = subprocess.run([sys.executable, "labs/plots/json2dat.py", "tseq",
                          path], capture_output=True, text=True,
                         check=True).stdout
    block = dat.split("\n\n\n")[2]
    print(sum(1 for l in block.splitlines() if l and l[0] != "#"))


def main():
    what, path = sys.argv[1], sys.argv[2]
    rows = load(path)
    if what == "plotted":
        plotted(path)
    elif what == "slowstart":
        slowstart(sender(rows))
    else:
        firstloss(sender(rows))


main()
