package io.nott.registry.unit.repository;

import io.nott.registry.config.RegistryConfig;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.transactions.TransactionalRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends each commit's {@link ChangeNotice} to {@link RedisSchema#CHANGE_LOG}, inside the commit's
 * own transaction, so the log never misses a registry version. Trimmed with {@code MAXLEN ~}
 * (cheap: whole radix-tree nodes) to about {@code registry.change-log-limit} entries; an edge
 * further behind than that fetches everything.
 */
@ApplicationScoped
public class ChangeLog {

    /** Stream fields: the version (for people reading the stream) and the notice as published. */
    public static final String VERSION_FIELD = "version";
    public static final String NOTICE_FIELD = "notice";

    private final long limit;

    public ChangeLog(RegistryConfig config) {
        this.limit = config.changeLogLimit();
    }

    public void append(TransactionalRedisDataSource tx, ChangeNotice notice) {
        tx.stream(String.class).xadd(RedisSchema.CHANGE_LOG, new XAddArgs().maxlen(limit).nearlyExactTrimming(), entry(notice));
    }

    /** The stream entry of {@code notice}, for writers that append it themselves (the bulk apply's commit script). */
    public Map<String, String> entry(ChangeNotice notice) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put(VERSION_FIELD, Long.toString(notice.version()));
        entry.put(NOTICE_FIELD, notice.toJson());
        return entry;
    }

    /** The approximate number of entries kept (XADD MAXLEN ~). */
    public long limit() {
        return limit;
    }
}
