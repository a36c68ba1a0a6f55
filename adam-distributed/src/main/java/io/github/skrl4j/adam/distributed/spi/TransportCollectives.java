package io.github.skrl4j.adam.distributed.spi;

import io.github.skrl4j.adam.distributed.Collective;
import io.github.skrl4j.adam.distributed.CollectiveException;
import io.github.skrl4j.adam.distributed.internal.ChunkedCollective;
import java.time.Duration;

/**
 * The {@link Collective} over a {@link Transport}: what a transport module (such as
 * {@code adam-hazelcast}) hands its users. The engine behind it sees the tensors as one flat vector
 * cut into chunks; chunk {@code c} is reduced by rank {@code c mod N} (a reduce-scatter, then an
 * all-gather), every sum in rank order 0..N-1, in double, rounded once to float.
 */
public final class TransportCollectives {

    /** Values per chunk unless told otherwise: 262,144 floats, 1 MiB on the wire. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 18;
    /** How long an operation waits for the other ranks unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TransportCollectives() {
    }

    /**
     * A collective over {@code transport}; closing it tells the other ranks this one left, then closes
     * the transport.
     *
     * @param chunkSize values per chunk (the unit of work spread over the ranks and of a message)
     * @param timeout   how long an operation may wait for the other ranks before failing with
     *                  {@link CollectiveException.Reason#TIMEOUT}
     * @throws IllegalArgumentException if the transport's rank is not in its world, {@code chunkSize}
     *                                  is below 1 or {@code timeout} is not positive
     */
    public static Collective over(Transport transport, int chunkSize, Duration timeout) {
        return ChunkedCollective.over(transport, chunkSize, timeout);
    }

    /** A collective over {@code transport} with {@link #DEFAULT_CHUNK_SIZE} and {@link #DEFAULT_TIMEOUT}. */
    public static Collective over(Transport transport) {
        return over(transport, DEFAULT_CHUNK_SIZE, DEFAULT_TIMEOUT);
    }
}
