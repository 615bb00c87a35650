/* step.js — selecting a packet (the row and the arrow light together)
 * and step mode: Forward and Back (or → and ←) move one packet at a time,
 * starting before packet 1; the ladders and graphs show only what has
 * crossed the network so far, and the current packet's explanation is
 * shown large. */
"use strict";

function packetHead(p) {
  return "#" + p.n + " · " + fmtTime(p.time) + " s" + (p.ck ? " · " + p.ck.toUpperCase() : "") +
    (p.src ? " · " + p.src + " → " + p.dst : "");
}

/* Light packet n's row and arrow; from "row" scroll the arrow into view,
 * from "arrow" open the explanation and scroll the row into view. */
function select(n, from) {
  for (const e of document.querySelectorAll(".sel")) e.classList.remove("sel");
  RC.sel = n;
  const p = RC.model.byN.get(n);
  if (p) ensureBuilt(p);
  const row = document.getElementById("p-" + n), arrow = document.getElementById("a-" + n);
  if (row) row.classList.add("sel");
  if (arrow) arrow.classList.add("sel");
  const detail = document.getElementById("detail");
  if (detail && p) {
    const close = el("button", { type: "button", class: "close" }, "✕");
    close.onclick = () => {
      detail.classList.remove("open");
      document.body.classList.remove("detail-open");
    };
    detail.replaceChildren(close, el("b", null, packetHead(p)), el("br"), p.explain,
      el("span", { class: "tags" }, ...labels(p).slice(1).map(([t, k]) => el("span", { class: "tag " + k }, t))));
    detail.classList.add("open");
    document.body.classList.add("detail-open");
  }
  if (from === "row" && arrow) arrow.scrollIntoView({ block: "center", inline: "nearest" });
  if (from === "arrow" && row) row.scrollIntoView({ block: "center" });
  if (from === "step" && arrow) arrow.scrollIntoView({ block: "center" });
}

function showUpTo(pos) {
  for (const g of document.querySelectorAll("g.arrow")) g.classList.toggle("future", +g.dataset.n > pos);
}

function stepPanel() {
  const box = document.getElementById("step");
  const p = RC.model.packets[RC.pos - 1];
  const head = RC.pos === 0 ? "0 / " + RC.model.packets.length
    : tr("stepof", { n: p.n, t: RC.model.packets.length });
  const back = el("button", { type: "button", id: "step-back", disabled: RC.pos === 0 }, tr("back"));
  const fwd = el("button", { type: "button", id: "step-fwd",
    disabled: RC.pos >= RC.model.packets.length }, tr("fwd"));
  const done = el("button", { type: "button", id: "step-done" }, tr("all"));
  back.onclick = () => stepTo(RC.pos - 1);
  fwd.onclick = () => stepTo(RC.pos + 1);
  done.onclick = () => stepMode(false);
  const expl = el("div", { id: "step-explain", class: "big-explain" }, RC.pos === 0 ? tr("before") : p.explain);
  const tags = p ? el("div", { class: "tags" }, ...labels(p).map(([t, k]) => el("span", { class: "tag " + k }, t))) : null;
  const parts = [el("div", { class: "step-bar" }, back, fwd, el("span", { id: "step-pos" }, head), done),
    p ? el("div", { class: "step-head" }, packetHead(p)) : null, expl, tags,
    p && chatText(p) ? el("div", { class: "step-chat" }, "“" + chatText(p) + "”") : null,
    el("div", { class: "keys" }, tr("keys"))];
  box.replaceChildren(...parts.filter(x => x !== null));
}

/* Move to position pos (0: before packet 1). */
function stepTo(pos) {
  const n = RC.model.packets.length;
  pos = Math.max(0, Math.min(n, pos));
  if (pos === RC.pos && RC.stepping) { stepPanel(); return; }
  const old = RC.pos;
  RC.pos = pos;
  const changed = RC.model.packets[Math.max(old, pos) - 1];
  for (let i = Math.min(old, pos); i < Math.max(old, pos); i++) {
    const a = document.getElementById("a-" + RC.model.packets[i].n);
    if (a) a.classList.toggle("future", i >= pos);
  }
  redrawGraphs(changed && Math.abs(pos - old) === 1 ? changed.ck : null);
  stepPanel();
  const p = RC.model.packets[pos - 1];
  if (p) select(p.n, "step");
  else for (const e of document.querySelectorAll(".sel")) e.classList.remove("sel");
  const btn = document.getElementById(pos > old ? "step-fwd" : "step-back");
  if (btn && document.activeElement && document.activeElement.closest("#step")) btn.focus();
}

function stepMode(on) {
  RC.stepping = on;
  document.body.classList.toggle("stepping", on);
  document.getElementById("step").hidden = !on;
  document.getElementById("btn-step").setAttribute("aria-pressed", on ? "true" : "false");
  RC.pos = on ? 0 : RC.model.packets.length;
  showUpTo(RC.pos);
  redrawGraphs(null);
  if (on) {
    stepPanel();
    for (const e of document.querySelectorAll(".sel")) e.classList.remove("sel");
    document.getElementById("step-fwd").focus();
  }
}

function onKey(e) {
  if (!RC.stepping || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.target.closest && e.target.closest("input, textarea, select")) return;
  if (e.key === "ArrowRight") { e.preventDefault(); stepTo(RC.pos + 1); }
  else if (e.key === "ArrowLeft") { e.preventDefault(); stepTo(RC.pos - 1); }
  else if (e.key === "Home") { e.preventDefault(); stepTo(0); }
  else if (e.key === "End") { e.preventDefault(); stepTo(RC.model.packets.length); }
  else if (e.key === "Escape") stepMode(false);
}
