-- resty.limit.count: lua-resty-limit-traffic's fixed-window request counter (as GitHub's API
-- limits), same API and answers, over ngx.shared (incr with init and init_ttl).
local ngx_shared = ngx.shared
local setmetatable = setmetatable
local assert = assert

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

function _M.new(dict_name, limit, window)
    local dict = ngx_shared[dict_name]
    if not dict then
        return nil, "shared dict not found"
    end
    assert(limit > 0 and window > 0)
    return setmetatable({ dict = dict, limit = limit, window = window }, mt)
end

-- Returns 0 and the requests remaining in the window, or nil, "rejected".
function _M.incoming(self, key, commit)
    local dict = self.dict
    local limit = self.limit
    local remaining, err
    if commit then
        remaining, err = dict:incr(key, -1, limit, self.window)
        if not remaining then
            return nil, err
        end
    else
        remaining = (dict:get(key) or limit) - 1
    end
    if remaining < 0 then
        return nil, "rejected"
    end
    return 0, remaining
end

function _M.uncommit(self, key)
    assert(key)
    local remaining, err = self.dict:incr(key, 1)
    if not remaining then
        if err == "not found" then
            return self.limit
        end
        return nil, err
    end
    return remaining
end

return _M
