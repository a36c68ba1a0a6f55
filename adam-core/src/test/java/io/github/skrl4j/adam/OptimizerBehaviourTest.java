package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The optimizer's contract around the arithmetic: listeners, state copies, restore, threads. */
class OptimizerBehaviourTest {

    private final Tensors params = Tensors.of(
            Tensor.of("w", new float[] {1, -2, 3}, 3),
            Tensor.of("b", new float[] {0.5f}));

    private static Tensors grad(float w0, float w1, float w2, float b) {
        return Tensors.of(Tensor.of("w", new float[] {w0, w1, w2}, 3), Tensor.of("b", new float[] {b}));
    }

    @Test
    void stepUpdatesInPlaceAndReturnsTheSameOptimizer() {
        float[] w = params.get("w").data();
        Optimizer optimizer = Adam.create(params, 0.1);

        Optimizer next = optimizer.step(grad(1, 1, 1, 1), params);

        assertThat(next).isSameAs(optimizer);
        assertThat(params.get("w").data()).isSameAs(w);
        // first Adam step moves each parameter by lr * g / (|g| + eps) = ~lr against the gradient
        assertThat(w[0]).isCloseTo(0.9f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(w[1]).isCloseTo(-2.1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void newCollectionsAreCheckedAndBoundAfterStepsWithTheSameOnes() {
        // the optimizer resolves arrays again only when the collections change: it must notice that
        Tensors grads = grad(1, 2, 3, 1);
        Tensors copied = params.copy();
        Optimizer optimizer = Adam.create(params, 0.1);
        Optimizer reference = Adam.create(copied, 0.1); // new collections every step: never the shortcut
        optimizer.step(grads, params).step(grads, params);
        reference.step(grads.copy(), Tensors.of(copied.asList())).step(grads.copy(), Tensors.of(copied.asList()));
        Tensors otherParams = params.copy();
        Tensors otherCopied = copied.copy();
        float[] before = params.get("w").data().clone();
        optimizer.step(grad(0, -5, 0, -1), otherParams);
        reference.step(grad(0, -5, 0, -1), otherCopied);
        assertThat(params.get("w").data()).containsExactly(before); // the old arrays are not written
        assertThat(otherParams.contentEquals(otherCopied)).isTrue();
        assertThat(otherParams.contentEquals(params)).isFalse();
        Tensors wrongShape = Tensors.of(Tensor.of("w", new float[] {1, 2, 3}, 1, 3), Tensor.of("b", new float[] {1}));
        assertThatThrownBy(() -> optimizer.step(wrongShape, otherParams))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradient 'w' has shape");
        assertThat(optimizer.count()).isEqualTo(3);
    }

    @Test
    void listenersHearEveryStepInOrderWithItsFacts() {
        // the event is reused between steps, so the listeners record snapshots, not the event
        List<String> heard = new ArrayList<>();
        List<StepEvent> events = new ArrayList<>();
        Optimizer optimizer = Adam.builder().name("value").lr(1e-3).gradNormClip(1.0)
                .listener(e -> {
                    heard.add("first@" + e.count());
                    events.add(e.snapshot());
                })
                .build().init(params);
        optimizer.addListener(e -> heard.add("second@" + e.count()));

        optimizer.step(grad(0.1f, 0.2f, 0.2f, 0), params);   // norm 0.3: not clipped
        optimizer.step(grad(3, 0, 4, 0), params);            // norm 5: clipped

        assertThat(heard).containsExactly("first@1", "second@1", "first@2", "second@2");
        StepEvent notClipped = events.get(0);
        assertThat(notClipped.clipped()).isFalse();
        assertThat(notClipped.gradientNorm()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-7));
        StepEvent clipped = events.get(1);
        assertThat(clipped.clipped()).isTrue();
        assertThat(clipped.gradientNorm()).isEqualTo(5.0);
        assertThat(clipped.learningRate()).isEqualTo(1e-3);
        assertThat(clipped.skipped()).isFalse();
        assertThat(clipped.optimizerName()).isEqualTo("value");
    }

    @Test
    void eventIsReusedSoSnapshotIsHowToKeepIt() {
        List<StepEvent> seen = new ArrayList<>();
        List<StepEvent> kept = new ArrayList<>();
        Optimizer optimizer = Adam.create(params).addListener(e -> {
            seen.add(e);
            kept.add(e.snapshot());
        });
        optimizer.step(grad(1, 0, 0, 0), params);
        optimizer.step(grad(0, 2, 0, 0), params);

        assertThat(seen.get(0)).isSameAs(seen.get(1));
        assertThat(kept).extracting(StepEvent::count).containsExactly(1L, 2L);
        assertThat(kept).extracting(StepEvent::gradientNorm).containsExactly(1.0, 2.0);
    }

    @Test
    void removedListenerHearsNothingMore() {
        StepListener listener = mock(StepListener.class);
        Optimizer optimizer = Adam.create(params).addListener(listener);
        assertThat(optimizer.removeListener(listener)).isTrue();
        assertThat(optimizer.removeListener(listener)).isFalse();
        optimizer.step(grad(1, 1, 1, 1), params);
        verify(listener, never()).onStep(any());
    }

    @Test
    void listenerExceptionPropagatesAfterTheStepTookEffectAndIsNoRejection() {
        RuntimeException boom = new IllegalStateException("listener failed");
        StepListener failing = mock(StepListener.class);
        doThrow(boom).when(failing).onStep(any());
        Optimizer optimizer = Adam.create(params).addListener(failing);

        assertThatThrownBy(() -> optimizer.step(grad(1, 1, 1, 1), params)).isSameAs(boom);

        assertThat(optimizer.count()).isEqualTo(1);
        assertThat(params.get("w").data()[0]).isLessThan(1f);
        verify(failing, never()).onRejected(any(), anyLong(), any());
    }

    @Test
    void stateIsADeepCopyNamedLikeTheParameters() {
        Optimizer optimizer = Adam.create(params);
        optimizer.step(grad(1, 2, 3, 4), params);
        OptimizerState state = optimizer.state();

        assertThat(state.mu().names()).containsExactly("w", "b");
        assertThat(state.nu().get("b").shape()).isEqualTo(new int[] {});
        assertThat(state.nuMax().isEmpty()).isTrue();
        float mu0 = state.mu().get("w").data()[0];
        state.mu().get("w").data()[0] = 42;
        assertThat(optimizer.state().mu().get("w").data()[0]).isEqualTo(mu0);

        optimizer.step(grad(1, 2, 3, 4), params);
        assertThat(state.count()).isEqualTo(1);
        assertThat(optimizer.count()).isEqualTo(2);
    }

    @Test
    void restoredOptimizerContinuesBitForBit() {
        Adam config = Adam.builder().lr(0.01).gradNormClip(0.5).amsgrad(true).nesterov(true).weightDecay(1e-2).build();
        Tensors uninterrupted = params.copy();
        Optimizer a = config.init(uninterrupted);
        Tensors resumed = params.copy();
        Optimizer b = config.init(resumed);
        for (int i = 0; i < 5; i++) {
            a.step(grad(i, -i, 0.5f, 2), uninterrupted);
            b.step(grad(i, -i, 0.5f, 2), resumed);
        }
        Optimizer c = Optimizer.restore(config, resumed, b.state());
        assertThat(c.count()).isEqualTo(5);
        for (int i = 5; i < 10; i++) {
            a.step(grad(i, -i, 0.5f, 2), uninterrupted);
            c.step(grad(i, -i, 0.5f, 2), resumed);
        }
        assertThat(resumed.contentEquals(uninterrupted)).isTrue();
        assertThat(c.state().nuMax().contentEquals(a.state().nuMax())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mu, NaN", "nu, NaN", "nu, -1.0", "nu, -Infinity", "nuMax, -0.5"})
    void restoreRefusesMomentsNoRunCanProduce(String which, float bad) {
        Adam config = Adam.builder().amsgrad(true).build();
        Optimizer trained = config.init(params);
        trained.step(grad(1, 1, 1, 1), params);
        OptimizerState good = trained.state();
        Tensors mu = good.mu().copy();
        Tensors nu = good.nu().copy();
        Tensors nuMax = good.nuMax().copy();
        Tensors target = switch (which) {
            case "mu" -> mu;
            case "nu" -> nu;
            default -> nuMax;
        };
        target.get("w").data()[2] = bad;
        OptimizerState state = OptimizerState.of(1, mu, nu, nuMax);

        assertThatThrownBy(() -> Optimizer.restore(config, params, state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state " + which + " 'w' holds " + bad + " at index 2");
    }

    @Test
    void restoreKeepsAnInfiniteSecondMomentAsAnOverflowingGradientLeavesIt() {
        Adam config = Adam.builder().build();
        Optimizer trained = config.init(params);
        trained.step(grad(3e38f, 1, 1, 1), params); // (1-b2) g^2 overflows float: nu = +Infinity, as in Optax
        OptimizerState state = trained.state();
        assertThat(state.nu().get("w").data()[0]).isEqualTo(Float.POSITIVE_INFINITY);

        Optimizer restored = Optimizer.restore(config, params, state);
        restored.step(grad(1, 1, 1, 1), params);
        assertThat(restored.count()).isEqualTo(2);
    }

    @Test
    void restoreRefusesStateOfAnotherLayout() {
        Adam config = Adam.builder().build();
        OptimizerState other = OptimizerState.of(3, Tensors.of(Tensor.zeros("w", 4)), Tensors.of(Tensor.zeros("w", 4)),
                Tensors.empty());
        assertThatThrownBy(() -> Optimizer.restore(config, params, other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state mu has tensors [w] but the model has [w, b]");
        OptimizerState withoutMax = Adam.create(params).state();
        assertThatThrownBy(() -> Optimizer.restore(config.toBuilder().amsgrad(true).build(), params, withoutMax))
                .hasMessageContaining("uses AMSGrad but the state has no nuMax");
    }

    @Test
    void gradientMayListTensorsInAnotherOrder() {
        Tensors a = params.copy();
        Tensors b = params.copy();
        Optimizer inOrder = Adam.create(a);
        Optimizer reordered = Adam.create(b);
        inOrder.step(grad(1, 2, 3, 4), a);
        reordered.step(Tensors.of(Tensor.of("b", new float[] {4}), Tensor.of("w", new float[] {1, 2, 3}, 3)), b);
        assertThat(a.contentEquals(b)).isTrue();
    }

    @Test
    void modelWithoutParametersIsRefused() {
        assertThatThrownBy(() -> Adam.create(Tensors.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer 'adam': the model has no parameters");
    }

    @Test
    void secondThreadSteppingAtOnceGetsIllegalStateExceptionAndChangesNothing() throws Exception {
        Optimizer optimizer = Adam.create(params);
        BlockingModel slowModel = new BlockingModel(params);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Optimizer> first = other.submit(() -> optimizer.step(grad(1, 1, 1, 1), slowModel));
            assertThat(slowModel.awaitStepInside()).isTrue();
            Tensors before = params.copy();

            assertThatThrownBy(() -> optimizer.step(grad(5, 5, 5, 5), params))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("being stepped by another thread");
            assertThat(params.contentEquals(before)).isTrue();

            slowModel.release();
            assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(optimizer);
        } finally {
            other.shutdownNow();
        }
        assertThat(optimizer.count()).isEqualTo(1);
        // the one step taken is the first thread's: gradient 1 everywhere
        Tensors expected = Tensors.of(Tensor.of("w", new float[] {1, -2, 3}, 3), Tensor.of("b", new float[] {0.5f}));
        Adam.create(expected).step(grad(1, 1, 1, 1), expected);
        assertThat(params.contentEquals(expected)).isTrue();
    }
}
