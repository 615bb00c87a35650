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
#                                    window), in bytes
#   json2dat.py overhead FILE.jsonl  protocol, payload bytes, header bytes
import json
import sys


def tseq(packets):
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


def main():
    mode, path = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    packets = [r for r in rows if r.get("type") == "packet" and "proto" in r]
    summary = rows[-1] if rows and rows[-1].get("type") == "summary" else {}
    if mode == "tseq":
        tseq(packets)
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
