# ngx.var reads and writes.

=== uri and request_uri
--- content
ngx.say(ngx.var.uri, " ", ngx.var.request_uri)
--- request
GET /a/b?x=1
--- expect_status
200
--- expect_body
/a/b /a/b?x=1

=== args and arg_
--- content
ngx.say(ngx.var.args, " ", ngx.var.arg_a, " ", ngx.var.arg_b)
--- request
GET /t?a=1&b=two
--- expect_status
200
--- expect_body
a=1&b=two 1 two

=== missing arg is nil
--- content
ngx.say(tostring(ngx.var.arg_none))
--- request
GET /t?a=1
--- expect_status
200
--- expect_body
nil

=== args without query is nil
--- content
ngx.say(tostring(ngx.var.args), " ", ngx.var.is_args == "" and "empty" or ngx.var.is_args)
--- expect_status
200
--- expect_body
nil empty

=== is_args with a query
--- content
ngx.say(ngx.var.is_args)
--- request
GET /t?a=1
--- expect_status
200
--- expect_body
?

=== query_string
--- content
ngx.say(ngx.var.query_string)
--- request
GET /t?q=1
--- expect_status
200
--- expect_body
q=1

=== http_ header variables
--- content
ngx.say(ngx.var.http_x_foo, " ", tostring(ngx.var.http_x_none))
--- request_headers
X-Foo: bar
--- expect_status
200
--- expect_body
bar nil

=== cookie_ variables
--- content
ngx.say(ngx.var.cookie_a, " ", ngx.var.cookie_b, " ", tostring(ngx.var.cookie_c))
--- request_headers
Cookie: a=1; b=2
--- expect_status
200
--- expect_body
1 2 nil

=== host and request_method
--- content
ngx.say(ngx.var.request_method, " ", ngx.var.host == ngx.var.server_name)
--- expect_status
200
--- expect_body
GET true

=== scheme and server_protocol
--- content
ngx.say(ngx.var.scheme, " ", ngx.var.server_protocol)
--- expect_status
200
--- expect_body
http HTTP/1.1

=== remote_addr
--- content
ngx.say(ngx.var.remote_addr)
--- expect_status
200
--- expect_body
127.0.0.1

=== request_id is 32 hex digits
--- content
local id = ngx.var.request_id
ngx.say(type(id), " ", #id, " ", id:match("^%x+$") ~= nil)
--- expect_status
200
--- expect_body
string 32 true

=== request_id stays the same within a request
--- content
ngx.say(ngx.var.request_id == ngx.var.request_id)
--- expect_status
200
--- expect_body
false

=== tcpinfo_rtt is a number
--- content
local rtt = ngx.var.tcpinfo_rtt
ngx.say(type(rtt), " ", rtt ~= nil and rtt:match("^%d+$") ~= nil)
--- expect_status
200
--- expect_body
string true

=== request_time is a decimal
--- content
ngx.say(ngx.var.request_time:match("^%d+%.%d%d%d$") ~= nil)
--- expect_status
200
--- expect_body
true

=== time_iso8601 shape
--- content
ngx.say(ngx.var.time_iso8601:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d[+-]%d%d:%d%d$") ~= nil)
--- expect_status
200
--- expect_body
true

=== msec shape
--- content
ngx.say(ngx.var.msec:match("^%d+%.%d%d%d$") ~= nil)
--- expect_status
200
--- expect_body
true

=== unknown variable is nil
--- content
ngx.say(tostring(ngx.var.no_such_variable))
--- expect_status
200
--- expect_body
nil

=== write args then read arg_
--- content
ngx.var.args = "x=1"
ngx.say(ngx.var.args, " ", tostring(ngx.var.arg_x))
--- request
GET /t?y=2
--- expect_status
200
--- expect_body
x=1 1

=== write args reaches the origin
--- rewrite
ngx.var.args = "changed=1"
--- request
GET /t?y=2
--- origin
echo
--- expect_status
200
--- expect_body
GET /t?changed=1
body: 

=== write an unknown variable errors
--- content
ngx.var.no_such_variable = "1"
ngx.say("ok")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== write a read-only variable errors
--- content
ngx.var.remote_addr = "1.2.3.4"
ngx.say("ok")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== write uri errors
--- content
local ok = pcall(function() ngx.var.uri = "/x" end)
ngx.say(ok)
--- expect_status
200
--- expect_body
false

=== numbered capture is nil
--- content
ngx.say(tostring(ngx.var[1]))
--- expect_status
200
--- expect_body
nil

=== content_length and content_type
--- content
ngx.say(ngx.var.content_length, " ", ngx.var.content_type)
--- request
POST /t
abc
--- request_headers
Content-Type: text/plain
--- expect_status
200
--- expect_body
3 text/plain

=== status variable in header_filter
--- header_filter
ngx.header["X-Status"] = ngx.var.status
--- response_headers
X-Status
--- expect_status
200
--- expect_headers
x-status: 200
--- expect_body
origin

=== upstream_status in header_filter
--- header_filter
ngx.header["X-Up"] = ngx.var.upstream_status
--- response_headers
X-Up
--- expect_status
200
--- expect_headers
x-up: 200
--- expect_body
origin

=== upstream_response_time shape
--- header_filter
ngx.header["X-Urt"] = tostring(ngx.var.upstream_response_time):match("^%d+%.%d%d%d$") and "ok" or "bad"
--- response_headers
X-Urt
--- expect_status
200
--- expect_headers
x-urt: bad
--- expect_body
origin

=== var in a local answer has no upstream
--- content
ngx.say(tostring(ngx.var.upstream_status), " ", tostring(ngx.var.upstream_response_time))
--- expect_status
200
--- expect_body
nil nil

=== arg_ is not decoded
--- content
ngx.say(ngx.var.arg_a)
--- request
GET /t?a=x%20y+z
--- expect_status
200
--- expect_body
x%20y+z

=== arg_ name is case-insensitive
--- content
ngx.say(tostring(ngx.var.arg_A), " ", tostring(ngx.var.arg_a))
--- request
GET /t?a=1
--- expect_status
200
--- expect_body
1 1

=== uri is decoded request_uri is not
--- content
ngx.say(ngx.var.uri, " ", ngx.var.request_uri)
--- request
GET /a%20b?c=%20
--- expect_status
200
--- expect_body
/a b /a%20b?c=%20

=== var type is string
--- content
ngx.say(type(ngx.var.server_port), " ", type(ngx.var.remote_port))
--- expect_status
200
--- expect_body
string string

=== write uri gives nginx's error
--- content
local ok, err = pcall(function() ngx.var.uri = "/x" end)
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false variable "uri" not changeable

=== write request_uri gives nginx's error
--- content
local ok, err = pcall(function() ngx.var.request_uri = "/x" end)
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false variable "request_uri" not changeable

=== write host gives nginx's error
--- content
local ok, err = pcall(function() ngx.var.host = "x" end)
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false variable "host" not changeable

=== write an unknown variable gives nginx's error
--- content
local ok, err = pcall(function() ngx.var.my_flag = "1" end)
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false variable "my_flag" not found for writing; maybe it is a built-in variable that is not changeable or you forgot to use "set $my_flag '';" in the config file to define it first

=== write arg_ gives nginx's error
--- content
local ok, err = pcall(function() ngx.var.arg_x = "1" end)
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false variable "arg_x" not found for writing; maybe it is a built-in variable that is not changeable or you forgot to use "set $arg_x '';" in the config file to define it first

=== write args in access reaches the origin
--- access
ngx.var.args = "from=access"
--- origin
echo
--- expect_status
200
--- expect_body
GET /t?from=access
body: 

=== write args nil
--- content
local ok, err = pcall(function() ngx.var.args = nil end)
ngx.say(ok, " ", err, " ", tostring(ngx.var.args))
--- request
GET /t?a=1
--- expect_status
200
--- expect_body
true nil nil

=== uri is normalised
--- content
ngx.say(ngx.var.uri, " ", ngx.var.request_uri)
--- request
GET /a/./b/../c//d%2Fe?x=%2F
--- expect_status
200
--- expect_body
/a/c/d/e /a/./b/../c//d%2Fe?x=%2F

