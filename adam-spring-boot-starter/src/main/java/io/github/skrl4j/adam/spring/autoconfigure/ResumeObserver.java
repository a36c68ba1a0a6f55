package io.github.skrl4j.adam.spring.autoconfigure;

import io.github.skrl4j.adam.Optimizer;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Wraps {@link PropertiesOptimizerFactory#resume}, the checkpoint load the starter runs itself, so
 * that it can be observed from its start to its end (adam-core reports a load only after the fact,
 * and only to the listeners of the optimizer it made). A type of the starter's own, so that the
 * factory does not need Micrometer on the class path.
 */
@FunctionalInterface
interface ResumeObserver {

    /** Runs {@code resume} unobserved. */
    ResumeObserver NONE = (name, file, resume) -> resume.get();

    /**
     * Runs {@code resume}, which loads {@code file} as the optimizer {@code name}, and returns what it
     * returns or throws what it throws.
     */
    Optimizer observe(String name, Path file, Supplier<Optimizer> resume);
}
