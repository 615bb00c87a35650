# tools/chatbench/chatbench.mk: chatbench, the load generator and demo
# bots. Its modules (tools/chatbench/bench_*.c) form libchatbench.a, which
# the unit tests link too (they test the token scanner and the counting
# without sockets).
CHATBENCH_SRC := $(wildcard tools/chatbench/bench_*.c)
LIBCHATBENCH  := $(BUILD)/libchatbench.a
TEST_LIBS     := $(LIBCHATBENCH) $(TEST_LIBS)
PROGRAMS      += $(BIN)/chatbench
MANPAGES      += man/chatbench.1

$(LIBCHATBENCH): $(call obj,$(CHATBENCH_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/chatbench: $(call obj,tools/chatbench/chatbench.c) $(LIBCHATBENCH) $(LIBSHARED)

# The unit tests of chatbench's modules include their headers from
# tools/chatbench/.
$(BUILD)/tests/unit/test_bench_%.o: ALL_CFLAGS += -Itools/chatbench
