-- GET one customer by a random id (1..BENCH_CUSTOMERS): a record read and
-- written through its declaration (domain/record).
dofile("bench/common.lua")
local n = env_int("BENCH_CUSTOMERS", 50000)
function request()
	return wrk.format("GET", "/api/v1/customers/" .. math.random(1, n))
end
