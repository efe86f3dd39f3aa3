# The Lua base library, table and math as LuaJIT 2.1 answers in OpenResty (issue #12 part 3).

=== tostring of large numbers
--- content
ngx.say(tostring(1e15))
ngx.say(tostring(1e16))
ngx.say(tostring(2^53))
ngx.say(tostring(2^63))
ngx.say(tostring(123456789012))
ngx.say(tostring(-123456789012))
--- expect_status
200
--- expect_body
1e+15
1e+16
9.007199254741e+15
9.2233720368548e+18
123456789012
-123456789012

=== tostring of fractions
--- content
ngx.say(tostring(0.1))
ngx.say(tostring(1/3))
ngx.say(tostring(-1.5e-7))
ngx.say(tostring(3.0))
ngx.say(tostring(100 / 3))
ngx.say(tostring(1e300 * 1e10))
--- expect_status
200
--- expect_body
0.1
0.33333333333333
-1.5e-07
3
33.333333333333
inf

=== tostring of nan and inf
--- content
ngx.say(tostring(0/0))
ngx.say(tostring(1/0))
ngx.say(tostring(-1/0))
ngx.say(tostring(math.huge))
ngx.say(tostring(-math.huge))
ngx.say(tostring(math.sqrt(-1)))
--- expect_status
200
--- expect_body
nan
inf
-inf
inf
-inf
nan

=== concatenation of numbers
--- content
ngx.say(1700000000.5 .. "|" .. 0.1 .. "|" .. 2^53 .. "|" .. 1/0)
--- expect_status
200
--- expect_body
1700000000.5|0.1|9.007199254741e+15|inf

=== tonumber of strings
--- content
ngx.say(tostring(tonumber("0x10")))
ngx.say(tostring(tonumber("  12  ")))
ngx.say(tostring(tonumber("1e2")))
ngx.say(tostring(tonumber("")))
ngx.say(tostring(tonumber("0x")))
ngx.say(tostring(tonumber("1e")))
ngx.say(tostring(tonumber("12a")))
--- expect_status
200
--- expect_body
16
12
100
nil
nil
nil
nil

=== tonumber hex floats binary and specials
--- content
ngx.say(tostring(tonumber(" 0x1p4 ")))
ngx.say(tostring(tonumber("0b101")))
ngx.say(tostring(tonumber("inf")))
ngx.say(tostring(tonumber("-inf")))
ngx.say(tostring(tonumber("nan")))
ngx.say(tostring(tonumber(".5")))
ngx.say(tostring(tonumber("5.")))
--- expect_status
200
--- expect_body
16
5
inf
-inf
nan
0.5
5

=== tonumber with a base
--- content
ngx.say(tostring(tonumber("z", 36)))
ngx.say(tostring(tonumber("ff", 16)))
ngx.say(tostring(tonumber("10", 2)))
ngx.say(tostring(tonumber("8", 8)))
ngx.say(tostring(tonumber(10, 16)))
--- expect_status
200
--- expect_body
35
255
2
nil
16

=== tonumber of other types
--- content
ngx.say(tostring(tonumber(nil)))
ngx.say(tostring(tonumber(true)))
ngx.say(tostring(tonumber({})))
--- expect_status
200
--- expect_body
nil
nil
nil

=== select count
--- content
ngx.say(tostring(select('#')))
ngx.say(tostring(select('#', nil, nil)))
ngx.say(tostring(select('#', 1, nil, 3)))
--- expect_status
200
--- expect_body
0
2
3

=== select index
--- content
ngx.say(select(2, 'a', 'b', 'c'))
ngx.say(select(-1, 'a', 'b', 'c'))
--- expect_status
200
--- expect_body
bc
c

=== length of sequences
--- content
ngx.say(tostring(#{1, 2, 3}))
ngx.say(tostring(#{}))
ngx.say(tostring(#"abc"))
ngx.say(tostring(#{n = 1}))
--- expect_status
200
--- expect_body
3
0
3
0

=== unpack
--- content
ngx.say(unpack({1, 2, 3}))
ngx.say(unpack({1, 2, 3}, 2))
ngx.say(select('#', unpack({}, 1, 3)))
--- expect_status
200
--- expect_body
123
23
3

=== Lua 5.1 names
--- content
ngx.say(tostring(type(unpack)))
ngx.say(tostring(type(table.getn)))
ngx.say(tostring(type(table.maxn)))
ngx.say(tostring(type(loadstring)))
ngx.say(tostring(type(math.log10)))
ngx.say(tostring(_VERSION))
--- expect_status
200
--- expect_body
function
function
function
function
function
Lua 5.1

=== table.getn and maxn
--- content
ngx.say(tostring(table.getn({1, 2, 3})))
ngx.say(tostring(table.maxn({1, 2, [10] = 3})))
ngx.say(tostring(table.maxn({})))
--- expect_status
200
--- expect_body
3
10
0

=== math functions
--- content
ngx.say(tostring(math.floor(3.7)))
ngx.say(tostring(math.ceil(3.2)))
ngx.say(tostring(math.floor(-3.5)))
ngx.say(tostring(math.max(1, 5, 3)))
ngx.say(tostring(math.min(2, -1)))
ngx.say(tostring(math.abs(-3)))
ngx.say(tostring(math.sqrt(16)))
--- expect_status
200
--- expect_body
3
4
-4
5
-1
3
4

=== math fmod modf log
--- content
ngx.say(tostring(math.fmod(7, 3)))
ngx.say(tostring(math.fmod(-7, 3)))
ngx.say(tostring(math.modf(3.7)))
ngx.say(tostring(math.log(8, 2)))
ngx.say(tostring(math.log(100, 10)))
ngx.say(tostring(math.log10(1000)))
ngx.say(tostring(math.exp(0)))
--- expect_status
200
--- expect_body
1
-1
3
3
2
3
1

=== modulo and power
--- content
ngx.say(tostring(7 % 3))
ngx.say(tostring(-7 % 3))
ngx.say(tostring(7 % -3))
ngx.say(tostring(5.5 % 2))
ngx.say(tostring(2^10))
ngx.say(tostring(3 / 2))
--- expect_status
200
--- expect_body
1
2
-2
1.5
1024
1.5

=== math.pi and huge
--- content
ngx.say(tostring(math.pi))
ngx.say(tostring(math.huge > 1e308))
ngx.say(tostring(math.floor(2^31 + 0.5)))
--- expect_status
200
--- expect_body
3.1415926535898
true
2147483648

=== table.concat
--- content
ngx.say(tostring(table.concat({1, 2, 3}, ",")))
ngx.say(tostring(table.concat({1, 2, 3}, ",", 2)))
ngx.say(tostring(table.concat({}, ",")))
ngx.say(tostring(table.concat({1, 2.5, "x"})))
--- expect_status
200
--- expect_body
1,2,3
2,3

12.5x

=== table.insert and remove
--- content
local t = {1, 2}
table.insert(t, 3)
table.insert(t, 1, 0)
ngx.say(table.concat(t, ","))
local v = table.remove(t)
local w = table.remove(t, 1)
ngx.say(v, " ", w, " ", table.concat(t, ","), " ", select('#', table.remove({})))
--- expect_status
200
--- expect_body
0,1,2,3
3 0 1,2 0

=== table.sort
--- content
local t = {3, 1, 2}
table.sort(t)
ngx.say(table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
ngx.say(table.concat(t, ","))
local s = {"b", "a", "C"}
table.sort(s)
ngx.say(table.concat(s, ","))
--- expect_status
200
--- expect_body
1,2,3
3,2,1
C,a,b

=== ipairs stops at the first nil
--- content
local n = 0
for i, v in ipairs({1, 2, nil, 4}) do n = i end
ngx.say(n)
--- expect_status
200
--- expect_body
2

=== pairs visits every key
--- content
local n = 0
for k, v in pairs({a = 1, b = 2, 3}) do n = n + 1 end
ngx.say(n)
--- expect_status
200
--- expect_body
3

=== next and rawget rawequal
--- content
ngx.say(tostring(next({})), " ", rawget({5}, 1), " ", tostring(rawequal("a", "a")))
--- expect_status
200
--- expect_body
nil 5 true

=== type of values
--- content
ngx.say(tostring(type(nil)))
ngx.say(tostring(type(1)))
ngx.say(tostring(type("s")))
ngx.say(tostring(type({})))
ngx.say(tostring(type(print)))
ngx.say(tostring(type(true)))
--- expect_status
200
--- expect_body
nil
number
string
table
function
boolean

=== tostring of booleans and nil
--- content
ngx.say(tostring(tostring(nil)))
ngx.say(tostring(tostring(true)))
ngx.say(tostring(tostring(false)))
--- expect_status
200
--- expect_body
nil
true
false

=== metatables __index and __tostring
--- content
local t = setmetatable({}, {__index = function(_, k) return k .. "!" end, __tostring = function() return "T" end})
ngx.say(t.hi, " ", tostring(t))
--- expect_status
200
--- expect_body
hi! T

=== goto continue
--- content
local n = 0
for i = 1, 3 do
if i == 2 then goto continue end
n = n + i
::continue::
end
ngx.say(n)
--- expect_status
200
--- expect_body
4

=== loadstring runs a chunk
--- content
local f = loadstring("return 1 + ...")
ngx.say(f(2))
--- expect_status
200
--- expect_body
3

=== globals are per request
--- content
x_global_counter = (x_global_counter or 0) + 1
ngx.say(x_global_counter)
--- expect_status
200
--- expect_body
1

