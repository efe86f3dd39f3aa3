package io.nott.registry.error;

import java.util.List;

/**
 * The one exception type of the registry: it carries the HTTP status, a message that says
 * what to do, and optionally the problems per field. {@link RegistryExceptionMapper} turns it
 * into a response.
 */
public class RegistryException extends RuntimeException {

    private final int status;
    private final List<Problem> problems;
    private final Integer retryAfterSeconds;

    public RegistryException(int status, String message) {
        this(status, message, List.of(), null, null);
    }

    private RegistryException(int status, String message, List<Problem> problems, Integer retryAfterSeconds,
            Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problems = List.copyOf(problems);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static RegistryException invalid(List<Problem> problems) {
        return new RegistryException(400, "The unit is invalid: " + problems.size() + " problem(s), see problems",
                problems, null, null);
    }

    /** A set of units (PUT /units) with problems: each problem's field starts with {@code units[<id>]}. */
    public static RegistryException invalidSet(List<Problem> problems) {
        return new RegistryException(400, "The set of units is invalid: " + problems.size()
                + " problem(s), see problems (fields name the unit as units[<id>]); nothing was applied", problems, null, null);
    }

    public static RegistryException badRequest(String field, String message) {
        return new RegistryException(400, message, List.of(new Problem(field, message)), null, null);
    }

    public static RegistryException tooLarge(String field, String message) {
        return new RegistryException(413, message, List.of(new Problem(field, message)), null, null);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(404, message);
    }

    public static RegistryException conflict(String message) {
        return new RegistryException(409, message);
    }

    public static RegistryException preconditionFailed(String message) {
        return new RegistryException(412, message);
    }

    public static RegistryException unavailable(String message, int retryAfterSeconds, Throwable cause) {
        return new RegistryException(503, message, List.of(), retryAfterSeconds, cause);
    }

    public int status() {
        return status;
    }

    public List<Problem> problems() {
        return problems;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
