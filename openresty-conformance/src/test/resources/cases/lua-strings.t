# string.* corner cases as LuaJIT 2.1 answers in OpenResty (issue #12 part 3); ngx string functions are in strings.t.

=== format integers
--- content
ngx.say(tostring(string.format("%d", 3.0)))
ngx.say(tostring(string.format("%d", 3.7)))
ngx.say(tostring(string.format("%5d|%-5d|%05d", 42, 42, 42)))
ngx.say(tostring(string.format("%+d % d", 5, 5)))
ngx.say(tostring(string.format("%i", 42)))
ngx.say(tostring(string.format("%d", "42")))
--- expect_status
200
--- expect_body
3
3
   42|42   |00042
+5  5
42
42

=== format floats
--- content
ngx.say(tostring(string.format("%5.2f", 3.14159)))
ngx.say(tostring(string.format("%.0f", 0.5)))
ngx.say(tostring(string.format("%.0f", 1.5)))
ngx.say(tostring(string.format("%10.4f|", math.pi)))
ngx.say(tostring(string.format("%.2f", 1.005)))
ngx.say(tostring(string.format("%f", 1/3)))
--- expect_status
200
--- expect_body
 3.14
1
2
    3.1416|
1.00
0.333333

=== format exponent and g
--- content
ngx.say(tostring(string.format("%e", 12345.678)))
ngx.say(tostring(string.format("%g", 1e20)))
ngx.say(tostring(string.format("%g", 0.0001)))
ngx.say(tostring(string.format("%g", 100000)))
ngx.say(tostring(string.format("%.3g", 2/3)))
ngx.say(tostring(string.format("%.14g", 0.1)))
--- expect_status
200
--- expect_body
1.234568e+04
1e+20
0.0001
100000
0.667
0.1

=== format hex and octal
--- content
ngx.say(tostring(string.format("%x", 255)))
ngx.say(tostring(string.format("%X", 255)))
ngx.say(tostring(string.format("%o", 8)))
ngx.say(tostring(string.format("%#x %#o", 255, 8)))
ngx.say(tostring(string.format("%x", -1)))
--- expect_status
200
--- expect_body
ff
FF
10
0xff 010
ffffffffffffffff

=== format large integers
--- content
ngx.say(tostring(string.format("%d", 2^31)))
ngx.say(tostring(string.format("%d", -2^31)))
ngx.say(tostring(string.format("%d", 2^53)))
--- expect_status
200
--- expect_body
2147483648
-2147483648
9007199254740992

=== format strings
--- content
ngx.say(tostring(string.format("%5s|%-5s|", "ab", "cd")))
ngx.say(tostring(string.format("%.3s", "abcdef")))
ngx.say(tostring(string.format("%s", nil)))
ngx.say(tostring(string.format("%s", true)))
ngx.say(tostring(string.format("%s %s", 1, 2.5)))
ngx.say(tostring(string.format("%c%%", 65)))
--- expect_status
200
--- expect_body
   ab|cd   |
abc
nil
true
1 2.5
A%

=== format q
--- content
ngx.say(string.format("%q", "a\nb\"c\0d"))
--- expect_status
200
--- expect_body
"a\
b\"c\0d"

=== format s of numbers
--- content
ngx.say(tostring(string.format("%s", 1e15)))
ngx.say(tostring(string.format("%s", 2^53)))
ngx.say(tostring(string.format("%s", 0.1)))
--- expect_status
200
--- expect_body
1e+15
9.007199254741e+15
0.1

=== format s calls __tostring
--- content
ngx.say(string.format("%s", setmetatable({}, {__tostring = function() return "obj" end})))
--- expect_status
200
--- expect_body
obj

=== rep with separator
--- content
ngx.say(tostring(string.rep("ab", 3)))
ngx.say(tostring(string.rep("ab", 3, ",")))
ngx.say(tostring(string.rep("x", 0)))
ngx.say(tostring(string.rep("x", -1)))
ngx.say(tostring(string.rep("", 5)))
ngx.say(tostring(("x"):rep(3)))
--- expect_status
200
--- expect_body
ababab
ab,ab,ab



xxx

=== sub
--- content
ngx.say(tostring(string.sub("hello", 2, 4)))
ngx.say(tostring(string.sub("hello", -3)))
ngx.say(tostring(string.sub("hello", 0)))
ngx.say(tostring(string.sub("hello", 10)))
ngx.say(tostring(("hello"):sub(2)))
--- expect_status
200
--- expect_body
ell
llo
hello

ello

=== byte char len reverse
--- content
ngx.say(string.byte("A"), " ", string.char(72, 105), " ", string.len("abc"), " ", string.reverse("abc"))
ngx.say(string.byte("abc", 1, -1))
--- expect_status
200
--- expect_body
65 Hi 3 cba
979899

=== upper lower are byte-wise
--- content
ngx.say(string.upper("abc é"), " ", string.lower("ABC É"))
--- expect_status
200
--- expect_body
ABC é abc É

=== find plain and pattern
--- content
ngx.say(string.find("hello", "l"))
ngx.say(string.find("a.b", ".", 1, true))
ngx.say(tostring(string.find("hello", "xyz")))
ngx.say(string.find("abc", "b", -1))
--- expect_status
200
--- expect_body
33
22
nil
nil

=== match captures
--- content
ngx.say(string.match("key=val", "(%w+)=(%w+)"))
ngx.say(string.match("  trim  ", "^%s*(.-)%s*$"), "|")
ngx.say(string.match("abc", "()b()"))
--- expect_status
200
--- expect_body
keyval
trim|
23

=== gsub counts
--- content
ngx.say(string.gsub("hello", "l", "L"))
ngx.say(string.gsub("abc", "%w", "%0%0"))
ngx.say(string.gsub("abc", "", "-"))
ngx.say(string.gsub("hello world", "o", "0", 1))
--- expect_status
200
--- expect_body
heLLo2
aabbcc3
-a-b-c-4
hell0 world1

=== gsub with table and function
--- content
ngx.say((string.gsub("$a $b", "%$(%w+)", {a = "1", b = 2})))
ngx.say((string.gsub("abc", "%w", function(c) return c:upper() .. "." end)))
--- expect_status
200
--- expect_body
1 2
A.B.C.

=== gmatch
--- content
local out = {}
for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do out[#out + 1] = k .. v end
ngx.say(table.concat(out, ","))
--- expect_status
200
--- expect_body
a1,b2

=== string methods through the metatable
--- content
local s = "Hello"
ngx.say(s:len(), " ", s:upper(), " ", s:byte(1), " ", ("%d"):format(5))
--- expect_status
200
--- expect_body
5 HELLO 72 5

=== frontier pattern
--- content
ngx.say((string.gsub("THE (quick) fox", "%f[%a]%a+", "W")))
--- expect_status
200
--- expect_body
W (W) W

