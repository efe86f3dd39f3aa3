-- Issue #14's timer acceptance: the log phase buffers one line per request in a shared dict; one
-- timer per node (started by the first request, guarded by ngx.shared's add) moves the buffered
-- lines to Redis every second as one batch, and on the node's shutdown (premature) flushes what is
-- left and writes a marker.
local buffer = ngx.shared.timer_batch
buffer:rpush("lines", ngx.var.request_uri)

local function flush(premature)
  local redis = edge_computing.redis_client
  local dict = ngx.shared.timer_batch
  local lines = {}
  while true do
    local line = dict:lpop("lines")
    if line == nil then break end
    lines[#lines + 1] = line
  end
  if #lines > 0 then
    local n, err = redis:incr("{timer}:batches")
    local stored
    if n then
      stored, err = redis:set("{timer}:batch:" .. n, table.concat(lines, "\n"))
    end
    if not stored then
      -- Redis did not answer (a loaded node): the lines wait for the next run, in their order; a
      -- batch number taken without its lines stays empty.
      for i = #lines, 1, -1 do
        dict:lpush("lines", lines[i])
      end
      ngx.log(ngx.ERR, "batch kept for the next run: ", err)
    else
      for _ = 1, 3 do
        if redis:incrby("{timer}:lines", #lines) then break end
      end
    end
  end
  if premature then
    redis:set("{timer}:premature", "true")
  end
end

if buffer:add("timer_started", true) then
  local ok, err = ngx.timer.every(1, flush)
  if not ok then
    buffer:delete("timer_started")
    ngx.log(ngx.ERR, "failed to start the batching timer: ", err)
  end
end
