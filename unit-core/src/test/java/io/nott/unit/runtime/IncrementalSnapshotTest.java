package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A snapshot made from the previous one plus the changed units ({@link UnitSnapshot#update}) is
 * the snapshot a full build of the same units gives: after every step of a sequence of changes
 * (add, change phase, hosts, paths, order, code, enable/disable, a compile error and its fix, a
 * canary, delete), requests see the same units per host, location and phase, in the same order,
 * with the same errors (issue #17).
 */
class IncrementalSnapshotTest {

    private static final List<String> HOSTS = List.of("a.example", "www.a.example", "b.example", "api.b.example",
            "www.c.test", "api.x.org", "nobody.example");
    private static final List<String> URIS = List.of("/", "/video/x.m3u8", "/exact", "/static/a.ts", "/other.TS",
            "/video/seg.ts");
    private static final List<List<String>> HOST_SETS = List.of(List.of(), List.of("a.example"),
            List.of("*.a.example", "b.example"), List.of("www.c.*"), List.of("~^api\\."), List.of("*.b.example"),
            List.of("a.example", "A.EXAMPLE"), List.of("~^api\\.", "www.c.*", "nobody.example"), List.of("~("));
    private static final List<List<String>> PATH_SETS = List.of(List.of(), List.of(), List.of("/video/"),
            List.of("= /exact"), List.of("^~ /static/"), List.of("~ \\.m3u8$"), List.of("~* \\.TS$", "/"),
            List.of("~ ("));
    private static final List<String> CODES = List.of("local x = 1", "local y = 2", "ngx.sleep(0)",
            "ngx.req.read_body()", "local r = redis_client", "local = =");
    private static final List<Phase> PHASES = List.of(Phase.REWRITE, Phase.ACCESS, Phase.HEADER_FILTER, Phase.LOG,
            Phase.MODULE);

    @Test
    void everyKindOfChangeGivesWhatAFullBuildOfTheSameUnitsGives() {
        Map<String, ComputingUnit> units = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            units.put("u" + i, ComputingUnit.of("u" + i, Phase.ACCESS, "local x = " + i).withOrder(i % 3)
                    .withHosts(HOST_SETS.get(i % 6)).withPaths(PATH_SETS.get(i % 7)));
        }
        UnitSnapshot incremental = UnitSnapshot.build(1, units.values());
        long version = 1;
        List<java.util.function.UnaryOperator<ComputingUnit>> changes = List.of(
                u -> u.withPhase(Phase.REWRITE),
                u -> u.withHosts(List.of("b.example")),
                u -> u.withOrder(-5),
                u -> u.withPaths(List.of("/video/")),
                u -> u.withEnabled(false),
                u -> u.withEnabled(true),
                u -> u.withCode("local = ="),
                u -> u.withCode("local fixed = 1"),
                u -> u.withHosts(List.of("~(")),
                u -> u.withCanary(new Canary("local c = 1", 10, null, 2)),
                u -> u.withCanary(new Canary("return )", 10, null, 3)),
                u -> u.withCanary(null));
        for (var change : changes) {
            for (String id : List.of("u1", "u4", "u9")) {
                ComputingUnit changed = change.apply(units.get(id));
                units.put(id, changed);
                incremental = incremental.update(++version, List.of(changed), List.of());
                assertSameAsFullBuild(incremental, units, version);
            }
        }
        units.remove("u4");
        incremental = incremental.update(++version, List.of(), List.of("u4"));
        assertSameAsFullBuild(incremental, units, version);
        ComputingUnit added = ComputingUnit.of("added", Phase.ACCESS, "local a = 1").withHosts(List.of("a.example"));
        units.put("added", added);
        incremental = incremental.update(++version, List.of(added), List.of("nothing-such"));
        assertSameAsFullBuild(incremental, units, version);
        assertThat(incremental.units()).extracting(ComputingUnit::id).contains("added").doesNotContain("u4");
    }

    @Test
    void randomSequencesOfChangesGiveWhatFullBuildsGive() {
        Random random = new Random(17);
        Map<String, ComputingUnit> units = new TreeMap<>();
        UnitSnapshot incremental = UnitSnapshot.EMPTY;
        UnitSnapshot diffed = UnitSnapshot.EMPTY;
        for (int step = 1; step <= 200; step++) {
            List<ComputingUnit> put = new ArrayList<>();
            Set<String> removed = new HashSet<>();
            // every tenth step changes enough units for update to build its tables anew (a bulk apply)
            boolean bulk = step % 10 == 0;
            int count = bulk ? 2 * UnitSnapshot.REBUILD_FROM : 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 3);
            for (int k = 0; k < count; k++) {
                String id = "u" + random.nextInt(bulk ? 160 : 40 + step % 7 * 20);
                if (random.nextInt(5) == 0) {
                    removed.add(id);
                    units.remove(id);
                    put.removeIf(u -> u.id().equals(id));
                } else {
                    ComputingUnit u = randomUnit(id, random);
                    units.put(id, u);
                    put.add(u);
                    removed.remove(id);
                }
            }
            incremental = incremental.update(step, put, removed);
            diffed = UnitSnapshot.build(step, units.values(), diffed);
            assertSameAsFullBuild(incremental, units, step);
            assertThat(seen(diffed)).as("a build on the previous snapshot, step %d", step).isEqualTo(seen(incremental));
            if (step % 40 == 0) {
                assertSameRuns(incremental, UnitSnapshot.build(step, units.values()));
            }
        }
    }

    @Test
    void anUnchangedUnitKeepsItsEntryAndOnlyTheChangedOneIsCompiled() {
        List<ComputingUnit> units = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            units.add(ComputingUnit.of("u" + i, Phase.ACCESS, "local x = " + i).withHosts(List.of("h" + i + ".example")));
        }
        UnitSnapshot first = UnitSnapshot.build(1, units);
        ComputingUnit changed = units.get(7).withCode("local x = 'changed'");
        UnitSnapshot second = first.update(2, List.of(changed), List.of("u8"));
        assertThat(second.compiledUnits()).isEqualTo(1);
        assertThat(second.forHost("h9.example").all(Phase.ACCESS)).containsExactlyElementsOf(
                first.forHost("h9.example").all(Phase.ACCESS)); // the same entry, not a copy
        assertThat(second.forHost("h7.example").all(Phase.ACCESS).getFirst().unit()).isSameAs(changed);
        assertThat(second.has(Phase.ACCESS, "h8.example")).isFalse();
        assertThat(first.has(Phase.ACCESS, "h8.example")).as("the previous snapshot is as it was").isTrue();
        assertThat(first.forHost("h7.example").all(Phase.ACCESS).getFirst().unit()).isSameAs(units.get(7));
        assertThat(second.slots()).as("the removed unit's slot is given to the changed one").isEqualTo(first.slots());
    }

    /**
     * A full read compiles its batches ahead while it reads (issue #17); the build takes a unit's
     * code from there only when it is the very unit compiled, so what requests see is what a
     * build without it gives, whatever was compiled ahead: some units, stale versions of others,
     * units the base snapshot already holds.
     */
    @Test
    void aBuildWithUnitsCompiledAheadGivesWhatABuildWithoutGives() {
        Random random = new Random(17);
        Map<String, ComputingUnit> before = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            before.put("u" + i, randomUnit("u" + i, random));
        }
        UnitSnapshot base = UnitSnapshot.build(1, before.values());
        Map<String, ComputingUnit> after = new LinkedHashMap<>(before);
        for (int i = 0; i < 300; i += 2) {
            after.put("u" + i, randomUnit("u" + i, random));
        }
        CompiledAhead ahead = new CompiledAhead(base);
        List<ComputingUnit> stale = new ArrayList<>();
        List<ComputingUnit> fresh = new ArrayList<>();
        after.values().forEach(u -> (random.nextInt(4) == 0 ? stale : fresh).add(u));
        ahead.compile(fresh.subList(0, fresh.size() * 3 / 4));
        ahead.compile(stale.stream().map(u -> u.withCode(u.code() + " -- an older version")).toList());

        UnitSnapshot built = UnitSnapshot.build(2, after.values(), base, ahead);
        assertThat(seen(built)).isEqualTo(seen(UnitSnapshot.build(2, after.values(), base)));
        assertThat(seen(built)).isEqualTo(seen(UnitSnapshot.build(2, after.values())));
        int taken = 0;
        for (Phase phase : Phase.values()) {
            for (UnitSnapshot.Entry e : built.entries(phase)) {
                UnitSnapshot.Compiled done = ahead.find(e.unit());
                if (done != null && !(done.stableResult() instanceof RuntimeException)) {
                    assertThat(e.compiled.prototype()).as("%s compiled ahead", e.unit().id()).isSameAs(done.stable().prototype());
                    taken++;
                }
                assertThat(stale.contains(e.unit()) && ahead.find(e.unit()) != null).as("a stale version is not taken").isFalse();
            }
        }
        assertThat(taken).as("units compiled ahead and taken").isGreaterThan(20);
    }

    private static ComputingUnit randomUnit(String id, Random random) {
        Phase phase = PHASES.get(random.nextInt(PHASES.size()));
        ComputingUnit u = ComputingUnit.of(id, phase, CODES.get(random.nextInt(CODES.size())))
                .withOrder(random.nextInt(4) - 1)
                .withHosts(HOST_SETS.get(random.nextInt(HOST_SETS.size())))
                .withPaths(PATH_SETS.get(random.nextInt(PATH_SETS.size())))
                .withEnabled(random.nextInt(6) != 0);
        if (random.nextInt(5) == 0) {
            u = u.withCanary(new Canary(random.nextBoolean() ? "local c = 1" : "return )", 20, null, 1));
        }
        return u;
    }

    private static void assertSameAsFullBuild(UnitSnapshot incremental, Map<String, ComputingUnit> units, long version) {
        UnitSnapshot full = UnitSnapshot.build(version, units.values());
        assertThat(seen(incremental)).as("version %d", version).isEqualTo(seen(full));
        Set<Integer> slots = new HashSet<>();
        for (Phase phase : Phase.values()) {
            for (UnitSnapshot.Entry e : incremental.entries(phase)) {
                assertThat(slots.add(e.slot)).as("slot %d of %s is unique", e.slot, e.unit().id()).isTrue();
                if (e.canary != null) {
                    assertThat(slots.add(e.canary.slot)).as("canary slot of %s is unique", e.unit().id()).isTrue();
                }
            }
        }
        assertThat(slots).allMatch(s -> s >= 0 && s < incremental.slots());
    }

    /** Everything a request (and the node) can learn from a snapshot, as text: equal text, equal snapshots to their readers. */
    private static List<String> seen(UnitSnapshot s) {
        List<String> seen = new ArrayList<>();
        seen.add("units " + s.units().stream().map(u -> u.id() + ":" + u.order() + ":" + u.enabled()).toList());
        seen.add("errors " + new TreeMap<>(s.errors()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().getMessage()).toList());
        seen.add("empty " + s.isEmpty() + " paths " + s.scopesPaths());
        for (Phase phase : Phase.values()) {
            seen.add(phase + " " + s.unitIds(phase) + " has " + s.has(phase) + " redis " + s.usesRedis(phase)
                    + " blocks " + s.blocks(phase) + " body " + s.readsBody(phase)
                    + " canaries " + s.entries(phase).stream().filter(e -> e.canary != null).map(e -> e.unit().id()).toList()
                    + " code " + s.entries(phase).stream().map(e -> e.compiled.unit().code()).toList());
        }
        for (String host : HOSTS) {
            HostIndex.HostView view = s.forHost(host);
            for (Phase phase : Phase.values()) {
                seen.add(host + " " + phase + " all " + ids(view.all(phase)) + " unscoped " + ids(view.unscoped(phase))
                        + " has " + s.has(phase, host) + " blocks " + s.blocks(phase, host)
                        + " body " + s.readsBody(phase, host));
            }
            for (String uri : URIS) {
                Location location = s.locate(uri, host);
                for (Phase phase : Phase.values()) {
                    seen.add(host + uri + " " + location + " " + phase + " " + ids(view.located(location, phase))
                            + " has " + s.has(phase, host, location));
                }
            }
        }
        for (ComputingUnit u : s.units()) {
            Modules.ModuleUnits modules = s.moduleUnits();
            seen.add("module " + u.id() + " " + (modules.find(u.id()) != null) + " " + modules.describe(u.id()));
        }
        return seen;
    }

    private static List<String> ids(List<UnitSnapshot.Entry> entries) {
        return entries.stream().map(e -> e.unit().id()).toList();
    }

    /** What the runner runs for each host and path in the request phases without sleeps (compiled code only). */
    private static void assertSameRuns(UnitSnapshot incremental, UnitSnapshot full) {
        // a runner each: a runner's breakers outlive snapshots, and the same failures must meet the same breakers
        PhaseRunner forIncremental = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(), new InMemoryUnitRedisClient());
        PhaseRunner forFull = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(), new InMemoryUnitRedisClient());
        for (String host : HOSTS) {
            for (String uri : URIS) {
                for (Phase phase : List.of(Phase.HEADER_FILTER, Phase.LOG)) {
                    assertThat(ran(forIncremental, incremental, phase, host, uri)).as("%s %s %s", phase, host, uri)
                            .isEqualTo(ran(forFull, full, phase, host, uri));
                }
            }
        }
    }

    private static List<String> ran(PhaseRunner runner, UnitSnapshot s, Phase phase, String host, String uri) {
        return runner.run(s, phase, SimulatedExchange.get(host, uri), new RequestState())
                .outcomes().stream().map(o -> o.unitId() + ":" + o.kind()).toList();
    }
}
