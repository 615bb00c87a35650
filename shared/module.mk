# shared/: what every program links in, as one static library, in five
# parts, each a folder:
#
#   shared/base/    helpers that know nothing of the chat: byte queue, clock,
#                   sockets, bounded formatting, text for XML and HTML
#                   documents, the command line's numbers and --lang, and
#                   the language of the run (lang.h: TR())
#   shared/wire/    the protocol: framing and parsing messages, the rules of
#                   text and nicknames, the es/en catalogue of every line a
#                   program shows, what a client makes of a server's line
#   shared/server/  the server core: the room (members, commands, their
#                   limits and timeouts), output queues, the log, the
#                   servers' command line, signals and console
#   shared/client/  the client core: the chat loop of tcpchat and udpchat,
#                   their command line, the terminal
#   shared/load/    the load engine of chatbench and chatcheck's load
#                   tests: many clients on one epoll loop, tokened
#                   messages, what arrived, lost or late
#
# Each part uses only the ones above it in this list (base, none: the
# language its messages use is its own lang.h). Headers are included by name:
# every folder is on the include path (SHARED_DIRS).
SHARED_DIRS := shared/base shared/wire shared/server shared/client shared/load
SHARED_SRC  := $(wildcard $(addsuffix /*.c,$(SHARED_DIRS)))
LIBSHARED   := $(BUILD)/libredchat.a
TEST_LIBS   += $(LIBSHARED)

$(LIBSHARED): $(call obj,$(SHARED_SRC))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
