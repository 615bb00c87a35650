# tcp/tcpchat.mk — the TCP chat client: a short main on the shared client
# core (shared/client/client.c, shared/client/term.c), linked with libedit.
PROGRAMS += $(BIN)/tcpchat
MANPAGES += man/tcpchat.1

$(BIN)/tcpchat: $(call obj,tcp/tcpchat.c tcp/tcpchat_info.c) $(LIBSHARED)
LDLIBS_tcpchat := $(LDLIBS_EDIT)
