package io.github.skrl4j.adam.hazelcast;

import io.github.skrl4j.adam.distributed.spi.TransportCollectives;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link HazelcastCollectives#join} forms a world.
 *
 * @param run         names the training run; members join the same world only under the same name
 * @param worldSize   members the world must have: join waits until the cluster has exactly this many
 * @param joinTimeout how long join waits for them and for rank 0's hand-shake
 * @param timeout     how long one collective operation may wait for the other ranks
 * @param chunkSize   values per chunk: the unit each rank reduces and of one message
 * @param executor    the Hazelcast executor service that carries the messages
 */
public record HazelcastCollectiveOptions(String run, int worldSize, Duration joinTimeout, Duration timeout,
        int chunkSize, String executor) {

    /** The executor used unless told otherwise. */
    public static final String DEFAULT_EXECUTOR = "skrl4j-collective";

    /** Checks every value. */
    public HazelcastCollectiveOptions {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(executor, "executor");
        if (run.isBlank()) {
            throw new IllegalArgumentException("run must not be blank");
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1, was " + worldSize);
        }
        if (joinTimeout.isNegative() || joinTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, were " + joinTimeout + " and " + timeout);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
        }
        if (executor.isBlank()) {
            throw new IllegalArgumentException("executor must not be blank");
        }
    }

    /** A world of {@code worldSize} members for {@code run}: join timeout 60 s, the collective's default timeout and chunk size. */
    public static HazelcastCollectiveOptions of(String run, int worldSize) {
        return new HazelcastCollectiveOptions(run, worldSize, Duration.ofSeconds(60), TransportCollectives.DEFAULT_TIMEOUT,
                TransportCollectives.DEFAULT_CHUNK_SIZE, DEFAULT_EXECUTOR);
    }

    /** These options with another operation timeout. */
    public HazelcastCollectiveOptions withTimeout(Duration newTimeout) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, newTimeout, chunkSize, executor);
    }

    /** These options with another join timeout. */
    public HazelcastCollectiveOptions withJoinTimeout(Duration newJoinTimeout) {
        return new HazelcastCollectiveOptions(run, worldSize, newJoinTimeout, timeout, chunkSize, executor);
    }

    /** These options with another chunk size. */
    public HazelcastCollectiveOptions withChunkSize(int newChunkSize) {
        return new HazelcastCollectiveOptions(run, worldSize, joinTimeout, timeout, newChunkSize, executor);
    }
}
