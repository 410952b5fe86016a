-- GET /healthz: public, one "SELECT 1" on a pooled connection.
dofile("bench/common.lua")
wrk.path = "/healthz"
