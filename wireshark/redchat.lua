-- redchat.lua — a Wireshark dissector for the redchat chat protocol (v1).
--
-- TCP (port 5000) carries one message per line, ended by "\n" ("\r\n"
-- accepted); a line split across segments is put back together (TCP
-- desegmentation) and several lines in one segment are several messages.
-- UDP (port 5001) carries one message per datagram, a trailing newline
-- optional. Both ports can be changed in Preferences > Protocols > REDCHAT.
--
-- Fields (the same words chatcap uses: KINDS below is chatcap's list,
-- cap_role_name() in tools/chatcap/cap_chat.c; a test keeps them equal):
--   redchat.kind     nickname, chat, command, empty, notice, relay or
--                    too_long (over 1024 bytes, which the server drops)
--   redchat.nick     who wrote a relayed message ("NICK: TEXT",
--                    "NICK (private): TEXT")
--   redchat.text     the message (without "NICK: ", without the newline)
--   redchat.command  list, msg, nick, me, help, ping, quit, unknown
--
-- Use from the source tree:   wireshark -X lua_script:wireshark/redchat.lua
--                              tshark -X lua_script:wireshark/redchat.lua ...
-- After `make install`: $PREFIX/lib/wireshark/plugins/redchat.lua (copy or
-- link it into ~/.local/lib/wireshark/plugins/ for your own Wireshark).
--
-- A first line that is an HTTP request ("GET / HTTP/1.1") is not chat:
-- that conversation is left to Wireshark's other dissectors. A first
-- message starting with "/" is a command, never a nickname.
--
-- Out-of-order and retransmitted data: under Wireshark's default
-- preferences TCP does not hand out-of-order segments to a dissector, and
-- their lines would be missing; where the capture shows such segments this
-- dissector says so in Expert Info. Reassembled, nothing is missing: set
--   tcp.reassemble_out_of_order: TRUE
-- (Preferences > Protocols > TCP > "Reassemble out-of-order segments", or
-- tshark -o tcp.reassemble_out_of_order:TRUE), as the profile in the
-- README does.
--
-- Simplification: a client that never sends a newline (the seed lab's
-- Python client) is framed by the server after 200 ms of silence; a
-- dissector cannot see that silence, so such a message is shown when the
-- connection ends or not at all. chatcap frames those as the server does.

local redchat = Proto("redchat", "redchat chat protocol")

-- chatcap's words for what a message is (cap_role_name()).
local KINDS = { "nickname", "chat", "command", "empty", "notice", "relay",
          "too_long" }

local f_kind = ProtoField.string("redchat.kind", "Kind")
local f_nick = ProtoField.string("redchat.nick", "Nickname")
local f_text = ProtoField.string("redchat.text", "Text")
local f_cmd = ProtoField.string("redchat.command", "Command")
redchat.fields = { f_kind, f_nick, f_text, f_cmd }

local e_reorder = ProtoExpert.new("redchat.out_of_order",
  "Segments out of order or lost before this one: without "
  .. "tcp.reassemble_out_of_order:TRUE the chat lines they carry are not "
  .. "shown", expert.group.REASSEMBLE, expert.severity.WARN)
redchat.experts = { e_reorder }

redchat.prefs.tcp_port = Pref.uint("TCP port", 5000, "TCP chat port")
redchat.prefs.udp_port = Pref.uint("UDP port", 5001, "UDP chat port")

local tcp_stream = Field.new("tcp.stream")
local udp_stream = Field.new("udp.stream")
local icmp_type = Field.new("icmp.type")
local icmpv6_type = Field.new("icmpv6.type")
local lost_segment = Field.new("tcp.analysis.lost_segment")
local out_of_order = Field.new("tcp.analysis.out_of_order")

-- Command words, English and Spanish, to the names chatcap uses.
local commands = {
  nick = "nick", list = "list", listar = "list", msg = "msg",
  privado = "msg", me = "me", help = "help", ayuda = "help", ping = "ping",
  quit = "quit", quitar = "quit", salir = "quit",
}

-- The first message each client sent in each conversation (its nickname):
-- conversation key -> "frame:index" of that message.
local first_msg = {}
-- Conversations that are not chat (an HTTP request first): key -> true.
local not_chat = {}

local function to_server(pinfo, port)
  return pinfo.dst_port == port
end

-- Name one message and add it to the tree.
local function add_message(tree, tvb_range, line, from_client, is_first)
  local item = tree:add(redchat, tvb_range)
  local kind, nick, text, cmd = "chat", nil, line, nil
  if #line > 1024 then
    kind = "too_long"
  elseif from_client then
    if is_first then
      kind = "nickname"
    elseif line:match("^[ \t]*$") then
      kind = "empty"
    elseif line:sub(1, 1) == "/" and line:sub(1, 2) ~= "//" then
      kind = "command"
      local word = line:match("^/(%S*)") or ""
      cmd = commands[word:lower()] or "unknown"
    elseif line:lower() == "salir" then
      kind, cmd = "command", "quit"
    end
  else
    kind = "relay"
    if line:sub(1, 4) == "*** " then
      kind = "notice"
    else
      local n, t = line:match("^(%S+) %(priva[dt][oe]%): (.*)$")
      if n == nil then
        n, t = line:match("^(%S+): (.*)$")
      end
      if n ~= nil then
        nick, text = n, t
      end
    end
  end
  item:add(f_kind, tvb_range, kind)
  if nick ~= nil then item:add(f_nick, tvb_range, nick) end
  item:add(f_text, tvb_range, text)
  if cmd ~= nil then item:add(f_cmd, tvb_range, cmd) end
  item:append_text(": " .. kind .. (cmd and (" /" .. cmd) or "") ..
                   " \"" .. text .. "\"")
  return kind
end

-- Is this the client's first message in the conversation?
local function first_of(key, pinfo, index)
  local here = tostring(pinfo.number) .. ":" .. tostring(index)
  if first_msg[key] == nil then
    first_msg[key] = here
  end
  return first_msg[key] == here
end

-- An HTTP request line ("GET /x HTTP/1.1"): not the chat.
local function is_http(line)
  return line:match("^%u+ %S+ HTTP/%d%.%d$") ~= nil
end

local function dissect_tcp(tvb, pinfo, tree)
  local from_client = to_server(pinfo, redchat.prefs.tcp_port)
  local key = "t" .. tostring(tcp_stream() and tcp_stream().value or 0)
  local len, offset, index = tvb:len(), 0, 0
  local subtree = nil
  if not_chat[key] then return 0 end
  if lost_segment() or out_of_order() then
    tree:add_proto_expert_info(e_reorder)
  end
  while offset < len do
    local rest = tvb:raw(offset, len - offset)
    local nl = rest:find("\n", 1, true)
    if nl == nil then                  -- the line goes on in a later segment
      pinfo.desegment_offset = offset
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local line = rest:sub(1, nl - 1):gsub("\r$", "")
    if from_client and first_msg[key] == nil and is_http(line) then
      not_chat[key] = true
      return 0
    end
    if subtree == nil then
      pinfo.cols.protocol = "REDCHAT"
      subtree = tree
    end
    local is_first = from_client and line:sub(1, 1) ~= "/" and
                     first_of(key, pinfo, index)
    local kind = add_message(subtree, tvb(offset, nl), line, from_client,
                             is_first)
    pinfo.cols.info:append(" [" .. kind .. "]")
    offset = offset + nl
    index = index + 1
  end
  return len
end

local function dissect_udp(tvb, pinfo, tree)
  local from_client = to_server(pinfo, redchat.prefs.udp_port)
  local line = tvb:raw():gsub("\n$", ""):gsub("\r$", "")
  local key = "u" .. tostring(udp_stream() and udp_stream().value or 0)
  pinfo.cols.protocol = "REDCHAT"
  local kind = add_message(tree, tvb(), line, from_client,
                           from_client and line:sub(1, 1) ~= "/" and
                           first_of(key, pinfo, 0))
  pinfo.cols.info:append(" [" .. kind .. "]")
  return tvb:len()
end

function redchat.dissector(tvb, pinfo, tree)
  -- Not the copy of a datagram an ICMP error quotes, nor nothing.
  if tvb:len() == 0 or icmp_type() or icmpv6_type() then return 0 end
  if pinfo.port_type == 3 then         -- PT_UDP
    return dissect_udp(tvb, pinfo, tree)
  end
  return dissect_tcp(tvb, pinfo, tree)
end

function redchat.init()
  first_msg = {}
  not_chat = {}
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
