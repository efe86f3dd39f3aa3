#!/usr/bin/env python3
"""Asks the LuaJIT that OpenResty uses (Debian's libluajit2, libluajit-5.1.so.2) what it answers.

No luajit binary is needed: the shared library is loaded with ctypes. Used to write the expected
messages in unit-core's tests (LuaJIT's wording for compile and runtime errors).

  python3 tools/luajit-oracle.py 'local t; return t.x'      # one chunk named "=unit"
  python3 tools/luajit-oracle.py --eval < expressions.txt   # expression<TAB>tostring(value)
  python3 tools/luajit-oracle.py --table < sources.txt      # one source a line ("\\n" = newline):
                                                            # source<TAB>line<TAB>message (0 and empty: ran fine)
"""
import ctypes
import sys

L = ctypes.CDLL("libluajit-5.1.so.2")
L.luaL_newstate.restype = ctypes.c_void_p
L.luaL_openlibs.argtypes = [ctypes.c_void_p]
L.luaL_loadbuffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
L.lua_pcall.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
L.lua_tolstring.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
L.lua_tolstring.restype = ctypes.c_char_p
L.lua_close.argtypes = [ctypes.c_void_p]


def run(code, name=b"=unit"):
    """None when the chunk compiles and runs, else 'COMPILE: msg' or 'RUNTIME: msg'."""
    s = L.luaL_newstate()
    L.luaL_openlibs(s)
    try:
        b = code.encode()
        if L.luaL_loadbuffer(s, b, len(b), name) != 0:
            return "COMPILE: " + L.lua_tolstring(s, -1, None).decode(errors="replace")
        if L.lua_pcall(s, 0, 0, 0) != 0:
            m = L.lua_tolstring(s, -1, None)
            return "RUNTIME: " + (m.decode(errors="replace") if m else "(error object is not a string)")
        return None
    finally:
        L.lua_close(s)


def evaluate(expr):
    """tostring((EXPR)) as LuaJIT computes it, or 'ERROR: msg'."""
    s = L.luaL_newstate()
    L.luaL_openlibs(s)
    try:
        b = ("return tostring((" + expr + "))").encode()
        if L.luaL_loadbuffer(s, b, len(b), b"=unit") != 0 or L.lua_pcall(s, 0, 1, 0) != 0:
            m = L.lua_tolstring(s, -1, None)
            return "ERROR: " + (m.decode(errors="replace") if m else "?")
        return L.lua_tolstring(s, -1, None).decode(errors="replace")
    finally:
        L.lua_close(s)


def table(lines):
    for src in lines:
        r = run(src.replace("\\n", "\n")) or ""
        line, msg = "0", ""
        for prefix in ("COMPILE: unit:", "RUNTIME: unit:"):
            if r.startswith(prefix):
                line, msg = r[len(prefix):].split(": ", 1)
        if r and not msg:
            msg = r.split(": ", 1)[1]
        print(src + "\t" + line + "\t" + msg.replace("\t", "\\t").replace("\n", "\\n"), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--eval":
        # one Lua expression a line -> expression<TAB>tostring(value) (or ERROR: message)
        for e in [l for l in sys.stdin.read().split("\n") if l]:
            print(e + "\t" + evaluate(e).replace("\t", "\\t").replace("\n", "\\n"), flush=True)
    elif len(sys.argv) > 1 and sys.argv[1] == "--table":
        table([l for l in sys.stdin.read().split("\n") if l])
    else:
        print(run(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()) or "ok", flush=True)
