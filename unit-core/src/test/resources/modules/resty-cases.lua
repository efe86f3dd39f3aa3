-- ngx.base64 and ngx.re (lua-resty-core) cases run on nginx + libnginx-mod-http-lua + lua-resty-core
-- (content_by_lua_file); its output is resty-cases.nginx.txt, which BundledModulesTest compares ours with.
local b = require "ngx.base64"
local function p(...) local t = {...} for i=1,select('#', ...) do t[i]=tostring(t[i]) end ngx.say(table.concat(t, " | ")) end
local ks = {} for k in pairs(b) do ks[#ks+1] = k end table.sort(ks) p(table.concat(ks, " "))
p(b.encode_base64url("\255\254\253hello?>"), b.encode_base64url(""), b.encode_base64url("a"))
p(b.decode_base64url("__79aGVsbG8_Pg"), b.decode_base64url("YQ"), b.decode_base64url("YQ=="), b.decode_base64url("YQ=x!"), b.decode_base64url("Y"), b.decode_base64url("a+b/"), b.decode_base64url(""), b.decode_base64url("a b"))
p(pcall(b.encode_base64url, 12)) p(pcall(b.encode_base64url, nil)) p(pcall(b.decode_base64url, {}))
local re = require "ngx.re" ks = {} for k in pairs(re) do ks[#ks+1] = k end table.sort(ks) p(table.concat(ks, " "), re.version, b.version)
local function show(t) if type(t) ~= "table" then return tostring(t) end local o = {} for i = 1, #t do o[i] = "[" .. t[i] .. "]" end return #t .. ":" .. table.concat(o) end
for _, c in ipairs{{"a,b,,c", ","}, {"a,b,,c", ",", nil, nil, 2}, {"abc", ""}, {"a1b22c", "\\d+"}, {",a,", ","}, {"a-b_c", "([-_])"}, {"", ","}, {"abc", "x"}, {"a,b", ",*"}, {"a,b,c", ",", "jo", nil, 3}, {"a, b ,c", "\\s*,\\s*"}, {"A1b2", "[a-z]", "i"}, {1234, "3"}, {"abc", "", nil, nil, 2}} do
  local r, err = re.split(c[1], c[2], c[3], c[4], c[5])
  p(c[1], c[2], show(r), err)
end
local ctx = { pos = 3 } p(show(re.split("a,b,c,d", ",", nil, ctx)), ctx.pos)
p(re.split("a", "("))
p(pcall(re.split, "a", ",", nil, nil, nil, 1))
p(pcall(re.opt, "foo", 1))
