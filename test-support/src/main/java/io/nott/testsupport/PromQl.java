package io.nott.testsupport;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: what a dashboard panel or an alert depends on,
 * so a test can hold them against a live {@code /q/metrics}. Not a parser: label matchers,
 * strings, range selectors, grouping clauses and Grafana's {@code $variables} are blanked out
 * first, and what is left that looks like a name and is not a function, keyword or aggregation
 * is a metric name. Good enough for the expressions we write; {@code PromQlTest} holds it to that.
 */
public final class PromQl {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

    private PromQl() {
    }

    /** Metric names the expression reads, sorted; empty for an expression of numbers only. */
    public static Set<String> metricNames(String expression) {
        String text = STRINGS.matcher(expression).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGES.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        text = VARIABLES.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String name = m.group();
            boolean function = text.substring(m.end()).stripLeading().startsWith("(");
            boolean partOfNumber = m.start() > 0 && (Character.isDigit(text.charAt(m.start() - 1))
                    || text.charAt(m.start() - 1) == '.');
            if (!function && !partOfNumber && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The metric names a Prometheus text exposition ({@code /q/metrics}) carries: every sample's
     * name, so a histogram gives {@code _bucket}, {@code _count} and {@code _sum}.
     */
    public static Set<String> exposedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = NAME.matcher(line);
            if (m.lookingAt()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
