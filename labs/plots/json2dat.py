#!/usr/bin/env python3
# labs/plots/json2dat.py — chatcap --json (JSON Lines) to gnuplot columns.
#
#   json2dat.py tseq FILE.jsonl      time, seq end, ack, retransmitted? (the
#                                    TCP connection with most retransmitted
#                                    client data, else whose client sent most: client to server data
#                                    and server to client ACKs, in bytes)
#   json2dat.py overhead FILE.jsonl  protocol, payload bytes, header bytes
import json
import sys


def main():
    mode, path = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    packets = [r for r in rows if r.get("type") == "packet" and "proto" in r]
    summary = rows[-1] if rows and rows[-1].get("type") == "summary" else {}
    if mode == "tseq":
        sent, again = {}, {}
        for p in packets:
            if p["proto"] == "tcp" and p["dir"] == "to_server":
                sent[p["conv"]] = sent.get(p["conv"], 0) + p["len"]
                if p["len"] > 0 and p["retransmission"]:
                    again[p["conv"]] = again.get(p["conv"], 0) + 1
        # the connection with most retransmitted client data, else the
        # one whose client sent most
        conv = max(sent, key=lambda c: (again.get(c, 0), sent[c], -c)) \
            if sent else None
        print("# time seq_end ack retransmission")
        for p in packets:
            if p["proto"] != "tcp" or p["conv"] != conv:
                continue
            if p["dir"] == "to_server" and p["len"] > 0:
                print(p["time"], p["seq"] + p["len"], "NaN", int(p["retransmission"]))
            elif p["dir"] == "to_client" and p["ack"] is not None:
                print(p["time"], "NaN", p["ack"], 0)
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
