package io.github.skrl4j.adam.hazelcast;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.distributed.Checksums;
import io.github.skrl4j.adam.distributed.Collective;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small deterministic data-parallel training run, the same in the test JVM and in a child JVM. */
final class Training {

    static final Adam CONFIG = Adam.builder().name("policy").lr(1e-2).gradNormClip(0.5).build();

    private Training() {
    }

    /** A model of 3 tensors, 1,171 values; {@code seed} makes the replicas' starts differ. */
    static Tensors model(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return Tensors.of(
                Tensor.of("l0/kernel", gaussian(random, 4 * 64), 4, 64),
                Tensor.of("l0/bias", gaussian(random, 64), 64),
                Tensor.of("l1/kernel", gaussian(random, 64 * 14), 64, 14),
                Tensor.of("l1/bias", gaussian(random, 14), 14));
    }

    /** Rank {@code rank}'s gradient at {@code step}: its own data. */
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

    /** The documented mean: in double over ranks 0..N-1 in order, divided by N, rounded once. */
    static Tensors mean(List<Tensors> perRank) {
        List<Tensor> out = new ArrayList<>();
        Tensors first = perRank.get(0);
        for (int t = 0; t < first.size(); t++) {
            float[] result = new float[first.get(t).size()];
            for (int i = 0; i < result.length; i++) {
                double acc = perRank.get(0).get(t).data()[i];
                for (int r = 1; r < perRank.size(); r++) {
                    acc += perRank.get(r).get(t).data()[i];
                }
                result[i] = (float) (acc / perRank.size());
            }
            out.add(Tensor.of(first.get(t).name(), result, first.get(t).shape()));
        }
        return Tensors.of(out);
    }

    /** One replica: broadcast rank 0's start, then {@code steps} steps on the mean gradient. */
    static Replica replica(Collective collective, int steps) {
        Tensors params = model(collective.rank());
        collective.broadcast(params);
        Optimizer optimizer = CONFIG.init(params);
        for (int step = 0; step < steps; step++) {
            Tensors grad = gradient(params, collective.rank(), step);
            collective.allReduceMean(grad);
            optimizer = optimizer.step(grad, params);
        }
        return new Replica(params, optimizer);
    }

    /** One process stepping on the averaged gradients of {@code worldSize} ranks' data. */
    static Replica singleProcess(int worldSize, int steps) {
        Tensors params = model(0);
        Optimizer optimizer = CONFIG.init(params);
        for (int step = 0; step < steps; step++) {
            List<Tensors> perRank = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                perRank.add(gradient(params, r, step));
            }
            optimizer.step(mean(perRank), params);
        }
        return new Replica(params, optimizer);
    }

    record Replica(Tensors params, Optimizer optimizer) {

        /** Parameters, count and moments in one line, to compare replicas across JVMs. */
        String fingerprint() {
            OptimizerState state = optimizer.state();
            return "params=" + Checksums.hex(Checksums.crc32c(params)) + " count=" + state.count() + " mu="
                    + Checksums.hex(Checksums.crc32c(state.mu())) + " nu="
                    + Checksums.hex(Checksums.crc32c(state.nu()));
        }
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
