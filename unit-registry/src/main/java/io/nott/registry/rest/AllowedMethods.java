package io.nott.registry.rest;

import io.nott.registry.audit.rest.AuditResource;
import io.nott.registry.edge.rest.EdgeResource;
import io.nott.registry.unit.rest.UnitResource;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The HTTP methods the API offers on a path, read from the resources' annotations, so that a
 * 405 can say which method to use (Quarkus REST's 405 carries no {@code Allow} header).
 */
final class AllowedMethods {

    private record Endpoint(Pattern path, String method) {
    }

    private static final List<Endpoint> ENDPOINTS = scan(UnitResource.class, AuditResource.class, EdgeResource.class);

    private AllowedMethods() {
    }

    static Set<String> on(String path) {
        Set<String> methods = new TreeSet<>();
        for (Endpoint endpoint : ENDPOINTS) {
            if (endpoint.path().matcher(path).matches()) {
                methods.add(endpoint.method());
            }
        }
        return methods;
    }

    private static List<Endpoint> scan(Class<?>... resources) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Class<?> resource : resources) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                for (Annotation annotation : method.getAnnotations()) {
                    HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        endpoints.add(new Endpoint(template(base + (sub == null ? "" : "/" + sub.value())), verb.value()));
                    }
                }
            }
        }
        return List.copyOf(endpoints);
    }

    /** {@code /api/v1/units/{id}} as a regular expression; literal segments win over templates, as in JAX-RS. */
    private static Pattern template(String path) {
        String normalized = path.replaceAll("/+", "/").replaceAll("/$", "");
        StringBuilder regex = new StringBuilder();
        for (String part : normalized.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }
}
