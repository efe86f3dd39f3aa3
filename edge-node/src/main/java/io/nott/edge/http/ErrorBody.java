package io.nott.edge.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The JSON of an error the edge itself answers outside its proxied routes: the registry's and the
 * ingest's one error shape ({@code status}, {@code error}: what happened and what to do,
 * {@code problems}: always empty here, the edge checks no fields).
 */
@RegisterForReflection
public record ErrorBody(int status, String error, List<Object> problems) {

    static ErrorBody of(int status, String error) {
        return new ErrorBody(status, error, List.of());
    }
}
