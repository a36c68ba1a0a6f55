package io.github.skrl4j.adam.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Broadcasts from any root, broadcasts of longs, the all-gather and the election of the newest state, on three ranks. */
class RootedOperationsTest {

    private static final int WORLD = 3;

    private static List<Collective> world() {
        // chunks of 5 values: the 12-value tensors travel in several chunks
        return LocalCollectives.create(WORLD, 5, Duration.ofSeconds(10));
    }

    private static Tensors tensorsOf(int rank) {
        float[] a = new float[12];
        float[] b = new float[3];
        for (int i = 0; i < a.length; i++) {
            a[i] = rank * 100 + i;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = -rank - i / 10f;
        }
        return Tensors.of(Tensor.of("a", a, 3, 4), Tensor.of("b", b, 3));
    }

    @Test
    void broadcastFromRankTwoGivesEveryRankRankTwosValues() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> {
            Tensors mine = tensorsOf(r);
            ranks.get(r).broadcast(mine, 2);
            return mine;
        });
        Tensors expected = tensorsOf(2);
        for (Object result : results) {
            Tensors got = assertInstanceOf(Tensors.class, result);
            for (int t = 0; t < expected.size(); t++) {
                assertArrayEquals(expected.get(t).data(), got.get(t).data());
            }
        }
    }

    @Test
    void broadcastOfAnOptimizerStateFromRankOneCarriesItsCountAndMoments() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> ranks.get(r).broadcast(
                OptimizerState.of(10 + r, tensorsOf(r), tensorsOf(r + 10), tensorsOf(r + 20)), 1));
        for (Object result : results) {
            OptimizerState got = assertInstanceOf(OptimizerState.class, result);
            assertEquals(11, got.count());
            assertArrayEquals(tensorsOf(1).get(0).data(), got.mu().get(0).data());
            assertArrayEquals(tensorsOf(11).get(1).data(), got.nu().get(1).data());
            assertArrayEquals(tensorsOf(21).get(0).data(), got.nuMax().get(0).data());
        }
    }

    @Test
    void broadcastOfLongsGivesEveryRankTheRootsValues() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> ranks.get(r).broadcast(new long[] {r, Long.MIN_VALUE + r, 7}, 1));
        for (Object result : results) {
            assertArrayEquals(new long[] {1, Long.MIN_VALUE + 1, 7}, assertInstanceOf(long[].class, result));
        }
    }

    @Test
    void broadcastOfLongsRefusesAnotherNumberOfValuesOnEveryRank() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> ranks.get(r).broadcast(new long[r == 0 ? 2 : 3], 0));
        // ranks 1 and 2 see rank 0 send two values where they offer three
        for (int r = 1; r < WORLD; r++) {
            CollectiveException e = assertInstanceOf(CollectiveException.class, results.get(r));
            assertEquals(CollectiveException.Reason.MISMATCH, e.reason());
        }
    }

    @Test
    void allGatherReturnsEveryRanksValueByRank() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> ranks.get(r).allGather(1000L * r - 1));
        for (Object result : results) {
            assertArrayEquals(new long[] {-1, 999, 1999}, assertInstanceOf(long[].class, result));
        }
    }

    @Test
    void aRootOutsideTheWorldIsRefusedBeforeAnythingIsSentAndTheWorldStaysUsable() {
        List<Collective> ranks = world();
        Tensors mine = tensorsOf(0);
        assertThrows(IllegalArgumentException.class, () -> ranks.get(0).broadcast(mine, WORLD));
        assertThrows(IllegalArgumentException.class, () -> ranks.get(0).broadcast(new long[1], -1));
        assertThrows(IllegalArgumentException.class,
                () -> ranks.get(0).broadcast(new long[Collective.MAX_BROADCAST_LONGS + 1], 0));
        assertArrayEquals(tensorsOf(0).get(0).data(), mine.get(0).data());
        List<Object> results = Ranks.run(WORLD, r -> ranks.get(r).allGather(r));
        assertArrayEquals(new long[] {0, 1, 2}, assertInstanceOf(long[].class, results.get(0)));
    }

    @Test
    void theNewestStateIsTheLargestVersionAndAmongEqualsTheLowestRank() {
        List<Collective> ranks = world();
        long[] offers = {41, 42, 42};
        List<Object> results = Ranks.run(WORLD, r -> NewestState.elect(ranks.get(r), offers[r]));
        for (Object result : results) {
            NewestState newest = assertInstanceOf(NewestState.class, result);
            assertEquals(1, newest.rank());
            assertEquals(42, newest.version());
            assertTrue(newest.held());
            assertArrayEquals(offers, newest.versions());
        }
    }

    @Test
    void whenNoRankHoldsAStateNoneIsElectedFromRankZero() {
        NewestState none = NewestState.of(new long[] {NewestState.NONE, NewestState.NONE});
        assertFalse(none.held());
        assertEquals(0, none.rank());
        assertThrows(IllegalArgumentException.class, () -> NewestState.elect(world().get(0), -2));
    }

    @Test
    void rankZerosBroadcastIsTheDefaultRoot() {
        List<Collective> ranks = world();
        List<Object> results = Ranks.run(WORLD, r -> {
            OptimizerState state = OptimizerState.of(r, tensorsOf(r), tensorsOf(r), tensorsOf(r));
            OptimizerState got = ranks.get(r).broadcast(state);
            return r == 0 ? (got == state ? "same" : "copy") : got.count();
        });
        assertSame("same", results.get(0));
        assertEquals(0L, results.get(1));
    }
}
