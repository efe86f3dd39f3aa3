package io.nott.registry.audit.repository;

import io.nott.registry.audit.AuditEntry;
import io.nott.registry.unit.repository.RedisGuard;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the audit stream; entries are written by the unit transactions themselves. */
@ApplicationScoped
public class AuditRepository {

    private final RedisDataSource redis;
    private final RedisGuard guard;

    public AuditRepository(RedisDataSource redis, RedisGuard guard) {
        this.redis = redis;
        this.guard = guard;
    }

    /** Newest first, at most {@code limit}, optionally only for one unit. */
    public List<AuditEntry> recent(int limit, String unit) {
        return guard.call("reading the audit log", () -> {
            List<AuditEntry> entries = new ArrayList<>();
            String end = "+";
            int batch = Math.max(limit, 100);
            while (entries.size() < limit) {
                List<StreamMessage<String, String, String>> messages = redis.stream(String.class)
                        .xrevrange(RedisSchema.AUDIT, StreamRange.of(end, "-"), batch);
                for (StreamMessage<String, String, String> m : messages) {
                    Map<String, String> f = m.payload();
                    if (unit == null || unit.equals(f.get("unit"))) {
                        entries.add(new AuditEntry(m.id(), f.get("at"), f.get("actor"), f.get("action"), f.get("unit"),
                                f.get("version") == null ? null : Long.valueOf(f.get("version")), f.get("summary")));
                        if (entries.size() == limit) {
                            break;
                        }
                    }
                }
                if (messages.size() < batch) {
                    break;
                }
                end = "(" + messages.get(messages.size() - 1).id();
            }
            return entries;
        });
    }
}
