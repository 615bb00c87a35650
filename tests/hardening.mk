# tests/hardening.mk: the long runs that `make check` leaves out.
#
#   make soak          every server under chatbench load for SOAK_SECONDS
#                      each (default 180), RSS and descriptors sampled from
#                      /proc after every round; PASS/FAIL on flatness
#   make valgrind      the servers' integration and hostile tests with each
#                      server under valgrind (REDCHAT_WRAP); any leak or
#                      memory error fails the test that started the server
#   make hostile-full  the hostile suite at full size (10,000 connections
#                      in both TCP models)
#   make tsan          tcpchatd built with ThreadSanitizer, and the tests of
#                      its --threads model run against it; any data race
#                      or lock-order report fails the server's test
SOAK_SECONDS ?= 180
VALGRIND     ?= valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
                --max-threads=3000 \
                --error-exitcode=99 --quiet
VALGRIND_TESTS ?= tests/integration/test_tcpchatd.py \
                  tests/integration/test_udpchatd.py \
                  tests/integration/test_hostile.py \
                  tests/integration/test_hostile_udp.py

TSAN_TESTS ?= tests/integration/test_tcpchatd.py \
              tests/integration/test_hostile.py \
              tests/integration/test_lossless.py

.PHONY: soak valgrind hostile-full tsan

soak: all
	REDCHAT_BIN=$(abspath $(BIN)) $(PYTHON) tests/soak.py $(SOAK_SECONDS)

valgrind: all
	REDCHAT_BIN=$(abspath $(BIN)) REDCHAT_WRAP="$(VALGRIND)" \
	  $(PYTHON) -m pytest -q -p no:cacheprovider $(VALGRIND_TESTS)

hostile-full: all
	REDCHAT_BIN=$(abspath $(BIN)) REDCHAT_HOSTILE_FULL=1 \
	  $(PYTHON) -m pytest -q -p no:cacheprovider \
	  tests/integration/test_hostile.py tests/integration/test_hostile_udp.py

# The clients and the other programs are the ordinary build's; only the
# server under test carries the sanitizer (exit status 66 on a report).
# The capacity tests (thousands of connections, 2,000 threads) are left
# out: under ThreadSanitizer each thread costs so much that they measure
# the sanitizer, not a race (make hostile-full runs them).
tsan: all
	$(MAKE) BUILD=build/tsan BIN=build/tsan/bin CFLAGS="-O1 -g -fsanitize=thread" \
	  LDFLAGS=-fsanitize=thread build/tsan/bin/tcpchatd
	cp $(filter-out %/tcpchatd,$(PROGRAMS)) build/tsan/bin/
	REDCHAT_BIN=$(abspath build/tsan/bin) \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	  $(PYTHON) -m pytest -q -p no:cacheprovider -k "threads and not thousand and not documented_limit" \
	  $(TSAN_TESTS)
