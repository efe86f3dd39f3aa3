package io.nott.edge.proxy;

import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

/** Turns failures into responses: the one place where error statuses and bodies are decided. */
public final class ProxyErrors {

    private static final Logger LOG = Logger.getLogger(ProxyErrors.class);

    private ProxyErrors() {
    }

    public static ProxyResponse toResponse(Throwable failure) {
        if (failure instanceof ProxyException e) {
            String reason = switch (e.status()) {
                case 400 -> "Bad Request";
                case 504 -> "Gateway Timeout";
                case 500 -> "Internal Server Error";
                case 503 -> "Service Unavailable";
                case 403 -> "Forbidden";
                case 502 -> "Bad Gateway";
                default -> "Error";
            };
            return ProxyResponse.of(e.status(), "text/plain; charset=utf-8",
                    Buffer.buffer(e.status() + " " + reason + ": " + e.getMessage() + "\n"));
        }
        LOG.errorf(failure, "Unexpected failure in the proxy chain");
        return ProxyResponse.of(500, "text/plain; charset=utf-8",
                Buffer.buffer("500 Internal Server Error: the edge failed to handle this request\n"));
    }
}
