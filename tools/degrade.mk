# tools/degrade.mk — build the degrader used by the word-error-rate test.
#
# $(BIN)/degrade turns clean text into PDF-extraction-like text plus its
# truth (tools/degrade.c); tests/run-degrade runs it, `beslut normalize` and
# tools/wer over the corpus.  `make check` builds it; `make degrade-check`
# runs only that test.

DEGRADE_OBJ := $(BUILD)/tools/degrade.o

$(BIN)/degrade: $(DEGRADE_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ -lhyphen

check: $(BIN)/degrade

.PHONY: degrade-check
degrade-check: $(BIN)/beslut $(BIN)/degrade
	@BIN=$(BIN) tests/run-degrade

-include $(DEGRADE_OBJ:.o=.d)
