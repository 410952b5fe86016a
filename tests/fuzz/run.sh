#!/bin/sh
# Run each libFuzzer target of tests/fuzz for SECONDS on a scratch copy of
# its committed corpus (new inputs stay out of the repository), after
# replaying the corpus once.  A target that crashes, leaks, hangs or trips a
# sanitizer fails; the input that did it is kept in the scratch folder and
# printed.  Called by `make fuzz`; ends with "N passed, N failed".
#
#   tests/fuzz/run.sh SECONDS TARGET...      (binaries in build-fuzz/)
set -u
cd "$(dirname "$0")/../.."
secs=${1:-30}
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/aftersales-fuzz-XXXXXX")
passed=0
failed=0
for t in "$@"; do
	bin=build-fuzz/$t
	corpus=tests/fuzz/corpus/$t
	if [ ! -x "$bin" ]; then
		echo "not ok - $t: $bin was not built"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$work/$t/new" "$work/$t/crash"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -print_final_stats=1 $dict \
	    -artifact_prefix="$work/$t/crash/" "$work/$t/new" "$corpus" \
	    >"$work/$t/log" 2>&1
	status=$?
	runs=$(grep -E '^stat::number_of_executed_units' "$work/$t/log" | awk '{print $2}')
	cov=$(grep -E '#[0-9]+[[:space:]]+DONE' "$work/$t/log" | sed -E 's/.*cov: ([0-9]+).*/\1/' | tail -n 1)
	if [ "$status" -eq 0 ]; then
		echo "ok - $t: ${runs:-?} inputs in ${secs}s, coverage ${cov:-?}, corpus $(ls "$corpus" | wc -l) files"
		passed=$((passed + 1))
	else
		echo "not ok - $t: exit $status"
		grep -E 'ERROR|SUMMARY|fuzz_|runtime error|Test unit written|Base64' "$work/$t/log" | head -n 20 | sed 's/^/#   /'
		tail -n 40 "$work/$t/log" | sed 's/^/#   /'
		for f in "$work/$t/crash"/*; do
			[ -f "$f" ] && echo "#   input: $f ($(wc -c <"$f") bytes)"
		done
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] && rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
