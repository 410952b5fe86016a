#!/bin/bash
# bench/export.sh — the exports of issue 15 at scale: every request of the
# 1,000,000-request data set as CSV and as Excel through the real server,
# with the time of each download and the server's memory: its resident size
# idle, and its peak (VmHWM) after each export, so "RSS under 64 MB more
# than idle" is read off directly.
#
#   bench/export.sh [DB]     DB: a data set of `aftersales generate`
#                            (default: the one make bench cached in
#                            bench/data); it is only read
#
# Writes bench/data/out/export.json and prints one line per export.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-28418}
db=${1:-$(ls -t bench/data/gen-*.db 2>/dev/null | head -1)}
if [ -z "$db" ] || [ ! -f "$db" ]; then
	echo "bench/export.sh: no data set: run make bench once (it generates" \
		"bench/data/gen-*.db) or give one" >&2
	exit 1
fi
make -s -j2 aftersales
out=bench/data/out
mkdir -p "$out"
tmp=$(mktemp -d)
server_pid=""
stop() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null &&
		wait "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap stop EXIT INT TERM
AFTERSALES_ACCESS_LOG=0 ./aftersales serve --db "$db" \
	--listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
	curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
	sleep 0.1
done
token=$(curl -sf -H 'Content-Type: application/json' \
	-d '{"username":"asmanager","password":"demo-2026"}' \
	"http://127.0.0.1:$port/api/v1/session" |
	sed -E 's/.*"token":"([^"]+)".*/\1/')
kb() { awk "/^$1/{print \$2}" /proc/"$server_pid"/status; }
# warm: one page of the list, as a user would have looked at it first
curl -sf -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$port/api/v1/requests?limit=200" >/dev/null
idle=$(kb VmRSS)
echo "server idle: RSS $((idle / 1024)) MB"
results=""
for fmt in csv xlsx; do
	t0=$(date +%s%N)
	code=$(curl -s -o "$tmp/all.$fmt" -w '%{http_code}' \
		-H "Authorization: Bearer $token" \
		"http://127.0.0.1:$port/api/v1/requests?format=$fmt")
	t1=$(date +%s%N)
	[ "$code" = 200 ] || { echo "$fmt: HTTP $code"; head -c 500 \
		"$tmp/all.$fmt"; exit 1; }
	peak=$(kb VmHWM)
	size=$(stat -c %s "$tmp/all.$fmt")
	if [ "$fmt" = csv ]; then
		rows=$(/usr/bin/python3 -c "
import sys, csv
with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:
    print(sum(1 for _ in csv.reader(f)) - 1)" "$tmp/all.$fmt")
	else
		rows=$(/usr/bin/python3 -c "
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(sum(ws.max_row - 1 for ws in wb.worksheets))" "$tmp/all.$fmt")
	fi
	s=$(awk "BEGIN{printf \"%.1f\", $((t1 - t0)) / 1e9}")
	echo "$fmt: $rows rows, $((size / 1048576)) MB in $s s;" \
		"server peak RSS $((peak / 1024)) MB ($(((peak - idle) / 1024))" \
		"MB over idle)"
	results="$results${results:+,}\"$fmt\":{\"rows\":$rows,\"bytes\":$size,\"seconds\":$s,\"peak_rss_kb\":$peak,\"over_idle_kb\":$((peak - idle))}"
done
echo "{\"idle_rss_kb\":$idle,$results}" >"$out/export.json"
