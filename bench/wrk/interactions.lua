-- wrk script: POST /interactions, one interaction per request: a random seeded user and item of one
-- domain, a view, play or like. MXN_BENCH_USERS, MXN_BENCH_ITEMS (default 10000), MXN_BENCH_DOMAIN.
local common = require("common")

function setup(thread) common.setup(thread) end
function init(args) common.init() end

function request()
  return wrk.format("POST", "/interactions", common.headers, common.interaction())
end

response = common.response
done = common.done
