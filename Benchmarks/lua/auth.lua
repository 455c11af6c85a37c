-- Spreads requests over many people: each request signs in as a random
-- seeded person with the bearer token "bench-user-N".
local people = tonumber(os.getenv("BENCH_PEOPLE") or "2000")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)

request = function()
  local n = math.random(1, people)
  wrk.headers["Authorization"] = "Bearer bench-user-" .. n
  return wrk.format(nil, wrk.path)
end
