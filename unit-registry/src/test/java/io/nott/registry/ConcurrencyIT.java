package io.nott.registry;

import static io.nott.registry.Api.editor;
import static io.nott.registry.Api.freshId;
import static io.nott.registry.Api.unit;
import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class ConcurrencyIT {

    @Test
    void exactlyOneOfTwoRacingIfMatchWritesWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = freshId("race");
                long v = editor().body(unit("access", "x = 0")).put("/api/v1/units/" + id).jsonPath().getLong("version");
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> results = new ArrayList<>();
                for (String code : List.of("x = 'a'", "x = 'b'")) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return editor().header("If-Match", Api.etagOf(v)).body(unit("access", code))
                                .put("/api/v1/units/" + id).statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : results) {
                    statuses.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 412);
                assertThat(viewer().get("/api/v1/units/" + id + "/versions").jsonPath().getList("version"))
                        .as("one create and one update in the history").hasSize(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentWritersNeverLoseAnUpdate() throws Exception {
        int writers = 8;
        int each = 5;
        long before = viewer().get("/api/v1/units").jsonPath().getLong("version");
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        String id = freshId("counter");
        editor().body(unit("access", "x = 0")).put("/api/v1/units/" + id).then().statusCode(201);
        try {
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Callable<List<Integer>> job = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        // Half patch the shared unit, half create their own: all must land.
                        statuses.add(writer % 2 == 0
                                ? editor().body(java.util.Map.of("order", writer * 100 + i)).patch("/api/v1/units/" + id).statusCode()
                                : editor().body(unit("log", "y = " + i)).put("/api/v1/units/" + id + "-w" + writer + "-" + i).statusCode());
                    }
                    return statuses;
                };
                futures.add(pool.submit(job));
            }
            for (Future<List<Integer>> f : futures) {
                assertThat(f.get(60, TimeUnit.SECONDS)).allMatch(s -> s == 200 || s == 201);
            }
        } finally {
            pool.shutdownNow();
        }
        long after = viewer().get("/api/v1/units").jsonPath().getLong("version");
        // other test classes do not run concurrently with this one, so every change is ours
        assertThat(after - before).isEqualTo(1 + writers * each);
        assertThat(viewer().get("/api/v1/units/" + id + "/versions").jsonPath().getList("version"))
                .hasSize(1 + (writers / 2) * each);
    }
}
