package io.nott.conformance;

import java.util.List;

/**
 * The shared origin's canned answers, selected by a case's {@code --- origin} section. nginx
 * serves them itself (a plain server block of the same nginx, on its own port) to both nginx's
 * {@code proxy_pass} and the edge's route; it tells the cases apart by {@code Host}, which both
 * pass on.
 */
final class Origins {

    /** The names a case may give; the README lists what each answers. */
    static final List<String> NAMES = List.of("default", "html", "json", "notfound", "error", "redirect", "cacheable",
            "chunks", "big", "cookies", "echo", "empty", "nocontenttype", "sized");

    private Origins() {
    }

    /**
     * A global {@code edge_computing} for nginx whose {@code redis_client} answers {@code get},
     * {@code set}, {@code incr}, {@code del} and {@code expire} from a shared dict, as the edge's
     * Redis client answers them (values as strings, {@code incr} as a number).
     */
    static String edgeComputingShim() {
        return """
                local dict = ngx.shared.conformance_redis
                local client = {}
                function client:get(k) local v = dict:get(k) if v == nil then return ngx.null end return tostring(v) end
                function client:set(k, v) dict:set(k, tostring(v)) return "OK" end
                function client:incr(k) local v, err = dict:incr(k, 1, 0) return v, err end
                function client:del(k) local had = dict:get(k) ~= nil dict:delete(k) return had and 1 or 0 end
                function client:expire(k, s) local ok = dict:expire(k, s) return ok and 1 or 0 end
                edge_computing = {redis_client = client}
                """;
    }

    /** The origin's content handler: one Lua function per name. */
    static String lua() {
        return """
                local name = ngx.var.conformance_origin
                local answers = {}
                answers.default = function() ngx.header.content_type = "text/plain" ngx.print("origin\\n") end
                answers.html = function() ngx.header.content_type = "text/html" ngx.print("<html><body>origin</body></html>\\n") end
                answers.json = function() ngx.header.content_type = "application/json" ngx.print('{"origin":true}\\n') end
                answers.notfound = function() ngx.status = 404 ngx.header.content_type = "text/plain" ngx.print("missing\\n") end
                answers.error = function() ngx.status = 500 ngx.header.content_type = "text/plain" ngx.print("origin error\\n") end
                answers.redirect = function()
                  ngx.status = 302 ngx.header.content_type = "text/plain" ngx.header["Location"] = "http://origin.example/elsewhere"
                  ngx.print("moved\\n")
                end
                answers.cacheable = function()
                  ngx.header.content_type = "text/plain"
                  ngx.header["ETag"] = '"v1"'
                  ngx.header["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
                  ngx.header["Cache-Control"] = "max-age=60"
                  ngx.print("cacheable\\n")
                end
                answers.chunks = function()
                  ngx.header.content_type = "text/plain"
                  for _, part in ipairs({"one\\n", "two\\n", "three\\n"}) do ngx.print(part) ngx.flush(true) end
                end
                answers.big = function()
                  ngx.header.content_type = "text/plain"
                  local line = string.rep("0123456789abcde", 1) .. "\\n"
                  for i = 1, 16 do ngx.print(string.rep(line, 256)) ngx.flush(true) end
                end
                answers.cookies = function()
                  ngx.header.content_type = "text/plain"
                  ngx.header["Set-Cookie"] = {"a=1; Path=/", "b=2; Path=/"}
                  ngx.print("cookies\\n")
                end
                answers.echo = function()
                  ngx.header.content_type = "text/plain"
                  ngx.req.read_body()
                  local lines = {ngx.req.get_method() .. " " .. ngx.var.request_uri}
                  local names = {}
                  local headers = ngx.req.get_headers(0)
                  for k in pairs(headers) do
                    if k:sub(1, 2) == "x-" and k:sub(1, 12) ~= "x-forwarded-" and k ~= "x-real-ip" then names[#names + 1] = k end
                  end
                  table.sort(names)
                  for _, k in ipairs(names) do
                    local v = headers[k]
                    if type(v) == "table" then v = table.concat(v, ", ") end
                    lines[#lines + 1] = k .. ": " .. v
                  end
                  lines[#lines + 1] = "body: " .. (ngx.req.get_body_data() or "")
                  ngx.print(table.concat(lines, "\\n"), "\\n")
                end
                answers.sized = function()
                  ngx.header.content_type = "application/vnd.apple.mpegurl"
                  local body = "#EXTM3U\\n#EXT-X-VERSION:3\\n"
                  ngx.header.content_length = #body
                  ngx.print(body)
                end
                answers.empty = function() ngx.status = 204 end
                answers.nocontenttype = function() ngx.header.content_type = nil ngx.print("untyped\\n") end
                local answer = answers[name]
                if not answer then
                  ngx.status = 500
                  ngx.print("the conformance origin has no answer named '", tostring(name), "'\\n")
                  return
                end
                answer()
                """;
    }
}
