# tools/chatcap/chatcap.mk: chatcap, the capture and analysis tool. Its
# decoders and output modules (tools/chatcap/cap_*.c) form libchatcap.a,
# which the unit tests link too; the fixture generator
# (tests/fixtures/gen_fixtures.c) is built here as well.
CHATCAP_SRC := $(wildcard tools/chatcap/cap_*.c)
LIBCHATCAP  := $(BUILD)/libchatcap.a
TEST_LIBS   := $(LIBCHATCAP) $(TEST_LIBS)
PROGRAMS    += $(BIN)/chatcap
MANPAGES    += man/chatcap.1
LDLIBS_chatcap := $(LDLIBS_PCAP)
LDLIBS_gen_fixtures := $(LDLIBS_PCAP)

$(LIBCHATCAP): $(call obj,$(CHATCAP_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/chatcap: $(call obj,tools/chatcap/chatcap.c) $(LIBCHATCAP) $(LIBSHARED)

# The fixture generator: `make fixtures` rewrites tests/fixtures/ (captures
# and golden outputs); `make check` and `make integration` only read them
# (the golden test runs the generator and compares the captures it writes).
GEN_FIXTURES := $(BUILD)/tests/gen_fixtures
$(GEN_FIXTURES): $(call obj,tests/fixtures/gen_fixtures.c tests/fixtures/gen_packets.c tests/fixtures/gen_analysis.c) | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_PCAP)

check integration: $(GEN_FIXTURES)

.PHONY: fixtures
fixtures: $(BIN)/chatcap $(GEN_FIXTURES)
	tests/fixtures/regen.sh $(GEN_FIXTURES) $(BIN)/chatcap

# The unit tests of chatcap's modules include their headers from
# tools/chatcap/.
$(BUILD)/tests/unit/test_cap_%.o: ALL_CFLAGS += -Itools/chatcap
