-- Durable create: POST /api/v1/requests for a random sold unit; each answer
-- comes only after its commit (the server's group commit batches them).
dofile("bench/common.lua")
local units = env_int("BENCH_UNITS", 200000)
local first = env_int("BENCH_FIRST_UNIT", 1)
local titles = { "空调漏水", "冰箱不制冷", "洗衣机异响", "热水器不出热水",
	"净水器出水慢", "叉车无法充电" }
wrk.method = "POST"
wrk.path = "/api/v1/requests"
wrk.headers["Content-Type"] = "application/json"
function request()
	local body = string.format('{"type":"repair","unit_id":%d,' ..
		'"title":"%s","description":"客户来电：%s，请尽快上门",' ..
		'"contact_name":"王伟","contact_phone":"13800138000"}',
		first + math.random(0, units - 1),
		titles[math.random(#titles)], titles[math.random(#titles)])
	return wrk.format(nil, nil, nil, body)
end
