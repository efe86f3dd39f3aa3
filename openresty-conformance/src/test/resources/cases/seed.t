# The seed's six units (the blog series), unchanged, as an operator ships them.

=== token check denies without a token
--- access
local token = ngx.var.arg_token or ngx.var.cookie_superstition
if token ~= 'token' then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
else
  ngx.header['Set-Cookie'] = {'superstition=token'}
end
--- response_headers
Set-Cookie Content-Type
--- expect_status
403
--- expect_headers
content-type: text/html
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== token check allows the token and sets the cookie
--- access
local token = ngx.var.arg_token or ngx.var.cookie_superstition
if token ~= 'token' then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
else
  ngx.header['Set-Cookie'] = {'superstition=token'}
end
--- request
GET /hls/colorbar.m3u8?token=token
--- response_headers
Set-Cookie Content-Type
--- expect_status
200
--- expect_headers
set-cookie: superstition=token
content-type: text/plain
--- expect_body
origin

=== token check allows the cookie
--- access
local token = ngx.var.arg_token or ngx.var.cookie_superstition
if token ~= 'token' then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
else
  ngx.header['Set-Cookie'] = {'superstition=token'}
end
--- request_headers
Cookie: superstition=token
--- response_headers
Set-Cookie
--- expect_status
200
--- expect_headers
set-cookie: superstition=token
--- expect_body
origin

=== ip acl lets other addresses through
--- access
if ngx.var.remote_addr == "192.0.2.1" then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
--- expect_status
200
--- expect_body
origin

=== ip acl denies the listed address
--- access
if ngx.var.remote_addr == "127.0.0.1" then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== referer check allows localhost
--- access
local headers = ngx.req.get_headers()
if not string.find(headers["Referer"], "localhost") then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
--- request_headers
Referer: http://localhost:8080/app
--- expect_status
200
--- expect_body
origin

=== referer check denies another site
--- access
local headers = ngx.req.get_headers()
if not string.find(headers["Referer"], "localhost") then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
--- request_headers
Referer: http://evil.example/page
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== referer check without a referer errors
--- access
local headers = ngx.req.get_headers()
if not string.find(headers["Referer"], "localhost") then
  return ngx.exit(ngx.HTTP_FORBIDDEN)
end
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== hls tag appended to the playlist
--- header_filter
ngx.header.content_length = nil
--- body_filter
ngx.arg[1] = ngx.arg[1] .. "\n#COPYRIGHT:"
--- origin
sized
--- response_headers
Content-Length
--- expect_status
200
--- expect_body chomp
#EXTM3U
#EXT-X-VERSION:3

#COPYRIGHT:
#COPYRIGHT:

=== metrics headers
--- header_filter
ngx.header['X-Metrics-upstream_response_time'] = ngx.var.upstream_response_time
ngx.header['X-Metrics-upstream_connect_time'] = ngx.var.upstream_connect_time
ngx.header['X-Metrics-request_time'] = ngx.var.request_time
ngx.header['X-Metrics-tcpinfo_rtt'] = ngx.var.tcpinfo_rtt
ngx.header['X-Metrics-time_iso8601'] = ngx.var.time_iso8601
--- response_headers
X-Metrics-upstream-response-time ~ ^\d+\.\d{3}$
X-Metrics-upstream-connect-time ~ ^\d+\.\d{3}$
X-Metrics-request-time ~ ^\d+\.\d{3}$
X-Metrics-tcpinfo-rtt ~ ^\d+$
X-Metrics-time-iso8601 ~ ^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$
X-Metrics-upstream_response_time
--- expect_status
200
--- expect_headers
x-metrics-upstream-response-time: !~ ^\d+\.\d{3}$: -
x-metrics-upstream-connect-time: ~ ^\d+\.\d{3}$
x-metrics-request-time: ~ ^\d+\.\d{3}$
x-metrics-tcpinfo-rtt: ~ ^\d+$
x-metrics-time-iso8601: ~ ^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$
--- expect_body
origin

=== request counter per address
--- rewrite
local resp, err = edge_computing.redis_client:incr(ngx.var.remote_addr)
ngx.header['X-Request-Counter'] = resp
--- response_headers
X-Request-Counter
--- expect_status
200
--- expect_headers
x-request-counter: 1
--- expect_body
origin

