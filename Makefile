# redchat — the one build entry point.
#
# Each part of the tree adds its programs and tests in its own fragment
# (shared/module.mk, tcp/tcpchatd.mk, tools/chatcap/chatcap.mk, ...), so this
# file only holds what is common: flags, the rules that compile and link,
# the test targets and the phony targets.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BUILD      ?= build
BIN        ?= bin
PYTHON     ?= /usr/bin/python3

CC         ?= cc
CFLAGS     ?= -O2 -g
# A warning stops the build where we choose it: a plain `make`, `make check`
# and `make sanitize`. With flags of your own (make CFLAGS=-Wconversion,
# or CFLAGS in the environment) the build shows the warnings and goes on;
# WERROR=-Werror makes it stop again.
ifneq ($(filter check sanitize,$(MAKECMDGOALS)),)
WERROR     ?= -Werror
else ifneq ($(filter command line environment,$(origin CFLAGS)),)
WERROR     ?=
else
WERROR     ?= -Werror
endif
WARNFLAGS  := -std=c11 -Wall -Wextra -Wpedantic -Wshadow \
              -Wstrict-prototypes -Wmissing-prototypes $(WERROR)
PKGS       := libedit libpcap cmocka libnetfilter_queue
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_CFLAGS  = $(WARNFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(addprefix -I,$(SHARED_DIRS)) \
              -D_GNU_SOURCE -DREDCHAT_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS_EDIT := -ledit
LDLIBS_PCAP := -lpcap
LDLIBS_TEST := -lcmocka
LDLIBS      = -lpthread

SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all

PROGRAMS   :=
BENCH_TOOLS :=  # built with all, never installed
UNIT_TESTS :=
MANPAGES   :=

# Object file for a source file: build/<dir>/<name>.o
obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

.PHONY: all deps ensure-deps check unit integration sanitize install \
        uninstall clean demo bench
.SECONDEXPANSION:
.SECONDARY:
all:

include shared/module.mk
# Every other fragment: those of each folder (tcp/tcpchatd.mk, tests/module.mk,
# ...) and one per program under tools/ (tools/chatcap/chatcap.mk, ...).
include $(filter-out shared/module.mk,$(wildcard */*.mk tools/*/*.mk))

all: $(LIBSHARED) $(PROGRAMS) $(BENCH_TOOLS)

# --- dependencies ----------------------------------------------------------
# `make deps` installs what is missing; every build checks first and calls it
# only when a library is absent (pkg-config answers in a few milliseconds).
deps:
	@scripts/deps.sh

ensure-deps:
	@pkg-config --exists $(PKGS) || scripts/deps.sh

# --- compiling -------------------------------------------------------------
$(BUILD)/%.o: %.c | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BIN)/%: | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.o %.a,$^) $(LDFLAGS) $(LDLIBS_$(*F)) $(LDLIBS)

# --- tests -----------------------------------------------------------------
# scripts/run-tests runs every unit test, integration test, fuzzer (when
# tests/fuzz.mk finds clang) and lab script and ends with one "N passed,
# N failed" line; it exits non-zero on any failure. `make unit` runs the
# unit tests alone, `make integration` the integration tests alone.
RUN_TESTS = REDCHAT_BIN=$(abspath $(BIN)) REDCHAT_BUILD=$(abspath $(BUILD)) \
            PYTHON=$(PYTHON) scripts/run-tests

check: all $(UNIT_TESTS)
	@$(RUN_TESTS) $(UNIT_TESTS)

unit: $(UNIT_TESTS)
	@$(RUN_TESTS) --only unit $(UNIT_TESTS)

integration: all
	@$(RUN_TESTS) --only integration

sanitize:
	$(MAKE) BUILD=build/san BIN=build/san/bin CFLAGS="$(SAN_FLAGS)" \
	  LDFLAGS="-fsanitize=address,undefined" check

# --- instructor demo and benchmark -------------------------------------------
# make demo [LOSS=N]; sudo make demo NET=1 [DELAY=40ms] [LOSS=N] runs it across
# chatnet (servers and bots on different hosts of a namespace network).
demo: all
	@labs/demo.sh

bench: all
	@scripts/bench.sh

# --- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MANPAGES) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/lib/wireshark/plugins
	install -m 644 wireshark/redchat.lua $(DESTDIR)$(PREFIX)/lib/wireshark/plugins/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MANPAGES)))
	rm -f $(DESTDIR)$(PREFIX)/lib/wireshark/plugins/redchat.lua

clean:
	rm -rf $(BUILD) $(BIN)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
