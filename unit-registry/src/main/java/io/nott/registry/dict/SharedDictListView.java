package io.nott.registry.dict;

import java.util.List;

/** Every declared dict at one registry version, and the bound on their total. */
public record SharedDictListView(long version, List<SharedDictView> dicts, long totalBytes, long maxTotalBytes) {
}
