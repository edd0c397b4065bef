-- wrk script for bench/run.py and bench/reads.py: each request takes the next line of the
-- requests file named after `--` ("path<TAB>Header: value", or just "path" for the
-- unauthenticated floor), so every request is a different participant; answers whose status
-- is not the expected one (second argument, default 200) are counted, and one JSON line that
-- run.py parses is printed at the end.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")

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
  bad = 0
end

function request()
  counter = counter + 1
  local line = lines[(counter % #lines) + 1]
  return wrk.format("GET", line.path, line.headers)
end

function response(status, headers, body)
  if status ~= expected then
    bad = bad + 1
  end
end
