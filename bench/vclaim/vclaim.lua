-- wrk script for bench/vclaim: signed VClaim lookups (GET Peserta/nokartu/{card}/tglSEP/{date})
-- over many card numbers, or the unsigned "floor" request on the same path.
-- Arguments after `--`: cards file, signatures file ("timestamp signature" per line, made in
-- advance for every second of the run), consumer id, user key, tglSEP, mode (signed|floor).
-- A VClaim answer is always HTTP 200: the metaData code in the body says whether it worked.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  cards = {}
  for line in io.lines(args[1]) do
    if #line > 0 then cards[#cards + 1] = line end
  end
  signatures = {}
  for line in io.lines(args[2]) do
    local ts, sig = line:match("^(%d+) (.+)$")
    if ts then signatures[ts] = sig end
  end
  consumer_id, user_key, sep_date, mode = args[3], args[4], args[5], args[6]
  expected = mode == "floor" and '"code": "401"' or '"code": "200"'
  counter = thread_id * 7919
  bad = 0
end

function request()
  counter = counter + 1
  local path = wrk.path .. "Peserta/nokartu/" .. cards[(counter % #cards) + 1]
    .. "/tglSEP/" .. sep_date
  if mode == "floor" then
    return wrk.format("GET", path)
  end
  local ts = tostring(os.time())
  return wrk.format("GET", path, {
    ["X-cons-id"] = consumer_id,
    ["X-timestamp"] = ts,
    ["X-signature"] = signatures[ts],
    ["user_key"] = user_key,
  })
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, expected, 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non200": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, total_bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean
  ))
end
