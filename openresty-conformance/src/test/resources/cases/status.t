# ngx.status: reads before and after a response exists, writes before and after the headers went out.

=== status in rewrite before anything is 0
--- rewrite
ngx.header["X-S"] = tostring(ngx.status)
--- response_headers
X-S
--- expect_status
200
--- expect_headers
x-s: 0
--- expect_body
origin

=== status in access before anything is 0
--- access
ngx.header["X-S"] = tostring(ngx.status)
--- response_headers
X-S
--- expect_status
200
--- expect_headers
x-s: 0
--- expect_body
origin

=== status in content before output is 0
--- content
ngx.say(ngx.status)
--- expect_status
200
--- expect_body
0

=== status in content after setting it
--- content
ngx.status = 202
ngx.say(ngx.status)
--- expect_status
202
--- expect_body
202

=== status set then say
--- content
ngx.status = 404
ngx.say("not here")
--- expect_status
404
--- expect_body
not here

=== status set after say is ignored
--- content
ngx.say("first")
ngx.status = 500
ngx.say("second")
--- expect_status
200
--- expect_body
first
second

=== status in header_filter is the origin's
--- header_filter
ngx.header["X-S"] = ngx.status
--- response_headers
X-S
--- expect_status
200
--- expect_headers
x-s: 200
--- expect_body
origin

=== status in header_filter on a 404 origin
--- header_filter
ngx.header["X-S"] = ngx.status
--- origin
notfound
--- response_headers
X-S
--- expect_status
404
--- expect_headers
x-s: 404
--- expect_body
missing

=== status set in header_filter
--- header_filter
ngx.status = 404
--- expect_status
404
--- expect_body
origin

=== status set in header_filter on a local answer
--- content
ngx.say("body")
--- header_filter
ngx.status = 201
--- expect_status
201
--- expect_body
body

=== status set to a string number
--- content
ngx.status = "201"
ngx.say("ok")
--- expect_status
201
--- expect_body
ok

=== status set to a non-number string errors
--- content
ngx.status = "abc"
ngx.say("ok")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== status set to 599
--- content
ngx.status = 599
ngx.say("odd")
--- expect_status
599
--- expect_body
odd

=== status set to 101
--- content
ngx.status = 101
ngx.say("switch")
--- expect_status
101

=== status set in access then proxied
--- access
ngx.status = 403
--- origin
default
--- expect_status
200
--- expect_body
origin

=== status type in content is number
--- content
ngx.say(type(ngx.status))
--- expect_status
200
--- expect_body
number

=== status in body_filter
--- body_filter
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. "status " .. ngx.status .. "\n" end
--- expect_status
200
--- expect_body
origin
status 200

=== status set in body_filter errors
--- body_filter
ngx.status = 500
--- expect_status
200
--- expect_body
origin

