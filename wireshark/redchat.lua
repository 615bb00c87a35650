-- redchat.lua — a Wireshark dissector for the redchat chat protocol (v1).
--
-- TCP (port 5000) carries one message per line, ended by "\n" ("\r\n"
-- accepted); a line split across segments is put back together (TCP
-- desegmentation) and several lines in one segment are several messages.
-- UDP (port 5001) carries one message per datagram, a trailing newline
-- optional. Both ports can be changed in Preferences > Protocols > REDCHAT.
--
-- Fields (the same words chatcap uses):
--   redchat.kind     nickname, chat, command, notice or private (and
--                    too_long: over 1024 bytes, which the server drops)
--   redchat.nick     who wrote a relayed or private message ("NICK: TEXT")
--   redchat.text     the message (without "NICK: ", without the newline)
--   redchat.command  list, msg, nick, me, help, ping, quit, unknown
--
-- Use from the source tree:   wireshark -X lua_script:wireshark/redchat.lua
--                              tshark -X lua_script:wireshark/redchat.lua ...
-- After `make install`: $PREFIX/lib/wireshark/plugins/redchat.lua (copy or
-- link it into ~/.local/lib/wireshark/plugins/ for your own Wireshark).
--
-- Simplification: a client that never sends a newline (the seed lab's
-- Python client) is framed by the server after 200 ms of silence; a
-- dissector cannot see that silence, so such a message is shown when the
-- connection ends or not at all. chatcap frames those as the server does.

local redchat = Proto("redchat", "redchat chat protocol")

local f_kind = ProtoField.string("redchat.kind", "Kind")
local f_nick = ProtoField.string("redchat.nick", "Nickname")
local f_text = ProtoField.string("redchat.text", "Text")
local f_cmd = ProtoField.string("redchat.command", "Command")
redchat.fields = { f_kind, f_nick, f_text, f_cmd }

redchat.prefs.tcp_port = Pref.uint("TCP port", 5000, "TCP chat port")
redchat.prefs.udp_port = Pref.uint("UDP port", 5001, "UDP chat port")

local tcp_stream = Field.new("tcp.stream")
local udp_stream = Field.new("udp.stream")
local icmp_type = Field.new("icmp.type")
local icmpv6_type = Field.new("icmpv6.type")

-- Command words, English and Spanish, to the names chatcap uses.
local commands = {
  nick = "nick", list = "list", listar = "list", msg = "msg",
  privado = "msg", me = "me", help = "help", ayuda = "help", ping = "ping",
  quit = "quit", quitar = "quit", salir = "quit",
}

-- The first message each client sent in each conversation (its nickname):
-- conversation key -> "frame:index" of that message.
local first_msg = {}

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
    elseif line:sub(1, 1) == "/" and line:sub(1, 2) ~= "//" then
      kind = "command"
      local word = line:match("^/(%S*)") or ""
      cmd = commands[word:lower()] or "unknown"
    elseif line:lower() == "salir" then
      kind, cmd = "command", "quit"
    end
  else
    if line:sub(1, 4) == "*** " then
      kind = "notice"
    else
      local n, t = line:match("^(%S+) %(priva[dt][oe]%): (.*)$")
      if n ~= nil then
        kind, nick, text = "private", n, t
      else
        n, t = line:match("^(%S+): (.*)$")
        if n ~= nil then
          nick, text = n, t
        end
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

local function dissect_tcp(tvb, pinfo, tree)
  local from_client = to_server(pinfo, redchat.prefs.tcp_port)
  local key = "t" .. tostring(tcp_stream() and tcp_stream().value or 0)
  local len, offset, index = tvb:len(), 0, 0
  local subtree = nil
  while offset < len do
    local rest = tvb:raw(offset, len - offset)
    local nl = rest:find("\n", 1, true)
    if nl == nil then                  -- the line goes on in a later segment
      pinfo.desegment_offset = offset
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local line = rest:sub(1, nl - 1):gsub("\r$", "")
    if subtree == nil then
      pinfo.cols.protocol = "REDCHAT"
      subtree = tree
    end
    local is_first = from_client and first_of(key, pinfo, index)
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
                           from_client and first_of(key, pinfo, 0))
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
