-- lua-cjson cases run on nginx + libnginx-mod-http-lua + lua-cjson (content_by_lua_file); its output is
-- cjson-cases.nginx.txt, which CjsonTest compares ours with. Re-record by running it there again.
local c = require "cjson"
local function p(...) local t = {...} for i=1,select('#', ...) do t[i]=tostring(t[i]) end ngx.say(table.concat(t, " | ")) end
p(c.encode("a/b\"c\\d\1\8\9\10\12\13\31\127\128é"))
p(pcall(c.encode, {[true]=1}))
p(pcall(c.encode, 0/0)) p(pcall(c.encode, 1/0))
p(pcall(c.encode)) p(pcall(c.encode, 1, 2)) p(pcall(c.decode)) p(pcall(c.decode, {}))
p(c.encode({[1.5]=1}), c.encode({[2]="x"}), c.encode({[-1]=1}), c.encode(-0), c.encode(0.1+0.2), c.encode(100), c.encode(2^53), c.encode(1e-7), c.encode(123456.789e3))
p(c.encode_number_precision(), c.encode_number_precision(3), c.encode(math.pi), c.encode_number_precision(14))
p(pcall(c.encode_number_precision, 0)) p(pcall(c.encode_number_precision, 17))
p(c.encode_max_depth()) p(c.decode_max_depth()) p(c.encode_invalid_numbers()) p(c.decode_invalid_numbers()) p(c.encode_keep_buffer())
p(c.encode_invalid_numbers(true), c.encode(0/0), c.encode(-1/0)) p(c.encode_invalid_numbers("null"), c.encode(1/0)) p(c.encode_invalid_numbers(false))
p(pcall(c.encode_invalid_numbers, "x"))
for _, s in ipairs{'"\\u00e9\\ud83d\\ude00"', '"\\ud83d"', '"\\x"', '"abc', '[1,2', '[1 2]', '{"a" 1}', '{"a":1,}', '{"a":1 "b"}', '01', '+1', '0x10', 'inf', '-Infinity', 'NaN', '1.5e', '-', 'nul', 'true false', '  ', '', '[]', '{}', '1e400', '"a\0b"', '[1,[2,[3]]]', '"\t"', '123', 'tru', '.5', '5.', '1E2', '-0', '[null]', '{"a":null}'} do
  local ok, v = pcall(c.decode, s)
  if ok and type(v) == 'table' then v = c.encode(v) end
  p(s, ok, v)
end
p(c.decode_max_depth(2), pcall(c.decode, '[[[1]]]')) c.decode_max_depth(1000)
p(c.encode_max_depth(2), pcall(c.encode, {{{1}}})) c.encode_max_depth(1000)
local t = {} t.t = t p(pcall(c.encode, t))
p(c.decode(123), pcall(c.decode, "\0a"))
p(c.null == ngx.null, tostring(c.null), c.decode('null') == c.null, type(c.new), c._NAME)
local s = require "cjson.safe" p(s.encode(0/0)) p(s.decode("[")) p(pcall(s.encode_max_depth, 0)) p(s.new ~= nil, s == c, s.null == c.null)
p(s.encode_number_precision())
p(pcall(c.encode, {a=function() end}))
p(c.encode({1, 2, nil, 4}), c.encode({nil, nil, 3}))
p(c.encode(setmetatable({}, {__index = {a = 1}})), c.encode(setmetatable({}, {__tojson = 1})))
p(c.encode_sparse_array(true)) p(c.encode({[20]=2})) c.encode_sparse_array(false)
local d = c.decode('{"a":1,"b":[true,false,null,"x\\n"],"c":{"d":-1.5e3}}') p(d.a, d.b[1], d.b[2], d.b[3] == c.null, d.b[4], d.c.d, #d.b)
p(c.encode({a={b={c={1,{d="e"}}}}}))
