# udp/udpchat.mk — the UDP chat client: a short main on the shared client
# core (shared/client/client.c, shared/client/term.c), linked with libedit.
PROGRAMS += $(BIN)/udpchat
MANPAGES += man/udpchat.1

$(BIN)/udpchat: $(call obj,udp/udpchat.c) $(LIBSHARED)
LDLIBS_udpchat := $(LDLIBS_EDIT)
