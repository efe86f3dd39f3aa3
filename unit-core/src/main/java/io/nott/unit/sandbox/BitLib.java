package io.nott.unit.sandbox;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaJIT's {@code bit} module (what OpenResty code uses for hashing, flags and IP masks): every
 * operation works on 32-bit integers and returns a signed result ({@code bit.tobit(0xffffffff)} is
 * -1, unlike {@code bit32}'s unsigned ones). Numbers are reduced modulo 2^32 as LuaJIT does;
 * numeric strings are accepted. Functions: {@code tobit tohex bnot band bor bxor lshift rshift
 * arshift rol ror bswap}. Costs constant time; {@code tohex} builds at most 8 characters.
 */
final class BitLib {

    private BitLib() {
    }

    static LuaTable build() {
        LuaTable bit = new LuaTable();
        for (Op op : Op.values()) {
            bit.set(op.luaName, new Fn(op));
        }
        return bit;
    }

    private enum Op {
        TOBIT("tobit"), TOHEX("tohex"), BNOT("bnot"), BAND("band"), BOR("bor"), BXOR("bxor"), LSHIFT("lshift"),
        RSHIFT("rshift"), ARSHIFT("arshift"), ROL("rol"), ROR("ror"), BSWAP("bswap");

        final String luaName;

        Op(String luaName) {
            this.luaName = luaName;
        }
    }

    /** LuaJIT's lj_num2bit: the number modulo 2^32, as a signed 32-bit integer. */
    static int tobit(Varargs args, int i) {
        LuaValue v = args.arg(i);
        LuaValue n = v.tonumber();
        if (n.isnil()) {
            throw new LuaError("bad argument #" + i + ": number expected, got " + (i > args.narg() ? "no value" : v.typename()));
        }
        double d = n.todouble();
        // Adding 2^52 + 2^51 puts the integer part in the low mantissa bits (round to nearest even, as LuaJIT).
        long bits = Double.doubleToRawLongBits(d + 6755399441055744.0);
        return (int) bits;
    }

    private static final class Fn extends VarArgFunction {
        private final Op op;

        Fn(Op op) {
            this.op = op;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int x = tobit(args, 1);
            return switch (op) {
                case TOBIT -> valueOf(x);
                case BNOT -> valueOf(~x);
                case BSWAP -> valueOf(Integer.reverseBytes(x));
                case BAND, BOR, BXOR -> {
                    int r = x;
                    for (int i = 2; i <= args.narg(); i++) {
                        int y = tobit(args, i);
                        r = op == Op.BAND ? r & y : op == Op.BOR ? r | y : r ^ y;
                    }
                    yield valueOf(r);
                }
                case LSHIFT -> valueOf(x << (tobit(args, 2) & 31));
                case RSHIFT -> valueOf(x >>> (tobit(args, 2) & 31));
                case ARSHIFT -> valueOf(x >> (tobit(args, 2) & 31));
                case ROL -> valueOf(Integer.rotateLeft(x, tobit(args, 2) & 31));
                case ROR -> valueOf(Integer.rotateRight(x, tobit(args, 2) & 31));
                case TOHEX -> valueOf(tohex(x, args.isnoneornil(2) ? 8 : tobit(args, 2)));
            };
        }

        /** The unsigned 32-bit value in |n| hex digits (zero-padded, or its last |n| digits); upper case for n < 0. */
        private static String tohex(int x, int n) {
            boolean upper = n < 0;
            // LuaJIT pads as far as asked; 64 digits bounds what one call builds.
            int digits = (int) Math.min(Math.abs((long) n), 64);
            String hex = Integer.toHexString(x);
            if (upper) {
                hex = hex.toUpperCase(java.util.Locale.ROOT);
            }
            if (hex.length() >= digits) {
                return hex.substring(hex.length() - digits);
            }
            return "0".repeat(digits - hex.length()) + hex;
        }
    }
}
