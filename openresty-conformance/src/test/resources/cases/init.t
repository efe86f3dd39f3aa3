# init_by_lua (issue #13): init units run once, their globals are visible to every unit. nginx has one
# init_by_lua_block: every case's --- init goes into it (README "Case format"), so each case keeps
# to globals of its own, prefixed with the case's short name.

=== init defines functions and tables
--- init
init_fn_greeting = { text = "hello" }
function init_fn_greet(who) return init_fn_greeting.text .. " " .. who end
--- content
ngx.say(init_fn_greet("edge"), " ", type(init_fn_greeting))
--- expect_status
200
--- expect_body
hello edge table

=== init requires a module for every unit
--- init
init_json = require "cjson"
--- content
ngx.say(init_json.encode({1, 2}), " ", tostring(init_json == require("cjson")))
--- expect_status
200
--- expect_body
[1,2] true

=== a unit's own global shadows an init global for its request only
--- init
init_shadow = "from init"
--- rewrite
init_shadow = "from rewrite"
ngx.ctx.seen = init_shadow
--- content
ngx.say(ngx.ctx.seen, " / ", init_shadow)
--- expect_status
200
--- expect_body
from rewrite / from rewrite

=== init locals stay in init
--- init
local init_secret = "hidden"
function init_reveal() return init_secret end
--- content
ngx.say(tostring(init_secret), " ", init_reveal())
--- expect_status
200
--- expect_body
nil hidden

