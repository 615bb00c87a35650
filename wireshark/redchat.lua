-- redchat.lua — a Wireshark dissector for the redchat chat protocol (v1):
-- over TCP (port 5000) one message per line ("\n", "\r\n" accepted),
-- over UDP (port 5001) one per datagram, a trailing newline optional. The
-- ports are preferences (Preferences > Protocols > REDCHAT).
--
-- Fields, in chatcap's words (KINDS below is cap_role_name()'s list in
-- tools/chatcap/cap_chat.c; a test keeps them equal): redchat.kind
-- (nickname, chat, command, empty, notice, relay, too_long: over 1024
-- bytes, which the server drops), redchat.nick (who wrote a relayed
-- "NICK: TEXT" or "NICK (private): TEXT"), redchat.text (without "NICK: "
-- or the newline; shown as chatcap shows it), redchat.command (list, msg,
-- nick, me, help, ping, quit, unknown).
--
-- Use: wireshark (or tshark) -X lua_script:wireshark/redchat.lua ...;
-- `make install` puts it in $PREFIX/lib/wireshark/plugins/.
--
-- The design, for TCP. Wireshark's line-based dissectors ask TCP to
-- reassemble (pinfo.desegment_len, tcp_dissect_pdus in C), and TCP hands
-- them each segment as it comes; under its default preferences
-- (tcp.reassemble_out_of_order FALSE, tcp.no_subdissector_on_error TRUE)
-- a segment it judges out of order or retransmitted is handed to no
-- dissector, so its lines would be missing, and a retransmission that
-- also carries new bytes would lose those. So this dissector reads TCP's
-- fields (tcp.stream, tcp.seq_raw, tcp.len, tcp.payload, SYN, FIN) in a
-- postdissector, which runs for every frame, and puts each direction's
-- payload in sequence order itself, as the receiving TCP and chatcap do
-- (tools/chatcap/cap_reasm.c): a segment past a hole waits for it; bytes
-- already framed are not framed again (retransmissions and duplicates add
-- nothing); a line is shown once, on the frame where it became complete
-- in sequence order, where TCP shows it with tcp.reassemble_out_of_order
-- TRUE. The port dissector only claims the payload and never frames what
-- TCP hands it, so nothing is counted twice whatever that preference
-- says. Each frame is read once, in capture order (on the first pass that
-- builds a protocol tree), and what it completes is kept per frame
-- number, so a later pass (tshark -2, a click in Wireshark) shows the
-- same tree. A line whose bytes came in several frames is shown
-- in a "Reassembled chat" tab; one that waited past a hole also gets an
-- Expert Info note. As in chatcap: a hole the peer acknowledged although
-- the capture never had it (tcp.analysis.ack_lost_segment), or one past
-- which 256 segments or 1 MiB wait, is given up on and the line it cut is
-- not shown; nor is one cut by the snapshot length (the bytes after that
-- segment go on in order); a FIN in sequence ends an unterminated line; while a client has
-- never sent a newline (the seed lab's client), its unterminated message
-- ends at its next packet 200 ms or more later (by the capture's clock),
-- as the server ends it (one still open when the capture ends is not
-- shown; chatcap counts it in its summary only).
--
-- A conversation whose first line is an HTTP request is not chat: it is
-- left to Wireshark's other dissectors. A first message starting with "/"
-- is a command, never a nickname; a first message is a nickname only
-- where the connection's SYN was captured (UDP: always).

local redchat = Proto("redchat", "redchat chat protocol")

-- chatcap's words for what a message is (cap_role_name()).
local KINDS = { "nickname", "chat", "command", "empty", "notice", "relay",
          "too_long" }

local MSG_MAX = 1024        -- bytes in a message (shared/wire/msg.h)
local SILENCE = 0.2         -- seconds that end an unterminated message
local HOLD_SEGS = 256       -- segments waiting past a hole (cap_reasm.h)
local HOLD_BYTES = 1048576  -- bytes waiting past a hole, a direction

local f_kind = ProtoField.string("redchat.kind", "Kind")
local f_nick = ProtoField.string("redchat.nick", "Nickname")
local f_text = ProtoField.string("redchat.text", "Text")
local f_cmd = ProtoField.string("redchat.command", "Command")
redchat.fields = { f_kind, f_nick, f_text, f_cmd }

local e_reasm = ProtoExpert.new("redchat.reassembled",
  "Chat line put in sequence order here: some of its bytes came earlier, "
  .. "past a hole this frame filled (out of order, or before a "
  .. "retransmission); see the Reassembled chat tab",
  expert.group.REASSEMBLE, expert.severity.NOTE)
redchat.experts = { e_reasm }

redchat.prefs.tcp_port = Pref.uint("TCP port", 5000, "TCP chat port")
redchat.prefs.udp_port = Pref.uint("UDP port", 5001, "UDP chat port")

local tcp_stream = Field.new("tcp.stream")
local tcp_srcport = Field.new("tcp.srcport")
local tcp_dstport = Field.new("tcp.dstport")
local tcp_seq = Field.new("tcp.seq_raw")
local tcp_len = Field.new("tcp.len")
local tcp_payload = Field.new("tcp.payload")
local tcp_syn = Field.new("tcp.flags.syn")
local tcp_fin = Field.new("tcp.flags.fin")
local ack_lost = Field.new("tcp.analysis.ack_lost_segment")
local keep_alive = Field.new("tcp.analysis.keep_alive")
local udp_stream = Field.new("udp.stream")
local icmp_type = Field.new("icmp.type")
local icmpv6_type = Field.new("icmpv6.type")
local frame_number = Field.new("frame.number")

-- Command words, English and Spanish, to the names chatcap uses.
local commands = {
  nick = "nick", list = "list", listar = "list", msg = "msg",
  privado = "msg", me = "me", help = "help", ayuda = "help", ping = "ping",
  quit = "quit", quitar = "quit", salir = "quit",
}

-- ---------------------------------------------------------------------
-- Naming a message (chatcap's add_message(), cap_chat.c).

-- The code point of the UTF-8 sequence at s[i..] and its length, or nil
-- if it is not one (overlong, a surrogate, cut short: shared/wire/text.c).
local function utf8_at(s, i)
  local c = s:byte(i)
  if c < 0x80 then return c, 1 end
  local n, cp, min
  if c >= 0xC0 and c < 0xE0 then n, cp, min = 2, c - 0xC0, 0x80
  elseif c >= 0xE0 and c < 0xF0 then n, cp, min = 3, c - 0xE0, 0x800
  elseif c >= 0xF0 and c < 0xF8 then n, cp, min = 4, c - 0xF0, 0x10000
  else return nil end
  for k = 1, n - 1 do
    local b = s:byte(i + k)
    if b == nil or b < 0x80 or b >= 0xC0 then return nil end
    cp = cp * 64 + (b - 0x80)
  end
  if cp < min or cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then
    return nil
  end
  return cp, n
end

-- The text as chatcap shows it (text_sanitize()): bytes that are not
-- UTF-8 become U+FFFD, control characters but tab ^X, C1 controls and
-- bidirectional overrides \uXXXX.
local function sanitize(s)
  if not s:find("[^\t\32-\126]") then return s end
  local out, i = {}, 1
  while i <= #s do
    local cp, n = utf8_at(s, i)
    if cp == nil then
      table.insert(out, "\239\191\189")
      n = 1
    elseif cp == 9 then
      table.insert(out, "\t")
    elseif cp < 0x20 or cp == 0x7F then
      table.insert(out, "^" .. string.char(cp == 0x7F and 63 or cp + 64))
    elseif (cp >= 0x80 and cp <= 0x9F) or (cp >= 0x202A and cp <= 0x202E)
        or (cp >= 0x2066 and cp <= 0x2069) then
      table.insert(out, string.format("\\u%04X", cp))
    else
      table.insert(out, s:sub(i, i + n - 1))
    end
    i = i + n
  end
  return table.concat(out)
end

-- {kind, nick, text, cmd} of one line; conv.nick_known as chatcap keeps it.
local function name_message(conv, line, from_client, too_long)
  local m = { kind = "chat", text = sanitize(line) }
  if too_long then
    m.kind, m.text = "too_long", ""       -- chatcap shows no text
  elseif not from_client then
    m.kind = line:sub(1, 4) == "*** " and "notice" or "relay"
    -- The server accepted a nickname ("*** Hello NICK, ..."): chatcap
    -- takes it as the client's (cap_chat_nick_truth()).
    if line:match("^%*%*%* Hello [^ ]") or line:match("^%*%*%* Hola [^ ]") then
      conv.nick_known = true
    end
    if m.kind == "relay" then
      local n, t = m.text:match("^(%S+) %(priva[dt][oe]%): (.*)$")
      if n == nil then n, t = m.text:match("^(%S+): (.*)$") end
      m.nick, m.text = n, t or m.text
    end
  elseif conv.syn and not conv.nick_known and line:sub(1, 1) ~= "/" then
    m.kind = "nickname"
  elseif line:match("^[ \t]*$") then
    m.kind = "empty"
  elseif line:sub(1, 1) == "/" and line:sub(1, 2) ~= "//" then
    m.kind = "command"
    m.cmd = commands[(line:match("^/(%S*)") or ""):lower()] or "unknown"
  elseif line:lower() == "salir" then
    m.kind, m.cmd = "command", "quit"
  end
  if from_client and not too_long and m.kind ~= "command" then
    conv.nick_known = true
  end
  return m
end

-- Add message m to the tree, on range r.
local function show_message(tree, r, m)
  local item = tree:add(redchat, r)
  item:add(f_kind, r, m.kind)
  if m.nick ~= nil then item:add(f_nick, r, m.nick) end
  item:add(f_text, r, m.text)
  if m.cmd ~= nil then item:add(f_cmd, r, m.cmd) end
  item:append_text(": " .. m.kind .. (m.cmd and (" /" .. m.cmd) or "") ..
                   " \"" .. m.text .. "\"")
  return item
end

-- An HTTP request line ("GET /x HTTP/1.1"): not the chat.
local function is_http(line)
  return line:match("^%u+ %S+ HTTP/%d%.%d$") ~= nil
end

-- ---------------------------------------------------------------------
-- State, rebuilt on every first pass (redchat.init).

local convs = {}    -- tcp.stream -> {syn, nick_known, lines, not_chat,
                    --                dir = {[true] = client's, [false]}}
local at_frame = {} -- frame number -> list of messages completed there
local read_upto = 0 -- frames read, in order, so far

-- A message completed while reading frame `frame`: its bytes are
-- `bytes` (the line and its newline); `off` is where they start in that
-- frame's payload when they all came in it (nil if not); `late` if some
-- of them waited past a hole.
local function complete(conv, d, frame, line, too_long, bytes, off, late)
  if conv.not_chat then return end
  if d.from_client and conv.lines == 0 and is_http(line) then
    conv.not_chat = true
    return
  end
  conv.lines = conv.lines + 1
  local m = name_message(conv, line, d.from_client, too_long)
  m.bytes, m.off, m.late = bytes, off, late
  at_frame[frame] = at_frame[frame] or {}
  table.insert(at_frame[frame], m)
end

-- ---------------------------------------------------------------------
-- Framing one direction (the server's msg_framer, shared/wire/msg.c):
-- d.buf the unterminated line, d.discarding past an overlong line's
-- limit, d.newline_seen, d.skip_line the tail of a line cut by a hole,
-- d.buf_late whether d.buf holds bytes that waited past a hole.

-- Frame data, bytes `base`.. of frame `src`'s payload, read at frame `at`
-- (`late` if they waited past a hole).
local function frame_bytes(conv, d, data, at, src, base, late)
  local pos, here = 1, (src == at)
  if d.skip_line then
    local nl = data:find("\n", 1, true)
    if nl == nil then return end
    pos, d.skip_line = nl + 1, false
  end
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    if d.discarding then
      if nl == nil then return end
      pos, d.discarding, d.newline_seen = nl + 1, false, true
    elseif nl == nil then
      local piece = data:sub(pos)
      local n = #d.buf + #piece
      if n > MSG_MAX + 1 or (n > MSG_MAX and piece:sub(-1) ~= "\r") then
        complete(conv, d, at, d.buf .. piece, true, d.buf .. piece,
                 (here and #d.buf == 0) and (base + pos - 1) or nil,
                 late or d.buf_late)
        d.buf, d.discarding, d.buf_late = "", true, false
      else
        d.buf, d.buf_late = d.buf .. piece, late or d.buf_late
      end
      return
    else
      local whole = here and #d.buf == 0
      local bytes = d.buf .. data:sub(pos, nl)
      local line = bytes:sub(1, -2):gsub("\r$", "")
      complete(conv, d, at, line, #line > MSG_MAX, bytes,
               whole and (base + pos - 1) or nil, late or d.buf_late)
      d.buf, d.buf_late, d.newline_seen, pos = "", false, true, nl + 1
    end
  end
end

-- The unterminated line ends here (a silence, or a FIN): chatcap's
-- msg_framer_flush / msg_framer_finish.
local function flush(conv, d, at, fin)
  if d.discarding then
    d.discarding = false
    if fin then d.buf = "" end
    return
  end
  if #d.buf == 0 or d.skip_line then return end
  local line, late = d.buf, d.buf_late
  d.buf, d.buf_late = "", false
  if fin then line = line:gsub("\r$", "") end
  if #line <= MSG_MAX then
    complete(conv, d, at, line, false, line, nil, late)
  end
end

-- A hole will not be filled: drop the line it cut (cap_chat_resync).
local function resync(d)
  d.buf, d.buf_late, d.discarding = "", false, false
  d.skip_line = d.newline_seen
end

-- ---------------------------------------------------------------------
-- Sequence order (tools/chatcap/cap_reasm.c). Sequence numbers are the
-- absolute ones (tcp.seq_raw), compared modulo 2^32.

local function seq_diff(a, b)   -- a - b, signed
  local x = (a - b) % 4294967296
  return x >= 2147483648 and x - 4294967296 or x
end

-- A client that never sent a newline: its unterminated message ends
-- when the sender's next packet comes 200 ms or more after its last data.
local function silence(conv, d, at, t)
  if not d.newline_seen and t - (d.last or t) >= SILENCE then
    flush(conv, d, at, false)
  end
end

-- Frame what waited past the hole just filled (d.next reached it).
local function drain(conv, d, at)
  local i = 1
  while i <= #d.held do             -- few wait at once: a linear search
    local s = d.held[i]
    local skip = seq_diff(d.next, s.seq)
    if skip < 0 then
      i = i + 1
    else                            -- it follows on, or was all framed
      table.remove(d.held, i)
      d.held_bytes = d.held_bytes - #s.data
      if skip < #s.data then
        frame_bytes(conv, d, s.data:sub(skip + 1), at, s.frame, skip, true)
        d.next = (s.seq + #s.data) % 4294967296
      end
      i = 1
    end
  end
end

-- Frame data starting at seq (from frame src) at time t, then whatever
-- waited past the hole it fills.
local function feed(conv, d, data, seq, src, at, base, t)
  silence(conv, d, at, t)
  frame_bytes(conv, d, data, at, src, base, src ~= at)
  d.last = t
  d.next = (seq + #data) % 4294967296
  drain(conv, d, at)
end

-- Give up on the hole before the waiting segments (the peer acknowledged
-- bytes the capture never had).
local function skip_hole(conv, d, at, t)
  if #d.held == 0 then return end
  local low = 1
  for i, s in ipairs(d.held) do
    if seq_diff(s.seq, d.held[low].seq) < 0 then low = i end
  end
  local s = table.remove(d.held, low)
  d.held_bytes = d.held_bytes - #s.data
  resync(d)
  feed(conv, d, s.data, s.seq, s.frame, at, 0, t)
end

-- Whether a segment waits at a sequence number below seq.
local function held_before(d, seq)
  for _, s in ipairs(d.held) do
    if seq_diff(s.seq, seq) < 0 then return true end
  end
  return false
end

-- Give up on the hole(s) before seq: what waits below it goes on in
-- sequence order from the lowest, then the hole just before seq.
local function give_up_before(conv, d, seq, at, t)
  while seq_diff(d.next, seq) < 0 and held_before(d, seq) do
    skip_hole(conv, d, at, t)
  end
  if seq_diff(d.next, seq) < 0 then
    resync(d)
    d.next = seq
  end
end

-- A segment the snapshot length cut: the line it cut is not shown, the
-- stream goes on after the whole segment.
local function cut_segment(conv, d, at, seq, len, t)
  local stop = (seq + len) % 4294967296
  if seq_diff(d.next, stop) >= 0 then return end     -- all framed already
  give_up_before(conv, d, seq, at, t)
  if seq_diff(d.next, stop) >= 0 then return end     -- what waited did
  resync(d)
  d.next = stop
  drain(conv, d, at)                                 -- what waited after it
end

local function new_dir(from_client)
  return { from_client = from_client, held = {}, held_bytes = 0, buf = "",
           newline_seen = false }
end

-- One segment's payload (seq, data; len bytes on the wire) of direction d.
local function segment(conv, d, at, seq, len, data, t, ka)
  if len == 0 or ka then return silence(conv, d, at, t) end
  if d.next == nil then d.next = d.isn and (d.isn + 1) % 4294967296 or seq end
  if #data < len then                  -- cut by the snapshot length
    return cut_segment(conv, d, at, seq, len, t)
  end
  local gap = seq_diff(seq, d.next)
  if gap > 0 then                      -- a hole before: wait for it
    if #d.held < HOLD_SEGS and len <= HOLD_BYTES - d.held_bytes then
      table.insert(d.held, { seq = seq, data = data, frame = at })
      d.held_bytes = d.held_bytes + len
      return
    end
    give_up_before(conv, d, seq, at, t) -- no room: go on
    gap = seq_diff(seq, d.next)
  end
  if -gap >= len then return end       -- all framed already
  feed(conv, d, data:sub(1 - gap), (seq - gap) % 4294967296, at, at, -gap,
       t)
end

-- Read this frame's TCP segment.
local function read_tcp(pinfo, port)
  local stream, len = tcp_stream(), tcp_len()
  if stream == nil or len == nil or icmp_type() or icmpv6_type() then
    return
  end
  local from_client = tcp_dstport().value == port
  if not from_client and tcp_srcport().value ~= port then return end
  local conv = convs[stream.value]
  if conv == nil then
    conv = { lines = 0, dir = { [true] = new_dir(true),
                                [false] = new_dir(false) } }
    convs[stream.value] = conv
  end
  local d, seq = conv.dir[from_client], tcp_seq().value
  if tcp_syn().value then
    d.isn, d.next = seq, nil
    if from_client then conv.syn = true end
    seq = (seq + 1) % 4294967296
  end
  local payload = tcp_payload()
  segment(conv, d, pinfo.number, seq, len.value,
          payload and payload.range:raw() or "", pinfo.abs_ts,
          keep_alive() ~= nil)
  if ack_lost() then
    skip_hole(conv, conv.dir[not from_client], pinfo.number, pinfo.abs_ts)
  end
  if tcp_fin().value and d.next ~= nil and #d.held == 0 and
     seq_diff(d.next, seq + len.value) == 0 then
    flush(conv, d, pinfo.number, true)
  end
end

-- ---------------------------------------------------------------------
-- The tree.

-- Show the messages completed in this frame.
local function show_tcp(pinfo, tree)
  local msgs = at_frame[pinfo.number]
  if msgs == nil then return end
  local payload, joined, spans = tcp_payload(), {}, 0
  for _, m in ipairs(msgs) do
    if m.off == nil then table.insert(joined, m.bytes) end
  end
  local extra = nil
  if #joined > 0 then
    extra = ByteArray.new(table.concat(joined), true):tvb("Reassembled chat")
  end
  pinfo.cols.protocol = "REDCHAT"
  for _, m in ipairs(msgs) do
    local item
    if m.off ~= nil then
      item = show_message(tree, payload.range:range(m.off, #m.bytes), m)
    else
      item = show_message(tree, extra(spans, #m.bytes), m)
      spans = spans + #m.bytes
    end
    if m.late then item:add_proto_expert_info(e_reasm) end
    pinfo.cols.info:append(" [" .. m.kind .. "]")
  end
end

local function dissect_udp(tvb, pinfo, tree)
  -- A datagram cut by the snapshot length: its message cannot be read.
  if tvb:len() < tvb:reported_len() then return 0 end
  local from_client = pinfo.dst_port == redchat.prefs.udp_port
  local line = tvb:raw():gsub("\n$", ""):gsub("\r$", "")
  local key = udp_stream() and udp_stream().value or 0
  local conv = convs["u" .. key] or { syn = true, lines = 0 }
  convs["u" .. key] = conv
  local m = at_frame[pinfo.number]
  if m == nil and frame_number() == nil then   -- no tree: read it later
    return tvb:len()
  elseif m == nil then
    m = name_message(conv, line, from_client, #line > MSG_MAX)
    at_frame[pinfo.number] = m
  end
  pinfo.cols.protocol = "REDCHAT"
  show_message(tree, tvb(), m)
  pinfo.cols.info:append(" [" .. m.kind .. "]")
  return tvb:len()
end

-- Called by TCP and UDP for the chat ports. Over TCP it only claims the
-- payload (the postdissector below shows the lines), unless the
-- conversation is not chat or this is its first line, an HTTP request.
function redchat.dissector(tvb, pinfo, tree)
  -- Not the copy of a datagram an ICMP error quotes, nor nothing.
  if tvb:len() == 0 or icmp_type() or icmpv6_type() then return 0 end
  if pinfo.port_type == 3 then         -- PT_UDP
    return dissect_udp(tvb, pinfo, tree)
  end
  local conv = tcp_stream() and convs[tcp_stream().value]
  if conv ~= nil and conv.not_chat then return 0 end
  if (conv == nil or conv.lines == 0) and
     is_http((tvb:raw():match("^([^\n]*)\n") or ""):gsub("\r$", "")) then
    return 0
  end
  return tvb:len()
end

-- Every frame, including those TCP did not hand to the dissector. Each
-- frame is read once, in capture order: on the first pass, or on the
-- first that has a protocol tree to read fields from (tshark -2 with no
-- filter builds none on its first pass).
local post = Proto("redchat_order", "redchat sequence order")

function post.dissector(tvb, pinfo, tree)
  if pinfo.number == read_upto + 1 and frame_number() ~= nil then
    read_upto = pinfo.number
    read_tcp(pinfo, redchat.prefs.tcp_port)
  end
  show_tcp(pinfo, tree)
end

register_postdissector(post)

function redchat.init()
  convs, at_frame, read_upto = {}, {}, 0
end

-- Ports: registered now, and again when the preferences change.
local tcp_table = DissectorTable.get("tcp.port")
local udp_table = DissectorTable.get("udp.port")
local tcp_now, udp_now = 0, 0

local function register_ports()
  if tcp_now ~= 0 then tcp_table:remove(tcp_now, redchat) end
  if udp_now ~= 0 then udp_table:remove(udp_now, redchat) end
  tcp_now, udp_now = redchat.prefs.tcp_port, redchat.prefs.udp_port
  tcp_table:add(tcp_now, redchat)
  udp_table:add(udp_now, redchat)
end

function redchat.prefs_changed()
  register_ports()
end

register_ports()
