# tcp/: tcpchatd, the TCP chat server. Its transport code is a library so
# unit tests can drive a connection without a server process.
TCPD_LIB := $(BUILD)/libtcpchatd.a
TEST_LIBS += $(TCPD_LIB)
PROGRAMS  += $(BIN)/tcpchatd
MANPAGES  += man/tcpchatd.1

$(TCPD_LIB): $(call obj,tcp/tcp_conn.c tcp/tcp_loop.c tcp/tcp_threads.c)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/tcpchatd: $(call obj,tcp/tcpchatd.c) $(TCPD_LIB) $(LIBSHARED)
