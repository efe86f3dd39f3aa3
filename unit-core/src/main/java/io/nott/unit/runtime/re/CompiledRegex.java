package io.nott.unit.runtime.re;

import io.nott.unit.sandbox.Allocation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regex compiled for one option set, with the group layout the Lua side sees. Compiled regexes
 * are cached per thread (as OpenResty's {@code o} option caches per worker): a unit that builds
 * regexes from request data cannot grow the cache past {@link #CACHE_SIZE}.
 */
final class CompiledRegex {

    static final int CACHE_SIZE = 256;
    /**
     * Longer regexes are compiled on every call, not cached: the cache outlives the calls that
     * filled it, so what it holds is charged to none of them (256 regexes of megabytes each
     * would hold gigabytes per thread). Real regexes are far shorter.
     */
    static final int MAX_CACHED_BYTES = 1024;
    /** Longest regex Java may compile as one literal with its quadratic search table (~1 ms). */
    static final int LITERAL_TABLE_MAX = 256;
    /** What a compiled regex holds per char of its translation, about (Java's nodes). */
    static final int COMPILED_BYTES_PER_BYTE = 64;
    /**
     * What translating a regex holds per byte of it, at most: a StringBuilder of UTF-16 chars
     * that doubles as it grows, a few chars a byte ({@code (} becomes {@code (?<g12>}).
     */
    static final int TRANSLATED_BYTES_PER_BYTE = 16;
    /**
     * lua-resty-core hands {@code ngx_http_lua_ffi_compile_regex} a 128-byte buffer for the
     * error: a compile error is cut to its first 127 bytes (the regex it quotes with it).
     */
    static final int MAX_ERROR_BYTES = 127;
    /**
     * The edge's own refusals (recursion and the like, which PCRE would run) are not cut there:
     * they name the construct; bounded all the same, never the size of a regex of megabytes.
     */
    static final int MAX_EDGE_ERROR_BYTES = 1024;

    private static final ThreadLocal<Map<String, Object>> CACHE = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Object> e) {
                    return size() > CACHE_SIZE;
                }
            });

    final ReOptions options;
    final Pattern pattern;
    final PcreTranslator.Translation layout;

    private CompiledRegex(ReOptions options, Pattern pattern, PcreTranslator.Translation layout) {
        this.options = options;
        this.pattern = pattern;
        this.layout = layout;
    }

    /**
     * Compiles {@code regex} (Lua bytes) or returns the cached result; a regex PCRE would refuse
     * comes back as lua-nginx-module's error text ({@code pcre_compile() failed: ...}).
     */
    static Object compile(byte[] regex, String flags, ReOptions options) {
        if (regex.length > MAX_CACHED_BYTES) {
            return charged(regex, options);
        }
        String key = flags + "\0" + new String(regex, StandardCharsets.ISO_8859_1);
        Map<String, Object> cache = CACHE.get();
        Object hit = cache.get(key);
        if (hit == null) {
            hit = charged(regex, options);
            cache.put(key, hit);
        }
        return hit;
    }

    /**
     * A regex can be built at run time ({@code string.rep}) up to the string limit. PCRE refuses
     * one whose compiled form would pass 64 KiB ({@link PcreSize}), as it refuses bad syntax: that
     * takes one pass over it, charged as work, whose output is bounded
     * ({@link PcreTranslator#translateBounded}), so a regex of megabytes gets PCRE's answer, not a
     * budget error. What PCRE accepts is translated in full and compiled, work and memory in
     * proportion to its translation, charged before each.
     */
    private static Object charged(byte[] regex, ReOptions options) {
        Allocation.work(Allocation.Work.ENCODE, regex.length);
        Allocation.memory(Math.min(TRANSLATED_BYTES_PER_BYTE * (long) regex.length,
                TRANSLATED_BYTES_PER_BYTE * (long) PcreTranslator.MAX_OUTPUT), "ngx.re (reading a regex)");
        String src = new String(regex, options.utf8() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        PcreTranslator.Translation t;
        try {
            t = PcreTranslator.translateBounded(src, options);
            if (t == null) {
                // Within PCRE's limit, yet a long translation (comments, a class of megabytes).
                Allocation.memory(TRANSLATED_BYTES_PER_BYTE * (long) regex.length, "ngx.re (translating a regex)");
                t = PcreTranslator.translate(src, options);
            }
        } catch (RegexSyntaxException e) {
            return compileError(regex, src, e.getMessage(), e.offset(), e.pcre() ? MAX_ERROR_BYTES : MAX_EDGE_ERROR_BYTES);
        }
        String java = linear(t.javaRegex(), options.javaFlags());
        Allocation.memory(COMPILED_BYTES_PER_BYTE * (long) java.length(), "ngx.re (compiling a regex)");
        Allocation.work(Allocation.Work.COMPILE, java.length());
        try {
            return new CompiledRegex(options, Pattern.compile(java, options.javaFlags()), t);
        } catch (PatternSyntaxException e) {
            return compileError(regex, src, e.getDescription(), src.length(), MAX_ERROR_BYTES);
        }
    }

    /**
     * Java compiles a regex that is one literal into a Boyer-Moore search whose table takes time
     * quadratic in its length (a 16 KiB run of one letter: 145 ms; 64 KiB: seconds, in one
     * uncharged call). Inside a group it is a plain literal, matched linearly: same matches, no
     * capture added. A newline closes a comment in {@code x} mode and is ignored there.
     */
    static String linear(String javaRegex, int flags) {
        if (javaRegex.length() <= LITERAL_TABLE_MAX) {
            return javaRegex;
        }
        return "(?:" + javaRegex + ((flags & Pattern.COMMENTS) != 0 ? "\n)" : ")");
    }

    /** As lua-nginx-module words it: {@code pcre_compile() failed: MSG in "RE" at "REST"}. */
    static String compileError(byte[] regex, String src, String message, int offset) {
        return compileError(regex, src, message, offset, Integer.MAX_VALUE);
    }

    /**
     * As {@link #compileError(byte[], String, String, int)}, cut to {@code max} bytes (as
     * lua-resty-core's error buffer cuts it), without building the rest for a regex of megabytes.
     */
    static String compileError(byte[] regex, String src, String message, int offset, int max) {
        String head = "pcre_compile() failed: " + message + " in \"";
        if (head.length() + (long) regex.length >= max) {
            int shown = Math.max(0, Math.min(regex.length, max - head.length()));
            String cut = head + new String(regex, 0, shown, StandardCharsets.ISO_8859_1);
            return cut.length() <= max ? cut : cut.substring(0, max);
        }
        String whole = fullError(regex, src, message, offset);
        return whole.length() <= max ? whole : whole.substring(0, max);
    }

    private static String fullError(byte[] regex, String src, String message, int offset) {
        String raw = new String(regex, StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder("pcre_compile() failed: ").append(message).append(" in \"").append(raw).append('"');
        if (offset < src.length()) {
            int byteOffset = src.substring(0, offset).getBytes(
                    raw.equals(src) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8).length;
            sb.append(" at \"").append(raw.substring(Math.min(byteOffset, raw.length()))).append('"');
        }
        return sb.toString();
    }

    /** A matcher over {@code s} that sees the text around its search region (look-behind, \b). */
    Matcher matcher(Subject s) {
        Matcher m = pattern.matcher(s.budgeted());
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        return m;
    }

    /** The first match starting at or after char index {@code from}, or null. */
    RegexMatch search(Matcher m, Subject s, int from) {
        m.region(from, s.length());
        boolean found = options.anchored() ? m.lookingAt() : m.find();
        if (!found) {
            return null;
        }
        if (options.longest()) {
            return longest(m, s);
        }
        return RegexMatch.of(m, s, layout);
    }

    /**
     * DFA mode ({@code d}): the longest match at the leftmost start, without captures, as PCRE's
     * DFA matcher reports it.
     */
    private RegexMatch longest(Matcher m, Subject s) {
        int start = m.start();
        int end = m.end();
        for (int e = s.length(); e > end; e--) {
            m.region(start, e);
            if (m.matches()) {
                end = e;
                break;
            }
        }
        return RegexMatch.whole(s, start, end);
    }
}
