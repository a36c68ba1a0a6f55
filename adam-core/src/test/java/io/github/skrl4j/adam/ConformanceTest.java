package io.github.skrl4j.adam;

import io.github.skrl4j.adam.testing.ReferenceAdam;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared conformance cases: skrl's JAX Adam computed in float64, which the float32 kernel must
 * reach within each case's tolerance. The reference pipeline is held to the same cases.
 */
class ConformanceTest {

    static Stream<ConformanceCase> cases() {
        return ConformanceCase.NAMES.stream().map(ConformanceCase::load);
    }

    @Test
    void everyCaseFileIsListed() throws IOException, URISyntaxException {
        Path folder = Path.of(ConformanceTest.class.getResource("/conformance").toURI());
        List<String> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(ConformanceCase.NAMES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void optimizerReachesTheExpectedState(ConformanceCase c) {
        Tensors params = c.initialParams();
        List<StepEvent> events = new ArrayList<>();
        Optimizer optimizer = c.config.toBuilder().listener(e -> events.add(e.snapshot())).build().init(params);

        for (ConformanceCase.Step step : c.steps) {
            optimizer = step.lr() == null
                    ? optimizer.step(step.gradTensors(), params)
                    : optimizer.step(step.gradTensors(), params, step.lr());
        }

        OptimizerState state = optimizer.state();
        assertThat(optimizer.count()).isEqualTo(c.expectedCount);
        assertThat(state.count()).isEqualTo(c.expectedCount);
        assertMatches(c, "params", c.expectedParams, params);
        assertMatches(c, "mu", c.expectedMu, state.mu());
        assertMatches(c, "nu", c.expectedNu, state.nu());
        assertThat(events).hasSize(c.steps.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).gradientNorm()).as("%s: gradient norm of step %d", c, i + 1)
                    .isCloseTo(c.expectedGradientNorms[i], org.assertj.core.data.Percentage.withPercentage(1e-6));
            assertThat(events.get(i).count()).isEqualTo(i + 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referencePipelineReachesTheExpectedState(ConformanceCase c) {
        ReferenceAdam reference = new ReferenceAdam(c.config, c.initialParamArrays());
        for (ConformanceCase.Step step : c.steps) {
            float[][] grads = step.grads().stream().map(ConformanceCase.NamedArray::data).toArray(float[][]::new);
            reference.step(grads, step.lr() == null ? Double.NaN : step.lr());
        }
        assertThat(reference.count()).isEqualTo(c.expectedCount);
        for (int t = 0; t < c.expectedParams.size(); t++) {
            assertThat(c.withinTolerance(c.expectedParams.get(t).data(), reference.params[t]))
                    .as("%s: reference params of %s", c, c.expectedParams.get(t).name()).isTrue();
            assertThat(c.withinTolerance(c.expectedMu.get(t).data(), reference.mu()[t])).isTrue();
            assertThat(c.withinTolerance(c.expectedNu.get(t).data(), reference.nu[t])).isTrue();
        }
    }

    @Test
    void optaxDocstringExampleRoundsAsPrinted() {
        // optax.adam's documented example: f(x) = sum(x^2), x0 = [1, 2, 3], lr 0.003
        Tensor x = Tensor.of("x", new float[] {1, 2, 3}, 3);
        Tensors params = Tensors.of(x);
        Optimizer optimizer = Adam.create(params, 0.003);
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] v = x.data();
            Tensors grad = Tensors.of(Tensor.of("x", new float[] {2 * v[0], 2 * v[1], 2 * v[2]}, 3));
            optimizer = optimizer.step(grad, params);
            double objective = (double) v[0] * v[0] + (double) v[1] * v[1] + (double) v[2] * v[2];
            printed.add(String.format(java.util.Locale.ROOT, "%.2E", objective));
        }
        assertThat(printed).containsExactly("1.40E+01", "1.39E+01", "1.39E+01", "1.39E+01", "1.38E+01");
    }

    private static void assertMatches(ConformanceCase c, String what, List<ConformanceCase.NamedArray> expected,
                                      Tensors actual) {
        assertThat(actual.names()).as("%s: %s names", c, what)
                .containsExactlyElementsOf(expected.stream().map(ConformanceCase.NamedArray::name).toList());
        for (ConformanceCase.NamedArray e : expected) {
            Tensor a = actual.get(e.name());
            assertThat(a.shape()).isEqualTo(e.shape());
            assertThat(c.withinTolerance(e.data(), ConformanceCase.toDouble(a.data())))
                    .as("%s: %s '%s' expected %s but was %s", c, what, e.name(),
                            java.util.Arrays.toString(e.data()), java.util.Arrays.toString(a.data()))
                    .isTrue();
        }
    }
}
