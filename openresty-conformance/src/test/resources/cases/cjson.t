# cjson and cjson.safe (issue #13): lua-cjson 2.1.0 as Debian packages it for nginx.

=== encode scalars and arrays
--- content
local cjson = require "cjson"
ngx.say(cjson.encode({1, 2, 3}), cjson.encode("a/b\"c\n"), cjson.encode(0.1), cjson.encode(1e20), cjson.encode(true), cjson.encode(cjson.null))
ngx.say(cjson.encode({}), cjson.encode({a = {}}), cjson.encode({{x = 1}}))
--- expect_status
200
--- expect_body
[1,2,3]"a\/b\"c\n"0.11e+20truenull
{}{"a":{}}[{"x":1}]

=== encode numbers with a precision
--- content
local cjson = require "cjson"
ngx.say(cjson.encode(math.pi), " ", cjson.encode(2^53), " ", cjson.encode(1/3))
local old = cjson.encode_number_precision(4)
ngx.say(old, " ", cjson.encode(math.pi))
cjson.encode_number_precision(14)
--- expect_status
200
--- expect_body
3.1415926535898 9.007199254741e+15 0.33333333333333
4 3.142

=== encode errors
--- content
local cjson = require "cjson"
ngx.say(pcall(cjson.encode, {[1] = 1, [20] = 2}))
ngx.say(pcall(cjson.encode, 0/0))
ngx.say(pcall(cjson.encode, {f = print}))
ngx.say(pcall(cjson.encode, {[true] = 1}))
local t = {} t.t = t
ngx.say(pcall(cjson.encode, t))
--- expect_status
200
--- expect_body
falseCannot serialise table: excessively sparse array
falseCannot serialise number: must not be NaN or Inf
falseCannot serialise function: type not supported
falseCannot serialise boolean: table key must be a number or string
falseCannot serialise, excessive nesting (1001)

=== sparse arrays with holes
--- content
local cjson = require "cjson"
ngx.say(cjson.encode({1, 2, nil, 4}), cjson.encode({[3] = "x"}))
--- expect_status
200
--- expect_body
[1,2,null,4][null,null,"x"]

=== decode values
--- content
local cjson = require "cjson"
local v = cjson.decode('{"a":[1,2.5,"x\\u00e9",true,null],"b":{"c":-1e3}}')
ngx.say(v.a[1], " ", v.a[2], " ", v.a[3], " ", tostring(v.a[4]), " ", tostring(v.a[5] == cjson.null), " ", v.b.c, " ", #v.a)
ngx.say(cjson.decode("123"), " ", cjson.decode('"s"'), " ", tostring(cjson.decode("null") == ngx.null))
--- expect_status
200
--- expect_body
1 2.5 xé true true -1000 5
123 s true

=== decode errors
--- content
local cjson = require "cjson"
for _, s in ipairs({"{bad", "[1,2", "[1 2]", '{"a" 1}', '{"a":1,}', "", '"abc', '"\\x"', "tru", "1.5e"}) do
  ngx.say(select(2, pcall(cjson.decode, s)))
end
--- expect_status
200
--- expect_body
Expected object key string but found invalid token at character 2
Expected comma or array end but found T_END at character 5
Expected comma or array end but found T_NUMBER at character 4
Expected colon but found T_NUMBER at character 6
Expected object key string but found T_OBJ_END at character 8
Expected value but found T_END at character 1
Expected value but found unexpected end of string at character 5
Expected value but found invalid escape code at character 2
Expected value but found invalid token at character 1
Expected the end but found invalid token at character 4

=== cjson.safe returns nil and the error
--- content
local safe = require "cjson.safe"
ngx.say(safe.decode("[1,"))
ngx.say(safe.encode(function() end))
ngx.say(safe.encode({a = 1}))
--- expect_status
200
--- expect_body
nilExpected value but found T_END at character 4
nilCannot serialise function: type not supported
{"a":1}

=== settings are per instance
--- content
local cjson = require "cjson"
local other = cjson.new()
other.encode_number_precision(3)
ngx.say(cjson.encode(math.pi), " ", other.encode(math.pi))
ngx.say(cjson.encode_sparse_array())
ngx.say(cjson.encode_max_depth(), " ", cjson.decode_max_depth())
--- expect_status
200
--- expect_body
3.1415926535898 3.14
false210
1000 1000

=== a JSON API answer
--- request
POST /api
--- content
local cjson = require "cjson.safe"
local input = cjson.decode('{"name":"edge","tags":["a"]}')
if not input or type(input.name) ~= "string" then
  ngx.status = 400
  ngx.say(cjson.encode({error = "name is required"}))
  return
end
ngx.header["Content-Type"] = "application/json"
ngx.say(cjson.encode({hello = input.name}))
--- response_headers
Content-Type
--- expect_status
200
--- expect_headers
content-type: application/json
--- expect_body
{"hello":"edge"}

