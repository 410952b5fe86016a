-- GET a page of 25 customers after a random id, by id or by code (both
-- index-backed): the declared list (row mapping and JSON of 25 records,
-- keyset cursor).
dofile("bench/common.lua")
local n = env_int("BENCH_CUSTOMERS", 50000)
function request()
	local q = "/api/v1/customers?limit=25&cursor=id." .. math.random(1, n)
	if math.random(2) == 1 then
		q = "/api/v1/customers?limit=25&sort=code"
	end
	return wrk.format("GET", q)
end
