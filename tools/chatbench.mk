# tools/chatbench.mk: chatbench, the load generator and demo bots. Its
# modules form libchatbench.a, which the unit tests link too (they test the
# token scanner and the counting without sockets).
CHATBENCH_SRC := $(filter-out tools/chatbench.c,$(wildcard tools/bench_*.c))
LIBCHATBENCH  := $(BUILD)/libchatbench.a
TEST_LIBS     := $(LIBCHATBENCH) $(TEST_LIBS)
PROGRAMS      += $(BIN)/chatbench
MANPAGES      += man/chatbench.1

$(LIBCHATBENCH): $(call obj,$(CHATBENCH_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/chatbench: $(call obj,tools/chatbench.c) $(LIBCHATBENCH) $(LIBSHARED)

# The unit tests of chatbench's modules include their headers from tools/.
$(BUILD)/tests/unit/test_bench_%.o: ALL_CFLAGS += -Itools
