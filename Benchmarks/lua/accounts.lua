-- GET /api/v1/accounts/:id/statuses for random people, as random readers.
local people = tonumber(os.getenv("BENCH_PEOPLE") or "2000")
local ids = {}
for line in io.lines(os.getenv("BENCH_ACCOUNT_IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)

request = function()
  wrk.headers["Authorization"] = "Bearer bench-user-" .. math.random(1, people)
  return wrk.format("GET", "/api/v1/accounts/" .. ids[math.random(1, #ids)] .. "/statuses?limit=20")
end
