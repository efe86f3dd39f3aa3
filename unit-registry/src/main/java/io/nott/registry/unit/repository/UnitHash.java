package io.nott.registry.unit.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitBudget;
import io.nott.registry.unit.UnitSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of the {@code {cu}:unit:<id>} hash, to and from {@link StoredUnit}. */
public final class UnitHash {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private UnitHash() {
    }

    public static Map<String, String> toHash(StoredUnit unit) {
        UnitSpec s = unit.spec();
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put("id", s.id());
        hash.put("phase", s.phase());
        hash.put("code", s.code());
        hash.put("hosts", writeHosts(s.hosts()));
        hash.put("sampling", String.valueOf(s.sampling()));
        if (s.samplingKey() != null) {
            hash.put("samplingKey", s.samplingKey());
        }
        hash.put("order", String.valueOf(s.order()));
        hash.put("enabled", String.valueOf(s.enabled()));
        hash.put("budgetInstructions", String.valueOf(s.budget().instructions()));
        hash.put("budgetWallMillis", String.valueOf(s.budget().wallMillis()));
        hash.put("failure", s.failure());
        hash.put("version", String.valueOf(unit.version()));
        hash.put("updatedAt", unit.updatedAt().toString());
        hash.put("updatedBy", unit.updatedBy());
        return hash;
    }

    public static StoredUnit fromHash(Map<String, String> hash) {
        UnitSpec spec = new UnitSpec(hash.get("id"), hash.get("phase"), hash.get("code"),
                readHosts(hash.get("hosts")), Integer.parseInt(hash.getOrDefault("sampling", "100")),
                hash.get("samplingKey"), Integer.parseInt(hash.getOrDefault("order", "0")),
                Boolean.parseBoolean(hash.getOrDefault("enabled", "true")),
                new UnitBudget(Long.parseLong(hash.get("budgetInstructions")),
                        Long.parseLong(hash.get("budgetWallMillis"))),
                hash.getOrDefault("failure", "open"));
        return new StoredUnit(spec, Long.parseLong(hash.get("version")), Instant.parse(hash.get("updatedAt")),
                hash.get("updatedBy"));
    }

    private static String writeHosts(List<String> hosts) {
        try {
            return JSON.writeValueAsString(hosts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readHosts(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("hosts field is not a JSON array: " + json, e);
        }
    }
}
