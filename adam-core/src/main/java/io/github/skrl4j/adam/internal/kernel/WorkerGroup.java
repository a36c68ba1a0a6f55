package io.github.skrl4j.adam.internal.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A fixed group of daemon threads that run one {@link Job} together with the calling thread, with
 * no allocation per run: the job is a preallocated object, the start is a volatile generation
 * counter, the end an atomic countdown, and waiting is a short spin followed by park/unpark.
 *
 * <p>Threads start at the first run and stop at {@link #shutdown()} (called by a {@link
 * java.lang.ref.Cleaner} when the owning optimizer becomes unreachable). One run at a time: the
 * optimizer's own one-thread-at-a-time guard ensures that.
 */
final class WorkerGroup {

    /** One parallel piece of work; part 0 runs on the calling thread. */
    interface Job {
        void run(int part, int parts);
    }

    /** How long an idle thread spins before it parks: a step's other pass is usually this close. */
    private static final long SPIN_NANOS = 50_000;

    private final String name;
    private final int parts;
    private final Thread[] threads;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean shutdown;
    private volatile @Nullable Job job;
    private volatile @Nullable Thread waiter;
    private volatile @Nullable Throwable failure;
    private boolean started;

    /** @param parts threads taking part, the calling thread included; {@code >= 2} */
    WorkerGroup(String name, int parts) {
        if (parts < 2) {
            throw new IllegalArgumentException("a worker group needs at least 2 parts, was " + parts);
        }
        this.name = name;
        this.parts = parts;
        this.threads = new Thread[parts - 1];
    }

    int parts() {
        return parts;
    }

    /** Runs {@code job} on all parts and returns when every part finished; rethrows a worker's failure. */
    void run(Job work) {
        if (shutdown) {
            throw new IllegalStateException("worker group " + name + " is shut down");
        }
        if (!started) {
            start();
        }
        failure = null;
        job = work;
        waiter = Thread.currentThread();
        pending.set(threads.length);
        generation++; // volatile write: publishes job, pending, waiter to the workers
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        Throwable own = null;
        try {
            work.run(0, parts);
        } catch (Throwable t) {
            own = t;
        }
        awaitWorkers();
        job = null;
        Throwable error = own != null ? own : failure;
        if (error instanceof RuntimeException) {
            throw (RuntimeException) error;
        }
        if (error instanceof Error) {
            throw (Error) error;
        }
        if (error != null) {
            throw new IllegalStateException(error);
        }
    }

    private void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void start() {
        for (int i = 0; i < threads.length; i++) {
            int part = i + 1;
            Thread t = new Thread(() -> work(part), "skrl4j-adam-" + name + "-" + part);
            t.setDaemon(true);
            threads[i] = t;
        }
        started = true;
        for (Thread t : threads) {
            t.start();
        }
    }

    private void work(int part) {
        int seen = 0;
        while (!shutdown) {
            int current = generation;
            if (current == seen) {
                idle(seen);
                continue;
            }
            seen = current;
            Job work = job;
            try {
                if (work != null) {
                    work.run(part, parts);
                }
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    /** Spins a little for the next run, then parks until unparked. */
    private void idle(int seen) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (generation == seen && !shutdown) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Stops the threads; they end after their current run. */
    void shutdown() {
        shutdown = true;
        for (Thread t : threads) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    boolean isShutdown() {
        return shutdown;
    }
}
