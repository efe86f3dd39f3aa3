package io.nott.registry.unit.dryrun;

import io.nott.registry.unit.UnitRequest;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /units/test}: what to run and against which sample request. Give {@code unit}
 * (inline, not stored) or {@code unitId} (a stored unit); with {@code chain} the stored units of
 * every phase run too (an inline unit replaces the stored one of the same id), optionally
 * limited to one {@code phase}.
 */
@Schema(description = "A dry run: a unit (inline or by id) or the stored chain, and a sample request")
public record DryRunRequest(UnitRequest unit, String unitId, Boolean chain, String phase, SampleRequest request,
        SampleResponse response) {

    /** The sample request the units see. */
    public record SampleRequest(
            @Schema(example = "GET") String method,
            @Schema(example = "/hls/live.m3u8?token=abc") String uri,
            @Schema(description = "Request headers; Host sets the host") Map<String, String> headers,
            @Schema(example = "203.0.113.7") String clientAddress,
            @Schema(description = "Other nginx variables, e.g. upstream_cache_status") Map<String, String> variables,
            @Schema(description = "The request body (UTF-8) that ngx.req.read_body reads; a Content-Length is"
                    + " added unless headers set one", example = "{\"name\":\"cam-1\"}") String body) {
    }

    /** The sample upstream response that header_filter and body_filter units see (default 200, empty). */
    public record SampleResponse(Integer status, Map<String, String> headers, String body) {
    }
}
