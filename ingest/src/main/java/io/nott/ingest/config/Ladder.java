package io.nott.ingest.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which of the configured renditions a source of a given picture height gets. */
public final class Ladder {

    private Ladder() {
    }

    /**
     * Every rendition no taller than the source, tallest first; the smallest rendition alone
     * when the source is smaller than all of them (or its height is unknown, {@code 0}).
     * Scaling up would spend bits and CPU on detail the source does not have.
     */
    public static List<Rendition> forSourceHeight(List<Rendition> candidates, int sourceHeight) {
        List<Rendition> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingInt(Rendition::height).reversed());
        List<Rendition> fitting = sorted.stream().filter(r -> r.height() <= sourceHeight).toList();
        return fitting.isEmpty() ? List.of(sorted.get(sorted.size() - 1)) : fitting;
    }

    /** The distinct ladders a stream can get, one per candidate height, tallest first. */
    public static List<List<Rendition>> all(List<Rendition> candidates) {
        return candidates.stream().map(Rendition::height).distinct().sorted(Comparator.reverseOrder())
                .map(h -> forSourceHeight(candidates, h)).toList();
    }
}
