# ngx.re.gsub: replace every match (issue #12).

=== gsub replaces every match and counts them
--- content
ngx.say(ngx.re.gsub("a1b22c333", "[0-9]+", "<$0>"))
--- expect_status
200
--- expect_body
a<1>b<22>c<333>3

=== gsub with no match
--- content
ngx.say(ngx.re.gsub("abc", "[0-9]", "x"))
--- expect_status
200
--- expect_body
abc0

=== gsub u option replaces characters
--- content
ngx.say(ngx.re.gsub("你好", ".", "a", "u"))
--- expect_status
200
--- expect_body
aa2

=== gsub without u replaces bytes
--- content
ngx.say(ngx.re.gsub("你好", ".", "a"))
--- expect_status
200
--- expect_body
aaaaaa6

=== gsub empty pattern inserts between every byte
--- content
ngx.say(ngx.re.gsub("abc", "", "-"))
--- expect_status
200
--- expect_body
-a-b-c-4

=== gsub star pattern on text
--- content
ngx.say(ngx.re.gsub("abc", "x*", "-"))
--- expect_status
200
--- expect_body
-a-b-c-4

=== gsub empty match after a non-empty one
--- content
ngx.say(ngx.re.gsub("abc", "b*", "-"))
--- expect_status
200
--- expect_body
-a--c-4

=== gsub look-behind continuation
--- content
ngx.say(ngx.re.gsub("aaa", "(?<=a)", "-"))
--- expect_status
200
--- expect_body
a-a-a-3

=== gsub look-behind sees the replaced text
--- content
ngx.say(ngx.re.gsub("aaaa", "(?<=a)a", "b"))
--- expect_status
200
--- expect_body
abbb3

=== gsub look-ahead
--- content
ngx.say(ngx.re.gsub("1234567", [[\d(?=(\d{3})+$)]], "$0,"))
--- expect_status
200
--- expect_body
1,234,5672

=== gsub caret only at the start
--- content
ngx.say(ngx.re.gsub("aaa", "^a", "b"))
--- expect_status
200
--- expect_body
baa1

=== gsub caret with m
--- content
ngx.say(ngx.re.gsub("a\na", "^a", "b", "m"))
--- expect_status
200
--- expect_body
b
b2

=== gsub function replacement
--- content
ngx.say(ngx.re.gsub("hello world", [[(\w)(\w*)]], function(m) return m[1]:upper() .. m[2] end))
--- expect_status
200
--- expect_body
Hello World2

=== gsub function with unmatched capture
--- content
ngx.say(ngx.re.gsub("ab b", "(a)?b", function(m) return tostring(m[1]) end))
--- expect_status
200
--- expect_body
a false2

=== gsub u with empty pattern inserts between characters
--- content
ngx.say(ngx.re.gsub("你好", "", "-", "u"))
--- expect_status
200
--- expect_body
nilnilpcre_exec() failed: -11

=== gsub anchored stops after the first
--- content
ngx.say(ngx.re.gsub("aab", "a", "x", "a"))
--- expect_status
200
--- expect_body
xxb2

=== gsub dollar with m
--- content
ngx.say(ngx.re.gsub("a\nb\n", "$", ";", "m"))
--- expect_status
200
--- expect_body
a;
b;
;3

=== gsub named template
--- content
ngx.say(ngx.re.gsub("a=1 b=2", [[(?<k>\w)=(?<v>\d)]], "${v}${k}"))
--- expect_status
200
--- expect_body
nilnilfailed to compile the replacement template

=== gsub dollar at end of subject
--- content
ngx.say(ngx.re.gsub("ab", "$", "!"))
--- expect_status
200
--- expect_body
ab!1

=== gsub number subject
--- content
ngx.say(ngx.re.gsub(1001, "0", "o"))
--- expect_status
200
--- expect_body
1oo12

=== gsub case insensitive
--- content
ngx.say(ngx.re.gsub("aAbB", "a", "x", "i"))
--- expect_status
200
--- expect_body
xxbB2

=== gsub strip whitespace
--- content
ngx.say("[", ngx.re.gsub("  a b  ", [[^\s+|\s+$]], ""), "]")
--- expect_status
200
--- expect_body
[a b]

=== gsub word boundary
--- content
ngx.say(ngx.re.gsub("cat concat cat", [[\bcat\b]], "dog"))
--- expect_status
200
--- expect_body
dog concat dog2

=== gsub dotall
--- content
ngx.say(ngx.re.gsub("a\nb", ".", "x", "s"))
--- expect_status
200
--- expect_body
xxx3

=== gsub over a long subject
--- content
local s, n = ngx.re.gsub(string.rep("ab", 5000), "b", "c")
ngx.say(#s, " ", n, " ", s:sub(1, 6))
--- expect_status
200
--- expect_body
10000 5000 acacac

=== gsub function receives a fresh table each time
--- content
local seen = {}
ngx.re.gsub("a1b2", "[a-z](\\d)", function(m) seen[#seen + 1] = m[1] return "" end)
ngx.say(table.concat(seen, ","))
--- expect_status
200
--- expect_body
1,2

=== gsub replacement with dollar dollar
--- content
ngx.say(ngx.re.gsub("a b", " ", "$$"))
--- expect_status
200
--- expect_body
a$b1

=== gsub with x option
--- content
ngx.say(ngx.re.gsub("a1b2", " \\d  # digits", "#", "x"))
--- expect_status
200
--- expect_body
a#b#2

=== gsub u option with a multi-byte replacement
--- content
ngx.say(ngx.re.gsub("abc", "b", "好", "u"))
--- expect_status
200
--- expect_body
a好c1

=== gsub empty alternative at the end
--- content
ngx.say(ngx.re.gsub("ab", "b|$", "-"))
--- expect_status
200
--- expect_body
a--2

=== gsub function with u sees whole characters
--- content
ngx.say(ngx.re.gsub("你好", ".", function(m) return #m[0] end, "u"))
--- expect_status
200
--- expect_body
332

