# Lua errors as LuaJIT words them (issue #12 part 3, #20): runtime errors through pcall with the
# chunk name and line stripped in the case (nginx and the edge name chunks differently), compile
# errors through loadstring (the chunk is named by its source on both).

=== index a nil local
--- content
local ok, err = pcall(function()
local t
return t.x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index local 't' (a nil value)

=== index a nil field
--- content
local ok, err = pcall(function()
local t = {}
return t.foo.bar
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index field 'foo' (a nil value)

=== index a nil global
--- content
local ok, err = pcall(function()
return undefined_global_x.y
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index global 'undefined_global_x' (a nil value)

=== index a nil upvalue
--- content
local up
local ok, err = pcall(function()
return up.x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index upvalue 'up' (a nil value)

=== assign into a nil field
--- content
local ok, err = pcall(function()
local t = {}
t.a.b = 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index field 'a' (a nil value)

=== assign into a nil global
--- content
local ok, err = pcall(function()
undefined_global_y.z = 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index global 'undefined_global_y' (a nil value)

=== index a string field
--- content
local ok, err = pcall(function()
return ("x").y.z
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index field 'y' (a nil value)

=== index a number local
--- content
local ok, err = pcall(function()
local n = 5
return n.x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index local 'n' (a number value)

=== index a boolean field
--- content
local ok, err = pcall(function()
local t = {flag = true}
return t.flag.x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to index field 'flag' (a boolean value)

=== call a nil global
--- content
local ok, err = pcall(function()
undefined_function_z()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call global 'undefined_function_z' (a nil value)

=== call a nil field
--- content
local ok, err = pcall(function()
local t = {}
t.foo()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call field 'foo' (a nil value)

=== call a nil method
--- content
local ok, err = pcall(function()
local t = {}
t:foo()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call method 'foo' (a nil value)

=== call a missing string method
--- content
local ok, err = pcall(function()
local s = "x"
s:nope()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call method 'nope' (a nil value)

=== call a nil local
--- content
local ok, err = pcall(function()
local f
f()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call local 'f' (a nil value)

=== call a table
--- content
local ok, err = pcall(function()
local t = {}
t()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to call local 't' (a table value)

=== arithmetic on a nil local
--- content
local ok, err = pcall(function()
local x
return x + 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to perform arithmetic on local 'x' (a nil value)

=== arithmetic on a nil field
--- content
local ok, err = pcall(function()
local t = {}
return t.n * 2
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to perform arithmetic on field 'n' (a nil value)

=== arithmetic on a table
--- content
local ok, err = pcall(function()
return {} + 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to perform arithmetic on a table value

=== arithmetic on a non-numeric string
--- content
local ok, err = pcall(function()
return "a" + 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to perform arithmetic on a string value

=== arithmetic on numeric strings works
--- content
local ok, err = pcall(function()
return "10" + 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
ngx.say("10" + 1, " ", "3" * "4")
--- expect_status
200
--- expect_body
true 11
11 12

=== unary minus on a table
--- content
local ok, err = pcall(function()
return -{}
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to perform arithmetic on a table value

=== concatenate a nil local
--- content
local ok, err = pcall(function()
local x
return "a" .. x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to concatenate local 'x' (a nil value)

=== concatenate a nil field
--- content
local ok, err = pcall(function()
local t = {}
return "a" .. t.name .. "b"
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to concatenate field 'name' (a nil value)

=== concatenate a table
--- content
local ok, err = pcall(function()
return 1 .. {}
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to concatenate a table value

=== concatenate a boolean
--- content
local ok, err = pcall(function()
return "a" .. true
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to concatenate a boolean value

=== compare two tables
--- content
local ok, err = pcall(function()
return {} < {}
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to compare two table values

=== compare number with string
--- content
local ok, err = pcall(function()
return 1 < "2"
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to compare number with string

=== compare nil with number
--- content
local ok, err = pcall(function()
local x
return x < 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to compare nil with number

=== length of a nil local
--- content
local ok, err = pcall(function()
local x
return #x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to get length of local 'x' (a nil value)

=== length of a number
--- content
local ok, err = pcall(function()
local n = 1
return #n
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to get length of local 'n' (a number value)

=== table index is nil
--- content
local ok, err = pcall(function()
local t = {}
t[nil] = 1
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false table index is nil

=== error with a string
--- content
local ok, err = pcall(function()
error("boom")
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false boom

=== error with level 0 has no position
--- content
local ok, err = pcall(function() error("plain", 0) end)
ngx.say(err)
--- expect_status
200
--- expect_body
plain

=== error with level 2 blames the caller
--- content
local function check(v) if not v then error("check failed", 2) end end
local ok, err = pcall(function() check(false) end)
ngx.say((err:gsub("^.-:%d+: ", "")), " ", err:find(":%d+: ") ~= nil)
--- expect_status
200
--- expect_body
check failed true

=== error with a table value
--- content
local ok, err = pcall(error, {code = 42})
ngx.say(type(err), " ", err.code)
--- expect_status
200
--- expect_body
table 42

=== error with a number
--- content
local ok, err = pcall(function() error(42) end)
ngx.say(type(err), " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
string 42

=== error without a value
--- content
local ok, err = pcall(error)
ngx.say(ok, " ", tostring(err))
--- expect_status
200
--- expect_body
false nil

=== assert false
--- content
local ok, err = pcall(function()
assert(false)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false assertion failed!

=== assert with a message
--- content
local ok, err = pcall(function()
assert(nil, "custom message")
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false custom message

=== assert returns its arguments
--- content
ngx.say(select('#', assert(1, 2, 3)), " ", assert("v"))
--- expect_status
200
--- expect_body
3 v

=== xpcall handler sees the message
--- content
local ok, err = xpcall(function() local q
q() end, function(m) return "handled: " .. (m:gsub("^.-:%d+: ", "")) end)
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false handled: attempt to call local 'q' (a nil value)

=== pcall returns results on success
--- content
ngx.say(pcall(function() return 1, "two" end))
--- expect_status
200
--- expect_body
true1two

=== nested pcall
--- content
local ok, err = pcall(function()
local ok2, err2 = pcall(error, "inner", 0)
error("outer " .. err2, 0)
end)
ngx.say(ok, " ", err)
--- expect_status
200
--- expect_body
false outer inner

=== error line numbers relative to the first line
--- content
local _, first = pcall(function() error("x") end)
local base = tonumber(first:match(":(%d+): "))
local ok, err = pcall(function()
local t = {}
return t.a.b
end)
ngx.say(tonumber(err:match(":(%d+): ")) - base)
--- expect_status
200
--- expect_body
4

=== bad argument to string.rep
--- content
local ok, err = pcall(function()
string.rep()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'rep' (string expected, got no value)

=== bad argument 2 to string.rep
--- content
local ok, err = pcall(function()
string.rep("x")
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #2 to 'rep' (number expected, got no value)

=== bad argument to a string method
--- content
local ok, err = pcall(function()
("x"):rep()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'rep' (number expected, got no value)

=== bad argument to string.format
--- content
local ok, err = pcall(function()
string.format("%d", "x")
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #2 to 'format' (number expected, got string)

=== bad argument to string.sub
--- content
local ok, err = pcall(function()
string.sub()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'sub' (string expected, got no value)

=== bad argument to string.byte
--- content
local ok, err = pcall(function()
string.byte("abc", {})
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #2 to 'byte' (number expected, got table)

=== bad argument to string.char
--- content
local ok, err = pcall(function()
string.char(256)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'char' (invalid value)

=== bad argument to table.insert
--- content
local ok, err = pcall(function()
table.insert(nil, 1)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'insert' (table expected, got nil)

=== table.insert with too many arguments
--- content
local ok, err = pcall(function()
table.insert({}, 1, 2, 3)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false wrong number of arguments to 'insert'

=== bad argument to table.remove
--- content
local ok, err = pcall(function()
table.remove(nil)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'remove' (table expected, got nil)

=== bad argument to table.sort
--- content
local ok, err = pcall(function()
table.sort({1, 2}, 3)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #2 to 'sort' (function expected, got number)

=== table.sort of mixed types
--- content
local ok, err = pcall(table.sort, {3, 1, "x"})
ngx.say(ok, " ", (err:gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false attempt to compare string with number

=== table.concat of a table element
--- content
local ok, err = pcall(function()
table.concat({1, {}, 3})
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false invalid value (table) at index 2 in table for 'concat'

=== bad argument to tostring
--- content
local ok, err = pcall(function()
tostring()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'tostring' (value expected)

=== bad argument to tonumber
--- content
local ok, err = pcall(function()
tonumber()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'tonumber' (value expected)

=== bad argument to setmetatable
--- content
local ok, err = pcall(function()
setmetatable(1, {})
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'setmetatable' (table expected, got number)

=== bad argument to select
--- content
local ok, err = pcall(function()
select(0)
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'select' (index out of range)

=== bad argument to math.floor
--- content
local ok, err = pcall(function()
math.floor("x")
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'floor' (number expected, got string)

=== bad argument to math.max
--- content
local ok, err = pcall(function()
math.max()
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false bad argument #1 to 'max' (number expected, got no value)

=== bad argument through pcall directly
--- content
local ok, err = pcall(string.rep)
ngx.say(err)
--- expect_status
200
--- expect_body
bad argument #1 to '?' (string expected, got no value)

=== for limit must be a number
--- content
local ok, err = pcall(function()
for i = 1, "x" do end
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false 'for' limit must be a number

=== error in __index
--- content
local ok, err = pcall(function()
local t = setmetatable({}, {__index = function() error("in index") end})
return t.x
end)
ngx.say(ok, " ", (tostring(err):gsub("^.-:%d+: ", "")))
--- expect_status
200
--- expect_body
false in index

=== uncaught error answers 500
--- content
local t = {}
ngx.say(t.foo.bar)
--- expect_status
500
--- expect_body_base64
PGh0bWw+DQo8aGVhZD48dGl0bGU+NTAwIEludGVybmFsIFNlcnZlciBFcnJvcjwvdGl0bGU+PC9o
ZWFkPg0KPGJvZHk+DQo8Y2VudGVyPjxoMT41MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yPC9oMT48
L2NlbnRlcj4NCjxocj48Y2VudGVyPm5naW54PC9jZW50ZXI+DQo8L2JvZHk+DQo8L2h0bWw+DQo=

=== compile error then expected
--- content
local f, err = loadstring("if x = 1 then end")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "if x = 1 then end"]:1: 'then' expected near '='

=== compile error unexpected symbol
--- content
local f, err = loadstring("x = = 1")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = = 1"]:1: unexpected symbol near '='

=== compile error at eof
--- content
local f, err = loadstring("x = 1 +")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = 1 +"]:1: unexpected symbol near '<eof>'

=== compile error end expected
--- content
local f, err = loadstring("if x then\ny = 1\n")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "if x then..."]:3: 'end' expected (to close 'if' at line 1) near '<eof>'

=== compile error name expected
--- content
local f, err = loadstring("local 1 = 2")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "local 1 = 2"]:1: '<name>' expected near '1'

=== compile error invalid escape
--- content
local f, err = loadstring("x = \"a\\d\"")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = "a\d""]:1: invalid escape sequence near '"a'

=== compile error escape too large
--- content
local f, err = loadstring("x = \"\\300\"")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = "\300""]:1: invalid escape sequence near '"'

=== compile error malformed number
--- content
local f, err = loadstring("x = 3x")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = 3x"]:1: malformed number near '3x'

=== compile error malformed hex
--- content
local f, err = loadstring("x = 0x")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = 0x"]:1: malformed number near '0x'

=== compile error unfinished string
--- content
local f, err = loadstring("x = \"abc")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = "abc"]:1: unfinished string near '<eof>'

=== compile error unfinished long string
--- content
local f, err = loadstring("x = [[abc")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "x = [[abc"]:1: unfinished long string near '<eof>'

=== compile error equals expected
--- content
local f, err = loadstring("a = 1 b")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "a = 1 b"]:1: '=' expected near '<eof>'

=== compile error function arguments expected
--- content
local f, err = loadstring("a.b:c = 1")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "a.b:c = 1"]:1: function arguments expected near '='

=== compile error goto undefined label
--- content
local f, err = loadstring("goto nowhere")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "goto nowhere"]:1: undefined label 'nowhere'

=== compile error break outside a loop
--- content
local f, err = loadstring("break")
ngx.say(tostring(f), " ", err)
--- expect_status
200
--- expect_body
nil [string "break"]:1: no loop to break

=== compile error named chunk
--- content
local f, err = loadstring("x = = 1", "=mine")
ngx.say(err)
--- expect_status
200
--- expect_body
mine:1: unexpected symbol near '='

=== valid escapes compile
--- content
local f = loadstring("return '\\x41\\65\\z   B\\t|'")
ngx.say(f())
--- expect_status
200
--- expect_body
AAB	|

