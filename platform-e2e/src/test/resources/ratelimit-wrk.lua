-- wrk script for RateLimitIT: every connection waits between its requests so that the offered
-- load is about 3x the limit (wrk alone sends as fast as it can), and each status is counted.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = { ok = 0, limited = 0, other = 0 }
  wait_ms = tonumber(args[1])
end

function delay()
  return wait_ms
end

function response(status, headers, body)
  if status == 200 then
    counts.ok = counts.ok + 1
  elseif status == 503 then
    counts.limited = counts.limited + 1
  else
    counts.other = counts.other + 1
  end
end

function done(summary, latency, requests)
  local ok, limited, other = 0, 0, 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    ok, limited, other = ok + c.ok, limited + c.limited, other + c.other
  end
  io.write(string.format("STATUS ok=%d limited=%d other=%d duration_us=%d\n", ok, limited, other, summary.duration))
end
