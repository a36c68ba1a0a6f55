package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every refused step names what is wrong and leaves parameters, moments and count exactly as they were. */
class RejectedStepTest {

    private static final String KERNEL = "policy/l0/kernel";
    private static final String BIAS = "policy/l0/bias";

    private Tensors params;
    private Optimizer optimizer;
    private Tensors paramsBefore;
    private OptimizerState stateBefore;

    @BeforeEach
    void warmUp() {
        params = Tensors.of(
                Tensor.of(KERNEL, new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, 2, 3),
                Tensor.of(BIAS, new float[] {0.01f, 0.02f, 0.03f}, 3));
        optimizer = Adam.builder().name("policy").lr(1e-2).gradNormClip(0.5).amsgrad(true).build().init(params);
        for (int i = 0; i < 3; i++) {
            optimizer.step(grad(0.3f * (i + 1)), params);
        }
        paramsBefore = params.copy();
        stateBefore = optimizer.state();
    }

    @AfterEach
    void nothingChanged() {
        assertUnchanged();
    }

    private void assertUnchanged() {
        assertThat(params.contentEquals(paramsBefore)).as("parameters unchanged").isTrue();
        OptimizerState state = optimizer.state();
        assertThat(state.count()).isEqualTo(3);
        assertThat(optimizer.count()).isEqualTo(3);
        assertThat(state.mu().contentEquals(stateBefore.mu())).as("mu unchanged").isTrue();
        assertThat(state.nu().contentEquals(stateBefore.nu())).as("nu unchanged").isTrue();
        assertThat(state.nuMax().contentEquals(stateBefore.nuMax())).as("nuMax unchanged").isTrue();
    }

    private static Tensors grad(float scale) {
        return Tensors.of(
                Tensor.of(KERNEL, new float[] {scale, -scale, scale, 0.5f * scale, 0, -scale}, 2, 3),
                Tensor.of(BIAS, new float[] {scale, 0.1f, -0.1f}, 3));
    }

    static Stream<Arguments> badGradients() {
        float[] six = new float[6];
        return Stream.of(
                Arguments.of("shape differs", Tensors.of(Tensor.of(KERNEL, six, 3, 2), Tensor.of(BIAS, new float[3], 3)),
                        "gradient '" + KERNEL + "' has shape [3, 2] but parameter '" + KERNEL + "' has shape [2, 3]"),
                Arguments.of("size differs", Tensors.of(Tensor.of(KERNEL, six, 2, 3), Tensor.of(BIAS, new float[4], 4)),
                        "gradient '" + BIAS + "' has shape [4] but parameter '" + BIAS + "' has shape [3]"),
                Arguments.of("missing tensor", Tensors.of(Tensor.of(KERNEL, six, 2, 3)),
                        "missing '" + BIAS + "'"),
                Arguments.of("unknown tensor", Tensors.of(Tensor.of(KERNEL, six, 2, 3), Tensor.of("policy/l0/b", new float[3], 3)),
                        "unknown 'policy/l0/b'"),
                Arguments.of("extra tensor", Tensors.of(Tensor.of(KERNEL, six, 2, 3), Tensor.of(BIAS, new float[3], 3),
                        Tensor.of("value/l0/bias", new float[1], 1)), "unknown 'value/l0/bias'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badGradients")
    void gradientThatDoesNotMatchTheParametersIsRefused(String why, Tensors badGrad, String message) {
        assertThatThrownBy(() -> optimizer.step(badGrad, params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("optimizer 'policy'")
                .hasMessageContaining(message);
    }

    @Test
    void modelWithOtherTensorsThanAtInitIsRefused() {
        Tensors renamed = Tensors.of(params.get(KERNEL), Tensor.of("policy/l0/beta", new float[3], 3));
        assertThatThrownBy(() -> optimizer.step(grad(1), renamed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model parameters do not match")
                .hasMessageContaining("missing '" + BIAS + "'")
                .hasMessageContaining("unknown 'policy/l0/beta'");

        Tensors reshaped = Tensors.of(Tensor.of(KERNEL, new float[6], 3, 2), params.get(BIAS));
        assertThatThrownBy(() -> optimizer.step(grad(1), reshaped))
                .hasMessageContaining("parameter '" + KERNEL + "' has shape [3, 2] but the optimizer was initialised with [2, 3]");

        Tensors fewer = Tensors.of(params.get(KERNEL));
        assertThatThrownBy(() -> optimizer.step(grad(1), fewer)).hasMessageContaining("missing '" + BIAS + "'");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void nonFiniteGradientIsRefusedNamingTensorAndIndex(float bad) {
        Tensors g = grad(1);
        g.get(BIAS).data()[2] = bad;
        assertThatThrownBy(() -> optimizer.step(g, params))
                .isInstanceOfSatisfying(NonFiniteGradientException.class, e -> {
                    assertThat(e.tensorName()).isEqualTo(BIAS);
                    assertThat(e.index()).isEqualTo(2);
                    assertThat(Float.compare(e.value(), bad)).isZero();
                })
                .hasMessageContaining("gradient '" + BIAS + "' holds " + bad + " at index 2");
    }

    @Test
    void nonFiniteGradientUnderSkipPolicyIsSkippedAndReported() {
        StepListener listener = mock(StepListener.class);
        Optimizer skipping = Adam.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build().init(params);
        skipping.addListener(listener);
        Tensors g = grad(1);
        g.get(KERNEL).data()[0] = Float.NaN;

        assertThat(skipping.step(g, params)).isSameAs(skipping);

        assertThat(skipping.count()).isZero();
        assertThat(skipping.skippedSteps()).isEqualTo(1);
        assertThat(skipping.state().mu().contentEquals(params.zerosLike())).isTrue();
        verify(listener).onStep(org.mockito.ArgumentMatchers.argThat(e -> e.skipped() && e.count() == 0
                && Double.isNaN(e.gradientNorm()) && e.learningRate() == 0 && !e.clipped()));
        verify(listener, never()).onRejected(any(), org.mockito.ArgumentMatchers.anyLong(), any());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-3})
    void badStepLearningRateIsRefused(double lr) {
        optimizer = Adam.builder().scale(false).build().init(params);
        optimizer.step(grad(1), params, 1e-3);
        optimizer.step(grad(2), params, 1e-3);
        optimizer.step(grad(3), params, 1e-3);
        paramsBefore = params.copy();
        stateBefore = optimizer.state();

        assertThatThrownBy(() -> optimizer.step(grad(1), params, lr))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step lr must be finite and >= 0, was " + lr);
    }

    @Test
    void stepWithLearningRateOnScaledOptimizerIsRefused() {
        assertThatThrownBy(() -> optimizer.step(grad(1), params, 1e-3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scale = true")
                .hasMessageContaining("call step(grad, model)");
    }

    @Test
    void stepWithoutLearningRateOnUnscaledOptimizerIsRefused() {
        optimizer = Adam.builder().scale(false).build().init(params);
        for (int i = 0; i < 3; i++) {
            optimizer.step(grad(1), params, 1e-3);
        }
        paramsBefore = params.copy();
        stateBefore = optimizer.state();

        assertThatThrownBy(() -> optimizer.step(grad(1), params))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scale = false")
                .hasMessageContaining("call step(grad, model, lr)");
    }

    @Test
    void scheduleGivingABadLearningRateIsRefused() {
        optimizer = Adam.builder().lr(count -> count < 3 ? 1e-3 : Double.NaN).build().init(params);
        for (int i = 0; i < 3; i++) {
            optimizer.step(grad(1), params);
        }
        paramsBefore = params.copy();
        stateBefore = optimizer.state();

        assertThatThrownBy(() -> optimizer.step(grad(1), params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learning-rate schedule gave NaN at count 3");
    }

    @Test
    void listenerHearsTheRejection() {
        StepListener listener = mock(StepListener.class);
        optimizer.addListener(listener);
        Tensors g = grad(1);
        g.get(BIAS).data()[0] = Float.NaN;

        assertThatThrownBy(() -> optimizer.step(g, params)).isInstanceOf(NonFiniteGradientException.class);

        verify(listener).onRejected(eq("policy"), eq(3L), any(NonFiniteGradientException.class));
        verify(listener, never()).onStep(any());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of((Consumer<Adam.Builder>) b -> b.lr(0), "lr must be finite and > 0, was 0.0"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.lr(-1e-3), "lr must be finite and > 0, was -0.001"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.lr(Double.NaN), "lr must be finite and > 0, was NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.lr(Double.POSITIVE_INFINITY), "lr must be finite and > 0, was Infinity"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.b1(1), "b1 must be in [0, 1), was 1.0"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.b1(-0.1), "b1 must be in [0, 1), was -0.1"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.b1(Double.NaN), "b1 must be in [0, 1), was NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.b2(1), "b2 must be in [0, 1), was 1.0"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.b2(-1e-9), "b2 must be in [0, 1), was -1.0E-9"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.eps(-1e-8), "eps must be finite and >= 0, was -1.0E-8"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.eps(Double.NaN), "eps must be finite and >= 0, was NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.epsRoot(-1), "epsRoot must be finite and >= 0, was -1.0"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.epsRoot(Double.NaN), "epsRoot must be finite and >= 0, was NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.weightDecay(-0.01), "weightDecay must be finite and >= 0, was -0.01"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.weightDecay(Double.NaN), "weightDecay must be finite and >= 0, was NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.gradNormClip(Double.NaN), "gradNormClip must not be NaN"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.scale(false).lr(c -> 1e-3), "a learning-rate schedule needs scale = true"),
                Arguments.of((Consumer<Adam.Builder>) b -> b.name(" "), "name must not be blank"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSettings")
    void buildRefusesSettingsOutOfRange(Consumer<Adam.Builder> setting, String message) {
        Adam.Builder builder = Adam.builder();
        setting.accept(builder);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void zeroAndNegativeClipDisableClippingAndAreAccepted() {
        assertThat(Adam.builder().gradNormClip(0).build().clips()).isFalse();
        assertThat(Adam.builder().gradNormClip(-1).build().clips()).isFalse();
        assertThat(Adam.builder().gradNormClip(0.5).build().clips()).isTrue();
    }
}
