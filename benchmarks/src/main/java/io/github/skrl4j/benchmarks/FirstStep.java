package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;

/**
 * The first steps of a fresh JVM (issue 12: no cold first step): 16,777,216 parameters as one tensor,
 * clip 1.0, 2 threads, each of the first {@value #STEPS} steps timed alone. run.sh starts one JVM per
 * measurement, with and without {@code --add-modules jdk.incubator.vector}, so that nothing is
 * compiled before the first step. Prints one line: the kernel and each step's nanoseconds.
 */
public final class FirstStep {

    static final int STEPS = 5;

    private FirstStep() {
    }

    public static void main(String[] args) {
        Tensors params = Workloads.equalTensors(1, Workloads.LARGE, false);
        Tensors grads = Workloads.equalTensors(1, Workloads.LARGE, true);
        try (Optimizer optimizer = Adam.builder().lr(1e-3).gradNormClip(1.0).parallelism(2).build().init(params)) {
            long[] nanos = new long[STEPS];
            for (int s = 0; s < STEPS; s++) {
                long start = System.nanoTime();
                optimizer.step(grads, params);
                nanos[s] = System.nanoTime() - start;
            }
            StringBuilder line = new StringBuilder("kernel=").append(Kernels.active().name());
            for (int s = 0; s < STEPS; s++) {
                line.append(" step").append(s + 1).append("_ns=").append(nanos[s]);
            }
            System.out.println(line);
        }
    }
}
