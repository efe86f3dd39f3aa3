package io.nott.unit.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A shared dict declaration, as nginx's {@code lua_shared_dict <name> <size>}: a name Lua reaches
 * as {@code ngx.shared.<name>} and the memory it may use, in bytes.
 */
public record SharedDictSpec(String name, long sizeBytes) {

    /** A Lua identifier (so {@code ngx.shared.name} works), at most 64 characters. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** nginx refuses sizes up to 8191 bytes ("invalid lua shared dict size"). */
    public static final long MIN_BYTES = 8192;
    /** One dict may not claim more than 1 GiB of the node's heap. */
    public static final long MAX_BYTES = 1L << 30;

    public SharedDictSpec {
        String problem = problem(name, sizeBytes);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** What is wrong with this declaration, or null. */
    public static String problem(String name, long sizeBytes) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "shared dict name must match " + NAME.pattern() + " (a Lua identifier), got "
                    + (name == null ? "nothing" : "'" + name + "'");
        }
        if (sizeBytes < MIN_BYTES || sizeBytes > MAX_BYTES) {
            return "shared dict size must be between 8k and 1g (as lua_shared_dict: 8192 bytes at least), got "
                    + sizeBytes + " bytes";
        }
        return null;
    }

    /**
     * Parses nginx's size syntax: a number of bytes with an optional {@code k}/{@code m}/{@code g}
     * suffix (either case), e.g. {@code 10m}.
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static long parseSize(String text) {
        if (text == null || !text.strip().matches("(?i)[0-9]{1,10}[kmg]?")) {
            throw new IllegalArgumentException("size must be a number of bytes with an optional k, m or g suffix"
                    + " (as lua_shared_dict: 10m), got " + (text == null ? "nothing" : "'" + text + "'"));
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        char last = t.charAt(t.length() - 1);
        long unit = switch (last) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    /** The size as nginx would write it: {@code 10m}, {@code 512k}, or bytes. */
    public String sizeText() {
        return format(sizeBytes);
    }

    public static String format(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "g";
        }
        if (bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "m";
        }
        if (bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "k";
        }
        return Long.toString(bytes);
    }
}
