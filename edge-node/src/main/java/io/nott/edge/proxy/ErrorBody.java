package io.nott.edge.proxy;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The JSON of an error the edge itself answers (its proxy's 400/502/504/500, and off the proxied
 * routes its 404/405/413): the registry's and the ingest's one error shape ({@code status},
 * {@code error}: what happened and what to do, {@code problems}: always empty here, the edge
 * checks no fields). Its schema in the edge's OpenAPI document is service-http's
 * {@code OpenApiErrorAnswers.errorBodySchema()}.
 */
@RegisterForReflection
public record ErrorBody(int status, String error, List<Object> problems) {

    public static ErrorBody of(int status, String error) {
        return new ErrorBody(status, error, List.of());
    }
}
