# tools/chatbench/chatbench.mk: chatbench, the load generator and demo
# bots. Its own modules (tools/chatbench/bench_*.c: --connect-only, --bots,
# the report) form libchatbench.a; the load engine they run on is shared
# with chatcheck and lives in shared/load/ (libredchat.a).
CHATBENCH_SRC := $(wildcard tools/chatbench/bench_*.c)
LIBCHATBENCH  := $(BUILD)/libchatbench.a
PROGRAMS      += $(BIN)/chatbench
MANPAGES      += man/chatbench.1

$(LIBCHATBENCH): $(call obj,$(CHATBENCH_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/chatbench: $(call obj,tools/chatbench/chatbench.c) $(LIBCHATBENCH) $(LIBSHARED)
