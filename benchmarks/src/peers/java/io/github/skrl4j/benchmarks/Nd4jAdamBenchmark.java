package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Tensors;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * ND4J (nd4j-native, AVX-512 build): per tensor {@code AdamUpdater.applyUpdater} turns a copy of the
 * gradient into the update, the caller subtracts it; the global-norm clip is norm2 per tensor and
 * a scalar multiply. The natives load in the trial setup, outside the timed region.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Nd4jAdamBenchmark {

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
    }

    @State(Scope.Benchmark)
    public static class Policy {
        Step step;

        @Setup(Level.Trial)
        public void setUp() {
            step = new Step(PeerCases.data("policy", 1), 0.5, 1);
        }
    }

    static final class Step {
        final INDArray[] params;
        final INDArray[] grads;
        final INDArray[] work;
        final AdamUpdater[] updaters;
        final double clip;
        int iteration;

        Step(Tensors[] data, double clip, int threads) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            this.clip = clip;
            float[][] p = PeerCases.arrays(data[0]);
            float[][] g = PeerCases.arrays(data[1]);
            params = new INDArray[p.length];
            grads = new INDArray[p.length];
            work = new INDArray[p.length];
            updaters = new AdamUpdater[p.length];
            for (int i = 0; i < p.length; i++) {
                params[i] = Nd4j.createFromArray(p[i]);
                grads[i] = Nd4j.createFromArray(g[i]);
                work[i] = Nd4j.create(DataType.FLOAT, p[i].length);
                updaters[i] = new AdamUpdater(new Adam(1e-3, 0.9, 0.999, 1e-8));
                updaters[i].setStateViewArray(Nd4j.create(DataType.FLOAT, 1, 2L * p[i].length),
                        new long[] {p[i].length}, 'c', true);
            }
        }

        Object run() {
            double sumOfSquares = 0;
            for (INDArray g : grads) {
                double n = g.norm2Number().doubleValue();
                sumOfSquares += n * n;
            }
            double factor = PeerCases.clipFactor(sumOfSquares, clip);
            for (int i = 0; i < params.length; i++) {
                work[i].assign(grads[i]);
                if (factor != 1.0) {
                    work[i].muli(factor);
                }
                updaters[i].applyUpdater(work[i], iteration, 0);
                params[i].subi(work[i]);
            }
            iteration++;
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
