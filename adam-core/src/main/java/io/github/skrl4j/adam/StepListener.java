package io.github.skrl4j.adam;

/**
 * Hears every step of an {@link Optimizer}: the hook through which metrics, logs and health checks
 * watch training (and its checkpoints), without the core depending on any of them.
 *
 * <p>A functional interface: {@code optimizer.addListener(e -> log(e.gradientNorm()))}. Listeners
 * run on the stepping thread, after the step's writes, so keep them short. An exception thrown by a
 * listener propagates to the caller of {@code step}, after the step has taken effect.
 */
@FunctionalInterface
public interface StepListener {

    /**
     * A step finished: applied, or skipped for a non-finite gradient under
     * {@link NonFinitePolicy#SKIP}.
     *
     * @param event valid only during this call (it is reused so that steps allocate nothing);
     *              call {@link StepEvent#snapshot()} to keep it
     */
    void onStep(StepEvent event);

    /**
     * A step was refused with an exception (bad shapes, a non-finite gradient under
     * {@link NonFinitePolicy#ERROR}, a bad learning rate, the wrong {@code step} overload...);
     * nothing changed. Does nothing unless overridden.
     *
     * @param optimizerName the optimizer's {@link Adam#name()}
     * @param count         the optimizer's count, unchanged by the refused step
     * @param error         the exception that {@code step} is about to throw
     */
    default void onRejected(String optimizerName, long count, RuntimeException error) {
    }

    /**
     * The optimizer was {@linkplain Optimizer#close() closed} and takes no more steps: the hook for
     * whatever follows it (a registry, meters) to let go of it. Called once, on the closing thread,
     * after the close. Does nothing unless overridden.
     *
     * @param optimizer the optimizer just closed
     */
    default void onClosed(Optimizer optimizer) {
    }

    /**
     * The optimizer was {@linkplain Optimizer#save(java.nio.file.Path) saved} (after the file was
     * written, or after the write failed, just before {@code save} throws), or was just made by
     * {@link Optimizer#loadWith(java.nio.file.Path, Model, java.util.function.UnaryOperator)} with
     * this listener among its settings. Called on the thread that saved or loaded. A failed load made
     * no optimizer, so no listener hears it. Does nothing unless overridden.
     *
     * @param event what was saved or loaded, how long it took, and whether it failed
     */
    default void onCheckpoint(CheckpointEvent event) {
    }
}
