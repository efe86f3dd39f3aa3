# ngx.say / ngx.print / ngx.flush / ngx.eof: what a content-phase answer looks like.

=== say writes a line
--- content
ngx.say("hello")
--- response_headers
Content-Type
--- expect_status
200
--- expect_headers
content-type: text/plain
--- expect_body
hello

=== print writes without a newline
--- content
ngx.print("a", 1, "b")
--- expect_status
200
--- expect_body chomp
a1b

=== no content phase goes to the origin
--- rewrite
ngx.req.set_header("X-Seen", "1")
--- response_headers
Content-Type
--- expect_status
200
--- expect_headers
content-type: text/plain
--- expect_body
origin

