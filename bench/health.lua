-- wrk scenario: GET /health with the headers a browser client sends, and a
-- check that every answer is a 200 (wrk alone only counts non-2xx/3xx).
-- Usage: wrk -t2 -c64 -d10s --latency -s bench/health.lua http://127.0.0.1:PORT

wrk.method = "GET"
wrk.path = "/health"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "http://localhost:5173"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
  end
  io.write(string.format("Non-200 responses: %d\n", total_bad))
end
