/* core.js — chatcap --html: the words in both languages, small DOM
 * helpers, and the data model read from the JSON chatcap embedded once
 * (the same objects `chatcap --json` prints, one per line) and from the
 * explanations written beside it (one per packet, the text view's words).
 * Everything here stays inside the page: no request ever leaves it. */
"use strict";

const RC = { pos: 0, stepping: false, sel: 0 };

/* Every word the page shows: key: [English, Spanish]. */
const WORDS = {
  r_nickname: ["nickname", "apodo"],
  r_chat: ["chat", "chat"],
  r_command: ["command", "orden"],
  r_empty: ["empty line", "línea vacía"],
  r_notice: ["notice", "aviso"],
  r_relay: ["relayed chat", "chat reenviado"],
  r_too_long: ["over 1024 bytes, dropped", "más de 1024 bytes, descartado"],
  loading: ["Opening the capture…", "Abriendo la captura…"],
  packets: ["packets", "paquetes"],
  duration: ["duration", "duración"],
  link: ["link", "enlace"],
  thinned: ["This report holds the first {k} of {n} packets; the tables count them all.",
    "Este informe contiene los primeros {k} de {n} paquetes; las tablas los cuentan todos."],
  step: ["Step mode", "Paso a paso"],
  all: ["Show all", "Mostrar todo"],
  back: ["◀ Back", "◀ Atrás"],
  fwd: ["Forward ▶", "Adelante ▶"],
  big: ["Large type", "Letra grande"],
  print: ["Print", "Imprimir"],
  before: ["Before packet 1: nothing has crossed the network yet. Press Forward (→).",
    "Antes del paquete 1: aún no ha cruzado nada la red. Pulsa Adelante (→)."],
  stepof: ["Packet {n} of {t}", "Paquete {n} de {t}"],
  convs: ["Conversations", "Conversaciones"],
  compare: ["TCP against UDP", "TCP frente a UDP"],
  ladders: ["Ladder of each conversation", "Escalera de cada conversación"],
  plist: ["Packets", "Paquetes"],
  stevens: ["Time-sequence (Stevens) graphs", "Gráficas tiempo-secuencia (Stevens)"],
  rtt: ["Round-trip time (RFC 6298)", "Tiempo de ida y vuelta (RFC 6298)"],
  chat: ["The chat as the users saw it", "El chat como lo vieron los usuarios"],
  conv: ["conv.", "conv."],
  proto: ["protocol", "protocolo"],
  client: ["client", "cliente"],
  server: ["server", "servidor"],
  to_server: ["→ server", "→ servidor"],
  to_client: ["→ client", "→ cliente"],
  payload: ["payload bytes", "bytes de datos"],
  state: ["state", "estado"],
  handshake_ms: ["handshake", "saludo"],
  retrans: ["retransmissions", "retransmisiones"],
  n: ["#", "n.º"],
  time: ["time (s)", "tiempo (s)"],
  flags: ["flags", "flags"],
  what: ["what it means", "qué significa"],
  metric: ["", ""],
  tcp: ["TCP", "TCP"],
  udp: ["UDP", "UDP"],
  none: ["—", "—"],
  c_packets: ["packets (segments / datagrams)", "paquetes (segmentos / datagramas)"],
  c_control: ["control packets (no data)", "paquetes de control (sin datos)"],
  c_payload: ["payload bytes", "bytes de datos"],
  c_ip: ["bytes on the wire (IP)", "bytes en la red (IP)"],
  c_over: ["header overhead", "sobrecoste de cabeceras"],
  c_conns: ["conversations", "conversaciones"],
  c_hs: ["handshakes completed", "saludos completos"],
  c_td: ["teardowns", "cierres"],
  c_rst: ["connections reset", "conexiones reiniciadas"],
  c_retr: ["retransmissions", "retransmisiones"],
  c_msgs: ["chat messages", "mensajes del chat"],
  c_ack: ["acknowledgements", "acuses de recibo"],
  c_order: ["delivered in order", "entrega en orden"],
  yes: ["yes", "sí"],
  no: ["no", "no"],
  c_ack_tcp: ["yes: every byte (ACK)", "sí: cada byte (ACK)"],
  c_ack_udp: ["none", "ninguno"],
  c_order_tcp: ["yes (sequence numbers)", "sí (números de secuencia)"],
  c_order_udp: ["not guaranteed", "no garantizada"],
  samples: ["samples", "muestras"],
  last: ["last sample", "última muestra"],
  srtt: ["SRTT", "SRTT"],
  rttvar: ["RTTVAR", "RTTVAR"],
  rto: ["RTO", "RTO"],
  sender: ["sender", "emisor"],
  rtt_rows: ["every sample", "todas las muestras"],
  rtt_none: ["No RTT samples (UDP has no acknowledgements).",
    "Sin muestras de RTT (UDP no tiene acuses de recibo)."],
  legend_data: ["data sent (seq → seq+len)", "datos enviados (seq → seq+len)"],
  legend_retr: ["retransmission (✕)", "retransmisión (✕)"],
  legend_ack: ["ACK line (next byte expected)",
    "línea de ACK (siguiente byte esperado)"],
  legend_win: ["receive window edge (ACK + win)",
    "borde de la ventana de recepción (ACK + win)"],
  legend_cwnd: ["cwnd (segments, kernel)", "cwnd (segmentos, núcleo)"],
  legend_ssth: ["ssthresh (segments, kernel)", "ssthresh (segmentos, núcleo)"],
  legend_cwndb: ["congestion window edge (ACK + cwnd × MSS)",
    "borde de la ventana de congestión (ACK + cwnd × MSS)"],
  legend_ssthb: ["ACK + ssthresh × MSS", "ACK + ssthresh × MSS"],
  legend_cev: ["congestion event (the kernel's state)",
    "evento de congestión (estado del núcleo)"],
  ev_cong_recovery: ["fast recovery", "recuperación rápida"],
  ev_cong_loss: ["RTO (loss)", "RTO (pérdida)"],
  ev_cong_cwr: ["CWR (local back-off)", "CWR (reducción local)"],
  cev_desc: [" {k} congestion events: {l}.", " {k} eventos de congestión: {l}."],
  win_above: ["window edge above the graph: up to {v}",
    "borde de la ventana por encima de la gráfica: hasta {v}"],
  zoom_in: ["Zoom in", "Acercar"],
  zoom_out: ["Zoom out", "Alejar"],
  zoom_reset: ["Whole graph", "Gráfica entera"],
  graph_of: ["{c}: data from {s} to {r}", "{c}: datos de {s} a {r}"],
  graph_desc: ["{d} data segments, {b} bytes, {r} retransmitted, from {t0} s to {t1} s; the ACK line reaches {a}.",
    "{d} segmentos de datos, {b} bytes, {r} retransmitidos, de {t0} s a {t1} s; la línea de ACK llega a {a}."],
  cwnd_desc: [" Kernel samples: cwnd from {c0} to {c1} segments (MSS {m} bytes).",
    " Muestras del núcleo: cwnd de {c0} a {c1} segmentos (MSS {m} bytes)."],
  no_cwnd: ["No kernel samples of cwnd in this capture (read from a file without them).",
    "Sin muestras de cwnd del núcleo en esta captura (leída de un archivo que no las trae)."],
  ladder_desc: ["{k} arrows, one per packet between {c} and {s}.",
    "{k} flechas, una por paquete entre {c} y {s}."],
  who_server: ["server", "servidor"],
  lost: ["LOST: sent again in #{k}", "PERDIDO: se reenvía en el n.º {k}"],
  resent: ["resends #{k}", "reenvía el n.º {k}"],
  nothing: ["No chat messages in this capture.",
    "No hay mensajes del chat en esta captura."],
  seconds: ["s", "s"],
  bytes: ["bytes", "bytes"],
  pick: ["Click a packet or an arrow to read what it means.",
    "Pulsa un paquete o una flecha para leer qué significa."],
  keys: ["Keys: ← → step · + − 0 zoom a graph · Enter selects",
    "Teclas: ← → paso a paso · + − 0 zoom de una gráfica · Intro selecciona"],
  ev_syn: ["handshake 1/3 SYN", "saludo 1/3 SYN"],
  ev_syn_ack: ["handshake 2/3 SYN-ACK", "saludo 2/3 SYN-ACK"],
  ev_established: ["handshake 3/3 ACK", "saludo 3/3 ACK"],
  ev_fin: ["teardown FIN", "cierre FIN"],
  ev_fin_ack: ["teardown last ACK", "cierre último ACK"],
  ev_rst: ["RST: reset", "RST: reinicio"],
  ev_refused: ["refused (RST)", "rechazada (RST)"],
  ev_data: ["data", "datos"],
  ev_ack: ["ACK", "ACK"],
  ev_keepalive: ["keep-alive", "keep-alive"],
  ev_datagram: ["datagram", "datagrama"],
  ev_other: ["not chat", "no es del chat"],
  ev_truncated: ["truncated", "truncado"],
  ev_invalid: ["invalid", "no válido"],
  ev_fragment: ["IP fragment", "fragmento IP"],
  ev_icmp_error: ["ICMP error", "error ICMP"],
  a_retransmission: ["retransmission", "retransmisión"],
  a_fast_retransmission: ["fast retransmission", "retransmisión rápida"],
  a_spurious_retransmission: ["spurious retransmission", "retransmisión innecesaria"],
  a_out_of_order: ["out of order", "fuera de orden"],
  a_duplicate_ack: ["duplicate ACK", "ACK duplicado"],
  a_lost_segment: ["bytes before are missing", "faltan bytes anteriores"],
  a_ack_lost_segment: ["ACKs unseen bytes", "confirma bytes no vistos"],
  a_zero_window: ["zero window", "ventana cero"],
  a_zero_window_probe: ["zero-window probe", "sondeo de ventana cero"],
  a_zero_window_probe_ack: ["zero-window probe ACK", "ACK del sondeo"],
  a_window_full: ["window full", "ventana llena"],
  a_window_update: ["window update", "actualización de ventana"],
  a_keep_alive: ["keep-alive", "keep-alive"],
  a_keep_alive_ack: ["keep-alive ACK", "ACK de keep-alive"],
  st_open: ["open", "abierta"],
  st_closed: ["closed", "cerrada"],
  st_reset: ["reset", "reiniciada"],
  st_refused: ["refused", "rechazada"]
};

const LANG = document.documentElement.lang === "es" ? "es" : "en";

/* The word for key in this page's language, {name}s filled from vars. */
function tr(key, vars) {
  let s = WORDS[key] ? WORDS[key][LANG === "es" ? 1 : 0] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/* An HTML element: el("td", {class: "x"}, "text", child...). */
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  for (const k of kids) if (k !== null && k !== undefined)
    e.append(k instanceof Node ? k : String(k));
  return e;
}

const SVGNS = "http://www.w3.org/2000/svg";

function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVGNS, tag);
  setAttrs(e, attrs);
  for (const k of kids) if (k !== null && k !== undefined)
    e.append(k instanceof Node ? k : String(k));
  return e;
}

function setAttrs(e, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs))
    if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
}

function fmtNum(v) {
  return v === null || v === undefined ? tr("none") : Number(v).toLocaleString(LANG);
}

function fmtUs(us) {
  if (us === null || us === undefined) return tr("none");
  if (us >= 1000000) return (us / 1e6).toFixed(3) + " s";
  if (us >= 1000) return (us / 1000).toFixed(3) + " ms";
  return us + " µs";
}

function fmtTime(t) { return Number(t).toFixed(6); }

/* ---- Long lists: drawn a part at a time ----------------------------- */

/* Parts of CHUNK packets are built when they come near the screen (or
 * when asked: a selected packet, printing), so a capture of thousands of
 * packets opens at once. Each part waits as an empty block of its
 * estimated height. */
const CHUNK = 200;
const LAZY = [];          /* every lazy box's parts */
let eagerLeft = 600;      /* packets drawn at once, the rest when seen */
const PENDING = [];       /* what waits to be seen (drawSoon) */
const SEEN = typeof IntersectionObserver === "function" ? new IntersectionObserver(es => {
  for (const e of es) if (e.isIntersecting) (e.target.whenSeen || fillPart)(e.target);
}, { rootMargin: "800px" }) : null;

/* Call draw(e) now while the budget of packets drawn at once lasts (cost:
 * how many packets it draws), else when e comes near the screen. */
function drawSoon(e, cost, draw) {
  if (!SEEN || eagerLeft > 0) {
    eagerLeft -= cost;
    draw(e);
    return;
  }
  e.whenSeen = x => { SEEN.unobserve(x); x.whenSeen = null; draw(x); };
  PENDING.push(e);
  SEEN.observe(e);
}

function fillPart(ph) {
  if (ph.dataset.done) return;
  ph.dataset.done = "1";
  if (SEEN) SEEN.unobserve(ph);
  ph.style.height = "";
  ph.replaceChildren(ph.lazyBuild(+ph.dataset.part));
}

/* Fill box with parts 0..count-1 of size(i) packets; build(i) makes part
 * i, height(i) is its height before. The first part is built at once
 * while the budget lasts. */
function lazyParts(box, count, build, height, size) {
  const parts = [];
  for (let i = 0; i < count; i++) {
    const ph = el("div", { class: "part", "data-part": i, style: "height:" + height(i) + "px" });
    ph.lazyBuild = build;
    parts.push(ph);
    box.append(ph);
    if (SEEN && i > 0) SEEN.observe(ph);
  }
  if (parts.length) drawSoon(parts[0], size(0), fillPart);
  if (!SEEN) parts.forEach(fillPart);
  LAZY.push(parts);
  return parts;
}

function fillAll() {
  for (const e of PENDING) if (e.whenSeen) e.whenSeen(e);
  for (const parts of LAZY) parts.forEach(fillPart);
}

/* Build whatever holds packet p (its row and its arrow). */
function ensureBuilt(p) {
  if (p.rowPart) fillPart(p.rowPart);
  if (p.arrowPart) fillPart(p.arrowPart);
}

/* ---- Reading the embedded data ------------------------------------ */

/* The text of one data element: as it is, or inflated from base64
 * (data-deflate: the zlib stream of that many bytes; inflate.js). */
function blockText(id) {
  const e = document.getElementById(id);
  if (!e) return "";
  if (!e.dataset.deflate) return e.textContent;
  const bin = atob(e.textContent.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const raw = inflateZlib(bytes);
  if (raw.length !== +e.dataset.deflate) throw new Error("inflated " + raw.length + " bytes, not " + e.dataset.deflate);
  return new TextDecoder().decode(raw);
}

function jsonLines(text) {
  const out = [];
  for (const line of text.split("\n")) if (line.trim() !== "") out.push(JSON.parse(line));
  return out;
}

/* What a packet means: the explanation chatcap wrote for it, without the
 * columns the table already shows (number, time, endpoints, flags...). */
function meaning(line) {
  const at = line.indexOf(" len=");
  if (at >= 0) {
    const gap = line.indexOf("  ", at);
    if (gap >= 0) return line.slice(gap + 2);
  }
  return line.replace(/^\s*\d+\s+\S+\s+/, "");
}

function convKey(proto, id) { return proto + "#" + id; }

/* The model: packets (each with .explain, .ck, .side), conversations in
 * the order first seen, the summary and the kernel's tcp_info samples. */
function buildModel(objs, explains) {
  const m = { packets: [], convs: new Map(), summary: null, samples: [], byN: new Map() };
  for (const o of objs) {
    if (o.type === "packet") m.packets.push(o);
    else if (o.type === "summary") m.summary = o;
    else if (o.type === "tcp_info") m.samples.push(o);
  }
  m.packets.forEach((p, i) => {
    p.explain = explains[i] !== undefined ? meaning(explains[i]) : "";
    p.side = p.dir === "to_client" ? 1 : 0;
    m.byN.set(p.n, p);
    if (!p.proto || p.conv === undefined || p.conv === null) return;
    p.ck = convKey(p.proto, p.conv);
    if (!m.convs.has(p.ck)) m.convs.set(p.ck, {
      key: p.ck, proto: p.proto, id: p.conv, packets: [],
      client: p.side === 0 ? p.src : p.dst, server: p.side === 0 ? p.dst : p.src, info: null });
    m.convs.get(p.ck).packets.push(p);
  });
  const s = m.summary || {};
  for (const c of s.connections || []) attachInfo(m, "tcp", c);
  for (const c of s.flows || []) attachInfo(m, "udp", c);
  return m;
}

function attachInfo(m, proto, c) {
  const k = convKey(proto, c.id);
  if (m.convs.has(k)) {
    const conv = m.convs.get(k);
    conv.info = c;
    conv.client = c.client;
    conv.server = c.server;
  }
}

/* The short names of what a packet is and of its problems, as a list of
 * [text, kind] with kind "hs", "td", "bad" or "". */
function labels(p) {
  const out = [];
  const ev = p.event || "other";
  const kind = ev === "syn" || ev === "syn_ack" || ev === "established" ? "hs"
    : ev === "fin" || ev === "fin_ack" ? "td"
    : ev === "rst" || ev === "refused" || ev === "truncated" || ev === "invalid" ? "bad" : "";
  out.push([tr("ev_" + ev), kind]);
  for (const a of p.analysis || []) {
    const bad = !/^(window_update|keep_alive|keep_alive_ack|zero_window_probe_ack)$/.test(a);
    out.push([tr("a_" + a), bad ? "bad" : ""]);
  }
  if (p.retransmission && !(p.analysis || []).length) out.push([tr("a_retransmission"), "bad"]);
  if (p.lost) out.push([tr("lost", { k: p.resent_in }), "bad"]);
  return out;
}

function isProblem(p) {
  return labels(p).some(l => l[1] === "bad");
}

/* The chat lines a packet completed, as one short string. */
function chatText(p, max) {
  const parts = (p.messages || []).map(mm => mm.text === undefined ? mm.role : mm.text);
  let s = parts.join(" ⏎ ");
  if (max && s.length > max) s = s.slice(0, max - 1) + "…";
  return s;
}
