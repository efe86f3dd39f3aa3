-- ngx.re as lua-resty-core 0.1.25 has it (split, opt), ported from its ngx/re.lua (BSD licence,
-- Yichun Zhang) onto ngx.re.match: the FFI regex calls become a match at ctx.pos.
local ngx_re_match = ngx.re.match
local sub = string.sub
local math_max = math.max

local _M = { version = "0.1.25" }

-- from, to (one past the match, 1-based), the first capture; ctx.pos is 0-based as in resty.core.
local function re_split_helper(subj, regex, opts, ctx)
    local mctx = { pos = math_max(ctx.pos, 0) + 1 }
    local m, err = ngx_re_match(subj, regex, opts, mctx)
    if err then
        return nil, nil, nil, err
    end
    if not m then
        return nil, nil, nil
    end
    local to0 = mctx.pos - 1
    local from0 = to0 - #m[0]
    if from0 == to0 then
        ctx.pos = to0 + 1
    else
        ctx.pos = to0
    end
    if type(m[1]) == "string" then
        return from0 + 1, to0 + 1, m[1]
    end
    return from0 + 1, to0 + 1
end

function _M.split(subj, regex, opts, ctx, max, res)
    subj = tostring(subj)
    if not ctx then
        ctx = { pos = 1 }
    elseif not ctx.pos then
        ctx.pos = 1
    end
    max = max or 0
    if not res then
        res = {}
    elseif type(res) ~= "table" then
        error("res is not a table", 2)
    end

    local len = #subj
    if ctx.pos > len then
        res[1] = nil
        return res
    end

    -- resty.core compiles first: a bad regex is an error even when nothing would match.
    local _, cerr = ngx_re_match("", regex, opts)
    if cerr then
        return nil, cerr
    end

    local sub_idx = ctx.pos
    local res_idx = 0
    local last_empty_match
    local count = 1
    ctx.pos = sub_idx - 1

    while max <= 0 or count < max do
        local from, to, capture, err = re_split_helper(subj, regex, opts, ctx)
        if err then
            return nil, err
        end
        if not from then
            break
        end
        if last_empty_match then
            sub_idx = last_empty_match
        end
        if from == to then
            last_empty_match = from
        end
        if from > sub_idx or not last_empty_match then
            count = count + 1
            res_idx = res_idx + 1
            res[res_idx] = sub(subj, sub_idx, from - 1)
            if capture then
                res_idx = res_idx + 1
                res[res_idx] = capture
            end
            sub_idx = to
            if sub_idx > len then
                break
            end
        end
    end

    if max <= 0 and sub_idx > len then
        for ety_idx = res_idx, 1, -1 do
            if res[ety_idx] ~= "" then
                res_idx = ety_idx
                break
            end
            res[ety_idx] = nil
        end
    else
        res_idx = res_idx + 1
        res[res_idx] = sub(subj, sub_idx)
    end
    res[res_idx + 1] = nil
    return res
end

-- There is no PCRE JIT here: jit_stack_size is accepted and has no effect.
function _M.opt(option, value)
    if option == "jit_stack_size" then
        return
    end
    error("unrecognized option name", 2)
end

return _M
