# tests/fuzz.mk: libFuzzer targets (tests/fuzz/fuzz_*.c) for the framer, the
# parser, the text rules, the room and chatcap's packet path.
#
# They need clang (-fsanitize=fuzzer); gcc builds never touch this file's
# targets. `make fuzz` builds them under build/fuzz (the libraries compiled
# again with clang and coverage) and runs each for FUZZ_SECONDS; `make
# check` runs each for FUZZ_CHECK_SECONDS when clang is installed.
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_CHECK_SECONDS ?= 4
FUZZ_BUILD         := build/fuzz
FUZZ_FLAGS         := -O1 -g -fno-omit-frame-pointer \
                      -fsanitize=fuzzer-no-link,address,undefined \
                      -fno-sanitize-recover=all
FUZZ_NAMES         := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
HAVE_FUZZ_CC       := $(shell command -v $(FUZZ_CC) 2>/dev/null)

.PHONY: fuzz fuzz-build fuzz-targets

# Inside the clang build (BUILD=build/fuzz): link each target.
fuzz-targets: $(addprefix $(BUILD)/fuzz/,$(FUZZ_NAMES))

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $$(LIBCHATCAP) $$(LIBSHARED)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

# fuzz_cap.c includes chatcap's headers from tools/chatcap/.
$(BUILD)/tests/fuzz/%.o: ALL_CFLAGS += -Itools/chatcap

fuzz-build:
	@test -n "$(HAVE_FUZZ_CC)" || { echo "make fuzz needs $(FUZZ_CC)" \
	  "(Debian: clang, libclang-rt-dev)"; exit 1; }
	$(MAKE) BUILD=$(FUZZ_BUILD) BIN=$(FUZZ_BUILD)/bin CC=$(FUZZ_CC) \
	  CFLAGS="$(FUZZ_FLAGS)" fuzz-targets

fuzz: fuzz-build
	tests/fuzz/run.sh $(abspath $(FUZZ_BUILD))/fuzz $(FUZZ_SECONDS)

# `make check` (the plain build only; the sanitizer build skips it, the
# fuzzers carry ASan and UBSan already): short runs, when clang is here.
ifneq ($(HAVE_FUZZ_CC),)
ifeq ($(BUILD),build)
check: fuzz-build
check: export REDCHAT_FUZZ = $(abspath $(FUZZ_BUILD))/fuzz
check: export REDCHAT_FUZZ_SECONDS = $(FUZZ_CHECK_SECONDS)
endif
endif
