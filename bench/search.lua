-- Chinese full-text search: BENCH_Q is a comma-separated list of terms,
-- one picked at random per request.
dofile("bench/common.lua")
local terms = {}
for t in string.gmatch(os.getenv("BENCH_Q") or "", "[^,]+") do
	table.insert(terms, (string.gsub(t, "[^%w]", function(c)
		return string.format("%%%02X", string.byte(c))
	end)))
end
function request()
	return wrk.format("GET", "/api/v1/search?q=" ..
		terms[math.random(#terms)] .. "&limit=20")
end
