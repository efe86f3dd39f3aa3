return { a = require "test.cycle.a" }
