# ngx.header (response headers) and ngx.resp.get_headers: writes, reads, multi-values, clearing,
# escaping and the special headers.

=== set a header
--- content
ngx.header["X-Foo"] = "bar"
ngx.say("ok")
--- response_headers
X-Foo
--- expect_status
200
--- expect_headers
x-foo: bar
--- expect_body
ok

=== underscores become hyphens
--- content
ngx.header.X_Foo_Bar = "1"
ngx.say("ok")
--- response_headers
X-Foo-Bar X_Foo_Bar
--- expect_status
200
--- expect_headers
x-foo-bar: 1
--- expect_body
ok

=== set a number value
--- content
ngx.header["X-N"] = 42
ngx.say("ok")
--- response_headers
X-N
--- expect_status
200
--- expect_headers
x-n: 42
--- expect_body
ok

=== set a float value
--- content
ngx.header["X-N"] = 1.5
ngx.say("ok")
--- response_headers
X-N
--- expect_status
200
--- expect_headers
x-n: 1.5
--- expect_body
ok

=== set a boolean value sends true
--- content
ngx.header["X-B"] = true
ngx.say("ok")
--- response_headers
X-B
--- expect_status
200
--- expect_headers
x-b: true
--- expect_body
ok

=== multi-value header
--- content
ngx.header["X-M"] = {"a", "b", "c"}
ngx.say("ok")
--- response_headers
X-M
--- expect_status
200
--- expect_headers
x-m: a
x-m: b
x-m: c
--- expect_body
ok

=== set-cookie multi-value
--- content
ngx.header["Set-Cookie"] = {"a=1; Path=/", "b=2"}
ngx.say("ok")
--- response_headers
Set-Cookie
--- expect_status
200
--- expect_headers
set-cookie: a=1; Path=/
set-cookie: b=2
--- expect_body
ok

=== nil clears a header
--- content
ngx.header["X-Foo"] = "bar"
ngx.header["X-Foo"] = nil
ngx.say("ok")
--- response_headers
X-Foo
--- expect_status
200
--- expect_body
ok

=== empty table clears a header
--- content
ngx.header["X-Foo"] = "bar"
ngx.header["X-Foo"] = {}
ngx.say("ok")
--- response_headers
X-Foo
--- expect_status
200
--- expect_body
ok

=== empty string value
--- content
ngx.header["X-Empty"] = ""
ngx.say("ok")
--- response_headers
X-Empty
--- expect_status
200
--- expect_body
ok

=== read back a header
--- content
ngx.header["X-Foo"] = "bar"
ngx.say(ngx.header["X-Foo"], " ", ngx.header.x_foo, " ", ngx.header["x-foo"])
--- expect_status
200
--- expect_body
bar bar bar

=== read back a multi-value header
--- content
ngx.header["X-M"] = {"a", "b"}
local v = ngx.header["X-M"]
ngx.say(type(v), " ", table.concat(v, ","))
--- expect_status
200
--- expect_body
table a,b

=== read a header never set is nil
--- content
ngx.say(tostring(ngx.header["X-None"]))
--- expect_status
200
--- expect_body
nil

=== overwrite a header
--- content
ngx.header["X-Foo"] = "one"
ngx.header["X-Foo"] = "two"
ngx.say("ok")
--- response_headers
X-Foo
--- expect_status
200
--- expect_headers
x-foo: two
--- expect_body
ok

=== header names are case-insensitive on write
--- content
ngx.header["x-foo"] = "one"
ngx.header["X-FOO"] = "two"
ngx.say(ngx.header["X-Foo"])
--- response_headers
X-Foo
--- expect_status
200
--- expect_headers
x-foo: two
--- expect_body
two

=== CR LF in a value is escaped
--- content
ngx.header["X-Inject"] = "a\r\nX-Evil: 1"
ngx.say("ok")
--- response_headers
X-Inject X-Evil
--- expect_status
200
--- expect_headers
x-inject: a%0D%0AX-Evil: 1
--- expect_body
ok

=== LF in a value is escaped
--- content
ngx.header["X-Inject"] = "a\nb"
ngx.say("ok")
--- response_headers
X-Inject
--- expect_status
200
--- expect_headers
x-inject: a%0Ab
--- expect_body
ok

=== CR LF in a name is escaped
--- content
ngx.header["X-A\r\nX-Evil"] = "v"
ngx.say("ok")
--- response_headers
X-Evil
--- expect_status
200
--- expect_body
ok

=== CR LF in a multi-value element is escaped
--- content
ngx.header["X-M"] = {"a\r\nb", "c"}
ngx.say("ok")
--- response_headers
X-M
--- expect_status
200
--- expect_headers
x-m: a%0D%0Ab
x-m: c
--- expect_body
ok

=== content_type sets Content-Type
--- content
ngx.header.content_type = "text/html; charset=utf-8"
ngx.say("<p>")
--- response_headers
Content-Type
--- expect_status
200
--- expect_headers
content-type: text/html; charset=utf-8
--- expect_body
<p>

=== Content-Type read back
--- content
ngx.header["Content-Type"] = "application/json"
ngx.say(ngx.header.content_type)
--- expect_status
200
--- expect_body
application/json

=== content type read before it is set
--- content
ngx.say(tostring(ngx.header.content_type))
--- expect_status
200
--- expect_body
nil

=== content_length set to text is refused
--- content
ngx.header.content_length = "text/plain"
ngx.say("ok")
--- response_headers
Content-Length
--- expect_status
500
--- expect_headers
content-length: 170
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== content_length set to a number
--- content
ngx.header.content_length = 3
ngx.print("abc")
--- response_headers
Content-Length
--- expect_status
200
--- expect_headers
content-length: 3
--- expect_body chomp
abc

=== content_length set to a negative number is refused
--- content
ngx.header["Content-Length"] = "-1"
ngx.say("ok")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== content_length cleared with nil
--- content
ngx.header.content_length = 3
ngx.header.content_length = nil
ngx.print("abc")
--- response_headers
Content-Length
--- expect_status
200
--- expect_body chomp
abc

=== header set after output is ignored
--- content
ngx.say("first")
local ok, err = pcall(function() ngx.header["X-Late"] = "1" end)
ngx.say(ok)
--- response_headers
X-Late
--- expect_status
200
--- expect_body
first
true

=== header set in access reaches the proxied answer
--- access
ngx.header["X-Access"] = "a"
--- response_headers
X-Access Content-Type
--- expect_status
200
--- expect_headers
x-access: a
content-type: text/plain
--- expect_body
origin

=== header set in header_filter
--- header_filter
ngx.header["X-HF"] = "h"
--- response_headers
X-HF
--- expect_status
200
--- expect_headers
x-hf: h
--- expect_body
origin

=== header_filter reads the origin's Content-Type
--- header_filter
ngx.header["X-CT"] = ngx.header["Content-Type"]
--- origin
json
--- response_headers
X-CT
--- expect_status
200
--- expect_headers
x-ct: application/json
--- expect_body
{"origin":true}

=== header_filter removes the origin's Content-Type
--- header_filter
ngx.header["Content-Type"] = nil
--- response_headers
Content-Type
--- expect_status
200
--- expect_body
origin

=== header_filter reads origin cookies as a table
--- header_filter
local c = ngx.header["Set-Cookie"]
ngx.header["X-C"] = type(c) .. ":" .. (type(c) == "table" and #c or 1)
--- origin
cookies
--- response_headers
X-C Set-Cookie
--- expect_status
200
--- expect_headers
x-c: table:2
set-cookie: a=1; Path=/
set-cookie: b=2; Path=/
--- expect_body
cookies

=== header_filter replaces the origin's cookies
--- header_filter
ngx.header["Set-Cookie"] = "only=1"
--- origin
cookies
--- response_headers
Set-Cookie
--- expect_status
200
--- expect_headers
set-cookie: only=1
--- expect_body
cookies

=== resp get_headers sees set headers
--- content
ngx.header["X-A"] = "1"
ngx.header["X-B"] = {"2", "3"}
local h = ngx.resp.get_headers()
ngx.say(h["x-a"], " ", table.concat(h["x-b"], ","), " ", h["X-A"])
--- expect_status
200
--- expect_body
1 2,3 1

=== resp get_headers in header_filter sees the origin's
--- header_filter
local h = ngx.resp.get_headers()
ngx.header["X-Seen"] = h["content-type"]
--- response_headers
X-Seen
--- expect_status
200
--- expect_headers
x-seen: text/plain
--- expect_body
origin

=== header in body_filter can be read
--- body_filter
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. tostring(ngx.header["Content-Type"]) .. "\n" end
--- expect_status
200
--- expect_body
origin
text/plain

=== header write in body_filter errors
--- body_filter
ngx.header["X-Late"] = "1"
--- response_headers
X-Late
--- expect_status
200
--- expect_body
origin

=== Cache-Control multi-value
--- content
ngx.header["Cache-Control"] = {"no-cache", "no-store"}
ngx.say("ok")
--- response_headers
Cache-Control
--- expect_status
200
--- expect_headers
cache-control: no-cache
cache-control: no-store
--- expect_body
ok

=== a non-ASCII value passes through
--- content
ngx.header["X-U"] = "caf\195\169"
ngx.say("ok")
--- response_headers
X-U
--- expect_status
200
--- expect_headers
x-u: café
--- expect_body
ok

=== Location header relative
--- content
ngx.header["Location"] = "/rel"
ngx.status = 301
ngx.say("moved")
--- response_headers
Location
--- expect_status
301
--- expect_headers
location: /rel
--- expect_body
moved

=== resp get_headers raw keeps the case
--- content
ngx.header["X-Mixed-Case"] = "1"
local h = ngx.resp.get_headers(0, true)
ngx.say(tostring(h["X-Mixed-Case"]), " ", tostring(h["x-mixed-case"]))
--- expect_status
200
--- expect_body
1 nil

=== resp get_headers with a limit
--- content
ngx.header["X-A"] = "1"
ngx.header["X-B"] = "2"
ngx.header["X-C"] = "3"
local h, err = ngx.resp.get_headers(2)
local n = 0
for _ in pairs(h) do n = n + 1 end
ngx.say(n, " ", tostring(err))
--- expect_status
200
--- expect_body
2 truncated

=== resp get_headers cleared header is gone
--- header_filter
ngx.header["X-Gone"] = nil
ngx.header.content_type = nil
local h = ngx.resp.get_headers()
ngx.header["X-Seen"] = tostring(h["content-type"])
--- response_headers
X-Seen
--- expect_status
200
--- expect_headers
x-seen: nil
--- expect_body
origin

=== resp get_headers in header_filter sees the origin's cookies
--- header_filter
local h = ngx.resp.get_headers()
local c = h["set-cookie"]
ngx.header["X-Seen"] = type(c) == "table" and table.concat(c, "|") or tostring(c)
--- origin
cookies
--- response_headers
X-Seen
--- expect_status
200
--- expect_headers
x-seen: a=1; Path=/|b=2; Path=/
--- expect_body
cookies

