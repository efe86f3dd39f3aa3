# ngx.exit and ngx.redirect in every phase, with every kind of status, before and after output.

=== rewrite exit 404
--- rewrite
return ngx.exit(404)
--- response_headers
Content-Type
--- expect_status
404
--- expect_headers
content-type: text/html
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDA0IE5vdCBGb3VuZDwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDQgTm90IEZvdW5kPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== access exit 403
--- access
return ngx.exit(ngx.HTTP_FORBIDDEN)
--- response_headers
Content-Type
--- expect_status
403
--- expect_headers
content-type: text/html
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== content exit 404
--- content
return ngx.exit(404)
--- response_headers
Content-Type
--- expect_status
404
--- expect_headers
content-type: text/html
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDA0IE5vdCBGb3VuZDwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDQgTm90IEZvdW5kPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== content exit 500
--- content
ngx.exit(500)
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== content exit 503
--- content
ngx.exit(503)
--- expect_status
503
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAzIFNlcnZpY2UgVGVtcG9yYXJpbHkgVW5hdmFpbGFibGU8
L3RpdGxlPjwvaGVhZD4NCjxib2R5Pg0KPGNlbnRlcj48aDE+NTAzIFNlcnZpY2UgVGVtcG9yYXJp
bHkgVW5hdmFpbGFibGU8L2gxPjwvY2VudGVyPg0KPGhyPjxjZW50ZXI+bmdpbng8L2NlbnRlcj4N
CjwvYm9keT4NCjwvaHRtbD4NCg==

=== access exit 401
--- access
ngx.exit(401)
--- expect_status
401
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAxIEF1dGhvcml6YXRpb24gUmVxdWlyZWQ8L3RpdGxlPjwv
aGVhZD4NCjxib2R5Pg0KPGNlbnRlcj48aDE+NDAxIEF1dGhvcml6YXRpb24gUmVxdWlyZWQ8L2gx
PjwvY2VudGVyPg0KPGhyPjxjZW50ZXI+bmdpbng8L2NlbnRlcj4NCjwvYm9keT4NCjwvaHRtbD4N
Cg==

=== access exit 400
--- access
ngx.exit(400)
--- expect_status
400
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAwIEJhZCBSZXF1ZXN0PC90aXRsZT48L2hlYWQ+DQo8Ym9k
eT4NCjxjZW50ZXI+PGgxPjQwMCBCYWQgUmVxdWVzdDwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRl
cj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== access exit 405
--- access
ngx.exit(405)
--- expect_status
405
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDA1IE5vdCBBbGxvd2VkPC90aXRsZT48L2hlYWQ+DQo8Ym9k
eT4NCjxjZW50ZXI+PGgxPjQwNSBOb3QgQWxsb3dlZDwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRl
cj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== access exit 413
--- access
ngx.exit(413)
--- expect_status
413
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDEzIFJlcXVlc3QgRW50aXR5IFRvbyBMYXJnZTwvdGl0bGU+
PC9oZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT40MTMgUmVxdWVzdCBFbnRpdHkgVG9vIExhcmdl
PC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0
bWw+DQo=

=== access exit 429
--- access
ngx.exit(429)
--- expect_status
429
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDI5IFRvbyBNYW55IFJlcXVlc3RzPC90aXRsZT48L2hlYWQ+
DQo8Ym9keT4NCjxjZW50ZXI+PGgxPjQyOSBUb28gTWFueSBSZXF1ZXN0czwvaDE+PC9jZW50ZXI+
DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== access exit 502
--- access
ngx.exit(502)
--- expect_status
502
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAyIEJhZCBHYXRld2F5PC90aXRsZT48L2hlYWQ+DQo8Ym9k
eT4NCjxjZW50ZXI+PGgxPjUwMiBCYWQgR2F0ZXdheTwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRl
cj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== access exit 504
--- access
ngx.exit(504)
--- expect_status
504
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTA0IEdhdGV3YXkgVGltZS1vdXQ8L3RpdGxlPjwvaGVhZD4N
Cjxib2R5Pg0KPGNlbnRlcj48aDE+NTA0IEdhdGV3YXkgVGltZS1vdXQ8L2gxPjwvY2VudGVyPg0K
PGhyPjxjZW50ZXI+bmdpbng8L2NlbnRlcj4NCjwvYm9keT4NCjwvaHRtbD4NCg==

=== access exit 418 has no page
--- access
ngx.exit(418)
--- expect_status
418

=== access exit 204
--- access
ngx.exit(204)
--- expect_status
204

=== access exit 200 with no output
--- access
ngx.exit(200)
--- expect_status
200

=== rewrite exit 200 with no output
--- rewrite
ngx.exit(ngx.HTTP_OK)
--- expect_status
200

=== access exit ngx.OK goes on to the origin
--- access
ngx.header["X-A"] = "1"
ngx.exit(ngx.OK)
ngx.header["X-Never"] = "1"
--- response_headers
X-A X-Never
--- expect_status
200
--- expect_headers
x-a: 1
--- expect_body
origin

=== rewrite exit ngx.OK goes on
--- rewrite
ngx.exit(ngx.OK)
--- expect_status
200
--- expect_body
origin

=== content exit ngx.OK answers 200 empty
--- content
ngx.exit(ngx.OK)
--- expect_status
200

=== content exit ngx.OK after say keeps the body
--- content
ngx.say("kept")
ngx.exit(ngx.OK)
--- expect_status
200
--- expect_body
kept

=== access exit ngx.ERROR
--- access
ngx.exit(ngx.ERROR)
--- expect_status
closed

=== content exit ngx.ERROR
--- content
ngx.exit(ngx.ERROR)
--- expect_status
closed

=== say then exit 404 in content keeps the 200
--- content
ngx.say("hi")
ngx.exit(404)
--- expect_status
200
--- expect_body
hi

=== say then exit 404 in access keeps the 200
--- access
ngx.say("hi")
return ngx.exit(404)
--- expect_status
200
--- expect_body
hi

=== say then exit 404 in rewrite keeps the 200
--- rewrite
ngx.say("hi")
return ngx.exit(404)
--- expect_status
200
--- expect_body
hi

=== say then exit 500 in content
--- content
ngx.say("partial")
ngx.exit(500)
--- expect_status
200
--- expect_body
partial

=== flush then exit 403 in content
--- content
ngx.print("sent")
ngx.flush(true)
ngx.exit(403)
--- expect_status
200
--- expect_body chomp
sent

=== status 302 and Location without output in content
--- content
ngx.status = 302
ngx.header["Location"] = "http://example.com/x"
--- response_headers
Location
--- expect_status
302
--- expect_headers
location: http://example.com/x

=== status 201 without output in content
--- content
ngx.status = 201
--- expect_status
201

=== content exit 302 without Location
--- content
ngx.exit(302)
--- response_headers
Location
--- expect_status
302
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAyIEZvdW5kPC90aXRsZT48L2hlYWQ+DQo8Ym9keT4NCjxj
ZW50ZXI+PGgxPjMwMiBGb3VuZDwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2Vu
dGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== content exit 301 with Location set
--- content
ngx.header["Location"] = "/moved"
ngx.exit(301)
--- response_headers
Location
--- expect_status
301
--- expect_headers
location: /moved
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAxIE1vdmVkIFBlcm1hbmVudGx5PC90aXRsZT48L2hlYWQ+
DQo8Ym9keT4NCjxjZW50ZXI+PGgxPjMwMSBNb3ZlZCBQZXJtYW5lbnRseTwvaDE+PC9jZW50ZXI+
DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== exit 444 in access closes the connection
--- access
ngx.exit(444)
--- expect_status
closed

=== exit 444 in content closes the connection
--- content
ngx.exit(444)
--- expect_status
closed

=== exit 444 in rewrite closes the connection
--- rewrite
ngx.exit(444)
--- expect_status
closed

=== exit 499
--- access
ngx.exit(499)
--- expect_status
closed

=== exit 304 from access
--- access
ngx.exit(304)
--- expect_status
304

=== exit 600 is not a status
--- content
ngx.exit(600)
--- expect_status
600

=== exit with a string status
--- content
ngx.exit("404")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== exit 404 keeps a header set before
--- access
ngx.header["X-Before"] = "yes"
ngx.exit(404)
--- response_headers
X-Before
--- expect_status
404
--- expect_headers
x-before: yes
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDA0IE5vdCBGb3VuZDwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDQgTm90IEZvdW5kPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== header_filter exit 410 replaces the answer
--- header_filter
return ngx.exit(410)
--- expect_status
410
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDEwIEdvbmU8L3RpdGxlPjwvaGVhZD4NCjxib2R5Pg0KPGNl
bnRlcj48aDE+NDEwIEdvbmU8L2gxPjwvY2VudGVyPg0KPGhyPjxjZW50ZXI+bmdpbng8L2NlbnRl
cj4NCjwvYm9keT4NCjwvaHRtbD4NCg==

=== header_filter exit ngx.OK changes nothing
--- header_filter
ngx.exit(ngx.OK)
--- expect_status
200
--- expect_body
origin

=== body_filter exit errors
--- body_filter
ngx.exit(404)
--- expect_status
closed

=== code after exit does not run
--- content
ngx.say("a")
ngx.exit(200)
ngx.say("b")
--- expect_status
200
--- expect_body
a

=== exit from a nested function
--- access
local function deny() ngx.exit(403) end
deny()
ngx.header["X-After"] = "1"
--- response_headers
X-After
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== exit inside pcall still exits
--- access
pcall(ngx.exit, 403)
ngx.header["X-After"] = "1"
--- response_headers
X-After
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== redirect default 302
--- access
return ngx.redirect("/elsewhere")
--- response_headers
Location
--- expect_status
302
--- expect_headers
location: /elsewhere
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAyIEZvdW5kPC90aXRsZT48L2hlYWQ+DQo8Ym9keT4NCjxj
ZW50ZXI+PGgxPjMwMiBGb3VuZDwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2Vu
dGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== redirect 301 absolute
--- rewrite
return ngx.redirect("http://example.com/a", 301)
--- response_headers
Location
--- expect_status
301
--- expect_headers
location: http://example.com/a
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAxIE1vdmVkIFBlcm1hbmVudGx5PC90aXRsZT48L2hlYWQ+
DQo8Ym9keT4NCjxjZW50ZXI+PGgxPjMwMSBNb3ZlZCBQZXJtYW5lbnRseTwvaDE+PC9jZW50ZXI+
DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2VudGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

=== redirect 307
--- access
return ngx.redirect("https://cdn.example/x", 307)
--- response_headers
Location
--- expect_status
307
--- expect_headers
location: https://cdn.example/x
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzA3IFRlbXBvcmFyeSBSZWRpcmVjdDwvdGl0bGU+PC9oZWFk
Pg0KPGJvZHk+DQo8Y2VudGVyPjxoMT4zMDcgVGVtcG9yYXJ5IFJlZGlyZWN0PC9oMT48L2NlbnRl
cj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== redirect 308
--- content
return ngx.redirect("/new", 308)
--- response_headers
Location
--- expect_status
308
--- expect_headers
location: /new
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzA4IFBlcm1hbmVudCBSZWRpcmVjdDwvdGl0bGU+PC9oZWFk
Pg0KPGJvZHk+DQo8Y2VudGVyPjxoMT4zMDggUGVybWFuZW50IFJlZGlyZWN0PC9oMT48L2NlbnRl
cj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== redirect 303
--- content
return ngx.redirect("/seeother", ngx.HTTP_SEE_OTHER)
--- response_headers
Location
--- expect_status
303
--- expect_headers
location: /seeother
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAzIFNlZSBPdGhlcjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT4zMDMgU2VlIE90aGVyPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== redirect with an invalid status errors
--- content
return ngx.redirect("/x", 200)
--- response_headers
Location
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== redirect after say
--- content
ngx.say("already")
return ngx.redirect("/late")
--- response_headers
Location
--- expect_status
closed

=== redirect with a query string
--- access
return ngx.redirect("/next?a=1&b=2")
--- response_headers
Location
--- expect_status
302
--- expect_headers
location: /next?a=1&b=2
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+MzAyIEZvdW5kPC90aXRsZT48L2hlYWQ+DQo8Ym9keT4NCjxj
ZW50ZXI+PGgxPjMwMiBGb3VuZDwvaDE+PC9jZW50ZXI+DQo8aHI+PGNlbnRlcj5uZ2lueDwvY2Vu
dGVyPg0KPC9ib2R5Pg0KPC9odG1sPg0K

