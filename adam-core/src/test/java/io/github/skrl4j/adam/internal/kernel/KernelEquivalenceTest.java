package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.Adam;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels against each other: the vector kernel against the portable one (the tests run with
 * {@code --add-modules jdk.incubator.vector}, see the pom), and the fast plain loop against the
 * general loop on the settings both cover.
 */
class KernelEquivalenceTest {

    private static final AdamKernel SCALAR = ScalarAdamKernel.INSTANCE;

    private static AdamKernel vector() {
        AdamKernel v = AdamKernels.vectorKernelOrNull();
        assertThat(v).as("the vector kernel (tests run with --add-modules jdk.incubator.vector)").isNotNull();
        return v;
    }

    @Test
    void providerPicksTheVectorKernelWhenTheModuleIsPresentAndHonoursTheProperty() {
        assertThat(ModuleLayer.boot().findModule(AdamKernels.VECTOR_MODULE)).isPresent();
        System.Logger log = System.getLogger(KernelEquivalenceTest.class.getName());
        assertThat(AdamKernels.choose("auto", log).name()).startsWith("vector-");
        assertThat(AdamKernels.choose("vector", log).name()).startsWith("vector-");
        assertThat(AdamKernels.choose("scalar", log)).isSameAs(ScalarAdamKernel.INSTANCE);
        assertThatIllegalStateException().isThrownBy(() -> AdamKernels.choose("fast", log))
                .withMessageContaining(AdamKernels.PROPERTY);
    }

    /**
     * Values from the whole float range that matters: normal, tiny, zero, near the flush boundary,
     * and what only a restored state can hold: -0.0 and subnormals of either sign.
     */
    private static float[] values(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> a[i] = 0f;
                case 8 -> a[i] = -0f;
                case 9 -> a[i] = (r.nextBoolean() ? 1 : -1) * Float.MIN_VALUE * (1 + r.nextInt(1 << 22));
                case 1 -> a[i] = (float) (r.nextGaussian() * 1e-36); // a step away from subnormal
                case 2 -> a[i] = (float) (r.nextGaussian() * 1e-20);
                default -> a[i] = (float) (r.nextGaussian() * scale);
            }
        }
        return a;
    }

    private static StepCoefficients coefficients(Adam config, long count, double clip) {
        StepCoefficients c = new StepCoefficients();
        c.set(config.settings(), count, clip, config.lr());
        return c;
    }

    /** A tensor's parameters and moments, updated in place by a kernel. */
    private record Moments(float[] p, float[] m, float[] v, float @Nullable [] nuMax) {

        /** As a restored state may hold them: tiny, subnormal and -0.0 values; second moments >= 0. */
        static Moments restored(Random r, int n, boolean amsgrad) {
            float[] p = values(r, n, 1);
            float[] m = values(r, n, 1e-4);
            float[] v = values(r, n, 1e-8);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] nuMax = null;
            if (amsgrad) {
                // a restored running maximum may hold -0.0 too (it is not below zero)
                nuMax = v.clone();
                for (int i = 0; i < n; i += 11) {
                    nuMax[i] = -0f;
                }
            }
            return new Moments(p, m, v, nuMax);
        }

        Moments copy() {
            return new Moments(p.clone(), m.clone(), v.clone(), nuMax == null ? null : nuMax.clone());
        }

        void update(AdamKernel kernel, float[] g, StepCoefficients c, boolean gradientsAboveFloor) {
            kernel.update(p, g, m, v, nuMax, 0, p.length, c, gradientsAboveFloor);
        }

        void assertBitEqualTo(Moments expected) {
            assertBitEqual(p, expected.p);
            assertBitEqual(m, expected.m);
            assertBitEqual(v, expected.v);
            if (expected.nuMax != null) {
                assertBitEqual(nuMax, expected.nuMax);
            }
        }

        void assertNoSubnormalMoments() {
            assertNoSubnormals(m);
            assertNoSubnormals(v);
            if (nuMax != null) {
                assertNoSubnormals(nuMax);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 15, 16, 17, 63, 4_610, 70_001})
    void vectorKernelUpdatesBitForBitLikeTheScalarKernel(int n) {
        Random r = new Random(n);
        for (Adam config : new Adam[] {Adam.builder().build(), Adam.builder().b2(0.5).build(),
                Adam.builder().nesterov(true).weightDecay(0.1).build(), Adam.builder().epsRoot(1e-9).build(),
                Adam.builder().amsgrad(true).build(), Adam.builder().amsgrad(true).nesterov(true).weightDecay(0.01).build()}) {
            float[] g = values(r, n, 1e-3);
            Moments scalar = Moments.restored(r, n, config.amsgrad());
            Moments vector = scalar.copy();
            StepCoefficients c = coefficients(config, 7, 0.25);

            scalar.update(SCALAR, g, c, false);
            vector.update(vector(), g, c, false);

            vector.assertBitEqualTo(scalar);
            scalar.assertNoSubnormalMoments();
        }
    }

    private static double exactSquares(float[] g, int from, int to) {
        double exact = 0;
        for (int i = from; i < to; i++) {
            exact += (double) g[i] * g[i];
        }
        return exact;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 15, 16, 23, 24, 31, 33, 255, 256, 4_095, 4_096, 4_097, 4_610, 9_999, StepPasses.CHUNK})
    void vectorNormEqualsScalarNormBitForBitAndTheExactSumWithinFloatLaneRounding(int n) {
        Random r = new Random(n);
        float[] g = values(r, n + 3, 1e3);
        double scalar = SCALAR.sumOfSquares(g, 3, n + 3, new NormScratch());
        double vector = vector().sumOfSquares(g, 3, n + 3, new NormScratch());
        double exact = exactSquares(g, 3, n + 3);
        assertThat(Double.doubleToRawLongBits(vector)).as("vector %s, scalar %s", vector, scalar)
                .isEqualTo(Double.doubleToRawLongBits(scalar));
        // short ranges in double; longer ones in float lanes, each folded float a sum of 256 squares
        // (a tree of 16 rows, then 4 levels of lanes)
        double tolerance = n < NormTree.SMALLEST_TREE_RANGE ? 1e-12 : 1e-6;
        assertThat(scalar).isCloseTo(exact, within(tolerance * Math.abs(exact)));
    }

    @Test
    void normOfAScratchReusedAcrossCallsDependsOnlyOnTheRange() {
        Random r = new Random(5);
        float[] g = values(r, 20_000, 1);
        NormScratch scratch = new NormScratch();
        double first = SCALAR.sumOfSquares(g, 100, 10_100, scratch);
        SCALAR.sumOfSquares(g, 0, 20_000, scratch);
        assertThat(SCALAR.sumOfSquares(g, 100, 10_100, scratch)).isEqualTo(first);
        assertThat(vector().sumOfSquares(g, 100, 10_100, scratch)).isEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 300, 5_000})
    void normKeepsHugeAndTinyGradientsInDouble(int n) {
        // float32 squares would overflow (above ~1.8e19) or underflow (below ~1e-19): the range is summed in double
        float[] huge = new float[n];
        float[] tiny = new float[n];
        for (int i = 0; i < n; i++) {
            huge[i] = (i % 2 == 0 ? 3e30f : 4e30f);
            tiny[i] = 1e-30f * (1 + i % 5);
        }
        for (AdamKernel kernel : new AdamKernel[] {SCALAR, vector()}) {
            double expectedHuge = exactSquares(huge, 0, n);
            assertThat(kernel.sumOfSquares(huge, 0, n, new NormScratch())).isCloseTo(expectedHuge, within(expectedHuge * 1e-12));
            double expectedTiny = exactSquares(tiny, 0, n);
            assertThat(kernel.sumOfSquares(tiny, 0, n, new NormScratch())).isCloseTo(expectedTiny, within(expectedTiny * 1e-12));
        }
    }

    /** Gradients of every magnitude above the floor, of either sign: no zero, nothing tiny. */
    private static float[] gradientsAboveFloor(Random r, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            float magnitude = (float) Math.scalb(1.0 + r.nextDouble(), r.nextInt(70) - 40);
            g[i] = r.nextBoolean() ? magnitude : -magnitude;
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 32, 64, 255, 4_095, 4_096, 4_610, 9_000, StepPasses.CHUNK})
    void normPassFindsTheGradientsAboveTheFloorExactlyWhenNoneIsAtOrBelowIt(int n) {
        Random r = new Random(n);
        NormScratch scratch = new NormScratch();
        float[] g = gradientsAboveFloor(r, n + 2);
        SCALAR.sumOfSquares(g, 1, n + 1, scratch);
        assertThat(scratch.gradientsAboveFloor).isTrue();
        // one gradient at or below 2^-40.5, not a number, anywhere in the range, or an edge value just above
        for (float bad : new float[] {0f, -0f, 0x1p-41f, -0x1p-41f, 0x1.6a09e6p-41f, Float.MIN_VALUE, Float.NaN}) {
            int at = 1 + r.nextInt(n);
            float kept = g[at];
            g[at] = bad;
            SCALAR.sumOfSquares(g, 1, n + 1, scratch);
            assertThat(scratch.gradientsAboveFloor).as("%s at %d", bad, at).isFalse();
            g[at] = kept;
        }
        for (float fine : new float[] {0x1p-40f, -0x1p-40f, 1e30f, Float.POSITIVE_INFINITY}) {
            int at = 1 + r.nextInt(n);
            float kept = g[at];
            g[at] = fine;
            SCALAR.sumOfSquares(g, 1, n + 1, scratch);
            assertThat(scratch.gradientsAboveFloor).as("%s at %d", fine, at).isTrue();
            g[at] = kept;
        }
        // outside the range nothing counts
        g[0] = 0f;
        g[n + 1] = 0f;
        SCALAR.sumOfSquares(g, 1, n + 1, scratch);
        assertThat(scratch.gradientsAboveFloor).isTrue();
        // the vector kernel does not check, and says so
        vector().sumOfSquares(g, 1, n + 1, scratch);
        assertThat(scratch.gradientsAboveFloor).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 64, 300, 4_610, 70_001})
    void loopsWithoutTheFlushGiveTheSameBitsWhenTheGradientsAreAboveTheFloor(int n) {
        Random r = new Random(n);
        for (Adam config : new Adam[] {Adam.builder().build(), Adam.builder().b1(0).b2(0.5).build(),
                Adam.builder().nesterov(true).weightDecay(0.1).build(), Adam.builder().epsRoot(1e-9).build(),
                Adam.builder().amsgrad(true).build(), Adam.builder().amsgrad(true).nesterov(true).weightDecay(0.01).build()}) {
            for (double clip : new double[] {1.0, 0x1p-7}) {
                float[] g = gradientsAboveFloor(r, n);
                NormScratch scratch = new NormScratch();
                SCALAR.sumOfSquares(g, 0, n, scratch);
                StepCoefficients c = coefficients(config, 3, clip);
                assertThat(scratch.gradientsAboveFloor && c.gradientFloorSuffices).isTrue();
                Moments withoutFlush = Moments.restored(r, n, config.amsgrad());
                Moments flushing = withoutFlush.copy();
                Moments vector = withoutFlush.copy();

                withoutFlush.update(SCALAR, g, c, true);
                flushing.update(SCALAR, g, c, false);
                vector.update(vector(), g, c, true);

                flushing.assertBitEqualTo(withoutFlush);
                vector.assertBitEqualTo(withoutFlush);
            }
        }
    }

    /**
     * AMSGrad without Nesterov and with epsRoot 0 runs one loop that leaves out the terms of
     * {@code gradScale} (+0.0) and {@code epsRoot} (a zero): the same bits as the two loops that keep
     * them, for every state a step can meet, -0.0 and subnormal values included, and clip factors
     * that round the scaled gradient to a zero of either sign.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 17, 64, 300, 4_610})
    void amsgradInOneLoopGivesTheBitsOfTheTwoLoopsWithEveryTerm(int n) {
        Random r = new Random(n);
        for (Adam config : new Adam[] {Adam.builder().amsgrad(true).build(),
                Adam.builder().amsgrad(true).weightDecay(0.01).lr(0.1).build(),
                Adam.builder().amsgrad(true).b1(0).b2(0.5).eps(0).build(),
                Adam.builder().amsgrad(true).epsRoot(-0.0).build()}) {
            for (double clip : new double[] {1.0, 0.25, 1e-40, 0}) {
                for (long count : new long[] {1, 7, 100_000}) {
                    StepCoefficients c = coefficients(config, count, clip);
                    assertThat(c.amsgradInOneLoop).as("%s", config).isTrue();
                    float[] g = values(r, n, 1e-3);
                    Moments twoLoops = Moments.restored(r, n, true);
                    for (int i = 0; i < n; i += 7) {
                        twoLoops.p()[i] = i % 2 == 0 ? -0f : 0f;
                    }
                    Moments oneLoop = twoLoops.copy();

                    ScalarAdamKernel.amsgradMoments(g, twoLoops.m(), twoLoops.v(), twoLoops.nuMax(), 0, n, c);
                    ScalarAdamKernel.amsgradParameters(twoLoops.p(), g, twoLoops.m(), twoLoops.nuMax(), 0, n, c);
                    ScalarAdamKernel.updateAmsgrad(oneLoop.p(), g, oneLoop.m(), oneLoop.v(), oneLoop.nuMax(), 0, n, c);

                    oneLoop.assertBitEqualTo(twoLoops);
                }
            }
        }
        assertThat(coefficients(Adam.builder().amsgrad(true).nesterov(true).build(), 3, 1).amsgradInOneLoop).isFalse();
        assertThat(coefficients(Adam.builder().amsgrad(true).epsRoot(1e-12).build(), 3, 1).amsgradInOneLoop).isFalse();
        assertThat(coefficients(Adam.builder().build(), 3, 1).amsgradInOneLoop).isFalse();
    }

    @Test
    void theFloorSufficesOnlyForClipFactorsAndBetasThatKeepTheTermsNormal() {
        Adam defaults = Adam.builder().build();
        assertThat(coefficients(defaults, 1, 1.0).gradientFloorSuffices).isTrue();
        assertThat(coefficients(defaults, 1, 0x1p-7).gradientFloorSuffices).isTrue();
        assertThat(coefficients(defaults, 1, 0x1p-8).gradientFloorSuffices).isFalse();
        assertThat(coefficients(Adam.builder().b1(1 - 0x1p-31).build(), 1, 1.0).gradientFloorSuffices).isFalse();
        assertThat(coefficients(Adam.builder().b2(1 - 0x1p-31).build(), 1, 1.0).gradientFloorSuffices).isFalse();
        assertThat(coefficients(Adam.builder().b1(0).b2(0).build(), 1, 1.0).gradientFloorSuffices).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {4_096, 4_610, 9_000, StepPasses.CHUNK})
    void normOfAZeroGradientIsZeroAndOfATinyOneExact(int n) {
        float[] zeros = new float[n];
        for (int i = 0; i < n; i += 3) {
            zeros[i] = -0f;
        }
        for (AdamKernel kernel : new AdamKernel[] {SCALAR, vector()}) {
            assertThat(kernel.sumOfSquares(zeros, 0, n, new NormScratch())).isZero();
            // one subnormal or tiny gradient anywhere: its float square is zero, the exact sum is not
            for (float tiny : new float[] {Float.MIN_VALUE, 1e-40f, -3e-30f}) {
                int at = n / 2 + 1;
                zeros[at] = tiny;
                assertThat(kernel.sumOfSquares(zeros, 0, n, new NormScratch())).as("%s", tiny)
                        .isEqualTo((double) tiny * tiny);
                zeros[at] = 0f;
            }
        }
    }

    @Test
    void flushedIsTheIdentityForNormalFloatsAndPositiveZeroForEveryOtherFinite() {
        Random r = new Random(11);
        for (int k = 0; k < 2_000_000; k++) {
            // the boundary region bit by bit, then random bit patterns
            int bits = k < 1_000_000 ? StepCoefficients.MIN_NORMAL_BITS - 500_000 + k : r.nextInt();
            float x = Float.intBitsToFloat(bits);
            if (Float.isNaN(x)) {
                continue;
            }
            float expected = (bits & 0x7f80_0000) == 0 ? 0f : x;
            assertThat(Float.floatToRawIntBits(ScalarAdamKernel.flushed(x))).as("flushed(%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(expected));
            float magnitude = Math.abs(x);
            assertThat(Float.floatToRawIntBits(ScalarAdamKernel.flushedNonNegative(magnitude)))
                    .isEqualTo(Float.floatToRawIntBits((bits & 0x7f80_0000) == 0 ? 0f : magnitude));
        }
        for (float x : new float[] {-0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            int bits = Float.floatToRawIntBits(x);
            float expected = (bits & 0x7f80_0000) == 0 ? 0f : x;
            assertThat(Float.floatToRawIntBits(ScalarAdamKernel.flushed(x))).isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void fastPlainLoopEqualsGeneralLoopWithinFloatRounding() {
        Random r = new Random(42);
        int n = 10_000;
        Adam config = Adam.builder().lr(1e-3).build();
        float[] p = values(r, n, 1);
        float[] m = values(r, n, 1e-3);
        float[] v = values(r, n, 1e-6);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
        }
        float[] pGeneral = p.clone();
        float[] mGeneral = m.clone();
        float[] vGeneral = v.clone();
        for (long count = 1; count <= 50; count++) {
            float[] g = values(r, n, 1e-3);
            StepCoefficients c = coefficients(config, count, 0.8);
            assertThat(c.plain).isTrue();
            ScalarAdamKernel.updatePlainFlushingNu(p, g, m, v, 0, n, c);
            ScalarAdamKernel.generalMoments(g, mGeneral, vGeneral, 0, n, c);
            ScalarAdamKernel.generalParametersFlushingNu(pGeneral, g, mGeneral, vGeneral, 0, n, c);
        }
        // the moments are the same formula in both; the parameter update is rearranged
        assertBitEqual(m, mGeneral);
        assertBitEqual(v, vGeneral);
        for (int i = 0; i < n; i++) {
            // each update is at most a few lr; its float rounding (~2^-22 of it) adds up over 50 steps
            assertThat(p[i]).as("p[%d]", i).isCloseTo(pGeneral[i], within(Math.ulp(Math.abs(pGeneral[i])) * 8 + 5e-8f));
        }
    }

    @Test
    void plainFlagOnlyForThePlainSettings() {
        assertThat(coefficients(Adam.builder().build(), 1, 1).plain).isTrue();
        assertThat(coefficients(Adam.builder().amsgrad(true).build(), 1, 1).plain).isFalse();
        assertThat(coefficients(Adam.builder().nesterov(true).build(), 1, 1).plain).isFalse();
        assertThat(coefficients(Adam.builder().epsRoot(1e-9).build(), 1, 1).plain).isFalse();
        assertThat(coefficients(Adam.builder().weightDecay(1e-4).build(), 1, 1).plain).isFalse();
    }

    static void assertNoSubnormals(float[] a) {
        for (int i = 0; i < a.length; i++) {
            float x = Math.abs(a[i]);
            if (x != 0 && x < Float.MIN_NORMAL) {
                throw new AssertionError("subnormal at " + i + ": " + a[i]);
            }
        }
    }

    static void assertBitEqual(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError("[" + i + "]: " + actual[i] + " != " + expected[i]);
            }
        }
    }
}
