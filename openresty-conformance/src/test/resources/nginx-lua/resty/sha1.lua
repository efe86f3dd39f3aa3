-- For the reference nginx only: see conformance_ref/openssl.lua.
return require("conformance_ref.openssl").digest("SHA1", 20)
