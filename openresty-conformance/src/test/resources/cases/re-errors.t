# ngx.re errors: bad regex, bad template, unknown flag (issue #12).

=== match bad regex returns nil and the pcre message
--- content
local m, err = ngx.re.match("x", "(")
ngx.say(tostring(m), " ", err)
--- expect_status
200
--- expect_body
nil pcre_compile() failed: missing ) in "("

=== find bad regex returns nil nil and the message
--- content
local from, to, err = ngx.re.find("x", "[a")
ngx.say(tostring(from), " ", tostring(to), " ", err)
--- expect_status
200
--- expect_body
nil nil pcre_compile() failed: missing terminating ] for character class in "[a"

=== gmatch bad regex returns nil and the message
--- content
local it, err = ngx.re.gmatch("x", "a)")
ngx.say(tostring(it), " ", err)
--- expect_status
200
--- expect_body
nil pcre_compile() failed: unmatched parentheses in "a)" at ")"

=== sub bad regex returns nil nil and the message
--- content
local s, n, err = ngx.re.sub("x", "*", "y")
ngx.say(tostring(s), " ", tostring(n), " ", err)
--- expect_status
200
--- expect_body
nil nil pcre_compile() failed: nothing to repeat in "*" at "*"

=== gsub bad regex
--- content
local s, n, err = ngx.re.gsub("x", "+a", "y")
ngx.say(tostring(s), " ", tostring(n), " ", err)
--- expect_status
200
--- expect_body
nil nil pcre_compile() failed: nothing to repeat in "+a" at "+a"

=== sub bad template lone dollar
--- content
local s, n, err = ngx.re.sub("x", "x", "a$")
ngx.say(tostring(s), " ", tostring(n), " ", err)
--- expect_status
200
--- expect_body
nil nil failed to compile the replacement template

=== gsub bad template unclosed brace
--- content
local s, n, err = ngx.re.gsub("x", "x", "${1")
ngx.say(tostring(s), " ", tostring(n), " ", err)
--- expect_status
200
--- expect_body
nil nil failed to compile the replacement template

=== sub bad template dollar letter
--- content
local s, n, err = ngx.re.sub("x", "x", "$a")
ngx.say(tostring(s), " ", tostring(n), " ", err)
--- expect_status
200
--- expect_body
nil nil failed to compile the replacement template

=== bad template is an error even without a match
--- content
local s, n, err = ngx.re.sub("x", "y", "$")
ngx.say(tostring(s), " ", tostring(n), " ", tostring(err))
--- expect_status
200
--- expect_body
nil nil failed to compile the replacement template

=== unknown flag raises an error
--- content
local ok, err = pcall(ngx.re.match, "x", "x", "Q")
ngx.say(tostring(ok), " ", err:match("unknown flag.*"))
--- expect_status
200
--- expect_body
false unknown flag "Q" (flags "Q")

=== unknown flag in gsub raises an error
--- content
local ok, err = pcall(ngx.re.gsub, "x", "x", "y", "z")
ngx.say(tostring(ok), " ", err:match("unknown flag.*"))
--- expect_status
200
--- expect_body
false unknown flag "z" (flags "z")

=== duplicate names without D are refused
--- content
ngx.say(select(2, ngx.re.match("ab", "(?<n>a)(?<n>b)")))
--- expect_status
200
--- expect_body
pcre_compile() failed: two named subpatterns have the same name in "(?<n>a)(?<n>b)" at ">b)"

=== find nth beyond the groups
--- content
ngx.say(ngx.re.find("hello", "l", "", nil, 5))
--- expect_status
200
--- expect_body
nilnilnth out of bound

=== u option with a start inside a character
--- content
local ctx = { pos = 2 }
ngx.say(select(2, ngx.re.match("你好", ".", "u", ctx)))
--- expect_status
200
--- expect_body
pcre_exec() failed: -11

=== gmatch u empty match stepping into a character
--- content
local it = ngx.re.gmatch("你好", "", "u")
local m1 = it()
ngx.say("[", m1[0], "] ", select(2, it()))
--- expect_status
200
--- expect_body
[] pcre_exec() failed: -11

=== table regex raises an error
--- content
local ok = pcall(ngx.re.find, "x", {})
ngx.say(tostring(ok))
--- expect_status
200
--- expect_body
false

=== u option with invalid utf-8 subject
--- content
local m, err = ngx.re.match("\xff\xfe", ".", "u")
ngx.say(tostring(m), " ", tostring(err))
--- expect_status
200
--- expect_body
nil pcre_exec() failed: -10

=== catastrophic backtracking is bounded
--- content
local m, err = ngx.re.match(string.rep("a", 22), "(a|aa)+b", "")
ngx.say(tostring(m))
--- expect_status
200
--- expect_body
nil

