package io.github.skrl4j.adam.internal.kernel;

import io.github.skrl4j.adam.testing.ReferenceAdam;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.skrl4j.adam.Adam;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tensor whose gradient turns zero: its moments decay towards subnormal floats, which the kernel
 * flushes to zero (as XLA on CPU does). The parameters still follow the reference pipeline.
 */
class SubnormalMomentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void decayingMomentsAreFlushedAndParametersStayOnTheReference(String kernelName) {
        AdamKernel kernel = kernelName.equals("scalar") ? ScalarAdamKernel.INSTANCE : AdamKernels.vectorKernelOrNull();
        assertThat(kernel).as("the vector kernel (tests run with --add-modules jdk.incubator.vector)").isNotNull();
        // b2 = 0.9 lets nu reach the subnormal range within a few hundred steps (b2 = 0.999 takes ~80,000)
        Adam config = Adam.builder().lr(1e-2).b1(0.8).b2(0.9).gradNormClip(1.0).build();
        int n = 100;
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = 0.5f + i * 0.01f;
        }
        ReferenceAdam reference = new ReferenceAdam(config, new float[][] {p.clone()});
        float[] m = new float[n];
        float[] v = new float[n];
        float[] g = new float[n];
        StepCoefficients c = new StepCoefficients();
        NormScratch scratch = new NormScratch();
        boolean sawTinyMoments = false;
        for (int step = 1; step <= 1_500; step++) {
            for (int i = 0; i < n; i++) {
                g[i] = step <= 100 ? 1e-3f * ((i % 13) - 6.5f) : 0f;
            }
            reference.step(new float[][] {g}, config.lr());
            double norm = Math.sqrt(kernel.sumOfSquares(g, 0, n, scratch));
            c.set(config.settings(), step, norm >= 1.0 ? 1.0 / norm : 1.0, config.lr());
            kernel.update(p, g, m, v, null, 0, n, c, scratch.gradientsAboveFloor);

            KernelEquivalenceTest.assertNoSubnormals(m);
            KernelEquivalenceTest.assertNoSubnormals(v);
            sawTinyMoments |= v[0] != 0 && v[0] < 1e-30f;
        }
        assertThat(sawTinyMoments).as("nu passed close to the subnormal range").isTrue();
        // after 1,400 zero gradients both moments decayed all the way: exactly zero, not subnormal
        float[] zeros = new float[n];
        assertThat(m).containsExactly(zeros);
        assertThat(v).containsExactly(zeros);
        for (int i = 0; i < n; i++) {
            assertThat((double) p[i]).as("p[%d]", i).isCloseTo(reference.params[0][i], within(2e-5));
        }
        assertThat(Arrays.stream(reference.nu[0]).max().orElseThrow()).isLessThan(Float.MIN_NORMAL);
    }
}
