package io.github.skrl4j.adam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The concurrency contract: readers wait for a step in progress and see a consistent state, and a
 * reader never makes a step fail. A trainer steps flat out while a checkpoint thread saves at
 * 100 Hz and a listener saves from {@code onStep}; then one replay checks every saved file against
 * the state the uninterrupted run had at that file's count.
 */
class OptimizerReadersTest {

    @TempDir
    Path dir;

    private static final float[] PATTERN = new float[1021];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (float) Math.sin(0.37 * i);
        }
    }

    /** The gradient of step {@code t} (1-based), the same in the run and in the replay. */
    private static void fillGradient(Tensors grad, long t) {
        float scale = 1 + (t % 7);
        int shift = (int) (t % PATTERN.length);
        for (Tensor g : grad) {
            float[] d = g.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = PATTERN[(i + shift) % PATTERN.length] * scale;
            }
        }
    }

    private static Tensors model(int... sizes) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            float[] data = new float[sizes[i]];
            for (int j = 0; j < data.length; j++) {
                data[j] = 0.01f * (j % 13);
            }
            tensors.add(Tensor.of("t" + i, data, sizes[i]));
        }
        return Tensors.of(tensors);
    }

    @ParameterizedTest(name = "sizes {0}, parallelism {1}")
    @CsvSource({"'4096,512,2', 1", "'262144,64', 2"})
    void checkpointThreadBesideTrainerRefusesNoStepAndEverySavedFileIsTheRunAtItsCount(String sizes, int parallelism)
            throws Exception {
        int[] shape = Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray();
        Tensors params = model(shape);
        Tensors grad = params.zerosLike();
        Adam settings = Adam.builder().lr(1e-3).gradNormClip(1.0).parallelism(parallelism)
                .parallelThreshold(65_536).build();
        Map<Long, Path> fromListener = new TreeMap<>();
        AtomicLong refused = new AtomicLong();
        Optimizer optimizer = settings.init(params);
        optimizer.addListener(new StepListener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.count() % 100 == 0) {
                    Path file = dir.resolve("listener-" + e.count() + ".safetensors");
                    optimizer.save(file);
                    fromListener.put(e.count(), file);
                }
            }

            @Override
            public void onRejected(String optimizerName, long count, RuntimeException error) {
                refused.incrementAndGet();
            }
        });

        AtomicBoolean training = new AtomicBoolean(true);
        ExecutorService checkpointer = Executors.newSingleThreadExecutor();
        List<Path> saved = Collections.synchronizedList(new ArrayList<>());
        Future<?> saving = checkpointer.submit(() -> {
            int i = 0;
            while (training.get()) {
                Path file = dir.resolve("periodic-" + i++ + ".safetensors");
                optimizer.save(file);
                OptimizerState state = optimizer.state();
                assertThat(state.count()).isLessThanOrEqualTo(optimizer.count());
                saved.add(file);
                Thread.sleep(10);
            }
            return null;
        });
        // a few hundred steps and at least five periodic saves among them, however fast this machine is
        long steps = 0;
        int minSteps = shape[0] > 100_000 ? 300 : 2_000;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while ((steps < minSteps || saved.size() < 5) && System.nanoTime() < giveUp) {
                fillGradient(grad, steps + 1);
                optimizer.step(grad, params);
                steps++;
            }
        } finally {
            training.set(false);
            saving.get(30, TimeUnit.SECONDS);
            checkpointer.shutdownNow();
        }
        optimizer.close();

        assertThat(refused).hasValue(0);
        assertThat(optimizer.count()).isEqualTo(steps);
        assertThat(saved).hasSizeGreaterThanOrEqualTo(5);

        // every file, by the count it holds
        TreeMap<Long, List<OptimizerState>> byCount = new TreeMap<>();
        for (Path file : saved) {
            try (Optimizer loaded = Optimizer.load(file, params)) {
                OptimizerState state = loaded.state();
                byCount.computeIfAbsent(state.count(), k -> new ArrayList<>()).add(state);
            }
        }
        for (Map.Entry<Long, Path> e : fromListener.entrySet()) {
            try (Optimizer loaded = Optimizer.load(e.getValue(), params)) {
                OptimizerState state = loaded.state();
                assertThat(state.count()).isEqualTo(e.getKey());
                byCount.computeIfAbsent(state.count(), k -> new ArrayList<>()).add(state);
            }
        }
        assertThat(fromListener).isNotEmpty();

        // one replay of the run, compared with the files at their counts
        Tensors replayParams = model(shape);
        Tensors replayGrad = replayParams.zerosLike();
        int checked = 0;
        try (Optimizer replay = Adam.builder().lr(1e-3).gradNormClip(1.0).parallelism(1).build().init(replayParams)) {
            for (long t = 0; t <= byCount.lastKey(); t++) {
                if (t > 0) {
                    fillGradient(replayGrad, t);
                    replay.step(replayGrad, replayParams);
                }
                List<OptimizerState> atT = byCount.get(t);
                if (atT != null) {
                    OptimizerState expected = replay.state();
                    for (OptimizerState state : atT) {
                        assertThat(state.mu().contentEquals(expected.mu())).as("mu at count %d", t).isTrue();
                        assertThat(state.nu().contentEquals(expected.nu())).as("nu at count %d", t).isTrue();
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(saved.size() + fromListener.size());
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp")).count()).isZero();
    }

    @Test
    void stateCalledDuringAStepWaitsForItAndSeesTheStateAfterIt() throws Exception {
        Tensors params = model(3);
        Optimizer optimizer = Adam.create(params);
        BlockingModel slowModel = new BlockingModel(params);
        Tensors grad = params.zerosLike();
        fillGradient(grad, 1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Optimizer> step = threads.submit(() -> optimizer.step(grad, slowModel));
            assertThat(slowModel.awaitStepInside()).isTrue();
            Future<OptimizerState> read = threads.submit(optimizer::state);
            // the reader is held while the step is inside
            assertThat(read.isDone()).isFalse();
            Thread.sleep(50);
            assertThat(read.isDone()).isFalse();

            slowModel.release();
            assertThat(step.get(10, TimeUnit.SECONDS)).isSameAs(optimizer);
            assertThat(read.get(10, TimeUnit.SECONDS).count()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }
}
