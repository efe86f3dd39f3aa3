package io.nott.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the unit registry, under {@code registry.*}. */
@ConfigMapping(prefix = "registry")
public interface RegistryConfig {

    /** How many versions of a unit {@code {cu}:history:<id>} keeps (newest first). Default 50. */
    @WithDefault("50")
    int historyLimit();

    /** The largest unit source accepted, in UTF-8 bytes; larger code answers 413. Default 65536. */
    @WithDefault("65536")
    int maxCodeBytes();

    /**
     * The most units one bulk apply ({@code PUT /api/v1/units}) may hold; a larger set is answered
     * 413 before anything is checked or written. The apply is staged in bounded calls, but its
     * commit is one atomic script whose work grows with the changed units and holds the
     * {@code {cu}} node meanwhile (10,000 units measured in unit-registry's README). The
     * document must also fit {@code quarkus.http.limits.max-body-size}. Default 50000.
     */
    @WithDefault("50000")
    int maxSetUnits();

    /**
     * How long each Redis call of a bulk apply (reading the current set, a staging call of at most
     * 500 units, the commit script) may take before the apply stops with 503, instead of
     * {@code quarkus.redis.timeout}: a set's calls are many, its commit grows with the set, and on a
     * loaded node small calls took over 3 s. Default 30s.
     */
    @WithDefault("30s")
    Duration bulkCallTimeout();

    /** The most host patterns one unit may name. Default 64. */
    @WithDefault("64")
    int maxHosts();

    /** The most paths (nginx location specs) one unit may name. Default 64. */
    @WithDefault("64")
    int maxPaths();

    /** Approximate number of entries the {@code {cu}:audit} stream keeps (XADD MAXLEN ~). Default 10000. */
    @WithDefault("10000")
    long auditLimit();

    /**
     * Approximate number of versions the change log {@code {cu}:changelog} keeps (XADD MAXLEN ~):
     * an edge that missed fewer versions catches up by fetching only the units they changed; one
     * further behind fetches everything. Default 1000.
     */
    @WithDefault("1000")
    long changeLogLimit();

    /**
     * How often one change is retried when another writer changed the registry between our
     * read and our commit before giving up with 503. Default 25.
     */
    @WithDefault("25")
    int maxWriteAttempts();

    /** The {@code Retry-After} seconds sent with 503 when Redis is unavailable. Default 2. */
    @WithDefault("2")
    int retryAfterSeconds();

    /** Budget defaults and bounds for units that do not name their own. */
    Budget budget();

    /** Bearer tokens and their roles. */
    Auth auth();

    /** How the edge fleet is shown. */
    Edges edges();

    /**
     * How the dry run's phase runner runs units (unit-core's {@code RunnerSettings}). Give these
     * the edges' values so that a dry run stops a unit exactly where an edge would.
     */
    Runner runner();

    /** The sandbox's resource limits in the dry run (unit-core's {@code SandboxLimits}); keep them equal to the edges'. */
    Sandbox sandbox();

    /** Bounds on dry runs, which execute units in this JVM (issue #15). */
    DryRun dryRun();

    /** The node-wide shared dicts ({@code ngx.shared}) the registry lets editors declare. */
    SharedDicts sharedDicts();

    /** Shared dicts are memory on every edge node: the registry refuses declarations above this. */
    interface SharedDicts {
        /**
         * Largest sum of all declared dict sizes (nginx size syntax); a PUT that would pass it is
         * answered 400. Keep it at or below the edges' {@code edge.shared-dicts.max-total}.
         * Default 256m.
         */
        @WithDefault("256m")
        String maxTotal();
    }

    /**
     * Dry runs in flight are bounded in number and in memory: each reserves the sandbox's
     * per-call allocation limit ({@code registry.sandbox.max-allocated-bytes}) from a share of
     * the heap; one that cannot get both within {@code max-wait} is answered 503 + Retry-After.
     */
    interface DryRun {
        /**
         * Dry runs executing at once. Default: one less than the CPUs the JVM sees, at least 1, so
         * dry runs (CPU-bound while their units run) always leave a core to the event loops that
         * answer the API, readiness and Redis (issue #15: readiness flapped under 100 dry runs).
         */
        java.util.OptionalInt maxConcurrent();

        /** Share of the heap (0-1] dry runs in flight may reserve together; default 0.5. */
        @WithDefault("0.5")
        double heapShare();

        /** How long a dry run waits for a slot and memory before the 503; default 200ms. */
        @WithDefault("200ms")
        Duration maxWait();
    }

    /** Instruction and wall-clock budget of one unit call. */
    interface Budget {
        /** Instructions a unit may run per call when it names none. Default 1000000. */
        @WithDefault("1000000")
        long defaultInstructions();

        /** Wall milliseconds a unit may take per call when it names none. Default 50. */
        @WithDefault("50")
        long defaultWallMillis();

        /** The largest instruction budget a unit may ask for. Default 50000000. */
        @WithDefault("50000000")
        long maxInstructions();

        /** The largest wall budget a unit may ask for, in milliseconds. Default 1000. */
        @WithDefault("1000")
        long maxWallMillis();
    }

    /** Tokens as {@code secret} or {@code name:secret}; the name (or a fingerprint) is the audit actor. */
    interface Auth {
        /**
         * Tokens that may read and write (role {@code editor}), comma separated. Env var
         * {@code REGISTRY_AUTH_EDITOR_TOKENS}, e.g. from a Kubernetes Secret. No default; the prod
         * profile refuses to start without one.
         */
        Optional<List<String>> editorTokens();

        /** Tokens that may only read (role {@code viewer}), comma separated. Env var {@code REGISTRY_AUTH_VIEWER_TOKENS}. */
        Optional<List<String>> viewerTokens();
    }

    /** unit-core's {@code RunnerSettings}: circuit breaker and response body bound. */
    interface Runner {
        /** Consecutive errors or timeouts of one unit that open its circuit breaker. Default 5. */
        @WithDefault("5")
        int breakerFailureThreshold();

        /** How long an open breaker refuses calls before one trial call. Default 10s. */
        @WithDefault("10s")
        Duration breakerCoolDown();

        /** The most bytes {@code ngx.say}/{@code ngx.print} may write per request. Default 16777216 (16 MiB). */
        @WithDefault("16777216")
        int maxBodyBytes();

        /**
         * How long one unit call may wait for {@code redis_client} answers (the dry run's in-memory
         * store) without it counting against its wall-clock budget. Default 1s, as on the edge.
         */
        @WithDefault("1s")
        Duration maxRedisWait();
    }

    /** unit-core's {@code SandboxLimits}: resources one unit call may use besides its budget. */
    interface Sandbox {
        /** Nested Lua calls (pcall included) before "stack overflow"; protects the JVM stack. Default 200. */
        @WithDefault("200")
        int maxCallDepth();

        /** The largest string one operation may build ({@code ..}, {@code string.rep}, ...). Default 16777216 (16 MiB). */
        @WithDefault("16777216")
        int maxStringBytes();

        /** Memory one unit call may allocate in total before it is stopped. Default 67108864 (64 MiB). */
        @WithDefault("67108864")
        long maxAllocatedBytes();

        /** The most values {@code unpack}/{@code string.byte} may return (LuaJIT: about 8000). Default 8000. */
        @WithDefault("8000")
        int maxUnpack();
    }

    /** Edge heartbeats. */
    interface Edges {
        /** A heartbeat older than this marks the node {@code stale} in {@code GET /edges}. Default 30s. */
        @WithDefault("30s")
        Duration staleAfter();

        /** Heartbeats older than this are dropped from the fleet listing. Default 1h. */
        @WithDefault("1h")
        Duration forgetAfter();
    }
}
