package io.nott.ingest.stream.rest;

import io.nott.ingest.error.IngestException;
import io.nott.ingest.stream.service.PublishService;
import jakarta.enterprise.context.ApplicationScoped;

/** Write endpoints need the stream key as a bearer token: whoever may publish may start a test source. */
@ApplicationScoped
public class StreamKeyAuth {

    private static final String BEARER = "bearer ";

    private final PublishService publishes;

    public StreamKeyAuth(PublishService publishes) {
        this.publishes = publishes;
    }

    public void require(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw IngestException.unauthorized("Send the stream key: Authorization: Bearer <stream key>");
        }
        if (!publishes.isStreamKey(authorization.substring(BEARER.length()).strip())) {
            throw IngestException.forbidden("The bearer token is not the stream key of this ingest");
        }
    }
}
