# net/chatnet.mk: chatnet, the virtual classroom network (namespaces, a
# bridge, impairments). Its pure modules (number parsing, the seeded fates,
# the held-packet heap) form libchatnet.a, which the unit tests link too;
# the rest, with libnetfilter-queue, goes into the program alone.
CHATNET_PURE := net/spec.c net/fate.c net/hold.c
CHATNET_SRC  := $(filter-out $(CHATNET_PURE),$(wildcard net/*.c))
LIBCHATNET   := $(BUILD)/libchatnet.a
TEST_LIBS    := $(LIBCHATNET) $(TEST_LIBS)
PROGRAMS     += $(BIN)/chatnet
MANPAGES     += man/chatnet.1
LDLIBS_chatnet = $(shell pkg-config --libs libnetfilter_queue 2>/dev/null)

$(LIBCHATNET): $(call obj,$(CHATNET_PURE))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/chatnet: $(call obj,$(CHATNET_SRC)) $(LIBCHATNET) $(LIBSHARED)

# The unit tests of chatnet's modules include their headers from net/.
$(BUILD)/tests/unit/test_net_%.o: ALL_CFLAGS += -Inet
