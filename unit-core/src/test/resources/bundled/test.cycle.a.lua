-- RequireTest: a requires b requires a.
return { b = require "test.cycle.b" }
