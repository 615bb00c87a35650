/* stevens.js — the time-sequence graph (W. R. Stevens, TCP/IP
 * Illustrated; tcptrace) of each TCP direction that carried data: time
 * across, relative sequence number up. Each data segment is a vertical
 * bar from seq to seq+len (a retransmission is red and crossed ✕), the ACK
 * line is the next byte the receiver expects, the window line is ACK + the
 * receive window it advertised. When the capture has the kernel's tcp_info
 * samples, kernel.js draws cwnd and ssthresh over it (× MSS) and below it.
 * Zoom: the wheel or + and − (keyboard: + − 0 on a focused graph), drag
 * to pan; "Whole graph" resets. */
"use strict";

const GR = { W: 920, H: 340, L: 78, R: 24, T: 18, B: 42, CW: 130 };
const GRAPHS = [];

function niceTicks(a, b, n) {
  const span = b - a || 1, step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map(f => f * mag).find(s => s >= step0) || step0;
  const out = [];
  for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/* The graph of conversation c, data sent by side d (0 client, 1 server). */
function stevensModel(m, c, d) {
  const data = c.packets.filter(p => p.side === d && p.len > 0 && p.seq !== undefined);
  if (!data.length) return null;
  const acks = c.packets.filter(p => p.side !== d && p.ack !== null && p.ack !== undefined &&
    p.event !== "syn_ack");
  const t0 = c.packets[0].time, t1 = Math.max(c.packets[c.packets.length - 1].time, t0 + 1e-6);
  let top = 1, wtop = 0;
  for (const p of data) top = Math.max(top, p.seq + p.len);
  for (const p of acks) { top = Math.max(top, p.ack); wtop = Math.max(wtop, p.ack + (p.win || 0)); }
  const clipWin = wtop > top * 3;
  const ymax = (clipWin ? top : Math.max(top, wtop)) * 1.06;
  const g = { m: m, c: c, d: d, data: data, acks: acks, wtop: wtop, clipWin: clipWin,
    full: { t0: t0, t1: t1 + (t1 - t0) * 0.02, y0: 0, y1: ymax } };
  kernelModel(g, m);
  g.view = Object.assign({}, g.full);
  return g;
}

function visible(p) { return !RC.stepping || p.n <= RC.pos; }

function stepTime() {
  const p = RC.model.packets[RC.pos - 1];
  return RC.pos === 0 ? -Infinity : p ? p.time : Infinity;
}

function drawAxes(s, g, sx, sy) {
  const v = g.view, bottom = GR.H - GR.B;
  s.append(svg("rect", { x: GR.L, y: GR.T, width: GR.W - GR.L - GR.R, height: bottom - GR.T, class: "plot" }));
  for (const t of niceTicks(v.t0, v.t1, 6)) {
    s.append(svg("line", { x1: sx(t), x2: sx(t), y1: GR.T, y2: bottom, class: "grid" }));
    s.append(svg("text", { x: sx(t), y: bottom + 16, "text-anchor": "middle", class: "tick" }, +t.toFixed(6)));
  }
  for (const y of niceTicks(v.y0, v.y1, 5)) {
    s.append(svg("line", { x1: GR.L, x2: GR.W - GR.R, y1: sy(y), y2: sy(y), class: "grid" }));
    s.append(svg("text", { x: GR.L - 6, y: sy(y) + 4, "text-anchor": "end", class: "tick" }, fmtNum(Math.round(y))));
  }
  s.append(svg("text", { x: (GR.L + GR.W) / 2, y: GR.H - 6, "text-anchor": "middle", class: "axis" }, tr("time")));
  s.append(svg("text", { x: 14, y: (GR.T + bottom) / 2, class: "axis", "text-anchor": "middle",
    transform: "rotate(-90 14 " + (GR.T + bottom) / 2 + ")" }, "seq"));
}

/* A step line through points [t, y] (each holding until the next). */
function stepPath(pts, sx, sy) {
  let d = "";
  pts.forEach(([t, y], i) => {
    d += i === 0 ? "M" + sx(t) + "," + sy(y) : "H" + sx(t) + "V" + sy(y);
  });
  return d;
}

function drawSeries(s, g, sx, sy) {
  const inner = svg("g", { "clip-path": "url(#clip-" + g.id + ")" });
  const acks = g.acks.filter(visible);
  const ackPts = acks.map(p => [p.time, p.ack]);
  const winPts = acks.map(p => [p.time, p.ack + (p.win || 0)]);
  if (ackPts.length) {
    inner.append(svg("path", { d: stepPath(winPts, sx, sy), class: "win" }));
    inner.append(svg("path", { d: stepPath(ackPts, sx, sy), class: "ackline" }));
    const last = acks[acks.length - 1];
    if (RC.stepping && last.n === RC.pos)
      inner.append(svg("circle", { cx: sx(last.time), cy: sy(last.ack), r: "7", class: "now" }));
  }
  for (const p of g.data.filter(visible)) {
    const bad = p.retransmission || (p.analysis || []).some(a => /retrans/.test(a));
    const x = sx(p.time), cur = RC.stepping && p.n === RC.pos;
    inner.append(svg("line", { x1: x, x2: x, y1: sy(p.seq), y2: sy(p.seq + p.len),
      class: "seg" + (bad ? " bad" : "") + (cur ? " cur" : ""), "data-n": p.n },
      svg("title", null, "#" + p.n + " " + p.explain)));
    if (cur) inner.append(svg("circle", { cx: x, cy: sy(p.seq + p.len), r: "7", class: "now" }));
    if (bad) inner.append(svg("text", { x: x, y: sy(p.seq + p.len) - 3, class: "rx", "text-anchor": "middle" }, "✕"));
  }
  const tmax = stepTime();
  drawKernelEdge(inner, g, sx, sy, x => !RC.stepping || x.time <= tmax);
  s.append(inner);
}

function drawGraph(g) {
  const s = g.svg, v = g.view, cw = g.cw.length > 0;
  const height = GR.H + (cw ? GR.CW : 0);
  while (s.lastChild) s.removeChild(s.lastChild);
  s.setAttribute("viewBox", "0 0 " + GR.W + " " + height);
  s.setAttribute("height", height);
  const sx = t => GR.L + (t - v.t0) / (v.t1 - v.t0) * (GR.W - GR.L - GR.R);
  const sy = y => GR.H - GR.B - (y - v.y0) / (v.y1 - v.y0) * (GR.H - GR.B - GR.T);
  s.append(svg("title", { id: "g-" + g.id + "-t" }, g.title), svg("desc", { id: "g-" + g.id + "-d" }, g.desc));
  s.append(svg("defs", null,
    svg("clipPath", { id: "clip-" + g.id }, svg("rect", { x: GR.L, y: GR.T, width: GR.W - GR.L - GR.R, height: GR.H - GR.B - GR.T })),
    svg("clipPath", { id: "clipc-" + g.id }, svg("rect", { x: GR.L, y: GR.H + 8, width: GR.W - GR.L - GR.R, height: GR.CW - 30 }))));
  drawAxes(s, g, sx, sy);
  drawSeries(s, g, sx, sy);
  if (cw) drawCwnd(s, g, sx);
}

function graphDesc(g) {
  const retr = g.data.filter(p => p.retransmission).length;
  const bytes = g.data.reduce((a, p) => a + p.len, 0);
  const lastAck = g.acks.length ? g.acks[g.acks.length - 1].ack : 0;
  let d = tr("graph_desc", { d: g.data.length, b: bytes, r: retr, t0: fmtTime(g.full.t0),
    t1: fmtTime(g.data[g.data.length - 1].time), a: lastAck });
  return d + kernelDesc(g);
}

function zoom(g, f, cx, cy) {
  const v = g.view;
  const tx = cx === undefined ? (v.t0 + v.t1) / 2 : cx, ty = cy === undefined ? (v.y0 + v.y1) / 2 : cy;
  g.view = { t0: tx - (tx - v.t0) * f, t1: tx + (v.t1 - tx) * f, y0: Math.max(0, ty - (ty - v.y0) * f), y1: ty + (v.y1 - ty) * f };
  drawGraph(g);
}

function graphControls(g) {
  const b = (txt, f) => el("button", { type: "button" }, txt);
  const zin = b("+ " + tr("zoom_in")), zout = b("− " + tr("zoom_out")), zall = b(tr("zoom_reset"));
  zin.onclick = () => zoom(g, 0.5);
  zout.onclick = () => zoom(g, 2);
  zall.onclick = () => { g.view = Object.assign({}, g.full); drawGraph(g); };
  return el("div", { class: "zoom" }, zin, zout, zall);
}

function wireZoom(g) {
  const s = g.svg;
  const toData = e => {
    const r = s.getBoundingClientRect(), k = GR.W / r.width;
    const x = (e.clientX - r.left) * k, y = (e.clientY - r.top) * k, v = g.view;
    return [v.t0 + (x - GR.L) / (GR.W - GR.L - GR.R) * (v.t1 - v.t0),
      v.y0 + (GR.H - GR.B - y) / (GR.H - GR.B - GR.T) * (v.y1 - v.y0)];
  };
  s.addEventListener("wheel", e => {
    e.preventDefault();
    const [t, y] = toData(e);
    zoom(g, e.deltaY < 0 ? 0.8 : 1.25, t, y);
  }, { passive: false });
  let drag = null;
  s.addEventListener("pointerdown", e => { drag = toData(e); s.setPointerCapture(e.pointerId); });
  s.addEventListener("pointerup", () => { drag = null; });
  s.addEventListener("pointermove", e => {
    if (!drag) return;
    const [t, y] = toData(e), v = g.view, dt = drag[0] - t, dy = drag[1] - y;
    g.view = { t0: v.t0 + dt, t1: v.t1 + dt, y0: v.y0 + dy, y1: v.y1 + dy };
    drawGraph(g);
  });
  s.addEventListener("keydown", e => {
    if (e.key === "+" || e.key === "=") zoom(g, 0.5);
    else if (e.key === "-") zoom(g, 2);
    else if (e.key === "0") { g.view = Object.assign({}, g.full); drawGraph(g); }
  });
}

function legend(g) {
  const items = [["seg", tr("legend_data")], ["seg bad", tr("legend_retr")], ["ackline", tr("legend_ack")],
    ["win", tr("legend_win")]];
  items.push(...kernelLegend(g));
  const ul = el("ul", { class: "legend" });
  for (const [k, t] of items) ul.append(el("li", null,
    svg("svg", { width: "28", height: "12", "aria-hidden": "true" },
      svg("line", { x1: "2", y1: "6", x2: "26", y2: "6", class: k })), " ", t));
  if (g.clipWin) ul.append(el("li", null, tr("win_above", { v: fmtNum(g.wtop) })));
  if (!g.cw.length) ul.append(el("li", { class: "dim" }, tr("no_cwnd")));
  return ul;
}

function stevensSection(m) {
  const box = el("div", { class: "graphs" });
  for (const c of m.convs.values()) {
    if (c.proto !== "tcp") continue;
    for (const d of [0, 1]) {
      const g = stevensModel(m, c, d);
      if (!g) continue;
      g.id = GRAPHS.length;
      const from = d === 0 ? c.client : c.server, to = d === 0 ? c.server : c.client;
      g.title = tr("graph_of", { c: convName(c), s: from, r: to });
      g.desc = graphDesc(g);
      g.svg = svg("svg", { class: "stevens", width: GR.W, role: "img", tabindex: "0",
        "aria-labelledby": "g-" + g.id + "-t g-" + g.id + "-d" });
      GRAPHS.push(g);
      g.svg.setAttribute("viewBox", "0 0 " + GR.W + " " + GR.H);
      g.svg.setAttribute("height", GR.H);
      drawSoon(g.svg, g.data.length + g.acks.length, () => { g.drawn = true; drawGraph(g); });
      wireZoom(g);
      box.append(el("figure", { class: "stevens", id: "graph-" + g.id },
        el("figcaption", null, g.title), graphControls(g), g.svg, legend(g), el("p", { class: "desc" }, g.desc)));
    }
  }
  return section("stevens", tr("stevens"), box);
}

/* Redraw the graphs of conversation key (all when key is null). */
function redrawGraphs(key) {
  for (const g of GRAPHS) if (g.drawn && (key === null || g.c.key === key)) drawGraph(g);
}
