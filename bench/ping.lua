-- The no-op route: the HTTP ceiling of this server (no database, no auth).
dofile("bench/common.lua")
wrk.path = os.getenv("BENCH_PING_PATH") or "/api/v1/ping"
