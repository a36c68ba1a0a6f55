package io.github.skrl4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.skrl4j.adam.Tensors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DJL 0.36.0 on PyTorch 2.7.1 (CPU): {@code Optimizer.adam()}'s update (PyTorch's fused adam kernel
 * through JNI) per tensor, after the global-norm clip (a dot product per tensor, a scaled copy).
 * The engine and its natives (from the pytorch-native-cpu jar, offline) load in the trial setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx4g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DjlAdamBenchmark {

    @State(Scope.Benchmark)
    public static class Large {
        @Param({"1", "64"})
        public int tensors;

        @Param({"1", "2"})
        public int threads;

        Step step;

        @Setup(Level.Trial)
        public void setUp() {
            step = new Step(PeerCases.data("large", tensors), 1.0, threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            step.manager.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Policy {
        Step step;

        @Setup(Level.Trial)
        public void setUp() {
            step = new Step(PeerCases.data("policy", 1), 0.5, 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            step.manager.close();
        }
    }

    static final class Step {
        final NDManager manager;
        final NDArray[] params;
        final NDArray[] grads;
        final String[] ids;
        final Optimizer adam;
        final double clip;

        Step(Tensors[] data, double clip, int threads) {
            // read by the PyTorch engine when it starts, which is below (one JMH fork per case)
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            this.clip = clip;
            manager = NDManager.newBaseManager("PyTorch");
            float[][] p = PeerCases.arrays(data[0]);
            float[][] g = PeerCases.arrays(data[1]);
            params = new NDArray[p.length];
            grads = new NDArray[p.length];
            ids = new String[p.length];
            for (int i = 0; i < p.length; i++) {
                params[i] = manager.create(p[i]);
                grads[i] = manager.create(g[i]);
                ids[i] = "p" + i;
            }
            adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).optBeta1(0.9f).optBeta2(0.999f)
                    .optEpsilon(1e-8f).build();
        }

        Object run() {
            double sumOfSquares = 0;
            for (NDArray g : grads) {
                try (NDArray dot = g.dot(g)) {
                    sumOfSquares += dot.getFloat();
                }
            }
            float factor = (float) PeerCases.clipFactor(sumOfSquares, clip);
            for (int i = 0; i < params.length; i++) {
                try (NDArray clipped = grads[i].mul(factor)) {
                    adam.update(ids[i], params[i], clipped);
                }
            }
            return params;
        }
    }

    // sampled: each step timed alone and the median taken, the statistic the C anchor reports
    // (a step here takes milliseconds, so the timer's ~25 ns do not matter; see docs/benchmarks.md)
    @BenchmarkMode(Mode.SampleTime)
    @Benchmark
    public Object large(Large s) {
        return s.step.run();
    }

    @Benchmark
    public Object policy(Policy s) {
        return s.step.run();
    }
}
