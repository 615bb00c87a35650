# check/chatcheck.mk: chatcheck, the protocol checker and grader. It links
# chatbench's library (the load tests reuse its engine) and shared/'s (the
# framer), so neither is copied.
CHATCHECK_SRC := $(wildcard check/check_*.c)
PROGRAMS      += $(BIN)/chatcheck
MANPAGES      += man/chatcheck.1

# $$: tools/chatbench/chatbench.mk, read after this file, names LIBCHATBENCH.
$(BIN)/chatcheck: $(call obj,check/chatcheck.c $(CHATCHECK_SRC)) \
                  $$(LIBCHATBENCH) $$(LIBSHARED)

# chatcheck's load tests include chatbench's headers from tools/chatbench/.
$(BUILD)/check/%.o: ALL_CFLAGS += -Itools/chatbench
