# langso: one plain Makefile. Objects go to build/$(VARIANT)/ so sanitizer and
# release objects never mix; the release binary is build/langso.
#   make               build build/langso (release, -Werror)
#   make check         unit tests, integration tests (real Kannel), then the same under ASan+UBSan
#   make check-asan    only the sanitized run
#   make fuzz          libFuzzer target on the parser (clang), FUZZ_SECONDS=600
#   make fuzz-box      libFuzzer target on the box protocol decoder
#   make fuzz-menu     libFuzzer target on the USSD menu engine, FUZZ_SECONDS=600
#   make bench         every benchmark under bench/
#   make demo          start Kannel + langso with demo villages (scripts/demo)
#   make deps          install the Debian packages (no-op when present)

PKGS      := libmicrohttpd sqlite3 libpcre2-8 libcurl libutf8proc jansson libsodium
VARIANT   ?= release
SANITIZER ?=
CC        ?= cc

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wvla -Wimplicit-fallthrough -Wundef -Werror
DEFS := -D_DEFAULT_SOURCE -D_GNU_SOURCE
CFLAGS_BASE := $(WARN) $(DEFS) -g -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcsv (libcsv-dev) ships no pkg-config file
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

ifeq ($(VARIANT),asan)
  OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
  OPT := -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
endif
CFLAGS := $(CFLAGS_BASE) $(OPT) $(EXTRA_CFLAGS)
LDFLAGS := $(OPT)

# B may be overridden (make B=build/mine) so that several people or agents
# can build in one checkout without racing on the same objects.
B ?= build/$(VARIANT)
LIB_SRC  := $(wildcard common/*.c parser/*.c menus/*.c storage/*.c actions/*.c) \
            $(filter-out gateway/main.c,$(wildcard gateway/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)

ifeq ($(B),build/release)
  LANGSO := build/langso
else
  LANGSO := $(B)/langso
endif

.PHONY: all deps check check-unit check-it check-asan fuzz fuzz-box fuzz-menu bench demo clean check-layers
all: deps $(LANGSO)

deps:
	@bash scripts/deps.sh

$(LANGSO): $(B)/gateway/main.o $(B)/liblangso.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/liblangso.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c tests/t.c tests/t.h tests/fixture.c tests/fixture.h $(B)/liblangso.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< tests/t.c tests/fixture.c $(B)/liblangso.a $(LIBS)

# The runner's self-test binaries (tests/it/test_runner.sh): not in the suite.
SELFTEST_BIN := $(patsubst tests/selftest/%.c,$(B)/selftest/%,$(wildcard tests/selftest/test_*.c))
$(B)/selftest/%: tests/selftest/%.c tests/t.c tests/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< tests/t.c -lpthread

$(B)/bench/%: bench/%.c $(B)/liblangso.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(B)/liblangso.a $(LIBS)

# The box codec's conformance test links Kannel's own msg_pack/msg_unpack
# (libgw.a from kannel-dev); where kannel-dev is absent it is a script that
# exits 77, which the runner counts as skipped.
KANNEL_DEV := $(wildcard /usr/include/kannel/gw/msg-decl.h)
KANNEL_LIBS := -L/usr/lib/x86_64-linux-gnu/kannel -lgw -lgwlib -lxml2 -lssl -lcrypto \
               -lpcreposix -lpcre -lmariadb -lrt
ifneq ($(KANNEL_DEV),)
$(B)/tests/test_box_kannel: tests/kannel/test_box_kannel.c tests/t.c tests/t.h $(B)/liblangso.a
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror $(DEFS) -g -I. -isystem /usr/include/kannel \
	    -isystem /usr/include/libxml2 $(OPT) -o $@ $< tests/t.c $(B)/liblangso.a $(KANNEL_LIBS) $(LIBS)
else
$(B)/tests/test_box_kannel:
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\necho "# kannel-dev is not installed: no conformance test"\nexit 77\n' > $@
	chmod +x $@
endif

build-tests: $(LANGSO) $(TEST_BIN) $(BENCH_BIN) $(SELFTEST_BIN) $(B)/tests/test_box_kannel
.PHONY: build-tests

# The whole suite: release first, then the same tests under ASan+UBSan.
check: deps check-layers
	$(MAKE) VARIANT=release check-run
	$(MAKE) VARIANT=asan check-run

check-asan: deps
	$(MAKE) VARIANT=asan check-run

# Under the sanitizers everything runs several times slower: the heavy
# integration tests use smaller populations there (same code paths).
SCALE_asan := BROADCAST_N=1000 KILL9_N=1000 BOX_STORM_N=1000
check-run: build-tests
	LANGSO=$(abspath $(LANGSO)) TESTBIN=$(abspath $(B)/tests) VARIANT=$(VARIANT) \
	    $(SCALE_$(VARIANT)) bash tests/run.sh

check-layers:
	@bash tests/check-layers.sh

# The parser's libFuzzer target: built straight from parser/ and common/ (all
# the fuzzed code; nothing else needs clang), ASan+UBSan, aborting on any
# report. New inputs go to build/fuzz/corpus, crashers to build/fuzz/.
fuzz: deps
	@mkdir -p build/fuzz/corpus
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_parser tests/fuzz/fuzz_parser.c \
	    $(wildcard parser/*.c common/*.c) $(LIBS)
	build/fuzz/fuzz_parser -max_total_time=$${FUZZ_SECONDS:-600} -max_len=1200 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	    build/fuzz/corpus tests/fuzz/corpus

# The box protocol decoder's libFuzzer target (gateway/boxmsg.c alone).
fuzz-box: deps
	@mkdir -p build/fuzz/corpus_box
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_box tests/fuzz/fuzz_box.c gateway/boxmsg.c
	build/fuzz/fuzz_box -max_total_time=$${FUZZ_SECONDS:-600} -max_len=70000 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	    build/fuzz/corpus_box tests/fuzz/corpus_box
# The menu engine's libFuzzer target: menus/ and common/ (the engine and
# what it calls), the same sanitizers. New inputs go to
# build/fuzz/corpus_menu, crashers to build/fuzz/menu-.
fuzz-menu: deps
	@mkdir -p build/fuzz/corpus_menu
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_menu tests/fuzz/fuzz_menu.c \
	    $(wildcard menus/*.c common/*.c) $(LIBS)
	build/fuzz/fuzz_menu -max_total_time=$${FUZZ_SECONDS:-600} -max_len=4000 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/menu- \
	    build/fuzz/corpus_menu tests/fuzz/corpus_menu

bench: all $(BENCH_BIN)
	bash bench/run.sh

demo: all
	LANGSO=$(abspath $(LANGSO)) bash scripts/demo

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(B)/gateway/main.d
