# ngx.re.match: captures, named captures, options, ctx.pos (issue #12). Written from
# lua-nginx-module's documentation; expectations recorded from nginx 1.22 + Debian's lua module.

=== match returns the whole match and numbered captures
--- content
local m = ngx.re.match("hello, 1234", "([0-9])[0-9]+")
ngx.say(m[0], " ", m[1], " ", tostring(m[2]))
--- expect_status
200
--- expect_body
1234 1 nil

=== no match is nil
--- content
local m, err = ngx.re.match("hello", "[0-9]+")
ngx.say(tostring(m), " ", tostring(err))
--- expect_status
200
--- expect_body
nil nil

=== unmatched optional capture is false
--- content
local m = ngx.re.match("ab", "(a)(x)?(b)")
ngx.say(tostring(m[1]), " ", tostring(m[2]), " ", tostring(m[3]))
--- expect_status
200
--- expect_body
a false b

=== named captures appear by name and by number
--- content
local m = ngx.re.match("hello, 1234", [[(?<word>\w+), (?<num>\d+)]])
ngx.say(m.word, " ", m.num, " ", m[1], " ", m[2], " ", m[0])
--- expect_status
200
--- expect_body
hello 1234 hello 1234 hello, 1234

=== python style named captures
--- content
local m = ngx.re.match("key=value", [[(?P<k>\w+)=(?P<v>\w+)]])
ngx.say(m.k, " ", m.v)
--- expect_status
200
--- expect_body
key value

=== unmatched named capture is false
--- content
local m = ngx.re.match("b", [[(?<a>a)?(?<b>b)]])
ngx.say(tostring(m.a), " ", m.b)
--- expect_status
200
--- expect_body
false b

=== case insensitive option i
--- content
local m = ngx.re.match("HeLLo", "hello", "i")
ngx.say(m[0])
--- expect_status
200
--- expect_body
HeLLo

=== without i case matters
--- content
ngx.say(tostring(ngx.re.match("HeLLo", "hello")))
--- expect_status
200
--- expect_body
nil

=== multiline option m makes caret match after newline
--- content
local m = ngx.re.match("one\ntwo", "^two", "m")
ngx.say(m[0], " ", tostring(ngx.re.match("one\ntwo", "^two")))
--- expect_status
200
--- expect_body
two nil

=== dotall option s lets dot match newline
--- content
ngx.say(tostring(ngx.re.match("a\nb", "a.b")), " ", ngx.re.match("a\nb", "a.b", "s")[0] == "a\nb")
--- expect_status
200
--- expect_body
nil true

=== extended option x ignores whitespace and comments
--- content
local m = ngx.re.match("abc123", "[a-z]+ # letters\n  ([0-9]+)", "x")
ngx.say(m[0], " ", m[1])
--- expect_status
200
--- expect_body
abc123 123

=== anchored option a only matches at the start
--- content
ngx.say(tostring(ngx.re.match("xabc", "abc", "a")), " ", ngx.re.match("abcx", "abc", "a")[0])
--- expect_status
200
--- expect_body
nil abc

=== options o and j change nothing in the result
--- content
ngx.say(ngx.re.match("foo123", "[0-9]+", "jo")[0])
--- expect_status
200
--- expect_body
123

=== combined options
--- content
ngx.say(ngx.re.match("X\nABC", "^abc$", "imjo")[0])
--- expect_status
200
--- expect_body
ABC

=== ctx.pos starts the search and is set after the match
--- content
local ctx = { pos = 3 }
local m = ngx.re.match("1234 5678", "[0-9]+", "", ctx)
ngx.say(m[0], " ", ctx.pos)
--- expect_status
200
--- expect_body
34 5

=== ctx.pos without a previous value starts at 1
--- content
local ctx = {}
local m = ngx.re.match("ab12", "[0-9]", "", ctx)
ngx.say(m[0], " ", ctx.pos)
--- expect_status
200
--- expect_body
1 4

=== ctx.pos loop walks every match
--- content
local ctx, out = { pos = 1 }, {}
while true do
  local m = ngx.re.match("a1b22c333", "[0-9]+", "", ctx)
  if not m then break end
  out[#out + 1] = m[0] .. "@" .. ctx.pos
end
ngx.say(table.concat(out, " "))
--- expect_status
200
--- expect_body
1@3 22@6 333@10

=== ctx.pos is kept when nothing matches
--- content
local ctx = { pos = 2 }
local m = ngx.re.match("abc", "[0-9]", "", ctx)
ngx.say(tostring(m), " ", ctx.pos)
--- expect_status
200
--- expect_body
nil 2

=== ctx.pos past the end does not match
--- content
local ctx = { pos = 10 }
ngx.say(tostring(ngx.re.match("abc", "", "", ctx)))
--- expect_status
200
--- expect_body
nil

=== caret does not match at ctx.pos past the start
--- content
local ctx = { pos = 2 }
ngx.say(tostring(ngx.re.match("aab", "^ab", "", ctx)))
--- expect_status
200
--- expect_body
nil

=== anchored with ctx.pos matches at that position
--- content
local ctx = { pos = 2 }
ngx.say(ngx.re.match("aab", "ab", "a", ctx)[0], " ", ctx.pos)
--- expect_status
200
--- expect_body
ab 4

=== look-behind sees text before ctx.pos
--- content
local ctx = { pos = 2 }
local m = ngx.re.match("ab", "(?<=a)b", "", ctx)
ngx.say(m[0], " ", ctx.pos)
--- expect_status
200
--- expect_body
b 3

=== res_table is filled and returned
--- content
local res = {}
local m = ngx.re.match("k=v", [[(\w)=(\w)]], "", nil, res)
ngx.say(m == res, " ", res[0], " ", res[1], " ", res[2])
--- expect_status
200
--- expect_body
true k=v k v

=== bytes without u: dot matches one byte
--- content
local m = ngx.re.match("你好", "^.")
ngx.say(#m[0])
--- expect_status
200
--- expect_body
1

=== u option: dot matches one character
--- content
local m = ngx.re.match("你好", "^.", "u")
ngx.say(m[0], " ", #m[0])
--- expect_status
200
--- expect_body
你 3

=== U option matches characters too
--- content
local m = ngx.re.match("héllo", "h.l", "U")
ngx.say(m[0])
--- expect_status
200
--- expect_body
hél

=== u option with ctx.pos counts bytes
--- content
local ctx = { pos = 4 }
local m = ngx.re.match("你好吗", ".", "u", ctx)
ngx.say(m[0], " ", ctx.pos)
--- expect_status
200
--- expect_body
好 7

=== byte classes without u
--- content
local m = ngx.re.match("\xe4\xbd\xa0", "[\x80-\xff]+")
ngx.say(#m[0])
--- expect_status
200
--- expect_body
3

=== a number subject is converted to a string
--- content
local m = ngx.re.match(12345, "34")
ngx.say(m[0], " ", type(m[0]))
--- expect_status
200
--- expect_body
34 string

=== a number regex raises an error
--- content
ngx.say(tostring(pcall(ngx.re.match, "12345", 34)))
--- expect_status
200
--- expect_body
false

=== nil subject is matched as the string nil
--- content
ngx.say(ngx.re.match(nil, "^n.l$")[0])
--- expect_status
200
--- expect_body
nil

=== empty pattern matches the empty string
--- content
local m = ngx.re.match("abc", "")
ngx.say("[", m[0], "]")
--- expect_status
200
--- expect_body
[]

=== dollar matches before a final newline
--- content
ngx.say(ngx.re.match("abc\n", "c$")[0])
--- expect_status
200
--- expect_body
c

=== backreference
--- content
ngx.say(ngx.re.match("xyzabab", [[(ab)\1]])[0])
--- expect_status
200
--- expect_body
abab

=== non-capturing group does not count
--- content
local m = ngx.re.match("abc", "(?:a)(b)(c)")
ngx.say(m[1], m[2], " ", tostring(m[3]))
--- expect_status
200
--- expect_body
bc nil

=== inline case-insensitive flag
--- content
ngx.say(ngx.re.match("ABC", "(?i)abc")[0])
--- expect_status
200
--- expect_body
ABC

=== posix character class
--- content
ngx.say(ngx.re.match("ab12cd", "[[:digit:]]+")[0], " ", ngx.re.match("12ab", "[[:alpha:]]+")[0])
--- expect_status
200
--- expect_body
12 ab

=== negated posix class
--- content
ngx.say(ngx.re.match("12ab", "[[:^digit:]]+")[0])
--- expect_status
200
--- expect_body
ab

=== bracket inside character class is literal
--- content
ngx.say(ngx.re.match("a[b", "[[]")[0])
--- expect_status
200
--- expect_body
[

=== lazy quantifier
--- content
ngx.say(ngx.re.match("<a><b>", "<.+?>")[0])
--- expect_status
200
--- expect_body
<a>

=== hex escapes
--- content
ngx.say(ngx.re.match("A-B", [[\x41\x2d]])[0])
--- expect_status
200
--- expect_body
A-

=== word class is ascii without u
--- content
ngx.say(tostring(ngx.re.match("é", [[^\w]])))
--- expect_status
200
--- expect_body
nil

=== duplicate names with D give a table
--- content
local m = ngx.re.match("hello, world", [[(?<named>\w+), (?<named>\w+)]], "D")
ngx.say(type(m.named), " ", m.named[1], " ", m.named[2], " ", m[1], " ", m[2])
--- expect_status
200
--- expect_body
table hello world hello world

=== duplicate names with D: unmatched alternative is false
--- content
local m = ngx.re.match("b", [[(?<n>a)|(?<n>b)]], "D")
ngx.say(type(m.n), " ", tostring(m.n[1]), " ", m.n[2])
--- expect_status
200
--- expect_body
table b nil

=== case-insensitive u matches non ascii letters
--- content
ngx.say(ngx.re.match("ÉCOLE", "école", "iu")[0])
--- expect_status
200
--- expect_body
ÉCOLE

=== start of subject assertion with ctx.pos
--- content
local ctx = { pos = 3 }
ngx.say(tostring(ngx.re.match("abab", [[\Aab]], "", ctx)))
--- expect_status
200
--- expect_body
nil

=== DFA option d gives the longest match
--- content
ngx.say(ngx.re.match("abcd", "a|ab|abc", "d")[0])
--- expect_status
200
--- expect_body
abc

=== backslash G matches at the start position
--- content
local ctx = { pos = 2 }
ngx.say(tostring(ngx.re.match("xab", [[\Gb]], "", ctx)), " ", ngx.re.match("xab", [[\Ga]], "", ctx)[0])
--- expect_status
200
--- expect_body
nil a

=== named capture with underscore and digits
--- content
ngx.say(ngx.re.match("hello", "(?<x_1>l+)").x_1)
--- expect_status
200
--- expect_body
ll

=== python style named backreference
--- content
ngx.say(ngx.re.match("abab", [[(?P<p>ab)(?P=p)]])[0])
--- expect_status
200
--- expect_body
abab

=== k style named backreference
--- content
ngx.say(ngx.re.match("xx-xx", [[(?<w>x+)-\k<w>]])[0])
--- expect_status
200
--- expect_body
xx-xx

=== relative backreference
--- content
ngx.say(ngx.re.match("abcc", [[(b)(c)\g{-1}]])[0])
--- expect_status
200
--- expect_body
bcc

=== octal escape
--- content
ngx.say(ngx.re.match("a b", [[a\040b]])[0])
--- expect_status
200
--- expect_body
a b

=== comment group
--- content
ngx.say(ngx.re.match("ab", "a(?#note)b")[0])
--- expect_status
200
--- expect_body
ab

=== literal brace that is not a quantifier
--- content
ngx.say(ngx.re.match("a{b}", "a{b}")[0])
--- expect_status
200
--- expect_body
a{b}

=== x option keeps whitespace inside a class
--- content
ngx.say(ngx.re.match("a b", "a [ ] b", "x")[0])
--- expect_status
200
--- expect_body
a b

=== ampersands in a class are literal
--- content
ngx.say(ngx.re.match("&&", "[a&&b]+")[0])
--- expect_status
200
--- expect_body
&&

=== possessive and atomic groups
--- content
ngx.say(tostring(ngx.re.match("aaa", "a++a")), " ", tostring(ngx.re.match("aaa", "(?>a+)a")))
--- expect_status
200
--- expect_body
nil nil

=== recursion is not available on the edge
--- content
local m, err = ngx.re.match("(())", [[\((?R)*\)]])
ngx.say(m and m[0] or "error")
--- expect_status
200
--- expect_body
(())

=== option J is accepted
--- content
ngx.say(ngx.re.match("abc", "b", "J")[0])
--- expect_status
200
--- expect_body
b

=== quoted literal with Q and E
--- content
ngx.say(ngx.re.match("a.b*c", [[\Q.b*\E]])[0])
--- expect_status
200
--- expect_body
.b*

=== x option with a comment group and escaped space
--- content
ngx.say(ngx.re.match("a b", [[a\ b # trailing comment]], "x")[0])
--- expect_status
200
--- expect_body
a b

=== posix class with u keeps to ascii
--- content
ngx.say(tostring(ngx.re.match("é", "[[:alpha:]]", "u")))
--- expect_status
200
--- expect_body
nil

=== unicode property with u
--- content
ngx.say(ngx.re.match("xé你", [[\p{Han}]], "u")[0])
--- expect_status
200
--- expect_body
你

=== case-insensitive without u leaves non ascii bytes alone
--- content
ngx.say(tostring(ngx.re.match("É", "é", "i")))
--- expect_status
200
--- expect_body
nil

=== multi-byte character class with u
--- content
ngx.say(ngx.re.match("abc你好", "[你好]+", "u")[0])
--- expect_status
200
--- expect_body
你好

=== character escapes tab and newline
--- content
ngx.say(#ngx.re.match("a\tb\nc", [[\t\w\n]])[0])
--- expect_status
200
--- expect_body
3

=== dot does not match newline without s
--- content
ngx.say(ngx.re.match("ab\ncd", ".+")[0])
--- expect_status
200
--- expect_body
ab

=== lone carriage return is not a line end
--- content
ngx.say(tostring(ngx.re.match("a\rb", "^b", "m")), " ", #ngx.re.match("a\rb", "a.b")[0])
--- expect_status
200
--- expect_body
nil 3

=== big repetition count
--- content
ngx.say(#ngx.re.match(string.rep("a", 300), "a{2,256}")[0])
--- expect_status
200
--- expect_body
256

=== alternation picks the first alternative
--- content
ngx.say(ngx.re.match("abc", "ab|abc")[0])
--- expect_status
200
--- expect_body
ab

=== capture in a repeated group keeps the last iteration
--- content
ngx.say(ngx.re.match("abc", "(\\w)+")[1])
--- expect_status
200
--- expect_body
c

=== nested captures numbered by their opening parenthesis
--- content
local m = ngx.re.match("abcd", "((a)(b))(c)")
ngx.say(m[1], " ", m[2], " ", m[3], " ", m[4])
--- expect_status
200
--- expect_body
ab a b c

=== digit class is ascii even with u
--- content
ngx.say(tostring(ngx.re.match("٣", [[\d]], "u")))
--- expect_status
200
--- expect_body
nil

=== space class does not match a no-break space with u
--- content
ngx.say(tostring(ngx.re.match("\194\160", [[\s]], "u")))
--- expect_status
200
--- expect_body
nil

=== word class with u stops at a non ascii letter
--- content
ngx.say(ngx.re.match("héllo", [[\w+]], "u")[0])
--- expect_status
200
--- expect_body
h

=== case-insensitive u on greek
--- content
ngx.say(ngx.re.match("ΣΟΦΙΑ", "σοφια", "iu")[0])
--- expect_status
200
--- expect_body
ΣΟΦΙΑ

=== duplicate names with D keep numbered captures
--- content
local m = ngx.re.match("ab", [[(?<x>a)(?<x>b)]], "D")
ngx.say(m[1], m[2], " ", #m.x)
--- expect_status
200
--- expect_body
ab 2

=== multiline dollar before a newline in the middle
--- content
ngx.say(ngx.re.match("ab\ncd", "b$", "m")[0])
--- expect_status
200
--- expect_body
b

