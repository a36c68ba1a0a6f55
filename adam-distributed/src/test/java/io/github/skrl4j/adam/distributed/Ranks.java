package io.github.skrl4j.adam.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs one body per rank, each on its own thread, as replicas would; bounded in time. */
public final class Ranks {

    private Ranks() {
    }

    /** The bodies' results by rank; a body's exception is returned in its place. */
    public static List<Object> run(int worldSize, IntFunction<Object> body) {
        ExecutorService pool = Executors.newFixedThreadPool(worldSize);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try {
                        return body.apply(rank);
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("a rank did not finish", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
