# ngx.ctx: one table per request, shared by every phase of it.

=== ctx from rewrite to content
--- rewrite
ngx.ctx.a = "r"
--- content
ngx.say(ngx.ctx.a)
--- expect_status
200
--- expect_body
r

=== ctx through rewrite access content
--- rewrite
ngx.ctx.trail = "r"
--- access
ngx.ctx.trail = ngx.ctx.trail .. "a"
--- content
ngx.say(ngx.ctx.trail .. "c")
--- expect_status
200
--- expect_body
rac

=== ctx from access to header_filter on a proxied answer
--- access
ngx.ctx.v = "from access"
--- header_filter
ngx.header["X-Ctx"] = ngx.ctx.v
--- response_headers
X-Ctx
--- expect_status
200
--- expect_headers
x-ctx: from access
--- expect_body
origin

=== ctx from content to header_filter
--- content
ngx.ctx.n = 7
ngx.say("x")
--- header_filter
ngx.header["X-N"] = ngx.ctx.n
--- response_headers
X-N
--- expect_status
200
--- expect_headers
x-n: 7
--- expect_body
x

=== ctx from header_filter to body_filter
--- header_filter
ngx.ctx.tag = "tagged"
ngx.header.content_length = nil
--- body_filter
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. ngx.ctx.tag .. "\n" end
--- expect_status
200
--- expect_body
origin
tagged

=== ctx counts body_filter calls across chunks
--- body_filter
ngx.ctx.calls = (ngx.ctx.calls or 0) + 1
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. "seen eof\n" end
--- origin
chunks
--- expect_status
200
--- expect_body
one
two
three
seen eof

=== ctx is empty at the start of a request
--- content
ngx.say(next(ngx.ctx) == nil)
--- expect_status
200
--- expect_body
true

=== ctx replaced by assignment
--- rewrite
ngx.ctx = {x = "assigned"}
--- content
ngx.say(ngx.ctx.x)
--- expect_status
200
--- expect_body
assigned

=== ctx is a table
--- content
ngx.say(type(ngx.ctx))
--- expect_status
200
--- expect_body
table

=== ctx survives an error page
--- access
ngx.ctx.why = "denied"
return ngx.exit(403)
--- header_filter
ngx.header["X-Why"] = ngx.ctx.why
--- response_headers
X-Why
--- expect_status
403
--- expect_headers
x-why: denied
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

