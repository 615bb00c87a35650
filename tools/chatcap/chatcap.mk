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

# Each packet clears a decoded packet and an event (200-300 bytes each).
# GCC's generic tuning does that with `rep stos`, which some x86-64 CPUs
# (AMD's) start slowly: a sixth of a `chatcap -r F --summary` run. Where
# the compiler takes these options (GCC on x86), blocks up to 256 bytes
# are cleared and copied with unrolled stores, bigger ones by libc.
CHATCAP_STRINGOPS := -mmemset-strategy=unrolled_loop:256:noalign,libcall:-1:noalign \
                     -mmemcpy-strategy=unrolled_loop:256:noalign,libcall:-1:noalign
ifneq ($(shell $(CC) $(CHATCAP_STRINGOPS) -E -x c /dev/null >/dev/null 2>&1 && echo y),)
$(call obj,$(CHATCAP_SRC) tools/chatcap/chatcap.c): ALL_CFLAGS += $(CHATCAP_STRINGOPS)
endif

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
