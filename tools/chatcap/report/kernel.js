/* kernel.js — the sender's own state (chatcap --tcp-info's tcp_info
 * samples) on the Stevens graph of its direction: cwnd and ssthresh in
 * segments in a panel below, and over the data and ACK lines the edge the
 * congestion window allows, ACK + cwnd × MSS (bytes), with ACK + ssthresh
 * × MSS and a mark at each congestion event (the state entering recovery,
 * loss — an RTO — or CWR). A sample without its own MSS (a tracepoint's)
 * takes the last one polled for that sender, else the first, else the
 * largest segment the sender sent. */
"use strict";

const SS_UNSET = 1e6;     /* the kernel's "no ssthresh yet" is 2^31 - 1 */

function sampleSide(s) {
  return s.dir === "to_client" ? 1 : 0;
}

function known(v) { return v !== undefined && v !== null; }

/* The samples of conversation c sent by side d, in time order, each with
 * .mssB, the MSS its bytes are counted in. */
function kernelSamples(m, c, d, data) {
  const all = m.samples.filter(s => s.conv === c.id && sampleSide(s) === d)
    .sort((a, b) => a.time - b.time);
  const first = all.find(s => known(s.mss) && s.mss > 0);
  let mss = first ? first.mss : Math.max(1, ...data.map(p => p.len));
  for (const s of all) {
    if (known(s.mss) && s.mss > 0) mss = s.mss;
    s.mssB = mss;
  }
  return all;
}

/* The congestion events of samples all: the tracepoint's changes of state
 * when there are any, else the polled ones. */
function kernelEvents(all) {
  const traced = all.some(s => s.event === "cong_state");
  const from = all.filter(s => known(s.ca_state) &&
    (traced ? s.event === "cong_state" : s.source === "poll"));
  const out = [];
  let prev = "open";
  for (const s of from) {
    if (s.ca_state !== prev && /^(recovery|loss|cwr)$/.test(s.ca_state))
      out.push({ time: s.time, kind: s.ca_state });
    prev = s.ca_state;
  }
  return out;
}

function kernelModel(g, m) {
  const all = kernelSamples(m, g.c, g.d, g.data);
  g.cw = all.filter(s => known(s.cwnd));
  g.ss = g.cw.filter(s => known(s.ssthresh) && s.ssthresh < SS_UNSET);
  g.ev = kernelEvents(all);
  for (const s of g.cw) g.full.y1 = Math.max(g.full.y1, (ackAt(g, s.time) + s.cwnd * s.mssB) * 1.02);
}

/* The ACK line's height at time t (before the first ACK: the first byte),
 * by binary search in the ACKs' running maximum. */
function ackAt(g, t) {
  if (!g.ackUp) {
    let y = g.data[0].seq;
    g.ackUp = g.acks.map(p => (y = Math.max(y, p.ack)));
  }
  let lo = 0, hi = g.acks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (g.acks[mid].time <= t) lo = mid + 1; else hi = mid;
  }
  return lo === 0 ? g.data[0].seq : g.ackUp[lo - 1];
}

/* Over the sequence graph: ACK + cwnd × MSS, ACK + ssthresh × MSS, and
 * the events, drawn into the clipped group inner. */
function drawKernelEdge(inner, g, sx, sy, shown) {
  const at = (s, n) => [s.time, ackAt(g, s.time) + n * s.mssB];
  const cw = g.cw.filter(shown), ss = g.ss.filter(shown);
  if (cw.length) inner.append(svg("path", { d: stepPath(cw.map(s => at(s, s.cwnd)), sx, sy), class: "cwndb" }));
  if (ss.length) inner.append(svg("path", { d: stepPath(ss.map(s => at(s, s.ssthresh)), sx, sy), class: "ssthb" }));
  for (const e of g.ev.filter(shown)) {
    const x = sx(e.time);
    inner.append(svg("line", { x1: x, x2: x, y1: GR.T, y2: GR.H - GR.B, class: "cev" },
      svg("title", null, tr("ev_cong_" + e.kind) + " " + fmtTime(e.time) + " s")));
    inner.append(svg("text", { x: x + 3, y: GR.T + 14, class: "cevl" }, tr("ev_cong_" + e.kind)));
  }
}

/* The panel below: cwnd and ssthresh in segments. */
function drawCwnd(s, g, sx) {
  const y0 = GR.H + 8, h = GR.CW - 30, tmax = stepTime();
  const shown = x => !RC.stepping || x.time <= tmax;
  let top = 1;
  for (const x of g.cw) top = Math.max(top, x.cwnd);
  for (const x of g.ss) top = Math.max(top, x.ssthresh);
  const sy = v => y0 + h - (v / (top * 1.1)) * h;
  s.append(svg("rect", { x: GR.L, y: y0, width: GR.W - GR.L - GR.R, height: h, class: "plot" }));
  for (const v of niceTicks(0, top * 1.1, 3))
    s.append(svg("text", { x: GR.L - 6, y: sy(v) + 4, "text-anchor": "end", class: "tick" }, v));
  const inner = svg("g", { "clip-path": "url(#clipc-" + g.id + ")" });
  const cw = g.cw.filter(shown), ss = g.ss.filter(shown);
  if (cw.length) inner.append(svg("path", { d: stepPath(cw.map(x => [x.time, x.cwnd]), sx, sy), class: "cwnd" }));
  if (ss.length) inner.append(svg("path", { d: stepPath(ss.map(x => [x.time, x.ssthresh]), sx, sy), class: "ssth" }));
  s.append(inner);
  s.append(svg("text", { x: 14, y: y0 + h / 2, class: "axis", "text-anchor": "middle",
    transform: "rotate(-90 14 " + (y0 + h / 2) + ")" }, "cwnd"));
}

function kernelDesc(g) {
  if (!g.cw.length) return "";
  let d = tr("cwnd_desc", { c0: g.cw[0].cwnd, c1: g.cw[g.cw.length - 1].cwnd,
    m: g.cw[g.cw.length - 1].mssB });
  if (g.ev.length) d += tr("cev_desc", { k: g.ev.length,
    l: g.ev.map(e => tr("ev_cong_" + e.kind) + " " + fmtTime(e.time) + " s").join(", ") });
  return d;
}

function kernelLegend(g) {
  if (!g.cw.length) return [];
  const items = [["cwndb", tr("legend_cwndb")], ["cwnd", tr("legend_cwnd")]];
  if (g.ss.length) items.push(["ssthb", tr("legend_ssthb")], ["ssth", tr("legend_ssth")]);
  if (g.ev.length) items.push(["cev", tr("legend_cev")]);
  return items;
}
