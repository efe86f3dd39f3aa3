package io.nott.ingest.stream.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /streams/{name}/test-source}: the source is starting; its playlist appears at {@code master}. */
public record TestSourceStarted(
        @Schema(required = true, example = "colorbar") String stream,
        @Schema(required = true, enumeration = {"starting"}) String status,
        @Schema(required = true, example = "http://localhost:8080/hls/colorbar.m3u8") String master) {
}
