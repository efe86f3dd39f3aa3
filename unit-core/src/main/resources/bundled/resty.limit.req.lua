-- resty.limit.req: lua-resty-limit-traffic's request-rate limiter (nginx's limit_req leaky
-- bucket) with the same API and answers, written for the edge over ngx.shared (no FFI: the
-- record is the string "<excess> <last>", excess in 1/1000 requests, last in ms).
local ngx_shared = ngx.shared
local ngx_now = ngx.now
local tonumber = tonumber
local setmetatable = setmetatable
local assert = assert
local abs = math.abs
local match = string.match

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

function _M.new(dict_name, rate, burst)
    local dict = ngx_shared[dict_name]
    if not dict then
        return nil, "shared dict not found"
    end
    assert(rate > 0 and burst >= 0)
    return setmetatable({ dict = dict, rate = rate * 1000, burst = burst * 1000 }, mt)
end

local function read(dict, key)
    local v = dict:get(key)
    if not v then
        return nil
    end
    local excess, last = match(v, "^(%S+) (%S+)$")
    return tonumber(excess), tonumber(last)
end

local function write(dict, key, excess, last)
    return dict:set(key, excess .. " " .. last)
end

-- Returns the delay in seconds and the excess requests per second, or nil, "rejected".
function _M.incoming(self, key, commit)
    local dict = self.dict
    local rate = self.rate
    local now = ngx_now() * 1000
    local excess
    local prev, last = read(dict, key)
    if prev then
        local elapsed = now - last
        excess = prev - rate * abs(elapsed) / 1000 + 1000
        if excess < 0 then
            excess = 0
        end
        if excess > self.burst then
            return nil, "rejected"
        end
    else
        excess = 0
    end
    if commit then
        local ok, err = write(dict, key, excess, now)
        if not ok then
            return nil, err
        end
    end
    return excess / rate, excess / 1000
end

function _M.uncommit(self, key)
    assert(key)
    local dict = self.dict
    local excess, last = read(dict, key)
    if not excess then
        return nil, "not found"
    end
    excess = excess - 1000
    if excess < 0 then
        excess = 0
    end
    local ok, err = write(dict, key, excess, last)
    if not ok then
        return nil, err
    end
    return true
end

function _M.set_rate(self, rate)
    self.rate = rate * 1000
end

function _M.set_burst(self, burst)
    self.burst = burst * 1000
end

return _M
