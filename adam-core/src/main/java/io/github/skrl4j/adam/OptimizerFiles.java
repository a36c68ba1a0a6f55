package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.checkpoint.Moments;
import io.github.skrl4j.adam.internal.checkpoint.OptimizerCheckpoint;
import io.github.skrl4j.adam.internal.checkpoint.SavedOptimizer;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Between an {@link Optimizer} and its checkpoint file: what {@code save}, {@code load} and
 * {@code loadWith} do. The checkpoint package reads and writes values (settings, count, moments);
 * turning them into an optimizer and back happens here, so that it never depends on this package's
 * classes that depend on it.
 */
final class OptimizerFiles {

    private OptimizerFiles() {
    }

    static void save(Optimizer optimizer, Path file) {
        long started = System.nanoTime();
        Adam config = optimizer.config();
        long count = optimizer.count();
        try {
            // one consistent copy; the write below holds no lock, so steps go on meanwhile
            OptimizerState state = optimizer.state();
            count = state.count();
            OptimizerCheckpoint.write(file, config.name(), config.settings(), count,
                    new Moments(state.mu().asList(), state.nu().asList(), state.nuMax().asList()));
        } catch (RuntimeException e) {
            CheckpointEvent failed = new CheckpointEvent(config.name(), CheckpointEvent.Operation.SAVE, file, count,
                    System.nanoTime() - started, e);
            try {
                optimizer.listeners().checkpointed(failed);
            } catch (RuntimeException listenerError) {
                // the save's own failure is what the caller must see
                e.addSuppressed(listenerError);
            }
            throw e;
        }
        optimizer.listeners().checkpointed(new CheckpointEvent(config.name(), CheckpointEvent.Operation.SAVE, file,
                count, System.nanoTime() - started, null));
    }

    static Optimizer load(Path file, Model model, @Nullable UnaryOperator<Adam.Builder> customizer) {
        long started = System.nanoTime();
        Optimizer loaded = read(file, model, customizer);
        loaded.listeners().checkpointed(new CheckpointEvent(loaded.name(), CheckpointEvent.Operation.LOAD, file,
                loaded.count(), System.nanoTime() - started, null));
        return loaded;
    }

    private static Optimizer read(Path file, Model model, @Nullable UnaryOperator<Adam.Builder> customizer) {
        Tensors params = model.parameters();
        SavedOptimizer saved = OptimizerCheckpoint.read(file);
        String schedule = saved.scheduleDescription();
        if (schedule != null && customizer == null) {
            throw new CheckpointException(file, "was saved by an optimizer with the learning-rate schedule "
                    + schedule + ", which a file cannot hold; supply it with Optimizer.loadWith(file, model,"
                    + " settings -> settings.lr(schedule))");
        }
        Adam config;
        try {
            config = Adam.builder().settings(saved.settings()).name(saved.name()).build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "holds invalid settings: " + e.getMessage(), e);
        }
        if (customizer != null) {
            Adam.Builder builder = customizer.apply(config.toBuilder());
            if (builder == null) {
                throw new NullPointerException("the settings customizer returned null");
            }
            config = builder.build();
        }
        Moments moments = saved.momentsFor(params.asList(), config.amsgrad());
        OptimizerState state = OptimizerState.of(saved.count(), Tensors.of(moments.mu()), Tensors.of(moments.nu()),
                Tensors.of(moments.nuMax()));
        try {
            return Optimizer.restore(config, model, state);
        } catch (IllegalArgumentException e) {
            // the layout against the model, or moment values no run can produce
            throw new CheckpointException(file, "cannot be restored: " + e.getMessage(), e);
        }
    }
}
