-- wrk script for bench/vclaim: signed VClaim lookups (GET Peserta/nokartu/{card}/tglSEP/{date})
-- over many card numbers, or the unsigned "floor" request on the same path.
-- Arguments after `--`: cards file, signatures file ("timestamp signature" per line, made in
-- advance for every second of the run), consumer id, user key, tglSEP, mode (signed|floor).
-- A VClaim answer is always HTTP 200: the metaData code in the body says whether it worked.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk_common.lua")

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
