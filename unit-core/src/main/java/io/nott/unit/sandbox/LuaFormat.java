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
        byte[] fb = fmt.m_bytes;
        int f0 = fmt.m_offset;
        int n = fmt.m_length;
        // The result is written once, into a checked buffer: every piece is refused before it is
        // copied when it would pass the string limit, and the buffer's growth is charged (memory,
        // and the copy) before it happens. It was built in a StringBuilder, then copied to a
        // String and again to bytes, charged once.
        Allocation.Output out = Allocation.output("string.format", n + 16L);
        int arg = 1;
        for (int i = 0; i < n; i++) {
            int literal = i;
            while (i < n && fb[f0 + i] != '%') {
                i++;
            }
            if (i > literal) {
                out.write(fb, f0 + literal, i - literal);
            }
            if (i >= n) {
                break;
            }
            if (++i >= n) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (fb[f0 + i] == '%') {
                out.write('%');
                continue;
            }
            int start = i;
            while (i < n && "-+ #0".indexOf(fb[f0 + i]) >= 0) {
                i++;
            }
            String flags = latin1(fb, f0 + start, i - start);
            int w0 = i;
            while (i < n && Character.isDigit(fb[f0 + i])) {
                i++;
            }
            String width = latin1(fb, f0 + w0, i - w0);
            String precision = null;
            if (i < n && fb[f0 + i] == '.') {
                int p0 = ++i;
                while (i < n && Character.isDigit(fb[f0 + i])) {
                    i++;
                }
                precision = latin1(fb, f0 + p0, i - p0);
            }
            if (width.length() > 2 || (precision != null && precision.length() > 2) || flags.length() > 5) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= n) {
                throw new LuaError("invalid conversion '%" + latin1(fb, f0 + start, n - start) + "' to 'format'");
            }
            char conv = (char) (fb[f0 + i] & 0xff);
            arg++;
            if (conv != 'q' && conv != 's' && arg > args.narg()) {
                throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got no value)");
            }
            LuaValue v = args.arg(arg);
            String spec = "%" + flags + width + (precision != null ? "." + (precision.isEmpty() ? "0" : precision) : "");
            try {
                switch (conv) {
                    case 'd', 'i' -> out.writeLatin1(String.format(Locale.ROOT, spec + "d", integer(v, arg)));
                    case 'u' -> out.writeLatin1(String.format(Locale.ROOT, spec + "d", integer(v, arg)));
                    case 'c' -> out.write((int) (integer(v, arg) & 0xff));
                    case 'o', 'x', 'X' -> out.writeLatin1(String.format(Locale.ROOT, spec + conv, integer(v, arg)));
                    case 'e', 'E', 'f', 'F' -> out.writeLatin1(floating(spec, conv == 'F' ? 'f' : conv, number(v, arg)));
                    case 'g', 'G' -> out.writeLatin1(pad(flags, width, general(flags, precision, number(v, arg), conv == 'G')));
                    case 'a', 'A' -> out.writeLatin1(String.format(Locale.ROOT, spec + conv, number(v, arg)));
                    case 's' -> {
                        LuaString s = text(args.checkvalue(arg));
                        int len = precision == null ? s.m_length
                                : Math.min(s.m_length, precision.isEmpty() ? 0 : Integer.parseInt(precision));
                        int fill = width.isEmpty() ? 0 : Math.max(0, Integer.parseInt(width) - len);
                        out.reserve((long) len + fill);
                        boolean left = flags.contains("-");
                        for (int k = 0; !left && k < fill; k++) {
                            out.write(' ');
                        }
                        out.write(s.m_bytes, s.m_offset, len);
                        for (int k = 0; left && k < fill; k++) {
                            out.write(' ');
                        }
                    }
                    case 'q' -> {
                        LuaValue quoted = args.checkvalue(arg);
                        if (quoted instanceof LuaString raw) {
                            // Measuring the quoted length reads every byte: charged before it runs
                            // (9 MB of quotes measured uncharged ran 5 s past a 250 ms budget at load 28).
                            Allocation.work(Allocation.Work.ENCODE, raw.m_length);
                        }
                        LuaString s = text(quoted);
                        out.reserve(quotedLength(s));
                        quote(out, s);
                    }
                    default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
                }
            } catch (IllegalFormatException e) {
                throw new LuaError("invalid format '" + spec + conv + "' to 'format'");
            }
        }
        return out.toLuaString();
    }

    private static String latin1(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** What %q makes of {@code s}: two bytes for each escaped char, quotes around. */
    private static long quotedLength(LuaString s) {
        long n = 2 + s.m_length;
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i];
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == 0) {
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

    /** The bytes %s/%q format: a string as it is (no copy), a number as LuaJIT prints it, else tostring. */
    private static LuaString text(LuaValue v) {
        if (v instanceof LuaString s) {
            return s;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(LuaNumbers.text(v).getBytes(StandardCharsets.ISO_8859_1));
        }
        LuaValue h = v.metatag(LuaValue.TOSTRING);
        if (!h.isnil()) {
            return text(h.call(v).checkstring());
        }
        return LuaString.valueOf(v.tojstring().getBytes(StandardCharsets.ISO_8859_1));
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

    private static void quote(Allocation.Output out, LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            if ((i & 0xffff) == 0xffff) {
                Allocation.checkDeadline(); // as in quotedLength
            }
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"' -> out.write('\\').write('"');
                case '\\' -> out.write('\\').write('\\');
                case '\n' -> out.write('\\').write('\n');
                case '\r' -> out.write('\\').write('r');
                case 0 -> out.write('\\').write('0');
                default -> out.write(c);
            }
        }
        out.write('"');
    }
}
