-- The same chunk runs on nginx 1.22 + libnginx-mod-http-lua (content_by_lua_file, with
-- lua_shared_dict dogs 1m; lua_shared_dict tiny 12k) and in NgxSharedTest; probe.nginx.txt is
-- nginx's answer. No time passes in it: TTL answers are whole seconds set just before.
local d = ngx.shared.dogs
local function p(...)
  local n = select("#", ...)
  local t = {...}
  local o = {}
  for i = 1, n do o[#o + 1] = tostring(t[i]) end
  ngx.say(table.concat(o, " "))
end
p(d:set("a", 1))
p(d:get("a"))
p(d:set("b", "x", 0, 7)); p(d:get("b")); p(d:get_stale("b"))
p(d:add("a", 2)); p(d:replace("zz", 1)); p(d:incr("zz", 1)); p(d:incr("b", 1)); p(d:incr("zz", 1, 10)); p(d:incr("zz", 1.5))
p(d:lpush("l", "v1")); p(d:rpush("l", 2)); p(d:llen("l")); p(d:get("l")); p(d:lpush("a", 1)); p(d:llen("nope")); p(d:lpop("nope"))
p(d:lpop("l")); p(d:rpop("l")); p(d:rpop("l")); p(d:llen("l")); p(d:get("l"))
p(d:lpush("l", {})); p(d:lpush("l", nil)); p(d:lpush("l", true)); p(d:llen("l"))
p(d:ttl("a")); p(d:ttl("nope")); p(d:set("t", 1, 10)); p(d:ttl("t")); p(d:expire("t", 0)); p(d:ttl("t")); p(d:expire("nope", 1))
p(d:set(12, "num")); p(d:get(12)); p(d:get("12"))
p(d:set("x", {})); p(d:get(nil)); p(d:get("")); p(pcall(d.set, d, "x", 1, -1)); p(pcall(d.get, "x"))
p(pcall(d.incr, d, "i", 1, nil, 5)); p(pcall(d.incr, d, "i", 1, "x")); p(pcall(d.incr, d, "i", 1, 0, -1))
p(d:capacity()); p(d:free_space())
p(d:set("n", true)); p(d:get("n")); p(d:incr("n", 1)); p(d:set("n", false)); p(d:get("n"))
p(d:safe_add("q", 1)); p(d:safe_add("q", 1)); p(d:delete("q")); p(d:get("q")); p(d:delete("q"))
p(d:incr("i", 1, 0, 5)); p(d:ttl("i")); p(d:incr("i", "3")); p(d:incr("i", -4.5))
p(d:set("s", 1, 0, 3)); p(d:get("s")); p(d:get_stale("s")); p(d:set("s", 2)); p(d:get("s"))
p(d:set("e", "")); p(d:get("e")); p(#d:get("e"))
p(ngx.shared.nope); p(type(ngx.shared.dogs)); p(ngx.shared.dogs == ngx.shared.dogs)
local keys = d:get_keys(); table.sort(keys); p(table.concat(keys, ","))
p(#d:get_keys(2))
d:flush_all()
p(d:get("a")); p(#d:get_keys(0)); p(d:set("fresh", 1)); p(#d:get_keys(0))
local tiny = ngx.shared.tiny
p(tiny:capacity(), tiny:free_space())
p(tiny:set("k", string.rep("x", 1000))); p(tiny:safe_set("kk", "v")); p(tiny:lpush("l", "v"))
