# ngx.shared.DICT (lua_shared_dict): every case runs on nginx with lua_shared_dict dogs 1m, tiny 12k and
# limits 1m, and on the edge with the same dicts declared through the registry (ConformanceDicts).
# Cases run in file order on both sides; each uses its own keys. TTLs are read right after they are
# set and rounded up (math.ceil) so a millisecond passing on the edge cannot change the answer.

=== set and get with flags
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(d:set("sg:a", 1)); p(d:get("sg:a")); p(d:set("sg:b", "x", 0, 7)); p(d:get("sg:b")); p(d:get_stale("sg:b"))
p(d:set("sg:b", "y")); p(d:get("sg:b"))
--- expect_status
200
--- expect_body
true nil false
1
true nil false
x 7
x 7 false
true nil false
y

=== add, safe_add and replace
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(d:add("ar:a", 1)); p(d:add("ar:a", 2)); p(d:safe_add("ar:a", 3)); p(d:replace("ar:none", 1)); p(d:replace("ar:a", "r")); p(d:get("ar:a"))
--- expect_status
200
--- expect_body
true nil false
false exists false
false exists false
false not found false
true nil false
r

=== delete and set nil
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
d:set("del:a", 1); p(d:delete("del:a")); p(d:get("del:a")); p(d:delete("del:a")); d:set("del:b", 2); p(d:set("del:b", nil)); p(d:get("del:b"))
--- expect_status
200
--- expect_body
true nil false
nil
true nil false
true nil false
nil

=== value types
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
d:set("vt:t", true); d:set("vt:f", false); d:set("vt:n", 1.5); d:set("vt:s", ""); d:set("vt:big", 2^53)
p(d:get("vt:t"), d:get("vt:f"), d:get("vt:n"), "[" .. d:get("vt:s") .. "]", d:get("vt:big"))
p(type(d:get("vt:t")), type(d:get("vt:n")), type(d:get("vt:s")))
p(d:set("vt:x", {})); p(d:set("vt:x", print)); p(d:get("vt:x"))
--- expect_status
200
--- expect_body
true false 1.5 [] 9.007199254741e+15
boolean number string
nil bad value type
nil bad value type
nil

=== key errors and non-string keys
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(d:get(nil)); p(d:get("")); p(d:set(nil, 1)); p(d:set("", 1)); p(d:incr(nil, 1)); p(d:ttl("")); p(d:lpush(nil, 1))
p(d:set(12, "num")); p(d:get(12)); p(d:get("12")); p(d:set(1.5, "f")); p(d:get("1.5"))
--- expect_status
200
--- expect_body
nil nil key
nil empty key
nil nil key
nil empty key
nil nil key
nil empty key
nil nil key
true nil false
num
num
true nil false
f

=== argument errors
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(pcall(d.set, d, "ae", 1, -1)); p(pcall(d.get, "ae")); p(pcall(d.expire, d, "ae"))
p(pcall(d.incr, d, "ae", 1, nil, 5)); p(pcall(d.incr, d, "ae", 1, "x")); p(pcall(d.incr, d, "ae", 1, 0, -1))
--- expect_status
200
--- expect_body
false bad "exptime" argument
false bad "zone" argument
false bad "exptime" argument
false must provide "init" when providing "init_ttl"
false bad init arg: number expected, got string
false bad "init_ttl" argument

=== incr
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(d:incr("in:a", 1)); p(d:incr("in:a", 1, 10)); p(d:incr("in:a", 1.5)); p(d:incr("in:a", "3")); p(d:incr("in:a", -20))
d:set("in:s", "x"); p(d:incr("in:s", 1)); d:set("in:b", true); p(d:incr("in:b", 1))
p(d:incr("in:t", 1, 0, 10)); p(math.ceil(d:ttl("in:t"))); p(d:incr("in:t", 1)); p(math.ceil(d:ttl("in:t")))
--- expect_status
200
--- expect_body
nil not found
11 nil false
12.5
15.5
-4.5
nil not a number
nil not a number
1 nil false
10
2
10

=== lists
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
p(d:lpush("li:l", "v1")); p(d:rpush("li:l", 2)); p(d:lpush("li:l", "v0")); p(d:llen("li:l")); p(d:get("li:l"))
p(d:lpop("li:l")); p(d:rpop("li:l")); p(d:lpop("li:l")); p(d:lpop("li:l")); p(d:llen("li:l")); p(d:get("li:l"))
p(d:llen("li:none")); p(d:lpop("li:none")); d:set("li:s", 1); p(d:lpush("li:s", 1)); p(d:llen("li:s")); p(d:rpop("li:s"))
p(d:lpush("li:x", {})); p(d:lpush("li:x", nil)); p(d:rpush("li:x", true)); p(d:llen("li:x"))
d:rpush("li:o", 1); p(d:set("li:o", "plain")); p(d:get("li:o"))
--- expect_status
200
--- expect_body
1
2
3
3
nil value is a list
v0
2
v1
nil
0
nil
0
nil
nil value not a list
nil value not a list
nil value not a list
nil bad value type
nil bad value type
nil bad value type
0
true nil false
plain

=== ttl and expire
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
d:set("tt:a", 1); p(d:ttl("tt:a")); p(d:ttl("tt:none")); d:set("tt:t", 1, 10); p(math.ceil(d:ttl("tt:t")))
p(d:expire("tt:t", 0)); p(d:ttl("tt:t")); p(d:expire("tt:a", 100)); p(math.ceil(d:ttl("tt:a"))); p(d:expire("tt:none", 1))
--- expect_status
200
--- expect_body
0
nil not found
10
true
0
true
100
nil not found

=== flags are numbers and reset on set
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.dogs
d:set("fl:a", "v", 0, 42); local v, f = d:get("fl:a"); p(v, f, type(f)); d:replace("fl:a", "w"); p(d:get("fl:a"))
d:set("fl:b", 1, 0, 0); p(select("#", d:get("fl:b")))
--- expect_status
200
--- expect_body
v 42 number
w
1

=== get_keys
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.tiny
d:flush_all(); d:flush_expired()
for i = 1, 5 do d:set("gk" .. i, i) end
local k = d:get_keys(); table.sort(k); p(table.concat(k, ",")); p(#d:get_keys(2)); p(#d:get_keys(0))
--- expect_status
200
--- expect_body
gk1,gk2,gk3,gk4,gk5
2
5

=== flush_all and flush_expired
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.tiny
d:flush_all(); p(d:flush_expired())
for i = 1, 4 do d:set("fa" .. i, i) end
d:flush_all(); p(d:get("fa1")); p(#d:get_keys(0)); p(d:flush_expired(1)); p(d:flush_expired()); p(d:set("fa9", 1)); p(#d:get_keys(0))
--- expect_status
200
--- expect_body
2
nil
0
0
0
true nil false
1

=== capacity and free_space of a new zone
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
p(ngx.shared.dogs:capacity()); p(ngx.shared.limits:free_space()); p(ngx.shared.tiny:capacity(), ngx.shared.tiny:free_space())
--- expect_status
200
--- expect_body
1048576
1032192
12288 0

=== a full small dict
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
local d = ngx.shared.tiny
d:flush_all(); d:flush_expired()
p(d:set("fs:big", string.rep("x", 1000))); p(d:safe_set("fs:small", "v")); p(d:get("fs:small")); p(d:lpush("fs:l", "v"))
--- expect_status
200
--- expect_body
false no memory false
true nil false
v
1

=== undeclared dict and dict objects
--- content
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
p(ngx.shared.nope); p(type(ngx.shared.dogs)); p(ngx.shared.dogs == ngx.shared.dogs); p(ngx.shared.dogs == ngx.shared.tiny)
--- expect_status
200
--- expect_body
nil
table
true
false

=== a counter shared by access, header_filter and log
--- access
ngx.shared.dogs:set("ph:n", 0)
ngx.shared.dogs:incr("ph:n", 1)
--- header_filter
ngx.header["X-N"] = ngx.shared.dogs:incr("ph:n", 10)
--- response_headers
X-N
--- expect_status
200
--- expect_headers
x-n: 11
--- expect_body
origin

=== state carried from rewrite to content through the dict
--- rewrite
ngx.shared.dogs:set("rc:k", ngx.var.uri)
--- content
ngx.say(ngx.shared.dogs:get("rc:k"))
--- request
GET /carried
--- expect_status
200
--- expect_body
/carried

=== an undeclared dict is nil
--- content
ngx.say(tostring(ngx.shared.no_such_dict), " ", type(ngx.shared), " ", type(ngx.shared.dogs))
--- expect_status
200
--- expect_body
nil table table

=== assigning into ngx.shared works as on a plain table
--- content
ngx.shared.sd_assigned = 1
ngx.say(tostring(ngx.shared.sd_assigned))
local ok = pcall(function() ngx.shared.sd_other = {} end)
ngx.say(tostring(ok), " ", type(ngx.shared.sd_other))
ngx.shared.sd_assigned = nil
ngx.say(tostring(ngx.shared.sd_assigned), " ", type(ngx.shared.dogs))
--- expect_status
200
--- expect_body
1
true table
nil table

