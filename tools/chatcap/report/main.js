/* main.js — reading the data and building the page: facts, toolbar
 * (step mode, large type, print) and the sections in order. */
"use strict";

function facts(m) {
  const s = m.summary || {};
  let txt = fmtNum(s.packets) + " " + tr("packets") + " · " + tr("duration") + " " +
    (s.duration !== undefined ? Number(s.duration).toFixed(3) + " s" : tr("none")) +
    " · " + tr("link") + " " + (s.link_type || "?");
  const p = document.getElementById("facts");
  p.textContent = txt;
  if (s.packets > m.packets.length)
    p.append(el("br"), el("strong", { id: "thinned" }, tr("thinned", { k: fmtNum(m.packets.length), n: fmtNum(s.packets) })));
}

function toolbar() {
  const bar = document.getElementById("toolbar");
  const step = el("button", { type: "button", id: "btn-step", "aria-pressed": "false" }, tr("step"));
  const big = el("button", { type: "button", id: "btn-big", "aria-pressed": "false" }, tr("big"));
  const print = el("button", { type: "button", id: "btn-print" }, tr("print"));
  step.onclick = () => stepMode(!RC.stepping);
  big.onclick = () => {
    const on = document.body.classList.toggle("big");
    big.setAttribute("aria-pressed", on ? "true" : "false");
  };
  print.onclick = () => { fillAll(); window.print(); };
  window.addEventListener("beforeprint", fillAll);
  const nav = el("nav", { "aria-label": "sections" });
  for (const id of ["convs", "compare", "ladders", "plist", "stevens", "rtt", "chat"])
    nav.append(el("a", { href: "#" + id }, tr(id === "ladders" ? "ladders" : id)));
  bar.replaceChildren(step, big, print, nav);
}

/* Everything is drawn at once, before the browser's load event. */
function start() {
  const m = buildModel(jsonLines(blockText("rc-data")), jsonLines(blockText("rc-explain")));
  RC.model = m;
  RC.pos = m.packets.length;
  facts(m);
  toolbar();
  const app = document.getElementById("app");
  app.replaceChildren(convsTable(m), compareTable(m), laddersSection(m), packetList(m),
    stevensSection(m), rttTable(m), chatView(m));
  document.addEventListener("keydown", onKey);
  if (location.hash === "#big") document.getElementById("btn-big").click();
  document.body.dataset.ready = "1";
  /* when the first frame after it is painted: the time to open and draw
   * (scripts/bench_html.py reads it) */
  requestAnimationFrame(() => setTimeout(() => {
    document.body.dataset.drawnMs = String(Math.round(performance.now()));
  }, 0));
}

document.getElementById("loading").textContent = tr("loading");
try {
  start();
} catch (e) {
  document.getElementById("app").replaceChildren(el("p", { class: "error" }, String(e)));
  throw e;
}
