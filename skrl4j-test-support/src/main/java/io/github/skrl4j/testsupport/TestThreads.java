package io.github.skrl4j.testsupport;

import java.util.concurrent.Executor;

/**
 * Executors for tests whose asynchronous tasks block on each other (ranks of one world, a reader and a
 * writer). {@code CompletableFuture.runAsync(task)} without an executor is not one: on a 2-core machine the
 * common pool has one thread, and newer JDKs (25 here) then queue every task of {@code CompletableFuture} on that
 * one thread (JDK 17 starts a thread per task), so a rank waiting for another rank's bytes waits forever.
 */
public final class TestThreads {

    /** A new daemon thread for every task, whatever the number of cores. */
    public static final Executor PER_TASK = task -> {
        Thread thread = new Thread(task, "test-task");
        thread.setDaemon(true);
        thread.start();
    };

    private TestThreads() {
    }
}
