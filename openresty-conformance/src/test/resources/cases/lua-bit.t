# LuaJIT's bit module, which OpenResty code uses without require (issue #12 part 3).

=== band bor bxor
--- content
ngx.say(tostring(bit.band(0xff, 0x0f)))
ngx.say(tostring(bit.bor(1, 2, 4)))
ngx.say(tostring(bit.bxor(5, 3)))
ngx.say(tostring(bit.band(0xffffffff, 0xffffffff)))
ngx.say(tostring(bit.bor(0x80000000, 0)))
--- expect_status
200
--- expect_body
15
7
6
-1
-2147483648

=== bnot
--- content
ngx.say(tostring(bit.bnot(0)))
ngx.say(tostring(bit.bnot(5)))
ngx.say(tostring(bit.bnot(-1)))
--- expect_status
200
--- expect_body
-1
-6
0

=== shifts
--- content
ngx.say(tostring(bit.lshift(1, 4)))
ngx.say(tostring(bit.lshift(1, 31)))
ngx.say(tostring(bit.lshift(1, 32)))
ngx.say(tostring(bit.rshift(256, 4)))
ngx.say(tostring(bit.rshift(-1, 28)))
ngx.say(tostring(bit.rshift(0x80000000, 1)))
--- expect_status
200
--- expect_body
16
-2147483648
1
16
15
1073741824

=== arithmetic shift
--- content
ngx.say(tostring(bit.arshift(-256, 4)))
ngx.say(tostring(bit.arshift(256, 4)))
ngx.say(tostring(bit.arshift(-1, 31)))
--- expect_status
200
--- expect_body
-16
16
-1

=== rotations
--- content
ngx.say(tostring(bit.rol(0x12345678, 8)))
ngx.say(tostring(bit.ror(0x12345678, 8)))
ngx.say(tostring(bit.rol(1, 33)))
--- expect_status
200
--- expect_body
878082066
2014458966
2

=== tobit
--- content
ngx.say(tostring(bit.tobit(0xffffffff)))
ngx.say(tostring(bit.tobit(2^32 + 1)))
ngx.say(tostring(bit.tobit(-1)))
ngx.say(tostring(bit.tobit(2.5)))
ngx.say(tostring(bit.tobit(3.5)))
ngx.say(tostring(bit.tobit(1e20)))
--- expect_status
200
--- expect_body
-1
1
-1
2
4
2025163840

=== tohex
--- content
ngx.say(tostring(bit.tohex(255)))
ngx.say(tostring(bit.tohex(255, 2)))
ngx.say(tostring(bit.tohex(255, -4)))
ngx.say(tostring(bit.tohex(-1)))
ngx.say(tostring(bit.tohex(0x12345678, 4)))
ngx.say(tostring(bit.tohex(255, 16)))
--- expect_status
200
--- expect_body
000000ff
ff
00FF
ffffffff
5678
00000000000000ff

=== bswap
--- content
ngx.say(tostring(bit.bswap(0x12345678)))
ngx.say(tostring(bit.bswap(1)))
--- expect_status
200
--- expect_body
2018915346
16777216

=== fractions and numeric strings
--- content
ngx.say(tostring(bit.band(1.5, 3)))
ngx.say(tostring(bit.band("3", 1)))
ngx.say(tostring(bit.bor("0x10", 1)))
--- expect_status
200
--- expect_body
2
1
17

=== bad arguments
--- content
local ok, err = pcall(bit.band, "x")
ngx.say(err)
ok, err = pcall(function() return bit.band() end)
ngx.say((err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
bad argument #1 to '?' (number expected, got string)
bad argument #1 to '?' (number expected, got no value)

=== a hash with bit operations
--- content
local h = 5381
for i = 1, #"edge" do h = bit.band(bit.lshift(h, 5) + h + ("edge"):byte(i), 0xffffffff) end
ngx.say(h, " ", bit.tohex(h))
--- expect_status
200
--- expect_body
2090215642 7c9628da

=== an IPv4 mask
--- content
local function ip(s) local a, b, c, d = s:match("(%d+)%.(%d+)%.(%d+)%.(%d+)") return bit.bor(bit.lshift(a, 24), bit.lshift(b, 16), bit.lshift(c, 8), d) end
local mask = bit.lshift(0xffffffff, 32 - 24)
ngx.say(bit.band(ip("10.1.2.3"), mask) == bit.band(ip("10.1.2.200"), mask), " ", bit.band(ip("10.1.2.3"), mask) == bit.band(ip("10.1.3.3"), mask))
--- expect_status
200
--- expect_body
true false

=== bit exists without require
--- content
ngx.say(type(bit), " ", type(bit.band))
--- expect_status
200
--- expect_body
table function

