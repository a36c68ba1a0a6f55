package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The fused float32 kernel against the readable double-precision {@link ReferenceAdam}, on random
 * layouts, settings and step counts, plus invariants that follow from Optax's formulas.
 */
class AdamPropertiesTest {

    /** One random experiment: a layout, settings and a seed for values. */
    record Scenario(List<int[]> shapes, int steps, long seed, double clip, boolean amsgrad, boolean nesterov,
                    double weightDecay, boolean scale) {

        Adam config() {
            Random r = new Random(seed);
            return Adam.builder()
                    .lr(Math.pow(10, -1 - 3 * r.nextDouble()))
                    .gradNormClip(clip)
                    .scale(scale)
                    .b1(r.nextBoolean() ? 0.9 : 0.99 * r.nextDouble())
                    .b2(r.nextBoolean() ? 0.999 : 0.9 + 0.0999 * r.nextDouble())
                    .eps(r.nextBoolean() ? 1e-8 : Math.pow(10, -3 - 6 * r.nextDouble()))
                    .epsRoot(r.nextBoolean() ? 0 : Math.pow(10, -3 - 6 * r.nextDouble()))
                    .weightDecay(weightDecay)
                    .amsgrad(amsgrad)
                    .nesterov(nesterov)
                    .build();
        }

        Tensors params(Random r) {
            List<Tensor> list = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                list.add(Tensor.of("net/t" + i, randomValues(r, size(shapes.get(i)), 1.0), shapes.get(i)));
            }
            return Tensors.of(list);
        }

        Tensors grads(Random r, double scaleOfValues) {
            List<Tensor> list = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                list.add(Tensor.of("net/t" + i, randomValues(r, size(shapes.get(i)), scaleOfValues), shapes.get(i)));
            }
            return Tensors.of(list);
        }

        @Override
        public String toString() {
            return "Scenario[shapes=" + shapes.stream().map(Arrays::toString).toList() + ", steps=" + steps
                    + ", " + config() + "]";
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<List<int[]>> shapes = Arbitraries.integers().between(1, 7).array(int[].class)
                .ofMinSize(0).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(
                shapes,
                Arbitraries.integers().between(1, 40),
                Arbitraries.longs(),
                Arbitraries.of(0.0, -1.0, 0.05, 1.0, 10.0),
                Arbitraries.of(false, true),
                Arbitraries.of(false, true),
                Arbitraries.of(0.0, 1e-4, 0.1),
                Arbitraries.of(false, true)).as(Scenario::new);
    }

    @Property(tries = 300)
    void kernelMatchesTheReferencePipeline(@ForAll("scenarios") Scenario s) {
        Adam config = s.config();
        Random r = new Random(s.seed());
        Tensors params = s.params(r);
        Tensors initial = params.copy();
        ReferenceAdam reference = new ReferenceAdam(config, arrays(params));
        Optimizer optimizer = config.init(params);
        double gradScale = Math.pow(10, -3 + 5 * r.nextDouble());

        for (int step = 0; step < s.steps(); step++) {
            Tensors grad = s.grads(r, gradScale);
            double stepLr = 1e-3 * (1 + r.nextInt(10));
            optimizer = config.scale() ? optimizer.step(grad, params) : optimizer.step(grad, params, stepLr);
            reference.step(arrays(grad), stepLr);
            assertThat(optimizer.lastGradientNorm()).isCloseTo(reference.lastNorm,
                    org.assertj.core.data.Offset.offset(1e-9 * reference.lastNorm));
        }

        assertThat(optimizer.count()).isEqualTo(reference.count);
        OptimizerState state = optimizer.state();
        for (int t = 0; t < params.size(); t++) {
            float[] start = initial.get(t).data();
            double[] expected = reference.params[t];
            double moved = 0;
            double largest = 0;
            for (int i = 0; i < expected.length; i++) {
                moved = Math.max(moved, Math.abs(expected[i] - start[i]));
                largest = Math.max(largest, Math.abs(expected[i]));
            }
            // float32 rounds each of the s.steps() updates and the parameter itself
            double tolerance = 2e-4 * moved + 4e-7 * largest * s.steps() + 1e-9;
            assertClose("params " + t, expected, params.get(t).data(), tolerance);
            assertClose("mu " + t, reference.mu[t], state.mu().get(t).data(), 1e-5 * maxAbs(reference.mu[t]) + 1e-30);
            assertClose("nu " + t, reference.nu[t], state.nu().get(t).data(), 1e-5 * maxAbs(reference.nu[t]) + 1e-30);
            if (config.amsgrad()) {
                assertClose("nuMax " + t, reference.nuMax[t], state.nuMax().get(t).data(),
                        1e-5 * maxAbs(reference.nuMax[t]) + 1e-30);
            }
        }
    }

    @Property(tries = 200)
    void clippedGradientHasTheClipValueAsGlobalNorm(@ForAll("scenarios") Scenario s,
                                                    @ForAll @DoubleRange(min = 0.01, max = 10) double clip) {
        Adam config = Adam.builder().gradNormClip(clip).b1(0.5).build();
        Random r = new Random(s.seed());
        Tensors params = s.params(r);
        Tensors grad = s.grads(r, 100 * clip);
        double norm = norm(grad);
        StepEvent[] event = new StepEvent[1];
        config.init(params).addListener(e -> event[0] = e.snapshot()).step(grad, params).state();

        // after one step mu = (1 - b1) * clipped gradient, so its norm tells the clipped norm
        Optimizer fresh = config.init(params.copy());
        fresh.step(grad, params.copy());
        double clippedNorm = norm(fresh.state().mu()) / 0.5;
        if (norm >= clip) {
            assertThat(event[0].clipped()).isTrue();
            assertThat(clippedNorm).isCloseTo(clip, org.assertj.core.data.Offset.offset(1e-6 * clip));
        } else {
            assertThat(event[0].clipped()).isFalse();
            assertThat(clippedNorm).isCloseTo(norm, org.assertj.core.data.Offset.offset(1e-6 * norm + 1e-30));
        }
    }

    @Property(tries = 100)
    void zeroGradientsWithoutWeightDecayNeverMoveAParameter(@ForAll("scenarios") Scenario s,
                                                           @ForAll @IntRange(min = 1, max = 20) int steps) {
        Adam config = s.config().toBuilder().weightDecay(0).scale(true).build();
        Random r = new Random(s.seed());
        Tensors params = s.params(r);
        Tensors before = params.copy();
        Optimizer optimizer = config.init(params);
        for (int i = 0; i < steps; i++) {
            optimizer.step(s.grads(r, 0), params);
        }
        assertThat(params.contentEquals(before)).isTrue();
        assertThat(optimizer.count()).isEqualTo(steps);
        assertThat(optimizer.lastGradientNorm()).isZero();
    }

    @Property(tries = 200)
    void firstStepMovesEachParameterByLrTimesGOverAbsGPlusEps(@ForAll("scenarios") Scenario s) {
        Adam config = s.config().toBuilder().gradNormClip(0).weightDecay(0).epsRoot(0).nesterov(false).scale(true).build();
        Random r = new Random(s.seed());
        Tensors params = s.params(r);
        Tensors before = params.copy();
        Tensors grad = s.grads(r, Math.pow(10, -4 + 4 * r.nextDouble()));
        config.init(params).step(grad, params);
        for (int t = 0; t < params.size(); t++) {
            float[] g = grad.get(t).data();
            for (int i = 0; i < g.length; i++) {
                float p0 = before.get(t).data()[i];
                double expected = -config.lr() * g[i] / (Math.abs(g[i]) + config.eps());
                double actual = (double) params.get(t).data()[i] - p0;
                // the difference of two floats near p0 is exact only to p0's ulp
                assertThat(actual).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1e-6 * Math.abs(expected) + 1.5 * Math.ulp(p0)));
            }
        }
    }

    @Property(tries = 100)
    void scaleFalseWithTheSameLrIsBitIdenticalToScaleTrue(@ForAll("scenarios") Scenario s) {
        Adam scaled = s.config().toBuilder().scale(true).build();
        Adam unscaled = scaled.toBuilder().scale(false).build();
        Random r = new Random(s.seed());
        Tensors a = s.params(r);
        Tensors b = a.copy();
        Optimizer oa = scaled.init(a);
        Optimizer ob = unscaled.init(b);
        for (int i = 0; i < s.steps(); i++) {
            Tensors grad = s.grads(r, 1);
            oa.step(grad, a);
            ob.step(grad, b, scaled.lr());
        }
        assertThat(a.contentEquals(b)).isTrue();
    }

    @Property(tries = 100)
    void skippedNonFiniteStepChangesNothing(@ForAll("scenarios") Scenario s,
                                            @ForAll("nonFinite") float bad) {
        Adam config = s.config().toBuilder().scale(true).nonFinitePolicy(NonFinitePolicy.SKIP).build();
        Random r = new Random(s.seed());
        Tensors params = s.params(r);
        Optimizer optimizer = config.init(params);
        optimizer.step(s.grads(r, 1), params);
        Tensors before = params.copy();
        OptimizerState stateBefore = optimizer.state();

        Tensors grad = s.grads(r, 1);
        Tensor victim = grad.get(r.nextInt(grad.size()));
        victim.data()[r.nextInt(victim.size())] = bad;
        optimizer.step(grad, params);

        assertThat(params.contentEquals(before)).isTrue();
        assertThat(optimizer.count()).isEqualTo(1);
        assertThat(optimizer.skippedSteps()).isEqualTo(1);
        assertThat(optimizer.state().mu().contentEquals(stateBefore.mu())).isTrue();
        assertThat(optimizer.state().nu().contentEquals(stateBefore.nu())).isTrue();
    }

    @Provide
    Arbitrary<Float> nonFinite() {
        return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    private static void assertClose(String what, double[] expected, float[] actual, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > tolerance) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double norm(Tensors tensors) {
        double sum = 0;
        for (Tensor t : tensors) {
            for (float x : t.data()) {
                sum += (double) x * x;
            }
        }
        return Math.sqrt(sum);
    }

    static float[][] arrays(Tensors tensors) {
        return tensors.stream().map(Tensor::data).toArray(float[][]::new);
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    static float[] randomValues(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }
}
