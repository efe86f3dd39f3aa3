# ngx.sleep in the request phases (issue #13): the edge runs such units off its event loop.

=== sleep in content then say
--- content
ngx.sleep(0.01)
ngx.say("woke")
--- expect_status
200
--- expect_body
woke

=== sleep in rewrite then proxy
--- rewrite
ngx.sleep(0.01)
ngx.req.set_header("X-Slept", "1")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-slept: 1
body: 

=== sleep in access then exit
--- access
ngx.sleep(0.005)
ngx.exit(403)
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== sleep zero
--- content
ngx.sleep(0)
ngx.say("zero")
--- expect_status
200
--- expect_body
zero

=== sleep returns nothing
--- content
ngx.say(select("#", ngx.sleep(0.001)))
--- expect_status
200
--- expect_body
0

=== sleep with a negative duration errors
--- content
local ok, err = pcall(ngx.sleep, -1)
ngx.say(ok)
--- expect_status
200
--- expect_body
false

=== sleep with a string number
--- content
ngx.sleep("0.001")
ngx.say("ok")
--- expect_status
200
--- expect_body
ok

=== sleep with a non-number errors
--- content
ngx.sleep("soon")
ngx.say("not reached")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== time moves on across a sleep
--- content
local t = ngx.now()
ngx.sleep(0.05)
ngx.say(ngx.now() - t >= 0.04)
--- expect_status
200
--- expect_body
true

=== sleep in header_filter is refused
--- header_filter
local ok = pcall(ngx.sleep, 0.001)
ngx.header["X-Ok"] = tostring(ok)
--- response_headers
X-Ok
--- expect_status
200
--- expect_headers
x-ok: false
--- expect_body
origin

=== sleep in body_filter is refused
--- body_filter
if ngx.arg[2] then
  local ok = pcall(ngx.sleep, 0.001)
  ngx.arg[1] = ngx.arg[1] .. tostring(ok) .. "\n"
end
--- expect_status
200
--- expect_body
origin
false

=== sleeps in two phases add up
--- rewrite
ngx.ctx.t = ngx.now()
ngx.sleep(0.02)
--- content
ngx.sleep(0.02)
ngx.say(ngx.now() - ngx.ctx.t >= 0.03)
--- expect_status
200
--- expect_body
true

=== sleep longer than the budget
--- content
ngx.sleep(1.5)
ngx.say("late")
--- expect_status
200
--- expect_body
late

