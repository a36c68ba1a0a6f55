package io.github.skrl4j.adam.internal.kernel;

import org.jspecify.annotations.Nullable;

/**
 * The current thread's allocated bytes where HotSpot reports them (a constant elsewhere), and its
 * CPU time where the JVM measures it (elapsed time elsewhere): a round's CPU time leaves out the
 * time the thread waited for a processor or for its workers, which on a busy machine made rounds
 * of the same code take many times the fastest one. {@link KernelWarmUp} measures its rounds with it.
 */
final class ThreadMeter {
    /** Null where the runtime image has no {@code java.management}; then neither figure is read from it. */
    private final java.lang.management.@Nullable ThreadMXBean threads;
    private final boolean cpu;
    private final boolean allocation;
    private final long threadId;

    private ThreadMeter(java.lang.management.@Nullable ThreadMXBean threads, boolean cpu, boolean allocation) {
        this.threads = threads;
        this.cpu = cpu;
        this.allocation = allocation;
        this.threadId = Thread.currentThread().getId();
    }

    static ThreadMeter forCurrentThread() {
        try {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            boolean cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
            boolean allocation = threads instanceof com.sun.management.ThreadMXBean
                    && ((com.sun.management.ThreadMXBean) threads).isThreadAllocatedMemorySupported()
                    && ((com.sun.management.ThreadMXBean) threads).isThreadAllocatedMemoryEnabled();
            return new ThreadMeter(threads, cpu, allocation);
        } catch (LinkageError | RuntimeException e) {
            // no java.management in this runtime image: elapsed time alone decides
            return new ThreadMeter(null, false, false);
        }
    }

    long allocatedBytes() {
        return allocation ? ((com.sun.management.ThreadMXBean) threads).getThreadAllocatedBytes(threadId) : 0L;
    }

    long cpuNanos() {
        return cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
