# coroutine.*: LuaJIT 2.1's semantics inside a unit (the unit itself runs in a coroutine, as in OpenResty).

=== coroutine generator
--- content
local co = coroutine.create(function(a)
  for i = a, 3 do coroutine.yield(i) end
  return "end"
end)
local out = {}
while true do
  local ok, v = coroutine.resume(co, 1)
  if not ok or v == "end" then break end
  out[#out + 1] = v
end
ngx.say(table.concat(out, ","), " ", coroutine.status(co))
--- expect_status
200
--- expect_body
1,2,3 dead

=== coroutine values both ways
--- content
local co = coroutine.create(function(...)
  local a, b = coroutine.yield(select("#", ...))
  return a, b
end)
local _, n = coroutine.resume(co, 1, 2, 3)
local ok, x, y = coroutine.resume(co, "p", "q")
ngx.say(n, x, y, " ", tostring(ok), " ", coroutine.status(co))
--- expect_status
200
--- expect_body
3pq true dead

=== coroutine resume dead
--- content
local co = coroutine.create(function() end)
coroutine.resume(co)
ngx.say(select(2, coroutine.resume(co)))
--- expect_status
200
--- expect_body
cannot resume dead coroutine

=== coroutine error ends the coroutine only
--- content
local co = coroutine.create(function() error("boom", 0) end)
local ok, e = coroutine.resume(co)
ngx.say(tostring(ok), " ", e, " ", coroutine.status(co))
--- expect_status
200
--- expect_body
false boom dead

=== coroutine error object is kept
--- content
local co = coroutine.create(function() error({code = 7}) end)
local ok, e = coroutine.resume(co)
ngx.say(type(e), " ", e.code)
--- expect_status
200
--- expect_body
table 7

=== coroutine resume itself
--- content
local co
co = coroutine.create(function() return coroutine.resume(co) end)
local a, b, c = coroutine.resume(co)
ngx.say(tostring(a), " ", tostring(b), " ", c)
--- expect_status
200
--- expect_body
true false cannot resume running coroutine

=== coroutine wrap as iterator
--- content
local out = {}
for v in coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 2) end end) do
  out[#out + 1] = v
end
ngx.say(table.concat(out, " "))
--- expect_status
200
--- expect_body
2 4 6

=== coroutine wrap dead answers false
--- content
local f = coroutine.wrap(function() end)
f()
local ok, e = pcall(f)
ngx.say(tostring(ok), " ", e)
--- expect_status
200
--- expect_body
true false

=== coroutine yield across pcall
--- content
local co = coroutine.create(function()
  local ok, v = pcall(coroutine.yield, 5)
  return ok, v
end)
local _, b = coroutine.resume(co)
local _, d, e = coroutine.resume(co, 7)
ngx.say(b, " ", tostring(d), " ", e)
--- expect_status
200
--- expect_body
5 true 7

=== coroutine yield in a sort comparator
--- content
local co = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
local ok, e = coroutine.resume(co)
ngx.say(tostring(ok), " ", (e:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to yield across C-call boundary

=== coroutine status normal and running
--- content
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.status(outer) end)
  return select(2, coroutine.resume(inner)), coroutine.status(coroutine.running())
end)
ngx.say(select(2, coroutine.resume(outer)))
--- expect_status
200
--- expect_body
normalrunning

=== coroutine running in the request thread
--- content
local co = coroutine.running()
ngx.say(type(co), " ", coroutine.status(co))
--- expect_status
200
--- expect_body
thread running

=== coroutine isyieldable
--- content
ngx.say(tostring(coroutine.isyieldable()))
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== coroutine yield in the request thread returns nothing
--- content
ngx.say(select("#", coroutine.yield(1)))
--- expect_status
200
--- expect_body
0

=== coroutine wrap error is not caught by pcall
--- content
local f = coroutine.wrap(function() error("boom", 0) end)
local ok, e = pcall(f)
ngx.say(tostring(ok), " ", tostring(e))
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== coroutine bad arguments
--- content
ngx.say(select(2, pcall(coroutine.create, 1)))
ngx.say(select(2, pcall(coroutine.resume, 1)))
--- expect_status
200
--- expect_body
bad argument #1 to '?' (Lua function expected)
bad argument #1 to '?' (coroutine expected)

=== coroutine many per request
--- content
local n = 0
for i = 1, 10000 do
  local co = coroutine.create(function(x) coroutine.yield(x) return x end)
  local _, v = coroutine.resume(co, i)
  n = n + v
end
ngx.say(n)
--- expect_status
200
--- expect_body
50005000

