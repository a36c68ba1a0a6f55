package io.github.skrl4j.adam.distributed.spi;

import io.github.skrl4j.adam.distributed.CollectiveException;

/**
 * Point-to-point messages between the ranks of a fixed world: what the collective engine ({@link TransportCollectives#over}) needs
 * from a cluster. A message is addressed by the sending rank, the collective operation's sequence
 * number and a slot within the operation (e.g. a chunk), so that messages of an operation a faster
 * rank has already started wait until this rank gets there.
 *
 * <p>Implementations: {@link io.github.skrl4j.adam.distributed.LocalCollectives} (threads of one JVM) and the {@code adam-hazelcast}
 * module. One thread at a time sends and receives; delivery is asynchronous.
 */
public interface Transport extends AutoCloseable {

    /** This rank, in {@code [0, worldSize)}. */
    int rank();

    /** Number of ranks; fixed for the transport's life. */
    int worldSize();

    /**
     * Sends {@code length} floats of {@code data} from {@code offset} to {@code toRank}. The values are
     * copied or serialized before this returns, so the caller may overwrite them at once. Never sent
     * to this rank itself.
     *
     * @throws CollectiveException if the message cannot be sent (the world is broken or closed)
     */
    void send(int toRank, long sequence, int slot, float[] data, int offset, int length);

    /** Sends a few longs (checksums, counts, layout fingerprints) to {@code toRank}. */
    void sendLongs(int toRank, long sequence, int slot, long[] values);

    /**
     * The floats {@code fromRank} sent for ({@code sequence}, {@code slot}), waiting until
     * {@code deadlineNanos} ({@link System#nanoTime()} based).
     *
     * @throws CollectiveException with {@link CollectiveException.Reason#TIMEOUT} when the deadline
     *                             passes, {@link CollectiveException.Reason#MEMBER_LEFT} as soon as a
     *                             rank of the world leaves, and so on
     */
    float[] receive(int fromRank, long sequence, int slot, long deadlineNanos);

    /** The longs {@code fromRank} sent for ({@code sequence}, {@code slot}); as {@link #receive}. */
    long[] receiveLongs(int fromRank, long sequence, int slot, long deadlineNanos);

    /**
     * Stops this rank's end: its own waits fail with {@link CollectiveException.Reason#CLOSED}. (The
     * collective tells the other ranks beforehand, with a message for {@link Mailbox#LEAVE_SLOT}.)
     */
    @Override
    void close();
}
