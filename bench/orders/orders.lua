-- bench/orders/orders.lua: request generator of bench/run-orders.sh.
--   wrk -tT ... -s bench/orders/orders.lua URL -- MODE DIR T TAG [ARGS...]
-- DIR holds what run-orders.sh generated: tokens.txt (line k = a user JWT
-- for sub k), skus.txt (one SKU id a line), detail.txt ("order_id user"),
-- and signed callbacks (gen.py sign). T is wrk's -t (setup() cannot know it
-- before init()). TAG makes Idempotency-Keys unique per invocation.
-- Modes:
--   create DIR T TAG                 POST /api/v1/orders, one unit of a random SKU
--                                    of skus.txt, random user, a new key each time
--   hot DIR T TAG SKU                the same on one SKU
--   flash DIR T TAG SALE SKU         buy one unit of the sale; users in turn, so the
--                                    first requests all come from distinct buyers
--   detail DIR T TAG                 GET /api/v1/orders/{id} as the owner (detail.txt)
--   list DIR T TAG                   GET /api/v1/orders?limit=20 as a random user
--   callback DIR T TAG FILE OFFSET   POST /api/v1/payments/callback, each signed line
--                                    of FILE once: thread i sends lines OFFSET+i,
--                                    OFFSET+i+T, ...; done() prints the next free
--                                    offset ("orders.lua: next_offset N") and how
--                                    many requests had to repeat a line (replays)
-- No response() callback (it would cost wrk CPU on the servers' cores): the
-- status split comes from the host's /metrics.
local threads = {}
local nthreads_setup = 0

function setup(thread)
  thread:set("id", nthreads_setup)
  nthreads_setup = nthreads_setup + 1
  table.insert(threads, thread)
end

local function lines(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for l in f:lines() do
    if l ~= "" then t[#t + 1] = l end
  end
  f:close()
  assert(#t > 0, path .. " is empty")
  return t
end

local dir, nthreads, tag
local tokens, skus, reqs
local counter = 0
used, replays = 0, 0  -- globals: done() reads them with thread:get
local address = '"address":{"name":"Bench","phone":"13800000000","line1":"1 Road","city":"Hangzhou"}'
local hdr = { ["Content-Type"] = "application/json" }
local sale, hot_sku

function init(args)
  mode, dir, nthreads, tag = args[1], args[2], tonumber(args[3]), args[4]
  assert(mode and dir and nthreads and tag, "usage: -- MODE DIR T TAG [ARGS]")
  id = id or 0
  math.randomseed(os.time() * 1000 + id * 7919 + 17)
  if mode == "create" or mode == "hot" or mode == "flash" or mode == "list" then
    tokens = lines(dir .. "/tokens.txt")
  end
  if mode == "create" then
    skus = lines(dir .. "/skus.txt")
  elseif mode == "hot" then
    hot_sku = assert(args[5], "hot: SKU id missing")
  elseif mode == "flash" then
    sale, hot_sku = assert(args[5], "flash: sale id"), assert(args[6], "flash: SKU id")
  elseif mode == "detail" then
    tokens = lines(dir .. "/tokens.txt")
    reqs = {}
    for _, l in ipairs(lines(dir .. "/detail.txt")) do
      local oid, user = l:match("^(%S+)%s+(%d+)")
      reqs[#reqs + 1] = wrk.format("GET", "/api/v1/orders/" .. oid,
        { Authorization = "Bearer " .. assert(tokens[tonumber(user)], "no token for user " .. user) })
    end
    counter = math.floor(#reqs * id / nthreads)  -- threads start apart
  elseif mode == "list" then
    reqs = {}
    for _, t in ipairs(tokens) do
      reqs[#reqs + 1] = wrk.format("GET", "/api/v1/orders?limit=20", { Authorization = "Bearer " .. t })
    end
  elseif mode == "callback" then
    offset = tonumber(args[6] or "0")
    local all = lines(assert(args[5], "callback: FILE missing"))
    reqs = {}
    for i = offset + 1 + id, #all, nthreads do
      local ts, nonce, sig, body = all[i]:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
      reqs[#reqs + 1] = wrk.format("POST", "/api/v1/payments/callback",
        { ["Content-Type"] = "application/json", ["X-Bazaar-Timestamp"] = ts,
          ["X-Bazaar-Nonce"] = nonce, ["X-Bazaar-Signature"] = sig }, body)
    end
    assert(#reqs > 0, "no signed callbacks left at offset " .. offset)
  else
    error("unknown mode " .. tostring(mode))
  end
end

local function order(token, body)
  counter = counter + 1
  hdr["Authorization"] = "Bearer " .. token
  hdr["Idempotency-Key"] = tag .. "." .. id .. "." .. counter
  return wrk.format("POST", "/api/v1/orders", hdr, body)
end

function request()
  if mode == "create" then
    return order(tokens[math.random(#tokens)],
      '{"items":[{"sku_id":"' .. skus[math.random(#skus)] .. '","qty":1}],' .. address .. '}')
  elseif mode == "hot" then
    return order(tokens[math.random(#tokens)],
      '{"items":[{"sku_id":"' .. hot_sku .. '","qty":1}],' .. address .. '}')
  elseif mode == "flash" then
    local user = (counter * nthreads + id) % #tokens + 1
    return order(tokens[user], '{"items":[{"sku_id":"' .. hot_sku .. '","qty":1}],' .. address ..
      ',"flash_sale_id":"' .. sale .. '"}')
  elseif mode == "detail" then
    counter = counter % #reqs + 1
    return reqs[counter]
  elseif mode == "list" then
    return reqs[math.random(#reqs)]
  else  -- callback
    used = used + 1
    if used > #reqs then
      replays = replays + 1
      return reqs[#reqs]
    end
    return reqs[used]
  end
end

function done(summary, latency, requests)
  if not threads[1] or threads[1]:get("mode") ~= "callback" then return end
  local maxused, rep = 0, 0
  for _, t in ipairs(threads) do
    local u = t:get("used") or 0
    if u > maxused then maxused = u end
    rep = rep + (t:get("replays") or 0)
  end
  local off = threads[1] and threads[1]:get("offset") or 0
  io.write(string.format("orders.lua: next_offset %d\norders.lua: replays %d\n",
    off + maxused * #threads, rep))
end
