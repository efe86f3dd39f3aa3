package io.nott.registry.dict;

import io.nott.unit.model.SharedDictSpec;

/** A shared dict as the API shows it: {@code {"name":"limits","size":"10m","bytes":10485760}}. */
public record SharedDictView(String name, String size, long bytes) {

    public static SharedDictView of(SharedDictSpec spec) {
        return new SharedDictView(spec.name(), spec.sizeText(), spec.sizeBytes());
    }
}
