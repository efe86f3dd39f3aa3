package io.nott.ingest.stream;

import java.util.List;

/**
 * A stream being published, as {@code GET /api/v1/streams} shows it.
 *
 * @param state {@code starting} (no segment yet), {@code live}, or {@code stalled} (newest
 *        segment older than three fragments)
 * @param newestSegmentAgeSeconds age of the newest segment over all renditions, {@code null}
 *        before the first one
 */
public record LiveStream(String name, String state, Publisher publisher, long bitrateKbps,
        Double newestSegmentAgeSeconds, boolean testSource, Long transcoderPid, Urls urls,
        List<RenditionStatus> renditions) {

    /** Who publishes. */
    public record Publisher(String address, long publishingSeconds) {
    }

    /** Where to get the stream. */
    public record Urls(String master, String rtmp) {
    }

    /** One rendition of the ladder for this stream. */
    public record RenditionStatus(String name, String resolution, int targetKbps, long measuredKbps,
            Double newestSegmentAgeSeconds, long segmentsWritten, String playlist) {
    }
}
