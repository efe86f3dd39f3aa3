-- RequireTest: a module whose chunk fails.
error("broken on purpose")
