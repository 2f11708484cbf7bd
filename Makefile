# langso: one plain Makefile. Objects go to build/$(VARIANT)/ so sanitizer and
# release objects never mix; the release binary is build/langso.
#   make               build build/langso (release, -Werror)
#   make check         unit tests, integration tests (real Kannel), then the same under ASan+UBSan
#   make check-asan    only the sanitized run
#   make fuzz          every libFuzzer target below, each FUZZ_SECONDS (600)
#   make fuzz-parser   libFuzzer target on the parser (clang)
#   make fuzz-box      libFuzzer target on the box protocol decoder
#   make fuzz-menu     libFuzzer target on the USSD menu engine, FUZZ_SECONDS=600
#   make fuzz-http     libFuzzer target on HTTP request decoding (clang), FUZZ_SECONDS=600
#   make fuzz-csv      libFuzzer target on the CSV import (in-memory database)
#   make bench         every benchmark under bench/
#   make demo          start Kannel + langso with demo villages (scripts/demo)
#   make deps          install the Debian packages (no-op when present); only deps,
#                      check and demo run it, never a plain make
#   make install       PREFIX=/usr/local DESTDIR=: binary, config in /etc/langso,
#                      examples, systemd units and sysusers file (README, "Production")
#   make uninstall     the same files again, except the config and the database

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
# bench/fixed_h2o.c needs libh2o-evloop-dev: built by make bench only, so a
# machine without h2o still builds and passes make check
BENCH_SRC := $(filter-out bench/fixed_h2o.c,$(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
H2O_BIN   := $(B)/bench/fixed_h2o

ifeq ($(B),build/release)
  LANGSO := build/langso
else
  LANGSO := $(B)/langso
endif

.PHONY: all deps check check-unit check-it check-asan fuzz fuzz-parser fuzz-box fuzz-menu fuzz-http fuzz-csv bench demo \
        clean check-layers install uninstall
all: $(LANGSO)

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

# bench/http_libs.sh's fixed-screen servers: the HTTP libraries alone, no
# langso code linked in
$(B)/bench/fixed_mhd: bench/fixed_mhd.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs libmicrohttpd 2>/dev/null) -lpthread

# H2O_USE_LIBUV=0: Debian's libh2o-evloop is h2o on its own event loop
$(H2O_BIN): bench/fixed_h2o.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DH2O_USE_LIBUV=0 $(shell pkg-config --cflags libh2o-evloop) -o $@ $< \
	    $(shell pkg-config --libs libh2o-evloop)

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

check-asan:
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
# make fuzz runs every target below, each for FUZZ_SECONDS.
fuzz: fuzz-parser fuzz-box fuzz-menu fuzz-http fuzz-csv

fuzz-parser:
	@mkdir -p build/fuzz/corpus
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_parser tests/fuzz/fuzz_parser.c \
	    $(wildcard parser/*.c common/*.c) $(LIBS)
	build/fuzz/fuzz_parser -max_total_time=$${FUZZ_SECONDS:-600} -max_len=1200 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	    build/fuzz/corpus tests/fuzz/corpus

# The box protocol decoder's libFuzzer target (gateway/boxmsg.c alone).
fuzz-box:
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
fuzz-menu:
	@mkdir -p build/fuzz/corpus_menu
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_menu tests/fuzz/fuzz_menu.c \
	    $(wildcard menus/*.c common/*.c) $(LIBS)
	build/fuzz/fuzz_menu -max_total_time=$${FUZZ_SECONDS:-600} -max_len=4000 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/menu- \
	    build/fuzz/corpus_menu tests/fuzz/corpus_menu

# The HTTP request decoding target (tests/fuzz/fuzz_http.c): gateway/request.c
# and gateway/kannel.c over common/, the same flags as make fuzz. New inputs
# go to build/fuzz-http/corpus, crashers to build/fuzz-http/.
fuzz-http:
	@mkdir -p build/fuzz-http/corpus
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz-http/fuzz_http tests/fuzz/fuzz_http.c \
	    gateway/request.c gateway/kannel.c $(wildcard common/*.c) $(LIBS)
	build/fuzz-http/fuzz_http -max_total_time=$${FUZZ_SECONDS:-600} -max_len=4096 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz-http/ \
	    build/fuzz-http/corpus tests/fuzz/corpus_http

# The CSV import's libFuzzer target: actions/import.c over storage/ (an
# in-memory database per input) and common/.
fuzz-csv:
	@mkdir -p build/fuzz/corpus_csv
	clang $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/fuzz_csv tests/fuzz/fuzz_csv.c actions/import.c \
	    $(wildcard storage/*.c common/*.c) $(LIBS)
	build/fuzz/fuzz_csv -max_total_time=$${FUZZ_SECONDS:-600} -max_len=4096 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	    build/fuzz/corpus_csv tests/fuzz/corpus_csv

bench: all $(BENCH_BIN) $(H2O_BIN)
	B=$(B) bash bench/run.sh

demo: deps all
	LANGSO=$(abspath $(LANGSO)) bash scripts/demo

# ---- install (Debian layout; a packager sets PREFIX=/usr DESTDIR=debian/langso) ----
# The config is installed with absolute paths (lexicon, menus, database), so
# langso finds its files from any working directory; an existing config file
# is never replaced. uninstall leaves the config and /var/lib/langso alone.
PREFIX        ?= /usr/local
DESTDIR       ?=
BINDIR        ?= $(PREFIX)/bin
SHAREDIR      ?= $(PREFIX)/share/langso
DOCDIR        ?= $(PREFIX)/share/doc/langso
SYSCONFDIR    ?= /etc
UNITDIR       ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
KANNEL_SBINDIR ?= /usr/sbin
KANNEL_CONF   ?= /etc/kannel/kannel.conf
ETC := $(DESTDIR)$(SYSCONFDIR)/langso
UNITS := langso.service kannel-bearerbox.service kannel-smsbox.service
SUBST := sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
             -e 's|@SHAREDIR@|$(SHAREDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
             -e 's|@SYSUSERSDIR@|$(SYSUSERSDIR)|g' -e 's|@KANNEL_SBINDIR@|$(KANNEL_SBINDIR)|g' \
             -e 's|@KANNEL_CONF@|$(KANNEL_CONF)|g'

install: $(LANGSO)
	install -d $(DESTDIR)$(BINDIR) $(ETC) $(DESTDIR)$(SHAREDIR)/examples $(DESTDIR)$(SHAREDIR)/console \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(LANGSO) $(DESTDIR)$(BINDIR)/langso
	@mkdir -p $(B)
	sed -e 's|^\(path *= *\)var/langso\.db|\1/var/lib/langso/langso.db|' \
	    -e 's|^\(lexicon *= *\)conf/lexicon\.conf|\1$(SYSCONFDIR)/langso/lexicon.conf|' \
	    -e 's|^\(menus *= *\)conf/menus\.conf|\1$(SYSCONFDIR)/langso/menus.conf|' \
	    -e 's|^\(assets *= *\)console |\1$(SHAREDIR)/console |' \
	    conf/langso.conf >$(B)/langso.conf.installed
	@for f in langso.conf:$(B)/langso.conf.installed lexicon.conf:conf/lexicon.conf \
	    menus.conf:conf/menus.conf; do \
	  if [ -e $(ETC)/$${f%%:*} ]; then echo "install: keeping $(ETC)/$${f%%:*}"; \
	  else echo "install -m 0644 $${f#*:} $(ETC)/$${f%%:*}"; \
	    install -m 0644 $${f#*:} $(ETC)/$${f%%:*} || exit 1; fi; done
	install -m 0644 conf/langso.conf conf/kannel.conf conf/demo/villages.csv \
	    conf/demo/people.csv $(DESTDIR)$(SHAREDIR)/examples/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 console/* $(DESTDIR)$(SHAREDIR)/console/
	for u in $(UNITS); do $(SUBST) dist/$$u.in >$(B)/$$u && \
	    install -m 0644 $(B)/$$u $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 0644 dist/langso.sysusers $(DESTDIR)$(SYSUSERSDIR)/langso.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/langso $(DESTDIR)$(SYSUSERSDIR)/langso.conf
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -rf $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR)
	@echo "uninstall: $(ETC) (config) and /var/lib/langso (database) are left in place"

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(B)/gateway/main.d
