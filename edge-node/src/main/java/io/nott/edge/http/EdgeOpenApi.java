package io.nott.edge.http;

import io.nott.service.http.OpenApiErrorAnswers;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The edge's OpenAPI document ({@code /q/openapi}, Swagger UI at {@code /q/swagger-ui}): the edge
 * has no JAX-RS resources to scan, so the document is written here (read at build time, nothing
 * reflective at run time). It holds the edge's own endpoints and, honestly, the proxy as one
 * catch-all path: any path under a route prefix goes to that route's origin, whatever the method.
 * The error answers use service-http's one error schema, {@code ErrorBody}.
 */
public class EdgeOpenApi implements OASModelReader {

    private static final String ERROR = "ErrorBody";
    private static final List<String> PROXIED_METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    @Override
    public OpenAPI buildModel() {
        return OASFactory.createOpenAPI()
                .components(OASFactory.createComponents()
                        .addSchema(ERROR, OpenApiErrorAnswers.errorBodySchema())
                        .addSchema("HealthAnswer", health()))
                .paths(OASFactory.createPaths()
                        .addPathItem("/q/health", healthPath("health", "Liveness and readiness together")).addPathItem(
                                "/q/health/live", healthPath("live", "Liveness: the process answers"))
                        .addPathItem("/q/health/ready", healthPath("ready", "Readiness: a units snapshot is loaded "
                                + "(from Redis, or from disk when Redis is down), the node is not behind the announced "
                                + "version for longer than edge.sync.max-lag, and slow unit steps have room off the "
                                + "event loop. A Redis outage alone does not make the edge unready"))
                        .addPathItem("/q/health/started", healthPath("started", "Startup: the edge has started"))
                        .addPathItem("/q/metrics", OASFactory.createPathItem().GET(ownEndpoint("metrics",
                                "Prometheus metrics: edge_requests_total by route, cache, units, sync, JVM",
                                OASFactory.createAPIResponse().description("The exposition, in Prometheus' text format "
                                        + "(OpenMetrics when asked for with Accept)").content(OASFactory.createContent()
                                        .addMediaType("text/plain", OASFactory.createMediaType().schema(string()))
                                        .addMediaType("application/openmetrics-text",
                                                OASFactory.createMediaType().schema(string()))))))
                        .addPathItem("/q/openapi", OASFactory.createPathItem().GET(ownEndpoint("openapi",
                                "This document (YAML; ?format=json for JSON)",
                                OASFactory.createAPIResponse().description("The OpenAPI document").content(
                                        OASFactory.createContent()
                                                .addMediaType("application/yaml", OASFactory.createMediaType().schema(string()))
                                                .addMediaType("application/json", OASFactory.createMediaType().schema(
                                                        OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)))))))
                        .addPathItem("/{proxiedPath}", proxied()));
    }

    /** GET on one of the edge's own endpoints; the description says what other methods get. */
    private static Operation ownEndpoint(String id, String summary, APIResponse ok) {
        return OASFactory.createOperation().operationId(id).summary(summary).tags(List.of("edge"))
                .description(summary + ". GET and HEAD only: another method is a 405 (ErrorBody, with Allow), a "
                        + "body over quarkus.http.limits.max-body-size a 413 (ErrorBody)")
                .responses(OASFactory.createAPIResponses().addAPIResponse("200", ok));
    }

    private static PathItem healthPath(String id, String summary) {
        Content health = OASFactory.createContent().addMediaType("application/json",
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("HealthAnswer")));
        Operation operation = ownEndpoint("health-" + id, summary,
                OASFactory.createAPIResponse().description("UP").content(health));
        operation.getResponses().addAPIResponse("503", OASFactory.createAPIResponse().description("DOWN: the checks "
                + "say which and why").content(health));
        return OASFactory.createPathItem().GET(operation);
    }

    /** The proxy: one operation per method on one templated path standing for every proxied path. */
    private static PathItem proxied() {
        PathItem item = OASFactory.createPathItem()
                .description("Every path under a route prefix (edge.routes.<name>.prefix; by default /hls, "
                        + "/api/v1/streams and /app) is proxied to that route's origin, with any method. OpenAPI "
                        + "cannot say 'any number of segments', so {proxiedPath} stands for the whole path, slashes "
                        + "included. /q/* is never proxied. Units of the registry may answer instead of the origin.")
                .parameters(List.of(OASFactory.createParameter().name("proxiedPath").in(Parameter.In.PATH).required(true)
                        .description("The request path without its leading '/', slashes included, e.g. hls/live.m3u8")
                        .schema(string())));
        for (String method : PROXIED_METHODS) {
            item.setOperation(PathItem.HttpMethod.valueOf(method), OASFactory.createOperation()
                    .operationId("proxy-" + method.toLowerCase(java.util.Locale.ROOT))
                    .summary(method + " any proxied path").tags(List.of("proxy"))
                    .responses(proxyAnswers()));
        }
        return item;
    }

    private static APIResponses proxyAnswers() {
        Content anything = OASFactory.createContent().addMediaType("*/*", OASFactory.createMediaType());
        APIResponses answers = OASFactory.createAPIResponses().defaultValue(OASFactory.createAPIResponse()
                .description("The origin's answer, passed on unchanged (from the cache when the route's policy "
                        + "allows), or a unit's: what it wrote, or nginx's HTML page for its ngx.exit(status)")
                .content(anything));
        Map.of("400", "The path is malformed (%00, or it climbs above '/'): refused before any unit, cache or "
                        + "origin sees it, as nginx does (a request target that is no URI, such as a bad %XX escape, "
                        + "gets an empty 400 from the HTTP layer)",
                "404", "No route proxies this path, and it is none of the edge's own endpoints (the message names "
                        + "them); an origin's or a unit's 404 comes as they wrote it",
                "500", "The edge failed unexpectedly (an id that is also in its log), or units passed one of the "
                        + "edge's output limits; a unit that fails under the closed policy gets nginx's page",
                "502", "The origin refused or broke the connection, or every server of the route's upstream group "
                        + "failed recently; an origin's own 502 comes as it wrote it",
                "504", "The origin did not accept the connection or answer in time (edge.upstreams.<name>.connect-"
                        + "timeout / read-timeout); an origin's own 504 comes as it wrote it")
                .forEach((status, description) -> {
                    APIResponse error = OpenApiErrorAnswers.error(description);
                    error.getContent().addMediaType("*/*", OASFactory.createMediaType());
                    answers.addAPIResponse(status, error);
                });
        return answers;
    }

    private static Schema health() {
        Schema upDown = OASFactory.createSchema().addType(Schema.SchemaType.STRING).enumeration(List.<Object>of("UP", "DOWN"));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("SmallRye Health's answer: the overall status and each check's")
                .addProperty("status", upDown)
                .addProperty("checks", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(
                        OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                                .addProperty("name", string())
                                .addProperty("status", upDown)
                                .addProperty("data", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))
                                .required(List.of("name", "status"))))
                .required(List.of("status", "checks"));
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }
}
