package io.github.skrl4j.adam.internal.kernel;

/**
 * Whether the JIT has finished compiling, as far as the JDK tells: no compilation finished for as
 * long as the longest one seen since the start took (a C2 compilation of a kernel loop took 0.03-0.4 s
 * on 2 busy cores), at least {@value #QUIET_MIN_MILLIS} and at most {@value #QUIET_MAX_MILLIS} ms.
 * HotSpot adds a compilation's time to its total when it ends; the JDK says nothing about a
 * compilation under way, so this is an estimate (the deadlines bound it). Without a JIT or
 * {@code java.management}, always quiet. {@link KernelWarmUp} ends a warm-up only once it is quiet.
 */
interface CompilerActivity {
    long QUIET_MIN_MILLIS = 30;
    long QUIET_MAX_MILLIS = 300;

    boolean quiet();

    static CompilerActivity start() {
        try {
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                return new CompilerActivity() {
                    private long total = jit.getTotalCompilationTime();
                    private long changedAt = System.nanoTime();
                    private long longestMillis;

                    @Override
                    public boolean quiet() {
                        long now = System.nanoTime();
                        long t = jit.getTotalCompilationTime();
                        if (t != total) {
                            longestMillis = Math.max(longestMillis, t - total);
                            total = t;
                            changedAt = now;
                            return false;
                        }
                        long window = Math.min(QUIET_MAX_MILLIS, Math.max(QUIET_MIN_MILLIS, longestMillis));
                        return now - changedAt >= window * 1_000_000;
                    }
                };
            }
        } catch (LinkageError | RuntimeException e) {
            // no java.management in this runtime image: speed and allocation alone decide
        }
        return () -> true;
    }
}
