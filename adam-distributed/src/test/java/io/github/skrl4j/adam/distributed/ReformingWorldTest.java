package io.github.skrl4j.adam.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A world that re-forms: after a failure every rank gets a new, working world, within the restart policy. */
class ReformingWorldTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static List<ReformingWorld> replicas(int n, RestartPolicy policy, InstantSource clock) {
        return LocalCollectives.formations(n, 8, TIMEOUT).stream()
                .map(f -> new ReformingWorld(f, policy, TIMEOUT, clock)).toList();
    }

    @Test
    void afterARankLeavesEveryRankReformsAndTheNewWorldWorks() {
        List<ReformingWorld> replicas = replicas(2, new RestartPolicy(3, Duration.ofMinutes(10), TIMEOUT),
                InstantSource.system());
        List<Object> first = Ranks.run(2, r -> replicas.get(r).awaitWorld());
        Collective oldRank0 = assertInstanceOf(Collective.class, first.get(0));
        assertEquals(ReformingWorld.Status.FORMED, replicas.get(0).status());

        List<Object> results = Ranks.run(2, r -> {
            ReformingWorld replica = replicas.get(r);
            Collective world = replica.awaitWorld();
            if (r == 1) {
                world.close(); // rank 1 is lost...
                return replica.reform(new IllegalStateException("rank 1 restarted")).allGather(r + 10);
            }
            CollectiveException lost = assertThrows(CollectiveException.class, () -> world.allGather(0));
            return replica.reform(lost).allGather(r + 10);
        });
        assertArrayEquals(new long[] {10, 11}, assertInstanceOf(long[].class, results.get(0)));
        assertArrayEquals(new long[] {10, 11}, assertInstanceOf(long[].class, results.get(1)));
        assertEquals(1, replicas.get(0).restarts());
        assertEquals(ReformingWorld.Status.FORMED, replicas.get(0).status());
        assertNotNull(replicas.get(0).lastFailure());
        assertNotSame(oldRank0, replicas.get(0).awaitWorld());
    }

    @Test
    void theRestartsWithinTheWindowAreBoundedAndSlideWithTime() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T00:00:00Z"));
        List<ReformingWorld> replicas = replicas(1, new RestartPolicy(2, Duration.ofMinutes(10), TIMEOUT), now::get);
        ReformingWorld alone = replicas.get(0);
        alone.awaitWorld();
        alone.reform(new RuntimeException("one"));
        alone.reform(new RuntimeException("two"));
        now.set(now.get().plus(Duration.ofMinutes(11))); // both restarts fell out of the window
        alone.reform(new RuntimeException("three"));
        alone.reform(new RuntimeException("four"));
        CollectiveException used = assertThrows(CollectiveException.class,
                () -> alone.reform(new RuntimeException("five")));
        assertEquals(CollectiveException.Reason.BROKEN, used.reason());
        assertTrue(used.getMessage().contains("at most 2 times within PT10M"), used.getMessage());
        assertEquals(ReformingWorld.Status.BROKEN, alone.status());
        assertEquals(4, alone.restarts());
        assertThrows(CollectiveException.class, alone::awaitWorld);
    }

    @Test
    void aReplicaThatNeverComesBackBreaksTheWorldAfterThePolicysTimeout() {
        Duration shortWait = Duration.ofMillis(300);
        List<WorldFormation> formations = LocalCollectives.formations(2, 8, TIMEOUT);
        ReformingWorld survivor = new ReformingWorld(formations.get(0),
                new RestartPolicy(5, Duration.ofMinutes(10), shortWait), TIMEOUT);
        ReformingWorld lost = new ReformingWorld(formations.get(1), RestartPolicy.never(), TIMEOUT);
        Ranks.run(2, r -> (r == 0 ? survivor : lost).awaitWorld());
        lost.close();
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> survivor.reform(new RuntimeException("rank 1 left")));
        assertTrue(e.reason() == CollectiveException.Reason.TIMEOUT || e.reason() == CollectiveException.Reason.CLOSED,
                e.toString());
        assertEquals(ReformingWorld.Status.BROKEN, survivor.status());
        assertEquals(ReformingWorld.Status.CLOSED, lost.status());
    }

    @Test
    @Timeout(60) // the policy would wait ten minutes for a replica that gave up
    void aReplicaThatGivesUpFailsTheOthersReformationAtOnceWhetherTheyWaitAlreadyOrNot() throws Exception {
        RestartPolicy longWait = new RestartPolicy(5, Duration.ofMinutes(10), Duration.ofMinutes(10));
        List<ReformingWorld> replicas = replicas(3, longWait, InstantSource.system());
        Ranks.run(3, r -> replicas.get(r).awaitWorld());
        // rank 0 already waits in its re-formation when rank 2 gives up; rank 1 starts its re-formation after
        CompletableFuture<CollectiveException> waiting = CompletableFuture.supplyAsync(() -> assertThrows(
                CollectiveException.class, () -> replicas.get(0).reform(new RuntimeException("rank 0's operation"))));
        Thread.sleep(200);
        replicas.get(2).giveUp(new IllegalStateException("NaN guard at update 7"));
        CollectiveException later = assertThrows(CollectiveException.class,
                () -> replicas.get(1).reform(new RuntimeException("rank 1's operation")));
        for (CollectiveException e : List.of(waiting.get(30, TimeUnit.SECONDS), later)) {
            assertEquals(CollectiveException.Reason.GAVE_UP, e.reason(), e.toString());
            assertTrue(e.getMessage().contains("rank 2 gave up for good (IllegalStateException: NaN guard at update 7)"),
                    e.getMessage());
        }
        assertEquals(ReformingWorld.Status.BROKEN, replicas.get(0).status());
        assertTrue(replicas.get(1).lastFailure().contains("NaN guard at update 7"), replicas.get(1).lastFailure());
        assertEquals(ReformingWorld.Status.BROKEN, replicas.get(2).status());
        assertEquals("NaN guard at update 7", replicas.get(2).lastFailure());
        assertThrows(CollectiveException.class, replicas.get(2)::awaitWorld);
        replicas.get(2).giveUp(new IllegalStateException("again")); // once given up, nothing more
        assertEquals("NaN guard at update 7", replicas.get(2).lastFailure());
        replicas.forEach(ReformingWorld::close);
        assertEquals(ReformingWorld.Status.CLOSED, replicas.get(2).status());
    }

    @Test
    void neverMeansTheFirstFailureBreaksTheWorld() {
        ReformingWorld alone = replicas(1, RestartPolicy.never(), InstantSource.system()).get(0);
        alone.awaitWorld();
        assertEquals(CollectiveException.Reason.BROKEN,
                assertThrows(CollectiveException.class, () -> alone.reform(new RuntimeException("x"))).reason());
        assertEquals(0, alone.restarts());
    }

    @Test
    void theCollectiveViewRunsOnTheCurrentWorldAcrossAReformation() {
        List<ReformingWorld> replicas = replicas(2, new RestartPolicy(3, Duration.ofMinutes(10), TIMEOUT),
                InstantSource.system());
        List<Object> results = Ranks.run(2, r -> {
            ReformableCollective collective = replicas.get(r).collective();
            assertEquals(r, collective.rank()); // configured: known before any world forms
            long[] first = collective.allGather(r);
            if (r == 1) {
                replicas.get(1).awaitWorld().close();
            }
            CollectiveException e = assertThrows(CollectiveException.class, () -> collective.allGather(0));
            collective.reform(e);
            assertEquals(ReformingWorld.Status.FORMED, collective.status());
            assertEquals(1, collective.restarts());
            return first[1 - r] + collective.allGather(100 + r)[1 - r];
        });
        assertEquals(1L + 101, results.get(0));
        assertEquals(0L + 100, results.get(1));
    }

    @Test
    void aFixedCollectiveDoesNotReformAndSaysSo() {
        ReformableCollective fixed = ReformableCollective.fixed(LocalCollectives.create(1).get(0));
        assertEquals(ReformingWorld.Status.FORMED, fixed.status());
        assertArrayEquals(new long[] {7}, fixed.allGather(7));
        CollectiveException e = assertThrows(CollectiveException.class,
                () -> fixed.reform(new IllegalStateException("lost")));
        assertEquals(CollectiveException.Reason.BROKEN, e.reason());
        assertEquals(ReformingWorld.Status.BROKEN, fixed.status());
        assertEquals("lost", fixed.lastFailure());
        assertEquals(0, fixed.restarts());
    }
}
