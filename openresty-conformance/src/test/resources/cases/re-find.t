# ngx.re.find: byte positions of the match or of a capture (issue #12).

=== find returns start and end
--- content
ngx.say(ngx.re.find("hello, 1234", "[0-9]+"))
--- expect_status
200
--- expect_body
811

=== find with no match returns nil
--- content
local from, to, err = ngx.re.find("hello", "[0-9]+")
ngx.say(tostring(from), " ", tostring(to), " ", tostring(err))
--- expect_status
200
--- expect_body
nil nil nil

=== find nth capture
--- content
ngx.say(ngx.re.find("hello, 1234", "([0-9])([0-9]+)", "", nil, 2))
--- expect_status
200
--- expect_body
911

=== find nth capture that did not participate
--- content
local from, to = ngx.re.find("ab", "(x)?b", "", nil, 1)
ngx.say(tostring(from), " ", tostring(to))
--- expect_status
200
--- expect_body
nil nil

=== find updates ctx.pos
--- content
local ctx = { pos = 1 }
local from, to = ngx.re.find("a12b34", "[0-9]+", "", ctx)
ngx.say(from, " ", to, " ", ctx.pos)
from, to = ngx.re.find("a12b34", "[0-9]+", "", ctx)
ngx.say(from, " ", to, " ", ctx.pos)
--- expect_status
200
--- expect_body
2 3 4
5 6 7

=== find empty match
--- content
ngx.say(ngx.re.find("abc", "x*"))
--- expect_status
200
--- expect_body
10

=== find with u returns byte offsets
--- content
ngx.say(ngx.re.find("你好吗", "好", "u"))
--- expect_status
200
--- expect_body
46

=== find case insensitive
--- content
ngx.say(ngx.re.find("xxHELLO", "hello", "i"))
--- expect_status
200
--- expect_body
37

=== find anchored
--- content
ngx.say(tostring(ngx.re.find("xhello", "hello", "a")), " ", ngx.re.find("hellox", "hello", "a"))
--- expect_status
200
--- expect_body
nil 15

=== find nth zero is the whole match
--- content
ngx.say(ngx.re.find("abc", "b(c)", "", nil, 0))
--- expect_status
200
--- expect_body
23

=== find with look-ahead
--- content
ngx.say(ngx.re.find("price: 100USD", [[\d+(?=USD)]]))
--- expect_status
200
--- expect_body
810

=== find at end of subject with ctx.pos
--- content
local ctx = { pos = 4 }
ngx.say(ngx.re.find("abc", "$", "", ctx))
--- expect_status
200
--- expect_body
43

=== find number subject
--- content
ngx.say(ngx.re.find(1234567, "45"))
--- expect_status
200
--- expect_body
45

=== find in binary data
--- content
ngx.say(ngx.re.find("a\0b\0c", "b\0c"))
--- expect_status
200
--- expect_body
33

=== find with ctx past the end
--- content
local ctx = { pos = 5 }
ngx.say(tostring(ngx.re.find("abc", "c", "", ctx)), " ", ctx.pos)
--- expect_status
200
--- expect_body
nil 5

=== find option d
--- content
ngx.say(ngx.re.find("xabcd", "a|ab|abc", "d"))
--- expect_status
200
--- expect_body
24

