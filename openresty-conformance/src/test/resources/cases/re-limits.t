# ngx.re: regexes PCRE refuses for their size or shape (issue #15). Debian's lua module links
# libpcre3 8.39 (LINK_SIZE 2): a regex whose compiled form passes 65,536 bytes is "too large";
# a literal character takes 2 bytes, a class 33, a capture 8 plus its body, the whole 7. The
# message quotes the regex and lua-resty-core cuts it to 127 bytes. Thresholds measured with
# real nginx (these recordings); unit-core's PcreSize computes them.

=== a literal of 32764 characters compiles
--- content
local m, err = ngx.re.match(string.rep("a", 32764), string.rep("a", 32764))
ngx.say(m and #m[0], " ", tostring(err))
--- expect_status
200
--- expect_body
32764 nil

=== one more character is too large
--- content
local m, err = ngx.re.match("a", string.rep("a", 32765))
ngx.say(tostring(m), " ", #err)
ngx.say(err)
--- expect_status
200
--- expect_body
nil 127
pcre_compile() failed: regular expression is too large in "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

=== too large in find gmatch sub and gsub
--- content
local re = string.rep("b", 40000)
local from, to, e1 = ngx.re.find("b", re, "jo")
local it, e2 = ngx.re.gmatch("b", re)
local s, n, e3 = ngx.re.sub("b", re, "x")
local g, k, e4 = ngx.re.gsub("b", re, "x", "i")
ngx.say(tostring(from), tostring(to), tostring(it), tostring(s), tostring(n), tostring(g), tostring(k))
ngx.say(e1 == e2 and e2 == e3, " ", e4 == e1, " ", e1)
--- expect_status
200
--- expect_body
nilnilnilnilnilnilnil
true true pcre_compile() failed: regular expression is too large in "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

=== alternation at the limit
--- content
local words = {}
for i = 1, 5041 do words[i] = "abcde" end
local a, b = ngx.re.find("abcde", table.concat(words, "|", 1, 5040))
local c, d, err = ngx.re.find("abcde", table.concat(words, "|"))
ngx.say(a, " ", b, " ", tostring(c), " ", err)
--- expect_status
200
--- expect_body
1 5 nil pcre_compile() failed: regular expression is too large in "abcde|abcde|abcde|abcde|abcde|abcde|abcde|abcde|abcde|abcde|abcde|ab

=== classes at the limit
--- content
local m1 = ngx.re.match(string.rep("a", 1985), string.rep("[ab]", 1985))
local m2, err = ngx.re.match(string.rep("a", 1986), string.rep("[ab]", 1986))
ngx.say(#m1[0], " ", tostring(m2), " ", err)
--- expect_status
200
--- expect_body
1985 nil pcre_compile() failed: regular expression is too large in "[ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab]

=== capture groups at the limit
--- content
local s = string.rep("abcdefgh", 2731)
local m1 = ngx.re.match(s, string.rep("(abcdefgh)", 2730))
local m2, err = ngx.re.match(s, string.rep("(abcdefgh)", 2731))
ngx.say(#m1, " ", m1[2730], " ", tostring(m2), " ", err)
--- expect_status
200
--- expect_body
2730 abcdefgh nil pcre_compile() failed: regular expression is too large in "(abcdefgh)(abcdefgh)(abcdefgh)(abcdefgh)(abcdefgh)(abcdefgh)(abcdefg

=== a repeated group is copied
--- content
local m1, e1 = ngx.re.match(string.rep("ab", 6552), "(?:ab){6552}")
local m2, e2 = ngx.re.match("ab", "(?:ab){6553}")
local m3, e3 = ngx.re.match("abababab", "(?:ab){2,3855}")
local m4, e4 = ngx.re.match("ab", "(?:ab){2,3856}")
local m5, e5 = ngx.re.match("abab", "(ab){0,3449}")
local m6, e6 = ngx.re.match("ab", "(ab){0,3450}")
ngx.say(#m1[0], " ", tostring(e1))
ngx.say(tostring(m2), " ", e2)
ngx.say(m3[0], " ", tostring(e3), " ", tostring(m4), " ", e4)
ngx.say(m5[0], " ", m5[1], " ", tostring(e5), " ", tostring(m6), " ", e6)
--- expect_status
200
--- expect_body
13104 nil
nil pcre_compile() failed: regular expression is too large in "(?:ab){6553}"
abababab nil nil pcre_compile() failed: regular expression is too large in "(?:ab){2,3856}"
abab ab nil nil pcre_compile() failed: regular expression is too large in "(ab){0,3450}"

=== a repeated group past the overflow bound
--- content
ngx.say(select(2, ngx.re.match("a", "((a){65535}){65535}")))
--- expect_status
200
--- expect_body
pcre_compile() failed: regular expression is too large in "((a){65535}){65535}" at "}"

=== mixed items at the limit
--- content
local unit = [[\d{3}-[a-z]+(?:x|y)?]]
local m1, e1 = ngx.re.match("x", string.rep(unit, 1213))
local m2, e2 = ngx.re.match("x", string.rep(unit, 1214))
ngx.say(tostring(m1), " ", tostring(e1), " ", tostring(m2), " ", e2)
--- expect_status
200
--- expect_body
nil nil nil pcre_compile() failed: regular expression is too large in "\d{3}-[a-z]+(?:x|y)?\d{3}-[a-z]+(?:x|y)?\d{3}-[a-z]+(?:x|y)?\d{3}-[a

=== named back references at the limit
--- content
local m1, e1 = ngx.re.match("a", "(?<n>a)" .. string.rep([[\k<n>]], 3854))
local m2, e2 = ngx.re.match("a", "(?<n>a)" .. string.rep([[\k<n>]], 3855))
ngx.say(tostring(m1), " ", tostring(e1), " ", tostring(m2), " ", e2)
--- expect_status
200
--- expect_body
nil nil nil pcre_compile() failed: regular expression is too large in "(?<n>a)\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\k<n>\

=== utf-8 characters take their bytes
--- content
local e = "\195\169"
local m1, e1 = ngx.re.match("x", string.rep(e, 21843), "u")
local m2, e2 = ngx.re.match("x", string.rep(e, 21844), "u")
local m3, e3 = ngx.re.match("x", string.rep(e, 16382))
local m4, e4 = ngx.re.match("x", string.rep(e, 16383))
ngx.say(tostring(e1), " ", #e2, " ", tostring(e3), " ", #e4)
ngx.say(e2)
--- expect_status
200
--- expect_body
nil 127 nil 127
pcre_compile() failed: regular expression is too large in "éééééééééééééééééééééééééééééééééé

=== a regex of a megabyte is too large
--- content
local m, err = ngx.re.match("x", string.rep("x", 1024 * 1024))
ngx.say(tostring(m), " ", err)
--- expect_status
200
--- expect_body
nil pcre_compile() failed: regular expression is too large in "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx

=== a syntax error anywhere comes before too large
--- content
ngx.say(select(2, ngx.re.match("x", string.rep("a", 40000) .. "(")))
ngx.say(select(2, ngx.re.match("x", "(" .. string.rep("a", 40000))))
--- expect_status
200
--- expect_body
pcre_compile() failed: missing ) in "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
pcre_compile() failed: missing ) in "(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

=== a long error is cut
--- content
local m, err = ngx.re.match("x", string.rep("a", 200) .. "[")
ngx.say(#err, " ", err)
--- expect_status
200
--- expect_body
127 pcre_compile() failed: missing terminating ] for character class in "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

=== a class of 100000 characters is one item
--- content
local m, err = ngx.re.match("xa", "[" .. string.rep("a", 100000) .. "]")
ngx.say(m and m[0], " ", tostring(err))
--- expect_status
200
--- expect_body
a nil

=== quantifier numbers
--- content
ngx.say(select(2, ngx.re.match("a", "a{65536}")))
ngx.say(select(2, ngx.re.match("a", "a{2,1}")))
ngx.say(select(2, ngx.re.match("a", "a{1,99999999999}")))
local m = ngx.re.match("aaa", "a{0,65535}")
ngx.say(m[0])
--- expect_status
200
--- expect_body
pcre_compile() failed: number too big in {} quantifier in "a{65536}" at "}"
pcre_compile() failed: numbers out of order in {} quantifier in "a{2,1}" at "}"
pcre_compile() failed: number too big in {} quantifier in "a{1,99999999999}" at "999999}"
aaa

=== nesting
--- content
local m1, e1 = ngx.re.match("a", string.rep("(", 250) .. "a" .. string.rep(")", 250))
local m2, e2 = ngx.re.match("a", string.rep("(?:", 251) .. "a" .. string.rep(")", 251))
ngx.say(#m1, " ", tostring(e1), " ", tostring(m2), " ", e2)
--- expect_status
200
--- expect_body
250 nil nil pcre_compile() failed: parentheses are too deeply nested in "(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:

=== group names
--- content
ngx.say(select(2, ngx.re.match("a", "(?<" .. string.rep("n", 33) .. ">a)")))
local m = ngx.re.match("a", "(?<" .. string.rep("n", 32) .. ">a)")
ngx.say(m[string.rep("n", 32)])
--- expect_status
200
--- expect_body
pcre_compile() failed: subpattern name is too long (maximum 32 characters) in "(?<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn>a)" at ">a)
a

=== nothing to repeat after an anchor
--- content
ngx.say(select(2, ngx.re.match("a", "^*a")))
ngx.say(select(2, ngx.re.match("a", [[a\b+]])))
ngx.say(select(2, ngx.re.match("a", "a$?")))
--- expect_status
200
--- expect_body
pcre_compile() failed: nothing to repeat in "^*a" at "*a"
pcre_compile() failed: nothing to repeat in "a\b+" at "+"
pcre_compile() failed: nothing to repeat in "a$?" at "?"
