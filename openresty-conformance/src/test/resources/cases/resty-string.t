# resty.string, resty.md5, resty.sha*, resty.random (issue #13). Debian packages no lua-resty-string,
# so the harness gives nginx reference modules written for this suite to lua-resty-string's API over
# the C functions lua-resty-string calls (OpenSSL's digests and RAND_bytes, nginx's ngx_hex_dump and
# ngx_atoi, through LuaJIT's FFI: src/test/resources/nginx-lua). The edge's are its own, in Java.

=== resty.md5 digest of a string in two updates
--- content
local md5 = require "resty.md5"
local str = require "resty.string"
local d = md5:new()
ngx.say(tostring(d:update("hello ")), " ", tostring(d:update("world")))
ngx.say(str.to_hex(d:final()))
--- expect_status
200
--- expect_body
true true
5eb63bbbe01eeed093cb22bb8f5acdc3

=== every sha digest of abc
--- content
local str = require "resty.string"
for _, name in ipairs({ "sha1", "sha224", "sha256", "sha384", "sha512" }) do
    local d = require("resty." .. name):new()
    d:update("abc")
    local digest = d:final()
    ngx.say(name, " ", #digest, " ", str.to_hex(digest))
end
--- expect_status
200
--- expect_body
sha1 20 a9993e364706816aba3e25717850c26c9cd0d89d
sha224 28 23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7
sha256 32 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
sha384 48 cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7
sha512 64 ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f

=== digests of empty input and of binary bytes
--- content
local str = require "resty.string"
for _, name in ipairs({ "md5", "sha1", "sha256" }) do
    local m = require("resty." .. name)
    local e = m:new()
    local b = m:new()
    b:update("\0\1\2\255\254 binary\r\n")
    ngx.say(name, " ", str.to_hex(e:final()), " ", str.to_hex(b:final()))
end
--- expect_status
200
--- expect_body
md5 d41d8cd98f00b204e9800998ecf8427e 4aa059e072198afab6d6a33819f028d6
sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 f7cf93c6df1862f722a8d4c1e67b94bdcd9dd3ca
sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 98af18cd52e78d79afdd12eee78afedce59f5d5c6500780fa074d1838d7c508b

=== reset starts a digest again
--- content
local str = require "resty.string"
local d = require("resty.sha256"):new()
d:update("something else")
ngx.say(tostring(d:reset()))
d:update("abc")
ngx.say(str.to_hex(d:final()))
--- expect_status
200
--- expect_body
true
ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad

=== new called with a dot and a large input
--- content
local str = require "resty.string"
local md5 = require "resty.md5"
local d = md5.new()
for i = 1, 100 do d:update(string.rep(string.char(i), 1000)) end
ngx.say(str.to_hex(d:final()))
--- expect_status
200
--- expect_body
d2ae960f49e279f3a785f5a05d2cb8be

=== digest objects are separate
--- content
local str = require "resty.string"
local sha1 = require "resty.sha1"
local a, b = sha1:new(), sha1:new()
a:update("a")
b:update("b")
ngx.say(str.to_hex(a:final()), " ", str.to_hex(b:final()))
--- expect_status
200
--- expect_body
86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98

=== to_hex of bytes
--- content
local str = require "resty.string"
ngx.say("[", str.to_hex(""), "] ", str.to_hex("\0\1\15\16\127\128\255 azAZ"))
--- expect_status
200
--- expect_body
[] 00010f107f80ff20617a415a

=== atoi as nginx's ngx_atoi
--- content
local str = require "resty.string"
for _, s in ipairs({ "0", "123", "007", "-1", "+1", " 1", "1 ", "1.5", "", "abc", "9223372036854775807", "9223372036854775808", "99999999999999999999" }) do
    ngx.say("[", s, "] ", str.atoi(s))
end
--- expect_status
200
--- expect_body
[0] 0
[123] 123
[007] 7
[-1] -1
[+1] -1
[ 1] -1
[1 ] -1
[1.5] -1
[] -1
[abc] -1
[9223372036854775807] 9.2233720368548e+18
[9223372036854775808] -1
[99999999999999999999] -1

=== resty.random bytes
--- content
local random = require "resty.random"
local a, b = random.bytes(32, true), random.bytes(32, true)
ngx.say(type(a), " ", #a, " ", #b, " ", tostring(a ~= b))
ngx.say(#random.bytes(1), " ", #random.bytes(16), " ", #random.bytes(1000), " [", random.bytes(0), "]")
--- expect_status
200
--- expect_body
string 32 32 true
1 16 1000 []

=== resty.random bytes as hex
--- content
local random = require "resty.random"
local str = require "resty.string"
local h = str.to_hex(random.bytes(8))
ngx.say(#h, " ", tostring(h:find("^[0-9a-f]+$") ~= nil))
--- expect_status
200
--- expect_body
16 true

