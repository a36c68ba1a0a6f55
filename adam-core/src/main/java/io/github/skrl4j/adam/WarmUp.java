package io.github.skrl4j.adam;

/**
 * Whether an optimizer's start compiles the code its steps run before its first step
 * ({@link Adam.Builder#warmUp(WarmUp)}). Results never depend on it: a warm-up steps small arrays of
 * its own and changes no optimizer's state, so an optimizer gives bit for bit the same results with
 * any choice; only how fast its first steps run, and how long its start takes, differ.
 *
 * <p>A warm-up runs once per JVM and update loop (the first optimizer that needs it pays, later ones
 * find the code compiled): it calls the kernel's loops and the step around them on small arrays until
 * C2 has compiled them, which on a 2-core machine takes some 1.5-3.5 s of CPU time, the JIT's
 * included (more while the application around it is starting and the JIT compiles the rest of it).
 * With the vector kernel ({@code --add-modules jdk.incubator.vector}) it also hands the vector
 * kernel's loops over before the first step; an optimizer whose start did not warm up runs the portable kernel (the same bits),
 * unless another optimizer of the JVM had the vector kernel's loop warmed ({@link Optimizer#stepKernel()}
 * says which kernel an optimizer's steps run).
 */
public enum WarmUp {

    /**
     * {@link #AT_START} for a model of at least {@link #AUTOMATIC_MIN_PARAMETERS} parameters,
     * {@link #NONE} for a smaller one. The default.
     */
    AUTOMATIC,

    /**
     * Warms up before the first step, on the thread that makes the optimizer: the first steps run
     * compiled code from the first and, with the vector kernel, run the vector kernel. Worth its cost
     * for large models, whose first steps would otherwise run loops over millions of elements in the
     * interpreter and compile them on the steps' processors (issue 24: a fresh JVM's first 200 steps of
     * a 16M-parameter model at 1.16x the time of C's instead of 1.65x).
     */
    AT_START,

    /**
     * No warm-up: the optimizer is ready at once and its steps compile the code as they run. For a small
     * model the few steps it takes to compile cost milliseconds in all, far less than a warm-up. With the
     * vector kernel its steps run the portable kernel, unless another optimizer's start had the vector
     * kernel warmed.
     */
    NONE;

    /**
     * Models from this many parameters (4,194,304) on warm up at their start under {@link #AUTOMATIC}.
     * A warm-up costs some 1.5-3.5 s of CPU time on 2 cores; a fresh JVM's first 200 steps without it
     * cost 0.3-0.6 s more than after it at 262,144-4M parameters and 0.1 s at 65,536 (docs/benchmarks.md).
     * From here on the vector kernel, which only a warm-up hands the steps, repays it within a few
     * thousand steps (some 1 ms a step at 4M), and at 16M the first steps are 1.2x C's time instead of 1.65x.
     */
    public static final long AUTOMATIC_MIN_PARAMETERS = 1L << 22;

    /** Whether an optimizer of a model with this many parameters warms up at its start. */
    public boolean atStart(long parameters) {
        return switch (this) {
            case AUTOMATIC -> parameters >= AUTOMATIC_MIN_PARAMETERS;
            case AT_START -> true;
            case NONE -> false;
        };
    }
}
