-- wrk script for bench/run.py and bench/reads.py: each request takes the next line of the
-- requests file named after `--` ("path<TAB>Header: value", or just "path" for the
-- unauthenticated floor), so every request is a different participant; answers whose status
-- is not the expected one (second argument, default 200) are counted, and one JSON line that
-- run.py parses is printed at the end.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      local path, name, value = line:match("^([^\t]+)\t([^:]+): (.*)$")
      if path then
        lines[#lines + 1] = { path = path, headers = { [name] = value } }
      else
        lines[#lines + 1] = { path = line, headers = {} }
      end
    end
  end
  expected = tonumber(args[2] or "200")
  -- Threads start at different places in the list so they do not ask for the same family.
  counter = thread_id * 7919
  unexpected = 0
end

function request()
  counter = counter + 1
  local line = lines[(counter % #lines) + 1]
  return wrk.format("GET", line.path, line.headers)
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non200": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean
  ))
end
