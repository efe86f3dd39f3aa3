package io.nott.edge.cache;

import java.time.Duration;

/** nginx time strings: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}, or plain seconds. */
final class NginxDuration {

    private NginxDuration() {
    }

    static Duration parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            String number = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
            long value = Long.parseLong(number);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(value);
                case 'm' -> Duration.ofMinutes(value);
                case 'h' -> Duration.ofHours(value);
                case 'd' -> Duration.ofDays(value);
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new NumberFormatException();
                    }
                    yield Duration.ofSeconds(value);
                }
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 500ms, 30s, 10m, 1h, 1d");
        }
    }
}
