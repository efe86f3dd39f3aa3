package io.nott.ingest.stream.service;

/** The answer to an nginx-rtmp {@code on_publish} callback. */
public record PublishDecision(boolean allowed, String reason) {

    public static PublishDecision allow() {
        return new PublishDecision(true, "ok");
    }

    public static PublishDecision refuse(String reason) {
        return new PublishDecision(false, reason);
    }
}
