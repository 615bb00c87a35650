# check/chatcheck.mk: chatcheck, the protocol checker and grader. It links
# shared/'s library (the framer, and the load engine its load tests share
# with chatbench), so nothing is copied.
CHATCHECK_SRC := $(wildcard check/check_*.c)
PROGRAMS      += $(BIN)/chatcheck
MANPAGES      += man/chatcheck.1

$(BIN)/chatcheck: $(call obj,check/chatcheck.c $(CHATCHECK_SRC)) \
                  $$(LIBSHARED)
