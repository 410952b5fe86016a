-- GET /api/v1/stock/levels, a page of 25, in one of three shapes
-- (BENCH_SHAPE): "wh" one random warehouse of BENCH_WAREHOUSES (ids from
-- BENCH_FIRST_WH); "low" the same with low=true; "q" the same with q= a
-- part-code prefix that matches 100 of the generated parts (GP-0123..).
dofile("bench/common.lua")
local shape = os.getenv("BENCH_SHAPE") or "wh"
local nwh = env_int("BENCH_WAREHOUSES", 10)
local firstwh = env_int("BENCH_FIRST_WH", 1)
local nparts = env_int("BENCH_PARTS", 100000)
function request()
	local path = string.format("/api/v1/stock/levels?warehouse_id=%d" ..
		"&limit=25", firstwh + math.random(0, nwh - 1))
	if shape == "low" then
		path = path .. "&low=true"
	elseif shape == "q" then
		path = path .. string.format("&q=GP-%04d",
			math.random(0, math.max(0, math.floor(nparts / 100) - 1)))
	end
	return wrk.format("GET", path)
end
