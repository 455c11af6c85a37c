-- A web page as a signed-in person sees it: each request carries the
-- session cookie of a random seeded person ("bench-session-N", made by
-- bench.py before the run).
local people = tonumber(os.getenv("BENCH_PEOPLE") or "2000")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)

request = function()
  local n = math.random(1, people)
  wrk.headers["Cookie"] = "chorus_session=bench-session-" .. n
  wrk.headers["Accept"] = "text/html"
  return wrk.format(nil, wrk.path)
end
