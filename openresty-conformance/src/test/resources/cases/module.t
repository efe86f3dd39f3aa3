# Module units (issue #13): `--- module <name>` is a Lua file on nginx's lua_package_path and, on the
# edge, a unit of phase module whose id is <name>, so `require "<name>"` finds it on both. Module names
# are shared by every case on both sides (one lua dir, one snapshot): each starts with mod_ and the
# case's own word. Only what one request can see is compared: package.loaded is per worker on nginx
# and per runtime thread on the edge (unit-core README, "Modules").

=== require of a module unit
--- module mod_greet
local _M = {}
function _M.hello(who) return "hello " .. who end
return _M
--- content
local greet = require "mod_greet"
ngx.say(type(greet), " ", greet.hello("edge"))
--- expect_status
200
--- expect_body
table hello edge

=== a dotted module name
--- module mod_dotted.inner.lib
return { answer = 42 }
--- content
ngx.say(require("mod_dotted.inner.lib").answer)
--- expect_status
200
--- expect_body
42

=== a module gets its name as its argument
--- module mod_named
local name = ...
return { name = name }
--- content
ngx.say(require("mod_named").name)
--- expect_status
200
--- expect_body
mod_named

=== module-level state lives across calls
--- module mod_counter
local count = 0
local _M = {}
function _M.next() count = count + 1 return count end
return _M
--- content
local c = require "mod_counter"
ngx.say(c.next(), " ", c.next(), " ", require("mod_counter").next())
--- expect_status
200
--- expect_body
1 2 3

=== require caches the module in package.loaded
--- module mod_cached
return { created = {} }
--- content
local a = require "mod_cached"
local b = require "mod_cached"
ngx.say(tostring(a == b), " ", tostring(package.loaded.mod_cached == a), " ", tostring(a.created == b.created))
package.loaded.mod_cached = nil
local c = require "mod_cached"
ngx.say(tostring(c == a), " ", tostring(package.loaded.mod_cached == c))
--- expect_status
200
--- expect_body
true true true
false true

=== a module returning nothing is true
--- module mod_nothing
local unused = 1
--- content
ngx.say(tostring(require "mod_nothing"), " ", tostring(package.loaded.mod_nothing))
--- expect_status
200
--- expect_body
true true

=== a module returning false
--- module mod_false
return false
--- content
ngx.say(tostring(require "mod_false"), " ", tostring(package.loaded.mod_false))
--- expect_status
200
--- expect_body
false false

=== a module that errors at load
--- module mod_broken
local _M = {}
error("cannot start: no config")
return _M
--- content
local ok, err = pcall(require, "mod_broken")
ngx.say(tostring(ok), " ", (tostring(err):gsub("^.-:%d+: ", "")))
local ok2, err2 = pcall(require, "mod_broken")
ngx.say(tostring(ok2), " ", (tostring(err2):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false cannot start: no config
false loop or previous error loading module 'mod_broken'

=== a module that errors at load with a table
--- module mod_broken_table
error({ code = 7 })
--- content
local ok, err = pcall(require, "mod_broken_table")
ngx.say(tostring(ok), " ", type(err), " ", type(err) == "table" and err.code or "")
--- expect_status
200
--- expect_body
false table 7

=== a module that errors at load fails the request
--- module mod_fatal
error("fatal module")
--- content
require "mod_fatal"
ngx.say("not reached")
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== a module requires another module unit
--- module mod_outer
local inner = require "mod_inner"
return { twice = function(s) return inner.up(s) .. inner.up(s) end }
--- module mod_inner
return { up = string.upper }
--- content
ngx.say(require("mod_outer").twice("ab"))
--- expect_status
200
--- expect_body
ABAB

=== modules requiring each other is a loop
--- module mod_loop_a
local b = require "mod_loop_b"
return { b = b }
--- module mod_loop_b
local a = require "mod_loop_a"
return { a = a }
--- content
local ok, err = pcall(require, "mod_loop_a")
ngx.say(tostring(ok), " ", tostring(tostring(err):find("loop or previous error loading module 'mod_loop_a'", 1, true) ~= nil))
--- expect_status
200
--- expect_body
false true

=== module locals stay in the module
--- module mod_private
local secret = "s"
return { get = function() return secret end }
--- content
local m = require "mod_private"
ngx.say(m.get(), " ", tostring(secret))
--- expect_status
200
--- expect_body
s nil

=== a module uses the bundled modules
--- module mod_json
local cjson = require "cjson"
return { encode = function(t) return cjson.encode(t) end }
--- content
ngx.say(require("mod_json").encode({ 1, 2, 3 }))
--- expect_status
200
--- expect_body
[1,2,3]

=== a module reads the request at call time
--- module mod_uri
return { uri = function() return ngx.var.uri end, arg = function(n) return ngx.var["arg_" .. n] end }
--- content
local m = require "mod_uri"
ngx.say(m.uri(), " ", m.arg("a"))
--- request
GET /some/path?a=1
--- expect_status
200
--- expect_body
/some/path 1

=== a module used in rewrite and access
--- module mod_guard
local _M = {}
function _M.check(token) if token ~= "ok" then return ngx.exit(403) end end
return _M
--- rewrite
require("mod_guard").check(ngx.var.arg_token)
--- access
ngx.header["X-Guard"] = "passed"
--- request
GET /t?token=bad
--- response_headers
X-Guard
--- expect_status
403
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NDAzIEZvcmJpZGRlbjwvdGl0bGU+PC9oZWFkPg0KPGJvZHk+
DQo8Y2VudGVyPjxoMT40MDMgRm9yYmlkZGVuPC9oMT48L2NlbnRlcj4NCjxocj48Y2VudGVyPm5n
aW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== a module used in rewrite lets a good request through
--- module mod_guard_ok
local _M = {}
function _M.check(token) if token ~= "ok" then return ngx.exit(403) end end
return _M
--- rewrite
require("mod_guard_ok").check(ngx.var.arg_token)
--- request
GET /t?token=ok
--- expect_status
200
--- expect_body
origin

=== init requires a module unit
--- module mod_initlib
return { version = "1.2", add = function(a, b) return a + b end }
--- init
init_modlib = require "mod_initlib"
--- content
ngx.say(init_modlib.version, " ", init_modlib.add(2, 3))
--- expect_status
200
--- expect_body
1.2 5

=== init defines a helper used through a module
--- module mod_uses_init
return { greet = function() return init_helper_prefix .. "!" end }
--- init
init_helper_prefix = "hi"
--- content
ngx.say(require("mod_uses_init").greet())
--- expect_status
200
--- expect_body
hi!

