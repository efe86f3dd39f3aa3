# nginx's not_modified filter: 304 (or 412) for conditional requests on answers with validators.

=== content with Last-Modified and a matching If-Modified-Since
--- content
ngx.header["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
ngx.say("fresh")
--- request_headers
If-Modified-Since: Tue, 01 Dec 2026 00:00:00 GMT
--- response_headers
Last-Modified
--- expect_status
304
--- expect_headers
last-modified: Tue, 01 Dec 2026 00:00:00 GMT

=== content with Last-Modified and an older If-Modified-Since
--- content
ngx.header["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
ngx.say("changed")
--- request_headers
If-Modified-Since: Mon, 30 Nov 2026 00:00:00 GMT
--- expect_status
200
--- expect_body
changed

=== content with Last-Modified and a newer If-Modified-Since
--- content
ngx.header["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
ngx.say("fresh")
--- request_headers
If-Modified-Since: Wed, 02 Dec 2026 00:00:00 GMT
--- expect_status
200
--- expect_body
fresh

=== content with ETag and a matching If-None-Match
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("fresh")
--- request_headers
If-None-Match: "abc"
--- response_headers
ETag
--- expect_status
304
--- expect_headers
etag: "abc"

=== content with ETag and another If-None-Match
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("changed")
--- request_headers
If-None-Match: "xyz"
--- expect_status
200
--- expect_body
changed

=== content with ETag and If-None-Match star
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("fresh")
--- request_headers
If-None-Match: *
--- expect_status
304

=== content with ETag and a weak If-None-Match
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("fresh")
--- request_headers
If-None-Match: W/"abc"
--- expect_status
304

=== content with ETag in a list
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("fresh")
--- request_headers
If-None-Match: "x", "abc"
--- expect_status
304

=== content without validators ignores If-None-Match
--- content
ngx.say("plain")
--- request_headers
If-None-Match: "abc"
--- expect_status
200
--- expect_body
plain

=== content with If-Match failing answers 412
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("x")
--- request_headers
If-Match: "other"
--- expect_status
412
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDEyIFByZWNvbmRpdGlvbiBGYWlsZWQ8L3RpdGxlPjwvaGVh
ZD4NCjxib2R5Pg0KPGNlbnRlcj48aDE+NDEyIFByZWNvbmRpdGlvbiBGYWlsZWQ8L2gxPjwvY2Vu
dGVyPg0KPGhyPjxjZW50ZXI+bmdpbng8L2NlbnRlcj4NCjwvYm9keT4NCjwvaHRtbD4NCg==

=== content with If-Unmodified-Since older answers 412
--- content
ngx.header["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
ngx.say("x")
--- request_headers
If-Unmodified-Since: Mon, 30 Nov 2026 00:00:00 GMT
--- expect_status
412
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDEyIFByZWNvbmRpdGlvbiBGYWlsZWQ8L3RpdGxlPjwvaGVh
ZD4NCjxib2R5Pg0KPGNlbnRlcj48aDE+NDEyIFByZWNvbmRpdGlvbiBGYWlsZWQ8L2gxPjwvY2Vu
dGVyPg0KPGhyPjxjZW50ZXI+bmdpbng8L2NlbnRlcj4NCjwvYm9keT4NCjwvaHRtbD4NCg==

=== content status 201 is never 304
--- content
ngx.status = 201
ngx.header["ETag"] = '"abc"'
ngx.say("created")
--- request_headers
If-None-Match: "abc"
--- expect_status
201
--- expect_body
created

=== POST with a matching If-None-Match
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("posted")
--- request
POST /t
x
--- request_headers
If-None-Match: "abc"
--- expect_status
304

=== proxied cacheable answer with a matching If-None-Match
--- access
ngx.header["X-A"] = "1"
--- origin
cacheable
--- request_headers
If-None-Match: "v1"
--- response_headers
ETag X-A
--- expect_status
304
--- expect_headers
etag: "v1"
x-a: 1

=== header_filter sees 304
--- content
ngx.header["ETag"] = '"abc"'
ngx.say("fresh")
--- header_filter
ngx.header["X-S"] = ngx.status
--- request_headers
If-None-Match: "abc"
--- response_headers
X-S
--- expect_status
304
--- expect_headers
x-s: 304

