# quickrail build. `make` builds build/quickrail; `make test` sets up and runs every test;
# `make demo` sets up and runs the blog. SAN=1 builds into build-asan with ASan+UBSan;
# SAN=fuzz builds into build-fuzz with clang, libFuzzer's coverage, ASan and UBSan (`make fuzz`).
CC      ?= cc
SAN     ?= 0
BUILD   ?= $(if $(filter 1,$(SAN)),build-asan,$(if $(filter fuzz,$(SAN)),build-fuzz,build))
QJS     := deps/quickjs
LLHTTP  := /usr/share/llhttp
OPT     ?= -O2

comma   := ,
SANFLAGS := $(if $(filter 1,$(SAN)),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined,)
ifeq ($(SAN),fuzz)
CC       := clang
OPT      := -O1
SANFLAGS := -fsanitize=fuzzer-no-link$(comma)address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
INCS    := -Isrc -I$(BUILD) -I$(QJS) -I/usr/share/include/llhttp -I/usr/include/postgresql
CFLAGS_OWN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $(OPT) -g $(SANFLAGS) $(INCS)
# Vendored code (QuickJS, llhttp) gets ASan but not UBSan under SAN=1: QuickJS 2021-03-27 relies on
# behaviour UBSan rejects (memcpy(NULL, 0), shifts into the sign bit) and every JS test aborted.
DEP_SANFLAGS := $(if $(filter 1,$(SAN)),-fsanitize=address -fno-omit-frame-pointer,$(if $(filter fuzz,$(SAN)),-fsanitize=fuzzer-no-link$(comma)address -fno-omit-frame-pointer,))
CFLAGS_DEP := -D_GNU_SOURCE $(OPT) -g -w $(DEP_SANFLAGS) -I$(QJS) -I/usr/share/include/llhttp
LDLIBS  := -luv -lssl -lcrypto -lsqlite3 -lcjson -lpq -lhiredis -lm -lpthread -ldl
LDFLAGS += $(SANFLAGS)

# QuickJS 2021 has known, harmless undefined behaviour (memcpy of 0 bytes from NULL, shifts of
# negative values) that UBSan would abort on: in SAN=1 builds the engine gets ASan only.
QJS_SANFLAGS := $(if $(filter-out 0,$(SAN)),-fno-sanitize=undefined,)
# The engine is the hot path: -O3 runs 2.6% fewer instructions per blog /articles request and
# 4.0% fewer per /articles.json than -O2 (callgrind, bench/blog/instructions.sh; docs/performance.md).
# Sanitizer builds keep $(OPT); fuzz builds get -O2 (below).
QJS_OPT := $(if $(filter 0,$(SAN)),$(if $(filter -O2,$(OPT)),-O3,$(OPT)),$(OPT))
# For fuzzing the engine is the hot loop of every JS target: -O2 and edge coverage only (the
# interpreter compares on every opcode, and tracing those comparisons cost a third of each run),
# still under ASan. Our own code keeps libFuzzer's full instrumentation.
ifeq ($(SAN),fuzz)
QJS_SANFLAGS += -O2 -fno-sanitize-coverage=trace-cmp
endif
QJS_SRC := quickjs.c libregexp.c libunicode.c cutils.c libbf.c
QJS_OBJ := $(QJS_SRC:%.c=$(BUILD)/qjs/%.o)
LLHTTP_OBJ := $(BUILD)/llhttp/llhttp.o $(BUILD)/llhttp/api.o $(BUILD)/llhttp/http.o
# src/ruby/ is the Ruby front end (lexer, parser, ERB, code generator): objects in $(BUILD)/ruby/.
SRC     := $(wildcard src/*.c src/ruby/*.c)
HDRS    := $(wildcard src/*.h src/ruby/*.h)
OBJ     := $(SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/embed_data.o
LIB_OBJ := $(filter-out $(BUILD)/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
EMBED_FILES := $(shell find lib examples -type f ! -path '*/node_modules/*' ! -name '*.sqlite3*' ! -path '*/tmp/*' ! -path '*/log/*' 2>/dev/null | LC_ALL=C sort)

.PHONY: all setup test unit unit-build demo clean chaos bench fuzz fuzz-build soak
all: $(BUILD)/quickrail

$(QJS)/quickjs.c:
	scripts/fetch-quickjs.sh

$(BUILD)/qjs/%.o: $(QJS)/quickjs.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_DEP) $(QJS_OPT) $(QJS_SANFLAGS) -DCONFIG_VERSION=\"$$(cat $(QJS)/VERSION)\" -DCONFIG_BIGNUM -c $(QJS)/$*.c -o $@

$(BUILD)/llhttp/%.o: $(LLHTTP)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_DEP) -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# lib/ and examples/ are compiled into the binary, so one file is all a user needs.
$(BUILD)/embed_data.c: $(BUILD)/tools/embed $(EMBED_FILES)
	$(BUILD)/tools/embed $@ $(EMBED_FILES)

$(BUILD)/embed_data.o: $(BUILD)/embed_data.c
	$(CC) $(CFLAGS_DEP) -Isrc -c $< -o $@

$(BUILD)/%.o: src/%.c $(HDRS) | $(QJS)/quickjs.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) -c $< -o $@

$(BUILD)/quickrail: $(OBJ) $(QJS_OBJ) $(LLHTTP_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# What each C unit test links: the file it tests and what that file needs (src/ units, plus
# LLHTTP for the parser). A test not listed here links every object (the engine's tests).
UNIT_LINK_test_frame         := frame buf common log
UNIT_LINK_test_static        := static common log
UNIT_LINK_test_profile_svg   := profile_svg buf common log
UNIT_LINK_test_buf           := buf common log
UNIT_LINK_test_pg_sql        := pg_sql buf common log
UNIT_LINK_test_signed_stream := signed_stream buf common log
UNIT_LINK_test_cable_decode  := cable_decode buf common log
UNIT_LINK_test_websocket     := websocket buf common log
UNIT_LINK_test_hub           := hub websocket bridge bridge_pg bridge_redis lazylib buf common log config
UNIT_LINK_test_http          := http message buf common log config LLHTTP
UNIT_LINK_test_pool          := pool pool_workers frame message hub websocket bridge bridge_pg bridge_redis lazylib buf common log config
UNIT_LINK_test_ruby_lexer    := ruby/lexer buf common log
UNIT_LINK_test_ruby_parser   := ruby/parser ruby/parser_stmt ruby/parser_expr ruby/parser_lit ruby/lexer ruby/ast ruby/erb buf common log
UNIT_LINK_test_ruby_erb      := ruby/erb ruby/parser ruby/parser_stmt ruby/parser_expr ruby/parser_lit ruby/lexer ruby/ast buf common log
unit_objs = $(if $(UNIT_LINK_$(1)),$(patsubst %,$(BUILD)/%.o,$(filter-out LLHTTP,$(UNIT_LINK_$(1)))) $(if $(filter LLHTTP,$(UNIT_LINK_$(1))),$(LLHTTP_OBJ)),$(LIB_OBJ) $(QJS_OBJ) $(LLHTTP_OBJ))

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(call unit_objs,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcmocka

unit-build: $(UNIT_BIN)

# libFuzzer targets (fuzz/fuzz_*.c), one per parser or decoder of outside bytes; built by
# `make SAN=fuzz fuzz-build` (clang) and run by fuzz/run.sh. Each links the whole server library.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: fuzz/%.c $(wildcard fuzz/*.h) $(LIB_OBJ) $(QJS_OBJ) $(LLHTTP_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OWN) -fsanitize=fuzzer -o $@ $(filter-out %.h,$^) $(LDFLAGS) $(LDLIBS)

fuzz-build: $(if $(filter fuzz,$(SAN)),$(FUZZ_BIN),)
	$(if $(filter fuzz,$(SAN)),,$(MAKE) SAN=fuzz fuzz-build)

# Each binary runs under a timeout, so a hung test fails instead of hanging CI.
UNIT_TIMEOUT ?= 180
unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do echo "== $$t"; timeout -k 5 $(UNIT_TIMEOUT) $$t || exit 1; done

setup:
	scripts/setup.sh

# The README's test command: installs what it needs, then runs every suite.
test: setup
	$(MAKE) -j$$(nproc) all unit-build
	$(MAKE) -j$$(nproc) SAN=1 all unit-build
	$(MAKE) -j$$(nproc) SAN=fuzz fuzz-build
	tests/run.sh

demo: setup
	$(MAKE) -j$$(nproc) all
	scripts/demo.sh

chaos: setup
	$(MAKE) all
	tests/chaos/run.sh

bench: setup
	scripts/setup-bench.sh
	$(MAKE) all
	bench/run.sh

# The soak (not in CI): the demo blog in production under steady mixed load for SOAK_MINUTES
# (default 30) with 500 Action Cable subscribers and a worker SIGKILLed every 2 minutes; writes
# bench/results/soak-<date>.md and fails on an error, a lost broadcast or a closed socket.
soak: setup
	$(MAKE) all
	node bench/soak.mjs

# Every fuzz target for FUZZ_SECONDS each (default 600); tests/run.sh runs the 30-second variant.
fuzz: setup
	$(MAKE) -j$$(nproc) SAN=fuzz fuzz-build
	fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz
