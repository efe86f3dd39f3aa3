# ngx.re.sub: replace the first match (issue #12).

=== sub replaces the first match and counts it
--- content
ngx.say(ngx.re.sub("hello, 1234 5678", "[0-9]+", "N"))
--- expect_status
200
--- expect_body
hello, N 56781

=== sub without a match returns the subject and 0
--- content
ngx.say(ngx.re.sub("hello", "[0-9]", "N"))
--- expect_status
200
--- expect_body
hello0

=== sub template whole match
--- content
ngx.say(ngx.re.sub("hello, 1234", "[0-9]+", "<$0>"))
--- expect_status
200
--- expect_body
hello, <1234>1

=== sub template numbered captures
--- content
ngx.say(ngx.re.sub("john smith", [[(\w+) (\w+)]], "$2, $1"))
--- expect_status
200
--- expect_body
smith, john1

=== sub template braces
--- content
ngx.say(ngx.re.sub("abc", "(b)", "${1}1"))
--- expect_status
200
--- expect_body
ab1c1

=== sub template named capture
--- content
ngx.say(ngx.re.sub("k=v", [[(?<key>\w)=(?<val>\w)]], "${val}=${key}"))
--- expect_status
200
--- expect_body
nilnilfailed to compile the replacement template

=== sub template dollar dollar is a dollar
--- content
ngx.say(ngx.re.sub("price 5", [[\d]], "$$$0"))
--- expect_status
200
--- expect_body
price $51

=== sub template unmatched capture is empty
--- content
ngx.say(ngx.re.sub("b", "(a)?b", "[$1]"))
--- expect_status
200
--- expect_body
[]1

=== sub template capture beyond the count is empty
--- content
ngx.say(ngx.re.sub("ab", "(a)", "[$2]"))
--- expect_status
200
--- expect_body
[]b1

=== sub template multi-digit group number
--- content
ngx.say(ngx.re.sub("abcdefghijk", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)", "$11-$10"))
--- expect_status
200
--- expect_body
k-j1

=== sub function replacement
--- content
ngx.say(ngx.re.sub("hello world", [[\w+]], function(m) return m[0]:upper() end))
--- expect_status
200
--- expect_body
HELLO world1

=== sub function receives named captures
--- content
ngx.say(ngx.re.sub("k=v", [[(?<a>\w)=(?<b>\w)]], function(m) return m.b .. ":" .. m.a end))
--- expect_status
200
--- expect_body
v:k1

=== sub function returning a number
--- content
ngx.say(ngx.re.sub("abc", "b", function(m) return 42 end))
--- expect_status
200
--- expect_body
a42c1

=== sub case insensitive
--- content
ngx.say(ngx.re.sub("Hello", "hello", "bye", "i"))
--- expect_status
200
--- expect_body
bye1

=== sub empty match at start
--- content
ngx.say(ngx.re.sub("abc", "", "-"))
--- expect_status
200
--- expect_body
-abc1

=== sub number replacement
--- content
ngx.say(ngx.re.sub("abc", "b", 7))
--- expect_status
200
--- expect_body
a7c1

=== sub u option
--- content
ngx.say(ngx.re.sub("你好", ".", "a", "u"))
--- expect_status
200
--- expect_body
a好1

=== sub without u replaces one byte
--- content
local s = ngx.re.sub("你好", ".", "a")
ngx.say(#s)
--- expect_status
200
--- expect_body
6

=== sub anchored
--- content
ngx.say(ngx.re.sub("xab", "a", "-", "a"))
--- expect_status
200
--- expect_body
xab0

=== sub replacement with backslash is literal
--- content
ngx.say(ngx.re.sub("a", "a", [[\n\0]]))
--- expect_status
200
--- expect_body
\n\01

=== sub function returning nil inserts nil
--- content
ngx.say(ngx.re.sub("abc", "b", function() return nil end))
--- expect_status
200
--- expect_body
anilc1

=== sub function returning true
--- content
ngx.say(ngx.re.sub("abc", "b", function() return true end))
--- expect_status
200
--- expect_body
atruec1

=== sub template digits after a group reference
--- content
ngx.say(ngx.re.sub("ab", "(a)", "[${1}0|$1x]"))
--- expect_status
200
--- expect_body
[a0|ax]b1

=== sub with backslash k keeps the prefix
--- content
ngx.say(ngx.re.sub("foo=bar", [[foo=\Kbar]], "baz"))
--- expect_status
200
--- expect_body
foo=baz1

=== gsub with backslash k
--- content
ngx.say(ngx.re.gsub("a1 a2", [[a\K\d]], "#"))
--- expect_status
200
--- expect_body
a# a#2

=== sub template braces zero
--- content
ngx.say(ngx.re.sub("abc", "b", "[${0}]"))
--- expect_status
200
--- expect_body
a[b]c1

=== sub template group ten with one group is empty
--- content
ngx.say(ngx.re.sub("abc", "(b)", "[$10]"))
--- expect_status
200
--- expect_body
a[]c1

=== gsub case-insensitive u
--- content
ngx.say(ngx.re.gsub("Éé", "é", "e", "iu"))
--- expect_status
200
--- expect_body
ee2

