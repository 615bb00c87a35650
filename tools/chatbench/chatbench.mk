# tools/chatbench/chatbench.mk: chatbench, the load generator and demo
# bots. Its own modules (tools/chatbench/bench_*.c: --connect-only, --bots,
# the report) form libchatbench.a; the load engine they run on is shared
# with chatcheck and lives in shared/load/ (libredchat.a).
CHATBENCH_SRC := $(wildcard tools/chatbench/bench_*.c)
LIBCHATBENCH  := $(BUILD)/libchatbench.a
PROGRAMS      += $(BIN)/chatbench
MANPAGES      += man/chatbench.1

# Made anew each time (rm first): ar would keep the members of modules
# that have moved away (the engine did, to shared/load/).
$(LIBCHATBENCH): $(call obj,$(CHATBENCH_SRC))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/chatbench: $(call obj,tools/chatbench/chatbench.c) $(LIBCHATBENCH) $(LIBSHARED)
