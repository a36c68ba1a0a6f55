package io.github.skrl4j.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.math.Parameters;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.Adam;

/**
 * Tribuo's {@code org.tribuo.math.optimisers.Adam} (double precision, one thread): {@code step}
 * turns a copy of the gradients into updates, {@code Parameters.update} adds them; the clip is the
 * global norm over the copies and a scale.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TribuoAdamBenchmark {

    @State(Scope.Benchmark)
    public static class Large {
        @Param({"1", "64"})
        public int tensors;

        Step step;

        @Setup(Level.Trial)
        public void setUp() {
            step = new Step(PeerCases.data("large", tensors), 1.0);
        }
    }

    @State(Scope.Benchmark)
    public static class Policy {
        Step step;

        @Setup(Level.Trial)
        public void setUp() {
            step = new Step(PeerCases.data("policy", 1), 0.5);
        }
    }

    /** Parameters as Tribuo's dense vectors; update adds the optimiser's output. */
    static final class VectorParameters implements Parameters {
        private static final long serialVersionUID = 1L;
        private Tensor[] weights;

        VectorParameters(Tensor[] weights) {
            this.weights = weights;
        }

        @Override
        public Tensor[] getEmptyCopy() {
            Tensor[] copy = new Tensor[weights.length];
            for (int i = 0; i < weights.length; i++) {
                copy[i] = new DenseVector(weights[i].getShape()[0]);
            }
            return copy;
        }

        @Override
        public Tensor[] get() {
            return weights;
        }

        @Override
        public void set(Tensor[] newWeights) {
            weights = newWeights;
        }

        @Override
        public void update(Tensor[] gradients) {
            for (int i = 0; i < weights.length; i++) {
                weights[i].intersectAndAddInPlace(gradients[i]);
            }
        }

        @Override
        public Tensor[] merge(Tensor[][] gradients, int size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.tribuo.math.protos.ParametersProto serialize() {
            throw new UnsupportedOperationException();
        }
    }

    static final class Step {
        final VectorParameters params;
        final DenseVector[] grads;
        final DenseVector[] work;
        final Adam adam = new Adam(1e-3, 0.9, 0.999, 1e-8);
        final double clip;

        Step(Tensors[] data, double clip) {
            this.clip = clip;
            float[][] p = PeerCases.arrays(data[0]);
            float[][] g = PeerCases.arrays(data[1]);
            Tensor[] weights = new Tensor[p.length];
            grads = new DenseVector[p.length];
            work = new DenseVector[p.length];
            for (int i = 0; i < p.length; i++) {
                weights[i] = DenseVector.createDenseVector(toDouble(p[i]));
                grads[i] = DenseVector.createDenseVector(toDouble(g[i]));
                work[i] = new DenseVector(p[i].length);
            }
            params = new VectorParameters(weights);
            adam.initialise(params);
        }

        private static double[] toDouble(float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return d;
        }

        Object run() {
            double sumOfSquares = 0;
            for (DenseVector g : grads) {
                double n = g.twoNorm();
                sumOfSquares += n * n;
            }
            double factor = PeerCases.clipFactor(sumOfSquares, clip);
            for (int i = 0; i < grads.length; i++) {
                work[i].setElements(grads[i]);
                work[i].scaleInPlace(-factor); // Tribuo's optimisers ascend: they are given -gradient
            }
            params.update(adam.step(work, 1.0));
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
