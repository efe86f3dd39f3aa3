package io.nott.registry.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns Jackson's complaints about a request body into a {@link Problem} that names the field
 * and the form it takes ({@code "sampling": "half"} becomes "field 'sampling' must be a whole
 * number from 0 to 100 ..."), instead of Jackson's class names and stream offsets.
 */
final class JsonProblems {

    /** Fields whose allowed values say more than their JSON type. */
    private static final Map<String, String> FORMS = Map.of(
            "sampling", "a whole number from 0 to 100 (percent of requests), e.g. \"sampling\": 50",
            "order", "a whole number (lower runs first), e.g. \"order\": 10",
            "enabled", "true or false",
            "hosts", "an array of host names, e.g. \"hosts\": [\"*.example.com\"]",
            "paths", "an array of nginx location specs, e.g. \"paths\": [\"/hls/\", \"~ \\\\.m3u8$\"]",
            "version", "a version number from GET /api/v1/units/<id>/versions, e.g. \"version\": 3");

    private JsonProblems() {
    }

    static Problem of(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown);
            return new Problem(field, "unknown field '" + unknown.getPropertyName() + "'; the known fields here are "
                    + known(unknown.getKnownPropertyIds()) + " (check the spelling, see /q/openapi)");
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = path(mismatch);
            String leaf = mismatch.getPath().get(mismatch.getPath().size() - 1).getFieldName();
            String form = leaf != null && FORMS.containsKey(leaf) ? FORMS.get(leaf) : form(mismatch.getTargetType());
            String got = mismatch instanceof InvalidFormatException invalid && invalid.getValue() != null
                    ? ", not " + quoted(invalid.getValue()) : "";
            return new Problem(field, "field '" + field + "' must be " + form + got);
        }
        if (e instanceof MismatchedInputException mismatch) {
            return new Problem(null, "The body must be " + form(mismatch.getTargetType()) + " (send a JSON object; "
                    + "see /q/openapi for this endpoint's schema)");
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String what = e instanceof JsonParseException ? "The body is not valid JSON" + where
                : "The body cannot be read as this endpoint's JSON" + where;
        return new Problem(null, what + ": " + e.getOriginalMessage() + ". Send a JSON object with "
                + "Content-Type: application/json");
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String form(Class<?> type) {
        if (type == null) {
            return "a JSON value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (type.isEnum()) {
            TreeSet<String> values = new TreeSet<>();
            for (Object constant : type.getEnumConstants()) {
                values.add(constant.toString());
            }
            return "one of " + values;
        }
        return "a JSON object";
    }

    private static String known(Collection<Object> ids) {
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add(String.valueOf(id)));
        return String.join(", ", names);
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
