package io.nott.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A service's answers held against its own OpenAPI document: each answer's status must be one
 * the document lists for that operation, and a JSON body must validate against the schema
 * documented for that status. It remembers which operations were called, so that a test can
 * insist on calling every one of them.
 */
public final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "put", "post", "patch", "delete", "head", "options");

    private record Operation(String method, String template, Pattern path, int literalChars, JsonNode node) {
        String name() {
            return method.toUpperCase(Locale.ROOT) + " " + template;
        }
    }

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, Set<Integer>> answered = new LinkedHashMap<>();
    private final JsonSchemaFactory schemas;

    private OpenApiContract(JsonNode document) {
        this.document = document;
        this.schemas = JsonSchemaFactory.getInstance(document.path("openapi").asText().startsWith("3.0")
                ? SpecVersion.VersionFlag.V4 : SpecVersion.VersionFlag.V202012);
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(new Operation(method, path.getKey(), template(path.getKey()),
                            path.getKey().replaceAll("\\{[^}]*}", "").length(), path.getValue().get(method)));
                }
            }
        }
    }

    /** The document as {@code /q/openapi?format=json} serves it. */
    public static OpenApiContract of(String json) {
        try {
            return new OpenApiContract(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the OpenAPI document is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Every operation of the document whose path starts with {@code prefix}, as {@code "PUT /api/v1/units/{id}"}. */
    public Set<String> operations(String prefix) {
        Set<String> names = new TreeSet<>();
        operations.stream().filter(o -> o.template().startsWith(prefix)).forEach(o -> names.add(o.name()));
        return names;
    }

    /** The statuses each operation has answered so far in {@link #check}. */
    public Map<String, Set<Integer>> answered() {
        return answered;
    }

    /**
     * Checks one answer: {@code path} is the path as sent (without query), {@code body} what came
     * back. Throws an {@link AssertionError} that says what does not match the document.
     */
    public void check(String method, String path, int status, String contentType, String body) {
        Operation operation = find(method, path);
        answered.computeIfAbsent(operation.name(), k -> new TreeSet<>()).add(status);
        JsonNode responses = operation.node().path("responses");
        JsonNode response = responses.has(String.valueOf(status)) ? responses.get(String.valueOf(status))
                : responses.get("default");
        if (response == null) {
            List<String> listed = new ArrayList<>();
            responses.fieldNames().forEachRemaining(listed::add);
            throw new AssertionError(operation.name() + " answered " + status + ", which the document does not list "
                    + "(it lists " + listed + "); body: " + abbreviate(body));
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode() || body == null || body.isEmpty()
                || contentType == null || !contentType.startsWith("application/json")) {
            if (!schema.isMissingNode() && status != 304 && (contentType == null
                    || !contentType.startsWith("application/json")) && !listsOtherType(response, contentType)) {
                throw new AssertionError(operation.name() + " answered " + status + " with " + contentType
                        + ", but the document says application/json; body: " + abbreviate(body));
            }
            return;
        }
        Set<ValidationMessage> problems = validator(schema).validate(parse(body));
        if (!problems.isEmpty()) {
            throw new AssertionError(operation.name() + " answered " + status + " with a body that does not match the "
                    + "documented schema: " + problems + "; body: " + abbreviate(body));
        }
    }

    /**
     * Whether the answer documents {@code contentType} (or {@code *}{@code /*}) besides JSON: the
     * edge's proxied routes answer its own errors in JSON, and the origin's as they came.
     */
    private static boolean listsOtherType(JsonNode response, String contentType) {
        for (Iterator<String> types = response.path("content").fieldNames(); types.hasNext(); ) {
            String type = types.next();
            if (type.equals("*/*") || (contentType != null && contentType.startsWith(type))) {
                return true;
            }
        }
        return false;
    }

    private JsonSchema validator(JsonNode schema) {
        ObjectNode root = schema.deepCopy() instanceof ObjectNode o ? o : JSON.createObjectNode();
        // The schema's $refs point at #/components/schemas/...: give it the document's components.
        root.set("components", document.path("components"));
        return schemas.getSchema(root);
    }

    private Operation find(String method, String path) {
        return operations.stream()
                .filter(o -> o.method().equalsIgnoreCase(method) && o.path().matcher(path).matches())
                // JAX-RS prefers literal segments: /units/validate over /units/{id}
                .max((a, b) -> Integer.compare(a.literalChars(), b.literalChars()))
                .orElseThrow(() -> new AssertionError(method + " " + path + " is not an operation of the document "
                        + "(its operations: " + operations("") + ")"));
    }

    private static Pattern template(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the body is not JSON: " + abbreviate(body), e);
        }
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() <= 600 ? body : body.substring(0, 600) + "...";
    }
}
