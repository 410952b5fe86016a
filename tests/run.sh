#!/bin/sh
# The whole test suite; called by `make test` (and .ci/run).  Every part
# prints its own "N passed, N failed" line; this script adds them up and ends
# with one total line.  A part that cannot run counts as one failure.
#
#   AFTERSALES_ASAN=1   also run the unit and API tests and the
#                       allocation-failure loop on the AddressSanitizer +
#                       UBSan build (CI does)
#   AFTERSALES_VALGRIND=1  also run the unit tests and a part of the API tests
#                       (the server) under valgrind memcheck (CI does)
#   AFTERSALES_NO_PG=1  skip the PostgreSQL parts (counted as failures)
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
out=$(mktemp -d /tmp/aftersales-test-XXXXXX)
chmod 755 "$out"
passed=0
failed=0
summary=""

# run NAME CMD...: run a part, echo its output, add its counts
run() {
	name=$1
	shift
	echo "== $name"
	"$@" >"$out/part.log" 2>&1
	status=$?
	cat "$out/part.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/part.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $name: no result line (exit $status)"
		failed=$((failed + 1))
		summary="$summary\n  $name: did not run (exit $status)"
		return
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	summary="$summary\n  $name: $p passed, $f failed"
}

# lint: the OpenAPI document through a real validator
lint_openapi() {
	./aftersales openapi >"$out/openapi.json" &&
	(cd tests && ./node_modules/.bin/redocly lint "$out/openapi.json" --config redocly.yaml) &&
	echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
}

# Node.js: exactly the oldest version the project promises (scripts/node.sh),
# from the registry, first on PATH for every part, so that the web build and
# the test tools are proven on it whatever Node.js this machine has
if nodebin=$(scripts/node.sh bin --exact); then
	PATH="$nodebin:$PATH"
	export PATH
	# the test tools (redocly, semver), installed again when the lockfile moves
	if [ ! tests/node_modules/.package-lock.json -nt tests/package-lock.json ]; then
		(cd tests && npm ci --no-audit --no-fund >"$out/npm-tests.log" 2>&1) ||
			tail -n 20 "$out/npm-tests.log"
	fi
else
	echo "not ok - Node.js $(scripts/node.sh min) could not be installed (scripts/node.sh)"
	failed=$((failed + 1))
fi

pg_up=0
if [ "${AFTERSALES_NO_PG:-0}" != 1 ]; then
	if tests/pg.sh start "$out/pg" >/dev/null 2>"$out/pg.err"; then
		pg_up=1
	else
		cat "$out/pg.err"
	fi
fi
trap 'tests/pg.sh stop "$out/pg" 2>/dev/null; tests/pg.sh stop "$out/pgdur" 2>/dev/null; exit 1' INT TERM

run "Node.js promise: every lockfile package admits it" node tests/node-engines.mjs
run "source lint (make lint: tests/lint/checksrc.sh)" tests/lint/checksrc.sh
run "unit tests (SQLite)" env AFTERSALES_TEST_DB="$out/unit.db" build/unit_tests
run "OpenAPI lint" lint_openapi
run "docs/api.md is generated from the route table" sh -c '{ cat docs/api.head.md; ./aftersales routes; } | diff -u docs/api.md - && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"' 
run "API tests (SQLite)" node tests/api/run.mjs --bin ./aftersales --db "$out/api.db"
if [ "$pg_up" = 1 ]; then
	run "unit tests (PostgreSQL)" env AFTERSALES_TEST_DB="$(tests/pg.sh createdb "$out/pg" unit_t)" build/unit_tests
	run "API tests (PostgreSQL)" node tests/api/run.mjs --bin ./aftersales --db "$(tests/pg.sh createdb "$out/pg" api_t)"
else
	echo "not ok - PostgreSQL parts: no cluster"
	failed=$((failed + 1))
fi
if [ "$pg_up" = 1 ]; then
	run "CLI contract" tests/cli/run.sh ./aftersales "$(tests/pg.sh createdb "$out/pg" cli_t)"
else
	run "CLI contract" tests/cli/run.sh ./aftersales
fi
run "durability: kill -9 during writes (SQLite)" node tests/durability/run.mjs --bin ./aftersales --db "$out/dur.db"
# durability on PostgreSQL: a cluster of its own, since the test kills it (and
# its own port when AFTERSALES_PG_PORT fixes the first one's)
dur_pg() {
	log=$(AFTERSALES_PG_PORT=${AFTERSALES_PG_PORT:+$((AFTERSALES_PG_PORT + 1))} \
	    tests/pg.sh start "$out/pgdur" 2>&1) || { echo "$log"; echo "0 passed, 1 failed"; return 1; }
	node tests/durability/pg.mjs --bin ./aftersales --pgdata "$out/pgdur/data" \
	    --db "$(tests/pg.sh createdb "$out/pgdur" dur_t)"
	st=$?
	tests/pg.sh stop "$out/pgdur"
	return $st
}
if [ "$pg_up" = 1 ]; then
	run "durability: kill -9 of PostgreSQL and the server" dur_pg
fi
run "UI tests (Chromium)" sh -c 'make -s web >"$1/web.log" 2>&1 || { tail -n 30 "$1/web.log"; echo "0 passed, 1 failed"; exit 1; }; node tests/ui/run.mjs --bin ./aftersales' sh "$out"
run "fuzzing (libFuzzer, 45s each)" make -s fuzz FUZZ_SECONDS=45

# valgrind: the API tests of these files with the server under memcheck
vg_api() {
	AFTERSALES_VG_BIN=./aftersales AFTERSALES_VG_LOG="$out/vg" node tests/api/run.mjs \
	    --bin tests/valgrind/aftersales.sh --db "$out/api-vg.db" --only "$1"
	st=$?
	for f in "$out"/vg/serve-*.log; do
		grep -qE 'ERROR SUMMARY: [1-9]' "$f" 2>/dev/null && head -n 150 "$f"
	done
	return $st
}
if [ "${AFTERSALES_VALGRIND:-0}" = 1 ]; then
	vg="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --quiet --suppressions=tests/valgrind/cairo.supp"
	run "unit tests, valgrind memcheck" env AFTERSALES_TEST_DB="$out/unit-vg.db" $vg build/unit_tests
	# 07-abuse is timing-bound (answers within seconds): it runs plain and under ASan, not valgrind
	run "API tests, server under valgrind memcheck (SQLite; 01 03-06 10 11 63 70 72 74)" vg_api 01-,03-,04-,05-,06-,10-,11-,63-,70-,72-,74-
fi

if [ "${AFTERSALES_ASAN:-0}" = 1 ]; then
	if make -s asan >"$out/asan-build.log" 2>&1; then
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
		export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		run "unit tests, ASan+UBSan" env AFTERSALES_TEST_DB="$out/unit-asan.db" build-asan/unit_tests
		run "API tests, ASan+UBSan (SQLite)" node tests/api/run.mjs --bin ./build-asan/aftersales --db "$out/api-asan.db"
		run "allocation-failure loop (SVC_FAIL_ALLOC=1..60), ASan+UBSan" node tests/faults/run.mjs --bin ./build-asan/aftersales --db "$out/faults.db" --max 60
	else
		tail -n 30 "$out/asan-build.log"
		echo "not ok - ASan build failed"
		failed=$((failed + 1))
	fi
fi

[ "$pg_up" = 1 ] && tests/pg.sh stop "$out/pg"
printf "\nsummary:$summary\n"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
