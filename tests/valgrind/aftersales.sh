#!/bin/sh
# Stand-in for ./aftersales for tests/api/run.mjs --bin: `serve` runs under
# valgrind memcheck (a log per process in $AFTERSALES_VG_LOG/), every other
# command (demo, migrate ...) runs natively, for speed.  A memory error or a
# definite leak makes the server exit 99 at SIGTERM, which the runner's
# "SIGTERM drains and exits 0" test reports.
#
#   AFTERSALES_VG_BIN=./aftersales AFTERSALES_VG_LOG=/tmp/vg \
#       node tests/api/run.mjs --bin tests/valgrind/aftersales.sh --db X
bin=${AFTERSALES_VG_BIN:-./aftersales}
log=${AFTERSALES_VG_LOG:-/tmp}
if [ "${1:-}" != serve ]; then
	exec "$bin" "$@"
fi
mkdir -p "$log"
exec valgrind --tool=memcheck --leak-check=full \
    --suppressions="$(dirname "$0")/cairo.supp" \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --error-exitcode=99 --num-callers=30 --log-file="$log/serve-%p.log" \
    "$bin" "$@"
