package io.nott.ingest.error;

/**
 * The one exception type of the ingest API: it carries the HTTP status and a message that says
 * what to do. {@link IngestExceptionMapper} turns it into a response.
 */
public class IngestException extends RuntimeException {

    private final int status;

    public IngestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static IngestException badRequest(String message) {
        return new IngestException(400, message);
    }

    public static IngestException unauthorized(String message) {
        return new IngestException(401, message);
    }

    public static IngestException forbidden(String message) {
        return new IngestException(403, message);
    }

    public static IngestException notFound(String message) {
        return new IngestException(404, message);
    }

    public static IngestException conflict(String message) {
        return new IngestException(409, message);
    }

    public static IngestException unavailable(String message) {
        return new IngestException(503, message);
    }
}
