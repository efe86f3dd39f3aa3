package io.nott.ingest.error;

/** The JSON every error answers with. */
public record ErrorBody(int status, String error) {
}
