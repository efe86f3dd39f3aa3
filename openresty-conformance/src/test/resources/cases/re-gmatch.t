# ngx.re.gmatch: an iterator over every match (issue #12).

=== gmatch iterates all matches
--- content
local out = {}
for m in ngx.re.gmatch("hello, world", "[a-z]+") do out[#out + 1] = m[0] end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
hello,world

=== gmatch captures
--- content
local out = {}
for m in ngx.re.gmatch("a=1,b=2", [[(\w)=(\d)]]) do out[#out + 1] = m[1] .. m[2] end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a1,b2

=== gmatch named captures
--- content
local out = {}
for m in ngx.re.gmatch("a=1,b=2", [[(?<k>\w)=(?<v>\d)]]) do out[#out + 1] = m.k .. m.v end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a1,b2

=== gmatch empty matches
--- content
local out = {}
for m in ngx.re.gmatch("abc", "x*") do out[#out + 1] = "[" .. m[0] .. "]" end
ngx.say(#out, " ", table.concat(out))
--- expect_status
200
--- expect_body
4 [][][][]

=== gmatch empty and non-empty matches mixed
--- content
local out = {}
for m in ngx.re.gmatch("ab1c", "[0-9]*") do out[#out + 1] = "[" .. m[0] .. "]" end
ngx.say(table.concat(out))
--- expect_status
200
--- expect_body
[][][1][][]

=== gmatch no match ends at once
--- content
local it = ngx.re.gmatch("abc", "[0-9]")
ngx.say(tostring(it()))
--- expect_status
200
--- expect_body
nil

=== gmatch iterator keeps returning nil after the end
--- content
local it = ngx.re.gmatch("a", "a")
ngx.say(it()[0], " ", tostring(it()), " ", tostring(it()))
--- expect_status
200
--- expect_body
a nil nil

=== gmatch with u over characters
--- content
local out = {}
for m in ngx.re.gmatch("你好", ".", "u") do out[#out + 1] = m[0] end
ngx.say(#out, " ", table.concat(out, "|"))
--- expect_status
200
--- expect_body
2 你|好

=== gmatch over bytes
--- content
local n = 0
for m in ngx.re.gmatch("你好", ".") do n = n + 1 end
ngx.say(n)
--- expect_status
200
--- expect_body
6

=== gmatch case insensitive
--- content
local out = {}
for m in ngx.re.gmatch("aAbBa", "a", "i") do out[#out + 1] = m[0] end
ngx.say(table.concat(out))
--- expect_status
200
--- expect_body
aAa

=== gmatch unmatched capture is false
--- content
local out = {}
for m in ngx.re.gmatch("ab,b", "(a)?b") do out[#out + 1] = tostring(m[1]) end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a,false

=== gmatch with look-behind
--- content
local out = {}
for m in ngx.re.gmatch("a1b2c3", [[(?<=[a-z])\d]]) do out[#out + 1] = m[0] end
ngx.say(table.concat(out))
--- expect_status
200
--- expect_body
123

=== gmatch empty pattern on empty subject
--- content
local n = 0
for m in ngx.re.gmatch("", "") do n = n + 1 end
ngx.say(n)
--- expect_status
200
--- expect_body
1

=== gmatch anchored option
--- content
local out = {}
for m in ngx.re.gmatch("aab", "a", "a") do out[#out + 1] = m[0] end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a,a

=== gmatch multiline
--- content
local out = {}
for m in ngx.re.gmatch("l1\nl2\nl3", "^l(\\d)$", "m") do out[#out + 1] = m[1] end
ngx.say(table.concat(out))
--- expect_status
200
--- expect_body
123

=== gmatch iterator used after the subject changed keeps the original
--- content
local s = "a1b2"
local it = ngx.re.gmatch(s, "\\d")
s = "zzz"
ngx.say(it()[0], it()[0])
--- expect_status
200
--- expect_body
12

=== gmatch over a long subject
--- content
local n = 0
for m in ngx.re.gmatch(string.rep("ab", 3000), "b") do n = n + 1 end
ngx.say(n)
--- expect_status
200
--- expect_body
3000

=== gmatch with D duplicate names
--- content
local out = {}
for m in ngx.re.gmatch("a1 b2", [[(?<x>[a-z])(?<x>\d)]], "D") do out[#out + 1] = table.concat(m.x, "") end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a1,b2

