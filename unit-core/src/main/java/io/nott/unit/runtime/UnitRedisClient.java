package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code edge_computing.redis_client} reaches. Blocking calls: the host runs phases whose units
 * use it off the event loop (see {@link UnitSnapshot#usesRedis}), unless the client suspends a
 * {@link LoopStep} instead, as the edge's does (its host then runs such phases on the loop). Keys arrive already confined to
 * {@link io.nott.unit.codec.RedisSchema#UNIT_DATA_PREFIX}; implementations must use them as given.
 * Failures are reported by throwing {@link UnitRedisException}; Lua then sees {@code nil, message}
 * as with lua-resty-redis.
 */
public interface UnitRedisClient {

    /** @return the value or null when the key does not exist */
    String get(String key);

    /** SET key value [EX seconds when ttlSeconds &gt; 0] */
    void set(String key, String value, long ttlSeconds);

    long incrby(String key, long delta);

    /** @return true when a timeout was set */
    boolean expire(String key, long seconds);

    /** @return number of keys removed */
    long del(String key);

    String hget(String key, String field);

    /** @return true when the field is new */
    boolean hset(String key, String field, String value);

    long hincrby(String key, String field, long delta);

    /** @return true when the member was added */
    boolean sadd(String key, String member);

    /** @return true when the member was removed */
    boolean srem(String key, String member);

    boolean sismember(String key, String member);

    List<String> smembers(String key);

    /** @return seconds to live, -1 without expiry, -2 when the key does not exist */
    long ttl(String key);

    /**
     * Sends {@code commands} as one batch ({@code redis_client:commit_pipeline()}) and returns one
     * answer per command, in order: what the command's own method returns (see
     * {@link UnitRedisCommand#runOn}), or a {@link UnitRedisCommand.ErrorReply} for a command Redis
     * answered with an error. Throws {@link UnitRedisException} when the batch as a whole failed
     * (no connection, timeout, too many commands in flight): Lua then gets {@code nil, err}, as
     * lua-resty-redis' {@code commit_pipeline} does on a socket error.
     *
     * <p>The default runs the commands one after the other through this client's own methods,
     * which is all an in-memory client needs; a networked client sends them without waiting in
     * between (one round trip per server instead of one per command).
     */
    default List<Object> pipeline(List<UnitRedisCommand> commands) {
        List<Object> answers = new ArrayList<>(commands.size());
        for (UnitRedisCommand command : commands) {
            try {
                answers.add(command.runOn(this));
            } catch (UnitRedisException e) {
                if (e.reason() != UnitRedisException.Reason.ERROR) {
                    throw e; // the server was not reached: the pipeline fails as a whole
                }
                answers.add(new UnitRedisCommand.ErrorReply(e.getMessage()));
            }
        }
        return answers;
    }

    /**
     * Called after a call failed and the unit got {@code nil, err}, with the unit and phase that
     * made it: a unit's own outcome stays {@code ok} when it ignores the error, so hosts count
     * these per unit to show which units lose their Redis writes. The default ignores it.
     */
    default void failed(String unitId, Phase phase, String command, UnitRedisException failure) {
    }
}
