#!/usr/bin/env python3
# labs/plots/json2dat.py — chatcap --json (JSON Lines) to gnuplot columns.
#
#   json2dat.py tseq FILE.jsonl      one direction of one TCP connection:
#                                    the one that retransmitted most data
#                                    (either way), else the client that sent
#                                    most. A first comment line names it
#                                    ("# tseq conv N dir to_client"); block
#                                    0, its data (time, seq end,
#                                    retransmitted?); block 1, the other
#                                    side's ACKs (time, ack, ack + advertised
#                                    window), in bytes; with chatcap
#                                    --tcp-info samples of that sender:
#                                    block 2, cwnd x MSS and ssthresh x MSS
#                                    (time, bytes, bytes or NaN); block 3,
#                                    bytes in flight (tcp_probe); block 4,
#                                    the congestion events (time, cwnd x
#                                    MSS, state); a comment line
#                                    "# samples N"
#   json2dat.py overhead FILE.jsonl  protocol, payload bytes, header bytes
import json
import sys


def kernel_blocks(ks):
    """Blocks 2-4 of tseq: the sender's own state, from the kernel."""
    polled = [k for k in ks if k["source"] == "poll"]
    # the connection's MSS: the last sample's (the first can precede the
    # handshake, when the kernel still holds the default 524)
    mss = next((k["mss"] for k in reversed(polled) if k["mss"]), 0)
    print(f"\n\n# samples {len(polled) if mss else 0}")
    print("# time cwnd_bytes ssthresh_bytes")
    for k in polled if mss else []:
        ssth = k["ssthresh"] * mss if k["ssthresh"] is not None else "NaN"
        print(k["time"], k["cwnd"] * mss, ssth)
    print("\n\n# time inflight_bytes")
    for k in ks:
        if k["source"] == "tracepoint" and k["inflight_bytes"] is not None:
            print(k["time"], k["inflight_bytes"])
    print("\n\n# time cwnd_bytes state")
    cwnd = 0
    for k in sorted(ks, key=lambda k: k["time"]):
        if k["event"] == "state" and k["cwnd"] is not None:
            cwnd = k["cwnd"] * mss
        elif k["event"] == "cong_state" and \
                k["ca_state"] in ("cwr", "recovery", "loss"):
            print(k["time"], cwnd, k["ca_state"])


def tseq(packets, rows):
    """Print the time-sequence table of the direction that retransmits."""
    sent, again = {}, {}
    for p in packets:
        if p["proto"] != "tcp" or p["len"] == 0:
            continue
        key = (p["conv"], p["dir"])
        sent[key] = sent.get(key, 0) + p["len"]
        if p["retransmission"]:
            again[key] = again.get(key, 0) + 1
    # the most retransmitted data, else the client that sent most
    key = max(sent, key=lambda k: (again.get(k, 0), k[1] == "to_server",
                                   sent[k], -k[0])) if sent else (None, None)
    conv, way = key
    back = "to_client" if way == "to_server" else "to_server"
    conn = [p for p in packets if p["proto"] == "tcp" and p["conv"] == conv]
    # Two blocks (gnuplot's "index"): the data segments, then the other
    # side's acknowledgements with the window it advertises, so that each
    # line is drawn from its own points without gaps.
    print(f"# tseq conv {conv} dir {way}")
    print("# time seq_end retransmission")
    for p in conn:
        if p["dir"] == way and p["len"] > 0:
            print(p["time"], p["seq"] + p["len"], int(p["retransmission"]))
    print("\n\n# time ack window_edge")
    for p in conn:
        if p["dir"] == back and p["ack"] is not None:
            print(p["time"], p["ack"], p["ack"] + p["win"])
    kernel_blocks([r for r in rows if r.get("type") == "tcp_info"
                   and r["conv"] == conv and r["dir"] == way])


def main():
    mode, path = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    packets = [r for r in rows if r.get("type") == "packet" and "proto" in r]
    summary = rows[-1] if rows and rows[-1].get("type") == "summary" else {}
    if mode == "tseq":
        tseq(packets, rows)
    elif mode == "overhead":
        print("# protocol payload headers packets")
        for proto in ("TCP", "UDP"):
            s = summary.get(proto.lower(), {})
            ip, pay = s.get("ip_bytes", 0), s.get("payload_bytes", 0)
            n = s.get("segments", s.get("datagrams", 0))
            print(proto, pay, ip - pay, n)
    else:
        sys.exit("usage: json2dat.py tseq|overhead FILE.jsonl")


main()
