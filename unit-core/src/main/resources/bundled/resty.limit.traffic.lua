-- resty.limit.traffic: lua-resty-limit-traffic's combine() of several limiters (req, count,
-- conn): every limiter is asked without committing first, then all commit; a rejection
-- uncommits those already committed. Returns the largest delay, or nil and the error.
local _M = { _VERSION = "0.09" }

function _M.combine(limiters, keys, states)
    local n = #limiters
    local max_delay = 0
    for i = 1, n do
        local delay, err = limiters[i]:incoming(keys[i], i == n)
        if not delay then
            return nil, err
        end
        if i == n then
            if states then
                states[i] = err
            end
            max_delay = delay
        end
    end
    for i = 1, n - 1 do
        local delay, err = limiters[i]:incoming(keys[i], true)
        if not delay then
            for j = 1, i - 1 do
                limiters[j]:uncommit(keys[j])
            end
            limiters[n]:uncommit(keys[n])
            return nil, err
        end
        if states then
            states[i] = err
        end
        if delay > max_delay then
            max_delay = delay
        end
    end
    return max_delay
end

return _M
