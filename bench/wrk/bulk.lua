-- wrk script: POST /interactions/bulk with MXN_BENCH_BATCH (default 1000) interactions per request, as
-- interactions.lua draws them. Interactions/s = requests/s x batch.
local common = require("common")
local batch = tonumber(os.getenv("MXN_BENCH_BATCH") or "1000")

function setup(thread) common.setup(thread) end
function init(args) common.init() end

function request()
  local items = {}
  for i = 1, batch do items[i] = common.interaction() end
  return wrk.format("POST", "/interactions/bulk", common.headers,
                    '{"interactions":[' .. table.concat(items, ",") .. ']}')
end

response = common.response
done = common.done
