# The ngx string, digest and encoding functions (issue #12).

=== escape_uri component escapes reserved characters
--- content
ngx.say(ngx.escape_uri("a b/c?d=e&f#g"))
--- expect_status
200
--- expect_body
a%20b%2Fc%3Fd%3De%26f%23g

=== escape_uri keeps unreserved and sub-delims as nginx does
--- content
ngx.say(ngx.escape_uri("-_.~!*'()"))
--- expect_status
200
--- expect_body
-_.~!*'()

=== escape_uri type 0 keeps slashes
--- content
ngx.say(ngx.escape_uri("/a b/c?d=e&f#g%", 0))
--- expect_status
200
--- expect_body
/a%20b/c%3Fd=e&f%23g%25

=== escape_uri type 2 explicit
--- content
ngx.say(ngx.escape_uri("/a b?&=+", 2))
--- expect_status
200
--- expect_body
%2Fa%20b%3F%26%3D%2B

=== escape_uri non ascii bytes
--- content
ngx.say(ngx.escape_uri("é你"))
--- expect_status
200
--- expect_body
%C3%A9%E4%BD%A0

=== escape_uri control characters
--- content
ngx.say(ngx.escape_uri("\t\n\0\127"))
--- expect_status
200
--- expect_body
%09%0A%00%7F

=== escape_uri nil is empty
--- content
ngx.say("[", ngx.escape_uri(nil), "]")
--- expect_status
200
--- expect_body
[]

=== escape_uri number
--- content
ngx.say(ngx.escape_uri(3.5))
--- expect_status
200
--- expect_body
3.5

=== escape_uri of every printable ascii
--- content
local t = {}
for i = 32, 126 do t[#t + 1] = string.char(i) end
ngx.say(ngx.escape_uri(table.concat(t)))
--- expect_status
200
--- expect_body
%20!%22%23%24%25%26'()*%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~

=== escape_uri type 0 of every printable ascii
--- content
local t = {}
for i = 32, 126 do t[#t + 1] = string.char(i) end
ngx.say(ngx.escape_uri(table.concat(t), 0))
--- expect_status
200
--- expect_body
%20!"%23$%25&'()*+,-./0123456789:;<=>%3F@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~

=== unescape_uri decodes percent escapes and plus
--- content
ngx.say(ngx.unescape_uri("a%20b+c%2Fd"))
--- expect_status
200
--- expect_body
a b c/d

=== unescape_uri keeps bad escapes
--- content
ngx.say(ngx.unescape_uri("100%"), " ", ngx.unescape_uri("%zz"), " ", ngx.unescape_uri("%4"))
--- expect_status
200
--- expect_body
100% %zz %4

=== unescape_uri lower case hex
--- content
ngx.say(ngx.unescape_uri("%e4%bd%a0"))
--- expect_status
200
--- expect_body
你

=== unescape_uri nil is empty
--- content
ngx.say("[", ngx.unescape_uri(nil), "]")
--- expect_status
200
--- expect_body
[]

=== quote_sql_str escapes the mysql specials
--- content
ngx.say(ngx.quote_sql_str("a\0b\b\n\r\t\26\"'\\z"))
--- expect_status
200
--- expect_body
'a\0b\b\n\r\t\Z\"\'\\z'

=== quote_sql_str plain text
--- content
ngx.say(ngx.quote_sql_str("it's"))
--- expect_status
200
--- expect_body
'it\'s'

=== quote_sql_str number
--- content
ngx.say(ngx.quote_sql_str(12))
--- expect_status
200
--- expect_body
'12'

=== md5 hex
--- content
ngx.say(ngx.md5("hello"))
--- expect_status
200
--- expect_body
5d41402abc4b2a76b9719d911017c592

=== md5 of nil is md5 of empty
--- content
ngx.say(ngx.md5(nil))
--- expect_status
200
--- expect_body
d41d8cd98f00b204e9800998ecf8427e

=== md5 of a number
--- content
ngx.say(ngx.md5(123))
--- expect_status
200
--- expect_body
202cb962ac59075b964b07152d234b70

=== md5_bin length and hex
--- content
local b = ngx.md5_bin("hello")
ngx.say(#b, " ", (b:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
--- expect_status
200
--- expect_body
16 5d41402abc4b2a76b9719d911017c592

=== md5_bin of nil
--- content
ngx.say(#ngx.md5_bin(nil))
--- expect_status
200
--- expect_body
16

=== sha1_bin
--- content
local b = ngx.sha1_bin("abc")
ngx.say(#b, " ", (b:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
--- expect_status
200
--- expect_body
20 a9993e364706816aba3e25717850c26c9cd0d89d

=== sha1_bin of nil
--- content
local b = ngx.sha1_bin(nil)
ngx.say((b:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
--- expect_status
200
--- expect_body
da39a3ee5e6b4b0d3255bfef95601890afd80709

=== hmac_sha1
--- content
local b = ngx.hmac_sha1("key", "The quick brown fox jumps over the lazy dog")
ngx.say(#b, " ", (b:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
--- expect_status
200
--- expect_body
20 de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9

=== hmac_sha1 encoded as base64
--- content
ngx.say(ngx.encode_base64(ngx.hmac_sha1("secret", "message")))
--- expect_status
200
--- expect_body
DK9kn+7klT2Hv5A6wRdsReAo3xY=

=== encode_base64
--- content
ngx.say(ngx.encode_base64("hello?"), " ", ngx.encode_base64("a"), " ", ngx.encode_base64("ab"))
--- expect_status
200
--- expect_body
aGVsbG8/ YQ== YWI=

=== encode_base64 without padding
--- content
ngx.say(ngx.encode_base64("a", true), " ", ngx.encode_base64("ab", true))
--- expect_status
200
--- expect_body
YQ YWI

=== encode_base64 nil
--- content
ngx.say("[", ngx.encode_base64(nil), "]")
--- expect_status
200
--- expect_body
[]

=== encode_base64 number
--- content
ngx.say(ngx.encode_base64(42))
--- expect_status
200
--- expect_body
NDI=

=== decode_base64
--- content
ngx.say(ngx.decode_base64("aGVsbG8/"))
--- expect_status
200
--- expect_body
hello?

=== decode_base64 without padding
--- content
ngx.say(ngx.decode_base64("YQ"), " ", ngx.decode_base64("YWI"))
--- expect_status
200
--- expect_body
a ab

=== decode_base64 invalid is nil
--- content
ngx.say(tostring(ngx.decode_base64("%%%")), " ", tostring(ngx.decode_base64("a")))
--- expect_status
200
--- expect_body
nil nil

=== decode_base64 empty
--- content
ngx.say("[", ngx.decode_base64(""), "]")
--- expect_status
200
--- expect_body
[]

=== decode_base64 with whitespace
--- content
ngx.say(tostring(ngx.decode_base64("aGVs bG8=")))
--- expect_status
200
--- expect_body
nil

=== decode_base64 url alphabet is refused
--- content
ngx.say(tostring(ngx.decode_base64("-_-_")))
--- expect_status
200
--- expect_body
nil

=== crc32_short and crc32_long
--- content
ngx.say(ngx.crc32_short("hello"), " ", ngx.crc32_long("hello"))
--- expect_status
200
--- expect_body
907060870 907060870

=== crc32 of empty
--- content
ngx.say(ngx.crc32_short(""), " ", ngx.crc32_long(""))
--- expect_status
200
--- expect_body
0 0

=== crc32 of a number
--- content
ngx.say(ngx.crc32_long(12345))
--- expect_status
200
--- expect_body
3421846044

=== md5 of true is md5 of the string true
--- content
ngx.say(ngx.md5(true), " ", ngx.md5(false))
--- expect_status
200
--- expect_body
b326b5062b2f0e69046810717534cb09 d41d8cd98f00b204e9800998ecf8427e

=== escape_uri of booleans
--- content
ngx.say(ngx.escape_uri(true), "|", ngx.escape_uri(false), "|")
--- expect_status
200
--- expect_body
true||

=== escape_uri other types
--- content
ngx.say(ngx.escape_uri("a b/", 1), " ", ngx.escape_uri("<a'\"&>", 3), " ", ngx.escape_uri("a b%", 5))
--- expect_status
200
--- expect_body
a%20b/ <a%27%22&> a%20b%25

=== escape_uri type out of range
--- content
local ok, err = pcall(ngx.escape_uri, "x", 7)
ngx.say(tostring(ok), " ", err:match('"type".*'))
--- expect_status
200
--- expect_body
false "type" 7 out of range

=== escape_uri type not a number
--- content
local ok, err = pcall(ngx.escape_uri, "x", "2")
ngx.say(tostring(ok), " ", err:match('"type".*'))
--- expect_status
200
--- expect_body
false "type" is not a number

=== unescape_uri percent before an escape
--- content
ngx.say(ngx.unescape_uri("%4z|%%41|%G1|%"))
--- expect_status
200
--- expect_body
%4z|%A|%G1|%

=== decode_base64 ignores what follows the padding
--- content
ngx.say(ngx.decode_base64("YQ==garbage"), " ", ngx.decode_base64("YQ="), " ", tostring(ngx.decode_base64("Y")))
--- expect_status
200
--- expect_body
a a nil

=== decode_base64 of nil raises an error
--- content
local ok, err = pcall(ngx.decode_base64, nil)
ngx.say(tostring(ok), " ", err:match("string argument only"))
--- expect_status
200
--- expect_body
false string argument only

=== quote_sql_str of nil raises an error
--- content
local ok, err = pcall(ngx.quote_sql_str, nil)
ngx.say(tostring(ok), " ", err:match("bad argument.*"))
--- expect_status
200
--- expect_body
false bad argument #1 to '?' (string expected, got nil)

=== hmac_sha1 of nil raises an error
--- content
local ok, err = pcall(ngx.hmac_sha1, nil, "x")
ngx.say(tostring(ok), " ", err:match("bad argument.*"))
--- expect_status
200
--- expect_body
false bad argument #1 to '?' (string expected, got nil)

=== hmac_sha1 with number arguments
--- content
ngx.say(ngx.encode_base64(ngx.hmac_sha1(1, 2)))
--- expect_status
200
--- expect_body
0HXKErglmgsnQ48HUxSju4ipJ7U=

=== hmac_sha1 with an empty key
--- content
ngx.say(ngx.encode_base64(ngx.hmac_sha1("", "data")))
--- expect_status
200
--- expect_body
JX0sNUQ68eL+WQvPcdfPwuclMxA=

=== crc32 of nil and booleans
--- content
ngx.say(ngx.crc32_short(nil), " ", ngx.crc32_long(true), " ", ngx.crc32_short(false))
--- expect_status
200
--- expect_body
0 4261170317 0

=== sha1_bin of true
--- content
ngx.say(ngx.encode_base64(ngx.sha1_bin(true)))
--- expect_status
200
--- expect_body
X/5TO4MPCKAyY0ipFgr6/IraRNs=

=== escape_uri then unescape_uri round trip
--- content
local s = "a b/c?d=é&f+g%"
ngx.say(ngx.unescape_uri(ngx.escape_uri(s)) == s)
--- expect_status
200
--- expect_body
true

=== unescape_uri decodes a percent-encoded plus as plus
--- content
ngx.say(ngx.unescape_uri("a%2Bb+c"))
--- expect_status
200
--- expect_body
a+b c

=== quote_sql_str utf-8 untouched
--- content
ngx.say(ngx.quote_sql_str("你好'"))
--- expect_status
200
--- expect_body
'你好\''

=== encode_base64 of binary data
--- content
ngx.say(ngx.encode_base64("\0\1\2\255\254"))
--- expect_status
200
--- expect_body
AAEC//4=

=== decode_base64 to binary data
--- content
local s = ngx.decode_base64("AAEC//4=")
ngx.say(#s, " ", s:byte(1), " ", s:byte(4), " ", s:byte(5))
--- expect_status
200
--- expect_body
5 0 255 254

=== md5 of binary data
--- content
ngx.say(ngx.md5("\0\255"))
--- expect_status
200
--- expect_body
d07d34efac6328007ad67c7e0a985e00

=== crc32 of a long string
--- content
ngx.say(ngx.crc32_long(string.rep("abc", 1000)))
--- expect_status
200
--- expect_body
733562123

=== escape_uri type 1 args
--- content
ngx.say(ngx.escape_uri("a+b&c=d;e?f g", 1))
--- expect_status
200
--- expect_body
a%2Bb&c=d;e%3Ff%20g

=== escape_uri type 4 refresh
--- content
ngx.say(ngx.escape_uri("a b\"c'd<e>", 4))
--- expect_status
200
--- expect_body
a%20b%22c%27d<e>

=== unescape_uri bad then good escape
--- content
ngx.say(ngx.unescape_uri("%zz%41"))
--- expect_status
200
--- expect_body
%zzA

=== quote_sql_str empty
--- content
ngx.say(ngx.quote_sql_str(""))
--- expect_status
200
--- expect_body
''

=== md5_bin of a number
--- content
ngx.say(ngx.encode_base64(ngx.md5_bin(42)))
--- expect_status
200
--- expect_body
odDG6D8CcyfYRhBj9KxYpg==

=== encode_base64 empty and three bytes without padding
--- content
ngx.say("[", ngx.encode_base64(""), "] ", ngx.encode_base64("abc", true))
--- expect_status
200
--- expect_body
[] YWJj

=== decode_base64 only padding
--- content
ngx.say("[", tostring(ngx.decode_base64("====")), "]")
--- expect_status
200
--- expect_body
[]

