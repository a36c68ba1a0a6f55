package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** {@link StepListener#onCheckpoint}: what saves and loads report, and to whom. */
class CheckpointEventTest {

    @TempDir
    Path dir;

    private static Tensors params() {
        return Tensors.of(Tensor.of("w", new float[] {1f, 2f}, 2), Tensor.of("b", new float[] {0.5f}));
    }

    private static Tensors grad() {
        return Tensors.of(Tensor.of("w", new float[] {0.3f, 0.4f}, 2), Tensor.of("b", new float[] {1.2f}));
    }

    private static Optimizer trained(String name, StepListener listener, int steps) {
        Tensors params = params();
        Optimizer optimizer = Adam.builder().name(name).listener(listener).build().init(params);
        for (int i = 0; i < steps; i++) {
            optimizer.step(grad(), params);
        }
        return optimizer;
    }

    @Test
    void aSaveReportsItsFileCountAndDurationAfterTheFileIsWritten() {
        Path file = dir.resolve("policy.safetensors");
        List<CheckpointEvent> heard = new ArrayList<>();
        List<Boolean> fileExisted = new ArrayList<>();
        StepListener listener = new StepListener() {
            @Override
            public void onStep(StepEvent event) {
            }

            @Override
            public void onCheckpoint(CheckpointEvent event) {
                heard.add(event);
                fileExisted.add(Files.exists(event.file()));
            }
        };
        Optimizer optimizer = trained("policy", listener, 3);
        optimizer.save(file);

        assertThat(heard).singleElement().satisfies(e -> {
            assertThat(e.optimizerName()).isEqualTo("policy");
            assertThat(e.operation()).isEqualTo(CheckpointEvent.Operation.SAVE);
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.count()).isEqualTo(3);
            assertThat(e.durationNanos()).isNotNegative();
            assertThat(e.succeeded()).isTrue();
            assertThat(e.failure()).isNull();
        });
        assertThat(fileExisted).containsExactly(true);
    }

    @Test
    void aFailedSaveIsReportedWithTheExceptionThatSaveThenThrows() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = notADirectory.resolve("policy.safetensors");
        StepListener listener = mock(StepListener.class);
        Optimizer optimizer = trained("policy", listener, 2);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> optimizer.save(file));

        assertThat(thrown).isInstanceOf(CheckpointException.class);
        ArgumentCaptor<CheckpointEvent> event = ArgumentCaptor.forClass(CheckpointEvent.class);
        verify(listener).onCheckpoint(event.capture());
        assertThat(event.getValue().failure()).isSameAs(thrown);
        assertThat(event.getValue().succeeded()).isFalse();
        assertThat(event.getValue().operation()).isEqualTo(CheckpointEvent.Operation.SAVE);
        assertThat(event.getValue().count()).isEqualTo(2);
        assertThat(event.getValue().toString()).contains("failure=");
    }

    @Test
    void aListenerFailingOnAFailedSaveDoesNotHideTheSavesOwnException() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x").resolve("policy.safetensors");
        IllegalStateException listenerError = new IllegalStateException("listener broke");
        Optimizer optimizer = trained("policy", new StepListener() {
            @Override
            public void onStep(StepEvent event) {
            }

            @Override
            public void onCheckpoint(CheckpointEvent event) {
                throw listenerError;
            }
        }, 1);

        assertThatThrownBy(() -> optimizer.save(file)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(listenerError));
    }

    @Test
    void aLoadReportsToTheListenersGivenToTheLoadedOptimizer() {
        Path file = dir.resolve("value.safetensors");
        trained("value", e -> { }, 4).save(file);
        StepListener listener = mock(StepListener.class);

        Optimizer loaded = Optimizer.loadWith(file, params(), b -> b.listener(listener));

        ArgumentCaptor<CheckpointEvent> event = ArgumentCaptor.forClass(CheckpointEvent.class);
        verify(listener).onCheckpoint(event.capture());
        assertThat(event.getValue().operation()).isEqualTo(CheckpointEvent.Operation.LOAD);
        assertThat(event.getValue().optimizerName()).isEqualTo("value");
        assertThat(event.getValue().file()).isEqualTo(file);
        assertThat(event.getValue().count()).isEqualTo(4).isEqualTo(loaded.count());
        assertThat(event.getValue().durationNanos()).isNotNegative();
        assertThat(event.getValue().succeeded()).isTrue();
    }

    @Test
    void aFailedLoadMakesNoOptimizerSoNoListenerHearsIt() throws IOException {
        Path file = Files.write(dir.resolve("corrupt.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        StepListener listener = mock(StepListener.class);

        assertThatThrownBy(() -> Optimizer.loadWith(file, params(), b -> b.listener(listener)))
                .isInstanceOf(CheckpointException.class);
        verify(listener, never()).onCheckpoint(any());
    }

    @Test
    void theEventRefusesANegativeDuration() {
        assertThatThrownBy(() -> new CheckpointEvent("adam", CheckpointEvent.Operation.SAVE, Path.of("f"), 0, -1,
                null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("durationNanos");
    }
}
