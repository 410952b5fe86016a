#!/bin/bash
# bench/stock.sh — the spare-parts benchmarks of issue 16 (item 9):
#
#  1. a data set of 100,000 parts x 10 warehouses (1,000,000 stock levels
#     and their receipts; `aftersales generate --parts --warehouses`, with a
#     small request history), generated once into bench/data/ and reused
#     while src/cli/gen*.c and the migrations are unchanged; each run works
#     on a fresh copy;
#  2. the server on it (access log off); as setup, the approval threshold
#     raised (every issue is issued at once, none waits) and 1,000,000 units
#     received into each of BENCH_STOCK_PARTS parts of the first warehouse,
#     so that no issue runs short;
#  3. wrk -t2 -c64 --latency: durable issues (POST /api/v1/stock/requisitions
#     of one unit, each answered after its commit), then GET
#     /api/v1/stock/levels filtered to one warehouse (25 of 100,000), with
#     low=true, and with q= a part-code prefix; each read also with one
#     connection;
#  4. prints one JSON line per run and writes bench/data/out/stock.json.
#
# Knobs: BENCH_PARTS (100000), BENCH_WAREHOUSES (10), BENCH_STOCK_PARTS (200),
# BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNS (64), BENCH_PORT
# (28419), BENCH_ONLY (e.g. "issue levels_q").  SQLite only, like
# bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${BENCH_PARTS:=100000}" "${BENCH_WAREHOUSES:=10}" "${BENCH_STOCK_PARTS:=200}"
: "${BENCH_DURATION:=10s}" "${BENCH_THREADS:=2}" "${BENCH_CONNS:=64}"
: "${BENCH_PORT:=28419}" "${BENCH_ONLY:=}"
data=bench/data
out=$data/out
mkdir -p "$data" "$out"
base=http://127.0.0.1:$BENCH_PORT
say() { printf '%s\n' "$*" >&2; }
want() { [ -z "$BENCH_ONLY" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }
for t in wrk curl sqlite3; do
	command -v $t >/dev/null || { say "bench/stock.sh: needs $t"; exit 1; }
done
make -s -j2 aftersales

# ----- 1. the data set, cached -----
key=$(cat src/cli/gen.c src/cli/gen_stock.c src/store/migrations/*.sql |
	sha1sum | cut -c1-10)
cached=$data/stock-p$BENCH_PARTS-w$BENCH_WAREHOUSES-$key.db
if [ ! -f "$cached" ]; then
	say "generating $cached (once)"
	rm -f "$data"/stock-*.db "$data"/stock-*.db-wal "$data"/stock-*.db-shm \
		"$data"/stock-*.time "$cached.tmp"*
	t0=$(date +%s%N)
	./aftersales generate --db "$cached.tmp" --customers 500 --units 2000 \
		--requests 5000 --months 12 --parts "$BENCH_PARTS" \
		--warehouses "$BENCH_WAREHOUSES" >"$out/stock-generate.txt" 2>&1 ||
		{ cat "$out/stock-generate.txt"; exit 1; }
	t1=$(date +%s%N)
	rm -f "$cached.tmp-wal" "$cached.tmp-shm"
	mv "$cached.tmp" "$cached"
	echo "$(( (t1 - t0) / 1000000 ))" >"${cached%.db}.time"
	say "generated in $(( (t1 - t0) / 1000000000 )) s"
fi
db=$data/stock-work.db
rm -f "$db" "$db-wal" "$db-shm"
cp "$cached" "$db"

# ----- 2. the server and the setup -----
server_pid=""
stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}
trap stop_server EXIT INT TERM
if curl -s -o /dev/null "$base/"; then
	say "bench/stock.sh: port $BENCH_PORT is in use (set BENCH_PORT)"
	exit 1
fi
AFTERSALES_ACCESS_LOG=0 ./aftersales serve --db "$db" \
	--listen "127.0.0.1:$BENCH_PORT" >"$out/stock-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 2000); do
	curl -sf -o /dev/null "$base/api/v1/ping" && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$out/stock-server.log"; exit 1; }
	sleep 0.005
done
login() {
	curl -sf -X POST "$base/api/v1/session" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"demo-2026\"}" |
		sed -E 's/.*"token":"([^"]+)".*/\1/'
}
api() {	# METHOD PATH TOKEN [BODY]
	curl -sf -X "$1" "$base$2" -H "Authorization: Bearer $3" \
		-H 'Content-Type: application/json' ${4:+-d "$4"}
}
first_id() { sed -nE 's/^\{"items":\[\{"id":([0-9]+).*/\1/p'; }
tok_admin=$(login admin)
tok_wh=$(login warehouse)
tok_tech=$(login tech)
first_part=$(sqlite3 "$db" "SELECT id FROM parts WHERE code = 'GP-000001'")
first_wh=$(sqlite3 "$db" "SELECT id FROM warehouses WHERE code = 'GW-01'")
newest=$(api GET "/api/v1/requests?limit=1" "$tok_admin" | first_id)
say "parts from $first_part, warehouses from $first_wh, requests up to $newest"
ver=$(api GET /api/v1/stock/settings "$tok_admin" |
	sed -E 's/.*"version":([0-9]+).*/\1/')
api PUT /api/v1/stock/settings "$tok_admin" \
	"{\"approval_over_fen\":10000000000,\"idle_days\":180,\"labour_rate_fen\":10000,\"version\":$ver}" \
	>/dev/null
for i in $(seq 0 $((BENCH_STOCK_PARTS - 1))); do
	api POST /api/v1/stock/receipts "$tok_wh" \
		"{\"part_id\":$((first_part + i)),\"warehouse_id\":$first_wh,\"qty\":1000000,\"unit_cost_fen\":1500,\"source\":\"purchase\"}" \
		>/dev/null
done
say "received 1,000,000 units into each of $BENCH_STOCK_PARTS parts"

# ----- 3. the runs -----
results="$out/stock.json"
: >"$results"
run() {	# NAME LUA [env...]: one wrk run, its BENCH line
	local name=$1 lua=$2
	want "${name%_c1}" || return 0
	wrk -t"$BENCH_THREADS" -c"$BENCH_CONNS" -d"$BENCH_DURATION" --latency \
		-s "bench/$lua" "$base" >"$out/stock-$name.txt" 2>&1 || true
	local line
	line=$(grep '^BENCH ' "$out/stock-$name.txt" | tail -n 1 | cut -c7-)
	[ -n "$line" ] || { cat "$out/stock-$name.txt" >&2; return 0; }
	printf '{"name": "%s", "load": "%s", "result": %s}\n' "$name" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" "$line" | tee -a "$results"
}
single() { BENCH_THREADS=1 BENCH_CONNS=1 BENCH_DURATION=5s run "$@"; }
export BENCH_PARTS BENCH_WAREHOUSES BENCH_FIRST_WH=$first_wh
before=$(api GET "/api/v1/stock/moves?kind=issue&limit=1" "$tok_admin" | first_id || true)
BENCH_TOKEN=$tok_tech BENCH_PARTS=$BENCH_STOCK_PARTS BENCH_FIRST_PART=$first_part \
	BENCH_WAREHOUSE=$first_wh BENCH_REQUESTS=5000 BENCH_NEWEST=$newest \
	run issue stock_issue.lua
for shape in wh low q; do
	BENCH_TOKEN=$tok_wh BENCH_SHAPE=$shape run "levels_$shape" stock_levels.lua
	BENCH_TOKEN=$tok_wh BENCH_SHAPE=$shape single "levels_${shape}_c1" stock_levels.lua
done
# the issues are real: the journal and the levels agree
after=$(api GET "/api/v1/stock/moves?kind=issue&limit=1" "$tok_admin" | first_id || true)
say "issue moves: newest id ${before:-none} -> ${after:-none}"
stop_server
