# tests/fuzz.mk — libFuzzer targets (tests/fuzz/, docs/reliability.md).
#
#   make fuzz-build              build the targets with clang (build/fuzz/)
#   make fuzz [FUZZ_SECONDS=N]   run each target N seconds (default 60)
#   make fuzz-smoke              the short run `make check` does
#                                (tests/run-fuzz-smoke, ~20 s per target)
#   make fuzz-read FUZZ_SECONDS=N   one target (read, normalize, pipeline,
#                                grammar, window)
#   make fuzz-replay             run the saved crash inputs again
#   make fuzz-schema             the pipeline corpus through bin/beslut and
#                                the JSON Schema
#
# The targets and the whole library are compiled by clang with
# -fsanitize=fuzzer-no-link,address,undefined into build/fuzz/ and linked
# with -fsanitize=fuzzer.  Each run grows a working corpus in
# build/fuzz/corpus/TARGET from the seeds in tests/fuzz/seeds/TARGET with
# the dictionary tests/fuzz/TARGET.dict; a crash, leak, timeout or failed
# check is written to build/fuzz/artifacts/TARGET/ (keep the ones worth
# keeping under tests/fuzz/crashes/TARGET/).  Extra libFuzzer options:
# FUZZ_OPTS="-jobs=2 -workers=2"; clang: FUZZ_CC=clang-18.
#
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OPTS    ?=
FUZZ_DIR     := build/fuzz
FUZZ_CORPUS    ?= $(FUZZ_DIR)/corpus
FUZZ_ARTIFACTS ?= $(FUZZ_DIR)/artifacts
# extra sanitizer flags, e.g. FUZZ_SAN_EXTRA=-fno-sanitize=pointer-overflow
FUZZ_SAN_EXTRA ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined $(FUZZ_SAN_EXTRA)
FUZZ_CFLAGS  := $(STD) -Wall -Wextra -Wno-unused-parameter -g -O1 -fno-omit-frame-pointer \
                $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -iquote pipeline -iquote include -MMD -MP
FUZZ_TARGETS := read normalize pipeline grammar window
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/fuzz_%)

# max input bytes and per-input time limit (s) of each target
FUZZ_MAXLEN_read      := 4096
FUZZ_MAXLEN_normalize := 8192
FUZZ_MAXLEN_pipeline  := 8192
FUZZ_MAXLEN_grammar   := 4096
FUZZ_MAXLEN_window    := 8192
# seeds and dictionary of each target (window: the pipeline's)
FUZZ_SEEDS = tests/fuzz/seeds/$(if $(filter window,$1),pipeline,$1)
FUZZ_DICT  = tests/fuzz/$(if $(filter window,$1),pipeline,$1).dict
FUZZ_TIMEOUT ?= 30
# per-target environment, e.g. FUZZ_ENV_grammar=ASAN_OPTIONS=detect_leaks=0
FUZZ_ENV_grammar ?=

# Objects and targets are rebuilt when the compiler or its flags change.
FUZZ_FLAGS_NOW := $(FUZZ_CC) $(FUZZ_CFLAGS)
ifneq ($(file < $(FUZZ_DIR)/flags),$(FUZZ_FLAGS_NOW))
  $(shell mkdir -p $(FUZZ_DIR))
  $(file > $(FUZZ_DIR)/flags,$(FUZZ_FLAGS_NOW))
endif

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-replay fuzz-schema $(FUZZ_TARGETS:%=fuzz-%)

$(FUZZ_DIR)/pipeline/%.o: pipeline/%.c $(FUZZ_DIR)/flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/tests/fuzz/%.o: tests/fuzz/%.c $(FUZZ_DIR)/flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror '-DFUZZ_SRCDIR="$(CURDIR)"' -c $< -o $@

$(FUZZ_DIR)/libbeslut.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/bin/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/libbeslut.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# One target for FUZZ_SECONDS; exits non-zero when libFuzzer found something.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/bin/fuzz_%
	@mkdir -p $(FUZZ_CORPUS)/$* $(FUZZ_ARTIFACTS)/$*
	$(FUZZ_ENV_$*) $(FUZZ_DIR)/bin/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAXLEN_$*) \
	  -timeout=$(FUZZ_TIMEOUT) -dict=$(call FUZZ_DICT,$*) -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_ARTIFACTS)/$*/ $(FUZZ_OPTS) \
	  $(FUZZ_CORPUS)/$* $(call FUZZ_SEEDS,$*)

# Run every saved crash input again (tests/fuzz/crashes/TARGET/): one line
# per input, "fixed" or "still fails", with leak detection on.
fuzz-replay: fuzz-build
	@$(foreach t,$(FUZZ_TARGETS),for f in tests/fuzz/crashes/$(t)/*; do [ -f "$$f" ] || continue; \
	  if $(FUZZ_DIR)/bin/fuzz_$(t) -timeout=$(FUZZ_TIMEOUT) "$$f" >/dev/null 2>&1; \
	  then echo "fixed        $$f"; else echo "still fails  $$f"; fi; done;)

# Every input of the pipeline target's corpus (seeds and what the runs
# added) through bin/beslut, the output checked against the published JSON
# Schema (tests/fuzz/schema-check, python3-jsonschema): each kind of
# violation with its count and example inputs.  The libFuzzer target checks JSON and envelope
# in process; this checks every field.
fuzz-schema: $(BIN)/beslut
	tests/fuzz/schema-check $(BIN)/beslut docs/beslut.schema.json $(FUZZ_CORPUS)/pipeline tests/fuzz/seeds/pipeline

fuzz: fuzz-build
	@st=0; for t in $(FUZZ_TARGETS); do \
	  $(MAKE) --no-print-directory fuzz-$$t FUZZ_SECONDS=$(FUZZ_SECONDS) || st=1; \
	done; exit $$st

fuzz-smoke:
	@tests/run-fuzz-smoke

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/fuzz_%.d)
