# Which API works in which phase, and what nginx does when it does not.

=== get_phase in rewrite
--- rewrite
ngx.header["X-Phase"] = ngx.get_phase()
--- response_headers
X-Phase
--- expect_status
200
--- expect_headers
x-phase: rewrite
--- expect_body
origin

=== get_phase in access
--- access
ngx.header["X-Phase"] = ngx.get_phase()
--- response_headers
X-Phase
--- expect_status
200
--- expect_headers
x-phase: access
--- expect_body
origin

=== get_phase in content
--- content
ngx.say(ngx.get_phase())
--- expect_status
200
--- expect_body
content

=== get_phase in header_filter
--- header_filter
ngx.header["X-Phase"] = ngx.get_phase()
--- response_headers
X-Phase
--- expect_status
200
--- expect_headers
x-phase: header_filter
--- expect_body
origin

=== get_phase in body_filter
--- body_filter
if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. ngx.get_phase() .. "\n" end
--- expect_status
200
--- expect_body
origin
body_filter

=== say in header_filter errors
--- header_filter
ngx.say("nope")
--- expect_status
closed

=== say in body_filter errors
--- body_filter
ngx.say("nope")
--- expect_status
closed

=== redirect in header_filter errors
--- header_filter
return ngx.redirect("/x")
--- expect_status
closed

=== read_body in header_filter errors
--- header_filter
ngx.req.read_body()
--- expect_status
closed

=== set_uri in content is allowed without jump
--- content
local ok, err = pcall(ngx.req.set_uri, "/x")
ngx.say(ok)
--- expect_status
200
--- expect_body
true

=== flush in header_filter errors
--- header_filter
ngx.flush()
--- expect_status
closed

=== sleep in header_filter errors
--- header_filter
ngx.sleep(0)
--- expect_status
closed

=== error in rewrite answers 500
--- rewrite
error("boom")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== error in access answers 500
--- access
local t = nil
return t.x
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== error in content answers 500
--- content
error("boom")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== error in content after say keeps the 200
--- content
ngx.say("partial")
error("late")
--- expect_status
closed

=== error in header_filter
--- header_filter
error("hf")
--- expect_status
closed

=== error in body_filter
--- body_filter
error("bf")
--- expect_status
closed

=== error in log changes nothing
--- log
error("log")
--- expect_status
200
--- expect_body
origin

=== log phase runs after the answer
--- content
ngx.say("answer")
--- log
ngx.log(ngx.ERR, "logged")
--- expect_status
200
--- expect_body
answer

=== set_header in header_filter is allowed
--- header_filter
ngx.req.set_header("X-A", "1")
--- expect_status
200
--- expect_body
origin

=== ngx.exit in log errors quietly
--- log
ngx.exit(500)
--- expect_status
200
--- expect_body
origin

=== every phase runs in order
--- rewrite
ngx.ctx.o = "r"
--- access
ngx.ctx.o = ngx.ctx.o .. "a"
--- content
ngx.ctx.o = ngx.ctx.o .. "c"
ngx.say("body")
--- header_filter
ngx.header["X-Order"] = ngx.ctx.o .. "h"
--- body_filter
ngx.arg[1] = ngx.arg[1]
--- log
ngx.log(ngx.INFO, ngx.ctx.o)
--- response_headers
X-Order
--- expect_status
200
--- expect_headers
x-order: rach
--- expect_body
body

