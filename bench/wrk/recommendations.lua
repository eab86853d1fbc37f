-- wrk script: POST /recommendations for a random seeded user (user1 .. userN) of one domain, top 10, the
-- ensemble of all three models. MXN_BENCH_USERS (default 10000), MXN_BENCH_DOMAIN (default movies) and
-- MXN_BENCH_MODELS (default "knn","collab","embedding"); MXN_BENCH_FILTER, when set, is the request's
-- `filter` (JSON).
local users = tonumber(os.getenv("MXN_BENCH_USERS") or "10000")
local domain = os.getenv("MXN_BENCH_DOMAIN") or "movies"
local models = os.getenv("MXN_BENCH_MODELS") or '"knn","collab","embedding"'
local filter = os.getenv("MXN_BENCH_FILTER")
local common = require("common")

function setup(thread) common.setup(thread) end
function init(args) common.init() end

function request()
  local body = string.format(
    '{"user_id":"user%d","domain":"%s","top_k":10,"model_types":[%s]%s}', math.random(users), domain, models,
    filter and (',"filter":' .. filter) or "")
  return wrk.format("POST", "/recommendations", common.headers, body)
end

response = common.response
done = common.done
