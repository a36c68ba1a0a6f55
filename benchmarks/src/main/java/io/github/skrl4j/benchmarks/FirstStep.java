package io.github.skrl4j.benchmarks;

import io.github.skrl4j.adam.Adam;
import io.github.skrl4j.adam.Kernels;
import io.github.skrl4j.adam.Optimizer;
import io.github.skrl4j.adam.Tensors;
import io.github.skrl4j.adam.WarmUp;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The first steps of a fresh JVM (issue 12: no cold first step; issue 24: no garbage and no slow
 * phase while the vector kernel warms up): 16,777,216 parameters as one tensor, clip 1.0, 2 threads.
 * run.sh starts one JVM per measurement, with and without {@code --add-modules jdk.incubator.vector},
 * so that nothing is compiled before the first step.
 *
 * <p>Without arguments each of the first {@value #STEPS} steps is timed alone; prints one line: the
 * kernel and each step's nanoseconds. With {@code ramp [steps]} (default {@value #RAMP_STEPS}) the
 * first steps are timed together ({@code ramp steps params warm-up} times a tensor of another size, e.g.
 * {@code ramp 200 262144 NONE}, with the {@link WarmUp} given) and the bytes the training thread and the worker thread allocate
 * during them are counted (HotSpot's ThreadMXBean); prints one line: the kernel, the steps, their
 * nanoseconds, both byte counts, the step after which the vector kernel had taken over (1 when the
 * optimizer's start had handed it over; 0 when it had not, or for the portable kernel), the nanoseconds of the
 * optimizer's start before the first step (where the first optimizer of a JVM warms the kernel its
 * steps call and the step around it on small arrays) and the process's CPU time of the steps and of
 * that start (every thread, the JIT's included; on a busy machine it leaves out the waits for a
 * processor that the elapsed times include). With {@code timeline [steps]} each step is timed alone:
 * prints the kernel and the start's figures, then one line per step (its nanoseconds, the training
 * thread's bytes, whether the vector kernel had taken over, its start in ms since the JVM started,
 * to set beside {@code -XX:+PrintCompilation}, and the process's CPU time then).
 */
public final class FirstStep {

    static final int STEPS = 5;
    static final int RAMP_STEPS = 200;
    private static final String NAME = "first-step";
    /** CPU time of the optimizer's start (all threads), for the ramp's line. */
    private static long initCpuNanos;

    private FirstStep() {
    }

    public static void main(String[] args) throws InterruptedException {
        int size = args.length > 2 ? Integer.parseInt(args[2]) : Workloads.LARGE;
        WarmUp warmUp = args.length > 3 ? WarmUp.valueOf(args[3]) : WarmUp.AUTOMATIC;
        Tensors params = Workloads.equalTensors(1, size, false);
        Tensors grads = Workloads.equalTensors(1, size, true);
        long initCpuStart = processCpuNanos();
        long initStart = System.nanoTime();
        try (Optimizer optimizer = Adam.builder().name(NAME).lr(1e-3).gradNormClip(1.0).parallelism(2)
                .warmUp(warmUp).build().init(params)) {
            long initNanos = System.nanoTime() - initStart;
            initCpuNanos = processCpuNanos() - initCpuStart;
            if (args.length > 0 && args[0].equals("ramp")) {
                ramp(optimizer, params, grads, args.length > 1 ? Integer.parseInt(args[1]) : RAMP_STEPS, initNanos);
            } else if (args.length > 0 && args[0].equals("timeline")) {
                timeline(optimizer, params, grads, args.length > 1 ? Integer.parseInt(args[1]) : RAMP_STEPS, initNanos);
            } else {
                firstSteps(optimizer, params, grads);
            }
        }
    }

    private static void firstSteps(Optimizer optimizer, Tensors params, Tensors grads) {
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

    private static void ramp(Optimizer optimizer, Tensors params, Tensors grads, int steps, long initNanos)
            throws InterruptedException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // an optimizer that did not warm up at its start runs the portable kernel: asking whether the vector
        // kernel is warm would start a warm-up of its norm beside the steps
        boolean vector = Kernels.active().vectorized()
                && optimizer.config().warmUp().atStart(params.get(0).data().length);
        long[] workers = new long[0];
        long workersBefore = 0;
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long warmAfter = 0;
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            optimizer.step(grads, params);
            if (s == 1) {
                // the worker starts in the first step; its bytes count from then on
                workers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("skrl4j-adam-" + NAME + "-"))
                        .mapToLong(Thread::getId).toArray();
                workersBefore = sum(threads.getThreadAllocatedBytes(workers));
            }
            if (vector && warmAfter == 0 && Kernels.awaitWarm(Duration.ZERO)) {
                warmAfter = s;
            }
        }
        long nanos = System.nanoTime() - start;
        long cpuNanos = processCpuNanos() - cpuStart;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        long workersAllocated = sum(threads.getThreadAllocatedBytes(workers)) - workersBefore;
        System.out.println("kernel=" + Kernels.active().name() + " steps=" + steps + " ns=" + nanos
                + " allocated_bytes=" + allocated + " workers_allocated_bytes=" + workersAllocated
                + " warm_after_step=" + warmAfter + " init_ns=" + initNanos + " cpu_ns=" + cpuNanos
                + " init_cpu_ns=" + initCpuNanos);
    }

    /**
     * Each of the first steps timed alone, with the bytes the training thread allocated in it and
     * whether the vector kernel had taken over after it: prints the kernel and the init, then one line
     * per step ({@code step ns bytes warm}), to find where a fresh JVM's first seconds go.
     */
    private static void timeline(Optimizer optimizer, Tensors params, Tensors grads, int steps, long initNanos)
            throws InterruptedException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        boolean vector = Kernels.active().vectorized();
        long[] nanos = new long[steps];
        long[] startedAt = new long[steps];
        long[] cpu = new long[steps];
        long[] bytes = new long[steps];
        boolean[] warm = new boolean[steps];
        // the JVM's uptime in ms at a known nanoTime, so that each step's start can be set beside
        // -XX:+PrintCompilation's or -Xlog's time stamps (ms since the JVM started)
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        long uptimeAt = System.nanoTime();
        long sinceStart = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            startedAt[s] = start;
            cpu[s] = processCpuNanos();
            optimizer.step(grads, params);
            nanos[s] = System.nanoTime() - start;
            bytes[s] = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            warm[s] = !vector || Kernels.awaitWarm(Duration.ZERO);
        }
        long total = System.nanoTime() - sinceStart;
        System.out.println("kernel=" + Kernels.active().name() + " steps=" + steps + " ns=" + total
                + " init_ns=" + initNanos + " init_cpu_ns=" + initCpuNanos
                + " columns=step,ns,bytes,vector_warm,started_ms_since_jvm_start,process_cpu_ns_at_start");
        for (int s = 0; s < steps; s++) {
            System.out.println((s + 1) + " " + nanos[s] + " " + bytes[s] + " " + (warm[s] ? 1 : 0) + " "
                    + (uptimeMillis + (startedAt[s] - uptimeAt) / 1_000_000) + " " + cpu[s]);
        }
    }

    /** The process's CPU time (every thread: the steps', the JIT's, the GC's), or -1 where the JDK does not tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }
}
