# udp/udpchatd.mk: the UDP chat server. Its member registry and batched
# sending live in libudpchatd.a, which the unit tests link too.
UDPCHATD_LIB_SRC := udp/udp_peers.c udp/udp_outbox.c udp/udp_sock.c
LIBUDPCHATD      := $(BUILD)/libudpchatd.a

PROGRAMS  += $(BIN)/udpchatd
MANPAGES  += man/udpchatd.1
# Before libredchat.a, which it uses: static libraries link in order.
TEST_LIBS := $(LIBUDPCHATD) $(TEST_LIBS)

$(LIBUDPCHATD): $(call obj,$(UDPCHATD_LIB_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/udpchatd: $(call obj,udp/udpchatd.c udp/udp_loop.c) $(LIBUDPCHATD) $(LIBSHARED)

# The unit tests of those modules find their headers here.
$(BUILD)/tests/unit/test_udp_%.o: ALL_CFLAGS += -Iudp
