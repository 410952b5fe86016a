# Aftersales — one plain Makefile.  Local overrides go in config.mk.
#   make            build ./aftersales
#   make run        install what is missing, build, demo data, serve on :8080
#   make test       the whole suite (unit, API on SQLite and PostgreSQL, ...)
#   make asan       build with AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmarks on 1,000,000 generated requests (bench/README.md)

CC      ?= cc
PKGS     = libmicrohttpd sqlite3 libpq jansson libsodium xlsxwriter pangocairo fontconfig
WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-missing-field-initializers -Werror
OPT     ?= -O2 -g
XCFLAGS  = $(OPT) -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
BUILD   ?= build
-include config.mk

MIGRATIONS = $(sort $(wildcard src/store/migrations/*.sql))
CORE_SRC = $(wildcard src/util/*.c) src/store/store.c $(wildcard src/store/sqlite/*.c) \
	$(wildcard src/store/pg/*.c) $(wildcard src/domain/*/*.c) src/config.c
SERVER_SRC = $(wildcard src/http/*.c) $(wildcard src/api/*.c) $(wildcard src/cli/*.c)
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/migrations.o
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)

all: aftersales

aftersales: $(BUILD)/aftersales
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/aftersales: $(CORE_OBJ) $(SERVER_OBJ) $(BUILD)/src/main.o
	$(CC) $(XCFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/migrations.c: $(MIGRATIONS) scripts/embed-migrations.sh
	@mkdir -p $(BUILD)
	scripts/embed-migrations.sh $(MIGRATIONS) > $@

$(BUILD)/migrations.o: $(BUILD)/migrations.c
	$(CC) $(XCFLAGS) -c -o $@ $<

$(BUILD)/unit_tests: $(UNIT_SRC) $(CORE_OBJ) tests/unit/harness.h
	$(CC) $(XCFLAGS) -Itests/unit -o $@ $(UNIT_SRC) $(CORE_OBJ) $(LDFLAGS) $(LDLIBS)

deps:
	scripts/deps.sh

run: deps web
	$(MAKE) aftersales
	./aftersales demo --db $${AFTERSALES_DB:-./aftersales.db}
	./aftersales serve --db $${AFTERSALES_DB:-./aftersales.db}

# The web interface (web/dist, served by `aftersales serve`): npm ci and the
# Vite build, when a file of web/ is newer than the build, it is missing, or
# another Node.js built it.  The Node.js is scripts/node.sh's: the first on
# PATH when it keeps the promise (22.13.1 or newer), else one it installs
# into .node/ from the npm registry; make test puts exactly 22.13.1 first.
# $(BUILD)/web-node names the version that built web/dist.
WEB_SRC = $(shell find web/src web/public -type f 2>/dev/null) \
	$(wildcard web/index.html web/*.json web/*.ts web/scripts/*)
WEB_NODE = PATH="$$(scripts/node.sh bin):$$PATH"
web:
	@v=$$($(WEB_NODE) && node --version) && \
	if [ "$$(cat $(BUILD)/web-node 2>/dev/null)" != "$$v" ]; then rm -f web/dist/index.html; fi
	@$(MAKE) --no-print-directory web/dist/index.html
web/dist/index.html: $(WEB_SRC)
	$(WEB_NODE) && cd web && npm ci --no-audit --no-fund && npm run build
	@mkdir -p $(BUILD)
	$(WEB_NODE) && node --version >$(BUILD)/web-node
	touch $@
	if [ -f $@.gz ]; then touch -r $@ $@.gz; fi  # not older: still served

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

test:
	scripts/deps.sh test
	$(MAKE) aftersales $(BUILD)/unit_tests
	tests/run.sh

asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" build-asan/aftersales build-asan/unit_tests

# make fuzz: build the libFuzzer targets of tests/fuzz (clang) and run each
# for FUZZ_SECONDS on a copy of its corpus; ends "N passed, N failed"
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = fuzz_json_decode fuzz_query fuzz_csv_import
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" $(FUZZ_TARGETS:%=build-fuzz/%)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_OBJ) $(SERVER_OBJ)
	$(CC) $(XCFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDFLAGS) $(LDLIBS)

# make lint: the source lint of STYLE.md (banned calls, SQL built with
# printf, include layering, header comments, 80 columns ...); ends
# "N passed, N failed".  Part of make test (tests/run.sh).
lint:
	tests/lint/checksrc.sh

clean:
	rm -rf build build-asan build-clang build-fuzz aftersales

# make bench: wrk against a server on a generated million requests; writes
# bench/results.json and bench/README.md (the data set is cached in bench/data)
bench:
	bench/run.sh

# make bench-pdf: how long a printed page takes (bench/pdf.c; bench/README.md)
$(BUILD)/bench_pdf: bench/pdf.c $(CORE_OBJ)
	$(CC) $(XCFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
bench-pdf: $(BUILD)/bench_pdf
	$(BUILD)/bench_pdf 200

# make bench-json: the JSON writer's cost per list item (bench/json_writer.c)
$(BUILD)/bench_json: bench/json_writer.c $(CORE_OBJ)
	$(CC) $(XCFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
bench-json: $(BUILD)/bench_json
	$(BUILD)/bench_json

.PHONY: all deps run web unit test asan fuzz bench bench-pdf bench-json clean lint
-include $(CORE_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(BUILD)/src/main.d

docs/api.md: docs/api.head.md aftersales
	{ cat docs/api.head.md; ./aftersales routes; } > $@

docs: docs/api.md
.PHONY: docs
