package io.github.skrl4j.adam;

import io.github.skrl4j.adam.internal.checkpoint.OptimizerCheckpoint;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Between an {@link Optimizer} and its checkpoint file: what {@code save}, {@code load} and {@code loadWith} do. */
final class OptimizerFiles {

    private OptimizerFiles() {
    }

    static void save(Optimizer optimizer, Path file) {
        OptimizerCheckpoint.save(optimizer, file);
    }

    static Optimizer load(Path file, Model model, @Nullable UnaryOperator<Adam.Builder> settings) {
        return OptimizerCheckpoint.load(file, model, settings);
    }
}
