package io.nott.unit.runtime.re;

import io.nott.unit.sandbox.Allocation;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The replacement string of {@code ngx.re.sub}/{@code gsub}: {@code $0}..{@code $N} and
 * {@code ${N}} insert a capture (empty when it did not take part or does not exist), {@code $$} a
 * dollar. lua-nginx-module (0.10.x, as in nginx 1.22) refuses names ({@code ${name}}: "named
 * captures not supported yet") and any other use of {@code $}.
 */
final class ReplacementTemplate {

    static final String BAD = "failed to compile the replacement template";

    /** A literal run ({@code group < 0}) or a capture reference. */
    private record Part(byte[] literal, int group) {
    }

    private final List<Part> parts;

    private ReplacementTemplate(List<Part> parts) {
        this.parts = parts;
    }

    /** Null when the template is malformed. */
    static ReplacementTemplate compile(byte[] t) {
        List<Part> parts = new ArrayList<>();
        ByteArrayOutputStream lit = new ByteArrayOutputStream();
        for (int i = 0; i < t.length; i++) {
            byte c = t[i];
            if (c != '$') {
                lit.write(c);
                continue;
            }
            if (i + 1 >= t.length) {
                return null;
            }
            byte n = t[i + 1];
            int group;
            if (n == '$') {
                lit.write('$');
                i++;
                continue;
            } else if (isDigit(n)) {
                int j = i + 1;
                while (j < t.length && isDigit(t[j])) {
                    j++;
                }
                group = parse(t, i + 1, j);
                i = j - 1;
            } else if (n == '{') {
                int j = i + 2;
                while (j < t.length && isDigit(t[j])) {
                    j++;
                }
                if (j == i + 2 || j >= t.length || t[j] != '}') {
                    return null;
                }
                group = parse(t, i + 2, j);
                i = j;
            } else {
                return null;
            }
            if (lit.size() > 0) {
                parts.add(new Part(lit.toByteArray(), -1));
                lit.reset();
            }
            parts.add(new Part(null, group));
        }
        if (lit.size() > 0) {
            parts.add(new Part(lit.toByteArray(), -1));
        }
        return new ReplacementTemplate(parts);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int parse(byte[] t, int from, int to) {
        long n = 0;
        for (int k = from; k < to; k++) {
            n = Math.min(Integer.MAX_VALUE, n * 10 + (t[k] - '0'));
        }
        return (int) n;
    }

    void expand(Allocation.Output out, RegexMatch m) {
        for (Part p : parts) {
            if (p.group < 0) {
                out.write(p.literal, 0, p.literal.length);
            } else {
                m.writeGroup(out, p.group);
            }
        }
    }
}
