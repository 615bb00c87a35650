# tools/referee/referee.mk: referee, the second referee of `make bench`'s
# load figures: a reader written apart from chatbench's engine (one thread,
# one epoll set, its own framing and counting). A measuring instrument, not
# a product: built into $(BIN) with all, never installed.
BENCH_TOOLS += $(BIN)/referee

$(BIN)/referee: $(call obj,tools/referee/referee.c tools/referee/ref_io.c) $(LIBSHARED)
