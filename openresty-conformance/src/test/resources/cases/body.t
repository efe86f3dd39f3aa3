# Request bodies: ngx.req.read_body, get_body_data, get_post_args, set_body_data, discard_body,
# init/append/finish_body, and what reaches the origin (issue #13).

=== read_body in rewrite, body in content
--- rewrite
ngx.req.read_body()
--- content
ngx.say(ngx.req.get_body_data())
--- request
POST /t
from rewrite
--- expect_status
200
--- expect_body
from rewrite

=== read_body in access then answer
--- access
ngx.req.read_body()
ngx.say("got ", ngx.req.get_body_data())
--- request
PUT /t
put body
--- expect_status
200
--- expect_body
got put body

=== form post get_post_args
--- content
ngx.req.read_body()
local args = ngx.req.get_post_args()
local keys = {}
for k in pairs(args) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do
  local v = args[k]
  ngx.say(k, "=", type(v) == "table" and table.concat(v, ",") or tostring(v))
end
--- request_headers
Content-Type: application/x-www-form-urlencoded
--- request
POST /t
name=cam+one&tag=a&tag=b%26c&flag&empty=
--- expect_status
200
--- expect_body
empty=
flag=true
name=cam one
tag=a,b&c

=== get_post_args max_args truncates
--- content
ngx.req.read_body()
local args, err = ngx.req.get_post_args(2)
ngx.say(args.a, " ", args.b, " ", tostring(args.c), " ", tostring(err))
--- request
POST /t
a=1&b=2&c=3
--- expect_status
200
--- expect_body
1 2 nil truncated

=== get_post_args without read_body errors
--- content
local ok, err = pcall(ngx.req.get_post_args)
ngx.say(ok, " ", err)
--- request
POST /t
a=1
--- expect_status
200
--- expect_body
false no request body found; maybe you should turn on lua_need_request_body?

=== get_post_args on an empty body is empty
--- content
ngx.req.read_body()
ngx.say(next(ngx.req.get_post_args()) == nil)
--- request
POST /t
--- expect_status
200
--- expect_body
true

=== JSON body is read as is
--- content
ngx.req.read_body()
local data = ngx.req.get_body_data()
ngx.say(#data, " ", data)
--- request_headers
Content-Type: application/json
--- request
POST /api
{"name":"cam-1","bitrate":3000}
--- expect_status
200
--- expect_body
31 {"name":"cam-1","bitrate":3000}

=== POST without a body reads nil
--- content
ngx.req.read_body()
ngx.say(tostring(ngx.req.get_body_data()), " ", tostring(ngx.req.get_body_file()))
--- request
POST /t
--- expect_status
200
--- expect_body
nil nil

=== get_body_file is nil for a small body
--- content
ngx.req.read_body()
ngx.say(tostring(ngx.req.get_body_file()))
--- request
POST /t
small
--- expect_status
200
--- expect_body
nil

=== request_body variable after read_body
--- content
ngx.req.read_body()
ngx.say(ngx.var.request_body)
--- request
POST /t
as variable
--- expect_status
200
--- expect_body
as variable

=== body read in rewrite reaches the origin unchanged
--- rewrite
ngx.req.read_body()
ngx.req.set_header("X-Len", #ngx.req.get_body_data())
--- request
POST /t
unchanged body
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
x-len: 14
body: unchanged body

=== set_body_data in access reaches the origin
--- access
ngx.req.read_body()
ngx.req.set_body_data(ngx.req.get_body_data():upper())
--- request
POST /t
shout
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
body: SHOUT

=== set_body_data on a GET sends a body
--- rewrite
ngx.req.read_body()
ngx.req.set_body_data("added")
--- origin
echo
--- expect_status
200
--- expect_body
GET /t
body: added

=== set_body_data without read_body errors
--- content
local ok, err = pcall(ngx.req.set_body_data, "x")
ngx.say(ok, " ", err)
--- request
POST /t
abc
--- expect_status
200
--- expect_body
false request body not read yet

=== init_body append_body finish_body reach the origin
--- rewrite
ngx.req.read_body()
ngx.req.init_body()
ngx.req.append_body("one,")
ngx.req.append_body("two")
ngx.req.finish_body()
--- request
POST /t
old
--- origin
echo
--- expect_status
200
--- expect_body
POST /t
body: one,two

=== get_body_data after set_body_data
--- content
ngx.req.read_body()
ngx.req.set_body_data("new")
ngx.say(ngx.req.get_body_data())
--- request
POST /t
old
--- expect_status
200
--- expect_body
new

=== discard_body then read_body reads nil
--- content
ngx.req.discard_body()
ngx.req.read_body()
ngx.say(tostring(ngx.req.get_body_data()))
--- request
POST /t
dropped
--- expect_status
200
--- expect_body
nil

=== read_body twice is harmless
--- content
ngx.req.read_body()
ngx.req.read_body()
ngx.say(ngx.req.get_body_data())
--- request
POST /t
twice
--- expect_status
200
--- expect_body
twice

=== read_body in header_filter is refused
--- header_filter
local ok = pcall(ngx.req.read_body)
ngx.header["X-Ok"] = tostring(ok)
--- request
POST /t
abc
--- response_headers
X-Ok
--- expect_status
200
--- expect_headers
x-ok: false
--- expect_body
origin

=== get_body_data in header_filter is refused
--- rewrite
ngx.req.read_body()
--- header_filter
local ok = pcall(ngx.req.get_body_data)
ngx.header["X-Ok"] = tostring(ok)
--- request
POST /t
abc
--- response_headers
X-Ok
--- expect_status
200
--- expect_headers
x-ok: true
--- expect_body
origin

=== oversized declared body is 413
--- access
ngx.req.read_body()
ngx.say("read")
--- request_headers
Content-Length: 2000000
--- request
POST /t
short
--- expect_status
413
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDEzIFJlcXVlc3QgRW50aXR5IFRvbyBMYXJnZTwvdGl0bGU+
PC9oZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT40MTMgUmVxdWVzdCBFbnRpdHkgVG9vIExhcmdl
PC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0
bWw+DQo=

=== a body under the limit is read
--- content
ngx.req.read_body()
ngx.say(#ngx.req.get_body_data())
--- request
POST /t
0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
--- expect_status
200
--- expect_body
100

