package io.nott.unit.sandbox;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Number to string as LuaJIT does it ({@code "%.14g"}): LuaJ prints {@code 1700000000.5} as
 * {@code 1.7000000005E9}; nginx-era code expects {@code 1700000000.5}.
 */
public final class LuaNumbers {

    private static final MathContext DIGITS_14 = new MathContext(14, RoundingMode.HALF_EVEN);

    private LuaNumbers() {
    }

    /** {@code tostring(n)} as LuaJIT prints it. */
    public static String format(double d) {
        if (Double.isNaN(d)) {
            return "nan"; // LuaJIT 2.1 (Debian's libluajit2) prints every NaN so, whatever its sign bit
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d) < 0 ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e14) {
            return Long.toString((long) d);
        }
        BigDecimal bd = new BigDecimal(d).round(DIGITS_14);
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 14) {
            BigDecimal mantissa = bd.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            String sign = exponent < 0 ? "-" : "+";
            int abs = Math.abs(exponent);
            return m + "e" + sign + (abs < 10 ? "0" + abs : Integer.toString(abs));
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /** C's {@code "%.<precision>g"} (lua-cjson's number format); nan and inf as glibc prints them. */
    public static String formatG(double d, int precision) {
        return LuaFormat.general("", Integer.toString(precision), d, false);
    }

    /** The LuaJIT text of a value that is a number; strings and others unchanged. */
    public static LuaValue normalize(LuaValue v) {
        if (v instanceof LuaDouble) {
            return LuaString.valueOf(format(v.todouble()));
        }
        return v;
    }

    /** Text of a string or number value, LuaJIT style. */
    public static String text(LuaValue v) {
        if (v instanceof LuaInteger) {
            return Integer.toString(v.toint());
        }
        if (v instanceof LuaDouble) {
            return format(v.todouble());
        }
        return v.tojstring();
    }
}
