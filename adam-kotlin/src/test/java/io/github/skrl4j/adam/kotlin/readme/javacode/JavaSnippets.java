package io.github.skrl4j.adam.kotlin.readme.javacode;

import io.github.skrl4j.adam.Model;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.StepEvent;
import io.github.skrl4j.adam.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Opens the package-private README snippets to the Kotlin test that runs them. */
public final class JavaSnippets {

    private JavaSnippets() {
    }

    public static void quickStart() {
        QuickStart.main(new String[0]);
    }

    public static List<StepEvent> watchClippedSteps(Optimizer optimizer) {
        return new ClippedSteps(optimizer).kept;
    }

    public static void trainOnTwoThreads(Model model, Supplier<Tensors> gradients) {
        Training.train(model, gradients);
    }

    /** The README's class, behind an interface that the Kotlin test can call. */
    public interface Updates {
        void update(Optimizer optimizer, Tensors grad, Tensors policy, double measuredKl);
    }

    public static Updates policyUpdates() {
        return new PolicyUpdates()::update;
    }

    public static void saveCheckpoint(Tensors params, Optimizer optimizer, Path dir) {
        new Checkpoint(params, optimizer).save(dir);
    }

    /** The loaded parameters and optimizer. */
    public record Loaded(Tensors params, Optimizer optimizer) {
    }

    public static Loaded loadCheckpoint(Path dir) {
        Checkpoint checkpoint = Checkpoint.load(dir);
        return new Loaded(checkpoint.params(), checkpoint.optimizer());
    }
}
