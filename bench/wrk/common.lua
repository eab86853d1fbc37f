-- Shared by the wrk scripts: headers, random interactions, and a non-2xx count that done() reports and
-- turns into a failure line (wrk itself only prints "Non-2xx or 3xx responses").
local M = {}
local users = tonumber(os.getenv("MXN_BENCH_USERS") or "10000")
local items = tonumber(os.getenv("MXN_BENCH_ITEMS") or "10000")
local domain = os.getenv("MXN_BENCH_DOMAIN") or "movies"
local prefixes = {movies = "movie", music = "song", tasks = "task", notes = "note"}
local prefix = prefixes[domain] or domain
local types = {"view", "play", "like"}
local threads = {}
failures = 0  -- a global of each thread's Lua state, which done() reads through thread:get()

M.headers = {["Content-Type"] = "application/json"}
if os.getenv("MXN_API_KEY") then M.headers["X-API-Key"] = os.getenv("MXN_API_KEY") end

function M.setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function M.init()
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function M.interaction()
  return string.format('{"user_id":"user%d","domain":"%s","item_id":"%s_%d","interaction_type":"%s"}',
                       math.random(users), domain, prefix, math.random(items), types[math.random(#types)])
end

function M.response(status, headers, body)
  if status < 200 or status >= 300 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("HTTP " .. status .. ": " .. body .. "\n") end
  end
end

function M.done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + (thread:get("failures") or 0) end
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format("mxn: requests=%d failed=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n", summary.requests,
                         failed, summary.requests / (summary.duration / 1e6), p(50), p(99)))
end

return M
