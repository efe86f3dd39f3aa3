# ngx.thread.spawn/wait/kill: light threads within one request.

=== thread spawn runs at once
--- content
local t = ngx.thread.spawn(function() ngx.say("in thread") end)
ngx.say("after spawn ", type(t))
--- expect_status
200
--- expect_body
in thread
after spawn thread

=== thread wait returns results
--- content
local t = ngx.thread.spawn(function(a, b) return a + b, "x" end, 2, 3)
local ok, s, x = ngx.thread.wait(t)
ngx.say(tostring(ok), " ", s, " ", x)
--- expect_status
200
--- expect_body
true 5 x

=== thread wait returns the error
--- content
local t = ngx.thread.spawn(function() error("bad", 0) end)
local ok, e = ngx.thread.wait(t)
ngx.say(tostring(ok), " ", e)
--- expect_status
200
--- expect_body
false bad

=== thread wait twice
--- content
local t = ngx.thread.spawn(function() return 1 end)
ngx.thread.wait(t)
ngx.say(select("#", ngx.thread.wait(t)), " ", tostring(select(2, ngx.thread.wait(t))))
--- expect_status
200
--- expect_body
2 already waited or killed

=== thread kill
--- content
local t = ngx.thread.spawn(function() coroutine.yield() ngx.say("never") end)
ngx.say(ngx.thread.kill(t))
ngx.say(select(2, ngx.thread.kill(t)))
--- expect_status
200
--- expect_body
1
already waited or killed

=== thread kill a finished thread
--- content
local t = ngx.thread.spawn(function() return 1 end)
ngx.say(tostring(ngx.thread.kill(t)), " ", tostring(select(2, ngx.thread.kill(t))))
--- expect_status
200
--- expect_body
nil already waited or killed

=== thread yield lets the parent go on
--- content
local t = ngx.thread.spawn(function()
  ngx.say("a")
  coroutine.yield()
  ngx.say("c")
end)
ngx.say("b")
--- expect_status
200
--- expect_body
a
b
c

=== thread status of a waited thread
--- content
local t = ngx.thread.spawn(function() return 1 end)
ngx.thread.wait(t)
ngx.say(coroutine.status(t))
--- expect_status
200
--- expect_body
dead

=== thread wait first of two
--- content
local function w(n) for i = 1, n do coroutine.yield() end return n end
local a = ngx.thread.spawn(w, 3)
local b = ngx.thread.spawn(w, 1)
local ok, r = ngx.thread.wait(a, b)
ngx.say(tostring(ok), " ", r)
--- expect_status
200
--- expect_body
true 1

=== thread zombie until waited
--- content
local t = ngx.thread.spawn(function() return 1 end)
ngx.say(coroutine.status(t))
ngx.thread.wait(t)
ngx.say(coroutine.status(t))
--- expect_status
200
--- expect_body
zombie
dead

