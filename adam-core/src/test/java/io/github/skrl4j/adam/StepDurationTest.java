package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Adam.Builder#measureStepDuration(boolean)} and what {@link StepEvent#durationNanos()} reports. */
class StepDurationTest {

    private static Tensors params() {
        return Tensors.of(Tensor.of("w", new float[] {1f, 2f}, 2), Tensor.of("b", new float[] {0.5f}));
    }

    private static Tensors grad(float v) {
        return Tensors.of(Tensor.of("w", new float[] {v, 0.4f}, 2), Tensor.of("b", new float[] {1.2f}));
    }

    /** A model whose parameters are handed to the step only after {@code pauseMillis}. */
    private static Model slowModel(Tensors params, long pauseMillis) {
        return () -> {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return params;
        };
    }

    @Test
    void offByDefaultAndThenEveryEventReportsMinusOne() {
        Tensors params = params();
        List<Long> durations = new ArrayList<>();
        Optimizer optimizer = Adam.builder().listener(e -> durations.add(e.durationNanos())).build().init(params);
        assertThat(optimizer.config().measuresStepDuration()).isFalse();
        optimizer.step(grad(0.3f), params);
        optimizer.step(grad(0.2f), params);
        assertThat(durations).containsExactly(-1L, -1L);
    }

    @Test
    void aMeasuredStepTakesAtLeastWhatTheModelMadeItWait() {
        Tensors params = params();
        List<StepEvent> heard = new ArrayList<>();
        Optimizer optimizer = Adam.builder().measureStepDuration(true).listener(e -> heard.add(e.snapshot()))
                .build().init(params);
        optimizer.step(grad(0.3f), slowModel(params, 20));

        assertThat(heard).hasSize(1);
        assertThat(heard.get(0).durationNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(heard.get(0).count()).isEqualTo(1);
        assertThat(heard.get(0).toString()).contains("durationNanos=");
    }

    @Test
    void skippedStepsAreMeasuredToo() {
        Tensors params = params();
        List<StepEvent> heard = new ArrayList<>();
        Optimizer optimizer = Adam.builder().measureStepDuration(true).nonFinitePolicy(NonFinitePolicy.SKIP)
                .listener(e -> heard.add(e.snapshot())).build().init(params);
        optimizer.step(grad(Float.NaN), params);

        assertThat(heard).singleElement().satisfies(e -> {
            assertThat(e.skipped()).isTrue();
            assertThat(e.durationNanos()).isNotNegative();
        });
    }

    @Test
    void theDurationIsFixedBeforeTheListenersRunSoTheyAreNotIncluded() {
        Tensors params = params();
        long[] seenByFirst = new long[1];
        long[] seenBySecond = new long[1];
        Optimizer optimizer = Adam.builder().measureStepDuration(true)
                .listener(e -> {
                    seenByFirst[0] = e.durationNanos();
                    try {
                        Thread.sleep(30);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                })
                .listener(e -> seenBySecond[0] = e.durationNanos())
                .build().init(params);
        optimizer.step(grad(0.3f), params);

        assertThat(seenByFirst[0]).isNotNegative().isEqualTo(seenBySecond[0]);
    }

    @Test
    void snapshotKeepsTheDurationWhileTheReusedEventMovesOn() {
        Tensors params = params();
        List<StepEvent> live = new ArrayList<>();
        List<StepEvent> kept = new ArrayList<>();
        Optimizer optimizer = Adam.builder().measureStepDuration(true).listener(e -> {
            live.add(e);
            kept.add(e.snapshot());
        }).build().init(params);
        optimizer.step(grad(0.3f), slowModel(params, 15));
        optimizer.step(grad(0.3f), params);

        assertThat(kept.get(0).durationNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(15));
        assertThat(live.get(0)).isSameAs(live.get(1));
        assertThat(live.get(0).durationNanos()).isEqualTo(kept.get(1).durationNanos());
    }

    @Test
    void aRunSettingThatToBuilderKeepsAndEqualsSees() {
        Adam measured = Adam.builder().measureStepDuration(true).build();
        assertThat(measured.measuresStepDuration()).isTrue();
        assertThat(measured.toBuilder().build()).isEqualTo(measured).hasSameHashCodeAs(measured);
        assertThat(measured).isNotEqualTo(Adam.builder().build());
        assertThat(measured.settings()).isEqualTo(Adam.builder().build().settings());
        assertThat(measured.toString()).contains("measureStepDuration=true");
    }
}
