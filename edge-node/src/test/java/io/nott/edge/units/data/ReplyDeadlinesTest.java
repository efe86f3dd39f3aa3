package io.nott.edge.units.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The units' Redis waits share one timer: a wait not answered ends with its timeout exactly once,
 * an answered one never does, and the timer re-arms for waits started from many threads, also
 * after the queue ran empty. Asserted on outcomes; the bounds only keep a broken build from
 * hanging.
 */
class ReplyDeadlinesTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aWaitNotAnsweredEndsWithTheTimeoutAndAnAnsweredOneNever() throws Exception {
        ReplyDeadlines deadlines = new ReplyDeadlines(vertx, Duration.ofMillis(200));
        AtomicInteger answeredOnesTimedOut = new AtomicInteger();
        CompletableFuture<Integer> expired = new CompletableFuture<>();

        ReplyDeadlines.Wait answered = deadlines.start(answeredOnesTimedOut::incrementAndGet);
        // True unless this thread stalled past the deadline (a loaded machine): then it timed out instead, once.
        boolean answeredFirst = answered.answered();
        ReplyDeadlines.Wait late = deadlines.start(() -> expired.complete(deadlines.queued()));

        assertThat(expired.get(1, TimeUnit.MINUTES)).as("both waits left the queue by the time the later one expired")
                .isZero();
        assertThat(late.answered()).as("a reply after the timeout finds the wait over").isFalse();
        assertThat(answeredOnesTimedOut).as("the answered wait, due before the late one, ended once")
                .hasValue(answeredFirst ? 0 : 1);
    }

    @Test
    void answeredWaitsLeaveTheQueueAsTheyAreAnsweredNotAtTheTimeout() {
        // An hour: no sweep runs during the test, only answers take waits off the queue.
        ReplyDeadlines deadlines = new ReplyDeadlines(vertx, Duration.ofHours(1));
        ReplyDeadlines.Wait first = deadlines.start(() -> { });
        ReplyDeadlines.Wait second = deadlines.start(() -> { });
        ReplyDeadlines.Wait third = deadlines.start(() -> { });

        assertThat(second.answered()).isTrue();
        assertThat(deadlines.queued()).as("an answer behind an open wait stays queued behind it").isEqualTo(3);
        assertThat(first.answered()).isTrue();
        assertThat(deadlines.queued()).as("the open head answered: it and the answered one behind it leave").isEqualTo(1);
        assertThat(third.answered()).isTrue();
        assertThat(deadlines.queued()).isZero();
        assertThat(third.answered()).as("a wait is answered once").isFalse();
    }

    @Test
    void waitsFromManyThreadsEachEndOnceAndTheTimerRearmsAfterTheQueueRanEmpty() throws Exception {
        ReplyDeadlines deadlines = new ReplyDeadlines(vertx, Duration.ofMillis(10));
        int n = 400;
        AtomicIntegerArray timeouts = new AtomicIntegerArray(n);
        AtomicIntegerArray answeredFirst = new AtomicIntegerArray(n);
        CountDownLatch unansweredEnded = new CountDownLatch(n / 2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int first = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < n; i += 8) {
                    int index = i;
                    ReplyDeadlines.Wait wait = deadlines.start(() -> {
                        if (timeouts.incrementAndGet(index) == 1 && index % 2 == 0) {
                            unansweredEnded.countDown();
                        }
                    });
                    if (index % 2 == 1) {
                        answeredFirst.set(index, wait.answered() ? 1 : 0);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(unansweredEnded.await(1, TimeUnit.MINUTES)).as("every unanswered wait ended").isTrue();
        CompletableFuture<Boolean> again = new CompletableFuture<>();
        deadlines.start(() -> again.complete(true));
        assertThat(again.get(1, TimeUnit.MINUTES)).as("a wait after the queue ran empty still ends").isTrue();

        for (int i = 0; i < n; i++) {
            // An answered wait never times out, unless its thread stalled past the deadline before answering.
            assertThat(timeouts.get(i)).as("timeouts of wait %d", i).isEqualTo(i % 2 == 0 || answeredFirst.get(i) == 0 ? 1 : 0);
        }
        assertThat(deadlines.queued()).isZero();
    }
}
