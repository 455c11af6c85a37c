-- POST /api/v1/statuses as random people, with Chinese and English text.
local people = tonumber(os.getenv("BENCH_PEOPLE") or "2000")
local texts = {
  "压测发帖：新版本的发布会定在周五 #发布会#",
  "Load test post: the staging build is green again",
  "今天的站会改到十点半 @user42",
  "Benchmarking the fan-out path #release",
}
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
local counter = 0

request = function()
  counter = counter + 1
  wrk.headers["Authorization"] = "Bearer bench-user-" .. math.random(1, people)
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  local text = texts[math.random(1, #texts)] .. " " .. counter
  return wrk.format("POST", "/api/v1/statuses", nil, "status=" .. text:gsub(" ", "+"))
end
