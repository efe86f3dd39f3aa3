package io.nott.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyContextTest {

    private record Timing(long nanos) {
    }

    private enum Status { HIT, MISS }

    private record State(String name) {
    }

    // More attachment types than the context keeps in fields, so the overflow array is used too.
    private record Extra1(int v) {
    }

    private record Extra2(int v) {
    }

    private record Extra3(int v) {
    }

    private record Extra4(int v) {
    }

    private static ProxyContext context() {
        return new ProxyContext(null, null, null, null, List.of(), 0);
    }

    @Test
    void attachmentsAreKeptByTypeAndAbsentUntilPut() {
        ProxyContext context = context();
        assertThat(context.get(Timing.class)).isNull();

        context.put(Timing.class, new Timing(42));
        context.put(Status.class, Status.HIT);
        context.put(State.class, new State("units"));

        assertThat(context.get(Timing.class)).isEqualTo(new Timing(42));
        assertThat(context.get(Status.class)).isEqualTo(Status.HIT);
        assertThat(context.get(State.class)).isEqualTo(new State("units"));
    }

    @Test
    void putReplacesAndNullRemoves() {
        ProxyContext context = context();
        context.put(Status.class, Status.MISS);
        context.put(Status.class, Status.HIT);
        assertThat(context.get(Status.class)).isEqualTo(Status.HIT);
        context.put(Status.class, null);
        assertThat(context.get(Status.class)).isNull();
    }

    @Test
    void moreTypesThanInlineFieldsAllStayApart() {
        ProxyContext context = context();
        context.put(Timing.class, new Timing(1));
        context.put(Status.class, Status.MISS);
        context.put(State.class, new State("s"));
        context.put(Extra1.class, new Extra1(1));
        context.put(Extra2.class, new Extra2(2));
        context.put(Extra3.class, new Extra3(3));
        context.put(Extra4.class, new Extra4(4));

        assertThat(context.get(Timing.class)).isEqualTo(new Timing(1));
        assertThat(context.get(Status.class)).isEqualTo(Status.MISS);
        assertThat(context.get(State.class)).isEqualTo(new State("s"));
        assertThat(context.get(Extra1.class)).isEqualTo(new Extra1(1));
        assertThat(context.get(Extra2.class)).isEqualTo(new Extra2(2));
        assertThat(context.get(Extra3.class)).isEqualTo(new Extra3(3));
        assertThat(context.get(Extra4.class)).isEqualTo(new Extra4(4));
        // another request's context shares no state
        assertThat(context().get(Extra4.class)).isNull();
    }

    @Test
    void headersAddedAtWriteReplaceByNameAndComeAfterTheResponseOwn() {
        ProxyContext context = context();
        context.responseHeader("X-Cache-Status", "MISS");
        context.responseHeader("x-cache-status", "HIT"); // a waiter that got the entry after all
        context.responseHeader("X-Other", "1");

        MultiMap target = HttpHeaders.headers().add("X-Cache-Status", "from-origin").add("Content-Type", "text/plain");
        context.addResponseHeadersTo(target);

        assertThat(target.getAll("X-Cache-Status")).containsExactly("HIT");
        assertThat(target.get("X-Other")).isEqualTo("1");
        assertThat(target.get("Content-Type")).isEqualTo("text/plain");
    }
}
