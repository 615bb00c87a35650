# shared/: the message format, text rules, catalogue, room and socket helpers
# that every program links in, as one static library.
SHARED_SRC := $(wildcard shared/*.c)
LIBSHARED  := $(BUILD)/libredchat.a
TEST_LIBS  += $(LIBSHARED)

$(LIBSHARED): $(call obj,$(SHARED_SRC))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
