package io.nott.ingest.stream;

import java.util.regex.Pattern;

/** Rules for stream names: they become file names, URL paths and nginx-rtmp stream names. */
public final class StreamName {

    /** No underscore: {@code <name>_<rendition>} must stay unambiguous. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    private StreamName() {
    }

    public static boolean valid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    public static String problem(String name) {
        return "stream name '" + name + "' must match " + PATTERN.pattern()
                + " (letters, digits and '-', no '_', at most 64 characters)";
    }
}
