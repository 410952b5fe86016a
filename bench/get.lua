-- GET one request by a random id (1..BENCH_REQUESTS).
dofile("bench/common.lua")
local n = env_int("BENCH_REQUESTS", 1000000)
function request()
	return wrk.format("GET", "/api/v1/requests/" .. math.random(1, n))
end
