# require and package.loaded with the bundled modules (issue #13). nginx loads lua-cjson and
# lua-resty-core's ngx.* modules from Debian's packages; the edge has its own (unit-core README "Modules").

=== require cjson gives a module table
--- content
local cjson = require "cjson"
ngx.say(type(cjson), " ", type(cjson.encode), " ", cjson._NAME, " ", cjson._VERSION)
ngx.say(tostring(require("cjson") == cjson), " ", tostring(package.loaded.cjson == cjson))

=== a missing module fails as nginx says
--- content
local ok, err = pcall(require, "no.such.module")
ngx.say(tostring(ok))
ngx.say((err:match("^[^\n]*")))
ngx.say((select(2, err:gsub("\n", "\n")) > 1))

=== require without a name
--- content
local ok, err = pcall(require)
ngx.say(tostring(ok), " ", tostring(err:find("bad argument #1", 1, true) ~= nil))

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

=== a failing loader gives its error then loop or previous error
--- content
package.preload["bad.mod"] = function() error("broken", 0) end
local ok, err = pcall(require, "bad.mod")
ngx.say(tostring(ok), " ", err)
ok, err = pcall(require, "bad.mod")
ngx.say(tostring(ok), " ", err)
package.preload["bad.mod"] = nil
package.loaded["bad.mod"] = nil

=== ngx.base64 url encoding
--- content
local b64 = require "ngx.base64"
ngx.say(b64.encode_base64url("\255\254\253hello?>"))
ngx.say(b64.decode_base64url("aGVsbG8_Pg"))
ngx.say(tostring(b64.decode_base64url("a+b/")), " ", select(2, b64.decode_base64url("a+b/")))
ngx.say(tostring(b64.encode_base64url(12)), " ", select(2, b64.encode_base64url(12)))

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

=== collectgarbage options
--- content
ngx.say(collectgarbage("collect"), " ", collectgarbage(), " ", type(collectgarbage("count")))
ngx.say(tostring(collectgarbage("step")), " ", collectgarbage("setpause", 100), " ", collectgarbage("setpause", 200))
ngx.say(pcall(collectgarbage, "bogus"))
