-- The service under a shift's load: run with as many threads as connections (wrk -t N -c N), so each
-- thread's state is one connection's. Each connection owns one resident, signs them out and back in,
-- and reads who is in after each entry: half writes, half reads, never two entries of one resident
-- in flight at once (which the service would rightly refuse as already out or already in).
--
--   wrk -t16 -c16 -d30s --latency -s bench/wrk/movements.lua URL -- TOKEN PREMISES:RESIDENT ...
local slots = 0
function setup(thread)
  slots = slots + 1
  thread:set("slot", slots)
end

function init(args)
  token = args[1]
  local entry = args[((slot - 1) % (#args - 1)) + 2]
  premises, resident = entry:match("([^:]+):([^:]+)")
  step = 0
end

-- BENCH_MIX=writes or reads runs only that half (to see what each costs); the default is both.
local mix = os.getenv("BENCH_MIX") or "both"

-- Whether the resident is out is moved on by the service's answers, not by counting requests, so
-- that a request wrk makes and drops (on a reconnect) cannot put the sequence out of step.
local out = false
local writing = false

function request()
  step = step + 1
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  writing = (mix == "writes") or (mix ~= "reads" and step % 2 == 1)
  if writing then
    local kind = out and "in" or "out"
    return wrk.format("POST", "/api/v1/premises/" .. premises .. "/movements", headers,
      '{"residentId":"' .. resident .. '","kind":"' .. kind .. '","destination":"bench"}')
  end
  return wrk.format("GET", "/api/v1/premises/" .. premises .. "/roll?limit=100", headers)
end

-- The first refusals, so that an error in the run can be told apart from a fault in the service.
local shown = 0
function response(status, headers, body)
  if writing and status == 201 then out = not out end
  -- Refused as already out (or in): a run before this one left the resident so. Start from what the service says.
  if writing and status == 409 then out = not out end
  if status >= 300 and shown < 3 then
    shown = shown + 1
    io.stderr:write("wrk: " .. status .. " " .. (body or "") .. "\n")
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d timeouts=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
