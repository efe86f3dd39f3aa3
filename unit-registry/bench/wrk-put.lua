-- Every request creates a new unit: one WATCH/MULTI/EXEC transaction and one PUBLISH each.
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  thread_id = tid
end

function request()
  counter = counter + 1
  local path = "/api/v1/units/bench-" .. os.getenv("BENCH_RUN") .. "-" .. thread_id .. "-" .. counter
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN"),
    ["Content-Type"] = "application/json",
  }, '{"phase":"access","code":"if ngx.var.arg_token ~= \'abc\' then return ngx.exit(403) end"}')
end
