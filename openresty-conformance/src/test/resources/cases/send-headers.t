# ngx.send_headers, ngx.headers_sent, ngx.flush, ngx.eof (issue #13).

=== headers_sent before and after say
--- content
local before = ngx.headers_sent
ngx.say("x")
ngx.say(tostring(before), " ", tostring(ngx.headers_sent))
--- expect_status
200
--- expect_body
x
false true

=== send_headers then say
--- content
ngx.header["X-Early"] = "1"
ngx.send_headers()
ngx.say(tostring(ngx.headers_sent))
--- response_headers
X-Early
--- expect_status
200
--- expect_headers
x-early: 1
--- expect_body
true

=== send_headers returns 1
--- content
local r = ngx.send_headers()
ngx.say(r)
--- expect_status
200
--- expect_body
1

=== send_headers twice
--- content
ngx.send_headers()
local r = ngx.send_headers()
ngx.say(tostring(r))
--- expect_status
200
--- expect_body
1

=== status after send_headers is kept
--- content
ngx.send_headers()
ngx.status = 404
ngx.say(ngx.status)
--- expect_status
200
--- expect_body
200

=== status set before send_headers is sent
--- content
ngx.status = 201
ngx.send_headers()
ngx.say("created")
--- expect_status
201
--- expect_body
created

=== header after send_headers is not sent
--- content
ngx.send_headers()
ngx.header["X-Late"] = "1"
ngx.say("x")
--- response_headers
X-Late
--- expect_status
200
--- expect_body
x

=== status reads 200 after say
--- content
ngx.say("a")
ngx.say(ngx.status)
--- expect_status
200
--- expect_body
a
200

=== headers_sent in rewrite
--- rewrite
ngx.req.set_header("X-Sent", tostring(ngx.headers_sent))
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-sent: false
body: 

=== headers_sent in header_filter
--- header_filter
ngx.header["X-Sent"] = tostring(ngx.headers_sent)
--- response_headers
X-Sent
--- expect_status
200
--- expect_headers
x-sent: false
--- expect_body
origin

=== headers_sent in body_filter
--- body_filter
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. tostring(ngx.headers_sent) .. "\n" end
--- expect_status
200
--- expect_body
origin
true

=== flush then headers_sent
--- content
ngx.say("a")
ngx.flush()
ngx.say(tostring(ngx.headers_sent))
--- expect_status
200
--- expect_body
a
true

=== flush with wait
--- content
ngx.say("a")
local r = ngx.flush(true)
ngx.say(r)
--- expect_status
200
--- expect_body
a
1

=== flush before output sends the headers
--- content
ngx.flush()
ngx.say(tostring(ngx.headers_sent))
--- expect_status
200
--- expect_body
false

=== eof then say gives nil
--- content
ngx.say("one")
ngx.eof()
local ok, err = ngx.say("two")
--- expect_status
200
--- expect_body
one

=== eof without output
--- content
ngx.status = 202
ngx.eof()
--- expect_status
202

=== send_headers in header_filter is refused
--- header_filter
local ok = pcall(ngx.send_headers)
ngx.header["X-Ok"] = tostring(ok)
--- response_headers
X-Ok
--- expect_status
200
--- expect_headers
x-ok: false
--- expect_body
origin

=== send_headers in access answers
--- access
ngx.status = 200
ngx.send_headers()
ngx.say("from access")
--- expect_status
200
--- expect_body
from access

