package io.nott.unit.codec;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's own format: a string key {@code <id>} holding {@code phase||code} or
 * {@code phase||code||sampling}, the id listed in the set {@code coding_units}.
 *
 * <p>The phase is everything before the first {@code ||} (a phase name never contains
 * {@code |}); the sampling is a trailing {@code ||<0-100>}; everything between is code, so code
 * may contain {@code |} and {@code ||} anywhere (strings, comments). Line breaks written as a
 * literal {@code \n} from a shell are read as line breaks (see {@link ShellEscapes}). A value not in that shape is
 * rejected with a reason and nothing of it is loaded.
 */
public final class LegacyUnitFormat {

    private static final String SEP = "||";
    private static final Pattern TRAILING_SAMPLING = Pattern.compile("\\|\\|\\s*(\\d{1,3})\\s*\\z");

    private LegacyUnitFormat() {
    }

    /** Either a unit or the reason the value was refused. */
    public record Result(ComputingUnit unit, String rejection) {

        public boolean ok() {
            return unit != null;
        }

        public Optional<ComputingUnit> asOptional() {
            return Optional.ofNullable(unit);
        }
    }

    public static Result parse(String id, String value) {
        if (id == null || !io.nott.unit.validation.UnitValidator.ID.matcher(id).matches()) {
            return reject("id '" + id + "' must match [a-z0-9][a-z0-9._-]{0,63}");
        }
        if (value == null) {
            return reject("key '" + id + "' is listed in coding_units but has no string value");
        }
        int first = value.indexOf(SEP);
        if (first < 0) {
            return reject("expected 'phase||code' or 'phase||code||sampling', found no '||'");
        }
        Phase phase;
        try {
            phase = Phase.parse(value.substring(0, first));
        } catch (IllegalArgumentException e) {
            return reject(e.getMessage());
        }
        if (!phase.perRequest()) {
            // The seed's format predates them; they need the registry's validation (no hosts, no bundled names).
            return reject("unknown phase '" + value.substring(0, first) + "' for a legacy unit: init and module units"
                    + " are published through the registry");
        }
        String rest = value.substring(first + SEP.length());
        int sampling = 100;
        Matcher m = TRAILING_SAMPLING.matcher(rest);
        if (m.find()) {
            sampling = Integer.parseInt(m.group(1));
            if (sampling > 100) {
                return reject("sampling must be 0-100, got " + sampling);
            }
            rest = rest.substring(0, m.start());
        }
        if (rest.isBlank()) {
            return reject("the code part is empty");
        }
        String code = ShellEscapes.outsideLuaStrings(rest);
        ComputingUnit unit = ComputingUnit.of(id, phase, code).withSampling(sampling, null).withLegacy(true);
        return new Result(unit, null);
    }

    /** The value the seed would store for a unit (sampling appended only when below 100). */
    public static String format(ComputingUnit unit) {
        String s = unit.phase().luaName() + SEP + unit.code();
        return unit.sampling() < 100 ? s + SEP + unit.sampling() : s;
    }

    private static Result reject(String reason) {
        return new Result(null, reason);
    }
}
