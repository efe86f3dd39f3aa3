package io.nott.unit.sandbox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * Rewrites LuaJ's runtime error messages into LuaJIT's: {@code =unit:2 attempt to index ? (a nil
 * value)} becomes {@code unit:2: attempt to index local 't' (a nil value)}, and {@code bad
 * argument: number expected, got nil} becomes {@code bad argument #2 to 'rep' (number expected,
 * got no value)}.
 *
 * <p>LuaJ hands every runtime error, once, to the thread's {@code errorfunc} while the failing
 * frame is still current; {@link BudgetHook} knows that frame and its last instruction. Names
 * come from the prototype's debug information the way Lua's {@code ldebug.c} finds them
 * (getobjname: the local's name, else the instruction that last set the register); the operands'
 * types come from the frame's registers.
 */
final class RuntimeErrors {

    /**
     * {@code =chunk:LINE message} as LuaJ's closures prefix it ({@code chunk:?} without line info);
     * every chunk we compile is named {@code =name}, so other texts are already final.
     */
    private static final Pattern POSITIONED = Pattern.compile("^=([^\\n]*?):(\\d+|\\?) (.*)$", Pattern.DOTALL);
    private static final Pattern BAD_ARG_TYPE = Pattern.compile("^bad argument: (\\w+) expected, got (\\w+)$");
    private static final Pattern BAD_ARG_N = Pattern.compile("^bad argument #(\\d+): (.*)$", Pattern.DOTALL);
    private static final Pattern NAMED_BAD_ARG = Pattern.compile("^(bad argument #\\d+ to )'[^']*'( \\(.*\\))$", Pattern.DOTALL);
    private static final Pattern COMPARE_ODD = Pattern.compile("^(attempt to compare \\w+ with \\w+) expected, got \\w+$");

    private RuntimeErrors() {
    }

    /** A name for a register: {@code local 't'}, {@code field 'foo'}... or null when unknown. */
    record Name(String kind, String name) {
        String describe() {
            return kind + " '" + name + "'";
        }
    }

    /** The LuaJIT text for an error LuaJ raised in {@code frame} at {@code pc} ({@code frame} may be null). */
    static String rewrite(String luajMessage, LuaClosure frame, int pc, LuaValue[] stack) {
        Matcher m = POSITIONED.matcher(luajMessage);
        if (!m.matches()) {
            return luajMessage;
        }
        String chunk = m.group(1);
        String line = m.group(2);
        String message = m.group(3);
        if (frame != null && stack != null && pc >= 0 && pc < frame.p.code.length) {
            String better;
            try {
                better = name(message, frame, pc, stack);
            } catch (RuntimeException e) {
                better = null; // never lose the error over its wording: LuaJ's text is kept
            }
            if (better != null) {
                message = better;
            }
        } else {
            Matcher odd = COMPARE_ODD.matcher(message);
            if (odd.matches()) {
                message = odd.group(1);
            }
        }
        return "?".equals(line) ? chunk + ": " + message : chunk + ":" + line + ": " + message;
    }

    private static String name(String message, LuaClosure frame, int pc, LuaValue[] stack) {
        Prototype p = frame.p;
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        if (message.startsWith("attempt to index") || message.startsWith("index expected")) {
            return switch (op) {
                case Lua.OP_GETTABLE, Lua.OP_SELF -> "attempt to index " + operand(p, pc, b, stack);
                case Lua.OP_SETTABLE -> "attempt to index " + operand(p, pc, a, stack);
                case Lua.OP_GETTABUP -> "attempt to index " + upvalue(frame, b);
                case Lua.OP_SETTABUP -> "attempt to index " + upvalue(frame, a);
                default -> null;
            };
        }
        if (message.startsWith("table index expected") || message.startsWith("table index is")) {
            LuaValue key = op == Lua.OP_SETTABLE ? rk(p, b, stack) : null;
            return key != null && key.isnumber() && Double.isNaN(key.todouble()) ? "table index is NaN" : "table index is nil";
        }
        if (message.startsWith("attempt to call")) {
            return switch (op) {
                case Lua.OP_CALL, Lua.OP_TAILCALL -> "attempt to call " + operand(p, pc, a, stack);
                case Lua.OP_TFORCALL -> "attempt to call a " + typeOf(stack, a) + " value";
                default -> null;
            };
        }
        if (message.startsWith("attempt to perform arithmetic")) {
            if (op == Lua.OP_UNM) {
                return "attempt to perform arithmetic on " + operand(p, pc, b, stack);
            }
            if (op >= Lua.OP_ADD && op <= Lua.OP_POW) {
                // Lua blames the first operand that is not a number (numeric strings count as numbers).
                int blame = isNumeric(rk(p, b, stack)) ? c : b;
                return "attempt to perform arithmetic on " + rkOperand(p, pc, blame, stack);
            }
            return null;
        }
        if (message.startsWith("attempt to concatenate") && op == Lua.OP_CONCAT) {
            // Pairs are joined from the right; the first pair that fails names its non-string side.
            for (int r = c - 1; r >= b; r--) {
                boolean left = isStringy(stack[r]);
                boolean right = r + 1 == c ? isStringy(stack[r + 1]) : true;
                if (!left || !right) {
                    int blame = left ? r + 1 : r;
                    return "attempt to concatenate " + operand(p, pc, blame, stack);
                }
            }
            return null;
        }
        if (message.startsWith("attempt to compare")) {
            if (op == Lua.OP_LT || op == Lua.OP_LE) {
                String t1 = typeName(rk(p, b, stack));
                String t2 = typeName(rk(p, c, stack));
                return t1.equals(t2) ? "attempt to compare two " + t1 + " values" : "attempt to compare " + t1 + " with " + t2;
            }
            Matcher odd = COMPARE_ODD.matcher(message);
            return odd.matches() ? odd.group(1) : null;
        }
        if (message.startsWith("attempt to get length") && op == Lua.OP_LEN) {
            return "attempt to get length of " + operand(p, pc, b, stack);
        }
        if (message.startsWith("bad argument") && (op == Lua.OP_CALL || op == Lua.OP_TAILCALL)) {
            return badArgument(message, p, pc, a, b, stack);
        }
        return null;
    }

    /**
     * LuaJ says which type it expected but often not which argument; LuaJIT says both and the
     * function's name. The argument is the first missing one for "got nil", else the last one of
     * the type LuaJ got (checks run left to right and stop at the first failure).
     */
    private static String badArgument(String message, Prototype p, int pc, int a, int b, LuaValue[] stack) {
        Name fn = objName(p, pc, a);
        int nargs = b > 0 ? b - 1 : Math.max(0, lastNonNil(stack, a + 1) - a);
        return badArgument(message, fn == null ? "?" : fn.name(), fn != null && fn.kind().equals("method"),
                k -> a + k < stack.length ? stack[a + k] : LuaValue.NIL, nargs);
    }

    /**
     * An error a library function raised when {@code pcall} called it directly (no Lua frame in
     * between): LuaJIT cannot name the function there either and says {@code '?'}.
     */
    static String direct(String message, org.luaj.vm2.Varargs args) {
        Matcher odd = COMPARE_ODD.matcher(message);
        if (odd.matches()) {
            return odd.group(1);
        }
        if (!message.startsWith("bad argument")) {
            return message;
        }
        Matcher named = NAMED_BAD_ARG.matcher(message);
        if (named.matches()) {
            return named.group(1) + "'?'" + named.group(2);
        }
        String better = badArgument(message, "?", false, args::arg, args.narg());
        return better == null ? message : better;
    }

    private static String badArgument(String message, String fname, boolean method,
                                      java.util.function.IntFunction<LuaValue> argAt, int nargs) {
        Matcher t = BAD_ARG_TYPE.matcher(message);
        int arg;
        String detail;
        if (t.matches()) {
            String expected = t.group(1).equals("int") || t.group(1).equals("double") ? "number" : t.group(1);
            String got = t.group(2);
            arg = -1;
            if (got.equals("nil")) {
                for (int k = 1; k <= nargs + 1; k++) {
                    if (k > nargs || argAt.apply(k).isnil()) {
                        arg = k;
                        break;
                    }
                }
            } else {
                for (int k = nargs; k >= 1; k--) {
                    LuaValue v = argAt.apply(k);
                    if (v.typename().equals(got) && !(expected.equals("number") && isNumeric(v))
                            && !(expected.equals("string") && isStringy(v))) {
                        arg = k;
                        break;
                    }
                }
            }
            if (arg < 0) {
                return null;
            }
            detail = expected + " expected, got " + (arg > nargs ? "no value" : got);
        } else {
            Matcher n = BAD_ARG_N.matcher(message);
            if (!n.matches()) {
                return null;
            }
            arg = Integer.parseInt(n.group(1));
            detail = n.group(2).equals("value") ? "value expected" : n.group(2);
        }
        if (method) {
            arg--;
            if (arg == 0) {
                return "calling '" + fname + "' on bad self (" + detail + ")";
            }
        }
        return "bad argument #" + arg + " to '" + fname + "' (" + detail + ")";
    }

    private static int lastNonNil(LuaValue[] stack, int from) {
        int last = from - 1;
        for (int r = from; r < stack.length; r++) {
            if (stack[r] != null && !stack[r].isnil()) {
                last = r;
            }
        }
        return last;
    }

    /** {@code local 't' (a nil value)} or {@code a nil value} when the register has no name. */
    private static String operand(Prototype p, int pc, int reg, LuaValue[] stack) {
        String type = typeOf(stack, reg);
        Name n = objName(p, pc, reg);
        return n == null ? "a " + type + " value" : n.describe() + " (a " + type + " value)";
    }

    private static String rkOperand(Prototype p, int pc, int rk, LuaValue[] stack) {
        if (Lua.ISK(rk)) {
            return "a " + typeName(p.k[Lua.INDEXK(rk)]) + " value";
        }
        return operand(p, pc, rk, stack);
    }

    private static String upvalue(LuaClosure frame, int index) {
        LuaValue v = index < frame.upValues.length && frame.upValues[index] != null ? frame.upValues[index].getValue() : null;
        return "upvalue '" + upvalueName(frame.p, index) + "' (a " + typeName(v) + " value)";
    }

    private static LuaValue rk(Prototype p, int rk, LuaValue[] stack) {
        if (Lua.ISK(rk)) {
            return p.k[Lua.INDEXK(rk)];
        }
        return rk < stack.length ? stack[rk] : null;
    }

    private static String typeOf(LuaValue[] stack, int reg) {
        return typeName(reg < stack.length ? stack[reg] : null);
    }

    private static String typeName(LuaValue v) {
        return v == null ? "nil" : v.typename();
    }

    private static boolean isNumeric(LuaValue v) {
        return v != null && (v.type() == LuaValue.TNUMBER || v.type() == LuaValue.TSTRING && !v.tonumber().isnil());
    }

    private static boolean isStringy(LuaValue v) {
        return v != null && (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER);
    }

    /** Lua 5.2's getobjname over LuaJ's (5.2) bytecode. */
    static Name objName(Prototype p, int lastpc, int reg) {
        LuaString local = p.getlocalname(reg + 1, lastpc);
        if (local != null) {
            return new Name("local", local.tojstring());
        }
        int pc = findSetReg(p, lastpc, reg);
        if (pc < 0) {
            return null;
        }
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        switch (op) {
            case Lua.OP_MOVE: {
                int b = Lua.GETARG_B(i);
                return b < Lua.GETARG_A(i) ? objName(p, pc, b) : null;
            }
            case Lua.OP_GETTABUP: {
                String key = constantName(p, Lua.GETARG_C(i));
                return key == null ? null
                        : new Name("_ENV".equals(upvalueName(p, Lua.GETARG_B(i))) ? "global" : "field", key);
            }
            case Lua.OP_GETTABLE: {
                String key = constantName(p, Lua.GETARG_C(i));
                LuaString t = p.getlocalname(Lua.GETARG_B(i) + 1, pc);
                return key == null ? null : new Name(t != null && t.tojstring().equals("_ENV") ? "global" : "field", key);
            }
            case Lua.OP_GETUPVAL:
                return new Name("upvalue", upvalueName(p, Lua.GETARG_B(i)));
            case Lua.OP_SELF: {
                String key = constantName(p, Lua.GETARG_C(i));
                return key == null ? null : new Name("method", key);
            }
            default:
                return null;
        }
    }

    private static String constantName(Prototype p, int rk) {
        if (Lua.ISK(rk)) {
            LuaValue k = p.k[Lua.INDEXK(rk)];
            if (k.type() == LuaValue.TSTRING) {
                return k.tojstring();
            }
        }
        return null;
    }

    private static String upvalueName(Prototype p, int index) {
        if (p.upvalues != null && index < p.upvalues.length && p.upvalues[index].name != null) {
            return p.upvalues[index].name.tojstring();
        }
        return "?";
    }

    /** The pc of the last instruction before {@code lastpc} that set {@code reg}, -1 if unsure (Lua 5.2's findsetreg). */
    private static int findSetReg(Prototype p, int lastpc, int reg) {
        int setreg = -1;
        int jmptarget = 0;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            boolean change;
            switch (op) {
                case Lua.OP_LOADNIL -> change = a <= reg && reg <= a + Lua.GETARG_B(i);
                case Lua.OP_TFORCALL -> change = reg >= a + 2;
                case Lua.OP_CALL, Lua.OP_TAILCALL -> change = reg >= a;
                case Lua.OP_JMP -> {
                    int dest = pc + 1 + Lua.GETARG_sBx(i);
                    if (pc < dest && dest <= lastpc && dest > jmptarget) {
                        jmptarget = dest;
                    }
                    change = false;
                }
                default -> change = Lua.testAMode(op) && reg == a;
            }
            if (change) {
                setreg = pc < jmptarget ? -1 : pc;
            }
        }
        return setreg;
    }
}
