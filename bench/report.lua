-- The monthly report: requests of one month counted by type and state.
-- BENCH_MONTHS: comma-separated YYYY-MM list, one picked per request.
dofile("bench/common.lua")
local months = {}
for m in string.gmatch(os.getenv("BENCH_MONTHS") or "", "[^,]+") do
	table.insert(months, m)
end
function request()
	return wrk.format("GET", "/api/v1/reports/requests-monthly?month=" ..
		months[math.random(#months)])
end
