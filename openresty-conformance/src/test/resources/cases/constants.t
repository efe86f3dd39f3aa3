# ngx.* constants: their values and types.

=== core constants
--- content
ngx.say(ngx.OK, " ", ngx.ERROR, " ", ngx.AGAIN, " ", ngx.DONE, " ", ngx.DECLINED)
--- expect_status
200
--- expect_body
0 -1 -2 -4 -5

=== method constants
--- content
ngx.say(ngx.HTTP_GET, " ", ngx.HTTP_HEAD, " ", ngx.HTTP_PUT, " ", ngx.HTTP_POST, " ", ngx.HTTP_DELETE, " ", ngx.HTTP_OPTIONS)
--- expect_status
200
--- expect_body
2 4 16 8 32 512

=== method constants more
--- content
ngx.say(ngx.HTTP_MKCOL, " ", ngx.HTTP_COPY, " ", ngx.HTTP_MOVE, " ", ngx.HTTP_PROPFIND, " ", ngx.HTTP_PROPPATCH, " ", ngx.HTTP_LOCK, " ", ngx.HTTP_UNLOCK)
--- expect_status
200
--- expect_body
64 128 256 1024 2048 4096 8192

=== HTTP_PATCH and HTTP_TRACE are numbers
--- content
ngx.say(type(ngx.HTTP_PATCH), " ", ngx.HTTP_PATCH, " ", type(ngx.HTTP_TRACE), " ", ngx.HTTP_TRACE)
--- expect_status
200
--- expect_body
number 16384 number 32768

=== method constant types
--- content
ngx.say(type(ngx.HTTP_GET), " ", type(ngx.HTTP_POST))
--- expect_status
200
--- expect_body
number number

=== 1xx and 2xx status constants
--- content
ngx.say(ngx.HTTP_CONTINUE, " ", ngx.HTTP_SWITCHING_PROTOCOLS, " ", ngx.HTTP_OK, " ", ngx.HTTP_CREATED, " ", ngx.HTTP_ACCEPTED, " ", ngx.HTTP_NO_CONTENT, " ", ngx.HTTP_PARTIAL_CONTENT)
--- expect_status
200
--- expect_body
100 101 200 201 202 204 206

=== 3xx status constants
--- content
ngx.say(ngx.HTTP_SPECIAL_RESPONSE, " ", ngx.HTTP_MOVED_PERMANENTLY, " ", ngx.HTTP_MOVED_TEMPORARILY, " ", ngx.HTTP_SEE_OTHER, " ", ngx.HTTP_NOT_MODIFIED, " ", ngx.HTTP_TEMPORARY_REDIRECT, " ", ngx.HTTP_PERMANENT_REDIRECT)
--- expect_status
200
--- expect_body
300 301 302 303 304 307 308

=== 4xx status constants
--- content
ngx.say(ngx.HTTP_BAD_REQUEST, " ", ngx.HTTP_UNAUTHORIZED, " ", ngx.HTTP_PAYMENT_REQUIRED, " ", ngx.HTTP_FORBIDDEN, " ", ngx.HTTP_NOT_FOUND, " ", ngx.HTTP_NOT_ALLOWED, " ", ngx.HTTP_NOT_ACCEPTABLE, " ", ngx.HTTP_REQUEST_TIMEOUT, " ", ngx.HTTP_CONFLICT, " ", ngx.HTTP_GONE)
--- expect_status
200
--- expect_body
400 401 402 403 404 405 406 408 409 410

=== more 4xx status constants
--- content
ngx.say(ngx.HTTP_UPGRADE_REQUIRED, " ", ngx.HTTP_TOO_MANY_REQUESTS, " ", ngx.HTTP_CLOSE, " ", ngx.HTTP_ILLEGAL, " ", ngx.HTTP_REQUEST_ENTITY_TOO_LARGE)
--- expect_status
200
--- expect_body
426 429 444 451 nil

=== 5xx status constants
--- content
ngx.say(ngx.HTTP_INTERNAL_SERVER_ERROR, " ", ngx.HTTP_METHOD_NOT_IMPLEMENTED, " ", ngx.HTTP_BAD_GATEWAY, " ", ngx.HTTP_SERVICE_UNAVAILABLE, " ", ngx.HTTP_GATEWAY_TIMEOUT, " ", ngx.HTTP_VERSION_NOT_SUPPORTED, " ", ngx.HTTP_INSUFFICIENT_STORAGE)
--- expect_status
200
--- expect_body
500 501 502 503 504 505 507

=== log level constants
--- content
ngx.say(ngx.STDERR, " ", ngx.EMERG, " ", ngx.ALERT, " ", ngx.CRIT, " ", ngx.ERR, " ", ngx.WARN, " ", ngx.NOTICE, " ", ngx.INFO, " ", ngx.DEBUG)
--- expect_status
200
--- expect_body
0 1 2 3 4 5 6 7 8

=== ngx.null is a light userdata
--- content
ngx.say(type(ngx.null), " ", tostring(ngx.null == ngx.null))
--- expect_status
200
--- expect_body
userdata true

=== constants are ordinary fields that can be shadowed
--- content
local ok = ngx.HTTP_OK
ngx.say(ok + 1)
--- expect_status
200
--- expect_body
201

=== exit with a method constant status
--- content
ngx.exit(ngx.HTTP_NOT_FOUND)
--- expect_status
404
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDA0IE5vdCBGb3VuZDwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDQgTm90IEZvdW5kPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

