package io.github.skrl4j.adam.distributed.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.CollectiveException.Reason;
import io.github.skrl4j.adam.distributed.Ranks;
import io.github.skrl4j.adam.distributed.internal.ScriptedWorld.Sent;
import io.github.skrl4j.adam.distributed.spi.MessageKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The engine on its own, over transports whose network is scripted ({@link ScriptedWorld}). */
class ChunkedCollectiveTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Rank r's gradient: 10 values r*100 + i, in two tensors (so that chunks of 4 span them). */
    private static Tensors gradient(int rank) {
        float[] a = new float[6];
        float[] b = new float[4];
        for (int i = 0; i < 10; i++) {
            (i < 6 ? a : b)[i < 6 ? i : i - 6] = rank * 100 + i + 0.1f * rank;
        }
        return Tensors.of(Tensor.of("a", a, 2, 3), Tensor.of("b", b, 4));
    }

    /** The documented result: in double, rank 0 + rank 1 + ..., rounded once (the mean divided by N first). */
    private static float[] expectedMean(int worldSize) {
        float[] out = new float[10];
        for (int i = 0; i < 10; i++) {
            double acc = 0;
            for (int r = 0; r < worldSize; r++) {
                acc += flat(gradient(r))[i];
            }
            out[i] = (float) (acc / worldSize);
        }
        return out;
    }

    private static float[] flat(Tensors tensors) {
        float[] out = new float[(int) tensors.totalSize()];
        int at = 0;
        for (Tensor t : tensors) {
            System.arraycopy(t.data(), 0, out, at, t.size());
            at += t.size();
        }
        return out;
    }

    private static List<Object> onEveryRank(int worldSize, IntFunction<Object> body) {
        return Ranks.run(worldSize, body);
    }

    private static List<ChunkedCollective> collectives(ScriptedWorld world, int chunkSize, Duration timeout) {
        List<ChunkedCollective> out = new ArrayList<>();
        for (int r = 0; r < world.mailboxes.length; r++) {
            out.add(ChunkedCollective.over(world.transport(r), chunkSize, timeout));
        }
        return out;
    }

    @Test
    void eachChunkGoesToItsOwnerAndItsResultFromTheOwnerToEveryOtherRank() throws Exception {
        ScriptedWorld world = new ScriptedWorld(3);
        List<ChunkedCollective> ranks = collectives(world, 4, TIMEOUT);

        List<Object> results = onEveryRank(3, r -> {
            Tensors grad = gradient(r);
            ranks.get(r).allReduceMean(grad);
            return flat(grad);
        });

        for (Object result : results) {
            assertThat((float[]) result).containsExactly(expectedMean(3));
        }
        // 10 values in chunks of 4: chunk 0 (owner 0, 4 values), 1 (owner 1, 4), 2 (owner 2, 2)
        List<Sent> parts = world.sent(MessageKind.REDUCE_PART);
        assertThat(parts).hasSize(6).allSatisfy(s -> {
            assertThat(s.to()).isEqualTo(s.chunk() % 3).isNotEqualTo(s.from());
            assertThat(s.values()).isEqualTo(s.chunk() == 2 ? 2 : 4);
        });
        List<Sent> reduced = world.sent(MessageKind.REDUCED_CHUNK);
        assertThat(reduced).hasSize(6).allSatisfy(s -> {
            assertThat(s.from()).isEqualTo(s.chunk() % 3).isNotEqualTo(s.to());
            assertThat(s.sequence()).isEqualTo(1);
        });
        assertThat(world.sent).hasSize(12);
    }

    /**
     * Values whose sums round (Gaussians of mixed magnitudes, a NaN-free spread): every world size, mean and
     * sum, gives on every rank the documented reduction bit for bit: in double, rank 0's value, then rank 1's
     * added, and so on, rounded once to float (the mean divided by N before rounding). Chunks of 7 over 40
     * values put each rank's parts in several chunks, one of them spanning both tensors.
     */
    /** Chunks of 7 values cut the 40 into six chunks; chunks of 64 hold all 40, which then go in one hop. */
    @ParameterizedTest(name = "{0} ranks, mean {1}, chunks of {2}")
    @CsvSource({"1, true, 7", "2, true, 7", "2, false, 7", "3, true, 7", "3, false, 7", "4, true, 7", "5, false, 7",
            "1, false, 64", "2, true, 64", "2, false, 64", "3, true, 64", "4, false, 64", "5, true, 64"})
    void everyWorldSizeGivesTheDocumentedReductionBitForBit(int worldSize, boolean mean, int chunkSize)
            throws Exception {
        ScriptedWorld world = new ScriptedWorld(worldSize);
        List<ChunkedCollective> ranks = collectives(world, chunkSize, TIMEOUT);
        float[][] values = new float[worldSize][];
        for (int r = 0; r < worldSize; r++) {
            java.util.Random random = new java.util.Random(31L * r + worldSize);
            values[r] = new float[40];
            for (int i = 0; i < 40; i++) {
                values[r][i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            }
        }
        float[] expected = new float[40];
        for (int i = 0; i < 40; i++) {
            double acc = values[0][i];
            for (int r = 1; r < worldSize; r++) {
                acc += values[r][i];
            }
            expected[i] = mean ? (float) (acc / worldSize) : (float) acc;
        }

        List<Object> results = onEveryRank(worldSize, r -> {
            Tensors grad = Tensors.of(Tensor.of("a", java.util.Arrays.copyOfRange(values[r], 0, 25), 5, 5),
                    Tensor.of("b", java.util.Arrays.copyOfRange(values[r], 25, 40), 15));
            if (mean) {
                ranks.get(r).allReduceMean(grad);
            } else {
                ranks.get(r).allReduceSum(grad);
            }
            return flat(grad);
        });

        for (Object result : results) {
            assertThat(floatBits((float[]) result)).containsExactly(floatBits(expected));
        }
        boolean oneHop = chunkSize >= 40;
        assertThat(world.sent(MessageKind.REDUCE_WHOLE)).hasSize(oneHop ? worldSize * (worldSize - 1) : 0);
        assertThat(world.sent(MessageKind.REDUCE_PART).isEmpty()).isEqualTo(oneHop || worldSize == 1);
    }

    private static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    @Test
    void messagesDeliveredBackToFrontGiveTheSameBits() throws Exception {
        ScriptedWorld world = new ScriptedWorld(3);
        world.reverseEachBurst = true;
        List<ChunkedCollective> ranks = collectives(world, 3, TIMEOUT);

        List<Object> results = onEveryRank(3, r -> {
            Tensors grad = gradient(r);
            ranks.get(r).allReduceMean(grad);
            ranks.get(r).allReduceMean(grad); // a second operation: sequences keep the two apart
            return flat(grad);
        });

        float[] once = expectedMean(3);
        for (Object result : results) {
            assertThat((float[]) result).containsExactly(once); // the mean of equal values is the value
        }
    }

    @Test
    void duplicatedMessagesAreRefusedAndChangeNoResult() throws Exception {
        ScriptedWorld world = new ScriptedWorld(2);
        world.duplicateEveryMessage = true;
        List<ChunkedCollective> ranks = collectives(world, 4, TIMEOUT);

        List<Object> results = onEveryRank(2, r -> {
            Tensors grad = gradient(r);
            ranks.get(r).allReduceMean(grad);
            Tensors again = gradient(r);
            ranks.get(r).allReduceMean(again);
            return flat(again);
        });

        for (Object result : results) {
            assertThat((float[]) result).containsExactly(expectedMean(2));
        }
        for (var mailbox : world.mailboxes) {
            assertThat(mailbox.pending()).as("no duplicate is left waiting").isZero();
        }
    }

    @Test
    void aRankThatLeavesFailsTheOthersNextOperationWhichChangesNothing() throws Exception {
        ScriptedWorld world = new ScriptedWorld(2);
        List<ChunkedCollective> ranks = collectives(world, 4, TIMEOUT);
        onEveryRank(2, r -> {
            ranks.get(r).allReduceSum(gradient(r));
            return null;
        });
        ranks.get(1).close();

        Tensors grad = gradient(0);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ranks.get(0).allReduceMean(grad)).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MEMBER_LEFT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.dividedBy(2));
        assertThat(flat(grad)).containsExactly(flat(gradient(0)));
        assertThat(world.sent(MessageKind.LEAVE)).singleElement()
                .satisfies(s -> assertThat(s.sequence()).as("its last operation").isEqualTo(1));
        // broken for good
        assertThatThrownBy(() -> ranks.get(0).checkDivergence(grad)).isInstanceOfSatisfying(
                CollectiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BROKEN));
    }

    @Test
    void aRankThatNeverComesTimesTheOperationOutWhichChangesNothing() {
        ScriptedWorld world = new ScriptedWorld(2);
        ChunkedCollective rank0 = ChunkedCollective.over(world.transport(0), 4, Duration.ofMillis(300));
        Tensors grad = gradient(0);
        OptimizerState state = OptimizerState.of(3, grad.copy(), grad.copy(), grad.copy());

        assertThatThrownBy(() -> rank0.allReduceMean(grad)).isInstanceOfSatisfying(CollectiveException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e).hasMessageContaining("rank 1 did not send its part");
        });
        assertThat(flat(grad)).containsExactly(flat(gradient(0)));
        assertThat(rank0.failure()).isNotNull();
        assertThatThrownBy(() -> rank0.broadcast(state)).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BROKEN));
        assertThat(rank0.operations()).as("a refused call starts no operation").isEqualTo(1);
    }

    @Test
    void aSendThatFailsMidwayChangesNothingOnAnyRankAndBreaksTheWorld() throws Exception {
        ScriptedWorld world = new ScriptedWorld(2);
        world.failingRank = 1;
        world.failingSend = 2; // rank 1 sends its part of chunk 0 to rank 0, then fails on its part of chunk 2
        List<ChunkedCollective> ranks = collectives(world, 4, Duration.ofSeconds(2));

        List<Object> results = onEveryRank(2, r -> {
            Tensors grad = gradient(r);
            try {
                ranks.get(r).allReduceMean(grad);
                return "stepped";
            } catch (CollectiveException e) {
                return flat(grad);
            }
        });

        assertThat((float[]) results.get(0)).containsExactly(flat(gradient(0)));
        assertThat((float[]) results.get(1)).containsExactly(flat(gradient(1)));
        assertThat(ranks.get(1).failure()).satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TRANSPORT));
    }

    @Test
    void theStateOfRankZeroArrivesInChunksAfterItsHeader() throws Exception {
        ScriptedWorld world = new ScriptedWorld(2);
        List<ChunkedCollective> ranks = collectives(world, 4, TIMEOUT);

        List<Object> results = onEveryRank(2, r -> {
            Tensors t = gradient(r);
            return ranks.get(r).broadcast(OptimizerState.of(10 + r, t.copy(), t.copy(), t.copy()));
        });

        OptimizerState onRank1 = (OptimizerState) results.get(1);
        assertThat(onRank1.count()).isEqualTo(10);
        assertThat(flat(onRank1.nu())).containsExactly(flat(gradient(0)));
        assertThat(world.sent(MessageKind.BROADCAST_HEADER)).singleElement()
                .satisfies(s -> assertThat(s.values()).as("fingerprint and count").isEqualTo(2));
        // 3 x 10 values in chunks of 4
        assertThat(world.sent(MessageKind.BROADCAST_CHUNK)).hasSize(8).allSatisfy(s -> assertThat(s.from()).isZero());
    }

    @Test
    void aSecondThreadInAnOperationIsRefused() throws Exception {
        ScriptedWorld world = new ScriptedWorld(2);
        ChunkedCollective rank0 = ChunkedCollective.over(world.transport(0), 4, TIMEOUT);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> rank0.allReduceMean(gradient(0)), threads);
        Thread.sleep(200);

        assertThatThrownBy(() -> rank0.allReduceMean(gradient(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another thread");
        rank0.close();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(CollectiveException.class);
    }

    @Test
    void badSettingsAreRefused() {
        ScriptedWorld world = new ScriptedWorld(2);
        assertThatThrownBy(() -> ChunkedCollective.over(world.transport(0), 0, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> ChunkedCollective.over(world.transport(0), 4, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }
}
