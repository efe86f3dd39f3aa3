package io.nott.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one service module of this repository really serves and reads, taken from its sources
 * so that the chart's tests fail when a service changes: its application.properties, the keys
 * of its {@code @ConfigMapping} interfaces (with their {@code @WithDefault}s) and its pom's
 * dependencies.
 */
final class ServiceModule {

    /** The platform's services: chart component to module directory. */
    static final Map<String, String> SERVICES = Map.of(
            "edge", "edge-node", "registry", "unit-registry", "ingest", "ingest", "player", "player-app");

    private static final Pattern MAPPING = Pattern.compile(
            "@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"[^)]*\\)[^{;]*?interface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@[\\w.]+(?:\\s*\\([^)]*\\))?\\s*)*)([\\w.]+(?:\\s*<[^;(){}]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]*)\"");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\s*\\(\\s*\"([^\"]*)\"");

    private final String module;
    private final Path dir;
    private final Map<String, String> properties;
    /** Config key pattern (segments, "*" for a map key, "[*]" for a list index) to default, or "" */
    private final Map<String, String> mappingKeys = new LinkedHashMap<>();
    private final String pom;

    private ServiceModule(String module, Path dir) {
        this.module = module;
        this.dir = dir;
        this.properties = loadProperties(dir.resolve("src/main/resources/application.properties"));
        try {
            this.pom = Files.readString(dir.resolve("pom.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("pom.xml"), e);
        }
        readConfigMappings();
    }

    static ServiceModule of(String component) {
        String module = SERVICES.get(component);
        if (module == null) {
            throw new IllegalArgumentException("no service module for chart component " + component);
        }
        return new ServiceModule(module, Charts.REPO_ROOT.resolve(module));
    }

    String module() {
        return module;
    }

    /** A key's value in application.properties (default profile, else %prod), else its @WithDefault. */
    Optional<String> value(String key) {
        if (properties.containsKey(key)) {
            return Optional.of(properties.get(key));
        }
        if (properties.containsKey("%prod." + key)) {
            return Optional.of(properties.get("%prod." + key));
        }
        return Optional.ofNullable(mappingKeys.get(key)).filter(v -> !v.isEmpty());
    }

    int intValue(String key) {
        return Integer.parseInt(value(key).orElseThrow(() -> new AssertionError(
                module + " sets no " + key + " in application.properties nor as a @WithDefault")));
    }

    /** The port Quarkus serves HTTP (and health, metrics) on in production. */
    int httpPort() {
        return value("quarkus.http.port").map(Integer::parseInt).orElse(8080);
    }

    /** Where SmallRye Health and Micrometer answer, after any root-path settings. */
    String healthPath(String check) {
        String root = value("quarkus.http.non-application-root-path").orElse("q");
        String health = value("quarkus.smallrye-health.root-path").orElse("health");
        return join(join("/", root), join(health, check));
    }

    String metricsPath() {
        return value("quarkus.micrometer.export.prometheus.path")
                .orElse(join(join("/", value("quarkus.http.non-application-root-path").orElse("q")), "metrics"));
    }

    boolean dependsOn(String artifactId) {
        return pom.contains("<artifactId>" + artifactId + "</artifactId>");
    }

    /** Every configuration key this service declares: application.properties and @ConfigMapping. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        properties.keySet().forEach(k -> keys.add(k.startsWith("%") ? k.substring(k.indexOf('.') + 1) : k));
        keys.addAll(mappingKeys.keySet());
        return keys;
    }

    /**
     * Whether Quarkus maps this environment variable onto a key the service declares: the
     * key with every character other than a letter or digit replaced by '_', upper-cased.
     */
    boolean declaresEnv(String name) {
        return keys().stream().anyMatch(key -> envPattern(key).matcher(name).matches());
    }

    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    private static Pattern envPattern(String key) {
        StringBuilder regex = new StringBuilder();
        for (String segment : key.split("\\.")) {
            if (!regex.isEmpty()) {
                regex.append('_');
            }
            if (segment.equals("*")) {
                regex.append("[A-Z0-9_]+?");
            } else if (segment.endsWith("[*]")) {
                regex.append(Pattern.quote(envName(segment.substring(0, segment.length() - 3)))).append("_[0-9]+_");
            } else {
                regex.append(Pattern.quote(envName(segment)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static String join(String a, String b) {
        if (b.startsWith("/")) {
            return b;
        }
        return a.endsWith("/") ? a + b : a + "/" + b;
    }

    private static Map<String, String> loadProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    /** Reads the @ConfigMapping interfaces of src/main/java, nested groups included. */
    private void readConfigMappings() {
        Map<String, String> interfaceBodies = new LinkedHashMap<>();
        Map<String, String> roots = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = stripComments(Files.readString(file));
                Matcher interfaceMatcher = INTERFACE.matcher(source);
                while (interfaceMatcher.find()) {
                    int open = interfaceMatcher.end() - 1;
                    interfaceBodies.put(interfaceMatcher.group(1), withoutNestedBodies(source.substring(open + 1, closing(source, open))));
                }
                Matcher mapping = MAPPING.matcher(source);
                while (mapping.find()) {
                    roots.put(mapping.group(2), mapping.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources of " + module, e);
        }
        roots.forEach((type, prefix) -> walk(type, prefix, interfaceBodies, 0));
    }

    private void walk(String type, String prefix, Map<String, String> bodies, int depth) {
        if (depth > 8) {
            return;
        }
        Matcher method = METHOD.matcher(bodies.getOrDefault(type, ""));
        while (method.find()) {
            String annotations = method.group(1);
            if (annotations.contains("@WithParentName")) {
                continue;
            }
            Matcher withName = WITH_NAME.matcher(annotations);
            String segment = withName.find() ? withName.group(1) : kebab(method.group(3));
            Matcher withDefault = WITH_DEFAULT.matcher(annotations);
            String returnType = method.group(2).replaceAll("\\s", "");
            String key = prefix + "." + segment;
            String element = returnType;
            Matcher generic = Pattern.compile("^(?:java\\.util\\.)?(Optional|List|Set|Map)<(?:String,)?(.+)>$").matcher(returnType);
            if (generic.matches()) {
                element = generic.group(2);
                if (generic.group(1).equals("Map")) {
                    key = key + ".*";
                } else if (!generic.group(1).equals("Optional") && bodies.containsKey(element)) {
                    key = key + "[*]";
                }
            }
            if (bodies.containsKey(element)) {
                walk(element, key, bodies, depth + 1);
            } else {
                mappingKeys.put(key, withDefault.find() ? withDefault.group(1) : "");
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", "");
    }

    private static int closing(String source, int open) {
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return source.length();
    }

    /** An interface body without the bodies of interfaces nested in it. */
    private static String withoutNestedBodies(String body) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == '{') {
                depth++;
                out.append(';');
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
