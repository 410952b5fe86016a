-- common.lua — shared by the bench/*.lua scripts (loaded with dofile).
-- BENCH_TOKEN: a bearer token; done() prints one line "BENCH {json}" that
-- bench/run.sh collects: requests per second, latency percentiles (ms) and
-- the error counts (a benchmark with errors does not count).

local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end

local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end

function init(args)
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function env_int(name, default)
	local v = tonumber(os.getenv(name) or "")
	if v == nil then return default end
	return v
end

function done(summary, latency, requests)
	local secs = summary.duration / 1e6
	local e = summary.errors
	io.write(string.format('BENCH {"requests": %d, "seconds": %.2f, ' ..
		'"rps": %.0f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, ' ..
		'"max_ms": %.3f, "errors": {"connect": %d, "read": %d, ' ..
		'"write": %d, "status": %d, "timeout": %d}}\n',
		summary.requests, secs, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000,
		e.connect, e.read, e.write, e.status, e.timeout))
end
