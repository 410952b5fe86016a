-- The report catalogue's monthly summary (GET /api/v1/reports/monthly-summary):
-- the twelve months BENCH_FROM .. BENCH_TO (YYYY-MM) of the million-request
-- history as JSON: requests by type, closed, still open, SLA, returns.
dofile("bench/common.lua")
local from = os.getenv("BENCH_FROM") or "2025-12"
local to = os.getenv("BENCH_TO") or "2026-11"
function request()
	return wrk.format("GET", "/api/v1/reports/monthly-summary?from=" ..
		from .. "&to=" .. to)
end
