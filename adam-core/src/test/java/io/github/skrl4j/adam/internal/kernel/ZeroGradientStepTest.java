package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.internal.pipeline.AdamPipeline;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tensors whose gradient is all zero (a frozen layer) through the passes as a step runs them: where
 * their first moments have decayed to zero the passes only decay the second moments, and every value
 * stays bit for bit what each tensor's flushing kernel loop gives.
 */
class ZeroGradientStepTest {

    /** A large tensor (chunks, a line-aligned head, split across threads) and small ones. */
    private static final int[] SIZES = {2 * StepPasses.CHUNK + 17, 4_610, 768, 40, 2};

    private static AdamKernel kernel(String name) {
        if (name.equals("scalar")) {
            return ScalarAdamKernel.INSTANCE;
        }
        AdamKernel v = AdamKernels.vectorKernelOrNull();
        assertThat(v).as("the vector kernel (tests run with --add-modules jdk.incubator.vector)").isNotNull();
        return v;
    }

    /** Parameters, moments and gradients of every tensor; what a restored state may hold included. */
    private static final class State {
        final float[][] p = new float[SIZES.length][];
        final float[][] m = new float[SIZES.length][];
        final float[][] v = new float[SIZES.length][];

        State(Random r) {
            for (int t = 0; t < SIZES.length; t++) {
                p[t] = new float[SIZES[t]];
                m[t] = new float[SIZES[t]];
                v[t] = new float[SIZES[t]];
                for (int i = 0; i < SIZES[t]; i++) {
                    // -0.0 parameters and first moments: a step with a -0.0 gradient turns such a
                    // parameter into +0.0, which leaving it alone would not
                    p[t][i] = i % 7 == 0 ? -0f : (float) r.nextGaussian();
                    // tensor 2's first moments start zero, some -0.0: not zero as a step leaves them
                    m[t][i] = i % 5 == 0 ? -0f : t == 2 ? 0f : (float) (r.nextGaussian() * 1e-3);
                    v[t][i] = i % 9 == 0 ? Float.MIN_VALUE : (float) Math.abs(r.nextGaussian() * 1e-6);
                }
            }
        }

        State(State other) {
            for (int t = 0; t < SIZES.length; t++) {
                p[t] = other.p[t].clone();
                m[t] = other.m[t].clone();
                v[t] = other.v[t].clone();
            }
        }

        void assertBitEqualTo(State expected, String step) {
            for (int t = 0; t < SIZES.length; t++) {
                assertBitEqual(p[t], expected.p[t], step + ", parameter " + t);
                assertBitEqual(m[t], expected.m[t], step + ", mu " + t);
                assertBitEqual(v[t], expected.v[t], step + ", nu " + t);
            }
        }
    }

    /** Gradients for a step: tensors 0, 2 and 4 zero (with -0.0 among them), the others not; tensor 0 from step 350 on not either. */
    private static float[][] gradients(Random r, int step) {
        float[][] g = new float[SIZES.length][];
        for (int t = 0; t < SIZES.length; t++) {
            g[t] = new float[SIZES[t]];
            boolean frozen = frozen(t, step);
            for (int i = 0; i < SIZES[t]; i++) {
                g[t][i] = frozen ? (i % 3 == 0 ? -0f : 0f) : (float) (r.nextGaussian() * 1e-2);
            }
        }
        return g;
    }

    private static boolean frozen(int tensor, int step) {
        return tensor % 2 == 0 && !(tensor == 0 && step >= 350);
    }

    @ParameterizedTest
    @CsvSource({"scalar, 1", "scalar, 2", "vector, 1", "vector, 2"})
    void frozenTensorsStepBitForBitLikeTheFlushingLoopWhileTheirMomentsDecay(String kernelName, int parallelism) {
        AdamKernel kernel = kernel(kernelName);
        // betas that take the first moments to zero in some hundred steps and the second through the subnormals
        Adam config = Adam.builder().b1(0.5).b2(0.6).lr(1e-2).gradNormClip(0.5).build();
        Random r = new Random(parallelism);
        State passesState = new State(r);
        State reference = new State(passesState);
        // the owner stays reachable to the end: its collection would stop the worker threads
        Object owner = new Object();
        StepPasses passes = new StepPasses(owner, "zero", SIZES, parallelism, 10_000, kernel);
        StepCoefficients c = new StepCoefficients();
        boolean zeroPathOpen = false;
        try {
            for (int step = 0; step < 400; step++) {
                float[][] g = gradients(r, step);
                double sum = passes.sumOfSquares(g);
                // the same bits as passes that never saw the tensors frozen (one thread gives the same as any)
                StepPasses fresh = new StepPasses(owner, "fresh", SIZES, 1, 10_000, kernel);
                assertThat(Double.doubleToRawLongBits(sum)).as("step %d", step)
                        .isEqualTo(Double.doubleToRawLongBits(fresh.sumOfSquares(g)));
                double norm = Math.sqrt(sum);
                c.set(config.settings(), step + 1, AdamPipeline.clipFactor(norm, 0.5), 1e-2);
                for (int t = 0; t < SIZES.length; t++) {
                    assertThat(passes.gradientsZero(t)).as("step %d tensor %d", step, t).isEqualTo(frozen(t, step));
                }
                passes.update(passesState.p, g, passesState.m, passesState.v, null, c);
                for (int t = 0; t < SIZES.length; t++) {
                    kernel.update(reference.p[t], g[t], reference.m[t], reference.v[t], null, 0, SIZES[t], c, false);
                }
                passesState.assertBitEqualTo(reference, "step " + step);
                zeroPathOpen |= c.zeroFirstMomentKeepsParameters && allZero(passesState.m[0]) && anyNonzero(passesState.v[0]);
            }
        } finally {
            passes.close();
        }
        assertThat(owner).isNotNull();
        // a frozen tensor's first moments reached zero while its second moments still decayed
        assertThat(zeroPathOpen).isTrue();
        assertThat(allZero(passesState.v[2])).isTrue();
    }

    private static void assertBitEqual(float[] actual, float[] expected, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + " [" + i + "]: " + actual[i] + " != " + expected[i]);
            }
        }
    }

    private static boolean allZero(float[] a) {
        for (float x : a) {
            if (Float.floatToRawIntBits(x) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyNonzero(float[] a) {
        return !allZero(a);
    }

    @Test
    void parametersStayOnlyWhereTheCoefficientsKeepAZeroUpdateZero() {
        StepCoefficients c = new StepCoefficients();
        c.set(Adam.builder().build().settings(), 5, 1.0, 1e-3);
        assertThat(c.zeroFirstMomentKeepsParameters).isTrue();
        // a clip factor beyond float: a zero gradient times it is NaN, and so is the parameter
        c.set(Adam.builder().build().settings(), 5, 1e300, 1e-3);
        assertThat(c.zeroFirstMomentKeepsParameters).isFalse();
        // eps 0: a zero moment over a zero denominator is NaN
        c.set(Adam.builder().eps(0).build().settings(), 5, 1.0, 1e-3);
        assertThat(c.zeroFirstMomentKeepsParameters).isFalse();
        // not the plain loop (weight decay moves a parameter without any gradient)
        c.set(Adam.builder().weightDecay(1e-4).build().settings(), 5, 1.0, 1e-3);
        assertThat(c.zeroFirstMomentKeepsParameters).isFalse();
        c.set(Adam.builder().amsgrad(true).build().settings(), 5, 1.0, 1e-3);
        assertThat(c.zeroFirstMomentKeepsParameters).isFalse();
    }
}
