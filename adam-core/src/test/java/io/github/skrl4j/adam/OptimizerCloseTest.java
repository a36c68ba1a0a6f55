package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Optimizer#close()}: the worker threads stop, later steps are refused, the state stays readable. */
class OptimizerCloseTest {

    private static final int SIZE = 70_000; // above the default parallel threshold (65,536)

    private static Tensors tensors(float value) {
        float[] data = new float[SIZE];
        Arrays.fill(data, value);
        return Tensors.of(Tensor.of("w", data, SIZE));
    }

    private static List<Thread> workers(String optimizerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skrl4j-adam-" + optimizerName + "-"))
                .collect(Collectors.toList());
    }

    @Test
    void closeStopsTheWorkerThreads() throws InterruptedException {
        Tensors model = tensors(1f);
        Optimizer optimizer = Adam.builder().name("close-workers").parallelism(2).build().init(model);
        optimizer.step(tensors(0.5f), model);
        List<Thread> workers = workers("close-workers");
        assertThat(workers).hasSize(1).allMatch(Thread::isAlive);

        optimizer.close();

        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(workers).noneMatch(Thread::isAlive);
        assertThat(optimizer.isClosed()).isTrue();
    }

    @Test
    void closedOptimizerRefusesStepsChangesNothingAndTellsListeners() {
        Tensors model = tensors(1f);
        StepListener listener = mock(StepListener.class);
        Optimizer optimizer = Adam.builder().name("closed").parallelism(2).listener(listener).build().init(model);
        optimizer.step(tensors(0.5f), model);
        OptimizerState before = optimizer.state();
        Tensors paramsBefore = model.copy();

        optimizer.close();

        assertThatIllegalStateException().isThrownBy(() -> optimizer.step(tensors(0.5f), model))
                .withMessage("optimizer 'closed' is closed");
        verify(listener).onRejected(eq("closed"), eq(1L), any(IllegalStateException.class));
        assertThat(model.contentEquals(paramsBefore)).isTrue();
        assertThat(optimizer.count()).isEqualTo(1);
        assertThat(optimizer.state().mu().contentEquals(before.mu())).isTrue();
        assertThat(optimizer.state().nu().contentEquals(before.nu())).isTrue();
    }

    @Test
    void closingTwiceIsHarmlessAndAClosedOptimizerCanBeSavedAndRestored(@TempDir Path dir) {
        Tensors model = tensors(1f);
        Optimizer optimizer = Adam.builder().name("saved").parallelism(2).build().init(model);
        optimizer.step(tensors(0.5f), model);
        optimizer.close();
        optimizer.close();

        Path file = dir.resolve("saved.safetensors");
        optimizer.save(file);
        assertThat(Files.exists(file)).isTrue();

        try (Optimizer restored = Optimizer.load(file, model)) {
            assertThat(restored.isClosed()).isFalse();
            assertThat(restored.count()).isEqualTo(1);
            restored.step(tensors(0.5f), model);
            assertThat(restored.count()).isEqualTo(2);
        }
    }

    @Test
    void closeWaitsForAStepInProgressOnAnotherThread() throws Exception {
        Tensors model = Tensors.of(Tensor.of("w", new float[] {1, 2, 3}, 3));
        Optimizer optimizer = Adam.builder().name("in-progress").build().init(model);
        BlockingModel slowModel = new BlockingModel(model);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Optimizer> step = threads.submit(
                    () -> optimizer.step(Tensors.of(Tensor.of("w", new float[] {1, 1, 1}, 3)), slowModel));
            assertThat(slowModel.awaitStepInside()).isTrue();
            Future<?> close = threads.submit(optimizer::close);

            // the step holds the optimizer: close cannot finish before it (it would, were close not waiting)
            Thread.sleep(100);
            assertThat(close.isDone()).isFalse();
            assertThat(optimizer.isClosed()).isFalse();

            slowModel.release();
            assertThat(step.get(10, TimeUnit.SECONDS)).isSameAs(optimizer);
            close.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(optimizer.count()).isEqualTo(1);
        assertThat(optimizer.isClosed()).isTrue();
    }

    @Test
    void listenersHearTheCloseOnceEvenWhenClosedTwice() {
        Tensors model = tensors(1f);
        StepListener listener = mock(StepListener.class);
        Optimizer optimizer = Adam.builder().name("close-hook").listener(listener).build().init(model);

        optimizer.close();
        optimizer.close();

        verify(listener, times(1)).onClosed(optimizer);
    }
}
