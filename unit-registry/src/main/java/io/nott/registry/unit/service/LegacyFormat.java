package io.nott.registry.unit.service;

import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.UnitBudget;
import io.nott.registry.unit.UnitSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's string format: {@code phase||code} or {@code phase||code||sampling}. The code may
 * itself contain {@code |} and {@code ||}; a trailing {@code ||<0-100>} is read as sampling.
 */
@ApplicationScoped
public class LegacyFormat {

    private static final Pattern TRAILING_SAMPLING = Pattern.compile("(?s)(.*)\\|\\|\\s*(\\d{1,3})\\s*");

    private final RegistryConfig config;

    public LegacyFormat(RegistryConfig config) {
        this.config = config;
    }

    public UnitSpec parse(String id, String raw) {
        int separator = raw.indexOf("||");
        if (separator < 0) {
            throw RegistryException.badRequest("legacy", "legacy unit " + id + " is not phase||code");
        }
        String phase = Phases.normalise(raw.substring(0, separator)).orElseThrow(() -> RegistryException
                .badRequest("phase", "legacy unit " + id + " has unknown phase '" + raw.substring(0, separator) + "'"));
        String code = raw.substring(separator + 2);
        int sampling = 100;
        Matcher m = TRAILING_SAMPLING.matcher(code);
        if (m.matches() && Integer.parseInt(m.group(2)) <= 100) {
            code = m.group(1);
            sampling = Integer.parseInt(m.group(2));
        }
        return new UnitSpec(id, phase, code, List.of(), sampling, null, 0, true,
                new UnitBudget(config.budget().defaultInstructions(), config.budget().defaultWallMillis()), "open");
    }
}
