-- For the reference nginx only: see conformance_ref/openssl.lua.
local openssl = require "conformance_ref.openssl"
return { _VERSION = "0.15", bytes = openssl.random_bytes }
