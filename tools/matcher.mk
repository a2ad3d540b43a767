# tools/matcher.mk — the matcher micro-benchmark and the grammar tools.
#
#   make bench-matcher   tokens/s of matcher_run() with the project's
#                        grammars and with ten times as many rules
#   $(BIN)/grammar-try   run one grammar over a text and print its records
#                        (used by tests/run-readme-examples)

BENCH_MATCHER_OBJ := $(BUILD)/tools/bench-matcher.o
GRAMMAR_TRY_OBJ   := $(BUILD)/tools/grammar-try.o

$(BIN)/bench-matcher: $(BENCH_MATCHER_OBJ) $(BUILD)/libbeslut.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/grammar-try: $(GRAMMAR_TRY_OBJ) $(BUILD)/libbeslut.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check: $(BIN)/grammar-try

.PHONY: bench-matcher
bench-matcher: $(BIN)/bench-matcher
	$(BIN)/bench-matcher grammars lexicons corpus 8

-include $(BENCH_MATCHER_OBJ:.o=.d) $(GRAMMAR_TRY_OBJ:.o=.d)
