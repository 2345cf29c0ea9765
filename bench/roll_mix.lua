-- wrk -s bench/roll_mix.lua URL: alternates GET /api/v1/hello and POST
-- /api/v1/echo (a signed-in user's JSON round trip; the token comes from
-- BAZAAR_TOKEN). bench/run.sh rolls the host under this load: nginx retries a
-- GET that fails on a kept connection the host closed, never a POST, so the
-- POSTs are what would show a connection closed under nginx's feet.
local token = os.getenv("BAZAAR_TOKEN") or ""
local n = 0
local post_headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. token,
}

function request()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("POST", "/api/v1/echo", post_headers, '{"message":"roll","count":1}')
  end
  return wrk.format("GET", "/api/v1/hello")
end
