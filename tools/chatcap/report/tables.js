/* tables.js — the report's tables: conversations, TCP against UDP, the
 * packet list (linked to the ladder), the RTT estimator and the chat as
 * its users saw it. */
"use strict";

function section(id, title, ...kids) {
  return el("section", { id: id, "aria-labelledby": id + "-h" },
    el("h2", { id: id + "-h" }, title), ...kids);
}

function table(caption, head, rows, attrs) {
  const t = el("table", attrs);
  if (caption) t.append(el("caption", null, caption));
  t.append(el("thead", null, el("tr", null, ...head.map(h => el("th", { scope: "col" }, h)))));
  const body = el("tbody");
  for (const r of rows) body.append(r instanceof Node ? r : el("tr", null, ...r.map(c => el("td", null, c))));
  t.append(body);
  return t;
}

function convName(c) { return c.proto.toUpperCase() + "#" + c.id; }

function convsTable(m) {
  const rows = [];
  for (const c of m.convs.values()) {
    const i = c.info || {};
    const up = c.packets.filter(p => p.side === 0).length;
    const bytes = c.packets.reduce((a, p) => a + (p.len || 0), 0);
    rows.push([el("a", { href: "#ladder-" + c.key.replace("#", "-") }, convName(c)),
      c.proto.toUpperCase(), c.client, c.server, fmtNum(c.packets.length), fmtNum(up),
      fmtNum(c.packets.length - up), fmtNum(bytes),
      i.state ? tr("st_" + i.state) : tr("none"),
      c.proto === "tcp" ? fmtUs(i.syn_to_ack_us) : tr("none"),
      c.proto === "tcp" ? fmtNum(i.retransmissions || 0) : tr("none")]);
  }
  return section("convs", tr("convs"), table(null, [tr("conv"), tr("proto"), tr("client"),
    tr("server"), tr("packets"), tr("to_server"), tr("to_client"), tr("payload"), tr("state"),
    tr("handshake_ms"), tr("retrans")], rows));
}

function compareTable(m) {
  const s = m.summary || {}, t = s.tcp || {}, u = s.udp || {};
  const pct = v => (v === null || v === undefined ? tr("none") : v + " %");
  const rows = [
    [tr("c_packets"), fmtNum(t.segments), fmtNum(u.datagrams)],
    [tr("c_control"), fmtNum(t.control), "0"],
    [tr("c_payload"), fmtNum(t.payload_bytes), fmtNum(u.payload_bytes)],
    [tr("c_ip"), fmtNum(t.ip_bytes), fmtNum(u.ip_bytes)],
    [tr("c_over"), pct(t.header_overhead_pct), pct(u.header_overhead_pct)],
    [tr("c_conns"), fmtNum(t.connections), fmtNum(u.flows)],
    [tr("c_hs"), fmtNum(t.handshakes), tr("none")],
    [tr("c_td"), fmtNum(t.teardowns), tr("none")],
    [tr("c_rst"), fmtNum(t.reset_connections), tr("none")],
    [tr("c_retr"), fmtNum(t.retransmissions), tr("none")],
    [tr("c_msgs"), fmtNum(t.messages), fmtNum(u.messages)],
    [tr("c_ack"), tr("c_ack_tcp"), tr("c_ack_udp")],
    [tr("c_order"), tr("c_order_tcp"), tr("c_order_udp")]];
  return section("compare", tr("compare"),
    table(null, [tr("metric"), tr("tcp"), tr("udp")], rows, { class: "compare" }));
}

function packetRow(p) {
  const tags = el("span", { class: "tags" });
  for (const [txt, kind] of labels(p).slice(1)) tags.append(el("span", { class: "tag " + kind }, txt));
  const has = v => (v !== undefined && v !== null ? v : "");
  return el("tr", { id: "p-" + p.n, class: "pkt" + (isProblem(p) ? " bad" : "") +
    (RC.sel === p.n ? " sel" : ""), tabindex: "0",
    "data-n": p.n },
    el("td", null, p.n), el("td", null, fmtTime(p.time)),
    el("td", null, p.ck ? p.ck.toUpperCase() : ""),
    el("td", null, p.src ? p.src + " → " + p.dst : ""),
    el("td", null, has(p.flags)), el("td", null, has(p.seq)), el("td", null, has(p.ack)),
    el("td", null, has(p.win)), el("td", null, has(p.len)),
    el("td", { class: "what" }, p.explain, " ", tags));
}

/* One row per packet; a click (or Enter) selects it and lights its arrow.
 * A table per CHUNK rows, all with the same fixed columns, each built
 * when near the screen (core.js). */
function packetList(m) {
  const box = el("div", { id: "packets", class: "scroll" });
  const cols = () => el("colgroup", null, ...["c-n", "c-t", "c-c", "c-e", "c-f", "c-s", "c-s", "c-w",
    "c-l", "c-x"].map(c => el("col", { class: c })));
  box.append(el("table", { class: "packets head" }, cols(),
    el("thead", null, el("tr", null, ...[tr("n"), tr("time"), tr("conv"), "", tr("flags"),
      "seq", "ack", "win", "len", tr("what")].map(h => el("th", { scope: "col" }, h))))));
  const n = m.packets.length, parts = lazyParts(box, Math.ceil(n / CHUNK), i => {
    const body = el("tbody");
    for (const p of m.packets.slice(i * CHUNK, (i + 1) * CHUNK)) body.append(packetRow(p));
    return el("table", { class: "packets" }, cols(), body);
  }, i => Math.min(CHUNK, n - i * CHUNK) * 30, i => Math.min(CHUNK, n - i * CHUNK));
  m.packets.forEach((p, i) => { p.rowPart = parts[Math.floor(i / CHUNK)]; });
  box.addEventListener("click", e => {
    const row = e.target.closest("tr.pkt");
    if (row) select(+row.dataset.n, "row");
  });
  box.addEventListener("keydown", e => {
    const row = e.target.closest("tr.pkt");
    if (row && e.key === "Enter") select(+row.dataset.n, "row");
  });
  return section("plist", tr("plist"), box);
}

function rttTable(m) {
  const rows = [];
  for (const c of m.convs.values()) {
    const est = (c.info && c.info.rtt_estimate) || {};
    for (const who of ["client", "server"]) {
      const r = est[who];
      if (!r) continue;
      rows.push([convName(c), tr(who), fmtNum(r.samples), fmtUs(r.last_sample_us),
        fmtUs(r.srtt_us), fmtUs(r.rttvar_us), fmtUs(r.rto_us)]);
    }
  }
  if (!rows.length) return section("rtt", tr("rtt"), el("p", null, tr("rtt_none")));
  const each = m.packets.filter(p => p.rtt_sample_us !== undefined).map(p =>
    [el("a", { href: "#p-" + p.n }, p.n), fmtTime(p.time), p.ck.toUpperCase(),
      p.side === 0 ? tr("server") : tr("client"), fmtUs(p.rtt_sample_us), fmtUs(p.srtt_us),
      fmtUs(p.rttvar_us), fmtUs(p.rto_us)]);
  return section("rtt", tr("rtt"),
    table(null, [tr("conv"), tr("sender"), tr("samples"), tr("last"), tr("srtt"),
      tr("rttvar"), tr("rto")], rows),
    el("details", null, el("summary", null, tr("rtt_rows")),
      table(null, [tr("n"), tr("time"), tr("conv"), tr("sender"), "RTT", tr("srtt"),
        tr("rttvar"), tr("rto")], each)));
}

/* Each conversation's messages in the order they were delivered: a
 * client's by its nickname, the server's as the server. */
function chatView(m) {
  const box = el("div", { class: "chat" });
  for (const c of m.convs.values()) {
    let nick = c.client;
    const lines = [];
    for (const p of c.packets) for (const mm of p.messages || []) {
      if (mm.role === "nickname" && p.side === 0) nick = mm.text;
      const who = p.side === 0 ? nick : tr("who_server");
      lines.push(el("li", { class: "msg " + (p.side === 0 ? "up" : "down") + " " + mm.role },
        el("span", { class: "t" }, fmtTime(p.time)), " ",
        el("b", null, who), " ", el("span", { class: "role" }, "(" + tr("r_" + mm.role) + ")"), " ",
        mm.text === undefined ? "" : mm.text));
    }
    if (lines.length)
      box.append(el("h3", null, convName(c) + " · " + c.client), el("ol", null, ...lines));
  }
  if (!box.childNodes.length) box.append(el("p", null, tr("nothing")));
  return section("chat", tr("chat"), box);
}
