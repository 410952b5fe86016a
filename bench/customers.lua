-- GET a page of 25 customers, by name from a random letter of the
-- generated names or by id from a random id, with a type filter half the
-- time: the declared list (filters, sort keys, keyset cursor).
dofile("bench/common.lua")
local n = env_int("BENCH_CUSTOMERS", 50000)
local types = { "dealer", "distributor", "enterprise", "consumer" }
function request()
	local q = "/api/v1/customers?limit=25"
	if math.random(2) == 1 then
		q = q .. "&type=" .. types[math.random(#types)]
	end
	if math.random(2) == 1 then
		q = q .. "&sort=-distance_km"
	else
		q = q .. "&cursor=id." .. math.random(1, n)
	end
	return wrk.format("GET", q)
end
