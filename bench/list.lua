-- A page of 25 requests filtered by state and type, newest first; the
-- filter varies over common and rare combinations.
dofile("bench/common.lua")
local states = { "closed", "closed", "closed", "in_progress", "waiting",
	"new", "assigned", "resolved", "cancelled" }
local types = { "repair", "repair", "consultation", "complaint",
	"installation", "maintenance", "return" }
function request()
	local s = states[math.random(#states)]
	local t = types[math.random(#types)]
	return wrk.format("GET", "/api/v1/requests?state=" .. s .. "&type=" ..
		t .. "&limit=25")
end
