# Small ngx APIs: ngx.worker, ngx.config, raw_header, clock strings, parse_http_time, digests (issue #13).

=== worker id count pid exiting
--- content
ngx.say(ngx.worker.id(), " ", ngx.worker.count(), " ", type(ngx.worker.pid()), " ", tostring(ngx.worker.exiting()))
--- expect_status
200
--- expect_body
0 1 number false

=== config values
--- content
ngx.say(ngx.config.subsystem, " ", ngx.config.nginx_version, " ", ngx.config.ngx_lua_version, " ", tostring(ngx.config.debug), " ", type(ngx.config.prefix()))
--- expect_status
200
--- expect_body
http 1022001 10023 true string

=== config is_console
--- content
ngx.say(tostring(ngx.config.is_console))
--- expect_status
200
--- expect_body
nil

=== raw_header without the request line
--- content
ngx.print(ngx.req.raw_header(true))
--- request_headers
X-One: 1
X-Two: two
--- expect_status
200
--- expect_body_base64
SG9zdDogYzBhMDU3YjlkOTdiMy5jb25mb3JtYW5jZS50ZXN0DQpYLU9uZTogMQ0KWC1Ud286IHR3
bw0KQ29ubmVjdGlvbjogY2xvc2UNCg0K

=== raw_header request line
--- content
local h = ngx.req.raw_header()
ngx.say((h:match("^[^\r]*")))
ngx.say(h:sub(-4) == "\r\n\r\n")
--- request
GET /path?a=1 HTTP/1.1
--- expect_status
200
--- expect_body
GET /path?a=1 HTTP/1.1
true

=== localtime and utctime shapes
--- content
local p = "^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d$"
ngx.say(ngx.localtime():match(p) ~= nil, " ", ngx.utctime():match(p) ~= nil)
--- expect_status
200
--- expect_body
true true

=== today shape
--- content
ngx.say(ngx.today():match("^%d%d%d%d%-%d%d%-%d%d$") ~= nil)
--- expect_status
200
--- expect_body
true

=== parse_http_time formats
--- content
ngx.say(ngx.parse_http_time("Sun, 06 Nov 1994 08:49:37 GMT"))
ngx.say(ngx.parse_http_time("Sunday, 06-Nov-94 08:49:37 GMT"))
ngx.say(ngx.parse_http_time("Sun Nov  6 08:49:37 1994"))
ngx.say(tostring(ngx.parse_http_time("not a date")))
--- expect_status
200
--- expect_body
784111777
784111777
784111777
nil

=== parse_http_time round trip
--- content
ngx.say(ngx.parse_http_time(ngx.http_time(1700000000)))
--- expect_status
200
--- expect_body
1700000000

=== http_time and cookie_time
--- content
ngx.say(ngx.http_time(0))
ngx.say(ngx.cookie_time(1700000000))
--- expect_status
200
--- expect_body
Thu, 01 Jan 1970 00:00:00 GMT
Tue, 14-Nov-23 22:13:20 GMT

=== hmac_sha1
--- content
ngx.say(ngx.encode_base64(ngx.hmac_sha1("secret", "message")))
--- expect_status
200
--- expect_body
DK9kn+7klT2Hv5A6wRdsReAo3xY=

=== sha1_bin and md5
--- content
ngx.say(ngx.encode_base64(ngx.sha1_bin("abc")), " ", ngx.md5("abc"))
--- expect_status
200
--- expect_body
qZk+NkcGgWq6PiVxeFDCbJzQ2J0= 900150983cd24fb0d6963f7d28e17f72

=== crc32
--- content
ngx.say(ngx.crc32_short("hello"), " ", ngx.crc32_long("hello"))
--- expect_status
200
--- expect_body
907060870 907060870

=== update_time returns nothing
--- content
ngx.say(select("#", ngx.update_time()))
--- expect_status
200
--- expect_body
0

=== now and time agree
--- content
ngx.say(math.abs(ngx.now() - ngx.time()) < 2)
--- expect_status
200
--- expect_body
true

=== get_headers max truncates
--- content
local h, err = ngx.req.get_headers(1)
local n = 0
for _ in pairs(h) do n = n + 1 end
ngx.say(n, " ", tostring(err))
--- request_headers
X-A: 1
X-B: 2
--- expect_status
200
--- expect_body
1 truncated

=== get_headers raw keeps names
--- content
local h = ngx.req.get_headers(100, true)
ngx.say(tostring(h["X-Mixed-Case"]), " ", tostring(h["x-mixed-case"]))
--- request_headers
X-Mixed-Case: v
--- expect_status
200
--- expect_body
v nil

=== worker id in log phase
--- log
ngx.log(ngx.ERR, ngx.worker.id())
--- content
ngx.say("ok")
--- expect_status
200
--- expect_body
ok

