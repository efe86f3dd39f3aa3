wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"unit":{"phase":"access","code":"if ngx.var.arg_token ~= \'abc\' then return ngx.exit(403) end"},'
  .. '"request":{"method":"GET","uri":"/hls/live.m3u8?token=x","headers":{"Host":"edge.example.com"}}}'
