# tools/relay_limit.mk: relay_limit, the minimal line relay that `make bench`
# measures beside the servers (its "limit" row). A measuring stick for the
# bench, not a product: it is built into $(BIN) but never installed.
BENCH_TOOLS += $(BIN)/relay_limit

$(BIN)/relay_limit: $(call obj,tools/relay_limit.c)
