-- wrk -s bench/post_write.lua URL: POST {"key":K} with a new K on every request.
-- Each wrk thread counts from its own base (thread i: i * 1e9 + 1, 2, ...),
-- so keys differ between requests and spread evenly over the shards (the host
-- and the bare responder both pick the file by the same Fibonacci hash of K).
-- Keys repeat between wrk invocations; nothing requires them to be unique.
-- No response() callback: wrk's own count of 2xx answers (requests minus
-- "Non-2xx") is the number of 201s, since the route answers nothing else on
-- success, and a callback would cost wrk CPU on the servers' cores.
local counter = 0
local base = 0
local threads = 0

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  base = (index or 0) * 1000000000
end

local headers = { ["Content-Type"] = "application/json" }

function request()
  counter = counter + 1
  return wrk.format("POST", nil, headers, '{"key":' .. (base + counter) .. '}')
end
