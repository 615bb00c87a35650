# tcp/: tcpchatd, the TCP chat server. Its transport code is a library so
# unit tests can drive a connection without a server process.
TCPD_LIB := $(BUILD)/libtcpchatd.a
# Before libredchat.a, which it uses: static libraries link in order.
TEST_LIBS := $(TCPD_LIB) $(TEST_LIBS)
PROGRAMS  += $(BIN)/tcpchatd
MANPAGES  += man/tcpchatd.1

$(TCPD_LIB): $(call obj,tcp/tcp_conn.c tcp/tcp_out.c tcp/tcp_loop.c \
                          tcp/tcp_loop_settle.c tcp/tcp_threads.c \
                          tcp/tcp_threads_server.c)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/tcpchatd: $(call obj,tcp/tcpchatd.c) $(TCPD_LIB) $(LIBSHARED)

# The unit tests of the connection module include its header from tcp/.
$(BUILD)/tests/unit/test_tcp_%.o: ALL_CFLAGS += -Itcp
