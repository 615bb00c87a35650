/* ladder.js — one sequence diagram (ladder) per conversation, as inline
 * SVG: the client's line on the left, the server's on the right, one arrow
 * per packet going down in capture order, labelled with its flags,
 * sequence and acknowledgement numbers and chat lines. Handshake, teardown
 * and problems are coloured and also named in words beside the arrow
 * (colour is never the only sign: problems are dashed and marked ⚠). */
"use strict";

const LAD = { W: 940, XC: 210, XS: 700, TOP: 58, ROW: 54 };

function ladderDefs() {
  const defs = svg("defs");
  for (const k of ["", "hs", "td", "bad"]) {
    defs.append(svg("marker", { id: "head" + k, viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "mk " + k })));
  }
  return defs;
}

function arrowKind(p) {
  const l = labels(p);
  if (l.some(x => x[1] === "bad")) return "bad";
  return l[0][1];
}

function tcpColumns(p) {
  let s = "#" + p.n + " ";
  if (p.proto === "tcp") {
    s += "[" + p.flags + "] seq=" + p.seq;
    if (p.ack !== null && p.ack !== undefined) s += " ack=" + p.ack;
    s += " win=" + p.win + " len=" + p.len;
  } else {
    s += "UDP len=" + p.len;
  }
  return s;
}

/* One packet's arrow, drawn in row i. */
function ladderArrow(p, i) {
  const y0 = LAD.TOP + i * LAD.ROW + 14, y1 = y0 + 16;
  const from = p.side === 0 ? LAD.XC : LAD.XS, to = p.side === 0 ? LAD.XS : LAD.XC;
  const kind = arrowKind(p);
  const end = p.lost ? from + (to - from) * 0.62 : to;
  const yend = p.lost ? y0 + (y1 - y0) * 0.62 : y1;
  const g = svg("g", { class: "arrow " + kind + (RC.stepping && p.n > RC.pos ? " future" : "") +
    (RC.sel === p.n ? " sel" : ""), id: "a-" + p.n, "data-n": p.n, tabindex: "0",
    role: "button", "aria-label": "#" + p.n + ": " + p.explain });
  g.append(svg("rect", { class: "hl", x: "2", y: y0 - 16, width: LAD.W - 4, height: LAD.ROW - 2, rx: "4" }));
  g.append(svg("text", { x: "8", y: y0 + 4, class: "time" }, fmtTime(p.time)));
  g.append(svg("line", { x1: from, y1: y0, x2: end, y2: yend, class: "shaft",
    "marker-end": p.lost ? null : "url(#head" + kind + ")" }));
  if (p.lost)
    g.append(svg("text", { x: end, y: yend + 6, class: "cross", "text-anchor": "middle" }, "✕"));
  g.append(svg("text", { x: (LAD.XC + LAD.XS) / 2, y: y0 - 3, class: "cols",
    "text-anchor": "middle" }, tcpColumns(p)));
  const chat = chatText(p, 64);
  if (chat)
    g.append(svg("text", { x: (LAD.XC + LAD.XS) / 2, y: y1 + 13, class: "said",
      "text-anchor": "middle" }, "“" + chat + "”"));
  const names = labels(p).filter((l, j) => j === 0 || l[1] !== "");
  const note = svg("text", { x: LAD.XS + 12, y: y0 + 8, class: "note " + kind });
  names.forEach(([txt, k], j) => {
    note.append(svg("tspan", { x: LAD.XS + 12, dy: j === 0 ? "0" : "1.15em",
      class: k }, (k === "bad" ? "⚠ " : "") + txt));
  });
  g.append(note);
  g.append(svg("title", null, "#" + p.n + " " + p.explain));
  return g;
}

/* The ladder of conversation c: an SVG per CHUNK packets, built when
 * near the screen (core.js); the lifelines run through every part. */

function ladderPart(c, from, id) {
  const rows = c.packets.slice(from, from + CHUNK);
  const top = from === 0 ? LAD.TOP : 0;
  const h = top + rows.length * LAD.ROW + (from + CHUNK >= c.packets.length ? 10 : 0);
  const s = svg("svg", { class: "ladder", viewBox: "0 " + (from * LAD.ROW + LAD.TOP - top) + " " +
    LAD.W + " " + h, width: LAD.W, height: h, role: "group",
    style: "contain-intrinsic-size: " + LAD.W + "px " + h + "px",
    "aria-labelledby": id + "-t " + id + "-d" });
  if (from === 0)
    s.append(svg("title", { id: id + "-t" }, convName(c) + ": " + c.client + " ⇄ " + c.server),
      svg("desc", { id: id + "-d" }, tr("ladder_desc", { k: c.packets.length, c: c.client, s: c.server })));
  const y0 = from * LAD.ROW + LAD.TOP - top;
  for (const [x, who, addr] of [[LAD.XC, tr("client"), c.client], [LAD.XS, tr("server"), c.server]]) {
    s.append(svg("line", { x1: x, y1: from === 0 ? LAD.TOP - 14 : y0, x2: x, y2: y0 + h, class: "life" }));
    if (from > 0) continue;
    s.append(svg("text", { x: x, y: 18, class: "who", "text-anchor": "middle" }, who));
    s.append(svg("text", { x: x, y: 36, class: "addr", "text-anchor": "middle" }, addr));
  }
  rows.forEach((p, i) => s.append(ladderArrow(p, from + i)));
  return s;
}

function ladderFor(c) {
  const id = "ladder-" + c.key.replace("#", "-");
  const box = el("div", { class: "scroll" });
  const n = c.packets.length, parts = lazyParts(box, Math.ceil(n / CHUNK),
    i => ladderPart(c, i * CHUNK, id),
    i => (i === 0 ? LAD.TOP : 0) + Math.min(CHUNK, n - i * CHUNK) * LAD.ROW + 10,
    i => Math.min(CHUNK, n - i * CHUNK));
  c.packets.forEach((p, i) => { p.arrowPart = parts[Math.floor(i / CHUNK)]; });
  box.addEventListener("click", e => {
    const g = e.target.closest("g.arrow");
    if (g) select(+g.dataset.n, "arrow");
  });
  box.addEventListener("keydown", e => {
    const g = e.target.closest("g.arrow");
    if (g && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(+g.dataset.n, "arrow"); }
  });
  return el("figure", { id: id, class: "ladder" },
    el("figcaption", null, convName(c) + ": " + c.client + " ⇄ " + c.server), box);
}

function laddersSection(m) {
  const box = el("div", { class: "ladders" });
  for (const c of m.convs.values()) box.append(ladderFor(c));
  return section("ladders", tr("ladders"),
    svg("svg", { width: "0", height: "0", class: "defs", "aria-hidden": "true" }, ladderDefs()),
    el("div", { id: "detail", class: "detail", "aria-live": "polite" }, tr("pick")), box);
}
