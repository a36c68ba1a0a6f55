package io.github.skrl4j.adam.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.OptimizerState;
import io.github.skrl4j.adam.Tensor;
import io.github.skrl4j.adam.Tensors;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Tensors above the parallel threshold are split across worker threads; the chunked norm makes the
 * result bit-for-bit the same as on one thread, whatever the parallelism.
 */
class ParallelStepTest {

    /** Two large tensors (one not a multiple of the chunk or the alignment) and two small ones. */
    private static final int[] SIZES = {70_001, 5, 3 * StepPasses.CHUNK + 17, 4_610};

    private static Tensors params(long seed) {
        Random r = new Random(seed);
        Tensor[] ts = new Tensor[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            float[] d = new float[SIZES[i]];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) r.nextGaussian();
            }
            ts[i] = Tensor.of("t" + i, d, SIZES[i]);
        }
        return Tensors.of(ts);
    }

    private static Tensors grads(Random r) {
        Tensor[] ts = new Tensor[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            float[] d = new float[SIZES[i]];
            for (int j = 0; j < d.length; j++) {
                // mixed magnitudes, so that the order of summation would show in the last bits
                d[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            ts[i] = Tensor.of("t" + i, d, SIZES[i]);
        }
        return Tensors.of(ts);
    }

    private record Run(Tensors params, OptimizerState state, double[] norms) {
    }

    private static Run run(Adam.Builder settings, int parallelism, int steps) {
        Tensors model = params(1);
        Optimizer opt = settings.parallelism(parallelism).parallelThreshold(4_096).build().init(model);
        Random r = new Random(2);
        double[] norms = new double[steps];
        for (int s = 0; s < steps; s++) {
            opt.step(grads(r), model);
            norms[s] = opt.lastGradientNorm();
        }
        return new Run(model, opt.state(), norms);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void parallelStepsEqualOneThreadBitForBit(int parallelism) {
        Adam.Builder settings = Adam.builder().name("par-plain-" + parallelism).lr(1e-2).gradNormClip(1.0);
        Run single = run(settings, 1, 6);
        Run parallel = run(settings, parallelism, 6);

        assertThat(parallel.norms()).isEqualTo(single.norms());
        assertThat(parallel.norms()[0]).isGreaterThan(1.0); // clipping was on
        assertBitEqual(parallel.params(), single.params());
        assertBitEqual(parallel.state().mu(), single.state().mu());
        assertBitEqual(parallel.state().nu(), single.state().nu());
        assertThat(workerThreadNames()).anyMatch(n -> n.startsWith("skrl4j-adam-par-plain-" + parallelism + "-"));
    }

    @Test
    void parallelGeneralSettingsEqualOneThreadBitForBit() {
        Adam.Builder settings = Adam.builder().name("par-general").lr(3e-3).gradNormClip(0.5).amsgrad(true)
                .weightDecay(0.01).epsRoot(1e-12);
        Run single = run(settings, 1, 4);
        Run parallel = run(settings, 2, 4);

        assertThat(parallel.norms()).isEqualTo(single.norms());
        assertBitEqual(parallel.params(), single.params());
        assertBitEqual(parallel.state().mu(), single.state().mu());
        assertBitEqual(parallel.state().nu(), single.state().nu());
        assertBitEqual(parallel.state().nuMax(), single.state().nuMax());
    }

    @Test
    void smallTensorsStayOnTheCallingThread() {
        Tensors model = Tensors.of(Tensor.of("w", new float[4_610], 4_610), Tensor.of("b", new float[64], 64));
        Optimizer opt = Adam.builder().name("par-small").parallelism(4).build().init(model);
        opt.step(Tensors.of(Tensor.of("w", filled(4_610, 0.1f), 4_610), Tensor.of("b", filled(64, 0.1f), 64)), model);

        assertThat(model.get("w").data()[0]).isNotZero();
        assertThat(workerThreadNames()).noneMatch(n -> n.startsWith("skrl4j-adam-par-small-"));
    }

    @Test
    void parallelSettingsAreChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> Adam.builder().parallelism(0).build())
                .withMessageContaining("parallelism");
        assertThatIllegalArgumentException().isThrownBy(() -> Adam.builder().parallelThreshold(0).build())
                .withMessageContaining("parallelThreshold");
        Adam a = Adam.builder().parallelism(3).parallelThreshold(1_000).build();
        assertThat(a.toBuilder().build()).isEqualTo(a);
        assertThat(a.parallelism()).isEqualTo(3);
        assertThat(a.parallelThreshold()).isEqualTo(1_000);
        assertThat(Adam.builder().build().parallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(Adam.builder().build().parallelThreshold()).isEqualTo(65_536);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static Set<String> workerThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    static void assertBitEqual(Tensors actual, Tensors expected) {
        assertThat(actual.names()).isEqualTo(expected.names());
        for (int i = 0; i < expected.size(); i++) {
            float[] a = actual.get(i).data();
            float[] e = expected.get(i).data();
            for (int j = 0; j < e.length; j++) {
                if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(e[j])) {
                    throw new AssertionError(expected.get(i).name() + "[" + j + "]: " + a[j] + " != " + e[j]);
                }
            }
        }
    }
}
