-- Soak mix for wrk (bench/soak.py drives it, one wrk run per window).
-- Arguments after "--": <window nonce> <bearer token> <task id> <candidate ids, comma-separated>
--
-- Each connection cycles through ten requests: seven reads (who am I,
-- candidates page 1, one candidate, assessments page 1, the organisation,
-- health, one candidate again) and three writes (create a candidate,
-- create an assessment, which also creates its candidate, and rename a
-- candidate).  E-mail addresses are unique per window, thread and request,
-- so every write is meant to succeed: any non-2xx answer is an error.

local threads = {}
local nonce, token, task, ids = "w", "", "1", {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   nonce = args[1] or "w"
   token = args[2] or ""
   task = args[3] or "1"
   ids = {}
   for id in string.gmatch(args[4] or "", "[^,]+") do
      table.insert(ids, id)
   end
   n = 0
end

local function headers(json)
   local h = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
   if json then
      h["Content-Type"] = "application/json"
   end
   return h
end

local function pick()
   return ids[(n % #ids) + 1]
end

local function email(kind)
   return string.format("soak-%s-%s-%d-%d@example.com", kind, nonce, tid, n)
end

function request()
   n = n + 1
   local step = n % 10
   if step == 0 then
      return wrk.format("GET", "/api/v1/auth/me", headers(false))
   elseif step == 1 then
      return wrk.format("GET", "/api/v1/candidates/?limit=20", headers(false))
   elseif step == 2 then
      return wrk.format("POST", "/api/v1/candidates/", headers(true),
         string.format('{"email":"%s","full_name":"Soak Candidate","position":"Engineer"}', email("c")))
   elseif step == 3 then
      return wrk.format("GET", "/api/v1/candidates/" .. pick(), headers(false))
   elseif step == 4 then
      return wrk.format("GET", "/api/v1/assessments/?limit=20", headers(false))
   elseif step == 5 then
      return wrk.format("POST", "/api/v1/assessments/", headers(true),
         string.format('{"candidate_email":"%s","candidate_name":"Soak Assessment","task_id":"%s"}',
            email("a"), task))
   elseif step == 6 then
      return wrk.format("GET", "/api/v1/organizations/me", headers(false))
   elseif step == 7 then
      return wrk.format("PATCH", "/api/v1/candidates/" .. pick(), headers(true),
         string.format('{"full_name":"Renamed %d"}', n))
   elseif step == 8 then
      return wrk.format("GET", "/health", headers(false))
   else
      return wrk.format("GET", "/api/v1/candidates/" .. pick(), headers(false))
   end
end
