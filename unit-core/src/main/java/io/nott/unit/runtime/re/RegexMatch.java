package io.nott.unit.runtime.re;

import io.nott.unit.sandbox.Allocation;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * One match: the char span of the whole match and of every Lua-visible group (-1 when a group did
 * not take part), turned into what OpenResty hands back: byte offsets and the captures table.
 */
final class RegexMatch {

    private final Subject s;
    private final int[] starts;
    private final int[] ends;
    private final Map<String, int[]> names;

    private RegexMatch(Subject s, int[] starts, int[] ends, Map<String, int[]> names) {
        this.s = s;
        this.starts = starts;
        this.ends = ends;
        this.names = names;
    }

    static RegexMatch of(Matcher m, Subject s, PcreTranslator.Translation layout) {
        int n = layout.groups();
        int[] starts = new int[n + 1];
        int[] ends = new int[n + 1];
        for (int g = 0; g <= n; g++) {
            int j = layout.javaGroup()[g];
            starts[g] = m.start(j);
            ends[g] = m.end(j);
        }
        // \K: the match starts where the last marker on the successful path was passed.
        for (int k : layout.kMarkers()) {
            if (m.start(k) >= 0 && m.start(k) > starts[0]) {
                starts[0] = Math.min(m.start(k), ends[0]);
            }
        }
        return new RegexMatch(s, starts, ends, layout.names());
    }

    static RegexMatch whole(Subject s, int start, int end) {
        return new RegexMatch(s, new int[] {start}, new int[] {end}, Map.of());
    }

    int start() {
        return starts[0];
    }

    int end() {
        return ends[0];
    }

    int groups() {
        return starts.length - 1;
    }

    boolean matched(int g) {
        return g < starts.length && starts[g] >= 0;
    }

    int startByte(int g) {
        return s.toByte(starts[g]);
    }

    int endByte(int g) {
        return s.toByte(ends[g]);
    }

    LuaValue group(int g) {
        if (!matched(g)) {
            return LuaValue.FALSE;
        }
        int from = startByte(g);
        return LuaString.valueUsing(Arrays.copyOfRange(s.bytes, s.base + from, s.base + endByte(g)));
    }

    void writeGroup(Allocation.Output out, int g) {
        if (matched(g)) {
            out.write(s.bytes, s.base + startByte(g), endByte(g) - startByte(g));
        }
    }

    /**
     * The captures table: {@code [0]} the match, {@code [n]} each group, {@code [name]} each named
     * group; {@code false} for a group that did not take part. With {@code D}, a name used more
     * than once maps to the list of the values of its groups that took part.
     */
    LuaTable fill(LuaTable t, boolean dupNames) {
        // Charged before it is filled: a virtual thread has no counter to see it (gmatch makes one per match).
        io.nott.unit.sandbox.Allocation.table(starts.length + names.size() + 2L, "ngx.re captures");
        for (int g = 0; g < starts.length; g++) {
            t.rawset(g, group(g));
        }
        for (Map.Entry<String, int[]> e : names.entrySet()) {
            int[] gs = e.getValue();
            LuaValue key = LuaValue.valueOf(e.getKey());
            if (dupNames && gs.length > 1) {
                LuaTable list = new LuaTable();
                for (int g : gs) {
                    if (matched(g)) {
                        list.insert(list.length() + 1, group(g));
                    }
                }
                t.rawset(key, list);
            } else {
                LuaValue v = LuaValue.FALSE;
                for (int g : gs) {
                    if (matched(g)) {
                        v = group(g);
                        break;
                    }
                }
                t.rawset(key, v);
            }
        }
        return t;
    }
}
