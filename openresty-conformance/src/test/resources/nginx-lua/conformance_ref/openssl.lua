-- The reference side of the resty.string / resty.md5 / resty.sha* / resty.random cases: Debian
-- packages no lua-resty-string, so the harness gives nginx these modules instead. They are written
-- for this suite (not lua-resty-string's code) to lua-resty-string's documented API, over the same
-- C functions it calls through LuaJIT's FFI: OpenSSL's digests and RAND_bytes (libcrypto, which
-- Debian's nginx links) and nginx's own ngx_hex_dump and ngx_atoi. So what the cases compare is the
-- edge's Java implementation against OpenSSL's and nginx's answers, through the same Lua API.
local ffi = require "ffi"
local C = ffi.C

ffi.cdef[[
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
const EVP_MD *EVP_get_digestbyname(const char *name);
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
int RAND_bytes(unsigned char *buf, int num);
int RAND_pseudo_bytes(unsigned char *buf, int num);
unsigned char *ngx_hex_dump(unsigned char *dst, const unsigned char *src, size_t len);
intptr_t ngx_atoi(const unsigned char *line, size_t n);
]]

local _M = {}

-- A resty.md5-like module for one OpenSSL digest: new() → object or nil, update(s) → boolean,
-- final() → binary digest or nil, reset() → boolean.
function _M.digest(name, size)
    local m = { _VERSION = "0.15" }
    local mt = { __index = m }
    local md = C.EVP_get_digestbyname(name)

    function m.new(self)
        if md == nil then
            return nil
        end
        local ctx = ffi.gc(C.EVP_MD_CTX_new(), C.EVP_MD_CTX_free)
        if C.EVP_DigestInit_ex(ctx, md, nil) ~= 1 then
            return nil
        end
        return setmetatable({ _ctx = ctx }, mt)
    end

    function m.update(self, s)
        return C.EVP_DigestUpdate(self._ctx, s, #s) == 1
    end

    function m.final(self)
        local buf = ffi.new("unsigned char[?]", size)
        if C.EVP_DigestFinal_ex(self._ctx, buf, nil) == 1 then
            return ffi.string(buf, size)
        end
        return nil
    end

    function m.reset(self)
        return C.EVP_DigestInit_ex(self._ctx, md, nil) == 1
    end

    return m
end

function _M.to_hex(s)
    local len = #s * 2
    local buf = ffi.new("unsigned char[?]", len)
    C.ngx_hex_dump(buf, s, #s)
    return ffi.string(buf, len)
end

function _M.atoi(s)
    return tonumber(C.ngx_atoi(s, #s))
end

function _M.random_bytes(len, strong)
    local buf = ffi.new("unsigned char[?]", len)
    local ok = strong and C.RAND_bytes(buf, len) or C.RAND_pseudo_bytes(buf, len)
    if ok ~= 1 then
        return nil
    end
    return ffi.string(buf, len)
end

return _M
