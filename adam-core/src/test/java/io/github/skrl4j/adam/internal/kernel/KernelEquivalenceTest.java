package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.Adam;
import java.util.Random;
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
        assertThat(AdamKernels.choose("auto").name()).startsWith("vector-");
        assertThat(AdamKernels.choose("vector").name()).startsWith("vector-");
        assertThat(AdamKernels.choose("scalar")).isSameAs(ScalarAdamKernel.INSTANCE);
        assertThatIllegalStateException().isThrownBy(() -> AdamKernels.choose("fast"))
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

    @ParameterizedTest
    @ValueSource(ints = {1, 15, 16, 17, 63, 4_610, 70_001})
    void vectorKernelUpdatesBitForBitLikeTheScalarKernel(int n) {
        Random r = new Random(n);
        for (Adam config : new Adam[] {Adam.builder().build(), Adam.builder().b2(0.5).build(),
                Adam.builder().nesterov(true).weightDecay(0.1).build(), Adam.builder().amsgrad(true).build()}) {
            float[] p = values(r, n, 1);
            float[] g = values(r, n, 1e-3);
            float[] m = values(r, n, 1e-4);
            float[] v = values(r, n, 1e-8);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] nuMax = config.amsgrad() ? v.clone() : null;
            float[] p2 = p.clone();
            float[] m2 = m.clone();
            float[] v2 = v.clone();
            float[] nuMax2 = nuMax == null ? null : nuMax.clone();
            StepCoefficients c = coefficients(config, 7, 0.25);

            SCALAR.update(p, g, m, v, nuMax, 0, n, c);
            vector().update(p2, g, m2, v2, nuMax2, 0, n, c);

            assertBitEqual(p2, p);
            assertBitEqual(m2, m);
            assertBitEqual(v2, v);
            if (nuMax != null) {
                assertBitEqual(nuMax2, nuMax);
            }
            assertNoSubnormals(m);
            assertNoSubnormals(v);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 4_610, StepPasses.CHUNK})
    void vectorNormEqualsScalarNormWithinDoubleRounding(int n) {
        Random r = new Random(n);
        float[] g = values(r, n + 3, 1e3);
        double scalar = SCALAR.sumOfSquares(g, 3, n + 3);
        double vector = vector().sumOfSquares(g, 3, n + 3);
        double exact = 0;
        for (int i = 3; i < n + 3; i++) {
            exact += (double) g[i] * g[i];
        }
        assertThat(scalar).isCloseTo(exact, within(1e-12 * Math.abs(exact)));
        assertThat(vector).isCloseTo(exact, within(1e-12 * Math.abs(exact)));
    }

    @Test
    void normKeepsHugeAndTinyGradientsInDouble() {
        // float32 squares would overflow (above ~1.8e19) or underflow (below ~1e-19)
        float[] g = {3e30f, 4e30f, 1e-30f};
        double huge = (double) g[0] * g[0] + (double) g[1] * g[1];
        assertThat(SCALAR.sumOfSquares(g, 0, 2)).isCloseTo(huge, within(huge * 1e-15));
        assertThat(vector().sumOfSquares(g, 0, 2)).isCloseTo(huge, within(huge * 1e-15));
        double tiny = (double) g[2] * g[2];
        assertThat(SCALAR.sumOfSquares(g, 2, 3)).isEqualTo(tiny);
        assertThat(vector().sumOfSquares(g, 2, 3)).isEqualTo(tiny);
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
            ScalarAdamKernel.updatePlain(p, g, m, v, 0, n, c);
            ScalarAdamKernel.updateGeneral(pGeneral, g, mGeneral, vGeneral, 0, n, c);
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
