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
    /** What a compiled regex holds per byte of its source, about (the translation, Java's nodes). */
    static final int COMPILED_BYTES_PER_BYTE = 64;

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
     * A regex can be built at run time ({@code string.rep}) up to the string limit: translating
     * and compiling it is work and memory in proportion to its length, charged before it.
     */
    private static Object charged(byte[] regex, ReOptions options) {
        Allocation.memory(COMPILED_BYTES_PER_BYTE * (long) regex.length, "ngx.re (compiling a regex)");
        Allocation.work(Allocation.Work.COMPILE, regex.length);
        return doCompile(regex, options);
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

    private static Object doCompile(byte[] regex, ReOptions options) {
        String src = new String(regex, options.utf8() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        try {
            PcreTranslator.Translation t = PcreTranslator.translate(src, options);
            return new CompiledRegex(options, Pattern.compile(linear(t.javaRegex(), options.javaFlags()),
                    options.javaFlags()), t);
        } catch (RegexSyntaxException e) {
            return compileError(regex, src, e.getMessage(), e.offset());
        } catch (PatternSyntaxException e) {
            return compileError(regex, src, e.getDescription(), src.length());
        }
    }

    /** As lua-nginx-module words it: {@code pcre_compile() failed: MSG in "RE" at "REST"}. */
    static String compileError(byte[] regex, String src, String message, int offset) {
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
