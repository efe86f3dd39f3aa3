# ngx.timer.*: what the request that creates timers can see (the callbacks run after it).

=== timer at returns 1 and counts as pending
--- content
local before = ngx.timer.pending_count()
local ok, err = ngx.timer.at(100, function() end)
ngx.say(ok, " ", tostring(err), " ", ngx.timer.pending_count() - before)
--- expect_status
200
--- expect_body
1 nil 1

=== timer every returns 1
--- content
local before = ngx.timer.pending_count()
local ok = ngx.timer.every(100, function() end)
ngx.say(ok, " ", ngx.timer.pending_count() - before)
--- expect_status
200
--- expect_body
1 1

=== timer at with a bad delay
--- content
ngx.say(select(2, pcall(ngx.timer.at, "x", function() end)))
--- expect_status
200
--- expect_body
bad argument #1 to '?' (number expected, got string)

=== timer at without a function
--- content
ngx.say(select(2, pcall(ngx.timer.at, 0, nil)))
--- expect_status
200
--- expect_body
bad argument #2 to '?' (Lua function expected)

=== timer every with zero delay
--- content
ngx.say((select(2, pcall(ngx.timer.every, 0, function() end)):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
delay cannot be zero

=== timer running count in a request
--- content
ngx.say(type(ngx.timer.running_count()))
--- expect_status
200
--- expect_body
number

=== a timer may sleep
--- content
local box = {}
local ok = ngx.timer.at(0, function()
    local slept, err = pcall(ngx.sleep, 0.01)
    box.result = tostring(slept) .. " " .. tostring(err)
end)
ngx.sleep(0.5)
ngx.say(ok, " ", tostring(box.result))
--- expect_status
200
--- expect_body
1 true nil

