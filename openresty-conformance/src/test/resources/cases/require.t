# require and package.loaded with the bundled modules (issue #13). nginx loads lua-cjson and
# lua-resty-core's ngx.* modules from Debian's packages; the edge has its own (unit-core README "Modules").

=== require cjson gives a module table
--- content
local cjson = require "cjson"
ngx.say(type(cjson), " ", type(cjson.encode), " ", cjson._NAME, " ", cjson._VERSION)
ngx.say(tostring(require("cjson") == cjson), " ", tostring(package.loaded.cjson == cjson))
--- expect_status
200
--- expect_body
table function cjson 2.1.0
true true

=== a missing module fails as nginx says
--- content
local ok, err = pcall(require, "no.such.module")
ngx.say(tostring(ok))
ngx.say((err:match("^[^\n]*")))
ngx.say((select(2, err:gsub("\n", "\n")) > 1))
--- expect_status
200
--- expect_body
false
module 'no.such.module' not found:
true

=== require without a name
--- content
local ok, err = pcall(require)
ngx.say(tostring(ok), " ", tostring(err:find("bad argument #1", 1, true) ~= nil))
--- expect_status
200
--- expect_body
false true

=== package.preload is used and cached
--- content
local loads = 0
package.preload["my.mod"] = function(name) loads = loads + 1 return { name = name } end
local m = require "my.mod"
ngx.say(m.name, " ", tostring(require("my.mod") == m), " ", loads)
package.preload["my.empty"] = function() end
ngx.say(tostring(require "my.empty"))
package.loaded["my.mod"] = nil
package.preload["my.mod"] = nil
--- expect_status
200
--- expect_body
my.mod true 1
true

=== a cycle is reported
--- content
package.preload["cyc.a"] = function() return { b = require "cyc.b" } end
package.preload["cyc.b"] = function() return { a = require "cyc.a" } end
local ok, err = pcall(require, "cyc.a")
ngx.say(tostring(ok), " ", tostring(err:find("loop or previous error loading module 'cyc.a'", 1, true) ~= nil))
package.preload["cyc.a"] = nil
package.preload["cyc.b"] = nil
package.loaded["cyc.a"] = nil
package.loaded["cyc.b"] = nil
--- expect_status
200
--- expect_body
false true

=== a failing loader gives its error then loop or previous error
--- content
package.preload["bad.mod"] = function() error("broken", 0) end
local ok, err = pcall(require, "bad.mod")
ngx.say(tostring(ok), " ", err)
ok, err = pcall(require, "bad.mod")
ngx.say(tostring(ok), " ", err)
package.preload["bad.mod"] = nil
package.loaded["bad.mod"] = nil
--- expect_status
200
--- expect_body
false broken
false /usr/share/lua/5.1/resty/core/base.lua:80: loop or previous error loading module 'bad.mod'

=== ngx.base64 url encoding
--- content
local b64 = require "ngx.base64"
ngx.say(b64.encode_base64url("\255\254\253hello?>"))
ngx.say(b64.decode_base64url("aGVsbG8_Pg"))
ngx.say(tostring(b64.decode_base64url("a+b/")), " ", select(2, b64.decode_base64url("a+b/")))
ngx.say(tostring(b64.encode_base64url(12)), " ", select(2, b64.encode_base64url(12)))
--- expect_status
200
--- expect_body
__79aGVsbG8_Pg
hello?>
nil invalid input
nil must provide a string

=== ngx.re split
--- content
local re = require "ngx.re"
local function show(t) return #t .. ":" .. table.concat(t, "|") end
ngx.say(show(re.split("a,b,,c", ",")))
ngx.say(show(re.split("a,b,,c", ",", nil, nil, 2)))
ngx.say(show(re.split("a-b_c", "([-_])")))
ngx.say(show(re.split(",a,,", ",")))
ngx.say(show(re.split("abc", "")))
ngx.say(re.split("a", "("))
--- expect_status
200
--- expect_body
4:a|b||c
2:a|b,,c
5:a|-|b|_|c
2:|a
3:a|b|c
nilpcre_compile() failed: missing ) in "("

=== collectgarbage options
--- content
ngx.say(collectgarbage("collect"), " ", collectgarbage(), " ", type(collectgarbage("count")))
ngx.say(tostring(collectgarbage("step")), " ", collectgarbage("setpause", 100), " ", collectgarbage("setpause", 200))
ngx.say(pcall(collectgarbage, "bogus"))
--- expect_status
200
--- expect_body
0 0 number
false 200 100
falsebad argument #1 to '?' (invalid option 'bogus')

=== require ngx.balancer gives the balancer API
--- content
local b = require "ngx.balancer"
ngx.say(type(b), " ", type(b.set_current_peer), " ", type(b.set_more_tries), " ", type(b.get_last_failure), " ", type(b.set_timeouts))
ngx.say(tostring(b == require("ngx.balancer")), " ", tostring(package.loaded["ngx.balancer"] == b), " ", b.version)
--- expect_status
200
--- expect_body
table function function function function
true true 0.1.25

