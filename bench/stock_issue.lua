-- Durable issues: POST /api/v1/stock/requisitions of one unit of a random
-- part of BENCH_PARTS (ids from BENCH_FIRST_PART) in warehouse
-- BENCH_WAREHOUSE to a random request of BENCH_REQUESTS (ids up to
-- BENCH_NEWEST).  Each answer after its commit: the level's conditional
-- update, the movement, the requisition, its cost line and audit row.
dofile("bench/common.lua")
local parts = env_int("BENCH_PARTS", 200)
local first = env_int("BENCH_FIRST_PART", 1)
local wh = env_int("BENCH_WAREHOUSE", 1)
local reqs = env_int("BENCH_REQUESTS", 1000)
local newest = env_int("BENCH_NEWEST", 1000)
wrk.method = "POST"
wrk.path = "/api/v1/stock/requisitions"
wrk.headers["Content-Type"] = "application/json"
function request()
	local body = string.format('{"part_id":%d,"warehouse_id":%d,"qty":1,' ..
		'"doc_kind":"request","doc_id":%d,"note":"压测领料"}',
		first + math.random(0, parts - 1), wh,
		newest - math.random(0, reqs - 1))
	return wrk.format(nil, nil, nil, body)
end
