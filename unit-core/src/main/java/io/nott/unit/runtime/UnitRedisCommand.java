package io.nott.unit.runtime;

import java.util.List;

/**
 * One {@code edge_computing.redis_client} command queued in a pipeline ({@code init_pipeline} …
 * {@code commit_pipeline}), its arguments checked and its key already in the unit's namespace.
 * {@code args} are what Redis receives after the key, as text: {@code SET k v [EX s]},
 * {@code INCRBY k n}, {@code HSET k f v}, …
 *
 * @param op   the command
 * @param key  the namespaced key
 * @param args the arguments after the key
 */
public record UnitRedisCommand(Op op, String key, List<String> args) {

    /** The commands {@code redis_client} offers ({@code incr} is {@code INCRBY k 1}). */
    public enum Op {
        GET, SET, INCRBY, EXPIRE, DEL, HGET, HSET, HINCRBY, SADD, SREM, SISMEMBER, SMEMBERS, TTL;

        /** The command's name as Redis knows it. */
        public String redisName() {
            return name();
        }

        /** True for a command that changes the key (a read-through cache drops the key's reads). */
        public boolean writes() {
            return switch (this) {
                case GET, HGET, SISMEMBER, SMEMBERS, TTL -> false;
                default -> true;
            };
        }
    }

    /**
     * A pipelined command that Redis answered with an error ({@code WRONGTYPE …}, {@code ERR …}):
     * its entry in {@code commit_pipeline}'s results, {@code {false, message}} as lua-resty-redis
     * gives it. The other commands of the pipeline still have their answers.
     */
    public record ErrorReply(String message) {
    }

    public UnitRedisCommand {
        args = List.copyOf(args);
    }

    /** Bytes of key and arguments (Java chars): what a queued command holds until the pipeline is sent. */
    public long bytes() {
        long n = key.length();
        for (String a : args) {
            n += a.length();
        }
        return n;
    }

    /**
     * Runs this command alone through {@code redis}'s own method and returns what that method
     * returns: the value or null ({@code GET}, {@code HGET}), {@code "OK"} ({@code SET}), a
     * {@code Long} ({@code INCRBY}, {@code DEL}, {@code HINCRBY}, {@code TTL}), a {@code Boolean}
     * ({@code EXPIRE}, {@code HSET}, {@code SADD}, {@code SREM}, {@code SISMEMBER}) or a
     * {@code List<String>} ({@code SMEMBERS}): the answers {@link UnitRedisClient#pipeline} lists.
     */
    public Object runOn(UnitRedisClient redis) {
        return switch (op) {
            case GET -> redis.get(key);
            case SET -> {
                redis.set(key, args.get(0), args.size() == 3 ? Long.parseLong(args.get(2)) : 0);
                yield "OK";
            }
            case INCRBY -> redis.incrby(key, Long.parseLong(args.get(0)));
            case EXPIRE -> redis.expire(key, Long.parseLong(args.get(0)));
            case DEL -> redis.del(key);
            case HGET -> redis.hget(key, args.get(0));
            case HSET -> redis.hset(key, args.get(0), args.get(1));
            case HINCRBY -> redis.hincrby(key, args.get(0), Long.parseLong(args.get(1)));
            case SADD -> redis.sadd(key, args.get(0));
            case SREM -> redis.srem(key, args.get(0));
            case SISMEMBER -> redis.sismember(key, args.get(0));
            case SMEMBERS -> redis.smembers(key);
            case TTL -> redis.ttl(key);
        };
    }
}
