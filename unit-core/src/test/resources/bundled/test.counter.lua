-- A bundled-module fixture for RequireTest: module-level state, as OpenResty modules keep it.
local _M = { loads = 0 }
_M.loads = _M.loads + 1
local n = 0
function _M.next() n = n + 1 return n end
return _M
