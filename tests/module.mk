# tests/unit/test_<module>.c: one cmocka program per module. Each links the
# static libraries of every part (TEST_LIBS); only what it uses is pulled in.
# The system libraries come from the Makefile's LDLIBS_* variables, as for
# the programs. `make unit` builds and runs them all.
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS += $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $$(TEST_LIBS) | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -Wl,--start-group $(TEST_LIBS) -Wl,--end-group \
	  $(LDFLAGS) $(LDLIBS_TEST) $(LDLIBS_PCAP) $(LDLIBS_EDIT) $(LDLIBS)
