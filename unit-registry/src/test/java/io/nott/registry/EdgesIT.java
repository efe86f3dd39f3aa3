package io.nott.registry;

import static io.nott.registry.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class EdgesIT {

    @InjectRedisCluster
    RedisCluster cluster;

    private void heartbeat(String nodeId, Instant at, String json) {
        var master = cluster.masterOf("{cu}:edges");
        cluster.cli(master, "ZADD", "{cu}:edges", String.valueOf(at.toEpochMilli()), nodeId);
        if (json != null) {
            cluster.cli(master, "SET", "{cu}:edge:" + nodeId, json, "EX", "60");
        }
    }

    @Test
    void showsEveryEdgeWithItsAppliedVersion() {
        long version = Api.editor().body(Api.unit("access", "x = 1")).put("/api/v1/units/" + Api.freshId("edges"))
                .then().statusCode(201).extract().jsonPath().getLong("version");
        String fresh = Api.freshId("edge-fresh");
        String old = Api.freshId("edge-old");
        String gone = Api.freshId("edge-gone");
        String forgotten = Api.freshId("edge-forgotten");
        Instant now = Instant.now();
        heartbeat(fresh, now, "{\"nodeId\":\"" + fresh + "\",\"version\":" + version + ",\"at\":\"" + now
                + "\",\"units\":3,\"errors\":[\"bad-unit: line 2: unexpected symbol\"],\"source\":\"redis\","
                + "\"appliedAt\":\"" + now + "\"}");
        heartbeat(old, now.minusSeconds(120), "{\"nodeId\":\"" + old + "\",\"version\":0,\"at\":"
                + now.minusSeconds(120).toEpochMilli() + ",\"units\":1,\"errors\":[]}");
        heartbeat(gone, now.minusSeconds(600), null);
        heartbeat(forgotten, now.minusSeconds(7200), null);

        JsonPath fleet = viewer().get("/api/v1/edges").then().statusCode(200).extract().jsonPath();
        assertThat(fleet.getLong("version")).isGreaterThanOrEqualTo(version);
        Map<String, Object> f = fleet.getMap("edges.find { it.nodeId == '" + fresh + "' }");
        assertThat(f).containsEntry("unitsLoaded", 3).containsEntry("stale", false)
                .containsEntry("appliedVersion", (int) version).containsEntry("source", "redis");
        assertThat(f.get("errors").toString()).contains("bad-unit");
        Map<String, Object> o = fleet.getMap("edges.find { it.nodeId == '" + old + "' }");
        assertThat(o).containsEntry("stale", true).containsEntry("behind", true);
        Map<String, Object> g = fleet.getMap("edges.find { it.nodeId == '" + gone + "' }");
        assertThat(g.get("errors").toString()).contains("expired");
        assertThat(fleet.getList("edges.nodeId")).doesNotContain(forgotten);
    }

    @Test
    void aNodeThatSaysItCannotFollowIsBehindEvenOnTheCurrentVersion() {
        long version = Api.editor().body(Api.unit("access", "x = 1")).put("/api/v1/units/" + Api.freshId("edges"))
                .then().statusCode(201).extract().jsonPath().getLong("version");
        String wedged = Api.freshId("edge-wedged");
        String failing = Api.freshId("edge-failing");
        String healthy = Api.freshId("edge-healthy");
        Instant now = Instant.now();
        heartbeat(wedged, now, "{\"nodeId\":\"" + wedged + "\",\"version\":" + version + ",\"at\":\"" + now
                + "\",\"units\":1,\"errors\":[],\"sync\":\"behind\",\"syncFailures\":9,"
                + "\"syncError\":\"Redis did not answer: timeout\"}");
        heartbeat(failing, now, "{\"nodeId\":\"" + failing + "\",\"version\":" + version + ",\"at\":\"" + now
                + "\",\"units\":1,\"errors\":[],\"sync\":\"failing\",\"syncFailures\":5}");
        heartbeat(healthy, now, "{\"nodeId\":\"" + healthy + "\",\"version\":" + version + ",\"at\":\"" + now
                + "\",\"units\":1,\"errors\":[],\"sync\":\"in_sync\",\"syncFailures\":0}");

        JsonPath fleet = viewer().get("/api/v1/edges").then().statusCode(200).extract().jsonPath();
        Map<String, Object> w = fleet.getMap("edges.find { it.nodeId == '" + wedged + "' }");
        assertThat(w).containsEntry("behind", true).containsEntry("stale", false).containsEntry("sync", "behind")
                .containsEntry("syncFailures", 9).containsEntry("syncError", "Redis did not answer: timeout");
        Map<String, Object> f = fleet.getMap("edges.find { it.nodeId == '" + failing + "' }");
        assertThat(f).containsEntry("sync", "failing").containsEntry("syncFailures", 5);
        Map<String, Object> h = fleet.getMap("edges.find { it.nodeId == '" + healthy + "' }");
        assertThat(h).containsEntry("behind", false).containsEntry("sync", "in_sync");
    }
}
