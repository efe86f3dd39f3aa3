package io.nott.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9111 §3.5 against a real origin: what a request with credentials gets is not served to anyone else. */
class AuthorizedResponseCacheTest {

    static Vertx vertx;
    Origin origin;
    ProxyBed bed;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @BeforeEach
    void start() {
        origin = new Origin(vertx);
        // The route would cache any 200 for 60 s: only §3.5 keeps the personal answer out.
        bed = ProxyBed.simple(vertx, "/hls", List.of(origin.address()), CachePolicy.parse(true, List.of("200=60s"), false));
    }

    @AfterEach
    void stop() {
        bed.close();
        origin.close();
    }

    private static String cacheStatus(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache-Status").orElse("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "max-age=60", "private, max-age=60", "no-cache"})
    void personalAnswerIsNeverServedToAnAnonymousClient(String cacheControl) {
        origin.respond(r -> {
            String who = r.getHeader("Authorization") == null ? "anonymous" : "for " + r.getHeader("Authorization");
            if (!cacheControl.isEmpty()) {
                r.response().putHeader("Cache-Control", cacheControl);
            }
            r.response().end(who);
        });
        HttpResponse<String> alice = bed.get("/hls/private.m3u8", "Authorization", "Bearer alice");
        assertThat(alice.body()).isEqualTo("for Bearer alice");
        HttpResponse<String> anonymous = bed.get("/hls/private.m3u8");
        assertThat(anonymous.body()).isEqualTo("anonymous");
        assertThat(cacheStatus(anonymous)).isNotEqualTo("HIT");
        assertThat(origin.requests()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"})
    void answerMarkedSharedIsStored(String cacheControl) {
        origin.respond(r -> r.response().putHeader("Cache-Control", cacheControl).end("shared"));
        bed.get("/hls/shared.m3u8", "Authorization", "Bearer alice");
        HttpResponse<String> anonymous = bed.get("/hls/shared.m3u8");
        assertThat(cacheStatus(anonymous)).isEqualTo("HIT");
        assertThat(anonymous.body()).isEqualTo("shared");
        assertThat(origin.requests()).isEqualTo(1);
    }
}
