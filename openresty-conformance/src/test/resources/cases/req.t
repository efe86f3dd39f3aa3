# ngx.req header, method and uri functions (get_uri_args' parsing rules are req-args.t's).

=== get_method GET
--- content
ngx.say(ngx.req.get_method())
--- expect_status
200
--- expect_body
GET

=== get_method POST
--- content
ngx.say(ngx.req.get_method())
--- request
POST /t
x=1
--- expect_status
200
--- expect_body
POST

=== get_method HEAD answers without body
--- content
ngx.header["X-M"] = ngx.req.get_method()
ngx.say("x")
--- request
HEAD /t
--- response_headers
X-M
--- expect_status
200
--- expect_headers
x-m: HEAD

=== set_method changes what the origin sees
--- rewrite
ngx.req.set_method(ngx.HTTP_POST)
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
body: 

=== set_method then get_method
--- content
ngx.req.set_method(ngx.HTTP_PUT)
ngx.say(ngx.req.get_method())
--- expect_status
200
--- expect_body
PUT

=== set_method with a bad value errors
--- content
ngx.req.set_method(12345)
ngx.say("ok")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== get_headers reads a header
--- content
ngx.say(ngx.req.get_headers()["X-Foo"])
--- request_headers
X-Foo: bar
--- expect_status
200
--- expect_body
bar

=== get_headers keys are lower case
--- content
local h = ngx.req.get_headers()
local keys = {}
for k in pairs(h) do if k:sub(1, 2) == "x-" then keys[#keys + 1] = k end end
table.sort(keys)
ngx.say(table.concat(keys, ","))
--- request_headers
X-Foo: 1
X-Bar-Baz: 2
--- expect_status
200
--- expect_body
x-bar-baz,x-foo

=== get_headers looks up underscores and any case
--- content
local h = ngx.req.get_headers()
ngx.say(h.x_foo, " ", h["X-FOO"], " ", h["x-foo"])
--- request_headers
X-Foo: bar
--- expect_status
200
--- expect_body
bar bar bar

=== get_headers repeated header is a table
--- content
local v = ngx.req.get_headers()["x-m"]
ngx.say(type(v), " ", type(v) == "table" and table.concat(v, ",") or v)
--- request_headers
X-M: a
X-M: b
--- expect_status
200
--- expect_body
table a,b

=== get_headers raw keeps the case
--- content
local h = ngx.req.get_headers(0, true)
ngx.say(tostring(h["X-Foo"]), " ", tostring(h["x-foo"]))
--- request_headers
X-Foo: bar
--- expect_status
200
--- expect_body
bar nil

=== get_headers with a limit
--- content
local h, err = ngx.req.get_headers(2)
local n = 0
for _ in pairs(h) do n = n + 1 end
ngx.say(n, " ", tostring(err))
--- request_headers
X-A: 1
X-B: 2
X-C: 3
--- expect_status
200
--- expect_body
2 truncated

=== get_headers missing header is nil
--- content
ngx.say(tostring(ngx.req.get_headers()["x-none"]))
--- expect_status
200
--- expect_body
nil

=== set_header reaches the origin
--- rewrite
ngx.req.set_header("X-Added", "yes")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-added: yes
body: 

=== set_header replaces a client header
--- access
ngx.req.set_header("X-Foo", "new")
--- request_headers
X-Foo: old
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-foo: new
body: 

=== set_header with a table
--- rewrite
ngx.req.set_header("X-Multi", {"a", "b"})
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-multi: a, b
body: 

=== set_header nil removes
--- rewrite
ngx.req.set_header("X-Foo", nil)
--- request_headers
X-Foo: old
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
body: 

=== clear_header removes
--- rewrite
ngx.req.clear_header("X-Foo")
--- request_headers
X-Foo: old
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
body: 

=== set_header then get_headers
--- content
ngx.req.set_header("X-New", "v")
ngx.say(ngx.req.get_headers()["x-new"])
--- expect_status
200
--- expect_body
v

=== set_header with CR LF in the value
--- rewrite
ngx.req.set_header("X-Inject", "a\r\nX-Evil: 1")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-inject: a%0D%0AX-Evil: 1
body: 

=== set_header with CR LF in the name
--- rewrite
ngx.req.set_header("X-A\r\nX-Evil", "v")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
body: 

=== set_header with a number
--- rewrite
ngx.req.set_header("X-N", 5)
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
x-n: 5
body: 

=== set_header underscores stay
--- rewrite
ngx.req.set_header("X_Under", "1")
ngx.header["X-Seen"] = ngx.req.get_headers()["x_under"]
--- response_headers
X-Seen
--- expect_status
200
--- expect_headers
x-seen: 1
--- expect_body
origin

=== set_uri changes what the origin sees
--- rewrite
ngx.req.set_uri("/changed")
--- origin
echo
--- expect_status
200
--- expect_body
GET /changed
body: 

=== set_uri then ngx.var.uri
--- rewrite
ngx.req.set_uri("/changed")
ngx.header["X-Uri"] = ngx.var.uri
--- response_headers
X-Uri
--- expect_status
200
--- expect_headers
x-uri: /changed
--- expect_body
origin

=== set_uri_args with a string
--- rewrite
ngx.req.set_uri_args("a=1&b=2")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t?a=1&b=2
body: 

=== set_uri_args with a table
--- rewrite
ngx.req.set_uri_args({a = "1"})
--- origin
echo
--- expect_status
200
--- expect_body
GET /t?a=1
body: 

=== set_uri_args then ngx.var.args
--- content
ngx.req.set_uri_args("x=y")
ngx.say(ngx.var.args)
--- expect_status
200
--- expect_body
x=y

=== http_version
--- content
ngx.say(ngx.req.http_version())
--- expect_status
200
--- expect_body
1.1

=== http_version 1.0
--- content
ngx.say(ngx.req.http_version())
--- request
GET /t HTTP/1.0
--- expect_status
200
--- expect_body
1

=== is_internal is false
--- content
ngx.say(ngx.req.is_internal())
--- expect_status
200
--- expect_body
false

=== start_time is a number
--- content
ngx.say(type(ngx.req.start_time()))
--- expect_status
200
--- expect_body
number

=== read_body then get_body_data
--- content
ngx.req.read_body()
ngx.say(ngx.req.get_body_data())
--- request
POST /t
hello body
--- expect_status
200
--- expect_body
hello body

=== get_body_data without read_body is nil
--- content
ngx.say(tostring(ngx.req.get_body_data()))
--- request
POST /t
hello body
--- expect_status
200
--- expect_body
nil

=== read_body on GET gives nil
--- content
ngx.req.read_body()
ngx.say(tostring(ngx.req.get_body_data()))
--- expect_status
200
--- expect_body
nil

=== set_body_data reaches the origin
--- rewrite
ngx.req.read_body()
ngx.req.set_body_data("replaced")
--- request
POST /t
original
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
body: replaced

=== request body reaches the origin
--- rewrite
ngx.req.set_header("X-Seen", "1")
--- request
POST /t
posted
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
x-seen: 1
body: posted

=== set_uri keeps the query
--- rewrite
ngx.req.set_uri("/changed")
--- request
GET /t?a=1&b=%20
--- origin
echo
--- expect_status
200
--- expect_body
GET /changed?a=1&b=%20
body: 

=== set_uri in access reaches the origin
--- access
ngx.req.set_uri("/from-access")
--- origin
echo
--- expect_status
200
--- expect_body
GET /from-access
body: 

=== set_uri is escaped on the way upstream
--- rewrite
ngx.req.set_uri("/a b/ü?x#y")
--- origin
echo
--- expect_status
200
--- expect_body
GET /a%20b/%C3%BC%3Fx%23y
body: 

=== set_uri then request_uri stays the client's
--- rewrite
ngx.req.set_uri("/changed")
ngx.header["X-Uri"] = ngx.var.uri
ngx.header["X-Request-Uri"] = ngx.var.request_uri
--- request
GET /t?q=1
--- response_headers
X-Uri X-Request-Uri
--- expect_status
200
--- expect_headers
x-uri: /changed
x-request-uri: /t?q=1
--- expect_body
origin

=== set_uri with jump in rewrite runs rewrite again for the new uri
--- rewrite
if ngx.var.uri ~= "/jumped" then
  ngx.req.set_uri("/jumped", true)
  ngx.req.set_header("X-Never", "after a jump the unit ends")
end
ngx.req.set_header("X-Seen-Uri", ngx.var.uri)
--- origin
echo
--- expect_status
200
--- expect_body
GET /jumped
x-seen-uri: /jumped
body: 

=== set_uri with jump every time is a rewrite cycle
--- rewrite
ngx.req.set_uri("/again", true)
--- origin
echo
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== set_uri with jump nine times reaches the origin
--- rewrite
local n = tonumber(ngx.var.uri:match("^/j(%d+)$") or "0")
if n < 9 then
  ngx.req.set_uri("/j" .. (n + 1), true)
end
--- origin
echo
--- expect_status
200
--- expect_body
GET /j9
body: 

=== set_uri with jump ten times reaches the origin
--- rewrite
local n = tonumber(ngx.var.uri:match("^/j(%d+)$") or "0")
if n < 10 then
  ngx.req.set_uri("/j" .. (n + 1), true)
end
--- origin
echo
--- expect_status
200
--- expect_body
GET /j10
body: 

=== set_uri with jump eleven times is a rewrite cycle
--- rewrite
local n = tonumber(ngx.var.uri:match("^/j(%d+)$") or "0")
if n < 11 then
  ngx.req.set_uri("/j" .. (n + 1), true)
end
--- origin
echo
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== set_uri with jump starts a new ngx.ctx
--- rewrite
ngx.ctx.runs = (ngx.ctx.runs or 0) + 1
if ngx.var.uri ~= "/jumped" then
  ngx.req.set_uri("/jumped", true)
end
ngx.req.set_header("X-Runs", ngx.ctx.runs)
--- origin
echo
--- expect_status
200
--- expect_body
GET /jumped
x-runs: 1
body: 

=== set_uri with a control byte and binary
--- rewrite
ngx.req.set_uri("/a\tb", false, true)
ngx.header["X-Uri"] = ngx.escape_uri(ngx.var.uri)
--- response_headers
X-Uri
--- expect_status
200
--- expect_headers
x-uri: %2Fa%09b
--- expect_body
origin

=== set_uri with jump in content errors
--- content
local ok, err = pcall(ngx.req.set_uri, "/x", true)
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false API disabled in the context of content_by_lua*

=== set_uri with an empty uri errors
--- content
local ok, err = pcall(ngx.req.set_uri, "")
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false attempt to use zero-length uri

=== set_uri with a number errors
--- content
local ok, err = pcall(ngx.req.set_uri, 12)
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
true nil

=== set_uri with a control byte errors
--- content
local ok, err = pcall(ngx.req.set_uri, "/a\nb")
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false unsafe byte "0x0a" in uri "/a\x0Ab" (maybe you want to set the 'binary' argument?)

=== set_uri then set_uri_args reach the origin
--- rewrite
ngx.req.set_uri("/both")
ngx.req.set_uri_args({k = "a b"})
--- request
GET /t?old=1
--- origin
echo
--- expect_status
200
--- expect_body
GET /both?k=a%20b
body: 

=== set_uri in header_filter changes ngx.var.uri
--- header_filter
ngx.req.set_uri("/late")
ngx.header["X-Uri"] = ngx.var.uri
--- response_headers
X-Uri
--- expect_status
200
--- expect_headers
x-uri: /late
--- expect_body
origin

=== set_method in access reaches the origin
--- access
ngx.req.set_method(ngx.HTTP_DELETE)
--- origin
echo
--- expect_status
200
--- expect_body
DELETE /t
body: 

=== set_method then request_method
--- content
ngx.req.set_method(ngx.HTTP_PATCH)
ngx.say(ngx.var.request_method)
--- expect_status
200
--- expect_body
PATCH

=== set_method with a bad value gives the error
--- content
local ok, err = pcall(ngx.req.set_method, 12345)
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false unsupported HTTP method: 12345

=== set_method with a string gives the error
--- content
local ok, err = pcall(ngx.req.set_method, "POST")
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false bad method number

=== set_method every constant
--- content
local names = {}
for _, m in ipairs({"GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS", "PROPFIND",
    "PROPPATCH", "LOCK", "UNLOCK", "PATCH", "TRACE"}) do
  ngx.req.set_method(ngx["HTTP_" .. m])
  names[#names + 1] = ngx.req.get_method()
end
ngx.say(table.concat(names, " "))
--- expect_status
200
--- expect_body
GET HEAD POST PUT DELETE MKCOL COPY MOVE OPTIONS PROPFIND PROPPATCH LOCK UNLOCK PATCH TRACE

=== set_uri_args in access reaches the origin
--- access
ngx.req.set_uri_args("from=access")
--- request
GET /t?x=1
--- origin
echo
--- expect_status
200
--- expect_body
GET /t?from=access
body: 

=== set_uri_args with an empty string drops the query
--- rewrite
ngx.req.set_uri_args("")
--- request
GET /t?x=1
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
body: 

=== set_uri with jump in access errors
--- access
local ok, err = pcall(ngx.req.set_uri, "/x", true)
ngx.header["X-Err"] = err
--- response_headers
X-Err
--- expect_status
200
--- expect_headers
x-err: API disabled in the context of access_by_lua*
--- expect_body
origin

