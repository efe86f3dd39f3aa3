package io.nott.unit.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.IllegalFormatException;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code string.format} with C's semantics, as LuaJIT has it. LuaJ 3.0.1 ignores the precision of
 * {@code %f} ({@code ("%.3f"):format(2.5)} gives {@code 2.5}, LuaJIT {@code 2.500}) and prints
 * {@code %f} of 1/3 with 16 digits; code written for nginx expects C's output.
 */
final class LuaFormat extends VarArgFunction {

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = args.checkstring(1);
        String f = new String(fmt.m_bytes, fmt.m_offset, fmt.m_length, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(f.length() + 16);
        int max = Allocation.maxStringBytes();
        int arg = 1;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= f.length()) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (f.charAt(i) == '%') {
                out.append('%');
                continue;
            }
            int start = i;
            while (i < f.length() && "-+ #0".indexOf(f.charAt(i)) >= 0) {
                i++;
            }
            String flags = f.substring(start, i);
            int w0 = i;
            while (i < f.length() && Character.isDigit(f.charAt(i))) {
                i++;
            }
            String width = f.substring(w0, i);
            String precision = null;
            if (i < f.length() && f.charAt(i) == '.') {
                int p0 = ++i;
                while (i < f.length() && Character.isDigit(f.charAt(i))) {
                    i++;
                }
                precision = f.substring(p0, i);
            }
            if (width.length() > 2 || (precision != null && precision.length() > 2) || flags.length() > 5) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= f.length()) {
                throw new LuaError("invalid conversion '%" + f.substring(start) + "' to 'format'");
            }
            char conv = f.charAt(i);
            arg++;
            if (conv != 'q' && conv != 's' && arg > args.narg()) {
                throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got no value)");
            }
            LuaValue v = args.arg(arg);
            String spec = "%" + flags + width + (precision != null ? "." + (precision.isEmpty() ? "0" : precision) : "");
            try {
                switch (conv) {
                    case 'd', 'i' -> out.append(String.format(Locale.ROOT, spec + "d", integer(v, arg)));
                    case 'u' -> out.append(String.format(Locale.ROOT, spec + "d", integer(v, arg)));
                    case 'c' -> out.append((char) (integer(v, arg) & 0xff));
                    case 'o', 'x', 'X' -> out.append(String.format(Locale.ROOT, spec + conv, integer(v, arg)));
                    case 'e', 'E', 'f', 'F' -> out.append(floating(spec, conv == 'F' ? 'f' : conv, number(v, arg)));
                    case 'g', 'G' -> out.append(pad(flags, width, general(flags, precision, number(v, arg), conv == 'G')));
                    case 'a', 'A' -> out.append(String.format(Locale.ROOT, spec + conv, number(v, arg)));
                    case 's' -> {
                        String s = text(args.checkvalue(arg));
                        if (precision != null) {
                            s = s.substring(0, Math.min(s.length(), precision.isEmpty() ? 0 : Integer.parseInt(precision)));
                        }
                        room(out, s.length() + 100L, max);
                        out.append(pad(flags, width, s));
                    }
                    case 'q' -> {
                        LuaValue quoted = args.checkvalue(arg);
                        if (quoted instanceof LuaString raw) {
                            // Measuring the quoted length reads every byte: charged before it runs
                            // (9 MB of quotes measured uncharged ran 5 s past a 250 ms budget at load 28).
                            Allocation.work(Allocation.Work.ENCODE, raw.m_length);
                        }
                        String s = text(quoted);
                        room(out, quotedLength(s), max);
                        quote(out, s);
                    }
                    default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
                }
            } catch (IllegalFormatException e) {
                throw new LuaError("invalid format '" + spec + conv + "' to 'format'");
            }
        }
        Allocation.string(out.length(), "string.format");
        Allocation.work(Allocation.Work.COPY, out.length());
        return LuaString.valueUsing(out.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Refuses a piece that would take the result past the string limit, and charges copying it,
     * before it is built: a format of several megabyte-sized pieces is stopped at the piece that
     * does not fit the budget, not after the whole result was built.
     */
    private static void room(StringBuilder out, long piece, int max) {
        if (out.length() + piece > max) {
            Allocation.string(out.length() + piece, "string.format");
        }
        Allocation.work(Allocation.Work.COPY, piece);
    }

    /** What %q makes of {@code s}: two bytes for each escaped char, quotes around. */
    private static long quotedLength(String s) {
        long n = 2 + s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\0') {
                n++;
            }
            if ((i & 0xffff) == 0xffff) {
                // Charged at the warm pace; a first, interpreted call is many times slower.
                Allocation.checkDeadline();
            }
        }
        return n;
    }

    private static long integer(LuaValue v, int arg) {
        if (!v.isnumber()) {
            throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got " + v.typename() + ")");
        }
        return (long) v.todouble();
    }

    private static double number(LuaValue v, int arg) {
        if (!v.isnumber()) {
            throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got " + v.typename() + ")");
        }
        return v.todouble();
    }

    private static String text(LuaValue v) {
        if (v instanceof LuaString s) {
            return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.text(v);
        }
        LuaValue h = v.metatag(LuaValue.TOSTRING);
        if (!h.isnil()) {
            return text(h.call(v).checkstring());
        }
        return v.tojstring();
    }

    private static String floating(String spec, char conv, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        // Exact binary value, rounded as C does: 1.005 is 1.00499999... and prints 1.00 with %.2f.
        return String.format(Locale.ROOT, spec + conv, new java.math.BigDecimal(d));
    }

    /** C's %g: %e or %f with P significant digits, trailing zeros removed unless '#'. */
    static String general(String flags, String precision, double d, boolean upper) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        int p = precision == null ? 6 : precision.isEmpty() ? 0 : Integer.parseInt(precision);
        if (p == 0) {
            p = 1;
        }
        String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
        double a = Math.abs(d);
        String e = String.format(Locale.ROOT, "%." + (p - 1) + "e", new java.math.BigDecimal(a));
        int x = Integer.parseInt(e.substring(e.indexOf('e') + 1));
        String body;
        if (p > x && x >= -4) {
            body = String.format(Locale.ROOT, "%." + (p - 1 - x) + "f", new java.math.BigDecimal(a));
            if (!flags.contains("#")) {
                body = stripZeros(body);
            }
        } else {
            String mant = e.substring(0, e.indexOf('e'));
            if (!flags.contains("#")) {
                mant = stripZeros(mant);
            }
            String exp = e.substring(e.indexOf('e') + 1);
            body = mant + "e" + exp;
        }
        String s = sign + body;
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String pad(String flags, String width, String s) {
        if (width.isEmpty()) {
            return s;
        }
        int w = Integer.parseInt(width);
        if (s.length() >= w) {
            return s;
        }
        String fill = " ".repeat(w - s.length());
        return flags.contains("-") ? s + fill : fill + s;
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            if ((i & 0xffff) == 0xffff) {
                Allocation.checkDeadline(); // as in quotedLength
            }
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        out.append('"');
    }
}
