package io.github.skrl4j.adam.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalCollectivesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Parameters of a 3-tensor model; {@code seed} makes each replica's start differ. */
    static Tensors model(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return Tensors.of(
                Tensor.of("l0/kernel", gaussian(random, 4 * 16, 1.0), 4, 16),
                Tensor.of("l0/bias", gaussian(random, 16, 0.1), 16),
                Tensor.of("l1/kernel", gaussian(random, 16 * 3, 1.0), 16, 3));
    }

    /** What rank {@code rank} computes as its gradient at {@code step}: its own data. */
    static Tensors gradient(Tensors params, int rank, int step) {
        SplittableRandom random = new SplittableRandom(31L * step + 1000L * rank);
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) {
            float[] g = new float[p.size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (0.3 * p.data()[i] + random.nextGaussian());
            }
            grads.add(Tensor.of(p.name(), g, p.shape()));
        }
        return Tensors.of(grads);
    }

    /** The documented reduction: in double, ranks 0..N-1 in order, rounded once (mean: divided by N first). */
    static Tensors reference(List<Tensors> perRank, boolean mean) {
        List<Tensor> out = new ArrayList<>();
        Tensors first = perRank.get(0);
        for (int t = 0; t < first.size(); t++) {
            float[] result = new float[first.get(t).size()];
            for (int i = 0; i < result.length; i++) {
                double acc = perRank.get(0).get(t).data()[i];
                for (int r = 1; r < perRank.size(); r++) {
                    acc += perRank.get(r).get(t).data()[i];
                }
                result[i] = (float) (mean ? acc / perRank.size() : acc);
            }
            out.add(Tensor.of(first.get(t).name(), result, first.get(t).shape()));
        }
        return Tensors.of(out);
    }

    private static float[] gaussian(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    @ParameterizedTest(name = "{0} ranks, chunks of {1}, mean {2}")
    @CsvSource({"1, 7, true", "2, 7, true", "3, 7, false", "3, 7, true", "3, 1000, true", "4, 5, false"})
    void everyRankHoldsTheSameReductionInTheDocumentedOrder(int worldSize, int chunkSize, boolean mean) {
        List<Collective> world = LocalCollectives.create(worldSize, chunkSize, TIMEOUT);
        List<Tensors> inputs = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            inputs.add(gradient(model(1), r, 0));
        }
        Tensors expected = reference(inputs, mean);
        List<Tensors> grads = new ArrayList<>();
        for (Tensors in : inputs) {
            grads.add(in.copy());
        }

        List<Object> results = Ranks.run(worldSize, r -> {
            if (mean) {
                world.get(r).allReduceMean(grads.get(r));
            } else {
                world.get(r).allReduceSum(grads.get(r));
            }
            return "done";
        });

        assertThat(results).containsOnly("done");
        for (Tensors g : grads) {
            assertThat(g.contentEquals(expected)).as("bit-identical to the reference order").isTrue();
        }
        world.forEach(Collective::close);
    }

    @Test
    void replicasSteppingOnTheMeanStayEqualToOneProcessSteppingOnTheAveragedGradients() {
        int worldSize = 3;
        int steps = 25;
        List<Collective> world = LocalCollectives.create(worldSize, 11, TIMEOUT);
        Adam config = Adam.builder().name("policy").lr(1e-2).gradNormClip(0.5).build();

        // one process: rank 0's start, stepping on the averaged gradients of every rank's data
        Tensors single = model(0);
        Optimizer singleOptimizer = config.init(single);
        for (int step = 0; step < steps; step++) {
            List<Tensors> perRank = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                perRank.add(gradient(single, r, step));
            }
            singleOptimizer.step(reference(perRank, true), single);
        }

        Tensors[] params = new Tensors[worldSize];
        Optimizer[] optimizers = new Optimizer[worldSize];
        List<Object> results = Ranks.run(worldSize, r -> {
            Collective collective = world.get(r);
            Tensors p = model(r); // different starts: the broadcast makes them rank 0's
            collective.broadcast(p);
            Optimizer optimizer = config.init(p);
            for (int step = 0; step < steps; step++) {
                Tensors grad = gradient(p, r, step);
                collective.allReduceMean(grad);
                optimizer = optimizer.step(grad, p);
            }
            params[r] = p;
            optimizers[r] = optimizer;
            return collective.checkDivergence(p);
        });

        for (int r = 0; r < worldSize; r++) {
            assertThat(results.get(r)).isInstanceOfSatisfying(DivergenceCheck.class,
                    check -> assertThat(check.consistent()).isTrue());
            assertThat(params[r].contentEquals(single)).as("rank %d parameters", r).isTrue();
            OptimizerState state = optimizers[r].state();
            OptimizerState expected = singleOptimizer.state();
            assertThat(state.count()).isEqualTo(steps);
            assertThat(state.mu().contentEquals(expected.mu())).as("rank %d mu", r).isTrue();
            assertThat(state.nu().contentEquals(expected.nu())).as("rank %d nu", r).isTrue();
        }
        world.forEach(Collective::close);
    }

    @Test
    void theOptimizerStateOfRankZeroReachesEveryRank() {
        List<Collective> world = LocalCollectives.create(3, 13, TIMEOUT);
        Adam config = Adam.builder().name("value").lr(1e-2).amsgrad(true).build();
        Tensors trained = model(0);
        Optimizer rankZero = config.init(trained);
        for (int step = 0; step < 5; step++) {
            rankZero.step(gradient(trained, 0, step), trained);
        }
        OptimizerState expected = rankZero.state();

        List<Object> results = Ranks.run(3, r -> {
            Tensors p = r == 0 ? trained.copy() : model(r);
            Optimizer mine = r == 0 ? rankZero : config.init(p);
            OptimizerState state = world.get(r).broadcast(mine.state());
            world.get(r).broadcast(p);
            return Optimizer.restore(config, p, state).state();
        });

        for (Object result : results) {
            assertThat(result).isInstanceOfSatisfying(OptimizerState.class, state -> {
                assertThat(state.count()).isEqualTo(5);
                assertThat(state.mu().contentEquals(expected.mu())).isTrue();
                assertThat(state.nu().contentEquals(expected.nu())).isTrue();
                assertThat(state.nuMax().contentEquals(expected.nuMax())).isTrue();
            });
        }
    }

    @Test
    void aRankThatLeavesFailsTheOthersReductionAndChangesNothing() {
        List<Collective> world = LocalCollectives.create(3, 7, TIMEOUT);
        List<Tensors> grads = List.of(gradient(model(0), 0, 0), gradient(model(0), 1, 0), gradient(model(0), 2, 0));
        List<Tensors> before = grads.stream().map(Tensors::copy).toList();

        List<Object> results = Ranks.run(3, r -> {
            if (r == 2) {
                world.get(2).close(); // the member leaves instead of reducing
                return "left";
            }
            world.get(r).allReduceMean(grads.get(r));
            return "reduced";
        });

        for (int r = 0; r < 2; r++) {
            assertThat(results.get(r)).isInstanceOfSatisfying(CollectiveException.class,
                    e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MEMBER_LEFT));
            assertThat(grads.get(r).contentEquals(before.get(r))).as("rank %d gradient unchanged", r).isTrue();
        }
        // the world is broken for good: a later operation fails at once
        assertThatThrownBy(() -> world.get(0).allReduceMean(grads.get(0)))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.BROKEN));
    }

    @Test
    void aRankThatNeverComesTimesTheOthersOutAndChangesNothing() {
        List<Collective> world = LocalCollectives.create(2, 7, Duration.ofMillis(200));
        Tensors grad = gradient(model(0), 0, 0);
        Tensors before = grad.copy();

        assertThatThrownBy(() -> world.get(0).allReduceSum(grad))
                .isInstanceOfSatisfying(CollectiveException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollectiveException.Reason.TIMEOUT);
                    assertThat(e).hasMessageContaining("rank 1");
                });
        assertThat(grad.contentEquals(before)).isTrue();
    }

    @Test
    void differentLayoutsAreRefusedAndChangeNothing() {
        List<Collective> world = LocalCollectives.create(2, 7, TIMEOUT);
        Tensors small = Tensors.of(Tensor.of("w", new float[] {1, 2, 3}, 3));
        Tensors large = Tensors.of(Tensor.of("w", new float[] {1, 2, 3, 4}, 4));
        List<Tensors> params = List.of(small, large);

        List<Object> results = Ranks.run(2, r -> {
            world.get(r).broadcast(params.get(r));
            return "broadcast";
        });

        assertThat(results.get(1)).isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.MISMATCH));
        assertThat(large.get(0).data()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void theDivergenceCheckNamesTheRankThatDrifted() {
        List<Collective> world = LocalCollectives.create(3, 7, TIMEOUT);
        List<Tensors> params = List.of(model(0), model(0), model(0));
        params.get(2).get(1).data()[3] = Math.nextUp(params.get(2).get(1).data()[3]); // one ulp

        List<Object> results = Ranks.run(3, r -> world.get(r).checkDivergence(params.get(r)));

        for (int r = 0; r < 3; r++) {
            int rank = r;
            assertThat(results.get(r)).isInstanceOfSatisfying(DivergenceCheck.class, check -> {
                assertThat(check.consistent()).isFalse();
                assertThat(check.divergentRanks()).containsExactly(2);
                assertThat(check.localChecksum()).isEqualTo(Checksums.crc32c(params.get(rank)));
            });
        }
    }

    @Test
    void aChecksumCoversEveryBitOfEveryValue() {
        Tensors a = model(0);
        Tensors b = a.copy();
        assertThat(Checksums.crc32c(a)).isEqualTo(Checksums.crc32c(b));
        b.get(2).data()[b.get(2).size() - 1] = -b.get(2).data()[b.get(2).size() - 1];
        assertThat(Checksums.crc32c(a)).isNotEqualTo(Checksums.crc32c(b));
        // the same bytes as a CRC-32C over the little-endian floats
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) a.totalSize() * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        a.forEach(t -> {
            for (float f : t.data()) {
                bytes.putInt(Float.floatToRawIntBits(f));
            }
        });
        crc.update(bytes.flip());
        assertThat(Checksums.crc32c(a)).isEqualTo(crc.getValue());
    }

    @Test
    void aClosedCollectiveRefusesOperations() {
        List<Collective> world = LocalCollectives.create(1);
        Tensors grad = gradient(model(0), 0, 0);
        Tensors before = grad.copy();
        world.get(0).allReduceMean(grad);
        assertThat(grad.contentEquals(before)).as("the mean of one rank is its own gradient").isTrue();
        world.get(0).close();
        assertThatThrownBy(() -> world.get(0).allReduceMean(grad))
                .isInstanceOfSatisfying(CollectiveException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollectiveException.Reason.CLOSED));
    }
}
