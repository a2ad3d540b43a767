# beslut — build, test, demo.
#
#   make            build bin/beslut
#   make demo       install missing packages, build, run on corpus/ -> out/corpus.jsonl
#   make check      unit tests (Check), golden tests, schema validation
#   make check SAN=1  the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      throughput per stage and end to end (tools/bench)
#   make install PREFIX=/usr/local DESTDIR=   bin/beslut, grammars, lexicons,
#                   man page, bash completion; make uninstall removes them
#
# The sources lie in one folder per stage (pipeline/STAGE/, see
# docs/architecture.md); a file names a header of another stage by its
# folder ("rules/grammar.h").  Every pipeline/*/*.c except cli/main.c goes
# into one static library that the program and the tests link;
# tests/unit/test_*.c each become one Check runner.  Objects of a sanitizer build live apart (build-san/).

PKGS    := icu-uc icu-i18n libpcre2-8 zlib hunspell sqlite3 libarchive
CC      ?= cc
STD     := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g

ifeq ($(SAN),1)
  BUILD := build-san
  BIN   := build-san/bin
  OPT   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
  BUILD := build
  BIN   := bin
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(STD) $(WARN) $(OPT) $(PKG_CFLAGS) -iquote pipeline -iquote include -MMD -MP
LDLIBS  += $(PKG_LIBS) -lstemmer -lpthread -lm
LDFLAGS += $(filter -fsanitize=%,$(OPT))

# The version (one place: the file VERSION) and the installation layout.
VERSION := $(shell cat VERSION)
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
DATADIR := $(PREFIX)/share/beslut
MANDIR  := $(PREFIX)/share/man
COMPDIR := $(PREFIX)/share/bash-completion/completions

LIB_SRC  := $(filter-out pipeline/cli/main.c,$(wildcard pipeline/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/pipeline/cli/main.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BIN)/%)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)

.PHONY: all check demo bench deps clean unit golden schema install uninstall FORCE
.SECONDARY:
all: $(BIN)/beslut

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libbeslut.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/pipeline/common/version.o: VERSION
$(BUILD)/pipeline/common/version.o: CFLAGS += -DBESLUT_VERSION='"$(VERSION)"'

# The data directory compiled into the program (datadir.c, rewritten only
# when PREFIX changes): where an installed or copied beslut finds its
# grammars when none lie beside it.  `make install` links a program of its
# own with the PREFIX it installs to, so bin/beslut is left as it is.
define datadir_c
	@mkdir -p $(dir $@)
	@printf 'const char beslut_datadir[] = "%s";\n' '$(subst ','\'',$(subst ",\",$(subst \,\\,$(1))))' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
endef
$(BUILD)/datadir.c: FORCE
	$(call datadir_c,$(DATADIR))
$(BUILD)/install/datadir.c: FORCE
	$(call datadir_c,$(DATADIR))
$(BUILD)/datadir.o: $(BUILD)/datadir.c
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/install/datadir.o: $(BUILD)/install/datadir.c
	$(CC) $(CFLAGS) -c $< -o $@
FORCE:

$(BIN)/beslut: $(MAIN_OBJ) $(BUILD)/libbeslut.a $(BUILD)/datadir.o
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/install/beslut: $(MAIN_OBJ) $(BUILD)/libbeslut.a $(BUILD)/install/datadir.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# make install PREFIX=/usr/local DESTDIR=/tmp/stage: the program, its
# grammars and lexicons in $(DATADIR), the man page, the bash completion.
install: $(BUILD)/install/beslut
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/grammars $(DESTDIR)$(DATADIR)/lexicons \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 755 $(BUILD)/install/beslut $(DESTDIR)$(BINDIR)/beslut
	install -m 644 grammars/*.bg grammars/README.md $(DESTDIR)$(DATADIR)/grammars/
	install -m 644 lexicons/*.tsv $(DESTDIR)$(DATADIR)/lexicons/
	install -m 644 docs/beslut.schema.json $(DESTDIR)$(DATADIR)/
	install -m 644 docs/beslut.1 $(DESTDIR)$(MANDIR)/man1/beslut.1
	install -m 644 tools/completion/beslut.bash $(DESTDIR)$(COMPDIR)/beslut

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/beslut $(DESTDIR)$(MANDIR)/man1/beslut.1 $(DESTDIR)$(COMPDIR)/beslut
	rm -rf $(DESTDIR)$(DATADIR)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BIN)/test_%: $(BUILD)/tests/unit/test_%.o $(BUILD)/libbeslut.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

deps:
	tools/install-deps

# The main job: install what is missing, build, run on the bundled corpus.
demo: deps
	$(MAKE) all
	@mkdir -p out
	$(BIN)/beslut -o out/corpus.jsonl corpus/ ; st=$$?; [ $$st -le 1 ] || exit $$st
	@tools/count-records out/corpus.jsonl

# All tests; the last line is "N passed, N failed".
check: $(BIN)/beslut $(TEST_BIN)
	@BIN=$(BIN) tests/run-all

unit: $(TEST_BIN)
golden: $(BIN)/beslut
	@BIN=$(BIN) tests/run-golden

bench: all
	tools/bench

clean:
	rm -rf build build-san bin out

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)

# Fragments that add tools and tests of their own (tools/*.mk, tests/*.mk).
-include $(wildcard tools/*.mk tests/*.mk)
