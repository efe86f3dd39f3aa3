# resty.limit.req/count/conn/traffic (issue #13): the edge's bundled modules, required by the same
# Lua on both sides (nginx loads the same files from lua_package_path: lua-resty-limit-traffic is not
# packaged in Debian). Rates are low (0.01 r/s: a request drains in 100 s) and delays printed to the
# second so that the milliseconds passing on
# the edge within one request cannot change them. Each case uses its own keys in ngx.shared.limits.

=== limit.req allows, delays the burst, rejects beyond it
--- content
local limit_req = require "resty.limit.req"
local lim, err = limit_req.new("limits", 0.01, 2)
for i = 1, 4 do
  local delay, err = lim:incoming("req:a", true)
  ngx.say(delay and string.format("%.0f %.1f", delay, err) or ("nil " .. err))
end
--- expect_status
200
--- expect_body
0 0.0
100 1.0
200 2.0
nil rejected

=== limit.req without commit, uncommit, set_rate and set_burst
--- content
local limit_req = require "resty.limit.req"
local lim = limit_req.new("limits", 1, 0)
ngx.say(lim:incoming("req:b", false))
ngx.say(lim:incoming("req:b", true))
ngx.say(lim:incoming("req:b", true))
ngx.say(lim:uncommit("req:b"))
ngx.say(lim:uncommit("req:none"))
lim:set_burst(5)
lim:set_rate(0.01)
local d, e = lim:incoming("req:b", true)
ngx.say(string.format("%.0f %.1f", d, e))
ngx.say(#ngx.var.binary_remote_addr)
--- expect_status
200
--- expect_body
00
00
nilrejected
true
nilnot found
100 1.0
4

=== limit.req on a missing dict
--- content
local limit_req = require "resty.limit.req"
ngx.say(limit_req.new("no_such_dict", 200, 100))
--- expect_status
200
--- expect_body
nilshared dict not found

=== limit.req as its README shows it
--- access
local limit_req = require "resty.limit.req"
local lim, err = limit_req.new("limits", 200, 100)
if not lim then
    ngx.log(ngx.ERR, "failed to instantiate a resty.limit.req object: ", err)
    return ngx.exit(500)
end
local key = ngx.var.binary_remote_addr .. "readme"
local delay, err = lim:incoming(key, true)
if not delay then
    if err == "rejected" then
        return ngx.exit(503)
    end
    ngx.log(ngx.ERR, "failed to limit req: ", err)
    return ngx.exit(500)
end
ngx.header["X-Delay"] = string.format("%.1f", delay)
--- response_headers
X-Delay
--- expect_status
200
--- expect_headers
x-delay: 0.0
--- expect_body
origin

=== limit.count counts down per window and rejects
--- content
local limit_count = require "resty.limit.count"
local lim = limit_count.new("limits", 3, 60)
for i = 1, 5 do
  ngx.say(lim:incoming("cnt:a", true))
end
ngx.say(lim:uncommit("cnt:a"))
ngx.say(lim:uncommit("cnt:none"))
ngx.say(lim:incoming("cnt:b", false))
--- expect_status
200
--- expect_body
02
01
00
nilrejected
nilrejected
-1
3
02

=== limit.conn counts, delays the burst, rejects and leaves
--- content
local limit_conn = require "resty.limit.conn"
local lim = limit_conn.new("limits", 2, 1, 0.5)
for i = 1, 4 do
  local delay, err = lim:incoming("conn:a", true)
  ngx.say(tostring(delay), " ", tostring(err), " ", tostring(lim:is_committed()))
end
ngx.say(lim:leaving("conn:a", 0.1))
ngx.say(lim:uncommit("conn:a"))
ngx.say(lim:incoming("conn:a", false))
lim:set_conn(10)
lim:set_burst(0)
ngx.say(lim:incoming("conn:a", true))
--- expect_status
200
--- expect_body
0 1 true
0 2 true
0.5 3 true
nil rejected false
2
1
02
02

=== limit.traffic combines a req and a count limiter
--- content
local limit_req = require "resty.limit.req"
local limit_count = require "resty.limit.count"
local limit_traffic = require "resty.limit.traffic"
local a = limit_req.new("limits", 0.01, 5)
local b = limit_count.new("limits", 2, 60)
for i = 1, 3 do
  local states = {}
  local delay, err = limit_traffic.combine({a, b}, {"tr:a", "tr:b"}, states)
  ngx.say(delay and string.format("%.0f", delay) or "nil", " ", tostring(err), " ", tostring(states[1] and string.format("%.1f", states[1])), " ", tostring(states[2]))
end
--- expect_status
200
--- expect_body
0 nil 0.0 1
100 nil 1.0 0
nil rejected nil nil

